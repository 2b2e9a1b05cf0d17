import Synchronization

/// JSON files: an array of objects, or one object (see `JSONReader` for the rules).
public struct JSONSource: JSONLayoutSource {
    public static let formatName = "json"
    public static let fileExtensions = ["json"]
    static let layout = JSONFormat.json
    let reader: JSONFileReader
    init(reader: JSONFileReader) { self.reader = reader }

    /// Spotify's streaming history files, when a folder or archive has them.
    public static func partFiles(_ names: [String]) -> [Int] { SpotifyExport.historyFiles(names) }
}

/// NDJSON files: one object per line (see `JSONReader`).
public struct NDJSONSource: JSONLayoutSource {
    public static let formatName = "ndjson"
    public static let fileExtensions = ["ndjson", "jsonl"]
    static let layout = JSONFormat.ndjson
    let reader: JSONFileReader
    init(reader: JSONFileReader) { self.reader = reader }
}

/// What JSON and NDJSON share: one reader, differing only in the layout.
protocol JSONLayoutSource: TableSource {
    static var layout: JSONFormat { get }
    var reader: JSONFileReader { get }
    init(reader: JSONFileReader)
}

extension JSONLayoutSource {
    public static var options: [SourceOptionSpec] {
        [SourceOptionSpec("spotify", .bool, expected: "true or false",
                          help: "map Spotify's streaming history files to one schema (true); false keeps the raw keys")]
    }

    public init(file: SourceFile, options: SourceOptions) {
        var spotify = true
        if case .bool(let b)? = options.values["spotify"] { spotify = b }
        self.init(reader: JSONFileReader(file: file, layout: Self.layout, spotify: spotify))
    }

    public func schema() throws(SourceError) -> [SourceColumn] { try reader.schema() }
    public func read(_ request: ReadRequest) throws(SourceError) -> SourceRead { try reader.read(request) }
    public func estimatedMemory() -> Int { reader.estimatedMemory() }
}

/// Reads one JSON or NDJSON file. The columns and their types need every record (the union of
/// keys, whole-input type inference), so the first `schema()` of a file parses it whole and
/// keeps the table for the read that follows; the schema is remembered for the file as it is
/// (size and time of change), so later loads of it (and completion) parse only the requested
/// columns. A Spotify history file is parsed whole, then mapped.
final class JSONFileReader: Sendable {
    let file: SourceFile
    let layout: JSONFormat
    let spotify: Bool
    private let parsed = Mutex<Parsed?>(nil)

    struct Parsed: Sendable {
        var table: Table
        var isSpotify: Bool
    }

    struct KnownSchema: Sendable {
        var version: [Int]
        var columns: [SourceColumn]
        var isSpotify: Bool
    }

    /// Schemas of files read before, by name and options.
    private static let known = Mutex<[String: KnownSchema]>([:])

    init(file: SourceFile, layout: JSONFormat, spotify: Bool) {
        self.file = file
        self.layout = layout
        self.spotify = spotify
    }

    private var key: String { "\(layout.rawValue) \(spotify) \(file.name)" }

    private func remembered() -> KnownSchema? {
        guard let version = file.version, let schema = Self.known.withLock({ $0[key] }), schema.version == version else { return nil }
        return schema
    }

    func schema() throws(SourceError) -> [SourceColumn] {
        if let schema = remembered() { return schema.columns }
        let whole = try parse(columns: nil, text: [], chunks: nil)
        let columns = zip(whole.table.names, whole.table.columns).map { SourceColumn(name: $0, type: $1.type) }
        if let version = file.version {
            Self.known.withLock { $0[key] = KnownSchema(version: version, columns: columns, isSpotify: whole.isSpotify) }
        }
        parsed.withLock { $0 = whole }
        return columns
    }

    func read(_ request: ReadRequest) throws(SourceError) -> SourceRead {
        if request.cancel.isCancelled { throw SourceError.cancelled(file: file.name) }
        let isSpotify = spotify && remembered()?.isSpotify != false
        var result: Parsed
        if !request.textColumns.isEmpty && !isSpotify {
            result = try parse(columns: request.columns.map(Set.init), text: request.textColumns, chunks: request.oneThread ? 1 : nil)
        } else if let kept = parsed.withLock({ kept in defer { kept = nil }; return kept }) {
            result = kept
        } else {
            result = try parse(columns: request.columns.map(Set.init), text: [], chunks: request.oneThread ? 1 : nil)
        }
        // A mapped file's column cannot be parsed again as text: its values are made text.
        if result.isSpotify {
            for name in request.textColumns {
                if let column = result.table.column(name), let text = try? column.widened(to: .string) { try? result.table.set(name, text) }
            }
        }
        if let columns = request.columns {
            for name in result.table.names where !columns.contains(name) { result.table.remove(name) }
        }
        do {
            return try SourcePredicate.apply(request.predicates, to: result.table)
        } catch {
            throw error.isCancelled ? SourceError.cancelled(file: file.name) : SourceError(file: file.name, message: error.message)
        }
    }

    /// The text and the columns built from it: about twice the file's size (eight times a
    /// compressed file's).
    func estimatedMemory() -> Int {
        if let size = file.size { return size &* 2 }
        return (file.version?[0] ?? 0) &* 8
    }

    private func parse(columns: Set<String>?, text: Set<String>, chunks: Int?) throws(SourceError) -> Parsed {
        let input = try file.open()
        defer { withExtendedLifetime(input) {} }
        // Spotify's files are small; they are read whole so that their keys can be recognised.
        let mayBeSpotify = spotify && remembered()?.isSpotify != false
        let raw = try JSONReader.parse(input.bytes, name: file.name, format: layout, columns: mayBeSpotify ? nil : columns, text: text, chunks: chunks)
        if mayBeSpotify, let mapped = SpotifyExport.map(raw) { return Parsed(table: mapped, isSpotify: true) }
        return Parsed(table: raw, isSpotify: false)
    }
}
