#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes of one CSV text under construction. Numbers are formatted here by fixed rules (never
/// by the platform's float printing) so output is identical everywhere.
struct CSVBytes {
    var bytes: [UInt8] = []

    init(capacity: Int = 1 << 16) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        bytes.append(b)
    }

    @inline(__always)
    mutating func comma() {
        bytes.append(UInt8(ascii: ","))
    }

    @inline(__always)
    mutating func newline() {
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Text that never needs quoting (our own identifiers and keywords).
    @inline(__always)
    mutating func raw(_ s: String) {
        bytes.append(contentsOf: s.utf8)
    }

    @inline(__always)
    mutating func raw(_ b: [UInt8]) {
        bytes.append(contentsOf: b)
    }

    /// A field quoted only when it must be (RFC 4180): it holds a comma, quote, CR or LF.
    mutating func field(_ s: String) {
        var needsQuotes = false
        for c in s.utf8 where c == UInt8(ascii: ",") || c == UInt8(ascii: "\"") || c == 10 || c == 13 {
            needsQuotes = true
            break
        }
        if !needsQuotes {
            bytes.append(contentsOf: s.utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            if c == UInt8(ascii: "\"") { bytes.append(c) }
            bytes.append(c)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func int(_ v: Int) {
        if v < 0 {
            bytes.append(UInt8(ascii: "-"))
            unsigned(UInt64(v.magnitude))
        } else {
            unsigned(UInt64(v))
        }
    }

    @inline(__always)
    mutating func unsigned(_ v: UInt64) {
        if v < 10 {
            bytes.append(UInt8(truncatingIfNeeded: v) &+ 48)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &digits) { d in
            while x > 0 {
                d[n] = UInt8(truncatingIfNeeded: x % 10) &+ 48
                x /= 10
                n &+= 1
            }
            while n > 0 {
                n &-= 1
                bytes.append(d[n])
            }
        }
    }

    /// `v` zero-padded to `width` digits (wider values print in full).
    @inline(__always)
    mutating func padded(_ v: Int, width: Int) {
        var w = 1
        var p = 10
        while p <= v {
            w &+= 1
            p = p &* 10
        }
        var pad = width &- w
        while pad > 0 {
            bytes.append(UInt8(ascii: "0"))
            pad &-= 1
        }
        unsigned(UInt64(v))
    }

    /// `x` rounded to `decimals` places, trailing zeros dropped but one decimal kept
    /// (0.5 -> "0.5", 1 -> "1.0", -6.25 -> "-6.25"): how pandas writes floats.
    mutating func fixed(_ x: Double, decimals: Int) {
        var scale = 1.0
        var unit: Int64 = 1
        for _ in 0..<decimals {
            scale *= 10
            unit &*= 10
        }
        let scaled = Int64((x * scale).rounded())
        if scaled < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = scaled.magnitude
        unsigned(magnitude / UInt64(unit))
        bytes.append(UInt8(ascii: "."))
        var frac = magnitude % UInt64(unit)
        var digits = decimals
        while digits > 1 && frac % 10 == 0 {
            frac /= 10
            digits -= 1
        }
        padded(Int(frac), width: digits)
    }

    /// `YYYY-MM-DD` for a day number counted from 1970-01-01.
    mutating func date(_ day: Int) {
        let (y, m, d) = civilFromDays(day)
        padded(y, width: 4)
        bytes.append(UInt8(ascii: "-"))
        padded(m, width: 2)
        bytes.append(UInt8(ascii: "-"))
        padded(d, width: 2)
    }
}

/// Howard Hinnant's days-from-civil and civil-from-days: exact Gregorian calendar arithmetic.
func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
}

struct OutputError: Error, CustomStringConvertible {
    let description: String
}

/// A file written through a temporary name and renamed into place when complete, so a reader
/// never sees half a file and a failed run leaves any older file intact.
final class AtomicFile {
    let path: String
    private let temporaryPath: String
    private var handle: UnsafeMutablePointer<FILE>?

    init(path: String) throws {
        self.path = path
        temporaryPath = path + ".partial"
        guard let h = fopen(temporaryPath, "wb") else {
            throw OutputError(description: "cannot create \(temporaryPath): \(String(cString: strerror(errno))); does the directory exist and is it writable?")
        }
        handle = h
    }

    func write(_ chunk: CSVBytes) throws {
        try write(chunk.bytes)
    }

    func write(_ bytes: [UInt8]) throws {
        guard let h = handle else { return }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, h) }
        if written != bytes.count {
            throw OutputError(description: "cannot write \(temporaryPath): \(String(cString: strerror(errno))) (disk full?)")
        }
    }

    func commit() throws {
        guard let h = handle else { return }
        handle = nil
        if fclose(h) != 0 {
            throw OutputError(description: "cannot finish \(temporaryPath): \(String(cString: strerror(errno)))")
        }
        if rename(temporaryPath, path) != 0 {
            throw OutputError(description: "cannot rename \(temporaryPath) to \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        if let h = handle {
            fclose(h)
            remove(temporaryPath)
        }
    }
}
