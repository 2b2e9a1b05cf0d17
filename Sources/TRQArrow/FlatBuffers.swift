/// The little of FlatBuffers that Arrow IPC metadata needs: reading tables, vectors, strings and
/// unions out of a byte buffer, and building them (front to back: a parent before its children,
/// whose forward offsets are patched in once they are written).
struct FlatTable {
    let bytes: [UInt8]
    /// Where the table starts (its offset to the vtable).
    let position: Int

    /// The root table of a FlatBuffer that starts at `start` in `bytes`.
    static func root(_ bytes: [UInt8], start: Int) throws(ArrowError) -> FlatTable {
        let table = try FlatTable(bytes: bytes, position: start + Int(readU32(bytes, start)))
        try table.check(table.position, 4)
        return table
    }

    private init(bytes: [UInt8], position: Int) throws(ArrowError) {
        self.bytes = bytes
        self.position = position
        try check(position, 4)
    }

    func check(_ at: Int, _ count: Int) throws(ArrowError) {
        guard at >= 0, count >= 0, at <= bytes.count - count else { throw ArrowError("truncated metadata (offset \(at) past \(bytes.count) bytes)") }
    }

    /// The position of field `index`'s value, nil when absent (its default applies).
    func field(_ index: Int) throws(ArrowError) -> Int? {
        let vtable = position - Int(Int32(bitPattern: readU32(bytes, position)))
        try check(vtable, 4)
        let vtableSize = Int(readU16(bytes, vtable))
        let entry = 4 + 2 * index
        guard entry + 2 <= vtableSize else { return nil }
        try check(vtable + entry, 2)
        let offset = Int(readU16(bytes, vtable + entry))
        return offset == 0 ? nil : position + offset
    }

    /// A scalar field, little-endian; `value` when the field is absent.
    func integer<T: FixedWidthInteger>(_ index: Int, as type: T.Type, default value: T = 0) throws(ArrowError) -> T {
        guard let at = try field(index) else { return value }
        let size = MemoryLayout<T>.size
        try check(at, size)
        var bits: UInt64 = 0
        for i in 0..<size { bits |= UInt64(bytes[at + i]) << (8 * i) }
        return T(truncatingIfNeeded: bits)
    }

    func bool(_ index: Int, default value: Bool = false) throws(ArrowError) -> Bool {
        try integer(index, as: UInt8.self, default: value ? 1 : 0) != 0
    }

    /// Where an offset field points.
    private func target(_ index: Int) throws(ArrowError) -> Int? {
        guard let at = try field(index) else { return nil }
        try check(at, 4)
        let to = at + Int(readU32(bytes, at))
        try check(to, 4)
        return to
    }

    func table(_ index: Int) throws(ArrowError) -> FlatTable? {
        guard let to = try target(index) else { return nil }
        return try FlatTable(bytes: bytes, position: to)
    }

    func string(_ index: Int) throws(ArrowError) -> String? {
        guard let to = try target(index) else { return nil }
        let count = Int(readU32(bytes, to))
        try check(to + 4, count)
        return String(decoding: bytes[(to + 4)..<(to + 4 + count)], as: UTF8.self)
    }

    func tables(_ index: Int) throws(ArrowError) -> [FlatTable] {
        guard let to = try target(index) else { return [] }
        let count = Int(readU32(bytes, to))
        try check(to + 4, count * 4)
        var out: [FlatTable] = []
        for i in 0..<count {
            let slot = to + 4 + 4 * i
            out.append(try FlatTable(bytes: bytes, position: slot + Int(readU32(bytes, slot))))
        }
        return out
    }

    /// A vector of structs of `Int64`s (`FieldNode`, `Buffer`): each element's fields in order.
    func int64Structs(_ index: Int, fields: Int) throws(ArrowError) -> [[Int64]] {
        guard let to = try target(index) else { return [] }
        let count = Int(readU32(bytes, to))
        try check(to + 4, count * 8 * fields)
        return (0..<count).map { i in
            (0..<fields).map { f in Int64(bitPattern: readU64(bytes, to + 4 + (i * fields + f) * 8)) }
        }
    }
}

@inline(__always) func readU16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
@inline(__always) func readU32(_ b: [UInt8], _ at: Int) -> UInt32 {
    UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
}
@inline(__always) func readU64(_ b: [UInt8], _ at: Int) -> UInt64 { UInt64(readU32(b, at)) | UInt64(readU32(b, at + 4)) << 32 }

/// A FlatBuffers object to build: a table (its fields by index), a string, or a vector.
indirect enum FlatObject {
    case table([(index: Int, value: FlatValue)])
    case string(String)
    case tables([FlatObject])
    /// A vector of structs made of `Int64`s, each element's fields in order.
    case int64Structs([[Int64]])
}

enum FlatValue {
    case int64(Int64), int32(Int32), int16(Int16), uint8(UInt8), bool(Bool)
    case object(FlatObject)

    var size: Int {
        switch self {
        case .int64: 8
        case .int32, .object: 4
        case .int16: 2
        case .uint8, .bool: 1
        }
    }
}

struct FlatBuilder {
    private(set) var bytes: [UInt8] = []

    /// The FlatBuffer whose root is `root`.
    static func build(_ root: FlatObject) -> [UInt8] {
        var builder = FlatBuilder()
        builder.bytes = [0, 0, 0, 0]
        let at = builder.write(root)
        builder.patch(0, UInt32(at))
        return builder.bytes
    }

    private mutating func align(_ n: Int) { while bytes.count % n != 0 { bytes.append(0) } }
    private mutating func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    private mutating func patch(_ at: Int, _ v: UInt32) {
        for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
    }
    /// Points the offset slot at `slot` to `target` (always further on).
    private mutating func link(_ slot: Int, to target: Int) { patch(slot, UInt32(target - slot)) }

    /// Writes an object and its children; returns where it starts.
    private mutating func write(_ object: FlatObject) -> Int {
        switch object {
        case .string(let s):
            align(4)
            let at = bytes.count
            let utf8 = Array(s.utf8)
            append(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
            bytes.append(0)
            return at
        case .int64Structs(let elements):
            // The elements (8-byte aligned) follow the 4-byte count.
            while (bytes.count + 4) % 8 != 0 { bytes.append(0) }
            let at = bytes.count
            append(UInt32(elements.count))
            for element in elements { for v in element { append(v) } }
            return at
        case .tables(let elements):
            align(4)
            let at = bytes.count
            append(UInt32(elements.count))
            let slots = (0..<elements.count).map { at + 4 + 4 * $0 }
            for _ in elements { append(UInt32(0)) }
            for (slot, element) in zip(slots, elements) { link(slot, to: write(element)) }
            return at
        case .table(let fields):
            // Fields laid out largest first after the 4-byte vtable offset, each aligned to its size.
            let ordered = fields.sorted { $0.value.size > $1.value.size }
            var layout: [(index: Int, value: FlatValue, offset: Int)] = []
            var end = 4
            for field in ordered {
                let size = field.value.size
                while end % size != 0 { end += 1 }
                layout.append((field.index, field.value, end))
                end += size
            }
            let fieldCount = (fields.map(\.index).max() ?? -1) + 1
            align(2)
            let vtable = bytes.count
            append(UInt16(4 + 2 * fieldCount))
            append(UInt16(end))
            for i in 0..<fieldCount { append(UInt16(layout.first { $0.index == i }?.offset ?? 0)) }
            align(8)
            let table = bytes.count
            append(Int32(table - vtable))
            bytes.append(contentsOf: repeatElement(0, count: end - 4))
            var children: [(slot: Int, object: FlatObject)] = []
            for field in layout {
                let at = table + field.offset
                var scalar: [UInt8] = []
                switch field.value {
                case .int64(let v): withUnsafeBytes(of: v.littleEndian) { scalar = Array($0) }
                case .int32(let v): withUnsafeBytes(of: v.littleEndian) { scalar = Array($0) }
                case .int16(let v): withUnsafeBytes(of: v.littleEndian) { scalar = Array($0) }
                case .uint8(let v): scalar = [v]
                case .bool(let v): scalar = [v ? 1 : 0]
                case .object(let child): children.append((at, child))
                }
                for (i, byte) in scalar.enumerated() { bytes[at + i] = byte }
            }
            for child in children { link(child.slot, to: write(child.object)) }
            return table
        }
    }
}
