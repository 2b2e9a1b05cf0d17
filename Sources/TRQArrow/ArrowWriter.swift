import TRQFrame

/// Writes a table as an Arrow IPC stream (a schema message, one record batch, the end marker), as
/// Spark Connect's local relations carry them: int → int64, float → double, bool, string → utf8,
/// date → date32, timestamp → timestamp[µs, UTC].
public func arrowStream(_ table: Table) throws(ArrowError) -> [UInt8] {
    var fields: [FlatObject] = []
    for (name, column) in zip(table.names, table.columns) {
        let (code, type) = arrowType(column.type)
        fields.append(.table([(0, .object(.string(name))), (1, .bool(true)), (2, .uint8(code)), (3, .object(type)),
                              (5, .object(.tables([])))]))
    }
    let schema = FlatObject.table([(1, .object(.tables(fields)))])
    var out = message(header: 1, schema, body: [])

    var body: [UInt8] = []
    var nodes: [[Int64]] = []
    var buffers: [[Int64]] = []
    func add(_ bytes: [UInt8]) {
        buffers.append([Int64(body.count), Int64(bytes.count)])
        body.append(contentsOf: bytes)
        while body.count % 8 != 0 { body.append(0) }
    }
    for (name, column) in zip(table.names, table.columns) {
        nodes.append([Int64(column.count), Int64(column.nullCount)])
        add(column.validity.map { validity in bitmap(column.count) { validity.isValid($0) } } ?? [])
        switch column.data {
        case .int(let v), .timestamp(let v): add(littleEndianBytes(v))
        case .float(let v): add(littleEndianBytes(v.map(\.bitPattern)))
        case .date(let v): add(littleEndianBytes(v))
        case .bool(let v): add(bitmap(v.count) { v[$0] })
        case .string(let codes, let dictionary):
            let encoded = dictionary.values.map { Array($0.utf8) }
            var offsets: [Int32] = [0]
            var chars: [UInt8] = []
            offsets.reserveCapacity(codes.count + 1)
            for (i, code) in codes.enumerated() {
                if !column.isNull(i) { chars.append(contentsOf: encoded[Int(code)]) }
                guard chars.count <= Int(Int32.max) else { throw ArrowError("column '\(name)' holds more than 2 GiB of text; send fewer rows") }
                offsets.append(Int32(chars.count))
            }
            add(littleEndianBytes(offsets))
            add(chars)
        }
    }
    let batch = FlatObject.table([(0, .int64(Int64(table.rowCount))), (1, .object(.int64Structs(nodes))), (2, .object(.int64Structs(buffers)))])
    out += message(header: 3, batch, body: body)
    out += [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]
    return out
}

/// The Arrow type union's code and parameters for a column type.
private func arrowType(_ type: DataType) -> (UInt8, FlatObject) {
    switch type {
    case .int: (2, .table([(0, .int32(64)), (1, .bool(true))]))
    case .float: (3, .table([(0, .int16(2))]))
    case .bool: (6, .table([]))
    case .string: (5, .table([]))
    case .date: (8, .table([(0, .int16(0))]))
    case .timestamp: (10, .table([(0, .int16(2)), (1, .object(.string("UTC")))]))
    }
}

/// An encapsulated message: continuation marker, metadata length (padded so the body starts on
/// 8 bytes), the `Message` FlatBuffer (metadata version 5), then the body.
private func message(header: UInt8, _ content: FlatObject, body: [UInt8]) -> [UInt8] {
    var metadata = FlatBuilder.build(.table([(0, .int16(4)), (1, .uint8(header)), (2, .object(content)), (3, .int64(Int64(body.count)))]))
    while (metadata.count + 8) % 8 != 0 { metadata.append(0) }
    var out: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
    out += littleEndianBytes([Int32(metadata.count)])
    return out + metadata + body
}

private func bitmap(_ count: Int, _ bit: (Int) -> Bool) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: (count + 7) / 8)
    for i in 0..<count where bit(i) { bytes[i >> 3] |= 1 << UInt8(i & 7) }
    return bytes
}

private func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(values.count * MemoryLayout<T>.size)
    for v in values { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    return out
}
