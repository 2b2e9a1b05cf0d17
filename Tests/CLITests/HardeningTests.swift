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
