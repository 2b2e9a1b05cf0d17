// The Thrift compact protocol, the encoding of Parquet's footer and page headers: only what
// Parquet's structures use (structs, lists, binary, varint integers, bools, doubles).

enum ThriftType: UInt8 {
    case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
    case binary = 8, list = 9, set = 10, map = 11, structure = 12
}

/// Reads compact-protocol values from a byte range; every read is bounds-checked and a
/// malformed input throws instead of reading past the end.
struct ThriftReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int
    /// Guards against adversarial nesting.
    private var depth = 0

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    struct Malformed: Error {}

    mutating func byte() throws(Malformed) -> UInt8 {
        guard position < bytes.count else { throw Malformed() }
        defer { position &+= 1 }
        return bytes[position]
    }

    mutating func varint() throws(Malformed) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw Malformed() }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift &+= 7
        }
    }

    mutating func zigzag() throws(Malformed) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func i32() throws(Malformed) -> Int32 { Int32(truncatingIfNeeded: try zigzag()) }

    mutating func binary() throws(Malformed) -> UnsafeRawBufferPointer {
        let n = try varint()
        guard n <= UInt64(bytes.count &- position) else { throw Malformed() }
        defer { position &+= Int(n) }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position &+ Int(n))])
    }

    mutating func string() throws(Malformed) -> String { String(decoding: try binary(), as: UTF8.self) }

    mutating func double() throws(Malformed) -> Double {
        guard bytes.count &- position >= 8 else { throw Malformed() }
        defer { position &+= 8 }
        return Double(bitPattern: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self).littleEndian)
    }

    /// Calls `field(id, type)` for each field of a struct; the callback reads the value it wants
    /// and returns false for one it ignores, which is then skipped. Bool fields carry their value
    /// in the type (`.boolTrue`/`.boolFalse`).
    mutating func readStruct(_ field: (inout ThriftReader, Int16, ThriftType) throws(Malformed) -> Bool) throws(Malformed) {
        depth &+= 1
        defer { depth &-= 1 }
        guard depth < 64 else { throw Malformed() }
        var lastId: Int16 = 0
        while true {
            let header = try byte()
            guard let type = ThriftType(rawValue: header & 0x0F) else { throw Malformed() }
            if type == .stop { return }
            let delta = header >> 4
            let id = delta == 0 ? Int16(truncatingIfNeeded: try zigzag()) : lastId &+ Int16(delta)
            lastId = id
            if try !field(&self, id, type) { try skip(type) }
        }
    }

    /// The element type and count of a list header.
    mutating func listHeader() throws(Malformed) -> (ThriftType, Int) {
        let header = try byte()
        guard let type = ThriftType(rawValue: header & 0x0F) else { throw Malformed() }
        var count = UInt64(header >> 4)
        if count == 15 { count = try varint() }
        // Each element takes at least one byte, which bounds a hostile count.
        guard count <= UInt64(bytes.count &- position) else { throw Malformed() }
        return (type, Int(count))
    }

    mutating func list<T>(_ element: (inout ThriftReader) throws(Malformed) -> T) throws(Malformed) -> [T] {
        let (_, count) = try listHeader()
        var items: [T] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try element(&self)) }
        return items
    }

    mutating func skip(_ type: ThriftType) throws(Malformed) {
        switch type {
        case .stop: throw Malformed()
        case .boolTrue, .boolFalse: return
        case .byte: _ = try byte()
        case .i16, .i32, .i64: _ = try varint()
        case .double: _ = try double()
        case .binary: _ = try binary()
        case .list, .set:
            let (elementType, count) = try listHeader()
            for _ in 0..<count {
                if elementType == .boolTrue || elementType == .boolFalse { _ = try byte() } else { try skip(elementType) }
            }
        case .map:
            let count = try varint()
            guard count <= UInt64(bytes.count &- position) else { throw Malformed() }
            if count == 0 { return }
            let types = try byte()
            guard let keyType = ThriftType(rawValue: types >> 4), let valueType = ThriftType(rawValue: types & 0x0F) else { throw Malformed() }
            for _ in 0..<count {
                try skip(keyType)
                try skip(valueType)
            }
        case .structure:
            try readStruct { _, _, _ throws(Malformed) in false }
        }
    }
}

/// Writes compact-protocol structs: fields are written in increasing id order by the caller.
struct ThriftWriter {
    var bytes: [UInt8] = []
    private var lastIds: [Int16] = [0]

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func zigzag(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    private mutating func fieldHeader(_ id: Int16, _ type: ThriftType) {
        let delta = id &- lastIds[lastIds.count &- 1]
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            zigzag(Int64(id))
        }
        lastIds[lastIds.count &- 1] = id
    }

    mutating func field(_ id: Int16, i32 value: Int32) {
        fieldHeader(id, .i32)
        zigzag(Int64(value))
    }

    mutating func field(_ id: Int16, i64 value: Int64) {
        fieldHeader(id, .i64)
        zigzag(value)
    }

    mutating func field(_ id: Int16, bool value: Bool) { fieldHeader(id, value ? .boolTrue : .boolFalse) }

    mutating func field(_ id: Int16, binary value: [UInt8]) {
        fieldHeader(id, .binary)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func field(_ id: Int16, string value: String) { field(id, binary: Array(value.utf8)) }

    /// A struct field whose fields `body` writes.
    mutating func field(_ id: Int16, structure body: (inout ThriftWriter) -> Void) {
        fieldHeader(id, .structure)
        structure(body)
    }

    mutating func structure(_ body: (inout ThriftWriter) -> Void) {
        lastIds.append(0)
        body(&self)
        bytes.append(ThriftType.stop.rawValue)
        lastIds.removeLast()
    }

    mutating func field(_ id: Int16, listOf type: ThriftType, count: Int, _ element: (inout ThriftWriter, Int) -> Void) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            varint(UInt64(count))
        }
        for i in 0..<count { element(&self, i) }
    }
}
