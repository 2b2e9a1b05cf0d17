/// A reader of one file format, the seam between `load` and the formats: the engine binds, plans
/// and explains a `load` through this protocol only, so a new format is one conforming type
/// listed in `SourceFormats.all` (TRQEngine, where every format's module is visible).
///
/// A source is opened on one file (`init`), says what it holds (`schema`) reading only what
/// that needs, and reads (`read`) only the requested columns, applying the pushed-down
/// predicates it can. Globs and stacking several files by column name are `SourceFiles`' job,
/// not the format's.
public protocol TableSource: Sendable {
    /// The name `with format = "..."` selects, e.g. "csv".
    static var formatName: String { get }
    /// File name endings (lower case, without the dot) read in this format, e.g. ["csv", "tsv"].
    static var fileExtensions: [String] { get }
    /// The `with` options this format accepts, with their help text.
    static var options: [SourceOptionSpec] { get }

    /// Which of a folder's or a zip archive's files (names below it, sorted) `load` of the folder
    /// reads in this format; empty when none.
    static func partFiles(_ names: [String]) -> [Int]

    /// Opens `file` with options already checked against `options` (see `SourceOptionSpec.check`).
    init(file: SourceFile, options: SourceOptions) throws(SourceError)

    /// The columns in file order. A type the format cannot tell without reading every value
    /// (CSV's inferred types) is nil.
    func schema() throws(SourceError) -> [SourceColumn]

    /// Reads what `request` asks for (see `ReadRequest`).
    func read(_ request: ReadRequest) throws(SourceError) -> SourceRead

    /// About how many bytes reading the whole file needs, to refuse a glob over the memory limit
    /// before anything is read; 0 when unknown.
    func estimatedMemory() -> Int

    /// How many of the file's blocks (Parquet row groups) a read with `predicates` skips without
    /// decoding them, out of how many, known before reading (for `explain`); nil when the format
    /// has no such blocks.
    func blocksSkipped(by predicates: [SourcePredicate]) -> (skipped: Int, total: Int)?
}

extension TableSource {
    public func estimatedMemory() -> Int { 0 }

    public func blocksSkipped(by predicates: [SourcePredicate]) -> (skipped: Int, total: Int)? { nil }

    /// Whether the name's extension (a trailing `.gz` looked through) is one of the format's.
    public static func hasExtension(_ name: String) -> Bool {
        var name = name.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        return fileExtensions.contains { name.hasSuffix("." + $0) }
    }

    /// The files with one of the format's extensions.
    public static func partFiles(_ names: [String]) -> [Int] {
        names.indices.filter { hasExtension(names[$0]) }
    }
}

/// Every source reports read failures located in the file: `file:line:column: message (hint: ...)`.
public typealias SourceError = CSVError

/// What to read of a file.
public struct ReadRequest: Sendable {
    /// The columns to read (nil: all). The table has them in the file's order; names the file
    /// lacks are left out.
    public var columns: [String]?
    /// A conjunction the source may apply while reading; `SourceRead.applied` says which it did
    /// (the caller applies the others).
    public var predicates: [SourcePredicate]
    /// Columns to read as text (a column stacked with a file where it is text).
    public var textColumns: Set<String>
    /// Other files are read at the same time: use one thread.
    public var oneThread: Bool
    /// Once set, the read stops with `SourceError.cancelled`.
    public var cancel: CancellationToken

    public init(columns: [String]? = nil, predicates: [SourcePredicate] = [], textColumns: Set<String> = [],
                oneThread: Bool = false, cancel: CancellationToken = CancellationToken()) {
        self.columns = columns
        self.predicates = predicates
        self.textColumns = textColumns
        self.oneThread = oneThread
        self.cancel = cancel
    }
}

/// A column as a source describes it before reading.
public struct SourceColumn: Sendable, Equatable {
    public var name: String
    /// nil: known only once read.
    public var type: DataType?
    public init(name: String, type: DataType?) {
        self.name = name
        self.type = type
    }
}

/// What `read` returns: the table, and which of the pushed predicates (by index) it applied.
public struct SourceRead: Sendable {
    public var table: Table
    public var applied: Set<Int>
    public init(table: Table, applied: Set<Int>) {
        self.table = table
        self.applied = applied
    }
}

/// One option a format accepts: `with NAME = VALUE`.
public struct SourceOptionSpec: Sendable {
    public enum Kind: Sendable, Equatable {
        case string, bool, stringList
        /// `{ column: type, ... }`
        case typeMap
    }

    public var name: String
    public var kind: Kind
    /// What a value must be, for the error: "NAME must be EXPECTED".
    public var expected: String
    /// One line for `.help load`, with the default.
    public var help: String
    /// A further check of a value of the right kind.
    public var check: @Sendable (SourceOptionValue) -> Bool

    public init(_ name: String, _ kind: Kind, expected: String, help: String,
                check: @escaping @Sendable (SourceOptionValue) -> Bool = { _ in true }) {
        self.name = name
        self.kind = kind
        self.expected = expected
        self.help = help
        self.check = check
    }
}

/// An option's value, of its spec's kind.
public enum SourceOptionValue: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    case stringList([String])
    case typeMap([SourceColumn])
}

/// The options given to one `load`, by lower-case name, plus the session's memory limit.
public struct SourceOptions: Sendable {
    public var values: [String: SourceOptionValue]
    /// Bytes a load may need before it is refused; nil: no limit.
    public var memoryLimit: Int?
    /// Receives what a read changed without failing (renamed repeated column names).
    public var warnings: CSVWarnings?
    public init(_ values: [String: SourceOptionValue] = [:], memoryLimit: Int? = nil, warnings: CSVWarnings? = nil) {
        self.values = values
        self.memoryLimit = memoryLimit
        self.warnings = warnings
    }
}
