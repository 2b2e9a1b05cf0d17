import Synchronization

/// How the bytes of a CSV file are turned into text.
public enum CSVEncoding: String, Sendable, CaseIterable {
    case utf8, latin1

    /// Accepts the spellings users type: "utf8", "UTF-8", "latin1", "latin-1", "iso-8859-1".
    public init?(name: String) {
        switch name.lowercased().filter({ $0 != "-" && $0 != "_" }) {
        case "utf8": self = .utf8
        case "latin1", "iso88591", "l1": self = .latin1
        default: return nil
        }
    }
}

/// Options of `load`. The defaults read a comma-, tab-, semicolon- or pipe-separated file with a
/// header row, inferring every column's type from all of its values.
public struct CSVOptions: Sendable {
    /// The field separator; nil detects it from the first lines (see `CSVReader`).
    public var delimiter: UInt8?
    /// Whether the first row names the columns. Without a header they are `column1` ... `columnN`.
    public var header: Bool
    public var encoding: CSVEncoding
    /// Unquoted fields equal to one of these are null. A quoted field is never null, except that
    /// `""` in a column that is not a string column is null (it has no other meaning there).
    public var nulls: [String]
    /// Forces the type of the named columns; a value that does not fit is an error.
    public var types: [String: DataType]
    /// Refuses to load when the estimated memory need (bytes) is above this.
    public var memoryLimit: Int?
    /// Receives what the load changed without failing (renamed repeated column names).
    public var warnings: CSVWarnings?

    public static let defaultNulls = ["", "NA", "N/A", "null", "NULL"]

    public init(
        delimiter: UInt8? = nil, header: Bool = true, encoding: CSVEncoding = .utf8,
        nulls: [String] = CSVOptions.defaultNulls, types: [String: DataType] = [:],
        memoryLimit: Int? = nil, warnings: CSVWarnings? = nil
    ) {
        self.delimiter = delimiter
        self.header = header
        self.encoding = encoding
        self.nulls = nulls
        self.types = types
        self.memoryLimit = memoryLimit
        self.warnings = warnings
    }
}

/// Collects a load's warnings for the caller to show; files of a glob may add from several threads.
public final class CSVWarnings: Sendable {
    private let collected = Mutex<[String]>([])

    public init() {}

    /// Each warning starts with the file's name.
    public var messages: [String] { collected.withLock { $0 } }

    func add(_ message: String) { collected.withLock { $0.append(message) } }

    /// The warnings collected so far, each once (a header read for the schema and again for the
    /// rows warns twice), and forgets them.
    public func drain() -> [String] {
        let all = collected.withLock { messages in
            defer { messages.removeAll() }
            return messages
        }
        var seen = Set<String>()
        return all.filter { seen.insert($0).inserted }
    }
}

/// A load failure, located as precisely as known: `file:line:column: message (hint: ...)`.
/// `line` is the physical line in the file (1-based; a line break inside a quoted field counts),
/// `column` the 1-based field number within the row.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String
    public var hint: String?
    /// The load stopped because its cancellation token was set (Ctrl-C), not because the file is bad.
    public private(set) var isCancelled = false

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    /// The error a reader or source throws when its cancellation token is set.
    public static func cancelled(file: String) -> CSVError {
        var error = CSVError(file: file, message: "cancelled")
        error.isCancelled = true
        return error
    }

    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": " + message
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}
