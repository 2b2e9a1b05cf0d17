import Foundation
import Testing
import TRQEngine

// Expected tables are computed by hand from Fixtures/plays.csv (7 rows, one null ms, one null user);
// statistics were checked with numpy (median, quantile's linear interpolation, std with ddof=1).

@Test func filterDropsNullsAndFalse() {
    let r = run("plays | filter ms > 2000 | select user, ms")
    #expect(lines(r.out) == ["user,ms", "u2,4000", "u3,5000", "u3,6000", ",7000"])
}

@Test func groupbyAggregatesSkipNullsAndKeepFirstAppearanceOrder() {
    let r = run("plays | groupby genre agg n = count(), total = sum(ms), avg = mean(ms), users = count_distinct(user)")
    #expect(lines(r.out) == ["genre,n,total,avg,users", "pop,3,6000,3000.0,3", "rock,2,8000,4000.0,2", "jazz,2,11000,5500.0,1"])
}

@Test func groupbyWithoutAggCountsAndNullKeysFormAGroup() {
    let r = run("plays | groupby user")
    #expect(lines(r.out) == ["user,count", "u1,2", "u2,2", "u3,2", ",1"])
}

@Test func sortPutsNullsLastInBothDirections() {
    #expect(lines(run("plays | sort ms desc | select ms").out) == ["ms", "7000", "6000", "5000", "4000", "2000", "1000", ""])
    #expect(lines(run("plays | sort ms | select ms").out) == ["ms", "1000", "2000", "4000", "5000", "6000", "7000", ""])
}

@Test func sortIsStable() {
    #expect(lines(run("plays | sort genre | select genre, track").out)
        == ["genre,track", "jazz,t3", "jazz,t3", "pop,t1", "pop,t1", "pop,t1", "rock,t2", "rock,t2"])
}

@Test func collectChangesNothingOnTheLocalEngine() {
    #expect(run("plays | collect | filter ms > 2000 | select user, ms").out == run("plays | filter ms > 2000 | select user, ms").out)
    #expect(run("explain plays | filter ms > 2000 | collect | select user").out.contains("then collect on that result"))
}

@Test func topPerGroup() {
    let r = run("plays | top 1 by ms per genre | select genre, user, ms")
    #expect(lines(r.out) == ["genre,user,ms", "pop,u3,5000", "rock,u3,6000", "jazz,,7000"])
}

@Test func wholeTableStatistics() {
    let r = run("plays | agg med = median(ms), q = quantile(ms, 0.25), s = std(ms), v = var(ms), n = count(ms), rows = count()")
    #expect(lines(r.out) == ["med,q,s,v,n,rows", "4500.0,2500.0,2316.6067138525405,5366666.666666667,6,7"])
}

@Test func dateFunctions() {
    let r = run("plays | select m = month(played_at), w = weekday(played_at), h = hour(played_at), d = date(played_at) | limit 2")
    #expect(lines(r.out) == ["m,w,h,d", "1,3,10,2023-01-05", "2,4,11,2023-02-10"])
}

@Test func threeValuedLogic() {
    let r = run("plays | select x = ms > 3000 or skipped, y = ms > 3000 and skipped")
    #expect(lines(r.out) == ["x,y", "false,false", "true,false", ",false", "true,false", "true,true", "true,false", "true,false"])
}

@Test func divisionYieldsFloatAndNullOnZero() {
    let r = run("plays | limit 3 | select a = ms / 1000, b = ms % 3, c = ms / 0, d = ms % 0")
    #expect(lines(r.out) == ["a,b,c,d", "1.0,1,,", "2.0,2,,", ",,,"])
}

@Test func integerOverflowIsAnErrorNamingTheExpression() {
    let r = run("plays | derive x = 9223372036854775807 + ms")
    #expect(r.outcome == .failed)
    #expect(r.err.hasPrefix("test.trq:1:40: error: integer overflow in '9223372036854775807 + ms'"))
}

@Test func unknownColumnSuggestsTheNearestName() {
    let r = run("plays | filter mss > 1")
    #expect(r.outcome == .failed)
    #expect(r.err == "test.trq:1:16: error: unknown column 'mss' (did you mean 'ms'?)\nplays | filter mss > 1\n               ^\n")
}

@Test func unknownTableSuggestsTheNearestName() {
    let r = run("plais | limit 1")
    #expect(r.err.hasPrefix("test.trq:1:1: error: unknown table 'plais' (did you mean 'plays'?)"))
}

@Test func stringFunctionsAndMatching() {
    let r = run(#"tracks | select t = upper(title), n = len(title), l = title like "Thun%", r = title ~ "\\(live\\)$", i = genre in ["pop", "folk"]"#)
    #expect(lines(r.out) == ["t,n,l,r,i", "SUNRISE,7,false,false,true", "THUNDER,7,true,false,false",
                              "THUNDER (LIVE),14,true,true,false", "UNPLAYED,8,false,false,true"])
}

@Test func stringPlusConcatenatesButConcatIsNotAFunction() {
    #expect(lines(run(#"plays | limit 2 | select s = user + "/" + track"#).out) == ["s", "u1/t1", "u1/t2"])
    // `+` evaluates through an internal "concat"; users get the unknown-function error.
    let r = run("plays | select s = concat(user, track)")
    #expect(r.outcome == .failed)
    #expect(r.err.hasPrefix("test.trq:1:20: error: unknown function 'concat'"))
}

@Test func castsYieldNullWhenTheTextDoesNotParse() {
    let r = run(#"tracks | limit 1 | select a = int("1,234"), b = int(replace("1,234", ",", "")), c = float("x"), d = bool("TRUE")"#)
    #expect(lines(r.out) == ["a,b,c,d", ",1234,,true"])
}

@Test func joinsMatchEveryPairAndSuffixClashes() {
    let inner = run("plays | join tracks on track | select user, track, title, genre, genre_right")
    #expect(lines(inner.out) == ["user,track,title,genre,genre_right",
        "u1,t1,Sunrise,pop,pop", "u1,t2,Thunder,rock,rock", "u1,t2,Thunder (live),rock,rock",
        "u2,t1,Sunrise,pop,pop", "u3,t1,Sunrise,pop,pop", "u3,t2,Thunder,rock,rock", "u3,t2,Thunder (live),rock,rock"])
    let left = run("plays | join left tracks on track | filter track == \"t3\" | select user, title")
    #expect(lines(left.out) == ["user,title", "u2,", ","])
}

/// A join gathers only the columns later stages read; the names stay those of the full join.
@Test func joinKeepsNamesWhenLaterStagesReadFewColumns() {
    #expect(lines(run("plays | join tracks on track | select genre_right").out)
        == ["genre_right", "pop", "rock", "rock", "pop", "pop", "rock", "rock"])
    #expect(lines(run("plays | join tracks on track | agg n = count()").out) == ["n", "7"])
    #expect(lines(run("plays | join left tracks on track | groupby title agg n = count()").out)
        == ["title,n", "Sunrise,3", "Thunder,2", "Thunder (live),2", ",2"])
}

/// Every left row matching exactly one right row, in order: the left columns are reused.
@Test func joinMatchingEachLeftRowOnceKeepsTheLeftRows() {
    let r = run("""
        let u = plays | distinct track | select track, tag = upper(track)
        plays | join u on track | select user, track, ms, tag
        """)
    #expect(lines(r.out) == ["user,track,ms,tag", "u1,t1,1000,T1", "u1,t2,2000,T2", "u2,t1,,T1", "u2,t3,4000,T3",
                             "u3,t1,5000,T1", "u3,t2,6000,T2", ",t3,7000,T3"])
}

@Test func distinctDropnaFillna() {
    #expect(lines(run("plays | distinct genre | select genre").out) == ["genre", "pop", "rock", "jazz"])
    #expect(run("plays | dropna | agg n = count()").out.contains("\n5"))
    #expect(lines(run("plays | dropna ms | agg n = count()").out) == ["n", "6"])
    #expect(lines(run("plays | fillna ms = 0 | agg s = sum(ms), n = count(ms)").out) == ["s,n", "25000,7"])
}

@Test func deriveSeesEarlierColumnsAndReplaces() {
    let r = run("plays | limit 2 | derive s = ms / 1000, s2 = s * 2, ms = 0 | select ms, s, s2")
    #expect(lines(r.out) == ["ms,s,s2", "0,1.0,2.0", "0,2.0,4.0"])
}

@Test func renameDropAndLastResult() {
    var out = ""
    var settings = SessionSettings()
    settings.format = .csv
    settings.variables = ["plays": fixture("plays.csv")]
    let session = Session(settings: settings, write: { out += $0 }, writeError: { _ in })
    #expect(session.execute("load $plays | rename listener = user | drop track, genre, skipped, played_at | limit 1\n_ | select listener", file: "t") == .success)
    #expect(lines(out) == ["listener,ms", "u1,1000", "listener", "u1"])
}

@Test func columnPruningKeepsResultsOfDerivedAndFilteredColumns() {
    #expect(lines(run("plays | derive x = ms * 2 | filter x > 4000 | agg n = count(), s = sum(x)").out) == ["n,s", "4,44000"])
    #expect(lines(run("plays | filter genre == \"pop\" | groupby user | sort user").out) == ["user,count", "u1,1", "u2,1", "u3,1"])
    #expect(lines(run("plays | select one = 1 | agg n = count()").out) == ["n", "7"])
}

@Test func countingFilteredRowsSkipsNullConditions() {
    // Fused (filter then count) and unfused (a limit in between) must agree: 4 of 7 rows pass,
    // the null ms counts as false.
    #expect(lines(run("plays | filter ms > 2000 | agg n = count(), rows = count()").out) == ["n,rows", "4,4"])
    #expect(lines(run("plays | filter ms > 2000 | limit 100 | agg n = count()").out) == ["n", "4"])
    #expect(lines(run("plays | filter ms > 2000 or ms is null | agg n = count()").out) == ["n", "5"])
}

/// `filter C | agg n = count()` counts without a mask when C compares a column with a constant;
/// each count is the number of rows listed by hand from the fixture (the null ms never counts).
@Test func filterThenCountMatchesHandCountedRows() {
    let cases: [(String, Int)] = [
        ("ms > 2000", 4), ("2000 < ms", 4), ("ms >= 2000", 5), ("ms != 4000", 5), ("ms == 4000.0", 1),
        ("ms * 2 <= 4000", 2), ("-ms > -2500", 2), ("played_at >= \"2023-03-01\"", 4),
        ("played_at < \"2023-02-11T09:00:00Z\"", 2), ("float(ms) / 1000 > 4.5", 3),
        ("genre == \"pop\"", 3), ("ms > 2000 and not skipped", 3),
        // `and` of constant comparisons and string (in)equalities, counted as bit words; a null
        // user or ms on either side never counts.
        ("genre == \"pop\" and ms > 1000", 1), ("\"rock\" == genre and ms >= 2000 and played_at >= \"2023-03-01\"", 1),
        ("user != \"u1\" and ms > 3000", 3), ("genre == \"blues\" and ms > 0", 0), ("user != \"nobody\" and ms > 0", 5),
        ("genre == \"pop\" and ms > 2000 and genre != \"rock\"", 1),
    ]
    for (condition, expected) in cases {
        #expect(lines(run("plays | filter \(condition) | agg n = count(), m = count()").out) == ["n,m", "\(expected),\(expected)"], "\(condition)")
        #expect(lines(run("plays | filter \(condition) | limit 100 | agg n = count()").out) == ["n", "\(expected)"], "\(condition)")
    }
}

@Test func filterThenCountReportsBadConstants() {
    let r = run("plays | filter played_at > \"July\" | agg n = count()")
    #expect(r.outcome == .failed)
    #expect(r.err.contains("'July' is not a date or timestamp"))
}

/// `filter C` selects rows straight from the column when C compares it with a constant, and
/// `filter C | limit N` stops once N rows match; both must list the rows a mask would (listed by
/// hand from the fixture: the null ms never passes, the int column against a float constant and
/// strings take the mask path).
@Test func filteredRowsMatchHandListedRows() {
    let rows = ["u1,1000", "u1,2000", "u2,", "u2,4000", "u3,5000", "u3,6000", ",7000"]
    let cases: [(String, [Int])] = [
        ("ms > 2000", [3, 4, 5, 6]), ("2000 >= ms", [0, 1]), ("ms != 4000", [0, 1, 4, 5, 6]),
        ("ms == 4000.0", [3]), ("played_at >= \"2023-03-01\"", [3, 4, 5, 6]), ("float(ms) / 1000 > 4.5", [4, 5, 6]),
        ("genre == \"pop\"", [0, 2, 4]), ("ms < 0", []),
    ]
    for (condition, expected) in cases {
        let all = run("plays | filter \(condition) | select user, ms")
        #expect(lines(all.out) == ["user,ms"] + expected.map { rows[$0] }, "\(condition)")
        for n in [0, 2] {
            let first = run("plays | filter \(condition) | limit \(n) | select user, ms")
            #expect(lines(first.out) == ["user,ms"] + expected.prefix(n).map { rows[$0] }, "\(condition) | limit \(n)")
        }
    }
    // The filter takes only the columns later stages read; what they compute is unchanged.
    #expect(lines(run("plays | filter ms > 2000 | groupby genre agg n = count()").out) == ["genre,n", "jazz,2", "pop,1", "rock,1"])
    #expect(lines(run("plays | filter not skipped | filter ms > 2000 | select track").out) == ["track", "t3", "t2", "t3"])
    let badLimit = run("plays | filter ms > 2000 | limit -1")
    #expect(badLimit.outcome == .failed && badLimit.err.contains("needs a whole number"))
}

/// `==` and `!=` on strings compare bytes (code points, as the language says), so a composed é
/// and a decomposed e + accent are different values, whichever side the constant is on.
@Test func stringEqualityComparesBytes() throws {
    let path = NSTemporaryDirectory() + "trq-string-bytes-\(getpid()).csv"
    try "s\n\u{E9}\ne\u{301}\n\u{E9}\nx\n".write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let r = run("""
        let u = load "\(path)"
        u | filter s == "\u{E9}" | agg n = count()
        u | filter "e\u{301}" == s | agg n = count()
        u | filter s != "\u{E9}" | agg n = count()
        """)
    #expect(lines(r.out) == ["n", "2", "n", "1", "n", "2"], "\(r.err)")
}
