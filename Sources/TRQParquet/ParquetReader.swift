#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TRQFrame

/// A bad or unreadable Parquet file: names the file and, where known, the column and row group.
public struct ParquetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var column: String?
    public var rowGroup: Int?
    public var message: String
    public var hint: String?
    /// The read stopped because its cancellation token was set, not because the file is bad.
    public private(set) var isCancelled = false

    public init(file: String, column: String? = nil, rowGroup: Int? = nil, message: String, hint: String? = nil) {
        self.file = file
        self.column = column
        self.rowGroup = rowGroup
        self.message = message
        self.hint = hint
    }

    public var description: String {
        var place = file
        if let column { place += ": column '\(column)'" }
        if let rowGroup { place += (column == nil ? ": " : ", ") + "row group \(rowGroup)" }
        return "\(place): \(message)" + (hint.map { " (hint: \($0))" } ?? "")
    }

    static func cancelled(file: String) -> ParquetError {
        var error = ParquetError(file: file, message: "cancelled")
        error.isCancelled = true
        return error
    }
}

/// A Parquet file in memory (mapped when it is on disk), with its footer decoded.
final class ParquetFile: Sendable {
    let path: String
    let input: InputBuffer
    let metadata: FileMetadata
    let schema: FileSchema
    var bytes: UnsafeRawBufferPointer { input.bytes }

    init(_ file: SourceFile) throws(ParquetError) {
        path = file.name
        do { input = try file.open() } catch { throw ParquetError(file: file.name, message: error.message, hint: error.hint) }
        let size = input.bytes.count
        guard size >= 12 else {
            throw ParquetError(file: path, message: "is \(size) bytes, too short for a Parquet file (truncated?)")
        }
        (metadata, schema) = try Self.footer(input.bytes, path: path)
    }

    convenience init(path: String) throws(ParquetError) {
        try self.init(SourceFile.onDisk(path))
    }

    private static func footer(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParquetError) -> (FileMetadata, FileSchema) {
        let size = bytes.count
        let tail = Array(bytes[(size - 4)...])
        if tail == Array("PARE".utf8) {
            throw ParquetError(file: path, message: "is encrypted (Parquet modular encryption), which trq cannot read", hint: "decrypt it with the tool that wrote it")
        }
        guard Array(bytes[0..<4]) == Array("PAR1".utf8), tail == Array("PAR1".utf8) else {
            let which = Array(bytes[0..<4]) == Array("PAR1".utf8) ? "does not end with" : "does not start with"
            throw ParquetError(file: path, message: "\(which) the Parquet magic bytes PAR1: not a Parquet file, or truncated")
        }
        let footerLength = Int(bytes.loadUnaligned(fromByteOffset: size - 8, as: UInt32.self).littleEndian)
        guard footerLength <= size - 12 else {
            throw ParquetError(file: path, message: "footer length \(footerLength) is past the start of the file (\(size) bytes): the file is truncated or corrupt")
        }
        var reader = ThriftReader(UnsafeRawBufferPointer(rebasing: bytes[(size - 8 - footerLength)..<(size - 8)]))
        let metadata: FileMetadata
        let schema: FileSchema
        do {
            metadata = try FileMetadata(&reader)
            schema = try FileSchema(metadata.schema)
        } catch {
            throw ParquetError(file: path, message: "the footer (file metadata) is corrupt")
        }
        if metadata.encrypted || metadata.rowGroups.contains(where: { $0.columns.contains(where: \.encrypted) }) {
            throw ParquetError(file: path, message: "has encrypted columns (Parquet modular encryption), which trq cannot read", hint: "decrypt it with the tool that wrote it")
        }
        for (g, group) in metadata.rowGroups.enumerated() {
            guard group.columns.count == schema.leaves.count, group.rowCount >= 0 else {
                throw ParquetError(file: path, rowGroup: g, message: "has \(group.columns.count) column chunks, the schema has \(schema.leaves.count) columns")
            }
            for (c, chunk) in group.columns.enumerated() {
                let name = schema.leaves[c].path.joined(separator: ".")
                guard let meta = chunk.metadata else {
                    throw ParquetError(file: path, column: name, rowGroup: g, message: "column chunk has no metadata")
                }
                if let other = chunk.filePath, !other.isEmpty {
                    throw ParquetError(file: path, column: name, rowGroup: g, message: "column data is in another file (\(other)), which trq does not follow")
                }
                guard meta.type == schema.leaves[c].type else {
                    throw ParquetError(file: path, column: name, rowGroup: g, message: "column chunk type does not match the schema")
                }
            }
        }
        return (metadata, schema)
    }

    /// The row groups whose statistics do not rule out any of the predicates.
    func groups(passing predicates: [SourcePredicate]) -> [Int] {
        metadata.rowGroups.indices.filter { g in !predicates.contains { canSkip(group: g, $0) } }
    }

    /// Reads the columns named (nil: all) from the row groups the predicates do not rule out.
    func read(columns wanted: [String]?, predicates: [SourcePredicate], cancel: CancellationToken) throws(ParquetError) -> Table {
        var selected = schema.columns.indices.map { $0 }
        if let wanted {
            let set = Set(wanted)
            selected = selected.filter { set.contains(schema.columns[$0].name) }
            // A table needs a column to carry its row count (`load F | agg n = count()`).
            if selected.isEmpty, !schema.columns.isEmpty { selected = [0] }
        }
        let groups = groups(passing: predicates)
        var offsets = [0]
        for g in groups { offsets.append(offsets[offsets.count &- 1] &+ Int(metadata.rowGroups[g].rowCount)) }

        // Several row groups: each column's groups are decoded in parallel into one array.
        // One row group: the columns are decoded in parallel instead.
        let byGroup = groups.count > 1
        var results = [Result<Column, ParquetError>?](repeating: nil, count: selected.count)
        let decodeColumn = { (k: Int) -> Result<Column, ParquetError> in
            Result { () throws(ParquetError) -> Column in
                try self.readColumn(self.schema.columns[selected[k]], groups: groups, offsets: offsets, parallel: byGroup, cancel: cancel)
            }
        }
        if byGroup {
            for k in selected.indices { results[k] = decodeColumn(k) }
        } else {
            results.withUnsafeMutableBufferPointer { slots in
                parallelFor(selected.count) { k in slots[k] = decodeColumn(k) }
            }
        }
        var table = Table()
        for (k, result) in results.enumerated() {
            switch result! {
            case .success(let column):
                do { try table.append(schema.columns[selected[k]].name, column) } catch { throw ParquetError(file: path, message: error.message) }
            case .failure(let error): throw error
            }
        }
        return table
    }

    private func readColumn(_ output: OutputColumn, groups: [Int], offsets: [Int], parallel: Bool, cancel: CancellationToken) throws(ParquetError) -> Column {
        let rows = offsets[offsets.count &- 1]
        let type = output.isNested ? DataType.string : schema.leaves[output.leaves[0]].mapping.dataType
        var parts = [Result<GroupPart, ParquetError>?](repeating: nil, count: groups.count)
        func decodeGroups(_ out: UnsafeMutableRawPointer) {
            parts.withUnsafeMutableBufferPointer { slots in
                let slots = slots
                parallelFor(parallel ? groups.count : 1) { part in
                    for j in (parallel ? part..<(part &+ 1) : groups.indices) {
                        slots[j] = Result { () throws(ParquetError) -> GroupPart in
                            try self.decodeGroup(output, group: groups[j], type: type, out: out, row: offsets[j], rows: offsets[j &+ 1] &- offsets[j], cancel: cancel)
                        }
                    }
                }
            }
        }
        let data: ColumnData
        switch type {
        case .int, .timestamp:
            let values = [Int64](unsafeUninitializedCapacity: rows) { buffer, count in
                decodeGroups(UnsafeMutableRawPointer(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!))
                count = rows
            }
            data = type == .int ? .int(values) : .timestamp(values)
        case .float:
            data = .float([Double](unsafeUninitializedCapacity: rows) { buffer, count in
                decodeGroups(UnsafeMutableRawPointer(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!))
                count = rows
            })
        case .bool:
            data = .bool([Bool](unsafeUninitializedCapacity: rows) { buffer, count in
                decodeGroups(UnsafeMutableRawPointer(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!))
                count = rows
            })
        case .date, .string:
            var codes = [Int32](unsafeUninitializedCapacity: rows) { buffer, count in
                decodeGroups(UnsafeMutableRawPointer(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!))
                count = rows
            }
            if type == .date {
                data = .date(codes)
            } else {
                var dictionary = mergeDictionaries(try collect(parts), offsets: offsets, codes: &codes)
                // Null rows hold code 0, which must exist even when no row has a value.
                if dictionary.values.isEmpty { dictionary = StringDictionary([""]) }
                data = .string(codes: codes, dictionary: dictionary)
            }
        }
        let decoded = try collect(parts)
        return Column(data, validity: mergeValidity(decoded, offsets: offsets, rows: rows))
    }

    private func collect(_ parts: [Result<GroupPart, ParquetError>?]) throws(ParquetError) -> [GroupPart] {
        var decoded: [GroupPart] = []
        for part in parts {
            switch part! {
            case .success(let p): decoded.append(p)
            case .failure(let error): throw error
            }
        }
        return decoded
    }

    /// One row group of one output column, written at `row` of `out`.
    private func decodeGroup(_ output: OutputColumn, group g: Int, type: DataType, out: UnsafeMutableRawPointer, row: Int, rows: Int,
                             cancel: CancellationToken) throws(ParquetError) -> GroupPart {
        if cancel.isCancelled { throw ParquetError.cancelled(file: path) }
        var currentLeaf = output.leaves[0]
        do throws(EncodingFailure) {
            if output.isNested {
                let interner = StringInterner()
                var streams: [LevelStream] = []
                for leaf in output.leaves {
                    currentLeaf = leaf
                    let decoder = ChunkDecoder(leaf: schema.leaves[leaf], chunk: metadata.rowGroups[g].columns[leaf].metadata!, file: bytes)
                    streams.append(try LevelStream(decoder))
                }
                let texts = try assembleJSON(streams, rootDepth: output.rootDepth, rows: rows)
                let codes = out.assumingMemoryBound(to: Int32.self) + row
                var validity = Validity(count: rows, allValid: true)
                for (i, text) in texts.enumerated() {
                    guard var text else {
                        codes[i] = 0
                        validity.clear(i)
                        continue
                    }
                    codes[i] = text.withUTF8 { interner.intern($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
                }
                return GroupPart(validity: validity.nullCount == 0 ? nil : validity, interner: interner)
            }
            let leaf = schema.leaves[currentLeaf]
            let decoder = ChunkDecoder(leaf: leaf, chunk: metadata.rowGroups[g].columns[currentLeaf].metadata!, file: bytes)
            var sink = FlatSink(out: out, row: row, rows: rows, maxDefinition: leaf.maxDefinition)
            try decoder.forEachPage { page throws(EncodingFailure) in try sink.append(page) }
            guard sink.written == rows else {
                throw EncodingFailure(message: "column chunk has \(sink.written) values, the row group has \(rows) rows")
            }
            return GroupPart(validity: sink.validity, interner: type == .string ? decoder.interner : nil)
        } catch {
            throw ParquetError(file: path, column: schema.leaves[currentLeaf].path.joined(separator: "."), rowGroup: g, message: error.message)
        }
    }

    private func canSkip(group g: Int, _ predicate: SourcePredicate) -> Bool {
        guard let c = schema.columns.firstIndex(where: { $0.name == predicate.column && !$0.isNested }) else { return false }
        let leafIndex = schema.columns[c].leaves[0]
        let leaf = schema.leaves[leafIndex]
        let group = metadata.rowGroups[g]
        guard let stats = group.columns[leafIndex].metadata?.statistics else { return false }
        return RowGroupStatistics(stats, leaf: leaf, rows: group.rowCount).excludes(predicate)
    }
}

/// The parts of a column one row group produced besides its values.
struct GroupPart {
    var validity: Validity?
    var interner: StringInterner?
}

/// Writes a flat leaf's pages into the output column at consecutive rows, nulls as zero.
struct FlatSink {
    let out: UnsafeMutableRawPointer
    let row: Int
    let rows: Int
    let maxDefinition: Int
    var written = 0
    var validity: Validity?

    init(out: UnsafeMutableRawPointer, row: Int, rows: Int, maxDefinition: Int) {
        self.out = out
        self.row = row
        self.rows = rows
        self.maxDefinition = maxDefinition
    }

    mutating func append(_ page: DecodedPage) throws(EncodingFailure) {
        guard page.levelCount <= rows &- written else {
            throw EncodingFailure(message: "column chunk has more values than the row group's \(rows) rows")
        }
        let start = row &+ written
        let definitions = page.values.count == page.levelCount ? nil : page.definitions
        switch page.values {
        case .int64(let v): place(v, definitions, start, zero: 0)
        case .double(let v): place(v, definitions, start, zero: 0)
        case .bool(let v): place(v, definitions, start, zero: false)
        case .int32(let v): place(v, definitions, start, zero: 0)
        }
        written &+= page.levelCount
    }

    private mutating func place<T>(_ values: [T], _ definitions: [Int32]?, _ start: Int, zero: T) {
        let target = out.assumingMemoryBound(to: T.self) + start
        guard let definitions else {
            values.withUnsafeBufferPointer { target.initialize(from: $0.baseAddress!, count: $0.count) }
            return
        }
        if validity == nil { validity = Validity(count: rows, allValid: true) }
        let full = Int32(maxDefinition)
        var j = 0
        for i in 0..<definitions.count {
            if definitions[i] == full {
                (target + i).initialize(to: values[j])
                j &+= 1
            } else {
                (target + i).initialize(to: zero)
                validity!.clear(written &+ i)
            }
        }
    }
}

/// One validity for the whole column from the row groups' own.
private func mergeValidity(_ parts: [GroupPart], offsets: [Int], rows: Int) -> Validity? {
    guard parts.contains(where: { $0.validity != nil }) else { return nil }
    var merged = Validity(count: rows, allValid: true)
    for (j, part) in parts.enumerated() {
        guard let validity = part.validity else { continue }
        let base = offsets[j]
        for i in 0..<validity.count where !validity.isValid(i) { merged.clear(base &+ i) }
    }
    return merged
}

/// One dictionary from the row groups' interners, renumbering each group's codes. Only the
/// groups' distinct values are hashed, not their rows.
private func mergeDictionaries(_ parts: [GroupPart], offsets: [Int], codes: inout [Int32]) -> StringDictionary {
    guard parts.count > 1 else { return StringDictionary(parts.first?.interner?.strings ?? []) }
    let global = StringInterner()
    codes.withUnsafeMutableBufferPointer { codes in
        for (j, part) in parts.enumerated() {
            guard let interner = part.interner, interner.count > 0 else { continue }
            var mapping = [Int32](repeating: 0, count: interner.count)
            var identity = true
            for code in 0..<interner.count {
                let bytes = interner.bytes(code)
                mapping[code] = global.intern(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!, bytes.count)
                identity = identity && mapping[code] == Int32(code)
            }
            if identity { continue }
            mapping.withUnsafeBufferPointer { mapping in
                for i in offsets[j]..<offsets[j &+ 1] { codes[i] = mapping[Int(codes[i])] }
            }
        }
    }
    return StringDictionary(global.strings)
}
