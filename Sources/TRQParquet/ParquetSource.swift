import TRQFrame

/// Parquet files as a `load` source: the schema comes from the footer, a read decodes only the
/// requested columns of the row groups whose statistics (min, max, null count) do not rule out
/// a pushed predicate, then keeps the rows that pass the predicates. Folders of part files,
/// Hive partitions and globs are `SourceFiles`' (see `partFiles`).
public struct ParquetSource: TableSource {
    public static let formatName = "parquet"
    public static let fileExtensions = ["parquet", "parq"]
    public static let options: [SourceOptionSpec] = []

    let file: ParquetFile

    public init(file: SourceFile, options: SourceOptions) throws(SourceError) {
        do { self.file = try ParquetFile(file) } catch { throw error.sourceError }
    }

    public func schema() throws(SourceError) -> [SourceColumn] {
        zip(file.schema.columns, file.schema.types).map { SourceColumn(name: $0.name, type: $1) }
    }

    public func read(_ request: ReadRequest) throws(SourceError) -> SourceRead {
        if request.cancel.isCancelled { throw SourceError.cancelled(file: file.path) }
        var table: Table
        do { table = try file.read(columns: request.columns, predicates: request.predicates, cancel: request.cancel) } catch { throw error.sourceError }
        // Typed values cannot be read again as text: they are made text.
        for name in request.textColumns {
            if let column = table.column(name), let text = try? column.widened(to: .string) { try? table.set(name, text) }
        }
        do {
            return try SourcePredicate.apply(request.predicates, to: table)
        } catch {
            throw error.isCancelled ? SourceError.cancelled(file: file.path) : SourceError(file: file.path, message: error.message)
        }
    }

    /// The file's bytes plus eight bytes a value.
    public func estimatedMemory() -> Int {
        let values = file.metadata.rowGroups.reduce(0) { sum, group in
            group.columns.reduce(sum) { $0 &+ Int($1.metadata?.valueCount ?? 0) }
        }
        return file.bytes.count &+ values &* 8
    }

    public func blocksSkipped(by predicates: [SourcePredicate]) -> (skipped: Int, total: Int)? {
        let total = file.metadata.rowGroups.count
        return (total &- file.groups(passing: predicates).count, total)
    }
}

extension ParquetError {
    /// The error as every source reports one: the column and row group lead the message.
    var sourceError: SourceError {
        if isCancelled { return SourceError.cancelled(file: file) }
        var place: [String] = []
        if let column { place.append("column '\(column)'") }
        if let rowGroup { place.append("row group \(rowGroup)") }
        return SourceError(file: file, message: (place.isEmpty ? "" : place.joined(separator: ", ") + ": ") + message, hint: hint)
    }
}
