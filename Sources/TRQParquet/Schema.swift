import TRQFrame

/// How a leaf's physical values become a trq column.
enum ValueMapping: Equatable {
    case bool
    case int
    /// Unsigned 32-bit stored in INT32.
    case uint32
    case float
    case decimal(scale: Int32)
    case float16
    /// Timestamps: INT64 in this unit, or INT96 (always nanoseconds).
    case timestamp(TimeResolution)
    case date
    case string
    /// Unannotated binary: UTF-8 text as is, anything else as 0x-prefixed hex.
    case binary
    case uuid

    var dataType: DataType {
        switch self {
        case .bool: .bool
        case .int, .uint32: .int
        case .float, .decimal, .float16: .float
        case .timestamp: .timestamp
        case .date: .date
        case .string, .binary, .uuid: .string
        }
    }
}

/// A primitive column of the file (a leaf of the schema tree).
struct Leaf {
    var path: [String]
    var type: PhysicalType
    var typeLength: Int
    var mapping: ValueMapping
    var maxDefinition: Int
    var maxRepetition: Int
    /// The schema nodes from the top-level field down to the leaf, for nested assembly.
    var nodes: [SchemaNode]
}

/// A schema node with its levels, for turning lists and maps into JSON text.
struct SchemaNode {
    var element: SchemaElement
    /// The definition level at which this node is present (counts optional and repeated
    /// ancestors including itself).
    var definition: Int
    var repetition: Int
}

/// An output column: a flat leaf, or a list/map subtree loaded as JSON text.
struct OutputColumn {
    var name: String
    var leaves: [Int]
    var isNested: Bool
    /// For nested columns: the depth in the leaves' `nodes` of the node rendered as JSON.
    var rootDepth: Int
}

struct FileSchema {
    var leaves: [Leaf] = []
    var columns: [OutputColumn] = []
    var types: [DataType] = []

    init(_ elements: [SchemaElement]) throws(Malformed) {
        guard let root = elements.first else { throw Malformed() }
        var index = 1
        var stack: [SchemaNode] = []
        func walk(_ count: Int, definition: Int, repetition: Int) throws(Malformed) {
            for _ in 0..<count {
                guard index < elements.count else { throw Malformed() }
                let element = elements[index]
                index &+= 1
                let definition = definition &+ (element.repetition == .required ? 0 : 1)
                let repetition = repetition &+ (element.repetition == .repeated ? 1 : 0)
                stack.append(SchemaNode(element: element, definition: definition, repetition: repetition))
                defer { stack.removeLast() }
                if element.childCount > 0 {
                    guard stack.count < 100 else { throw Malformed() }
                    try walk(Int(element.childCount), definition: definition, repetition: repetition)
                } else {
                    guard let type = element.type else { throw Malformed() }
                    leaves.append(Leaf(
                        path: stack.map(\.element.name), type: type, typeLength: Int(element.typeLength),
                        mapping: ValueMapping(type, element.logical), maxDefinition: definition,
                        maxRepetition: repetition, nodes: stack))
                }
            }
        }
        try walk(Int(max(root.childCount, 0)), definition: 0, repetition: 0)
        for (i, leaf) in leaves.enumerated() {
            // The outermost list, map or repeated node holds the JSON; above it, structs flatten.
            let nestedDepth = leaf.nodes.firstIndex {
                $0.element.repetition == .repeated || $0.element.logical == .list || $0.element.logical == .map
            }
            let name = leaf.path[...(nestedDepth ?? (leaf.path.count &- 1))].joined(separator: ".")
            if nestedDepth != nil, let last = columns.last, last.isNested, last.name == name {
                columns[columns.count &- 1].leaves.append(i)
            } else {
                columns.append(OutputColumn(name: name, leaves: [i], isNested: nestedDepth != nil, rootDepth: nestedDepth ?? 0))
            }
        }
        types = columns.map { $0.isNested ? .string : leaves[$0.leaves[0]].mapping.dataType }
    }
}

extension ValueMapping {
    init(_ type: PhysicalType, _ logical: LogicalType?) {
        if case .decimal(let scale, _)? = logical, type != .boolean, type != .float, type != .double, type != .int96 {
            self = .decimal(scale: scale)
            return
        }
        switch type {
        case .boolean: self = .bool
        case .int32:
            switch logical {
            case .date?: self = .date
            case .integer(32, false)?: self = .uint32
            default: self = .int
            }
        case .int64:
            if case .timestamp(let unit, _)? = logical { self = .timestamp(unit) } else { self = .int }
        case .int96: self = .timestamp(.nanos)
        case .float, .double: self = .float
        case .byteArray, .fixedLenByteArray:
            switch logical {
            case .string?, .enumeration?, .json?: self = .string
            case .float16? where type == .fixedLenByteArray: self = .float16
            case .uuid? where type == .fixedLenByteArray: self = .uuid
            default: self = .binary
            }
        }
    }
}
