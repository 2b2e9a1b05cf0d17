import TRQFrame

public struct ArrowError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads Arrow IPC streams (https://arrow.apache.org/docs/format/Columnar.html#ipc-streaming-format)
/// of flat columns into one table: Spark sends each batch of a result as a stream of its own, and
/// `append` is called once per stream. Integers of any width become int, floats and decimals
/// float, utf8 string, date32/date64 date, timestamps (any unit) microseconds.
public struct ArrowTableReader {
    private var names: [String]?
    private var builders: [ColumnBuilder] = []
    public private(set) var rowCount = 0

    public init() {}

    /// Reads one IPC stream: a schema message, then record batches, then the end marker.
    public mutating func append(stream bytes: [UInt8]) throws(ArrowError) {
        var at = 0
        var fields: [ArrowField]?
        while at < bytes.count {
            guard at + 4 <= bytes.count else { throw ArrowError("truncated stream at byte \(at)") }
            var length = Int(Int32(bitPattern: readU32(bytes, at)))
            at += 4
            if length == -1 {  // continuation marker, then the metadata length
                guard at + 4 <= bytes.count else { throw ArrowError("truncated stream at byte \(at)") }
                length = Int(Int32(bitPattern: readU32(bytes, at)))
                at += 4
            }
            if length == 0 { break }  // end of stream
            guard length > 0, at + length <= bytes.count else { throw ArrowError("message at byte \(at) claims \(length) bytes, past the stream's end") }
            let message = try FlatTable.root(bytes, start: at)
            at += length
            let bodyLength = Int(try message.integer(3, as: Int64.self))
            guard bodyLength >= 0, at + bodyLength <= bytes.count else { throw ArrowError("message body at byte \(at) is truncated") }
            let body = at
            at += bodyLength
            switch try message.integer(1, as: UInt8.self) {
            case 1:
                guard let schema = try message.table(2) else { throw ArrowError("schema message without a schema") }
                let read = try schema.tables(1).map { (f) throws(ArrowError) in try ArrowField(f) }
                try adopt(read)
                fields = read
            case 3:
                guard let fields, let batch = try message.table(2) else { throw ArrowError("record batch before the schema") }
                try readBatch(batch, fields: fields, bytes: bytes, body: body, bodyLength: bodyLength)
            case 2: throw ArrowError("dictionary-encoded columns are not supported")
            case let other: throw ArrowError("unsupported IPC message type \(other)")
            }
        }
    }

    /// Checks that a stream's schema matches the earlier ones (the first sets it).
    private mutating func adopt(_ fields: [ArrowField]) throws(ArrowError) {
        if let names {
            guard names == fields.map(\.name), zip(builders, fields).allSatisfy({ $0.0.type == $0.1.type.dataType }) else {
                throw ArrowError("a batch's schema differs from the first batch's")
            }
            return
        }
        names = fields.map(\.name)
        builders = fields.map { ColumnBuilder(type: $0.type.dataType) }
    }

    private mutating func readBatch(_ batch: FlatTable, fields: [ArrowField], bytes: [UInt8], body: Int, bodyLength: Int) throws(ArrowError) {
        if try batch.table(3) != nil { throw ArrowError("compressed record batches are not supported; unset spark.sql.execution.arrow compression") }
        let length = Int(try batch.integer(0, as: Int64.self))
        let nodes = try batch.int64Structs(1, fields: 2)
        let buffers = try batch.int64Structs(2, fields: 2)
        guard nodes.count == fields.count else { throw ArrowError("record batch has \(nodes.count) columns, the schema \(fields.count)") }
        var nextBuffer = 0
        func buffer() throws(ArrowError) -> Range<Int> {
            guard nextBuffer < buffers.count else { throw ArrowError("record batch has too few buffers") }
            let b = buffers[nextBuffer]
            nextBuffer += 1
            let (offset, size) = (Int(b[0]), Int(b[1]))
            guard offset >= 0, size >= 0, offset + size <= bodyLength else { throw ArrowError("buffer \(nextBuffer - 1) lies outside the message body") }
            return (body + offset)..<(body + offset + size)
        }
        for (i, field) in fields.enumerated() {
            let count = Int(nodes[i][0])
            let nullCount = Int(nodes[i][1])
            guard count == length else { throw ArrowError("column '\(field.name)' has \(count) rows, the batch \(length)") }
            if case .null = field.type {
                builders[i].appendNulls(count)
                continue
            }
            let validity = try buffer()
            let valid: ((Int) -> Bool)? = nullCount == 0 || validity.isEmpty ? nil : { row in
                bytes[validity.lowerBound + row >> 3] & (1 << UInt8(row & 7)) != 0
            }
            if valid != nil, validity.count * 8 < count { throw ArrowError("column '\(field.name)': validity bitmap too short") }
            try builders[i].append(field, count: count, valid: valid, bytes: bytes, buffer: buffer)
        }
        rowCount += length
    }

    /// The table of every batch read so far.
    public func table() throws(ArrowError) -> Table {
        do {
            return try Table(names: names ?? [], columns: builders.map { $0.column() })
        } catch {
            throw ArrowError(error.message)
        }
    }
}

/// An Arrow type this reader knows.
enum ArrowType: Equatable {
    case int(bits: Int, signed: Bool)
    case float(bits: Int)
    case bool, utf8, largeUtf8, null
    case date32, date64
    /// Divides a value into microseconds (seconds: multiplies).
    case timestamp(unit: Int16)
    case decimal(scale: Int, bits: Int)

    var dataType: DataType {
        switch self {
        case .int: .int
        case .float, .decimal: .float
        case .bool: .bool
        case .utf8, .largeUtf8, .null: .string
        case .date32, .date64: .date
        case .timestamp: .timestamp
        }
    }
}

struct ArrowField {
    var name: String
    var type: ArrowType

    init(_ field: FlatTable) throws(ArrowError) {
        name = try field.string(0) ?? ""
        if try field.table(4) != nil { throw ArrowError("column '\(name)' is dictionary-encoded, which is not supported") }
        let typeCode = try field.integer(2, as: UInt8.self)
        let parameters = try field.table(3)
        let name = self.name
        func param() throws(ArrowError) -> FlatTable {
            guard let parameters else { throw ArrowError("column '\(name)' lacks its type parameters") }
            return parameters
        }
        switch typeCode {
        case 1: self.type = .null
        case 2: self.type = .int(bits: Int(try param().integer(0, as: Int32.self)), signed: try param().bool(1))
        case 3:
            let precision = try param().integer(0, as: Int16.self)
            guard precision == 1 || precision == 2 else { throw ArrowError("column '\(name)': half-precision floats are not supported") }
            self.type = .float(bits: precision == 1 ? 32 : 64)
        case 5: self.type = .utf8
        case 20: self.type = .largeUtf8
        case 6: self.type = .bool
        case 7:
            let bits = Int(try param().integer(2, as: Int32.self, default: 128))
            guard bits == 128 || bits == 64 else { throw ArrowError("column '\(name)': \(bits)-bit decimals are not supported") }
            self.type = .decimal(scale: Int(try param().integer(1, as: Int32.self)), bits: bits)
        case 8: self.type = try param().integer(0, as: Int16.self, default: 1) == 0 ? .date32 : .date64
        case 10: self.type = .timestamp(unit: try param().integer(0, as: Int16.self))
        default:
            // Spark's nested types (arrays, maps, structs) have no trq column type.
            throw ArrowError("column '\(name)' has Arrow type \(typeCode) (nested or binary), which trq cannot hold; select flat columns")
        }
    }
}

/// Accumulates one column across batches.
struct ColumnBuilder {
    let type: DataType
    private var ints: [Int64] = []
    private var floats: [Double] = []
    private var bools: [Bool] = []
    private var dates: [Int32] = []
    private var codes: [Int32] = []
    private var dictionary: [String] = []
    private var codeOf: [String: Int32] = [:]
    private var validity: [Bool] = []
    private var hasNulls = false
    private var count = 0

    init(type: DataType) { self.type = type }

    mutating func appendNulls(_ n: Int) {
        markValidity(n) { _ in false }
        switch type {
        case .int, .timestamp: ints.append(contentsOf: repeatElement(0, count: n))
        case .float: floats.append(contentsOf: repeatElement(0, count: n))
        case .bool: bools.append(contentsOf: repeatElement(false, count: n))
        case .date: dates.append(contentsOf: repeatElement(0, count: n))
        case .string: appendCodes(n) { _ in "" }
        }
    }

    private mutating func markValidity(_ n: Int, _ valid: ((Int) -> Bool)?) {
        if let valid {
            if !hasNulls { validity = [Bool](repeating: true, count: count) }
            hasNulls = true
            for row in 0..<n { validity.append(valid(row)) }
        } else if hasNulls {
            validity.append(contentsOf: repeatElement(true, count: n))
        }
        count += n
    }

    private mutating func appendCodes(_ n: Int, _ string: (Int) -> String) {
        for row in 0..<n {
            let s = string(row)
            if let code = codeOf[s] {
                codes.append(code)
            } else {
                let code = Int32(dictionary.count)
                dictionary.append(s)
                codeOf[s] = code
                codes.append(code)
            }
        }
    }

    mutating func append(_ field: ArrowField, count n: Int, valid: ((Int) -> Bool)?, bytes: [UInt8],
                         buffer: () throws(ArrowError) -> Range<Int>) throws(ArrowError) {
        func data(_ width: Int) throws(ArrowError) -> Int {
            let range = try buffer()
            guard range.count >= width * n else { throw ArrowError("column '\(field.name)': data buffer too short") }
            return range.lowerBound
        }
        markValidity(n, valid)
        switch field.type {
        case .null: break
        case .int(let bits, let signed):
            let at = try data(bits / 8)
            bytes.withUnsafeBytes { raw in
                for row in 0..<n {
                    let p = at + row * (bits / 8)
                    switch (bits, signed) {
                    case (8, true): ints.append(Int64(raw.load(fromByteOffset: p, as: Int8.self)))
                    case (16, true): ints.append(Int64(raw.loadUnaligned(fromByteOffset: p, as: Int16.self)))
                    case (32, true): ints.append(Int64(raw.loadUnaligned(fromByteOffset: p, as: Int32.self)))
                    case (8, false): ints.append(Int64(raw.load(fromByteOffset: p, as: UInt8.self)))
                    case (16, false): ints.append(Int64(raw.loadUnaligned(fromByteOffset: p, as: UInt16.self)))
                    case (32, false): ints.append(Int64(raw.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
                    default: ints.append(raw.loadUnaligned(fromByteOffset: p, as: Int64.self))
                    }
                }
            }
        case .float(let bits):
            let at = try data(bits / 8)
            bytes.withUnsafeBytes { raw in
                for row in 0..<n {
                    floats.append(bits == 32 ? Double(raw.loadUnaligned(fromByteOffset: at + row * 4, as: Float.self))
                                             : raw.loadUnaligned(fromByteOffset: at + row * 8, as: Double.self))
                }
            }
        case .decimal(let scale, let bits):
            let at = try data(bits / 8)
            var divisor = 1.0
            for _ in 0..<scale { divisor *= 10 }
            bytes.withUnsafeBytes { raw in
                for row in 0..<n {
                    let lo = raw.loadUnaligned(fromByteOffset: at + row * (bits / 8), as: UInt64.self)
                    let hi = bits == 64 ? Int64(bitPattern: lo) >> 63 : raw.loadUnaligned(fromByteOffset: at + row * 16 + 8, as: Int64.self)
                    // A value that fits 64 bits converts exactly; hi * 2^64 + lo would cancel.
                    let value = hi == Int64(bitPattern: lo) >> 63 ? Double(Int64(bitPattern: lo)) : Double(hi) * 18446744073709551616.0 + Double(lo)
                    floats.append(value / divisor)
                }
            }
        case .bool:
            let range = try buffer()
            guard range.count * 8 >= n else { throw ArrowError("column '\(field.name)': data buffer too short") }
            for row in 0..<n { bools.append(bytes[range.lowerBound + row >> 3] & (1 << UInt8(row & 7)) != 0) }
        case .date32:
            let at = try data(4)
            bytes.withUnsafeBytes { raw in
                for row in 0..<n { dates.append(raw.loadUnaligned(fromByteOffset: at + row * 4, as: Int32.self)) }
            }
        case .date64:
            let at = try data(8)
            bytes.withUnsafeBytes { raw in
                for row in 0..<n {
                    let ms = raw.loadUnaligned(fromByteOffset: at + row * 8, as: Int64.self)
                    dates.append(Int32(truncatingIfNeeded: Int64(daysOf(timestamp: ms &* 1000))))
                }
            }
        case .timestamp(let unit):
            let at = try data(8)
            bytes.withUnsafeBytes { raw in
                for row in 0..<n {
                    let v = raw.loadUnaligned(fromByteOffset: at + row * 8, as: Int64.self)
                    switch unit {
                    case 0: ints.append(v &* 1_000_000)
                    case 1: ints.append(v &* 1000)
                    case 2: ints.append(v)
                    default: ints.append(v >= 0 ? v / 1000 : (v - 999) / 1000)  // nanoseconds, floored
                    }
                }
            }
        case .utf8, .largeUtf8:
            let wide = field.type == .largeUtf8
            let offsetsRange = try buffer()
            let chars = try buffer()
            if n == 0 { break }
            guard offsetsRange.count >= (n + 1) * (wide ? 8 : 4) else { throw ArrowError("column '\(field.name)': offsets buffer too short") }
            let offsets = offsetsRange.lowerBound
            var bad = false
            bytes.withUnsafeBytes { raw in
                func offset(_ i: Int) -> Int {
                    wide ? Int(raw.loadUnaligned(fromByteOffset: offsets + i * 8, as: Int64.self))
                         : Int(raw.loadUnaligned(fromByteOffset: offsets + i * 4, as: Int32.self))
                }
                appendCodes(n) { row in
                    let (start, end) = (offset(row), offset(row + 1))
                    guard start >= 0, start <= end, end <= chars.count else { bad = true; return "" }
                    return String(decoding: raw[(chars.lowerBound + start)..<(chars.lowerBound + end)], as: UTF8.self)
                }
            }
            if bad { throw ArrowError("column '\(field.name)': a string's offsets lie outside its data") }
        }
    }

    func column() -> Column {
        let validity = hasNulls ? Validity(validity) : nil
        switch type {
        case .int: return Column(.int(ints), validity: validity)
        case .timestamp: return Column(.timestamp(ints), validity: validity)
        case .float: return Column(.float(floats), validity: validity)
        case .bool: return Column(.bool(bools), validity: validity)
        case .date: return Column(.date(dates), validity: validity)
        case .string: return Column(.string(codes: codes, dictionary: StringDictionary(dictionary)), validity: validity)
        }
    }
}
