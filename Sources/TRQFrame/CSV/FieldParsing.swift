#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Recognising the text of one field as a typed value. All functions work on raw bytes and never
// allocate on the common path.

let asciiZero: UInt8 = 48
let asciiMinus = UInt8(ascii: "-")
let asciiPlus = UInt8(ascii: "+")
let asciiDot = UInt8(ascii: ".")
let asciiSpace = UInt8(ascii: " ")

/// An integer starting at `p`: optional sign, then decimal digits. Returns the value and the
/// position after the last digit, or nil if there is no digit or the value overflows Int64.
@inline(__always)
func scanInt(_ base: UnsafePointer<UInt8>, _ p: Int, _ end: Int) -> (value: Int64, next: Int)? {
    var i = p
    var negative = false
    if i < end {
        let sign = base[i]
        if sign == asciiMinus { negative = true; i &+= 1 } else if sign == asciiPlus { i &+= 1 }
    }
    let digitsStart = i
    var magnitude: UInt64 = 0
    while i < end {
        let d = base[i] &- asciiZero
        if d > 9 { break }
        magnitude = magnitude &* 10 &+ UInt64(d)
        i &+= 1
    }
    let digitCount = i &- digitsStart
    // 19 digits always fit in UInt64; more may have wrapped.
    guard digitCount > 0, digitCount <= 19 else { return nil }
    if negative {
        guard magnitude <= UInt64(Int64.max) &+ 1 else { return nil }
        return (Int64(bitPattern: 0 &- magnitude), i)
    }
    guard magnitude <= UInt64(Int64.max) else { return nil }
    return (Int64(magnitude), i)
}

/// 10^0 ... 10^22, the powers of ten that doubles hold exactly (also the JSON reader's).
let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// A decimal floating-point number starting at `p`: `[+-]digits[.digits][(e|E)[+-]digits]`, with
/// at least one digit before or after the point. Returns the correctly rounded value and the
/// position after it, or nil. (`nan`/`inf` are recognised by `classifyField`, not here.)
@inline(__always)
func scanDouble(_ base: UnsafePointer<UInt8>, _ p: Int, _ end: Int) -> (value: Double, next: Int)? {
    var i = p
    var negative = false
    if i < end {
        let sign = base[i]
        if sign == asciiMinus { negative = true; i &+= 1 } else if sign == asciiPlus { i &+= 1 }
    }
    var mantissa: UInt64 = 0
    var significant = 0  // digits accumulated into mantissa, leading zeros excluded
    var dropped = false  // digits beyond 19 significant ones
    var exponent = 0
    var digits = 0
    while i < end {
        let d = base[i] &- asciiZero
        if d > 9 { break }
        digits &+= 1
        if significant < 19 {
            mantissa = mantissa &* 10 &+ UInt64(d)
            if mantissa != 0 { significant &+= 1 }
        } else {
            exponent &+= 1
            if d != 0 { dropped = true }
        }
        i &+= 1
    }
    if i < end, base[i] == asciiDot {
        i &+= 1
        while i < end {
            let d = base[i] &- asciiZero
            if d > 9 { break }
            digits &+= 1
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { significant &+= 1 }
                exponent &-= 1
            } else if d != 0 {
                dropped = true
            }
            i &+= 1
        }
    }
    guard digits > 0 else { return nil }
    if i < end, base[i] | 0x20 == UInt8(ascii: "e") {
        var j = i &+ 1
        var exponentNegative = false
        if j < end {
            if base[j] == asciiMinus { exponentNegative = true; j &+= 1 } else if base[j] == asciiPlus { j &+= 1 }
        }
        let exponentStart = j
        var written = 0
        while j < end {
            let d = base[j] &- asciiZero
            if d > 9 { break }
            if written < 100_000 { written = written &* 10 &+ Int(d) }
            j &+= 1
        }
        guard j > exponentStart else { return nil }
        exponent &+= exponentNegative ? -written : written
        i = j
    }
    // Clinger's fast path: both the mantissa and the power of ten are exact doubles, so one
    // IEEE multiplication or division rounds correctly.
    if !dropped, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
        var value = Double(mantissa)
        value = exponent < 0 ? value / exactPowersOfTen[-exponent] : value * exactPowersOfTen[exponent]
        return (negative ? -value : value, i)
    }
    if mantissa == 0 && !dropped { return (negative ? -0.0 : 0.0, i) }
    // Rare: long mantissas or large exponents. The standard library parses correctly rounded.
    let text = String(decoding: UnsafeBufferPointer(start: base + p, count: i &- p), as: UTF8.self)
    guard let value = Double(text) else { return nil }
    return (value, i)
}

/// `true`/`false` in any letter case, starting at `p`.
@inline(__always)
func scanBool(_ base: UnsafePointer<UInt8>, _ p: Int, _ end: Int) -> (value: Bool, next: Int)? {
    // Lower-casing ASCII letters with | 0x20 is safe here: the compared words are all letters.
    if end &- p >= 4, base[p] | 0x20 == UInt8(ascii: "t"), base[p &+ 1] | 0x20 == UInt8(ascii: "r"),
       base[p &+ 2] | 0x20 == UInt8(ascii: "u"), base[p &+ 3] | 0x20 == UInt8(ascii: "e") {
        return (true, p &+ 4)
    }
    if end &- p >= 5, base[p] | 0x20 == UInt8(ascii: "f"), base[p &+ 1] | 0x20 == UInt8(ascii: "a"),
       base[p &+ 2] | 0x20 == UInt8(ascii: "l"), base[p &+ 3] | 0x20 == UInt8(ascii: "s"),
       base[p &+ 4] | 0x20 == UInt8(ascii: "e") {
        return (false, p &+ 5)
    }
    return nil
}

/// `YYYY-MM-DD`, or `YYYY-MM-DD[T| ]HH:MM:SS` with an optional `Z`, starting at `p`: the forms
/// most files use, parsed in place. Returns the position after the text, or nil for anything
/// else (other forms are left to `parseISO8601`, which gives the same value for these).
@inline(__always)
func scanISO8601Fast(_ base: UnsafePointer<UInt8>, _ p: Int, _ end: Int) -> (value: ParsedTime, next: Int)? {
    if end &- p >= 19, let timestamp = scanDateTimeWords(base + p) {
        let next = p &+ 19
        return (timestamp, next < end && base[next] == UInt8(ascii: "Z") ? next &+ 1 : next)
    }
    guard end &- p >= 10, base[p &+ 4] == asciiMinus, base[p &+ 7] == asciiMinus else { return nil }
    @inline(__always) func digit(_ i: Int) -> Int { Int(base[p &+ i] &- asciiZero) }
    @inline(__always) func twoDigits(_ i: Int) -> Int? {
        let a = digit(i), b = digit(i &+ 1)
        return a <= 9 && b <= 9 ? a &* 10 &+ b : nil
    }
    guard let century = twoDigits(0), let yy = twoDigits(2), let month = twoDigits(5), let day = twoDigits(8),
          month >= 1, month <= 12, day >= 1
    else { return nil }
    let year = century &* 100 &+ yy
    guard day <= 28 || day <= daysInMonth(year: year, month: month) else { return nil }
    let days = daysFromCivil(year: year, month: month, day: day)
    let separator = p &+ 10 < end ? base[p &+ 10] : 0
    guard separator == UInt8(ascii: "T") || separator == asciiSpace else {
        return (.date(Int32(truncatingIfNeeded: days)), p &+ 10)
    }
    guard end &- p >= 19, base[p &+ 13] == UInt8(ascii: ":"), base[p &+ 16] == UInt8(ascii: ":"),
          let hour = twoDigits(11), let minute = twoDigits(14), let second = twoDigits(17),
          hour < 24, minute < 60, second < 61
    else { return nil }
    var next = p &+ 19
    if next < end, base[next] == UInt8(ascii: "Z") { next &+= 1 }
    let seconds = Int64(days) &* 86_400 &+ Int64(hour &* 3600 &+ minute &* 60 &+ second)
    return (.timestamp(seconds &* microsPerSecond), next)
}

/// Whether the bytes of `word` where `digits` has 0xFF are all ASCII digits: each such byte's
/// high half is 3, and stays 3 when 6 is added (0x3A...0x3F become 0x40...).
@inline(__always) private func allDigits(_ word: UInt64, _ digits: UInt64) -> Bool {
    let highs = 0xF0F0_F0F0_F0F0_F0F0 & digits, threes = 0x3030_3030_3030_3030 & digits
    return word & highs == threes && (word &+ 0x0606_0606_0606_0606) & highs == threes
}

/// Days from 1970-01-01 to the first of each month from January `monthStartsFirstYear` on, one
/// entry past the last month: a timestamp's date is then a lookup (and its month's length the next
/// entry's difference), not the civil-calendar arithmetic with its divisions.
private let monthStartsFirstYear = 1900
private let monthStarts: [Int32] = (0...(200 &* 12)).map { i in
    Int32(daysFromCivil(year: monthStartsFirstYear &+ i / 12, month: i % 12 &+ 1, day: 1))
}

/// The 19 bytes at `p` as `YYYY-MM-DD[T| ]HH:MM:SS`, checked and read as three overlapping
/// words (the form of nearly every timestamp in listening logs) instead of byte by byte; nil
/// for anything else (or years outside `monthStarts`), which `scanISO8601Fast` then reads its
/// general way.
@inline(__always) private func scanDateTimeWords(_ p: UnsafePointer<UInt8>) -> ParsedTime? {
    let raw = UnsafeRawPointer(p)
    // Little-endian: byte i of the text is bits 8i..8i+7 of the word.
    let date = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))                    // YYYY-MM-
    let dayAndT = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) // DDTHH:MM
    let time = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 11, as: UInt64.self))   // HH:MM:SS
    let separator = (dayAndT >> 16) & 0xFF
    guard date & 0xFF00_00FF_0000_0000 == 0x2D00_002D_0000_0000, time & 0x0000_FF00_00FF_0000 == 0x0000_3A00_003A_0000,
          separator == UInt64(UInt8(ascii: "T")) || separator == UInt64(asciiSpace),
          allDigits(date, 0x00FF_FF00_FFFF_FFFF), allDigits(dayAndT, 0xFFFF), allDigits(time, 0xFFFF_00FF_FF00_FFFF)
    else { return nil }
    @inline(__always) func digit(_ word: UInt64, _ i: Int) -> Int { Int(truncatingIfNeeded: (word >> UInt64(i &* 8)) & 0x0F) }
    let year = digit(date, 0) &* 1000 &+ digit(date, 1) &* 100 &+ digit(date, 2) &* 10 &+ digit(date, 3)
    let month = digit(date, 5) &* 10 &+ digit(date, 6), day = digit(dayAndT, 0) &* 10 &+ digit(dayAndT, 1)
    let hour = digit(time, 0) &* 10 &+ digit(time, 1), minute = digit(time, 3) &* 10 &+ digit(time, 4)
    let second = digit(time, 6) &* 10 &+ digit(time, 7)
    let monthIndex = (year &- monthStartsFirstYear) &* 12 &+ month &- 1
    guard month >= 1, month <= 12, monthIndex >= 0, monthIndex &+ 1 < monthStarts.count, hour < 24, minute < 60, second < 61
    else { return nil }
    let first = Int(monthStarts[monthIndex])
    guard day >= 1, day <= Int(monthStarts[monthIndex &+ 1]) &- first else { return nil }
    let days = first &+ day &- 1
    return .timestamp((Int64(days) &* 86_400 &+ Int64(hour &* 3600 &+ minute &* 60 &+ second)) &* microsPerSecond)
}

/// The type a column of values has; `unknown` is a column that has only seen nulls so far.
/// Values widen along int -> float and date -> timestamp; any other mix is a string column.
enum ValueKind: UInt8, Sendable {
    case unknown, int, float, bool, date, timestamp, string

    init(_ type: DataType) {
        switch type {
        case .int: self = .int
        case .float: self = .float
        case .bool: self = .bool
        case .date: self = .date
        case .timestamp: self = .timestamp
        case .string: self = .string
        }
    }

    var dataType: DataType {
        switch self {
        case .int: .int
        case .float: .float
        case .bool: .bool
        case .date: .date
        case .timestamp: .timestamp
        case .unknown, .string: .string
        }
    }

    func joined(with other: ValueKind) -> ValueKind {
        if self == other || other == .unknown { return self }
        if self == .unknown { return other }
        switch (self, other) {
        case (.int, .float), (.float, .int): return .float
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default: return .string
        }
    }
}

/// A recognised field: its kind and its value as 8 bytes (Int64 bits, Double bits, 0/1,
/// days, microseconds); `string` carries no value.
struct ParsedField {
    var kind: ValueKind
    var bits: UInt64
}

/// What a field's text is, in order: int, float (including integers beyond Int64 and
/// nan/inf/infinity), bool, date, timestamp, else string. Surrounding spaces are ignored.
func classifyField(_ field: UnsafeBufferPointer<UInt8>) -> ParsedField {
    guard var base = field.baseAddress else { return ParsedField(kind: .string, bits: 0) }
    var end = field.count
    while end > 0, base[end &- 1] == asciiSpace { end &-= 1 }
    while end > 0, base[0] == asciiSpace { base += 1; end &-= 1 }
    guard end > 0 else { return ParsedField(kind: .string, bits: 0) }
    if let (v, next) = scanInt(base, 0, end), next == end {
        return ParsedField(kind: .int, bits: UInt64(bitPattern: v))
    }
    if let (v, next) = scanDouble(base, 0, end), next == end {
        return ParsedField(kind: .float, bits: v.bitPattern)
    }
    if let special = specialDouble(UnsafeBufferPointer(start: base, count: end)) {
        return ParsedField(kind: .float, bits: special.bitPattern)
    }
    if let (v, next) = scanBool(base, 0, end), next == end {
        return ParsedField(kind: .bool, bits: v ? 1 : 0)
    }
    switch parseISO8601(UnsafeBufferPointer(start: base, count: end)) {
    case .date(let d): return ParsedField(kind: .date, bits: UInt64(bitPattern: Int64(d)))
    case .timestamp(let t): return ParsedField(kind: .timestamp, bits: UInt64(bitPattern: t))
    case nil: return ParsedField(kind: .string, bits: 0)
    }
}

/// `nan`, `inf` or `infinity` in any letter case; the infinities may carry a sign.
func specialDouble(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
    guard let first = text.first else { return nil }
    let signed = first == asciiMinus || first == asciiPlus
    let word = UnsafeBufferPointer(rebasing: text[(signed ? 1 : 0)...])
    @inline(__always) func equalsLowercased(_ expected: StaticString) -> Bool {
        guard word.count == expected.utf8CodeUnitCount else { return false }
        let e = expected.utf8Start
        for i in 0..<word.count where word[i] | 0x20 != e[i] { return false }
        return true
    }
    if equalsLowercased("inf") || equalsLowercased("infinity") {
        return first == asciiMinus ? -.infinity : .infinity
    }
    return !signed && equalsLowercased("nan") ? .nan : nil
}

/// The strings that mean null, matched against unquoted field bytes. Kept in manually managed
/// memory so the per-field check involves no reference counting; the owner calls `release()`.
struct NullTokens: @unchecked Sendable {
    /// Each token as (length, bytes) records: a length word, then its bytes padded to 8.
    private let records: UnsafeMutablePointer<UInt64>
    private let recordWords: Int
    /// Bit n is set when some token has n bytes (n < 64), so most fields are rejected by length.
    private let lengthMask: UInt64
    private let hasLong: Bool
    /// Bit b set when some token starts with byte b (two words for bytes 0-127; tokens starting
    /// with other bytes set `firstByteHigh`).
    private let firstByteLow: UInt64
    private let firstByteMid: UInt64
    private let firstByteHigh: Bool

    init(_ strings: [String]) {
        let tokens = strings.map { Array($0.utf8) }
        var words: [UInt64] = []
        var mask: UInt64 = 0
        var long = false
        var low: UInt64 = 0, mid: UInt64 = 0, high = false
        for token in tokens {
            if token.count < 64 { mask |= 1 << UInt64(token.count) } else { long = true }
            if let first = token.first {
                if first < 64 { low |= 1 << UInt64(first) } else if first < 128 { mid |= 1 << UInt64(first &- 64) } else { high = true }
            }
            words.append(UInt64(token.count))
            var packed = token
            packed.append(contentsOf: repeatElement(0, count: (8 - token.count % 8) % 8))
            packed.withUnsafeBytes { raw in
                for i in stride(from: 0, to: packed.count, by: 8) { words.append(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) }
            }
        }
        records = .allocate(capacity: max(words.count, 1))
        records.initialize(from: words, count: words.count)
        recordWords = words.count
        lengthMask = mask
        hasLong = long
        firstByteLow = low
        firstByteMid = mid
        firstByteHigh = high
    }

    func release() { records.deallocate() }

    @inline(__always) func matches(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n < 64 {
            if lengthMask & (1 << UInt64(n)) == 0 { return false }
            if n == 0 { return true }
        } else if !hasLong {
            return false
        }
        let first = p[0]
        if first < 64 {
            if firstByteLow & (1 << UInt64(first)) == 0 { return false }
        } else if first < 128 {
            if firstByteMid & (1 << UInt64(first &- 64)) == 0 { return false }
        } else if !firstByteHigh {
            return false
        }
        return matchesSlow(p, n)
    }

    private func matchesSlow(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var r = 0
        while r < recordWords {
            let length = Int(records[r])
            let words = (length &+ 7) >> 3
            if length == n {
                let token = UnsafeRawPointer(records + (r &+ 1)).assumingMemoryBound(to: UInt8.self)
                if bytesEqual(token, p, n) { return true }
            }
            r &+= 1 &+ words
        }
        return false
    }
}

/// Whether the bytes are all ASCII (so valid UTF-8): a few words or'd together, inline, for the
/// short values checked once per row.
@inline(__always) func isASCII(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let raw = UnsafeRawPointer(p)
    var bits: UInt64 = 0
    var i = 0
    while i &+ 8 <= n {
        bits |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        i &+= 8
    }
    while i < n {
        bits |= UInt64(p[i])
        i &+= 1
    }
    return bits & 0x8080_8080_8080_8080 == 0
}

/// The index of the first byte that is not part of valid UTF-8 (RFC 3629: no overlong forms,
/// no surrogates, nothing above U+10FFFF), or nil if all of it is valid.
func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
    var i = 0
    while i < n {
        // Skip ASCII eight bytes at a time.
        while i &+ 8 <= n,
              UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i &+= 8
        }
        guard i < n else { return nil }
        let b0 = p[i]
        if b0 < 0x80 { i &+= 1; continue }
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return i
        }
        guard i &+ length <= n else { return i }
        let b1 = p[i &+ 1]
        guard b1 >= low, b1 <= high else { return i }
        for k in 2..<length where p[i &+ k] & 0xC0 != 0x80 { return i }
        i &+= length
    }
    return nil
}
