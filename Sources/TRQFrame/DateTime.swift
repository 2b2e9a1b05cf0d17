// Calendar arithmetic on the proleptic Gregorian calendar, UTC only (Howard Hinnant's algorithms),
// so dates never go through Foundation's slower, locale-dependent formatters.

public let microsPerSecond: Int64 = 1_000_000
public let microsPerDay: Int64 = 86_400_000_000

/// Days since 1970-01-01 of a civil date.
@inline(__always) public func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year &- 1 : year
    let era = (y >= 0 ? y : y &- 399) / 400
    let yoe = y &- era &* 400
    let mp = (month &+ 9) % 12
    let doy = (153 &* mp &+ 2) / 5 &+ day &- 1
    let doe = yoe &* 365 &+ yoe / 4 &- yoe / 100 &+ doy
    return era &* 146_097 &+ doe &- 719_468
}

/// The civil date of a day count since 1970-01-01.
@inline(__always) public func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days &+ 719_468
    let era = (z >= 0 ? z : z &- 146_096) / 146_097
    let doe = z &- era &* 146_097
    let yoe = (doe &- doe / 1460 &+ doe / 36524 &- doe / 146_096) / 365
    let doy = doe &- (365 &* yoe &+ yoe / 4 &- yoe / 100)
    let mp = (5 &* doy &+ 2) / 153
    let day = doy &- (153 &* mp &+ 2) / 5 &+ 1
    let month = mp < 10 ? mp &+ 3 : mp &- 9
    return (yoe &+ era &* 400 &+ (month <= 2 ? 1 : 0), month, day)
}

/// Floor division of a timestamp into days, correct for instants before 1970.
@inline(__always) public func daysOf(timestamp us: Int64) -> Int {
    let d = us / microsPerDay
    return Int(us % microsPerDay < 0 ? d &- 1 : d)
}

/// A unit of `date_trunc`, as DuckDB's; weeks are ISO 8601 weeks, which start on Monday.
public enum TimeUnit: String, CaseIterable, Sendable {
    case year, quarter, month, week, day, hour

    /// The first day of the unit containing the day `days` (for `hour`, that day).
    @inline(__always) public func truncate(days: Int) -> Int {
        switch self {
        case .day, .hour: return days
        // Monday = 0 ... Sunday = 6; 1970-01-01 (day 0) was a Thursday. `days % 7` is in -6...6.
        case .week: return days &- ((days % 7) &+ 10) % 7
        case .year, .quarter, .month:
            let civil = civilFromDays(days)
            let month = switch self {
            case .year: 1
            case .quarter: (civil.month &- 1) / 3 &* 3 &+ 1
            default: civil.month
            }
            return daysFromCivil(year: civil.year, month: month, day: 1)
        }
    }

    @inline(__always) public func truncate(date: Int32) -> Int32 {
        Int32(truncatingIfNeeded: truncate(days: Int(date)))
    }

    /// The first instant of the unit containing the timestamp.
    @inline(__always) public func truncate(timestamp us: Int64) -> Int64 {
        let days = daysOf(timestamp: us)
        let midnight = Int64(days) &* microsPerDay
        guard self == .hour else { return Int64(truncate(days: days)) &* microsPerDay }
        let microsPerHour = 3600 &* microsPerSecond
        return midnight &+ (us &- midnight) / microsPerHour &* microsPerHour
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width &- s.count) + s
}

public func formatDate(_ days: Int32) -> String {
    let c = civilFromDays(Int(days))
    return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
}

/// ISO 8601 in UTC: `2023-03-14T18:22:05Z`, with fractional seconds only when present.
public func formatTimestamp(_ us: Int64) -> String {
    let days = daysOf(timestamp: us)
    let inDay = us &- Int64(days) &* microsPerDay
    let seconds = Int(inDay / microsPerSecond)
    let fraction = Int(inDay % microsPerSecond)
    var text = formatDate(Int32(truncatingIfNeeded: days))
    text += "T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
    if fraction != 0 {
        var digits = pad(fraction, 6)
        while digits.hasSuffix("0") { digits.removeLast() }
        text += "." + digits
    }
    return text + "Z"
}

/// Shortest text that reads back as the same Double; integral values keep a `.0`.
public func formatDouble(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    return v.description
}

/// The result of recognising ISO 8601 text.
public enum ParsedTime: Equatable, Sendable {
    case date(Int32)
    case timestamp(Int64)
}

/// Parses `YYYY-MM-DD`, or `YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][Z|±HH:MM|±HHMM]` (converted to UTC).
/// Returns nil for anything else, including impossible dates such as 2023-02-30.
public func parseISO8601(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedTime? {
    let n = bytes.count
    guard n >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
    @inline(__always) func digits(_ start: Int, _ count: Int) -> Int? {
        guard start &+ count <= n else { return nil }
        var v = 0
        for i in start..<(start &+ count) {
            let d = Int(bytes[i]) &- 48
            guard d >= 0, d <= 9 else { return nil }
            v = v &* 10 &+ d
        }
        return v
    }
    guard let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
          (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month)
    else { return nil }
    let days = daysFromCivil(year: year, month: month, day: day)
    if n == 10 { return .date(Int32(days)) }
    let separator = bytes[10]
    guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: " "),
          let hour = digits(11, 2), hour < 24, n >= 16, bytes[13] == UInt8(ascii: ":"),
          let minute = digits(14, 2), minute < 60
    else { return nil }
    var second = 0
    var fraction: Int64 = 0
    var i = 16
    if i < n, bytes[i] == UInt8(ascii: ":") {
        guard let s = digits(17, 2), s < 61 else { return nil }
        second = s
        i = 19
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i &+= 1
            var scale: Int64 = 100_000
            let start = i
            while i < n, bytes[i] >= 48, bytes[i] <= 57 {
                fraction &+= Int64(bytes[i] &- 48) &* scale
                scale /= 10
                i &+= 1
            }
            guard i > start else { return nil }
        }
    }
    var offsetSeconds = 0
    if i < n {
        let sign = bytes[i]
        if sign == UInt8(ascii: "Z"), i &+ 1 == n {
            i &+= 1
        } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), let oh = digits(i &+ 1, 2) {
            var j = i &+ 3
            if j < n, bytes[j] == UInt8(ascii: ":") { j &+= 1 }
            guard let om = digits(j, 2), j &+ 2 == n else { return nil }
            offsetSeconds = (oh &* 3600 &+ om &* 60) &* (sign == UInt8(ascii: "-") ? -1 : 1)
            i = n
        } else {
            return nil
        }
    }
    let seconds = Int64(days) &* 86_400 &+ Int64(hour &* 3600 &+ minute &* 60 &+ second &- offsetSeconds)
    return .timestamp(seconds &* microsPerSecond &+ fraction)
}

public func parseISO8601(_ text: String) -> ParsedTime? {
    var text = text
    return text.withUTF8 { parseISO8601($0) }
}

public func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}
