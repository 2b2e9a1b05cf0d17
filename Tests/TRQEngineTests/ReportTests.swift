import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import TRQEngine
import TRQLanguage

/// `.report`: the page is checked with an XML parser (it is written as well-formed XML), and
/// each chart's markup is compared with the .svg file the plot wrote.
@Suite struct ReportTests {
    let dir: String

    init() throws {
        dir = NSTemporaryDirectory() + "trq-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/tables", withIntermediateDirectories: true)
    }

    @Test func pageGathersEveryTableAndChart() throws {
        let s = ReportSession()
        let script = """
            .report "\(dir)/site/report.html" "Fixture <report> & co"
            let per_genre = plays | groupby genre agg n = count()
            # Plays per genre
            # Counted over the fixture.
            per_genre | save "\(dir)/tables/genres.csv"
            # Genre chart
            per_genre | plot bar genre n to "\(dir)/site/genres.svg"
            per_genre | plot bar genre n to "\(dir)/site/genres.html"

            plays | plot hist ms to "\(dir)/site/ms.svg"
            """
        #expect(s.execute(script) == .success, "\(s.err)")
        let page = try #require(try Page(path: dir + "/site/report.html"))

        #expect(page.root.first("title")?.text == "Fixture <report> & co")
        #expect(page.root.first("h1")?.text == "Fixture <report> & co")
        #expect(page.root.first("p", class: "summary")?.text == "2 charts and 1 table, written by trq.")
        let sections = page.root.all("section")
        #expect(sections.map { $0.attributes["class"] } == ["table", "chart", "chart"])
        #expect(sections.map { $0.first("h2")?.text } == ["Plays per genre", "Genre chart", "plays | plot hist ms to \"\(dir)/site/ms.svg\""])
        #expect(page.root.all("nav").first?.all("a").map(\.text) == sections.map { $0.first("h2")?.text ?? "" })

        // The table: by hand from Fixtures/plays.csv, pop 3 plays, rock 2, jazz 2.
        let table = sections[0]
        #expect(table.first("p", class: "note")?.text == "Counted over the fixture.")
        #expect(table.all("th").map(\.text) == ["genre" + "string", "n" + "int"])
        #expect(table.all("tr").dropFirst().map { $0.all("td").map(\.text) } == [["pop", "3"], ["rock", "2"], ["jazz", "2"]])
        #expect(table.all("a").map { $0.attributes["href"] } == ["../tables/genres.csv"])
        #expect(table.first("p", class: "files")?.text == "3 rows · genres.csv")
        #expect(table.first("pre")?.text == "per_genre | save \"\(dir)/tables/genres.csv\"")

        // One entry for the chart written twice (.svg and .html), its markup the .svg file's.
        let genreSVG = try String(contentsOfFile: dir + "/site/genres.svg", encoding: .utf8)
        let histSVG = try String(contentsOfFile: dir + "/site/ms.svg", encoding: .utf8)
        #expect(page.text.contains(genreSVG))
        #expect(page.text.contains(histSVG))
        #expect(sections[1].all("svg").count == 1)
        #expect(sections[1].first("svg")?.attributes["aria-label"] == "n by genre")
        #expect(sections[1].all("a").map { $0.attributes["href"] } == ["genres.svg", "genres.html"])
        #expect(sections[2].first("svg")?.attributes["aria-label"] == "Distribution of ms")
        #expect(sections[2].all("a").map { $0.attributes["href"] } == ["ms.svg"])
    }

    @Test func pageFollowsLaterWritesUntilOff() throws {
        let s = ReportSession()
        let report = dir + "/report.html"
        #expect(s.execute(".report \"\(report)\"") == .success, "\(s.err)")
        var page = try #require(try Page(path: report))
        #expect(page.root.first("h1")?.text == "trq report")
        #expect(page.root.all("section").isEmpty)

        // Each line is one execute, as in the shell; the page follows after each.
        #expect(s.execute("plays | filter genre == \"pop\" | save \"\(dir)/t.csv\"") == .success, "\(s.err)")
        page = try #require(try Page(path: report))
        #expect(page.root.all("section").count == 1)
        #expect(page.root.first("p", class: "files")?.text == "3 rows · t.csv")

        // Saving the same file again replaces its entry; a path spelled differently is the same file.
        #expect(s.execute("plays | filter genre == \"rock\" | save \"\(dir)/tables/../t.csv\"") == .success, "\(s.err)")
        page = try #require(try Page(path: report))
        #expect(page.root.all("section").count == 1)
        #expect(page.root.first("p", class: "files")?.text == "2 rows · t.csv")

        #expect(s.execute(".report off\nplays | save \"\(dir)/u.csv\"") == .success, "\(s.err)")
        #expect(try Page(path: report)?.root.all("section").count == 1)
        // Turned on again, the page has everything written in the session.
        #expect(s.execute(".report \"\(report)\" again") == .success, "\(s.err)")
        page = try #require(try Page(path: report))
        #expect(page.root.first("h1")?.text == "again")
        #expect(page.root.all("section").compactMap { $0.first("a")?.attributes["href"] } == ["t.csv", "u.csv"])
    }

    @Test func tablesShowTheirFirstRowsAndNulls() throws {
        var csv = "k,v,label\n"
        for i in 1...25 { csv += "\(i),\(Double(i) / 4),\(i == 2 ? "" : "x\(i)")\n" }
        try csv.write(toFile: dir + "/in.csv", atomically: true, encoding: .utf8)
        let s = ReportSession()
        #expect(s.execute(".report \"\(dir)/r.html\"\nload \"\(dir)/in.csv\" | save \"\(dir)/out.csv\"") == .success, "\(s.err)")
        let page = try #require(try Page(path: dir + "/r.html"))
        let rows = page.root.all("tbody").first?.all("tr") ?? []
        #expect(rows.count == ReportLog.shownRows)
        #expect(rows.first?.all("td").map(\.text) == ["1", "0.25", "x1"])
        #expect(rows[1].all("td").map(\.text) == ["2", "0.5", "NULL"])
        #expect(rows[1].all("td").map { $0.attributes["class"] } == ["num", "num", "null"])
        #expect(page.root.first("p", class: "files")?.text == "first 20 of 25 rows · out.csv")
    }

    @Test func pageKeepsWhatAFailingScriptWroteBeforeItsError() throws {
        let s = ReportSession()
        let script = ".report \"\(dir)/r.html\"\nplays | save \"\(dir)/a.csv\"\nplays | select nope"
        #expect(s.execute(script) == .failed)
        #expect(s.err.contains("unknown column 'nope'"))
        #expect(try Page(path: dir + "/r.html")?.root.all("section").count == 1)
    }

    @Test func badReportPathsAreErrorsThatSayWhatToDo() throws {
        let s = ReportSession()
        #expect(s.execute(".report \"\(dir)/r.txt\"") == .failed)
        #expect(s.err.contains("give a path ending in .html"))
        try FileManager.default.createDirectory(atPath: dir + "/folder.html", withIntermediateDirectories: false)
        s.err = ""
        #expect(s.execute(".report \"\(dir)/folder.html\"") == .failed)
        #expect(s.err.contains("is a folder"))
        s.err = ""
        #expect(s.execute(".report") == .failed)
        #expect(s.err.contains("usage: .report PATH [TITLE]"))
        // After a refused .report, later writes still work and no page appears.
        #expect(s.execute("plays | save \"\(dir)/a.csv\"") == .success, "\(s.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.txt"))
    }

    @Test func captionIsTheCommentAboveAndTheWholeStatement() {
        let source = """
            # not this one

            # Heading
            #   more words
            let a = plays
              | filter ms > 1
              # inside the statement
              | select ms

            # next
            a | save "x.csv"; a | save "y.csv"
            """
        let statements = try! TRQLanguage.parse(source)
        let captions = StatementSpan.spans(of: statements, in: source).map(\.caption)
        #expect(captions.count == 3)
        #expect(captions[0] == Caption(heading: "Heading", note: "more words",
                                       statement: "let a = plays\n  | filter ms > 1\n  # inside the statement\n  | select ms"))
        #expect(captions[1] == Caption(heading: "next", note: "", statement: "a | save \"x.csv\"; a | save \"y.csv\""))
        #expect(captions[2] == captions[1])
    }

    @Test func relativeLinks() {
        #expect(relativePath(from: "/a/b", to: "/a/b/c.csv") == "c.csv")
        #expect(relativePath(from: "/a/b", to: "/a/c/d.csv") == "../c/d.csv")
        #expect(relativePath(from: "/", to: "/x.csv") == "x.csv")
        #expect(relativePath(from: "/a/b/c", to: "/x/y.svg") == "../../../x/y.svg")
    }
}

/// A session with the fixture tables bound, collecting its output.
private final class ReportSession {
    var out = ""
    var err = ""
    private var session: Session!

    init() {
        var settings = SessionSettings()
        settings.format = .csv
        settings.variables = ["plays": fixture("plays.csv"), "tracks": fixture("tracks.csv")]
        session = Session(settings: settings, write: { [unowned self] in out += $0 }, writeError: { [unowned self] in err += $0 })
        precondition(session.execute("let plays = load $plays\nlet tracks = load $tracks", file: "setup") == .success, err)
    }

    func execute(_ source: String) -> ExecutionOutcome { session.execute(source, file: "test.trq") }
}

/// The report page parsed as XML; nil when it is not well-formed.
private struct Page {
    let text: String
    let root: Element

    init?(path: String) throws {
        text = try String(contentsOfFile: path, encoding: .utf8)
        // XMLParser rejects the HTML doctype's missing system id on some platforms; the rest is XML.
        let body = text.replacingOccurrences(of: "<!DOCTYPE html>\n", with: "")
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(body.utf8))
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        self.root = root
    }

    final class Element {
        let name: String
        let attributes: [String: String]
        var children: [Element] = []
        var ownText = ""
        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }
        /// The text of this element and all below it.
        var text: String { ownText + children.map(\.text).joined() }
        var descendants: [Element] { children.flatMap { [$0] + $0.descendants } }
        func all(_ name: String) -> [Element] { descendants.filter { $0.name == name } }
        func first(_ name: String, class className: String? = nil) -> Element? {
            descendants.first { $0.name == name && (className == nil || $0.attributes["class"] == className) }
        }
    }

    /// Text is kept in order only within an element, which is all the checks above need.
    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var root: Element?
        var stack: [Element] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            let element = Element(name: name, attributes: attributes)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.ownText += string
        }
    }
}
