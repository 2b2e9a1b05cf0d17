/// Little-endian binary encoding for model serialization (the engine's disk cache). Readers check
/// every length against the remaining bytes, so a truncated or foreign file is an error, not a crash.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func write(_ v: UInt8) { bytes.append(v) }
    public mutating func write(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func write(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func write(_ v: Int) { write(UInt64(bitPattern: Int64(v))) }
    public mutating func write(_ v: Bool) { write(UInt8(v ? 1 : 0)) }
    public mutating func write(_ v: Float) { write(v.bitPattern) }
    public mutating func write(_ v: Double) { write(v.bitPattern) }

    public mutating func write(_ s: String) {
        let utf8 = Array(s.utf8)
        write(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    /// Arrays of plain numbers are copied as raw little-endian bytes (all supported hosts are
    /// little-endian; `ByteReader` rejects a big-endian host rather than misreading).
    public mutating func write<T: BitwiseCopyable>(_ a: [T]) {
        write(a.count)
        a.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    public mutating func write(_ strings: [String]) {
        write(strings.count)
        for s in strings { write(s) }
    }

    /// A header: 4-byte magic, format version.
    public mutating func writeHeader(magic: String, version: UInt32) {
        bytes.append(contentsOf: Array(magic.utf8.prefix(4)))
        write(version)
    }
}

public struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0
    private let what: String

    /// `what` names the payload in error messages ("ALS model").
    public init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    public var isAtEnd: Bool { offset == bytes.count }

    private func corrupt(_ detail: String) -> ModelError {
        ModelError("cannot read \(what): \(detail) at byte \(offset) of \(bytes.count); the cached file is damaged or from another version; delete it to retrain")
    }

    private mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count &- offset else { throw corrupt("needs \(n) more bytes") }
        defer { offset &+= n }
        return bytes[offset..<(offset &+ n)]
    }

    private mutating func fixed<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let slice = try take(MemoryLayout<T>.size)
        var v = T.zero
        withUnsafeMutableBytes(of: &v) { dst in slice.withUnsafeBytes { dst.copyMemory(from: $0) } }
        return T(littleEndian: v)
    }

    public mutating func readUInt8() throws -> UInt8 { try fixed(UInt8.self) }
    public mutating func readUInt32() throws -> UInt32 { try fixed(UInt32.self) }
    public mutating func readUInt64() throws -> UInt64 { try fixed(UInt64.self) }
    public mutating func readInt() throws -> Int {
        let v = Int64(bitPattern: try readUInt64())
        guard let i = Int(exactly: v) else { throw corrupt("integer \(v) out of range") }
        return i
    }
    public mutating func readBool() throws -> Bool { try readUInt8() != 0 }
    public mutating func readFloat() throws -> Float { Float(bitPattern: try readUInt32()) }
    public mutating func readDouble() throws -> Double { Double(bitPattern: try readUInt64()) }

    /// A count that must be in 0...limit (guards allocations against garbage lengths).
    public mutating func readCount(limit: Int = Int(Int32.max)) throws -> Int {
        let n = try readInt()
        guard n >= 0, n <= limit else { throw corrupt("count \(n) outside 0...\(limit)") }
        return n
    }

    public mutating func readString() throws -> String {
        let n = try readCount()
        return String(decoding: try take(n), as: UTF8.self)
    }

    public mutating func readArray<T: BitwiseCopyable>(_: T.Type) throws -> [T] {
        let n = try readCount()
        let size = MemoryLayout<T>.stride
        let (total, overflow) = n.multipliedReportingOverflow(by: size)
        guard !overflow else { throw corrupt("array of \(n) elements too large") }
        let slice = try take(total)
        return [T](unsafeUninitializedCapacity: n) { buf, count in
            slice.withUnsafeBytes { UnsafeMutableRawBufferPointer(buf).copyMemory(from: $0) }
            count = n
        }
    }

    public mutating func readStrings() throws -> [String] {
        let n = try readCount()
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try readString()) }
        return out
    }

    public mutating func readHeader(magic: String, version: UInt32) throws {
        let m = try take(4)
        guard Array(m) == Array(magic.utf8.prefix(4)) else {
            throw corrupt("expected magic \"\(magic)\"")
        }
        let v = try readUInt32()
        guard v == version else { throw corrupt("format version \(v), this build reads \(version)") }
        guard 1.littleEndian == 1 else { throw ModelError("model files are little-endian; this host is big-endian") }
    }

    public func expectEnd() throws {
        guard isAtEnd else { throw corrupt("\(bytes.count &- offset) trailing bytes") }
    }
}
