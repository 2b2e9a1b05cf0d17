/// Lines of terminal cells with an optional colour per cell, measured in display columns
/// (East Asian wide characters and emoji take two).
struct TextGrid {
    struct Cell {
        /// Empty for the second column of a wide character.
        var text: String = " "
        var color: Int? = nil
        var bold = false
    }

    let width: Int
    private(set) var lines: [[Cell]] = []

    init(width: Int) { self.width = width }

    mutating func addLine() -> Int {
        lines.append(Array(repeating: Cell(), count: width))
        return lines.count - 1
    }

    mutating func addLine(_ text: String, bold: Bool = false) {
        let row = addLine()
        put(text, row: row, column: 0, bold: bold)
    }

    /// Writes `text` from `column`, clipped at the grid's width. Returns the column after it.
    @discardableResult
    mutating func put(_ text: String, row: Int, column: Int, color: Int? = nil, bold: Bool = false) -> Int {
        var col = column
        for ch in Self.sanitized(text) {
            let w = Self.displayWidth(ch)
            guard col >= 0, col + w <= width else { break }
            lines[row][col] = Cell(text: String(ch), color: color, bold: bold)
            if w == 2 { lines[row][col + 1] = Cell(text: "", color: color, bold: bold) }
            col += w
        }
        return col
    }

    mutating func set(row: Int, column: Int, _ text: String, color: Int? = nil) {
        guard row >= 0, row < lines.count, column >= 0, column < width else { return }
        lines[row][column] = Cell(text: text, color: color)
    }

    /// Lines joined by newlines (ending with one), without trailing blanks; ANSI SGR colours
    /// only when `color`.
    func render(color: Bool, palette: [Int]) -> String {
        var out = ""
        for line in lines {
            var end = line.count
            while end > 0, line[end - 1].text == " ", line[end - 1].color == nil || !color { end -= 1 }
            var active: (Int?, Bool) = (nil, false)
            for cell in line[..<end] {
                if color && (cell.color != active.0 || cell.bold != active.1) {
                    if active.0 != nil || active.1 { out += "\u{1B}[0m" }
                    if cell.bold { out += "\u{1B}[1m" }
                    if let c = cell.color { out += "\u{1B}[\(palette[c % palette.count])m" }
                    active = (cell.color, cell.bold)
                }
                out += cell.text
            }
            if color && (active.0 != nil || active.1) { out += "\u{1B}[0m" }
            out += "\n"
        }
        return out
    }

    static func displayWidth(_ text: String) -> Int {
        text.reduce(0) { $0 + displayWidth($1) }
    }

    static func displayWidth(_ ch: Character) -> Int {
        guard let v = ch.unicodeScalars.first?.value else { return 0 }
        if v < 0x1100 { return 1 }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF,
            0x20000...0x2FFFD, 0x30000...0x3FFFD,
        ]
        return wide.contains { $0.contains(v) } ? 2 : 1
    }

    /// Control characters would break the layout (or be interpreted by the terminal).
    static func sanitized(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) ? "\u{FFFD}" : scalar
        }))
    }

    /// `text` cut to `maxWidth` columns, ending in "…" when cut.
    static func truncated(_ text: String, to maxWidth: Int) -> String {
        let clean = sanitized(text)
        guard displayWidth(clean) > maxWidth else { return clean }
        guard maxWidth > 0 else { return "" }
        var result = ""
        var used = 0
        for ch in clean {
            let w = displayWidth(ch)
            if used + w > maxWidth - 1 { break }
            result.append(ch)
            used += w
        }
        return result + "…"
    }
}
