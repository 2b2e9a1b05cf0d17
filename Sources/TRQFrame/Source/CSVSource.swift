/// CSV and other delimited text (see `CSVReader` for the dialect and type inference).
public struct CSVSource: TableSource {
    public static let formatName = "csv"
    public static let fileExtensions = ["csv", "tsv", "txt"]
    public static let options: [SourceOptionSpec] = [
        SourceOptionSpec("delimiter", .string, expected: "one character such as \",\", \";\", \"|\" or \"\\t\"",
                         help: "the field separator, one character or \"tab\" (sniffed from , ; tab | when absent)") {
            if case .string(let text) = $0 { delimiterByte(text) != nil } else { false }
        },
        SourceOptionSpec("header", .bool, expected: "true or false",
                         help: "whether the first row names the columns (true); without one they are column1, column2, ..."),
        SourceOptionSpec("encoding", .string, expected: "\"utf8\" or \"latin1\"", help: "\"utf8\" (default) or \"latin1\"") {
            if case .string(let name) = $0 { CSVEncoding(name: name) != nil } else { false }
        },
        SourceOptionSpec("nulls", .stringList, expected: "a list of strings, e.g. [\"\", \"NA\"]",
                         help: "the texts that mean null (default [\"\", \"NA\", \"N/A\", \"null\", \"NULL\"])"),
        SourceOptionSpec("types", .typeMap, expected: "a map such as { streams: int, key: string }",
                         help: "column types instead of inferred ones, e.g. { streams: int, key: string }"),
    ]

    public let file: SourceFile
    public let csv: CSVOptions

    public init(file: SourceFile, options: SourceOptions) {
        var csv = CSVOptions(memoryLimit: options.memoryLimit, warnings: options.warnings)
        for (name, value) in options.values {
            switch (name, value) {
            case ("delimiter", .string(let text)): csv.delimiter = Self.delimiterByte(text)
            case ("header", .bool(let header)): csv.header = header
            case ("encoding", .string(let encoding)): csv.encoding = CSVEncoding(name: encoding) ?? .utf8
            case ("nulls", .stringList(let nulls)): csv.nulls = nulls
            case ("types", .typeMap(let columns)):
                for column in columns { csv.types[column.name] = column.type }
            default: break
            }
        }
        self.init(file: file, options: csv)
    }

    public init(file: SourceFile, options: CSVOptions) {
        self.file = file
        csv = options
    }

    /// The names from the first row; a type only where `types` gives it (inference reads every row).
    public func schema() throws(SourceError) -> [SourceColumn] {
        let input = try file.open()
        defer { withExtendedLifetime(input) {} }
        return try CSVReader.columnNames(input.bytes, name: file.name, options: csv).map { SourceColumn(name: $0, type: csv.types[$0]) }
    }

    public func read(_ request: ReadRequest) throws(SourceError) -> SourceRead {
        if request.cancel.isCancelled { throw SourceError.cancelled(file: file.name) }
        var options = csv
        for name in request.textColumns { options.types[name] = .string }
        let columns = request.columns.map(Set.init)
        // A file on disk is mapped and parsed in parallel; a decompressed one is parsed from memory.
        let table: Table
        if let path = file.diskPath {
            table = try CSVReader.read(path: path, options: options, chunks: request.oneThread ? 1 : nil, columns: columns)
        } else {
            let input = try file.open()
            defer { withExtendedLifetime(input) {} }
            table = try CSVReader.read(bytes: input.bytes, name: file.name, options: options, columns: columns)
        }
        do {
            return try SourcePredicate.apply(request.predicates, to: table)
        } catch {
            throw error.isCancelled ? CSVError.cancelled(file: file.name) : CSVError(file: file.name, message: error.message)
        }
    }

    public func estimatedMemory() -> Int {
        guard let input = try? file.open() else { return 0 }
        defer { withExtendedLifetime(input) {} }
        return CSVReader.estimateMemory(input.bytes, name: file.name, options: csv)
    }

    static func delimiterByte(_ text: String) -> UInt8? {
        if text.lowercased() == "tab" { return UInt8(ascii: "\t") }
        let bytes = Array(text.utf8)
        return bytes.count == 1 ? bytes[0] : nil
    }
}

extension CSVReader {
    /// Reads a path or glob pattern (`"data/*.csv"`); several files are stacked (see `SourceFiles`).
    public static func load(_ pattern: String, options: CSVOptions = CSVOptions()) throws(CSVError) -> Table {
        try read(paths: SourceFiles.expandGlob(pattern), options: options)
    }

    /// Reads several files and stacks them by column name (see `SourceFiles`).
    public static func read(paths: [String], options: CSVOptions = CSVOptions()) throws(CSVError) -> Table {
        guard !paths.isEmpty else { throw CSVError(file: "", message: "no files to load") }
        let files = paths.map { SourceFile.onDisk($0) }
        let stacked = try SourceFiles(files: files, sources: files.map { CSVSource(file: $0, options: options) }, memoryLimit: options.memoryLimit)
        return try stacked.read(columns: nil, predicates: [], cancel: CancellationToken()).table
    }
}
