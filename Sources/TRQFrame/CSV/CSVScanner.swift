#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let asciiLF: UInt8 = 10
let asciiCR: UInt8 = 13
let asciiQuote = UInt8(ascii: "\"")

/// Where one field lies in the buffer. `start..<end` is its text unless `needsUnescape`, in
/// which case the text is `rawStart..<end` with quoting removed (see `CSVScanner.unescape`).
struct FieldBounds {
    var rawStart: Int
    var start: Int
    var end: Int
    var quoted: Bool
    var needsUnescape: Bool
}

/// Field and row boundaries over one buffer. Quoting follows RFC 4180 with pandas' leniency:
/// a quote opens a quoted field only as the field's first byte; `""` inside is a quote; text
/// after the closing quote is kept (`"Weird Al" Yankovic` reads as `Weird Al Yankovic`); a
/// quote inside an unquoted field is an ordinary character. Rows end at LF, CRLF or CR.
struct CSVScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    let delimiter: UInt8
    /// No byte above this ends an unquoted field, so most bytes need a single comparison.
    private let maxSpecial: UInt8

    init(base: UnsafePointer<UInt8>, end: Int, delimiter: UInt8) {
        self.base = base
        self.end = end
        self.delimiter = delimiter
        maxSpecial = Swift.max(delimiter, asciiCR)
    }

    @inline(__always) func endsField(_ b: UInt8) -> Bool {
        b <= maxSpecial && (b == delimiter || b == asciiLF || b == asciiCR)
    }

    /// True if `p` is the end of the buffer or a delimiter or line break.
    @inline(__always) func atFieldEnd(_ p: Int) -> Bool { p >= end || endsField(base[p]) }

    /// The first delimiter or line break at or after `p`, or `end`. Looks at eight bytes per
    /// step: a byte equal to the wanted one becomes zero after an xor, and the classic
    /// "has a zero byte" test flags it (the lowest flag is exact, which is all that is used).
    @inline(__always) func endOfUnquoted(from p: Int) -> Int {
        var i = p
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let delimiters = UInt64(delimiter) &* ones
        let lineFeeds = UInt64(asciiLF) &* ones
        let returns = UInt64(asciiCR) &* ones
        let raw = UnsafeRawPointer(base)
        while i &+ 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let a = word ^ delimiters, b = word ^ lineFeeds, c = word ^ returns
            let found = ((a &- ones) & ~a | (b &- ones) & ~b | (c &- ones) & ~c) & highs
            if found != 0 { return i &+ found.trailingZeroBitCount >> 3 }
            i &+= 8
        }
        while i < end {
            if endsField(base[i]) { return i }
            i &+= 1
        }
        return end
    }

    /// Scans the field starting at `p` and leaves `p` at the delimiter, line break or end after
    /// it. Returns nil, leaving `p` at the opening quote, if a quoted field is never closed.
    @inline(__always) func scanField(_ p: inout Int) -> FieldBounds? {
        let open = p
        guard p < end, base[p] == asciiQuote else {
            p = endOfUnquoted(from: p)
            return FieldBounds(rawStart: open, start: open, end: p, quoted: false, needsUnescape: false)
        }
        var i = open &+ 1
        var escaped = false
        while true {
            guard i < end, let hit = memchr(base + i, Int32(asciiQuote), end &- i) else { return nil }
            i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) &+ 1
            guard i < end, base[i] == asciiQuote else { break }
            escaped = true
            i &+= 1
        }
        let closing = i &- 1
        if !atFieldEnd(i) {
            escaped = true
            i = endOfUnquoted(from: i)
        }
        p = i
        return FieldBounds(rawStart: open, start: open &+ 1, end: escaped ? i : closing, quoted: true, needsUnescape: escaped)
    }

    /// The text of a quoted field that contains `""` or text after its closing quote.
    func unescape(_ field: FieldBounds, into out: inout GrowableBuffer<UInt8>) {
        out.removeAll()
        var i = field.rawStart &+ 1
        var inQuotes = true
        while i < field.end {
            let b = base[i]
            if inQuotes, b == asciiQuote {
                if i &+ 1 < field.end, base[i &+ 1] == asciiQuote {
                    out.append(asciiQuote)
                    i &+= 2
                } else {
                    inQuotes = false
                    i &+= 1
                }
                continue
            }
            out.append(b)
            i &+= 1
        }
    }

    /// The position after the line break at `p` (LF, CR or CRLF).
    @inline(__always) func afterLineBreak(_ p: Int) -> Int {
        if base[p] == asciiCR, p &+ 1 < end, base[p &+ 1] == asciiLF { return p &+ 2 }
        return p &+ 1
    }

    /// The 1-based physical line of the byte at `offset`.
    func lineNumber(at offset: Int) -> Int {
        var line = 1
        var i = 0
        let stop = Swift.min(offset, end)
        while i < stop {
            let b = base[i]
            if b == asciiLF {
                line &+= 1
            } else if b == asciiCR, !(i &+ 1 < end && base[i &+ 1] == asciiLF) {
                line &+= 1
            }
            i &+= 1
        }
        return line
    }

    /// The number of fields in the row starting at `rowStart` (for error messages).
    func fieldCount(rowAt rowStart: Int) -> Int {
        var p = rowStart
        var count = 0
        while true {
            guard scanField(&p) != nil else { return count &+ 1 }
            count &+= 1
            guard p < end, base[p] == delimiter else { return count }
            p &+= 1
        }
    }

    /// The next row start at or after `p`: the position after the first line break.
    func nextRowStart(from p: Int) -> Int {
        var i = p
        while i < end {
            let b = base[i]
            if b == asciiLF || b == asciiCR { return afterLineBreak(i) }
            i &+= 1
        }
        return end
    }
}
