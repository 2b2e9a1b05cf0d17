import Foundation
import Testing

/// A save killed with SIGKILL at any moment leaves the old file or the complete new one, never a
/// mix: save writes a temporary file beside the target and renames it over the target.
@Test func killedSaveLeavesTheOldOrTheNewFile() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let data = root.appendingPathComponent("data").path
    // About 500,000 rows: each play joined with the users of its country.
    let script = """
    let p = load "\(data)/listening_2023.csv"
    let u = load "\(data)/users.csv"
    p | join u on country | save "big.csv"
    """
    let started = Date()
    let complete = try runTRQ(["-c", script], directory: dir)
    let duration = Date().timeIntervalSince(started)
    try #require(complete.status == 0, "\(complete.stderr)")
    let target = dir.appendingPathComponent("big.csv")
    let newContent = try Data(contentsOf: target)
    #expect(newContent.count > 10_000_000)
    let oldContent = Data("old,content\n1,2\n".utf8)

    var generator = SystemRandomNumberGenerator()
    for attempt in 0..<6 {
        try oldContent.write(to: target)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: trqBinary)
        process.arguments = ["-c", script]
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Spread the kills over a whole run, so late ones land during the write itself.
        let delay = duration * (Double(attempt) + Double.random(in: 0..<1, using: &generator)) / 6
        Thread.sleep(forTimeInterval: delay)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let after = try Data(contentsOf: target)
        #expect(after == oldContent || after == newContent, "attempt \(attempt): a partial file after a kill at \(delay) s")
    }
}

@Test func memoryLimitRefusesALoadBeforeItStarts() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent("data/listening_2023.csv").path
    let refused = try runTRQ(["--memory-limit", "100K", "-c", "load \"\(path)\" | agg n = count()"])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("listening_2023.csv: loading needs about"))
    #expect(refused.stderr.contains("--memory-limit"))
    let allowed = try runTRQ(["--memory-limit", "1G", "--format", "csv", "-c", "load \"\(path)\" | agg n = count()"])
    #expect(allowed.stdout == "n\n10000\n")
    #expect(try runTRQ(["--memory-limit", "lots", "-c", "agg"]).status == 2)
}

/// Every hostile input ends in a result or a located error (exit 0 or 1), never in a signal:
/// the quirky CSV corpus, loaded and described, and scripts built to break a parser.
@Test func noHostileInputEndsTrqBySignal() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let corpus = root.appendingPathComponent("Tests/TRQFrameTests/Fixtures/csv")
    let files = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { !$0.hasPrefix(".") }
    try #require(files.count > 20)
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var scripts: [(name: String, bytes: [UInt8])] = [
        ("nested parentheses", Array(("load \"x.csv\" | filter " + String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000)).utf8)),
        ("invalid UTF-8 in a string", Array("load \"".utf8) + [0xFF, 0xFE] + Array("\" | describe".utf8)),
        ("unterminated string", Array("load \"data.csv".utf8)),
        ("NUL bytes", Array("load \"a\u{0}b\" | limit 1".utf8)),
        ("huge integer literal", Array("load \"x.csv\" | limit 99999999999999999999999".utf8)),
    ]
    for file in files {
        let path = corpus.appendingPathComponent(file).path
        scripts.append((file, Array("load \"\(path)\" | describe\nload \"\(path)\" | sort 1 | limit 3".utf8)))
    }
    for (name, bytes) in scripts {
        let script = dir.appendingPathComponent("case.trq")
        try Data(bytes).write(to: script)
        let result = try runTRQ([script.path], directory: dir)
        #expect(result.status == 0 || result.status == 1, "\(name): exit \(result.status)\n\(result.stderr.prefix(300))")
        if result.status == 1 { #expect(result.stderr.contains("error:"), "\(name): no error message") }
    }
}

/// A line of a million fields (issue 17) ends with a result, in time linear in the field count
/// (measured in scripts/bench/wide.py). Half of the names repeat, so the renaming runs too.
@Test func aMillionFieldLineEndsWithAResult() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let line = (0..<1_000_000).map { "f\($0 / 2)" }.joined(separator: ",") + "\n"
    try Data(line.utf8).write(to: dir.appendingPathComponent("line.csv"))
    let result = try runTRQ(["--format", "csv", "-c", "load \"line.csv\" | describe | agg n = count()"], directory: dir)
    #expect(result.status == 0, "\(result.stderr.prefix(300))")
    #expect(result.stdout == "n\n1000000\n")
    #expect(result.stderr.contains("warning: line.csv: repeated column names renamed: f0 -> f0_2, f1 -> f1_2,"))
    #expect(result.stderr.contains(" and 499990 more\n"))
}

/// A compact JSON export saved with a .csv name is named as JSON, not read as one wide row.
@Test func aJSONFileLoadedAsCSVSaysSo() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rows = (0..<2000).map { "{\"ts\":\"2023-01-0\($0 % 9 + 1)\",\"ms_played\":\($0)}" }
    try Data(("[" + rows.joined(separator: ",") + "]").utf8).write(to: dir.appendingPathComponent("export.csv"))
    let result = try runTRQ(["-c", "load \"export.csv\" | agg n = count()"], directory: dir)
    #expect(result.status == 1)
    #expect(result.stderr.contains("export.csv: this file is JSON, not CSV"))
    #expect(result.stderr.contains(".json"))
}
