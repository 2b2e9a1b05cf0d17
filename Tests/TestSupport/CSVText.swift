import Foundation

/// A CSV text as a header and rows of text fields (RFC 4180 quoting, LF line ends), parsed
/// independently of trq's reader and writers so that tests can check what those produce.
public struct CSVText: Sendable {
    public let header: [String]
    public let rows: [[String]]

    public init(_ text: String) {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending = iterator.next()
        while let c = pending {
            pending = iterator.next()
            if quoted {
                if c != "\"" {
                    field.unicodeScalars.append(c)
                } else if pending == "\"" {
                    field.unicodeScalars.append("\"")
                    pending = iterator.next()
                } else {
                    quoted = false
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\n" {
                rows.append(row + [field])
                row = []
                field = ""
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
        header = rows.first ?? []
        self.rows = Array(rows.dropFirst())
    }

    public init(path: String) throws {
        self.init(try String(contentsOfFile: path, encoding: .utf8))
    }

    /// The named column's fields ("" in rows too short to have it); empty if there is no such column.
    public func column(_ name: String) -> [String] {
        guard let i = header.firstIndex(of: name) else { return [] }
        return rows.map { i < $0.count ? $0[i] : "" }
    }

    /// Each row as a map from column name to field.
    public var records: [[String: String]] {
        rows.map { Dictionary(zip(header, $0), uniquingKeysWith: { a, _ in a }) }
    }
}
