import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two JSON layouts `load` reads.
public enum JSONFormat: String, Sendable, CaseIterable {
    /// A top-level array of objects, or one object.
    case json
    /// One object per line (`.ndjson`, `.jsonl`).
    case ndjson
}

/// Reads JSON and NDJSON into tables.
///
/// - Rows: the objects of a top-level array (or the one top-level object) in `.json`; one
///   object per line in NDJSON (blank lines are skipped). `[]` and an empty NDJSON input give
///   a table without columns or rows; an empty `.json` input is an error.
/// - Columns: the union of keys in order of first appearance; a missing key is null. Nested
///   objects flatten to `parent.child` at the parent's place (a null or missing parent gives
///   null children); a path holding objects in some rows and other values in others loads as
///   JSON text. Arrays load as their minified JSON text. Two keys that flatten to the same
///   name (`"a.b"` and `"a": {"b"}`) are an error.
/// - Types, from every value: JSON numbers are int (float with a fraction or an exponent, or
///   beyond Int64), `true`/`false` bool, strings string except ISO 8601 dates and timestamps;
///   only `null` is null. Ints and floats mix to float, dates and timestamps to timestamp; any
///   other mix is a string column holding each value's text (numbers as written).
/// - Strict JSON otherwise: a trailing comma, `NaN`/`Infinity`, a leading zero, a control
///   character or invalid UTF-8 in a string, a duplicate key in one object, nesting deeper
///   than 1,000 levels or a cut-short document is an error naming the line and column
///   (characters, 1-based). A UTF-8 byte-order mark is skipped.
/// - Projection: with `columns`, only those paths are built; other values are checked for
///   structure (brackets, strings, numbers, literals) and skipped.
/// - Large inputs are parsed in chunks on all cores: NDJSON splits at line breaks, an array
///   between two elements (a guessed split inside a string is detected and re-read).
public enum JSONReader {
    public static func read(bytes: UnsafeRawBufferPointer, name: String, format: JSONFormat,
                            columns: Set<String>? = nil) throws(CSVError) -> Table {
        try parse(bytes, name: name, format: format, columns: columns, chunks: nil)
    }

    public static func read(bytes: [UInt8], name: String, format: JSONFormat,
                            columns: Set<String>? = nil) throws(CSVError) -> Table {
        var result: Result<Table, CSVError>!
        bytes.withUnsafeBytes { raw in
            result = Result { () throws(CSVError) -> Table in try read(bytes: raw, name: name, format: format, columns: columns) }
        }
        return try result.get()
    }

    /// The format a path's extension names (`.json`, `.ndjson`, `.jsonl`, each maybe `.gz`).
    public static func format(ofPath path: String) -> JSONFormat? {
        var lower = path.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { return .ndjson }
        return nil
    }

    /// `chunks`: how many pieces to parse in parallel; nil picks by size.
    /// `text`: paths to read as text whatever their values (stacking with a file where they are).
    static func parse(_ bytes: UnsafeRawBufferPointer, name: String, format: JSONFormat,
                      columns: Set<String>?, text: Set<String> = [], chunks: Int?) throws(CSVError) -> Table {
        let empty = UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: 8), count: 0)
        let input = bytes.baseAddress == nil ? empty : bytes
        let base = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let end = input.count
        var start = 0
        if end >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { start = 3 }
        while start < end, base[start] == asciiSpace || base[start] == asciiLF || base[start] == asciiCR || base[start] == asciiTab {
            start &+= 1
        }
        let located = Locator(base: base, end: end, name: name)
        let layout: JSONChunkParser.Layout
        switch format {
        case .ndjson:
            layout = .lines
        case .json:
            guard start < end else {
                throw CSVError(file: name, line: 1, column: 1, message: "empty JSON document",
                               hint: "a .json file holds an array of objects; use .ndjson for one object per line")
            }
            switch base[start] {
            case UInt8(ascii: "["):
                layout = .arrayElements
                start &+= 1
            case UInt8(ascii: "{"):
                layout = .singleObject
            default:
                throw located.error(JSONFailure(offset: start, message: "expected an array of objects or an object",
                                                hint: "trq loads [{...}, {...}] or a single {...}"))
            }
        }
        var rules = JSONPathRules(columns: columns)
        rules.textPaths = text
        let count = layout == .singleObject ? 1 : chunks ?? (end &- start >= 1 << 20 ? 2 &* cpuCount : 1)
        let starts = chunkStarts(base, start: start, end: end, layout: layout, count: count)
        // Conflicts (a path of objects and scalars, or of numbers and text) are found after a
        // first read; the input is then read again with those paths as text. Each round only
        // adds paths, so this ends.
        while true {
            let parsers = try run(base, starts: starts, end: end, layout: layout, rules: rules, located: located)
            if layout != .lines, let last = parsers.last {
                var p = last.stop
                while p < end, base[p] == asciiSpace || base[p] == asciiLF || base[p] == asciiCR || base[p] == asciiTab { p &+= 1 }
                if p < end {
                    throw located.error(JSONFailure(offset: p, message: "unexpected text after the end of the JSON document",
                                                    hint: layout == .singleObject ? "several objects are an NDJSON file (.ndjson), or wrap them in [ ]" : nil))
                }
            }
            let merged = try merge(parsers, rules: rules, name: name)
            if merged.raw.isSubset(of: rules.rawPaths), merged.text.isSubset(of: rules.textPaths) {
                return try build(parsers, merged.leaves, name: name)
            }
            rules.rawPaths.formUnion(merged.raw)
            rules.textPaths.formUnion(merged.text.subtracting(rules.rawPaths))
        }
    }

    private static let cpuCount = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Guessed chunk starts: after a line break (NDJSON), or at the `{` of an element that
    /// follows `}` and `,` (array; may be inside a string, which stitching detects).
    private static func chunkStarts(_ base: UnsafePointer<UInt8>, start: Int, end: Int,
                                    layout: JSONChunkParser.Layout, count: Int) -> [Int] {
        var starts = [start]
        guard count > 1 else { return starts }
        let step = (end &- start) / count
        for k in 1..<count {
            var p = max(start &+ k &* step, starts.last! &+ 1)
            var found = -1
            while p < end, found < 0 {
                guard let hit = memchr(base + p, Int32(layout == .lines ? asciiLF : UInt8(ascii: "}")), end &- p) else { break }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                p = at &+ 1
                if layout == .lines {
                    found = p
                    continue
                }
                var q = p
                while q < end, isWhitespace(base[q]) { q &+= 1 }
                guard q < end, base[q] == UInt8(ascii: ",") else { continue }
                q &+= 1
                while q < end, isWhitespace(base[q]) { q &+= 1 }
                if q < end, base[q] == UInt8(ascii: "{") { found = q }
            }
            guard found > starts.last!, found < end else { break }
            starts.append(found)
        }
        return starts
    }

    @inline(__always) static func isWhitespace(_ c: UInt8) -> Bool {
        c == asciiSpace || c == asciiLF || c == asciiCR || c == asciiTab
    }

    /// Parses every chunk and keeps those whose start the previous chunk confirmed; the rest is
    /// parsed again in one piece from where the last good chunk stopped.
    private static func run(_ base: UnsafePointer<UInt8>, starts: [Int], end: Int, layout: JSONChunkParser.Layout,
                            rules: JSONPathRules, located: Locator) throws(CSVError) -> [JSONChunkParser] {
        let parsers = starts.indices.map { k in
            JSONChunkParser(base: base, start: starts[k], limit: k &+ 1 < starts.count ? starts[k &+ 1] : end,
                            end: end, layout: layout, rules: rules)
        }
        if parsers.count == 1 {
            parsers[0].run()
        } else {
            let box = UncheckedSendable(parsers)
            parallelFor(parsers.count) { box.value[$0].run() }
        }
        var accepted: [JSONChunkParser] = []
        for parser in parsers {
            if let previous = accepted.last {
                // The array closed before this guessed start: what follows is checked as trailing text.
                if previous.reachedEnd { break }
                let first = parser.rowCount > 0 ? parser.firstRow : parser.stop
                if first != previous.stop {
                    let rest = JSONChunkParser(base: base, start: previous.stop, limit: end, end: end, layout: layout, rules: rules)
                    rest.run()
                    accepted.append(rest)
                    break
                }
            }
            accepted.append(parser)
            if parser.failure != nil { break }
        }
        for chunk in accepted {
            if let failure = chunk.failure { throw located.error(failure) }
        }
        return accepted
    }

    private final class GlobalNode {
        let path: String
        var children: [GlobalNode] = []
        var isObject = false
        var hasValues = false
        /// (chunk, builder) of each chunk where the path is a leaf.
        var parts: [(chunk: Int, builder: Int)] = []
        init(path: String) { self.path = path }
    }

    /// The columns in order (each with its builders by chunk) and the paths that need reading
    /// again as JSON text (`raw`) or as text.
    private static func merge(_ parsers: [JSONChunkParser], rules: JSONPathRules, name: String) throws(CSVError)
        -> (leaves: [(path: String, parts: [(chunk: Int, builder: Int)])], raw: Set<String>, text: Set<String>) {
        var raw = Set<String>()
        var text = Set<String>()
        let root = GlobalNode(path: "")
        var byPath: [String: GlobalNode] = ["": root]
        for (k, parser) in parsers.enumerated() {
            raw.formUnion(parser.rawConflicts)
            text.formUnion(parser.textConflicts)
            let nodes = parser.nodes
            func visit(_ n: Int, _ global: GlobalNode) throws(CSVError) {
                for c in nodes[n].children {
                    let node = nodes[Int(c)]
                    let g: GlobalNode
                    if let known = byPath[node.path] {
                        g = known
                    } else {
                        g = GlobalNode(path: node.path)
                        byPath[node.path] = g
                        global.children.append(g)
                    }
                    switch node.role {
                    case .object:
                        g.isObject = true
                        try visit(Int(c), g)
                    case .leaf:
                        if g.parts.last?.chunk == k {
                            throw CSVError(file: name, message: "two keys flatten to the same column '\(node.path)'",
                                           hint: "a key containing '.' clashes with a nested object of the same path")
                        }
                        let b = parser.builders[node.builder].pointee
                        if b.nullCount < b.rowCount { g.hasValues = true }
                        g.parts.append((k, node.builder))
                    case .unseen, .skipped: break
                    }
                }
            }
            try visit(0, root)
        }
        var leaves: [(path: String, parts: [(chunk: Int, builder: Int)])] = []
        func collect(_ g: GlobalNode) {
            for child in g.children {
                if child.isObject {
                    if child.hasValues { raw.insert(child.path) }
                    collect(child)
                } else if !child.parts.isEmpty {
                    var kind = ValueKind.unknown
                    for part in child.parts { kind = kind.joined(with: parsers[part.chunk].builders[part.builder].pointee.kind) }
                    if kind == .string, child.parts.contains(where: {
                        let partKind = parsers[$0.chunk].builders[$0.builder].pointee.kind
                        return partKind != .string && partKind != .unknown
                    }) {
                        text.insert(child.path)
                    }
                    leaves.append((child.path, child.parts))
                }
            }
        }
        collect(root)
        return (leaves, raw, text)
    }

    private static func build(_ parsers: [JSONChunkParser], _ leaves: [(path: String, parts: [(chunk: Int, builder: Int)])],
                              name: String) throws(CSVError) -> Table {
        let total = parsers.reduce(0) { $0 &+ $1.rowCount }
        // Each column's part in every chunk; a chunk without the key gets a part of nulls.
        var padding: [UnsafeMutablePointer<ColumnBuilder>] = []
        let columns: [[DeferredStrings.Part]] = leaves.map { leaf in
            var parts: [DeferredStrings.Part] = []
            var next = 0
            for (k, parser) in parsers.enumerated() {
                if next < leaf.parts.count, leaf.parts[next].chunk == k {
                    let index = leaf.parts[next].builder
                    parts.append(DeferredStrings.Part(builder: parser.builders[index], deferred: parser.deferred[index]))
                    next &+= 1
                } else {
                    let b = UnsafeMutablePointer<ColumnBuilder>.allocate(capacity: 1)
                    b.initialize(to: ColumnBuilder(forced: nil, validatesUTF8: false))
                    for _ in 0..<parser.rowCount { b.pointee.appendNull() }
                    padding.append(b)
                    parts.append(DeferredStrings.Part(builder: b, deferred: nil))
                }
            }
            return parts
        }
        defer {
            for b in padding {
                b.deinitialize(count: 1)
                b.deallocate()
            }
        }
        let results = UnsafeMutableBufferPointer<Column?>.allocate(capacity: leaves.count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        // Deferred string columns' values first, each column's partitions on all cores; their
        // dictionaries are joined while the other columns merge (tasks as large as a column's merge).
        var others: [Int] = []
        var deferred: [(column: Int, interned: DeferredStrings.Interned)] = []
        for (c, parts) in columns.enumerated() {
            if parts.contains(where: { $0.deferred != nil }) {
                deferred.append((c, DeferredStrings.intern(parts)))
            } else {
                others.append(c)
            }
        }
        let box = UncheckedSendable((results, columns, others, deferred))
        let work: @Sendable (Int) -> Void = { i in
            let (results, columns, others, deferred) = box.value
            if i < deferred.count {
                results[deferred[i].column] = DeferredStrings.column(deferred[i].interned)
                return
            }
            let i = i &- deferred.count
            let parts = columns[others[i]].map(\.builder)
            var kind = ValueKind.unknown
            for part in parts { kind = kind.joined(with: part.pointee.kind) }
            if kind == .unknown { kind = .string }
            if kind == .string {
                for part in parts where part.pointee.kind == .unknown { part.pointee.widen(to: .string) }
            }
            results[others[i]] = BuilderMerge.column(parts, kind: kind)
        }
        let tasks = deferred.count &+ others.count
        if tasks > 1, total > 100_000 {
            parallelFor(tasks, work)
        } else {
            for i in 0..<tasks { work(i) }
        }
        do {
            return try Table(names: leaves.map(\.path), columns: results.map { $0! })
        } catch {
            throw CSVError(file: name, message: error.message)
        }
    }

    /// Turns byte offsets into lines and columns (counted in characters) for errors.
    struct Locator {
        let base: UnsafePointer<UInt8>
        let end: Int
        let name: String

        func error(_ failure: JSONFailure) -> CSVError {
            if failure.isCancelled { return CSVError.cancelled(file: name) }
            let offset = min(failure.offset, end)
            var line = 1
            var lineStart = 0
            var p = 0
            while p < offset, let hit = memchr(base + p, Int32(asciiLF), offset &- p) {
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                line &+= 1
                lineStart = at &+ 1
                p = at &+ 1
            }
            var column = 1
            for i in lineStart..<offset where base[i] & 0xC0 != 0x80 { column &+= 1 }
            return CSVError(file: name, line: line, column: column, message: failure.message, hint: failure.hint)
        }
    }
}
