import Testing
import TRQEngine

// Expected values worked out by hand from a calendar: 2023-01-01 was a Sunday, 1970-01-01 a Thursday.
// played_at in Fixtures/plays.csv: 01-05 10:00 (Thu), 02-10 11:30 (Fri), 02-11 09:00 (Sat),
// 03-01 00:00 (Wed), 03-15 23:59:59 (Wed), 07-04 12:00 (Tue), 12-31 18:00 (Sun), all 2023 UTC.

private func truncated(_ unit: String, _ argument: String = "played_at") -> [String] {
    Array(lines(run(#"plays | select t = date_trunc("\#(unit)", \#(argument))"#).out).dropFirst())
}

@Test func dateTruncOfTimestampsForEachUnit() {
    #expect(truncated("year") == Array(repeating: "2023-01-01T00:00:00Z", count: 7))
    #expect(truncated("quarter") == ["2023-01-01", "2023-01-01", "2023-01-01", "2023-01-01", "2023-01-01", "2023-07-01", "2023-10-01"]
        .map { $0 + "T00:00:00Z" })
    #expect(truncated("month") == ["2023-01-01", "2023-02-01", "2023-02-01", "2023-03-01", "2023-03-01", "2023-07-01", "2023-12-01"]
        .map { $0 + "T00:00:00Z" })
    // Mondays on or before each day.
    #expect(truncated("week") == ["2023-01-02", "2023-02-06", "2023-02-06", "2023-02-27", "2023-03-13", "2023-07-03", "2023-12-25"]
        .map { $0 + "T00:00:00Z" })
    #expect(truncated("day") == ["2023-01-05", "2023-02-10", "2023-02-11", "2023-03-01", "2023-03-15", "2023-07-04", "2023-12-31"]
        .map { $0 + "T00:00:00Z" })
    #expect(truncated("hour") == ["2023-01-05T10", "2023-02-10T11", "2023-02-11T09", "2023-03-01T00", "2023-03-15T23", "2023-07-04T12", "2023-12-31T18"]
        .map { $0 + ":00:00Z" })
    #expect(truncated("WEEK") == truncated("week"))
}

@Test func dateTruncOfDatesYieldsDates() {
    #expect(truncated("month", "date(played_at)") == ["2023-01-01", "2023-02-01", "2023-02-01", "2023-03-01", "2023-03-01", "2023-07-01", "2023-12-01"])
    #expect(truncated("week", "date(played_at)") == ["2023-01-02", "2023-02-06", "2023-02-06", "2023-02-27", "2023-03-13", "2023-07-03", "2023-12-25"])
    #expect(truncated("hour", "date(played_at)") == truncated("day", "date(played_at)"))
}

@Test func dateTruncOfSingleValuesAcrossBoundaries() {
    func one(_ call: String) -> String? { lines(run("plays | limit 1 | select t = \(call)").out).last }
    #expect(one(#"date_trunc("week", date("2023-01-01"))"#) == "2022-12-26")
    #expect(one(#"date_trunc("week", date("2021-01-03"))"#) == "2020-12-28")
    #expect(one(#"date_trunc("week", date("1969-12-28"))"#) == "1969-12-22")
    #expect(one(#"date_trunc("week", date("2024-02-29"))"#) == "2024-02-26")
    #expect(one(#"date_trunc("quarter", date("2024-12-31"))"#) == "2024-10-01")
    #expect(one(#"date_trunc("quarter", date("2024-04-01"))"#) == "2024-04-01")
    #expect(one(#"date_trunc("year", date("2024-02-29"))"#) == "2024-01-01")
    // Before 1970 the hour and day are floored, not rounded toward zero.
    #expect(one(#"date_trunc("hour", "1969-12-31T23:30:00Z")"#) == "1969-12-31T23:00:00Z")
    #expect(one(#"date_trunc("day", "1969-12-31T23:30:00Z")"#) == "1969-12-31T00:00:00Z")
    // ISO text is read as what it spells: a date stays a date.
    #expect(one(#"date_trunc("month", "2023-05-09")"#) == "2023-05-01")
    #expect(one(#"date_trunc("month", "2023-05-09T10:20:00Z")"#) == "2023-05-01T00:00:00Z")
}

@Test func dateTruncPassesNullsThrough() {
    // Row 3 has a null ms.
    #expect(truncated("day", "if(ms is null, null, played_at)")
        == ["2023-01-05T00:00:00Z", "2023-02-10T00:00:00Z", "", "2023-03-01T00:00:00Z", "2023-03-15T00:00:00Z", "2023-07-04T00:00:00Z", "2023-12-31T00:00:00Z"])
    #expect(truncated("day", "null") == Array(repeating: "", count: 7))
    #expect(lines(run("plays | select t = date_trunc(null, played_at)").out).dropFirst().allSatisfy { $0.isEmpty })
}

@Test func dateTruncRejectsUnknownUnitsListingTheValidOnes() {
    let r = run(#"plays | select d = date_trunc("minute", played_at)"#)
    #expect(r.outcome == .failed)
    #expect(r.err == """
        test.trq:1:31: error: unknown date_trunc unit 'minute' (did you mean 'month'?); use one of year, quarter, month, week, day, hour
        plays | select d = date_trunc("minute", played_at)
                                      ^

        """)
    let scalar = run(#"plays | select d = date_trunc("decade", "2023-05-09")"#)
    #expect(scalar.err.hasPrefix("test.trq:1:31: error: unknown date_trunc unit 'decade'"))
    #expect(scalar.err.contains("use one of year, quarter, month, week, day, hour"))
    let notATime = run(#"plays | select d = date_trunc("day", ms)"#)
    // Found at bind time, from the column's type, at the argument.
    #expect(notATime.err.hasPrefix("test.trq:1:38: error: date_trunc() expects a date or timestamp as argument 2, but 'ms' is int"))
}
