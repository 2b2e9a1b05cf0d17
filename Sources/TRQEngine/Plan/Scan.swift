import TRQFrame
import TRQLanguage

/// Where rows come from: files through a `TableSource` format, or a table in memory (a bound
/// name, `_`, or the result of a step such as `classify`).
package struct Scan: Sendable {
    package enum Origin: Sendable {
        case files(SourceFiles, pattern: String)
        case table(Table, name: String)
        /// Files the connected engine reads (Spark); nothing was opened here.
        case remote(RemoteSource)
    }

    /// A condition pushed into the read: the source applies it while reading when it can, and
    /// the executor applies `expr` to what the source did not.
    package struct PushedFilter: Sendable {
        package var predicate: SourcePredicate
        package var expr: Expr
    }

    package var origin: Origin
    /// The whole source's columns.
    package var sourceSchema: Schema
    /// The columns read, in the source's order; nil: all (projection pushdown narrows it).
    package var columns: [String]?
    package var filters: [PushedFilter] = []
    package var at: SourceLocation

    package var schema: Schema {
        guard let columns else { return sourceSchema }
        return Schema(sourceSchema.columns.filter { columns.contains($0.name) })
    }

    /// The columns of the read, narrowed to `needed` plus the pushed filters' columns (keeping
    /// the source's order); at least one column, so that the rows are still counted.
    func reading(_ needed: Set<String>) -> Scan {
        var copy = self
        let wanted = filters.reduce(into: needed) { $0.insert($1.predicate.column) }
        var kept = sourceSchema.names.filter { wanted.contains($0) }
        if kept.isEmpty, let first = sourceSchema.names.first { kept = [first] }
        copy.columns = kept
        return copy
    }

    /// `load "PATH" [with ...]`: opens the files (a glob, folder or archive expands now) and
    /// reads what the schema needs (a CSV header, a Parquet footer, a JSON file whole).
    static func load(_ pattern: String, options: [Option], at: SourceLocation, memoryLimit: Int?, warnings: CSVWarnings?) throws(Diagnostic) -> Scan {
        let named = try namedFormat(options)
        let expanded: (files: [SourceFile], format: any TableSource.Type)
        do { expanded = try SourceFormats.expand(pattern, format: named) } catch { throw Diagnostic(loadError: error, at: at) }
        let sourceOptions = try SourceOptionBinding.bind(options.filter { $0.name.lowercased() != "format" }, for: expanded.format,
                                                         memoryLimit: memoryLimit, warnings: warnings)
        do {
            let files = try SourceFiles(files: expanded.files, format: expanded.format, options: sourceOptions)
            return Scan(origin: .files(files, pattern: pattern), sourceSchema: Schema(try files.schema()), at: at)
        } catch {
            throw Diagnostic(loadError: error, at: at)
        }
    }

    /// `load "PATH" [with ...]` where the engine reads the files: the format from `with format`
    /// or the extension, the options checked as for a local load, the columns the engine's.
    static func remote(_ pattern: String, options: [Option], at: SourceLocation,
                       schema: (RemoteSource, SourceLocation) throws(Diagnostic) -> [SourceColumn]) throws(Diagnostic) -> Scan {
        let format = try namedFormat(options) ?? SourceFormats.forPath(pattern.hasSuffix("/") ? String(pattern.dropLast()) : pattern)
        let bound = try SourceOptionBinding.bind(options.filter { $0.name.lowercased() != "format" }, for: format, memoryLimit: nil, warnings: nil)
        let source = RemoteSource(pattern: pattern, format: format.formatName, options: bound.values)
        return Scan(origin: .remote(source), sourceSchema: Schema(try schema(source, at)), at: at)
    }

    /// The format `with format = NAME` names, if given.
    private static func namedFormat(_ options: [Option]) throws(Diagnostic) -> (any TableSource.Type)? {
        guard let option = options.first(where: { $0.name.lowercased() == "format" }) else { return nil }
        var names: [String] = []
        for format in SourceFormats.all { names.append(format.formatName) }
        guard case .literal(.string(let name), _) = option.value else {
            throw Diagnostic("format must be one of \(names.map { "\"\($0)\"" }.joined(separator: ", "))", at: option.value.location, kind: .bind)
        }
        guard let named = SourceFormats.named(name) else {
            throw Diagnostic("unknown format \"\(name)\"", at: option.value.location, kind: .bind,
                             hint: nearestName(to: name, in: names).map { "did you mean \"\($0)\"?" } ?? "the formats are \(names.joined(separator: ", "))")
        }
        return named
    }

    package static func table(_ table: Table, name: String, at: SourceLocation) -> Scan {
        Scan(origin: .table(table, name: name), sourceSchema: Schema(table), at: at)
    }
}

/// A `load` the connected engine reads: the pattern as written, the format's name ("csv",
/// "json", "ndjson", "parquet") and the options as checked.
package struct RemoteSource: Sendable, Equatable {
    package var pattern: String
    package var format: String
    package var options: [String: SourceOptionValue]

    package init(pattern: String, format: String, options: [String: SourceOptionValue]) {
        self.pattern = pattern
        self.format = format
        self.options = options
    }
}

extension Diagnostic {
    /// A source's error at the `load` that failed.
    init(loadError error: SourceError, at: SourceLocation) {
        if error.isCancelled {
            self.init(FrameError.cancelled, at: at)
        } else {
            self.init(error.description, at: at, kind: .io)
        }
    }
}
