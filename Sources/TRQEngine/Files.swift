import TRQFrame
import TRQLanguage
import TRQParquet

extension Session {
    /// `save "PATH" [with overwrite = false, compression = ...]`: the format follows the extension.
    func save(_ table: Table, to path: String, options: [Option], at: SourceLocation) throws(Diagnostic) {
        let saving = try SaveOptions(options, path: path)
        let parts: [[UInt8]]
        if saving.isParquet {
            parts = ParquetWriter.encodeParts(table, compression: saving.compression)
        } else {
            guard let format = TableFormat(path: path) else {
                throw Diagnostic("cannot tell the format of \"\(path)\" from its extension; use .csv, .tsv, .json, .ndjson, .md or .parquet", at: at)
            }
            parts = [TableWriter.encode(table, as: format)]
        }
        do {
            try saveAtomically(parts: parts, to: path, overwrite: saving.overwrite)
        } catch {
            throw Diagnostic("\(error)", at: at)
        }
        recordSavedTable(table, path: path)
        if settings.interactive { writeError("saved \(table.rowCount) rows to \(path)\n") }
    }
}

/// `save`'s options, checked the same way whichever engine writes.
package struct SaveOptions {
    /// Whether an existing target is replaced (the default) or is an error.
    package var overwrite = true
    var compression = ParquetWriter.Compression.snappy
    /// The Parquet codec's name: "snappy", "zstd", "gzip" or "none".
    package var compressionName: String { compression.rawValue }
    /// The target is a Parquet file (the only format with a compression option).
    let isParquet: Bool

    package init(_ options: [Option], path: String) throws(Diagnostic) {
        isParquet = path.lowercased().hasSuffix(".parquet")
        for option in options {
            switch option.name.lowercased() {
            case "overwrite":
                guard case .literal(.bool(let b), _) = option.value else {
                    throw Diagnostic("overwrite must be true or false", at: option.value.location)
                }
                overwrite = b
            case "compression" where isParquet:
                let names = ParquetWriter.Compression.allCases.map(\.rawValue)
                guard case .literal(.string(let name), _) = option.value, let c = ParquetWriter.Compression(rawValue: name.lowercased()) else {
                    throw Diagnostic("compression must be one of " + names.map { "\"\($0)\"" }.joined(separator: ", "), at: option.value.location)
                }
                compression = c
            default:
                let known = isParquet ? ["overwrite", "compression"] : ["overwrite"]
                throw Diagnostic("unknown save option '\(option.name)'\(suggestion(for: option.name, in: known))", at: option.at)
            }
        }
    }
}
