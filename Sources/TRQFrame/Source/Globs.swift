import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The formats `load` knows; a new one is added here.
public enum SourceFormats {
    public static let all: [any TableSource.Type] = [CSVSource.self]

    /// The format named by `with format = NAME`.
    public static func named(_ name: String) -> (any TableSource.Type)? {
        all.first { $0.formatName == name.lowercased() }
    }

    /// The format of a path by its extension (a trailing `.gz` is looked through); CSV when no
    /// format claims it, as any text file may be delimited.
    public static func forPath(_ path: String) -> any TableSource.Type {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        let ext = name.split(separator: "/").last.flatMap { $0.contains(".") ? $0.split(separator: ".").last : nil }.map(String.init)
        return all.first { format in ext.map { format.fileExtensions.contains($0) } ?? false } ?? CSVSource.self
    }
}

/// The files of one `load`: a path or glob, opened in one format. Reading several files stacks
/// them by column name: the columns are the union of the files' columns in order of first
/// appearance, a column a file lacks is null in its rows, and each column has the widest type
/// of its files (a column with no values in a file does not count); files whose column must
/// become text are read again with that column as text.
public struct SourceFiles: Sendable {
    public let format: any TableSource.Type
    public let paths: [String]
    let sources: [any TableSource]
    let memoryLimit: Int?

    /// Opens each file (see `expandGlob`) in `format`.
    public init(paths: [String], format: any TableSource.Type, options: SourceOptions) throws(SourceError) {
        var sources: [any TableSource] = []
        for path in paths { sources.append(try format.init(path: path, options: options)) }
        self.init(paths: paths, sources: sources, memoryLimit: options.memoryLimit)
    }

    init(paths: [String], sources: [any TableSource], memoryLimit: Int?) {
        self.paths = paths
        self.sources = sources
        self.memoryLimit = memoryLimit
        format = type(of: sources[0])
    }

    /// The columns of the stacked table; a type that differs between files, or is unknown in
    /// one, is nil unless ints and floats widen to float.
    public func schema() throws(SourceError) -> [SourceColumn] {
        var columns: [SourceColumn] = []
        var position: [String: Int] = [:]
        for source in sources {
            for column in try source.schema() {
                guard let i = position[column.name] else {
                    position[column.name] = columns.count
                    columns.append(column)
                    continue
                }
                let (a, b) = (columns[i].type, column.type)
                if a != b { columns[i].type = (a == .int && b == .float) || (a == .float && b == .int) ? .float : nil }
            }
        }
        return columns
    }

    /// Reads `columns` (nil: all) of every file, stacked. Predicates are pushed into a single
    /// file's read; over several files they apply to the stacked table (a column's type is known
    /// only once every file is read).
    public func read(columns: [String]?, predicates: [SourcePredicate], cancel: CancellationToken) throws(SourceError) -> SourceRead {
        if sources.count == 1 {
            return try sources[0].read(ReadRequest(columns: columns, predicates: predicates, cancel: cancel))
        }
        if let memoryLimit {
            let need = sources.reduce(0) { $0 &+ $1.estimatedMemory() }
            if need > memoryLimit {
                throw SourceError(file: paths[0], message: "loading these \(paths.count) files needs about \(CSVReader.formatBytes(need)), more than the memory limit of \(CSVReader.formatBytes(memoryLimit))",
                                  hint: "raise it with `trq --memory-limit SIZE`, or load fewer files")
            }
        }
        var tables = try readEach(columns: columns, cancel: cancel)
        let plan = TableStacker.plan(tables)
        for (file, textColumns) in plan.rereads {
            tables[file] = try sources[file].read(ReadRequest(columns: columns, textColumns: Set(textColumns), cancel: cancel)).table
        }
        let stacked = try TableStacker.stack(tables, plan: plan)
        do {
            return try SourcePredicate.apply(predicates, to: stacked)
        } catch {
            throw error == .cancelled ? SourceError.cancelled(file: paths[0]) : SourceError(file: paths[0], message: error.message)
        }
    }

    /// Small files are read on parallel threads, one file each; large ones one after another,
    /// each reading in parallel itself.
    private func readEach(columns: [String]?, cancel: CancellationToken) throws(SourceError) -> [Table] {
        var sizes: [Int] = []
        for path in paths {
            var info = stat()
            sizes.append(stat(path, &info) == 0 ? Int(info.st_size) : 0)
        }
        if sizes.reduce(0, +) / paths.count >= 8 << 20 {
            var tables: [Table] = []
            for source in sources { tables.append(try source.read(ReadRequest(columns: columns, cancel: cancel)).table) }
            return tables
        }
        let results = UnsafeMutableBufferPointer<Result<Table, SourceError>?>.allocate(capacity: sources.count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let box = UncheckedSendable(results)
        let sources = self.sources
        DispatchQueue.concurrentPerform(iterations: sources.count) { i in
            box.value[i] = Result { () throws(SourceError) -> Table in
                try sources[i].read(ReadRequest(columns: columns, oneThread: true, cancel: cancel)).table
            }
        }
        var tables: [Table] = []
        for result in results { tables.append(try result!.get()) }
        return tables
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
