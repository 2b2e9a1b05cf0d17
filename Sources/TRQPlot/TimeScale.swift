/// Axis ticks on calendar boundaries (whole minutes, days, Mondays, months, years) for
/// timestamps in microseconds since 1970-01-01T00:00:00Z, and UTC date formatting.
enum TimeScale {
    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerDay: Int64 = 86_400_000_000

    enum Unit { case second, minute, hour, day, week, month, year }

    struct Interval {
        let unit: Unit
        let count: Int64

        /// Average length, to estimate how many ticks a range needs.
        var approximateMicros: Double {
            let unitMicros: Double = switch unit {
            case .second: 1e6
            case .minute: 6e7
            case .hour: 3.6e9
            case .day: 8.64e10
            case .week: 6.048e11
            case .month: 2.6297e12
            case .year: 3.15576e13
            }
            return unitMicros * Double(count)
        }
    }

    static let intervals: [Interval] = {
        var all: [Interval] = []
        for c: Int64 in [1, 2, 5, 10, 15, 30] { all.append(Interval(unit: .second, count: c)) }
        for c: Int64 in [1, 2, 5, 10, 15, 30] { all.append(Interval(unit: .minute, count: c)) }
        for c: Int64 in [1, 2, 3, 6, 12] { all.append(Interval(unit: .hour, count: c)) }
        for c: Int64 in [1, 2] { all.append(Interval(unit: .day, count: c)) }
        all.append(Interval(unit: .week, count: 1))
        for c: Int64 in [1, 2, 3, 6] { all.append(Interval(unit: .month, count: c)) }
        var decade: Int64 = 1
        while decade <= 100_000 {
            for m: Int64 in [1, 2, 5] { all.append(Interval(unit: .year, count: m * decade)) }
            decade *= 10
        }
        return all
    }()

    /// Ticks on the calendar boundaries of the finest interval that gives at most `maxTicks`
    /// ticks inside [lo, hi], with labels as precise as that interval needs.
    static func ticks(lo: Int64, hi: Int64, maxTicks: Int) -> (ticks: [Int64], labels: [String]) {
        let limit = max(2, maxTicks)
        let span = Double(hi) - Double(lo)
        for interval in intervals where span / interval.approximateMicros <= Double(limit) {
            let ticks = boundaries(of: interval, from: lo, to: hi, limit: limit + 1)
            if ticks.count <= limit { return (ticks, labels(ticks, interval: interval)) }
        }
        return ([], [])
    }

    /// Interval boundaries within [lo, hi]; stops early past `limit` (the caller then tries a
    /// coarser interval).
    static func boundaries(of interval: Interval, from lo: Int64, to hi: Int64, limit: Int) -> [Int64] {
        var ticks: [Int64] = []
        switch interval.unit {
        case .second, .minute, .hour, .day, .week:
            let unitMicros: Int64 = switch interval.unit {
            case .second: microsPerSecond
            case .minute: 60 * microsPerSecond
            case .hour: 3600 * microsPerSecond
            case .week: 7 * microsPerDay
            default: microsPerDay
            }
            let (stepMicros, overflow) = unitMicros.multipliedReportingOverflow(by: interval.count)
            guard !overflow else { return [] }
            // Weeks start on Monday; 1970-01-05 was the first Monday after the epoch.
            let origin: Int64 = interval.unit == .week ? 4 * microsPerDay : 0
            var tick = floorDiv(lo &- origin, stepMicros) &* stepMicros &+ origin
            if tick < lo { tick = tick &+ stepMicros }
            while tick <= hi && ticks.count < limit {
                ticks.append(tick)
                let (next, overflow) = tick.addingReportingOverflow(stepMicros)
                if overflow { break }
                tick = next
            }
        case .month, .year:
            let monthsPerStep = interval.unit == .year ? interval.count &* 12 : interval.count
            let start = civil(fromDays: floorDiv(lo, microsPerDay))
            var monthIndex = (start.year &- 1970) &* 12 &+ (start.month &- 1)
            monthIndex = floorDiv(monthIndex, monthsPerStep) &* monthsPerStep
            while ticks.count < limit {
                let year = 1970 &+ floorDiv(monthIndex, 12)
                let month = monthIndex &- floorDiv(monthIndex, 12) &* 12 &+ 1
                let (tick, overflow) = daysFromCivil(year: year, month: month, day: 1)
                    .multipliedReportingOverflow(by: microsPerDay)
                if overflow || tick > hi { break }
                if tick >= lo { ticks.append(tick) }
                monthIndex = monthIndex &+ monthsPerStep
            }
        }
        return ticks
    }

    static func labels(_ ticks: [Int64], interval: Interval) -> [String] {
        switch interval.unit {
        case .year: return ticks.map { String(civil(fromDays: floorDiv($0, microsPerDay)).year) }
        case .month: return ticks.map { String(formatDate($0).prefix(7)) }
        case .day, .week: return ticks.map { formatDate($0) }
        case .second, .minute, .hour:
            let multiDay = (ticks.first.map { floorDiv($0, microsPerDay) }) != (ticks.last.map { floorDiv($0, microsPerDay) })
            return ticks.map { tick in
                let time = formatClock(tick, seconds: interval.unit == .second)
                return multiDay ? String(formatDate(tick).dropFirst(5)) + " " + time : time
            }
        }
    }

    /// "2023-03-15"
    static func formatDate(_ micros: Int64) -> String {
        let date = civil(fromDays: floorDiv(micros, microsPerDay))
        return "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))"
    }

    /// "2023-03-15" when `dateOnly`, else "2023-03-15 14:30:00" (with a fraction when present).
    static func format(_ micros: Int64, dateOnly: Bool) -> String {
        if dateOnly { return formatDate(micros) }
        var text = formatDate(micros) + " " + formatClock(micros, seconds: true)
        let fraction = micros &- floorDiv(micros, microsPerSecond) &* microsPerSecond
        if fraction != 0 {
            var digits = pad(fraction, 6)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    static func isMidnight(_ micros: Int64) -> Bool {
        micros &- floorDiv(micros, microsPerDay) &* microsPerDay == 0
    }

    private static func formatClock(_ micros: Int64, seconds: Bool) -> String {
        let secondOfDay = floorDiv(micros &- floorDiv(micros, microsPerDay) &* microsPerDay, microsPerSecond)
        let clock = "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2))"
        return seconds ? clock + ":" + pad(secondOfDay % 60, 2) : clock
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(abs(value))
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q &- 1 : q
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days &+ 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z &- era &* 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra &+ era &* 400 &+ (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year &- 1 : year
        let era = floorDiv(y, 400)
        let yearOfEra = y &- era &* 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era &* 146_097 &+ dayOfEra &- 719_468
    }
}
