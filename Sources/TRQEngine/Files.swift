import TRQFrame
import TRQLanguage
import TRQParquet

extension Session {
    /// `load "PATH" with ...`: one file, or a glob stacked by column name.
    func load(_ path: String, options: [Option], at: SourceLocation) throws(Diagnostic) -> Table {
        var csv = CSVOptions()
        csv.memoryLimit = settings.memoryLimit
        var request = LoadRequest(pattern: path)
        for option in options {
            switch option.name.lowercased() {
            case "format":
                guard case .literal(.string(let f), _) = option.value, let format = FileFormat(rawValue: f.lowercased()) else {
                    throw Diagnostic("format must be one of \(FileFormat.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))", at: option.value.location)
                }
                request.format = format
            case "spotify":
                guard case .literal(.bool(let b), _) = option.value else {
                    throw Diagnostic("spotify must be true or false", at: option.value.location)
                }
                request.spotify = b
            case "delimiter":
                guard case .literal(.string(let d), _) = option.value, let byte = delimiterByte(d) else {
                    throw Diagnostic("delimiter must be one character such as \",\", \";\", \"|\" or \"\\t\"", at: option.value.location)
                }
                csv.delimiter = byte
            case "header":
                guard case .literal(.bool(let b), _) = option.value else {
                    throw Diagnostic("header must be true or false", at: option.value.location)
                }
                csv.header = b
            case "encoding":
                guard case .literal(.string(let e), _) = option.value, let encoding = CSVEncoding(name: e) else { throw Diagnostic("encoding must be \"utf8\" or \"latin1\"", at: option.value.location) }
                csv.encoding = encoding
            case "nulls":
                guard case .list(let items, _) = option.value else {
                    throw Diagnostic("nulls must be a list of strings, e.g. [\"\", \"NA\"]", at: option.value.location)
                }
                var nulls: [String] = []
                for item in items {
                    guard case .literal(.string(let s), _) = item else { throw Diagnostic("nulls must be a list of strings", at: item.location) }
                    nulls.append(s)
                }
                csv.nulls = nulls
            case "types":
                guard case .map(let pairs, _) = option.value else {
                    throw Diagnostic("types must be a map such as { streams: int, key: string }", at: option.value.location)
                }
                for pair in pairs {
                    let typeName: String
                    switch pair.value {
                    case .column(let name, _), .literal(.string(let name), _): typeName = name
                    default: throw Diagnostic("type of '\(pair.key)' must be a type name", at: pair.value.location)
                    }
                    guard let type = DataType(rawValue: typeName.lowercased()) else {
                        throw Diagnostic("unknown type '\(typeName)'\(suggestion(for: typeName, in: DataType.allCases.map(\.rawValue)))", at: pair.value.location)
                    }
                    csv.types[pair.key] = type
                }
            default:
                let known = ["delimiter", "header", "encoding", "nulls", "types", "format", "spotify"]
                throw Diagnostic("unknown load option '\(option.name)'\(suggestion(for: option.name, in: known))", at: option.at)
            }
        }
        let warnings = CSVWarnings()
        csv.warnings = warnings
        defer { for message in warnings.messages { writeError("warning: \(message)\n") } }
        do {
            request.csv = csv
            return try FileLoader.load(request)
        } catch {
            throw error.isCancelled ? Diagnostic(FrameError.cancelled, at: at) : Diagnostic(error.description, at: at)
        }
    }

    private func delimiterByte(_ text: String) -> UInt8? {
        if text.lowercased() == "tab" { return UInt8(ascii: "\t") }
        let bytes = Array(text.utf8)
        return bytes.count == 1 ? bytes[0] : nil
    }

    /// `save "PATH" [with overwrite = false, compression = ...]`: the format follows the extension.
    func save(_ table: Table, to path: String, options: [Option], at: SourceLocation) throws(Diagnostic) {
        let isParquet = path.lowercased().hasSuffix(".parquet")
        var overwrite = true
        var compression = ParquetWriter.Compression.snappy
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
        let bytes: [UInt8]
        if isParquet {
            bytes = ParquetWriter.encode(table, compression: compression)
        } else {
            guard let format = TableFormat(path: path) else {
                throw Diagnostic("cannot tell the format of \"\(path)\" from its extension; use .csv, .tsv, .json, .md or .parquet", at: at)
            }
            bytes = TableWriter.encode(table, as: format)
        }
        do {
            try saveAtomically(bytes, to: path, overwrite: overwrite)
        } catch {
            throw Diagnostic("\(error)", at: at)
        }
        recordSavedTable(table, path: path)
        if settings.interactive { writeError("saved \(table.rowCount) rows to \(path)\n") }
    }
}
