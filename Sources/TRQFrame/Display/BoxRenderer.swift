// The interactive table display, modelled on DuckDB's shell: a Unicode box with each column's
// name and type, numbers right-aligned, long tables elided in the middle, wide tables losing
// their middle columns, and a footer with the table's shape.

/// Renders `table` as a box at most `maxWidth` terminal columns wide (when at all possible).
///
/// - Rows: all when `rowCount <= maxRows` (or `maxRows < 0`); otherwise the first
///   `(maxRows + 1) / 2` and the last `maxRows / 2`, with a `⋮` row between them.
/// - Columns: long text is truncated with `…` down to `minimumColumnWidth`; if the box is still
///   too wide, middle columns are replaced by a single `…` column.
/// - Cells: `NULL` for nulls; floats with at most 6 significant digits (see `boxText(_:)`);
///   control characters in strings escaped (`\n`, `\t`, `\u{1B}`) so rows stay on one line.
/// - Footer: `N rows  M columns`, with `(K shown)` after whichever part was elided.
/// - `rowCount`, when `table` holds only the result's first rows (a remote engine sends only
///   those shown): the result's row count; the first `maxRows` rows are shown, then `⋮`.
public func renderBox(_ table: Table, maxRows: Int, maxWidth: Int, rowCount: Int? = nil) -> String {
    let rows = rowCount == nil ? shownRows(count: table.rowCount, maxRows: maxRows)
        : (head: Array(0..<(maxRows < 0 ? table.rowCount : min(table.rowCount, maxRows))), tail: [])
    let total = rowCount ?? table.rowCount
    let elidesRows = rows.head.count &+ rows.tail.count < total

    // A shown column takes at least 4 characters, so at most maxWidth / 4 columns from either
    // end can be shown: a wide table formats only those.
    let edge = max(maxWidth, 0) / 4 &+ 1
    let candidates = table.columnCount > 2 &* edge
        ? Array(0..<edge) + Array((table.columnCount &- edge)..<table.columnCount)
        : Array(0..<table.columnCount)
    var columns: [BoxColumn] = []
    columns.reserveCapacity(candidates.count)
    for c in candidates {
        let name = table.names[c]
        let column = table.columns[c]
        let head = rows.head.map { boxCellText(column, $0) }
        let tail = rows.tail.map { boxCellText(column, $0) }
        columns.append(BoxColumn(
            name: escapingControlCharacters(name), type: column.type.rawValue,
            rightAligned: column.type == .int || column.type == .float, head: head, tail: tail))
    }

    let layout = fitColumns(columns.map(\.naturalWidth), maxWidth: maxWidth)
    var shown = layout.shown.map { columns[$0] }
    for (i, width) in layout.widths.enumerated() { shown[i].width = width }
    if let at = layout.ellipsisAt {
        shown.insert(BoxColumn.ellipsis(rows: rows), at: at)
    }

    var rowPart = "\(total) \(total == 1 ? "row" : "rows")"
    if elidesRows { rowPart += " (\(rows.head.count &+ rows.tail.count) shown)" }
    var columnPart = "\(table.columnCount) \(table.columnCount == 1 ? "column" : "columns")"
    if layout.ellipsisAt != nil { columnPart += " (\(layout.shown.count) shown)" }
    var footer = [rowPart + "  " + columnPart]

    // The footer spans the whole box: split it, then widen the last column, if it does not fit.
    var inner = shown.isEmpty ? displayWidth(footer[0]) &+ 2 : innerWidth(shown)
    if displayWidth(footer[0]) &+ 2 > inner {
        footer = [rowPart, columnPart]
        let needed = max(displayWidth(rowPart), displayWidth(columnPart)) &+ 2
        if needed > inner {
            shown[shown.count &- 1].width &+= needed &- inner
            inner = needed
        }
    }

    var out = ""
    if shown.isEmpty {
        out += "┌" + horizontal(inner) + "┐\n"
    } else {
        out += border("┌", "┬", "┐", shown)
        out += line(shown.map { centered($0.name, $0.width) })
        out += line(shown.map { centered($0.type, $0.width) })
        if !rows.head.isEmpty || elidesRows { out += border("├", "┼", "┤", shown) }
        for r in 0..<rows.head.count { out += line(shown.map { $0.cell($0.head[r]) }) }
        if elidesRows { out += line(shown.map { centered("⋮", $0.width) }) }
        for r in 0..<rows.tail.count { out += line(shown.map { $0.cell($0.tail[r]) }) }
        out += border("├", "┴", "┤", shown)
    }
    for text in footer {
        out += "│ " + text + spaces(inner &- 2 &- displayWidth(text)) + " │\n"
    }
    out += "└" + horizontal(inner) + "┘\n"
    return out
}

/// Columns narrower than this are never truncated to make room; past that, columns are elided.
public let minimumColumnWidth = 16

/// A cell as the box shows it (see `renderBox`).
public func boxCellText(_ column: Column, _ row: Int) -> String {
    switch column[row] {
    case .null: "NULL"
    case .float(let v): boxText(v)
    case .string(let s): escapingControlCharacters(s)
    case let value: value.description
    }
}

/// A float for reading in a box: at most 6 significant digits (more only for a longer integer
/// part, which is kept whole), at least one decimal, rounded half up from the shortest
/// round-trip text. CSV and JSON output keep the full shortest round-trip text instead.
public func boxText(_ v: Double) -> String {
    let text = formatDouble(v)
    guard v.isFinite else { return text }
    var mantissa = Substring(text)
    var exponent = ""
    if let e = text.firstIndex(of: "e") {
        mantissa = text[..<e]
        exponent = String(text[e...])
    }
    var sign = ""
    if mantissa.hasPrefix("-") {
        sign = "-"
        mantissa = mantissa.dropFirst()
    }
    guard let point = mantissa.firstIndex(of: ".") else { return text }
    let integer = mantissa[..<point]
    let fraction = Array(mantissa[mantissa.index(after: point)...].utf8)
    let decimals: Int
    if integer != "0" {
        decimals = max(1, 6 &- integer.count)
    } else {
        let leadingZeros = fraction.prefix { $0 == UInt8(ascii: "0") }.count
        decimals = leadingZeros &+ 6
    }
    guard fraction.count > decimals else { return text }

    var digits = Array(integer.utf8) + fraction.prefix(decimals)
    if fraction[decimals] >= UInt8(ascii: "5") {
        var i = digits.count &- 1
        while i >= 0, digits[i] == UInt8(ascii: "9") {
            digits[i] = UInt8(ascii: "0")
            i &-= 1
        }
        if i >= 0 { digits[i] &+= 1 } else { digits.insert(UInt8(ascii: "1"), at: 0) }
    }
    var fractionDigits = digits.suffix(decimals)
    while fractionDigits.count > 1, fractionDigits.last == UInt8(ascii: "0") { fractionDigits.removeLast() }
    let integerDigits = digits.prefix(digits.count &- decimals)
    return sign + String(decoding: integerDigits, as: UTF8.self) + "."
        + String(decoding: fractionDigits, as: UTF8.self) + exponent
}

/// `text` with control characters written as escapes, so that it stays on one line.
public func escapingControlCharacters(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return text }
    var result = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}

private struct BoxColumn {
    var name: String
    var type: String
    var rightAligned: Bool
    var head: [String]
    var tail: [String]
    var width = 0

    var naturalWidth: Int {
        var w = max(displayWidth(name), displayWidth(type))
        for text in head { w = max(w, displayWidth(text)) }
        for text in tail { w = max(w, displayWidth(text)) }
        return max(w, 1)
    }

    func cell(_ text: String) -> String {
        let fitted = truncated(text, toWidth: width)
        let padding = spaces(width &- displayWidth(fitted))
        return rightAligned ? padding + fitted : fitted + padding
    }

    static func ellipsis(rows: (head: [Int], tail: [Int])) -> BoxColumn {
        BoxColumn(name: "…", type: "", rightAligned: false,
                  head: rows.head.map { _ in "…" }, tail: rows.tail.map { _ in "…" }, width: 1)
    }
}

private func shownRows(count: Int, maxRows: Int) -> (head: [Int], tail: [Int]) {
    if maxRows < 0 || count <= maxRows { return (Array(0..<count), []) }
    let headCount = (maxRows &+ 1) / 2
    let tailCount = maxRows / 2
    return (Array(0..<headCount), Array((count &- tailCount)..<count))
}

/// Each column takes its width plus a space either side and one border; plus the closing border.
private func boxWidth(_ widths: some Sequence<Int>) -> Int {
    widths.reduce(1) { $0 &+ $1 &+ 3 }
}

private func innerWidth(_ columns: [BoxColumn]) -> Int {
    boxWidth(columns.map(\.width)) &- 2
}

/// Chooses which columns to show and how wide, so the box fits in `maxWidth` if possible:
/// first truncate wide columns (not below `minimumColumnWidth`), then drop middle columns,
/// taking columns alternately from the left and the right edge.
private func fitColumns(_ natural: [Int], maxWidth: Int) -> (shown: [Int], widths: [Int], ellipsisAt: Int?) {
    guard !natural.isEmpty else { return ([], [], nil) }
    let capped = natural.map { max(1, min($0, maxWidth &- 4)) }
    let minimal = capped.map { min($0, minimumColumnWidth) }

    var shown = Array(natural.indices)
    var ellipsisAt: Int?
    if boxWidth(minimal) > maxWidth {
        let ellipsisWidth = 4
        var left: [Int] = []
        var right: [Int] = []
        var used = 1 &+ ellipsisWidth
        var lo = 0
        var hi = natural.count &- 1
        var takeLeft = true
        while lo <= hi {
            let next = takeLeft ? lo : hi
            guard used &+ minimal[next] &+ 3 <= maxWidth else { break }
            used &+= minimal[next] &+ 3
            if takeLeft { left.append(lo); lo &+= 1 } else { right.insert(hi, at: 0); hi &-= 1 }
            takeLeft.toggle()
        }
        if left.isEmpty { left = [0] }
        shown = left + right
        ellipsisAt = left.count
    }

    var widths = shown.map { capped[$0] }
    let floor = shown.map { minimal[$0] }
    let extra = ellipsisAt == nil ? 0 : 4
    var excess = boxWidth(widths) &+ extra &- maxWidth
    while excess > 0 {
        // Narrow the widest column that is still above its floor.
        var widest = -1
        for i in widths.indices where widths[i] > floor[i] && (widest < 0 || widths[i] > widths[widest]) { widest = i }
        guard widest >= 0 else { break }
        widths[widest] &-= 1
        excess &-= 1
    }
    if excess > 0, shown.count == 1 {
        widths[0] = max(1, widths[0] &- excess)
    }
    return (shown, widths, ellipsisAt)
}

private func spaces(_ n: Int) -> String {
    n > 0 ? String(repeating: " ", count: n) : ""
}

private func horizontal(_ n: Int) -> String {
    String(repeating: "─", count: max(0, n))
}

private func centered(_ text: String, _ width: Int) -> String {
    let fitted = truncated(text, toWidth: width)
    let room = width &- displayWidth(fitted)
    return spaces(room / 2) + fitted + spaces(room &- room / 2)
}

private func border(_ left: String, _ middle: String, _ right: String, _ columns: [BoxColumn]) -> String {
    left + columns.map { horizontal($0.width &+ 2) }.joined(separator: middle) + right + "\n"
}

private func line(_ cells: [String]) -> String {
    "│ " + cells.joined(separator: " │ ") + " │\n"
}
