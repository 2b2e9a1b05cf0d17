// Parquet's footer and page headers (parquet.thrift), decoded from the compact protocol.

enum PhysicalType: Int32 {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7
}

enum Repetition: Int32 { case required = 0, optional = 1, repeated = 2 }

enum Codec: Int32 {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

    var name: String {
        switch self {
        case .uncompressed: "none"
        case .snappy: "snappy"
        case .gzip: "gzip"
        case .lzo: "lzo"
        case .brotli: "brotli"
        case .lz4: "lz4"
        case .zstd: "zstd"
        case .lz4Raw: "lz4_raw"
        }
    }
}

enum Encoding: Int32 {
    case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5
    case deltaLengthByteArray = 6, deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9
}

enum TimeResolution { case millis, micros, nanos }

/// The logical annotation of a schema element (LogicalType, or the older ConvertedType).
enum LogicalType: Equatable {
    case string, map, list, enumeration, json, bson, uuid, float16, date, unknown
    case decimal(scale: Int32, precision: Int32)
    case time(TimeResolution)
    case timestamp(TimeResolution, adjustedToUTC: Bool)
    case integer(bits: Int8, signed: Bool)
    case interval
}

struct SchemaElement {
    var type: PhysicalType?
    var typeLength: Int32 = 0
    var repetition: Repetition = .required
    var name = ""
    var childCount: Int32 = 0
    var logical: LogicalType?
}

struct Statistics {
    var min: [UInt8]?
    var max: [UInt8]?
    var nullCount: Int64?
    /// min/max came from the deprecated fields, ordered as signed bytes (wrong for text).
    var legacyOrder = false
}

struct ColumnMetadata {
    var type: PhysicalType = .int32
    var path: [String] = []
    var codec: Codec = .uncompressed
    var valueCount: Int64 = 0
    var compressedSize: Int64 = 0
    var dataPageOffset: Int64 = 0
    var dictionaryPageOffset: Int64?
    var statistics: Statistics?
}

struct ColumnChunk {
    var filePath: String?
    var metadata: ColumnMetadata?
    var encrypted = false
}

struct RowGroup {
    var columns: [ColumnChunk] = []
    var rowCount: Int64 = 0
}

struct FileMetadata {
    var schema: [SchemaElement] = []
    var rowCount: Int64 = 0
    var rowGroups: [RowGroup] = []
    var encrypted = false
}

enum PageType: Int32 { case data = 0, index = 1, dictionary = 2, dataV2 = 3 }

struct PageHeader {
    var type: PageType?
    var uncompressedSize: Int32 = 0
    var compressedSize: Int32 = 0
    var crc: Int32?
    var valueCount: Int32 = 0
    var encoding: Int32 = 0
    var definitionEncoding: Int32 = Encoding.rle.rawValue
    /// Data page v2 only.
    var nullCount: Int32 = 0
    var definitionLength: Int32 = 0
    var repetitionLength: Int32 = 0
    var isCompressed = true
}

typealias Malformed = ThriftReader.Malformed

extension FileMetadata {
    init(_ r: inout ThriftReader) throws(Malformed) {
        self.init()
        try r.readStruct { r, id, type throws(Malformed) in
            switch id {
            case 2: schema = try r.list { r throws(Malformed) in try SchemaElement(&r) }
            case 3: rowCount = try r.zigzag()
            case 4: rowGroups = try r.list { r throws(Malformed) in try RowGroup(&r) }
            case 8: encrypted = true; return false
            default: return false
            }
            return true
        }
    }
}

extension SchemaElement {
    init(_ r: inout ThriftReader) throws(Malformed) {
        self.init()
        var converted: Int32?
        var scale: Int32 = 0, precision: Int32 = 0
        try r.readStruct { r, id, type throws(Malformed) in
            switch id {
            case 1: self.type = PhysicalType(rawValue: try r.i32())
            case 2: typeLength = try r.i32()
            case 3: repetition = Repetition(rawValue: try r.i32()) ?? .optional
            case 4: name = try r.string()
            case 5: childCount = try r.i32()
            case 6: converted = try r.i32()
            case 7: scale = try r.i32()
            case 8: precision = try r.i32()
            case 10: logical = try LogicalType.read(&r)
            default: return false
            }
            return true
        }
        if logical == nil, let converted {
            logical = LogicalType(converted: converted, scale: scale, precision: precision)
        }
    }
}

extension LogicalType {
    init?(converted: Int32, scale: Int32, precision: Int32) {
        switch converted {
        case 0: self = .string
        case 1, 2: self = .map
        case 3: self = .list
        case 4: self = .enumeration
        case 5: self = .decimal(scale: scale, precision: precision)
        case 6: self = .date
        case 7: self = .time(.millis)
        case 8: self = .time(.micros)
        case 9: self = .timestamp(.millis, adjustedToUTC: true)
        case 10: self = .timestamp(.micros, adjustedToUTC: true)
        case 11: self = .integer(bits: 8, signed: false)
        case 12: self = .integer(bits: 16, signed: false)
        case 13: self = .integer(bits: 32, signed: false)
        case 14: self = .integer(bits: 64, signed: false)
        case 15: self = .integer(bits: 8, signed: true)
        case 16: self = .integer(bits: 16, signed: true)
        case 17: self = .integer(bits: 32, signed: true)
        case 18: self = .integer(bits: 64, signed: true)
        case 19: self = .json
        case 20: self = .bson
        case 21: self = .interval
        default: return nil
        }
    }

    /// The LogicalType union; nil for members this reader does not need to tell apart.
    static func read(_ r: inout ThriftReader) throws(Malformed) -> LogicalType? {
        var result: LogicalType?
        try r.readStruct { r, id, type throws(Malformed) in
            switch id {
            // Most members are empty structs, skipped after noting which one is set.
            case 1: result = .string; return false
            case 2: result = .map; return false
            case 3: result = .list; return false
            case 4: result = .enumeration; return false
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0
                try r.readStruct { r, id, _ throws(Malformed) in
                    switch id {
                    case 1: scale = try r.i32()
                    case 2: precision = try r.i32()
                    default: return false
                    }
                    return true
                }
                result = .decimal(scale: scale, precision: precision)
            case 6: result = .date; return false
            case 7, 8:
                var utc = true
                var unit = TimeResolution.micros
                try r.readStruct { r, id, type throws(Malformed) in
                    switch id {
                    case 1: utc = type == .boolTrue; return true
                    case 2: unit = try readUnit(&r); return true
                    default: return false
                    }
                }
                result = id == 7 ? .time(unit) : .timestamp(unit, adjustedToUTC: utc)
            case 10:
                var bits: Int8 = 64, signed = true
                try r.readStruct { r, id, type throws(Malformed) in
                    switch id {
                    case 1: bits = Int8(truncatingIfNeeded: try r.byte()); return true
                    case 2: signed = type == .boolTrue; return true
                    default: return false
                    }
                }
                result = .integer(bits: bits, signed: signed)
            case 11: result = .unknown; return false
            case 12: result = .json; return false
            case 13: result = .bson; return false
            case 14: result = .uuid; return false
            case 15: result = .float16; return false
            default: return false
            }
            return true
        }
        return result
    }

    private static func readUnit(_ r: inout ThriftReader) throws(Malformed) -> TimeResolution {
        var unit = TimeResolution.micros
        try r.readStruct { _, id, _ throws(Malformed) in
            switch id {
            case 1: unit = .millis
            case 2: unit = .micros
            case 3: unit = .nanos
            default: break
            }
            return false
        }
        return unit
    }
}

extension RowGroup {
    init(_ r: inout ThriftReader) throws(Malformed) {
        self.init()
        try r.readStruct { r, id, _ throws(Malformed) in
            switch id {
            case 1: columns = try r.list { r throws(Malformed) in try ColumnChunk(&r) }
            case 3: rowCount = try r.zigzag()
            default: return false
            }
            return true
        }
    }
}

extension ColumnChunk {
    init(_ r: inout ThriftReader) throws(Malformed) {
        self.init()
        try r.readStruct { r, id, _ throws(Malformed) in
            switch id {
            case 1: filePath = try r.string()
            case 3: metadata = try ColumnMetadata(&r)
            case 8, 9: encrypted = true; return false
            default: return false
            }
            return true
        }
    }
}

extension ColumnMetadata {
    init(_ r: inout ThriftReader) throws(Malformed) {
        self.init()
        try r.readStruct { r, id, _ throws(Malformed) in
            switch id {
            case 1: type = PhysicalType(rawValue: try r.i32()) ?? .int32
            case 3: path = try r.list { r throws(Malformed) in try r.string() }
            case 4:
                let raw = try r.i32()
                codec = Codec(rawValue: raw) ?? .lzo
            case 5: valueCount = try r.zigzag()
            case 7: compressedSize = try r.zigzag()
            case 9: dataPageOffset = try r.zigzag()
            case 11: dictionaryPageOffset = try r.zigzag()
            case 12: statistics = try Statistics(&r)
            default: return false
            }
            return true
        }
    }
}

extension Statistics {
    init(_ r: inout ThriftReader) throws(Malformed) {
        self.init()
        // min_value/max_value (5, 6) use the column's sort order; the deprecated min/max (2, 1)
        // are signed byte-wise and are kept only when the new fields are absent.
        var legacyMin: [UInt8]?, legacyMax: [UInt8]?
        try r.readStruct { r, id, _ throws(Malformed) in
            switch id {
            case 1: legacyMax = Array(try r.binary())
            case 2: legacyMin = Array(try r.binary())
            case 3: nullCount = try r.zigzag()
            case 5: max = Array(try r.binary())
            case 6: min = Array(try r.binary())
            default: return false
            }
            return true
        }
        if min == nil && max == nil {
            legacyOrder = true
            min = legacyMin
            max = legacyMax
        }
    }
}

extension PageHeader {
    init(_ r: inout ThriftReader) throws(Malformed) {
        self.init()
        try r.readStruct { r, id, _ throws(Malformed) in
            switch id {
            case 1: type = PageType(rawValue: try r.i32())
            case 2: uncompressedSize = try r.i32()
            case 3: compressedSize = try r.i32()
            case 4: crc = try r.i32()
            case 5:
                try r.readStruct { r, id, _ throws(Malformed) in
                    switch id {
                    case 1: valueCount = try r.i32()
                    case 2: encoding = try r.i32()
                    case 3: definitionEncoding = try r.i32()
                    default: return false
                    }
                    return true
                }
            case 7:
                try r.readStruct { r, id, _ throws(Malformed) in
                    switch id {
                    case 1: valueCount = try r.i32()
                    case 2: encoding = try r.i32()
                    default: return false
                    }
                    return true
                }
            case 8:
                try r.readStruct { r, id, type throws(Malformed) in
                    switch id {
                    case 1: valueCount = try r.i32()
                    case 2: nullCount = try r.i32()
                    case 4: encoding = try r.i32()
                    case 5: definitionLength = try r.i32()
                    case 6: repetitionLength = try r.i32()
                    case 7: isCompressed = type == .boolTrue
                    default: return false
                    }
                    return true
                }
            default: return false
            }
            return true
        }
    }
}
