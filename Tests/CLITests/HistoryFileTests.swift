import Foundation
import Testing
@testable import trq

@Suite struct HistoryFileTests {
    private func loaded(_ file: HistoryFile, size: Int = 100) throws -> [String] {
        let history = try #require(EditHistory(size: size))
        file.load(into: history)
        return history.entries
    }

    @Test func multiLineEntriesRoundTripInLibeditsFormat() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = HistoryFile(path: directory.appendingPathComponent("h").path, limit: 10)
        let entries = ["t | filter x > 1", "t |\n  limit 3", #"filter s == "a\\n" # not a newline"#, "\tlet é = 1"]
        for entry in entries { file.append(entry) }
        #expect(try loaded(file) == entries)
        // libedit's header once, then one line per entry: white space is vis(3)-encoded, so the
        // multi-line entry and the tab do not break lines. (The exact escapes are libedit's.)
        let lines = try String(contentsOfFile: file.path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 6 && lines.first == "_HiStOrY_V2_" && lines.last == "")
        #expect(lines[1] == #"t\040|\040filter\040x\040>\0401"#)
        #expect(!lines.contains { $0.contains("\t") })
    }

    @Test func fileIsTrimmedToTheNewestEntriesPastTwiceTheLimit() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = HistoryFile(path: directory.appendingPathComponent("h").path, limit: 3)
        for i in 1...6 { file.append("e\(i)") }
        #expect(try loaded(file, size: 3) == ["e4", "e5", "e6"])  // at 2 x limit: kept, only the newest entered
        #expect(try String(contentsOfFile: file.path, encoding: .utf8).split(separator: "\n").count == 7)
        file.append("e7")
        #expect(try loaded(file, size: 3) == ["e5", "e6", "e7"])  // past 2 x limit: rewritten
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "_HiStOrY_V2_\ne5\ne6\ne7\n")
    }

    @Test func fileInTheEarlierFormatIsReadOnceAndRewritten() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = HistoryFile(path: directory.appendingPathComponent("h").path, limit: 2)
        // One entry per line, newlines and backslashes escaped; more entries than the limit.
        try Data("old\nt |\\n  limit 3\nfilter s == \"a\\\\n\"\n".utf8).write(to: URL(fileURLWithPath: file.path))
        let expected = ["t |\n  limit 3", #"filter s == "a\n""#]
        #expect(try loaded(file, size: 2) == expected)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8).hasPrefix("_HiStOrY_V2_\n"))
        #expect(try loaded(file, size: 2) == expected)
    }

    @Test func missingFileLoadsNothing() throws {
        #expect(try loaded(HistoryFile(path: "/nonexistent/dir/h", limit: 5)).isEmpty)
    }
}
