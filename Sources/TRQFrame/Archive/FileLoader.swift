/// The file formats `load` reads by content.
public enum FileFormat: String, Sendable, CaseIterable {
    case csv, json, ndjson

    /// The format a path's extension names, `.gz` aside; nil for an unknown extension.
    public init?(path: String) {
        var lower = path.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") {
            self = .csv
        } else if let json = JSONReader.format(ofPath: lower) {
            self = json == .json ? .json : .ndjson
        } else {
            return nil
        }
    }
}

/// What `load` reads: a path or glob (which may reach into zip archives), how to read it, and
/// which columns the query needs (nil = all).
public struct LoadRequest: Sendable {
    public var pattern: String
    /// nil: each file's extension decides (CSV for unknown ones).
    public var format: FileFormat?
    public var csv: CSVOptions
    public var columns: Set<String>?
    /// Maps Spotify export files to the export schema (see `SpotifyExport`).
    public var spotify: Bool

    public init(pattern: String, format: FileFormat? = nil, csv: CSVOptions = CSVOptions(),
                columns: Set<String>? = nil, spotify: Bool = true) {
        self.pattern = pattern
        self.format = format
        self.csv = csv
        self.columns = columns
        self.spotify = spotify
    }
}

/// Reads the files of a `LoadRequest` and stacks them by column name.
public enum FileLoader {
    public static func load(_ request: LoadRequest) throws(CSVError) -> Table {
        let lower = request.pattern.lowercased()
        let plainCSV = (request.format ?? FileFormat(path: lower) ?? .csv) == .csv
            && !lower.hasSuffix(".gz") && !lower.contains(".zip") && !SourceFile.isFolder(request.pattern)
        if plainCSV { return try CSVReader.load(request.pattern, options: request.csv) }
        let files = try SourceFile.expand(request.pattern, choose: SpotifyExport.historyFiles)
        var tables: [Table] = []
        var mapped: [Bool] = []
        for file in files {
            let (table, isSpotify) = try read(file, request, text: [])
            tables.append(table)
            mapped.append(isSpotify)
        }
        if tables.count == 1 { return tables[0] }
        let plan = TableStacker.plan(tables)
        for (index, columns) in plan.rereads {
            if mapped[index] {
                for name in columns {
                    if let column = tables[index].column(name), let text = try? column.widened(to: .string) {
                        try? tables[index].set(name, text)
                    }
                }
            } else {
                tables[index] = try read(files[index], request, text: Set(columns)).table
            }
        }
        var stacked = try TableStacker.stack(tables, plan: plan)
        if let columns = request.columns {
            for name in stacked.names where !columns.contains(name) { stacked.remove(name) }
        }
        return stacked
    }

    /// One file as a table, and whether it was mapped as a Spotify export file. `text`: columns
    /// to read as text (stacking with a file where they are text).
    private static func read(_ file: SourceFile, _ request: LoadRequest, text: Set<String>) throws(CSVError) -> (table: Table, isSpotify: Bool) {
        let input = try file.open()
        let format = request.format ?? FileFormat(path: file.innerName) ?? .csv
        switch format {
        case .csv:
            var options = request.csv
            for name in text { options.types[name] = .string }
            return (try CSVReader.read(bytes: input.bytes, name: file.name, options: options), false)
        case .json, .ndjson:
            let layout: JSONFormat = format == .json ? .json : .ndjson
            // Spotify files are small; they are read whole so their keys can be recognised.
            let raw = try JSONReader.parse(input.bytes, name: file.name, format: layout,
                                           columns: request.spotify ? nil : request.columns, text: text, chunks: nil)
            if request.spotify, let mapped = SpotifyExport.map(raw) { return (mapped, true) }
            guard let columns = request.columns else { return (raw, false) }
            var projected = raw
            for name in projected.names where !columns.contains(name) { projected.remove(name) }
            return (projected, false)
        }
    }
}
