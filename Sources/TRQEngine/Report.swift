import Foundation
import TRQFrame
import TRQLanguage
import TRQPlot

/// The tables saved and the charts written in a session, which `.report PATH [TITLE]` gathers
/// into one self-contained HTML page: each chart's SVG inline, each table's first rows, a link
/// to every file, and the statement that made it. The page is written at once and rewritten
/// after each later script or shell line that saves or plots more, until `.report off`, so a
/// script can start with `.report` and a shell user can type it at the end.
struct ReportLog {
    /// Rows of a saved table shown on the page; the CSV link has the rest.
    static let shownRows = 20

    enum Entry {
        case table(TableEntry)
        case chart(ChartEntry)
    }

    struct TableEntry {
        var path: String
        var caption: Caption
        var head: Table
        var rowCount: Int
    }

    struct ChartEntry {
        /// One chart written to several files (an .svg and an .html of the same plot) is one entry.
        var paths: [String]
        var caption: Caption
        var svg: String
    }

    private(set) var entries: [Entry] = []
    /// Where the page goes, and its heading; nil until `.report PATH` (and after `.report off`).
    var page: (path: String, title: String)?
    /// Entries changed since the page was last written.
    var isStale = false

    mutating func recordTable(_ table: Table, path: String, caption: Caption) {
        forget(path)
        let head = table.rowCount > Self.shownRows ? table.take(Array(0..<Self.shownRows)) : table
        entries.append(.table(TableEntry(path: path, caption: caption, head: head, rowCount: table.rowCount)))
        isStale = true
    }

    mutating func recordChart(svg: String, path: String, caption: Caption) {
        forget(path)
        let same = entries.firstIndex { entry in
            if case .chart(let chart) = entry { chart.svg == svg } else { false }
        }
        if let same, case .chart(var chart) = entries[same] {
            chart.paths.append(path)
            entries[same] = .chart(chart)
        } else {
            entries.append(.chart(ChartEntry(paths: [path], caption: caption, svg: svg)))
        }
        isStale = true
    }

    /// A file written again replaces what the page showed for it.
    private mutating func forget(_ path: String) {
        let key = absolutePath(path)
        entries = entries.compactMap { entry in
            switch entry {
            case .table(let table):
                return absolutePath(table.path) == key ? nil : entry
            case .chart(var chart):
                chart.paths.removeAll { absolutePath($0) == key }
                return chart.paths.isEmpty ? nil : .chart(chart)
            }
        }
    }
}

/// What the page says about an entry: the comment lines just above the statement that wrote it
/// (the first is the heading, the rest a note) and the statement's text.
struct Caption: Equatable {
    var heading: String
    var note: String
    var statement: String
}

/// The statement being run, located in its source text, for captions.
struct StatementSpan {
    let lines: [Substring]
    /// 0-based indices of the statement's first and last lines.
    let first: Int
    let last: Int

    /// Spans for `statements` parsed from `source`: a statement runs to the line before the next
    /// one starts, less trailing blank and comment lines (those belong to the next statement).
    static func spans(of statements: [Statement], in source: String) -> [StatementSpan] {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let starts = statements.map { min(max(0, startLine($0) - 1), lines.count - 1) }
        return starts.enumerated().map { i, first in
            var last = i + 1 < starts.count ? max(first, starts[i + 1] - 1) : lines.count - 1
            while last > first, isCommentOrBlank(lines[last]) { last -= 1 }
            return StatementSpan(lines: lines, first: first, last: last)
        }
    }

    private static func startLine(_ statement: Statement) -> Int {
        switch statement {
        case .bind(_, _, let at), .command(_, _, let at): at.line
        case .run(let pipeline): pipeline.at.line
        }
    }

    private static func isCommentOrBlank(_ line: Substring) -> Bool {
        let text = line.drop { $0 == " " || $0 == "\t" }
        return text.isEmpty || text.first == "#" || text == "\r"
    }

    var caption: Caption {
        var comments: [String] = []
        var i = first - 1
        while i >= 0, let comment = Self.commentText(lines[i]) {
            comments.insert(comment, at: 0)
            i -= 1
        }
        let statement = lines[first...last].map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
            .joined(separator: "\n")
        // Divider lines (`# -----`) separate sections; they are no heading or note.
        comments.removeAll { $0.allSatisfy { "-=*_~#".contains($0) } }
        let heading = comments.first ?? statement.prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces)
        return Caption(heading: heading, note: comments.dropFirst().joined(separator: " "), statement: statement)
    }

    /// The text of a `# ...` line, nil for any other line.
    private static func commentText(_ line: Substring) -> String? {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("#") else { return nil }
        return text.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
    }
}

extension Session {
    /// `.report PATH [TITLE]` or `.report off`.
    func reportCommand(_ arguments: [String], at: SourceLocation) throws(Diagnostic) {
        guard let path = arguments.first, arguments.count <= 2 else {
            throw Diagnostic("usage: .report PATH [TITLE], e.g. .report \"out/report.html\" \"2023 listening trends\"; .report off stops it", at: at)
        }
        if path.lowercased() == "off", arguments.count == 1 {
            report.page = nil
            return
        }
        guard path.lowercased().hasSuffix(".html") || path.lowercased().hasSuffix(".htm") else {
            throw Diagnostic("the report is an HTML page: give a path ending in .html, e.g. \"out/report.html\"", at: at)
        }
        // Until save and plot create folders themselves, the report makes its own, so that a
        // script starting with `.report "out/report.html"` can then save to out/.
        let folder = (absolutePath(path) as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw Diagnostic("cannot create the folder \(folder) for the report: \(error.localizedDescription)", at: at)
        }
        report.page = (path, arguments.count == 2 ? arguments[1] : "trq report")
        do {
            try writeReportPage()
        } catch {
            report.page = nil
            throw Diagnostic("\(error)", at: at)
        }
        if settings.interactive {
            writeError("wrote \(path) (\(report.entries.count) items); it is rewritten as you save or plot to files, until .report off\n")
        }
    }

    func recordSavedTable(_ table: Table, path: String) {
        report.recordTable(table, path: path, caption: currentStatement?.caption ?? Caption(heading: path, note: "", statement: ""))
    }

    func recordChart(svg: String, path: String) {
        report.recordChart(svg: svg, path: path, caption: currentStatement?.caption ?? Caption(heading: path, note: "", statement: ""))
    }

    /// Rewrites the page if something was recorded since it was written; false (with the error
    /// written) if that failed.
    func refreshReportPage() -> Bool {
        guard report.isStale, report.page != nil else { return true }
        do {
            try writeReportPage()
            return true
        } catch {
            writeError("error: the report page was not updated: \(error)\n")
            return false
        }
    }

    private func writeReportPage() throws(SaveError) {
        guard let page = report.page else { return }
        let html = ReportPage.render(title: page.title, entries: report.entries,
                                     folder: (absolutePath(page.path) as NSString).deletingLastPathComponent)
        try saveAtomically(Array(html.utf8), to: page.path, overwrite: true)
        report.isStale = false
    }
}

/// The report's HTML. The page is also well-formed XML (every element closed, only XML's own
/// entities), so tests can check its structure with an XML parser.
enum ReportPage {
    static func render(title: String, entries: [ReportLog.Entry], folder: String) -> String {
        let tables = entries.filter { if case .table = $0 { true } else { false } }.count
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(escape(title))</title>
            <style>
            \(style)</style>
            </head>
            <body>
            <header><h1>\(escape(title))</h1>
            <p class="summary">\(counted(entries.count - tables, "chart")) and \(counted(tables, "table")), written by trq.</p></header>

            """
        if !entries.isEmpty {
            html += "<nav><ol>\n"
            for (i, entry) in entries.enumerated() {
                html += "<li><a href=\"#item-\(i + 1)\">\(escape(caption(of: entry).heading))</a></li>\n"
            }
            html += "</ol></nav>\n"
        }
        for (i, entry) in entries.enumerated() {
            let caption = caption(of: entry)
            switch entry {
            case .chart: html += "<section class=\"chart\" id=\"item-\(i + 1)\">\n"
            case .table: html += "<section class=\"table\" id=\"item-\(i + 1)\">\n"
            }
            html += "<h2>\(escape(caption.heading))</h2>\n"
            if !caption.note.isEmpty { html += "<p class=\"note\">\(escape(caption.note))</p>\n" }
            switch entry {
            case .chart(let chart):
                html += "<figure>\n\(inlineSVG(chart.svg))</figure>\n<p class=\"files\">"
                html += chart.paths.map { link($0, folder: folder) }.joined(separator: " · ") + "</p>\n"
            case .table(let table):
                html += tableHTML(table.head)
                let shown = table.head.rowCount < table.rowCount ? "first \(table.head.rowCount) of \(table.rowCount) rows" : counted(table.rowCount, "row")
                html += "<p class=\"files\">\(shown) · \(link(table.path, folder: folder))</p>\n"
            }
            if !caption.statement.isEmpty {
                html += "<details><summary>statement</summary><pre>\(escape(caption.statement))</pre></details>\n"
            }
            html += "</section>\n"
        }
        html += "</body>\n</html>\n"
        return html
    }

    private static func counted(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    private static func caption(of entry: ReportLog.Entry) -> Caption {
        switch entry {
        case .chart(let chart): chart.caption
        case .table(let table): table.caption
        }
    }

    /// The SVG element alone: an XML declaration or doctype before it cannot stand inside HTML.
    private static func inlineSVG(_ svg: String) -> String {
        guard let start = svg.range(of: "<svg") else { return escape(svg) }
        return String(svg[start.lowerBound...])
    }

    private static func tableHTML(_ t: Table) -> String {
        let numeric = t.columns.map { $0.type == .int || $0.type == .float }
        var html = "<div class=\"scroll\"><table>\n<thead><tr>"
        for (name, column) in zip(t.names, t.columns) {
            html += "<th>\(escape(name))<span class=\"type\">\(column.type.rawValue)</span></th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        for row in 0..<t.rowCount {
            html += "<tr>"
            for (c, column) in t.columns.enumerated() {
                if column.isNull(row) {
                    html += "<td class=\"null\">NULL</td>"
                } else {
                    html += (numeric[c] ? "<td class=\"num\">" : "<td>") + escape(boxCellText(column, row)) + "</td>"
                }
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table></div>\n"
    }

    private static func link(_ path: String, folder: String) -> String {
        let href = relativePath(from: folder, to: absolutePath(path))
        let encoded = href.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? href
        let name = (path as NSString).lastPathComponent
        return "<a href=\"\(escape(encoded))\">\(escape(name))</a>"
    }

    static func escape(_ text: String) -> String { XML.escape(text) }

    static let style = """
        body { margin: 0 auto; max-width: 1100px; padding: 24px; background: #f6f6f6; color: #222; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
        h1 { margin: 0 0 4px; font-size: 24px; }
        h2 { margin: 0 0 6px; font-size: 17px; }
        .summary, .note, .files { color: #555; margin: 4px 0; }
        nav ol { columns: 2; margin: 12px 0 20px; padding-left: 22px; }
        section { background: #fff; margin: 0 0 20px; padding: 16px 20px; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.15); }
        figure { margin: 8px 0; }
        figure svg { display: block; max-width: 100%; height: auto; }
        .scroll { overflow-x: auto; margin: 8px 0; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 10px; text-align: left; white-space: nowrap; }
        th { background: #f0f0f0; }
        th .type { display: block; font-weight: normal; color: #888; font-size: 11px; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.null { color: #aaa; }
        details { margin-top: 6px; }
        summary { cursor: pointer; color: #555; }
        pre { background: #f6f6f6; padding: 8px; overflow-x: auto; }

        """
}

/// `path` made absolute against the working directory, with `.` and `..` resolved.
func absolutePath(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
}

/// The relative path from `folder` to `file`, both absolute (`../data/x.csv`).
func relativePath(from folder: String, to file: String) -> String {
    let base = folder.split(separator: "/")
    let target = file.split(separator: "/")
    var common = 0
    while common < base.count, common < target.count - 1, base[common] == target[common] { common += 1 }
    let up = Array(repeating: "..", count: base.count - common)
    return (up + target[common...].map(String.init)).joined(separator: "/")
}
