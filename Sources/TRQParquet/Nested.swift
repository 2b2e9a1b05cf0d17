import TRQFrame

/// One leaf of a nested column chunk: all its levels and values, read front to back while the
/// records are reassembled.
struct LevelStream {
    let leaf: Leaf
    var definitions: [Int32] = []
    var repetitions: [Int32] = []
    /// JSON text of each present value.
    var values: [String] = []
    var position = 0
    var valuePosition = 0

    init(_ decoder: ChunkDecoder) throws(EncodingFailure) {
        leaf = decoder.leaf
        var definitions: [Int32] = [], repetitions: [Int32] = [], values: [String] = []
        try decoder.forEachPage { page throws(EncodingFailure) in
            definitions += page.definitions ?? [Int32](repeating: Int32(decoder.leaf.maxDefinition), count: page.levelCount)
            repetitions += page.repetitions ?? [Int32](repeating: 0, count: page.levelCount)
            values += jsonTexts(page.values, decoder)
        }
        self.definitions = definitions
        self.repetitions = repetitions
        self.values = values
    }
}

private func jsonTexts(_ values: Values, _ decoder: ChunkDecoder) -> [String] {
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    switch (values, decoder.leaf.mapping.dataType) {
    case (.int64(let v), .timestamp): return v.map { text(TableWriter.jsonString(formatTimestamp($0))) }
    case (.int64(let v), _): return v.map { String($0) }
    case (.double(let v), _): return v.map { $0.isFinite ? formatDouble($0) : "null" }
    case (.bool(let v), _): return v.map { $0 ? "true" : "false" }
    case (.int32(let v), .date): return v.map { text(TableWriter.jsonString(formatDate($0))) }
    case (.int32(let v), _):
        return v.map { text(TableWriter.jsonString(String(decoding: decoder.interner.bytes(Int($0)), as: UTF8.self))) }
    }
}

/// The schema below a nested column's root, with the leaves (by stream) under each node.
private final class Node {
    let element: SchemaElement
    let definition: Int
    let repetition: Int
    var children: [Node] = []
    var stream: Int?
    var streams: [Int] = []

    init(_ node: SchemaNode) {
        element = node.element
        definition = node.definition
        repetition = node.repetition
    }
}

/// The JSON text of each row of a list/map column (nil for a null row) from its leaves' levels
/// (Dremel record assembly).
func assembleJSON(_ streams: [LevelStream], rootDepth: Int, rows: Int) throws(EncodingFailure) -> [String?] {
    let root = Node(streams[0].leaf.nodes[rootDepth])
    for (s, stream) in streams.enumerated() {
        var node = root
        node.streams.append(s)
        for depth in (rootDepth &+ 1)..<stream.leaf.nodes.count {
            let name = stream.leaf.nodes[depth].element.name
            if let child = node.children.last, child.element.name == name {
                node = child
            } else {
                let child = Node(stream.leaf.nodes[depth])
                node.children.append(child)
                node = child
            }
            node.streams.append(s)
        }
        node.stream = s
    }
    var assembler = Assembler(streams: streams)
    var texts: [String?] = []
    texts.reserveCapacity(rows)
    for _ in 0..<rows {
        guard assembler.streams.allSatisfy({ $0.position < $0.definitions.count }) else {
            throw EncodingFailure(message: "nested column has fewer records than the row group's \(rows) rows")
        }
        texts.append(try assembler.value(root))
    }
    guard assembler.streams.allSatisfy({ $0.position == $0.definitions.count }) else {
        throw EncodingFailure(message: "nested column has more records than the row group's \(rows) rows")
    }
    return texts
}

private struct Assembler {
    var streams: [LevelStream]

    private func definition(_ node: Node) throws(EncodingFailure) -> Int32 {
        let s = streams[node.streams[0]]
        guard s.position < s.definitions.count else { throw EncodingFailure(message: "nested column levels end early") }
        return s.definitions[s.position]
    }

    /// Steps every leaf under `node` past one entry (a null or empty value there).
    private mutating func skip(_ node: Node) {
        for s in node.streams { streams[s].position &+= 1 }
    }

    /// The node's value at the current entry: nil when it is null.
    mutating func value(_ node: Node) throws(EncodingFailure) -> String? {
        if node.element.repetition == .repeated { return try "[" + list(node).joined(separator: ",") + "]" }
        if try definition(node) < Int32(node.definition) {
            skip(node)
            return nil
        }
        return try present(node)
    }

    /// The content of a node known to be present at the current entry.
    private mutating func present(_ node: Node) throws(EncodingFailure) -> String {
        if let s = node.stream {
            let full = Int32(streams[s].leaf.maxDefinition)
            let def = streams[s].definitions[streams[s].position]
            streams[s].position &+= 1
            guard def == full else { return "null" }
            guard streams[s].valuePosition < streams[s].values.count else { throw EncodingFailure(message: "nested column has fewer values than levels") }
            defer { streams[s].valuePosition &+= 1 }
            return streams[s].values[streams[s].valuePosition]
        }
        let logical = node.element.logical
        if (logical == .list || logical == .map), node.children.count == 1, node.children[0].element.repetition == .repeated {
            let repeated = node.children[0]
            if logical == .map, repeated.children.count == 2 {
                let pairs = try entries(repeated) { a, r throws(EncodingFailure) in
                    let key = try a.value(r.children[0]) ?? "null"
                    let value = try a.value(r.children[1]) ?? "null"
                    return (key.first == "\"" ? key : String(decoding: TableWriter.jsonString(key), as: UTF8.self)) + ":" + value
                }
                return "{" + pairs.joined(separator: ",") + "}"
            }
            return "[" + (try list(repeated)).joined(separator: ",") + "]"
        }
        var fields: [String] = []
        for child in node.children {
            let text = try value(child) ?? "null"
            fields.append(String(decoding: TableWriter.jsonString(child.element.name), as: UTF8.self) + ":" + text)
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// The elements of a repeated node: a group of one field is that field (the standard
    /// three-level list), else the group itself.
    private mutating func list(_ repeated: Node) throws(EncodingFailure) -> [String] {
        try entries(repeated) { a, r throws(EncodingFailure) in
            if r.stream == nil, r.children.count == 1, r.element.logical == nil {
                return try a.value(r.children[0]) ?? "null"
            }
            return try a.present(r)
        }
    }

    private mutating func entries(_ repeated: Node, _ element: (inout Assembler, Node) throws(EncodingFailure) -> String) throws(EncodingFailure) -> [String] {
        if try definition(repeated) < Int32(repeated.definition) {
            skip(repeated)
            return []
        }
        var items: [String] = []
        while true {
            items.append(try element(&self, repeated))
            let s = streams[repeated.streams[0]]
            guard s.position < s.repetitions.count, s.repetitions[s.position] == Int32(repeated.repetition) else { break }
        }
        return items
    }
}
