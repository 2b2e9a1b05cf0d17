import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of one `load` (see `SourceFile.expand`), opened in one format. Reading several
/// files stacks them by column name: the columns are the union of the files' columns in order
/// of first appearance, a column a file lacks is null in its rows, and each column has the
/// widest type of its files (a column with no values in a file does not count); files whose
/// column must become text are read again with that column as text. Hive partition folders
/// (`year=2023/part-0.parquet`) add typed columns after the files' own, and a pushed predicate
/// on one skips the files it rules out.
public struct SourceFiles: Sendable {
    public let format: any TableSource.Type
    public let files: [SourceFile]
    let sources: [any TableSource]
    let partitions: Partitions

    /// Opens each file in `format`; refuses files that together need more than the memory limit.
    public init(files: [SourceFile], format: any TableSource.Type, options: SourceOptions) throws(SourceError) {
        guard !files.isEmpty else { throw SourceError(file: "", message: "no files to load") }
        var sources: [any TableSource] = []
        for file in files { sources.append(try format.init(file: file, options: options)) }
        try self.init(files: files, sources: sources, memoryLimit: options.memoryLimit)
    }

    init(files: [SourceFile], sources: [any TableSource], memoryLimit: Int?) throws(SourceError) {
        self.files = files
        self.sources = sources
        format = type(of: sources[0])
        partitions = Partitions(files.map(\.relative))
        guard let memoryLimit else { return }
        let need = sources.reduce(0) { $0 &+ $1.estimatedMemory() }
        guard need > memoryLimit else { return }
        let what = files.count == 1 ? "loading" : "loading these \(files.count) files"
        throw SourceError(file: files[0].name, message: "\(what) needs about \(CSVReader.formatBytes(need)), more than the memory limit of \(CSVReader.formatBytes(memoryLimit))",
                          hint: files.count == 1 ? "raise it with `trq --memory-limit SIZE`, or split the file and load the parts you need"
                              : "raise it with `trq --memory-limit SIZE`, or load fewer files")
    }

    /// The files' names, as errors and `explain` show them.
    public var paths: [String] { files.map(\.name) }

    /// The columns of the stacked table, partition columns last; a type that differs between
    /// files, or is unknown in one, is nil unless ints and floats widen to float.
    public func schema() throws(SourceError) -> [SourceColumn] {
        // One file's names are unique already: no index by name (a header may have a million).
        if sources.count == 1 && partitions.keys.isEmpty { return try sources[0].schema() }
        var columns: [SourceColumn] = []
        var position: [String: Int] = [:]
        for (f, source) in sources.enumerated() {
            for column in try source.schema() {
                if partitions.keys.contains(column.name) {
                    throw SourceError(file: files[f].name, message: "partition column '\(column.name)' clashes with a column of the file",
                                      hint: "rename the folder or the column")
                }
                guard let i = position[column.name] else {
                    position[column.name] = columns.count
                    columns.append(column)
                    continue
                }
                let (a, b) = (columns[i].type, column.type)
                if a != b { columns[i].type = (a == .int && b == .float) || (a == .float && b == .int) ? .float : nil }
            }
        }
        return columns + zip(partitions.keys, partitions.types).map { SourceColumn(name: $0, type: $1) }
    }

    /// Reads `columns` (nil: all) of every file, stacked, with the predicates applied where a
    /// file can: pushed into every file's read when its column has one known type in all files
    /// (else applied to the stacked table, a column's type being known only once every file is
    /// read); a predicate on a partition column skips whole files. A predicate counts as applied
    /// when every file applied it.
    public func read(columns: [String]?, predicates: [SourcePredicate], cancel: CancellationToken) throws(SourceError) -> SourceRead {
        // Bound as current so that the readers' parsers and kernels see it too.
        try cancel.whileCurrent { () throws(SourceError) in try readStacked(columns: columns, predicates: predicates, cancel: cancel) }
    }

    private func readStacked(columns: [String]?, predicates: [SourcePredicate], cancel: CancellationToken) throws(SourceError) -> SourceRead {
        let stacked = sources.count == 1 ? [] : try schema()
        var pushed: [Int] = []
        var onPartitions: [Int] = []
        var later: [Int] = []
        for (i, predicate) in predicates.enumerated() {
            if partitions.keys.contains(predicate.column) {
                onPartitions.append(i)
            } else if sources.count == 1 || stacked.contains(where: { $0.name == predicate.column && $0.type != nil }) {
                pushed.append(i)
            } else {
                later.append(i)
            }
        }
        var applied = Set(pushed).union(onPartitions)
        var chosen: [Int] = []
        for f in files.indices {
            var excluded = false
            for i in onPartitions {
                switch partitions.excludes(file: f, predicates[i]) {
                case true?: excluded = true
                case false?: break
                case nil: applied.remove(i)
                }
            }
            if !excluded { chosen.append(f) }
        }
        let fileColumns = columns?.filter { !partitions.keys.contains($0) }
        let filePredicates = pushed.map { predicates[$0] }
        var reads = try readEach(chosen, columns: fileColumns, predicates: filePredicates, cancel: cancel)
        for read in reads { applied.subtract(pushed.indices.filter { !read.applied.contains($0) }.map { pushed[$0] }) }
        var tables: [Table] = []
        for (k, read) in reads.enumerated() { tables.append(try withPartitions(read.table, file: chosen[k], columns: columns)) }
        reads.removeAll()
        if tables.isEmpty { return SourceRead(table: try emptyTable(columns: columns), applied: applied) }
        if tables.count == 1 && later.isEmpty { return SourceRead(table: tables[0], applied: applied) }
        let plan = TableStacker.plan(tables)
        for (k, textColumns) in plan.rereads {
            let read = try sources[chosen[k]].read(ReadRequest(columns: fileColumns, predicates: filePredicates,
                                                               textColumns: Set(textColumns), cancel: cancel))
            tables[k] = try withPartitions(read.table, file: chosen[k], columns: columns)
        }
        let table = try TableStacker.stack(tables, plan: plan)
        do {
            let rest = try SourcePredicate.apply(later.map { predicates[$0] }, to: table)
            return SourceRead(table: rest.table, applied: applied.union(rest.applied.map { later[$0] }))
        } catch {
            throw error.isCancelled ? SourceError.cancelled(file: files[0].name) : SourceError(file: files[0].name, message: error.message)
        }
    }

    /// How many files a predicate on a partition column rules out, and the blocks (Parquet row
    /// groups) the files skip by their statistics, from what the files hold before reading.
    public func skips(_ predicates: [SourcePredicate]) -> (files: Int, blocks: (skipped: Int, total: Int)?) {
        var excludedFiles = 0
        var blocks: (skipped: Int, total: Int)?
        let filePredicates = predicates.filter { !partitions.keys.contains($0.column) }
        for f in files.indices {
            if predicates.contains(where: { partitions.excludes(file: f, $0) == true }) {
                excludedFiles &+= 1
                continue
            }
            if let counts = sources[f].blocksSkipped(by: filePredicates) {
                blocks = ((blocks?.skipped ?? 0) &+ counts.skipped, (blocks?.total ?? 0) &+ counts.total)
            }
        }
        return (excludedFiles, blocks)
    }

    /// The file's table with its partition columns (those requested) after its own columns; a
    /// table that had a column only to carry its row count keeps just the requested ones.
    private func withPartitions(_ table: Table, file f: Int, columns: [String]?) throws(SourceError) -> Table {
        guard !partitions.keys.isEmpty else { return table }
        var table = table
        for (k, key) in partitions.keys.enumerated() where columns?.contains(key) ?? true {
            do { try table.append(key, partitions.column(k, file: f, rows: table.rowCount)) } catch {
                throw SourceError(file: files[f].name, message: "partition column '\(key)' clashes with a column of the file")
            }
        }
        if let columns, table.names.contains(where: columns.contains) {
            for name in table.names where !columns.contains(name) { table.remove(name) }
        }
        return table
    }

    /// No rows (every file ruled out), with the columns and types the schema knows.
    private func emptyTable(columns: [String]?) throws(SourceError) -> Table {
        var table = Table()
        for column in try schema() where columns?.contains(column.name) ?? true {
            try? table.append(column.name, Column.nulls(column.type ?? .string, count: 0))
        }
        return table
    }

    /// Small files are read on parallel threads, one file each; large ones one after another,
    /// each reading in parallel itself.
    private func readEach(_ chosen: [Int], columns: [String]?, predicates: [SourcePredicate], cancel: CancellationToken) throws(SourceError) -> [SourceRead] {
        let sizes = chosen.map { files[$0].size ?? files[$0].version?[0] ?? 0 }
        guard chosen.count > 1, sizes.reduce(0, +) / chosen.count < 8 << 20 else {
            var reads: [SourceRead] = []
            for f in chosen { reads.append(try sources[f].read(ReadRequest(columns: columns, predicates: predicates, cancel: cancel))) }
            return reads
        }
        let results = UnsafeMutableBufferPointer<Result<SourceRead, SourceError>?>.allocate(capacity: chosen.count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let box = UncheckedSendable(results)
        let sources = self.sources
        parallelFor(chosen.count) { k in
            box.value[k] = Result { () throws(SourceError) -> SourceRead in
                try sources[chosen[k]].read(ReadRequest(columns: columns, predicates: predicates, oneThread: true, cancel: cancel))
            }
        }
        var reads: [SourceRead] = []
        for result in results { reads.append(try result!.get()) }
        return reads
    }

    /// The files matching a glob pattern (`*`, `?`, `[...]`, `{a,b}`; a leading `~/` is the home
    /// folder), sorted, folders left out. A pattern without wildcards is returned as is, so a
    /// missing file is reported when it is opened.
    public static func expandGlob(_ pattern: String) throws(SourceError) -> [String] {
        var pattern = pattern
        if pattern == "~" || pattern.hasPrefix("~/"), let home = getenv("HOME") {
            pattern = String(cString: home) + pattern.dropFirst()
        }
        guard pattern.contains(where: { "*?[{".contains($0) }) else { return [pattern] }
        var matches = glob_t()
        defer { globfree(&matches) }
        let status = glob(pattern, GLOB_BRACE, nil, &matches)
        var paths: [String] = []
        if status == 0 {
            for i in 0..<Int(matches.gl_pathc) {
                if let p = matches.gl_pathv[i] { paths.append(String(cString: p)) }
            }
        }
        paths = paths.filter { !isDirectory($0) }.sorted()
        guard !paths.isEmpty else {
            throw SourceError(file: pattern, message: status == 0 || status == GLOB_NOMATCH ? "no files match" : "cannot list the files that match",
                              hint: "check the folder and the pattern; `*` does not match `/`")
        }
        return paths
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}
