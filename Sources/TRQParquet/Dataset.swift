#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TRQFrame

/// Reads Parquet files: one file, a glob, or a folder of part files with Hive partitions.
public enum ParquetReader {
    /// Reads `pattern` (a file, a glob, or a folder whose `*.parquet` files below it are read,
    /// `key=value` folders becoming typed columns). Only `columns` are decoded (nil: all), and
    /// row groups whose statistics rule out a predicate are skipped; the caller still filters.
    public static func load(_ pattern: String, columns: [String]? = nil, predicates: [ParquetPredicate] = []) throws(ParquetError) -> (Table, ParquetScanReport) {
        let files = try listFiles(pattern)
        let partitions = Partitions(files)
        var report = ParquetScanReport()
        var tables: [Table] = []
        let filePredicates = predicates.filter { !partitions.keys.contains($0.column) }
        for (i, file) in files.enumerated() {
            if partitions.excludes(file: i, predicates) {
                report.files &+= 1
                continue
            }
            let parquet = try ParquetFile(path: file.path)
            var table = try parquet.read(columns: columns, predicates: filePredicates, report: &report)
            let rows = parquet.metadata.rowGroups.isEmpty ? 0 : table.rowCount
            for (k, key) in partitions.keys.enumerated() where columns?.contains(key) ?? true {
                do { try table.append(key, partitions.column(k, file: i, rows: table.columnCount == 0 ? rows : table.rowCount)) } catch {
                    throw ParquetError(file: file.path, message: "partition column '\(key)' clashes with a column of the file")
                }
            }
            tables.append(table)
        }
        report.columnsRead = tables.first?.names ?? []
        guard !tables.isEmpty else { return (Table(), report) }
        do {
            return (try Table.stackedByName(tables, files: files.map(\.path)), report)
        } catch {
            throw ParquetError(file: pattern, message: error.message)
        }
    }

    /// The column names and types of the first file (with the partition columns), reading only
    /// footers.
    public static func schema(_ pattern: String) throws(ParquetError) -> [(name: String, type: DataType)] {
        let files = try listFiles(pattern)
        let parquet = try ParquetFile(path: files[0].path)
        let partitions = Partitions(files)
        return zip(parquet.schema.columns.map(\.name), parquet.schema.types).map { ($0, $1) }
            + partitions.keys.indices.map { (partitions.keys[$0], partitions.types[$0]) }
    }

    public static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    struct File {
        var path: String
        /// The path's part below the folder or glob prefix, where `key=value` folders count.
        var relative: String
    }

    static func listFiles(_ pattern: String) throws(ParquetError) -> [File] {
        if isFolder(pattern) {
            var found: [String] = []
            collect(pattern, into: &found)
            guard !found.isEmpty else {
                throw ParquetError(file: pattern, message: "folder has no .parquet files", hint: "check the folder; hidden files and those starting with _ are skipped")
            }
            let prefix = pattern.hasSuffix("/") ? pattern : pattern + "/"
            return found.sorted().map { File(path: $0, relative: String($0.dropFirst(prefix.count))) }
        }
        let paths: [String]
        do { paths = try SourceFiles.expandGlob(pattern) } catch { throw ParquetError(file: pattern, message: error.message, hint: error.hint) }
        let wildcard = pattern.firstIndex { "*?[{".contains($0) }
        let fixed = wildcard.map { String(pattern[..<$0]) } ?? pattern
        let base = fixed.lastIndex(of: "/").map { fixed[...$0].count } ?? 0
        return paths.map { File(path: $0, relative: wildcard == nil ? "" : String($0.dropFirst(base))) }
    }

    private static func collect(_ folder: String, into found: inout [String]) {
        guard let dir = opendir(folder) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            // Spark and Hive leave _SUCCESS, _metadata and .crc files beside the parts.
            if name.hasPrefix(".") || name.hasPrefix("_") { continue }
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                collect(path, into: &found)
            } else if name.hasSuffix(".parquet") || name.hasSuffix(".parq") {
                found.append(path)
            }
        }
    }
}

/// Hive partition folders (`year=2023/month=07/part-0.parquet`): the keys in order of first
/// appearance, each with one type inferred from all its values.
struct Partitions {
    var keys: [String] = []
    var types: [DataType] = []
    /// values[file][key]: the folder's text, nil when absent or the Hive null marker.
    var values: [[String?]] = []

    init(_ files: [ParquetReader.File]) {
        var perFile: [[String: String]] = []
        for file in files {
            var pairs: [String: String] = [:]
            for component in file.relative.split(separator: "/").dropLast() {
                guard let eq = component.firstIndex(of: "="), eq != component.startIndex else { continue }
                let key = String(component[..<eq])
                if !keys.contains(key) { keys.append(key) }
                pairs[key] = percentDecoded(String(component[component.index(after: eq)...]))
            }
            perFile.append(pairs)
        }
        values = perFile.map { pairs in keys.map { key in pairs[key].flatMap { $0 == "__HIVE_DEFAULT_PARTITION__" ? nil : $0 } } }
        types = keys.indices.map { k in Partitions.inferType(values.compactMap { $0[k] }) }
    }

    private static func inferType(_ texts: [String]) -> DataType {
        if texts.allSatisfy({ Int64($0) != nil }) { return .int }
        if texts.allSatisfy({ Double($0) != nil }) { return .float }
        if texts.allSatisfy({ ["true", "false"].contains($0.lowercased()) }) { return .bool }
        if texts.allSatisfy({ parseDateText($0) != nil }) { return .date }
        return .string
    }

    func value(_ k: Int, file: Int) -> Value {
        guard let text = values[file][k] else { return .null }
        switch types[k] {
        case .int: return .int(Int64(text)!)
        case .float: return .float(Double(text)!)
        case .bool: return .bool(text.lowercased() == "true")
        case .date: return .date(parseDateText(text)!)
        default: return .string(text)
        }
    }

    /// The key's value repeated for the file's rows.
    func column(_ k: Int, file: Int, rows: Int) -> Column {
        let value = value(k, file: file)
        switch value {
        case .null: return Column.nulls(types[k], count: rows)
        case .int(let v): return Column(.int([Int64](repeating: v, count: rows)))
        case .float(let v): return Column(.float([Double](repeating: v, count: rows)))
        case .bool(let v): return Column(.bool([Bool](repeating: v, count: rows)))
        case .date(let v): return Column(.date([Int32](repeating: v, count: rows)))
        case .string(let s): return Column(.string(codes: [Int32](repeating: 0, count: rows), dictionary: StringDictionary([s])))
        case .timestamp(let v): return Column(.timestamp([Int64](repeating: v, count: rows)))
        }
    }

    /// Whether a predicate on a partition key rules out the whole file.
    func excludes(file: Int, _ predicates: [ParquetPredicate]) -> Bool {
        predicates.contains { p in
            guard let k = keys.firstIndex(of: p.column) else { return false }
            let v = value(k, file: file)
            return RangeCheck(min: v, max: v, nullCount: v.isNull ? 1 : 0, rows: 1).excludes(p)
        }
    }
}

private func percentDecoded(_ text: String) -> String {
    guard text.contains("%") else { return text }
    var bytes: [UInt8] = []
    var utf8 = Array(text.utf8)[...]
    while let b = utf8.popFirst() {
        if b == UInt8(ascii: "%"), utf8.count >= 2, let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
            bytes.append(v)
            utf8 = utf8.dropFirst(2)
        } else {
            bytes.append(b)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// `YYYY-MM-DD` as days since 1970.
private func parseDateText(_ text: String) -> Int32? {
    if case .date(let days)? = parsedTime(text) { return days }
    return nil
}
