import TRQFrame
import TRQParquet

/// The formats `load` knows, in the order a folder or archive tries them; a new format is one
/// `TableSource` added here (this module sees every format's).
enum SourceFormats {
    static let all: [any TableSource.Type] = [ParquetSource.self, JSONSource.self, NDJSONSource.self, CSVSource.self]

    /// The format named by `with format = NAME`.
    static func named(_ name: String) -> (any TableSource.Type)? {
        all.first { $0.formatName == name.lowercased() }
    }

    /// The format of a path by its extension (a trailing `.gz` is looked through); CSV when no
    /// format claims it, as any text file may be delimited.
    static func forPath(_ path: String) -> any TableSource.Type {
        all.first { $0.hasExtension(path) } ?? CSVSource.self
    }

    /// The files `load PATTERN` reads and their format: `format` when given, else the first
    /// file's extension. A folder or a zip archive reads the files of the first format that has
    /// part files in it (Parquet parts, a Spotify streaming history, NDJSON, CSV), or of `format`.
    static func expand(_ pattern: String, format: (any TableSource.Type)?) throws(SourceError) -> (files: [SourceFile], format: any TableSource.Type) {
        let files = try SourceFile.expand(pattern) { (names, place) throws(SourceError) -> [Int] in
            for candidate in format.map({ [$0] }) ?? all {
                let chosen = candidate.partFiles(names)
                if !chosen.isEmpty { return chosen }
            }
            let what = format.map { "no \($0.formatName) files" }
                ?? "no files trq reads (Parquet parts, a Spotify streaming history, JSON, NDJSON or CSV files)"
            throw SourceError(file: place, message: "has \(what)",
                              hint: "to read other files in it, name them, e.g. load \"\(place)/*.csv\" or \"\(place)/FOLDER/*.json\"")
        }
        guard let first = files.first else { throw SourceError(file: pattern, message: "no files to load") }
        return (files, format ?? forPath(first.innerName))
    }
}
