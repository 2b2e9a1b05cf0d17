#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
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
        let rows = offsets[offsets.count &- 1]
        // Every column is sized from the footer's row counts before any page is read: counts no
        // memory could hold (a damaged footer) are an error, not an allocation that fails.
        let memory = Int(sysconf(Int32(_SC_PHYS_PAGES))) &* Int(sysconf(Int32(_SC_PAGESIZE)))
        guard rows >= 0, groups.allSatisfy({ metadata.rowGroups[$0].rowCount >= 0 }), rows <= memory / 8 / max(1, selected.count) else {
            throw ParquetError(file: path, message: "the footer gives \(rows) rows, more than this machine's memory could hold",
                               hint: "the file may be damaged; check that pyarrow or DuckDB can read it")
        }
        let outputs = selected.map { schema.columns[$0] }
        let types = selected.map { schema.types[$0] }

        // Every column's storage is allocated first; then each (row group, column) is a task that
        // decodes into its rows, so the tasks spread over the cores whatever the file's shape.
        // A flat string column's dictionary pages are read before its data pages, into one
        // interner for the column, so its data pages give the column's codes straight away.
        let tasks = groups.count &* outputs.count
        let strings = outputs.indices.filter { types[$0] == .string && !outputs[$0].isNested }
        let interners = outputs.indices.map { types[$0] == .string ? StringInterner() : nil }
        var parts = [Result<GroupPart, ParquetError>?](repeating: nil, count: tasks)
        var dictionaries = [StringDictionary?](repeating: nil, count: outputs.count)
        var given = [Values?](repeating: nil, count: tasks)
        let scratches = ScratchPool()
        let storage = allocateStorage(types, rows: rows) { addresses in
            parts.withUnsafeMutableBufferPointer { parts in
                given.withUnsafeMutableBufferPointer { given in
                    func decode(_ t: Int) {
                        let k = t % outputs.count, j = t / outputs.count
                        let scratch = scratches.take()
                        defer { scratches.give(scratch) }
                        parts[t] = Result { () throws(ParquetError) -> GroupPart in
                            try self.decodeGroup(outputs[k], group: groups[j], type: types[k], out: addresses[k], row: offsets[j],
                                                 rows: offsets[j &+ 1] &- offsets[j], dictionary: given[t], scratch: scratch, cancel: cancel)
                        }
                    }
                    // The larger chunks first, so that the last tasks of each pass are short and
                    // a core waits little for the other at its end.
                    func size(_ t: Int) -> Int64 {
                        let chunks = self.metadata.rowGroups[groups[t / outputs.count]].columns
                        return outputs[t % outputs.count].leaves.reduce(0) { $0 &+ (chunks[$1].metadata?.compressedSize ?? 0) }
                    }
                    let order = (0..<tasks).sorted { size($0) > size($1) }
                    // First the dictionaries (each column's in row-group order) with the other
                    // columns' tasks, then the string columns' tasks.
                    let others = order.filter { !strings.contains($0 % outputs.count) }
                    parallelFor(strings.count &+ others.count) { i in
                        guard i < strings.count else { return decode(others[i &- strings.count]) }
                        let k = strings[i]
                        let scratch = scratches.take()
                        defer { scratches.give(scratch) }
                        let leaf = outputs[k].leaves[0]
                        for j in groups.indices where !cancel.isCancelled {
                            // A dictionary that fails here is read again with its data pages,
                            // whose decoding reports the error with its place.
                            let decoder = ChunkDecoder(leaf: self.schema.leaves[leaf], chunk: self.metadata.rowGroups[groups[j]].columns[leaf].metadata!,
                                                       file: self.bytes, scratch: scratch, interner: interners[k]!)
                            given[j &* outputs.count &+ k] = try? decoder.readDictionary()
                        }
                    }
                    let stringTasks = order.filter { strings.contains($0 % outputs.count) }
                    parallelFor(stringTasks.count) { decode(stringTasks[$0]) }
                }
            }
            // Codes some row groups gave from their own interner (values outside the
            // dictionary, nested columns' JSON) renumbered into the column's (columns on all cores).
            dictionaries.withUnsafeMutableBufferPointer { dictionaries in
                parallelFor(outputs.count) { k in
                    guard let column = interners[k] else { return }
                    var locals: [GroupPart] = []
                    for j in groups.indices {
                        guard case .success(let part)? = parts[j &* outputs.count &+ k] else { return }
                        locals.append(part)
                    }
                    mergeLocalCodes(locals, into: column, offsets: offsets, codes: addresses[k].assumingMemoryBound(to: Int32.self))
                    // Null rows hold code 0, which must exist even when no row has a value.
                    dictionaries[k] = StringDictionary(column.count == 0 ? [""] : column.strings)
                }
            }
        }

        var table = Table()
        for k in outputs.indices {
            var decoded: [GroupPart] = []
            for j in groups.indices {
                switch parts[j &* outputs.count &+ k]! {
                case .success(let part): decoded.append(part)
                case .failure(let error): throw error
                }
            }
            let data: ColumnData
            switch (storage[k], types[k]) {
            case (.int64(let values), .int): data = .int(values)
            case (.int64(let values), _): data = .timestamp(values)
            case (.double(let values), _): data = .float(values)
            case (.bool(let values), _): data = .bool(values)
            case (.int32(let values), .date): data = .date(values)
            case (.int32(let codes), _): data = .string(codes: codes, dictionary: dictionaries[k]!)
            }
            let column = Column(data, validity: mergeValidity(decoded, offsets: offsets, rows: rows))
            do { try table.append(outputs[k].name, column) } catch { throw ParquetError(file: path, message: error.message) }
        }
        return table
    }

    /// One row group of one output column, written at `row` of `out`.
    /// `dictionary`: the chunk's dictionary page, already read into the column's interner.
    private func decodeGroup(_ output: OutputColumn, group g: Int, type: DataType, out: UnsafeMutableRawPointer, row: Int, rows: Int,
                             dictionary: Values?, scratch: PageScratch, cancel: CancellationToken) throws(ParquetError) -> GroupPart {
        if cancel.isCancelled { throw ParquetError.cancelled(file: path) }
        var currentLeaf = output.leaves[0]
        do throws(EncodingFailure) {
            if output.isNested {
                let interner = StringInterner()
                var streams: [LevelStream] = []
                for leaf in output.leaves {
                    currentLeaf = leaf
                    let decoder = ChunkDecoder(leaf: schema.leaves[leaf], chunk: metadata.rowGroups[g].columns[leaf].metadata!, file: bytes, scratch: scratch)
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
                return GroupPart(validity: validity.nullCount == 0 ? nil : validity, interner: interner, localRows: [0..<rows])
            }
            let decoder = ChunkDecoder(leaf: schema.leaves[currentLeaf], chunk: metadata.rowGroups[g].columns[currentLeaf].metadata!,
                                       file: bytes, scratch: scratch, dictionary: dictionary)
            let validity = try decoder.decodeFlat(into: out, at: row, rows: rows)
            return GroupPart(validity: validity, interner: decoder.interner, localRows: decoder.localRows)
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
    /// For string columns, the interner whose codes `localRows` (from the group's first row) hold.
    var interner: StringInterner
    var localRows: [Range<Int>]
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

/// Adds the values of the row groups' own interners to the column's, and renumbers the rows
/// that hold their codes in `codes` (the column). Only distinct values are hashed, not rows.
private func mergeLocalCodes(_ parts: [GroupPart], into column: StringInterner, offsets: [Int], codes: UnsafeMutablePointer<Int32>) {
    for (j, part) in parts.enumerated() where part.interner.count > 0 && !part.localRows.isEmpty {
        var identity = true
        let mapping = (0..<part.interner.count).map { code in
            let bytes = part.interner.bytes(code)
            let mapped = column.intern(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!, bytes.count)
            identity = identity && mapped == Int32(code)
            return mapped
        }
        if identity { continue }
        mapping.withUnsafeBufferPointer { mapping in
            for rows in part.localRows {
                for i in rows { codes[offsets[j] &+ i] = mapping[Int(codes[offsets[j] &+ i])] }
            }
        }
    }
}

/// Allocates each column's storage (`rows` values of its type, not initialized), lets `fill`
/// write it through the addresses, and returns it.
private func allocateStorage(_ types: [DataType], rows: Int, _ fill: ([UnsafeMutableRawPointer]) -> Void) -> [Values] {
    var addresses: [UnsafeMutableRawPointer] = []
    var made: [Values] = []
    // Each array is made inside the initializer of the one before, so all of them are there
    // while `fill` runs; the innermost (the last column) is finished first.
    func allocate(_ k: Int) {
        guard k < types.count else { return fill(addresses) }
        func array<T>(_: T.Type) -> [T] {
            [T](unsafeUninitializedCapacity: rows) { buffer, count in
                addresses.append(UnsafeMutableRawPointer(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<T>.alignment)!))
                // A column of 10M values otherwise takes 20k-80k faults of 4 KB pages.
                adviseHugePages(buffer)
                allocate(k &+ 1)
                count = rows
            }
        }
        switch types[k] {
        case .int, .timestamp: made.append(.int64(array(Int64.self)))
        case .float: made.append(.double(array(Double.self)))
        case .bool: made.append(.bool(array(Bool.self)))
        case .string, .date: made.append(.int32(array(Int32.self)))
        }
    }
    allocate(0)
    return made.reversed()
}

/// Scratch buffers for the decoding tasks: each task takes one and gives it back, so there are
/// about as many as threads and each is reused.
private final class ScratchPool: Sendable {
    private let free = Mutex<[PageScratch]>([])

    func take() -> PageScratch { free.withLock { $0.popLast() } ?? PageScratch() }

    func give(_ scratch: PageScratch) { free.withLock { $0.append(scratch) } }
}
