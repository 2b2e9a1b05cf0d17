import Foundation
import Testing

/// Scripts, `-c` and standard input against a small CSV whose results are worked out by hand.
@Suite struct ScriptTests {
    private let playsCSV = "name,plays\nb,2\na,10\nc,\n"

    private func withData(_ body: (URL) throws -> Void) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(playsCSV.utf8).write(to: directory.appendingPathComponent("plays.csv"))
        try body(directory)
    }

    @Test func commandPrintsPlainCSV() throws {
        try withData { directory in
            let result = try runTRQ(["--format", "csv", "-c", #"load "plays.csv" | sort plays desc"#], directory: directory)
            #expect(result.status == 0)
            #expect(result.stdout == "name,plays\na,10\nb,2\nc,\n")  // nulls sort last, print empty
            #expect(result.stderr.isEmpty)
        }
    }

    @Test func tableIsTheDefaultFormatEvenWhenPiped() throws {
        try withData { directory in
            let result = try runTRQ(["-c", #"load "plays.csv" | limit 1"#], directory: directory)
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("┌"))
            #expect(result.stdout.contains("│ b      │     2 │"))
        }
    }

    @Test func scriptErrorExitsOneWithFileLineColumnAndCaret() throws {
        try withData { directory in
            let script = directory.appendingPathComponent("bad.trq")
            try Data("let p = load \"plays.csv\"\np | filter nope > 1\n".utf8).write(to: script)
            let result = try runTRQ([script.path], directory: directory)
            #expect(result.status == 1)
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first?.hasPrefix("\(script.path):2:12: error: ") == true, "\(result.stderr)")
            #expect(lines.dropFirst().first == "p | filter nope > 1")
            #expect(lines.dropFirst(2).first == "           ^")
        }
    }

    @Test func scriptFromStandardInput() throws {
        try withData { directory in
            let text = "load \"plays.csv\" | filter plays > 5\n"
            for arguments in [["--format", "csv", "-"], ["--format", "csv"]] {
                let result = try runTRQ(arguments, stdin: text, directory: directory)
                #expect(result.status == 0)
                #expect(result.stdout == "name,plays\na,10\n", "\(arguments)")
            }
        }
    }

    @Test func argumentsAndSetBecomeVariables() throws {
        try withData { directory in
            let set = try runTRQ(["--format", "csv", "--set", "MIN=5", "-c", "load $1 | filter plays > int($MIN)", "plays.csv"],
                                 directory: directory)
            #expect(set.stdout == "name,plays\na,10\n")
            let script = directory.appendingPathComponent("args.trq")
            try Data("load $1 | filter name == $2\n".utf8).write(to: script)
            let positional = try runTRQ(["--format", "csv", script.path, "plays.csv", "b"], directory: directory)
            #expect(positional.status == 0)
            #expect(positional.stdout == "name,plays\nb,2\n")
        }
    }

    @Test func quitEndsTheScriptSuccessfully() throws {
        try withData { directory in
            let result = try runTRQ(["--format", "csv", "-c", "load \"plays.csv\" | limit 1\n.quit\nload \"missing.csv\""],
                                    directory: directory)
            #expect(result.status == 0)
            #expect(result.stdout == "name,plays\nb,2\n")
            #expect(result.stderr.isEmpty)
        }
    }
}
