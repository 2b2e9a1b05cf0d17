/// Hive partition folders (`year=2023/month=07/part-0.parquet`): the keys in order of first
/// appearance, each a column of one type inferred from all its values (int, float, bool, date,
/// else string; `__HIVE_DEFAULT_PARTITION__` is null), whatever the files' format.
struct Partitions: Sendable {
    var keys: [String] = []
    var types: [DataType] = []
    /// values[file][key]: the folder's text, nil when absent or the Hive null marker.
    var values: [[String?]] = []

    init(_ relativePaths: [String]) {
        var perFile: [[String: String]] = []
        for relative in relativePaths {
            var pairs: [String: String] = [:]
            for component in relative.split(separator: "/").dropLast() {
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
        if texts.allSatisfy({ dateDays($0) != nil }) { return .date }
        return .string
    }

    /// The key's value repeated for the file's rows.
    func column(_ k: Int, file: Int, rows: Int) -> Column {
        guard let text = values[file][k] else { return Column.nulls(types[k], count: rows) }
        switch types[k] {
        case .int: return Column(.int([Int64](repeating: Int64(text)!, count: rows)))
        case .float: return Column(.float([Double](repeating: Double(text)!, count: rows)))
        case .bool: return Column(.bool([Bool](repeating: text.lowercased() == "true", count: rows)))
        case .date: return Column(.date([Int32](repeating: dateDays(text)!, count: rows)))
        default: return Column(.string(codes: [Int32](repeating: 0, count: rows), dictionary: StringDictionary([text])))
        }
    }

    /// Whether the file's partition value fails the predicate, so none of its rows pass; nil
    /// when the predicate is not on a key or cannot be decided here (see `SourcePredicate`).
    func excludes(file: Int, _ predicate: SourcePredicate) -> Bool? {
        guard let k = keys.firstIndex(of: predicate.column),
              let rows = try? predicate.selection(in: column(k, file: file, rows: 1)) else { return nil }
        return rows.selectedCount == 0
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
private func dateDays(_ text: String) -> Int32? {
    if case .date(let days)? = parseISO8601(text) { return days }
    return nil
}
