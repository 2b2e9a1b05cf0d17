import Foundation
import Testing
@testable import trq

@Suite struct HistoryFileTests {
    @Test func entriesWithNewlinesAndBackslashesRoundTrip() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let history = HistoryFile(path: directory.appendingPathComponent("h").path, limit: 10)
        let entries = ["t | filter x > 1", "t |\n  limit 3", #"filter s == "a\\n" # not a newline"#]
        for entry in entries { history.append(entry) }
        #expect(history.load() == entries)
        // One line per entry on disk.
        let text = try String(contentsOfFile: history.path, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 3)
    }

    @Test func fileIsTrimmedToTheNewestEntriesPastTwiceTheLimit() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let history = HistoryFile(path: directory.appendingPathComponent("h").path, limit: 3)
        for i in 1...6 { history.append("e\(i)") }
        #expect(history.load() == ["e4", "e5", "e6"])  // at 2 x limit: kept, only the newest returned
        history.append("e7")
        #expect(history.load() == ["e5", "e6", "e7"])  // past 2 x limit: rewritten
        let text = try String(contentsOfFile: history.path, encoding: .utf8)
        #expect(text == "e5\ne6\ne7\n")
    }

    @Test func missingFileLoadsNothing() {
        #expect(HistoryFile(path: "/nonexistent/dir/h", limit: 5).load().isEmpty)
    }
}
