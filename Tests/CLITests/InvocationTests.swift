import Foundation
import Testing

@Suite struct InvocationTests {
    @Test func versionPrintsTheVersionAndSucceeds() throws {
        let result = try runTRQ(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.wholeMatch(of: /trq \d+\.\d+\.\d+\n/) != nil, "\(result.stdout)")
    }

    @Test func helpDescribesTheInvocationsAndOptions() throws {
        let result = try runTRQ(["--help"])
        #expect(result.status == 0)
        for text in ["-c <statements>", "--format", "--set", "--no-cache", "FILE.trq", "Exit status"] {
            #expect(result.stdout.contains(text), "help lacks \(text)")
        }
    }

    @Test(arguments: [["--bogus"], ["-x"], ["--format", "xml", "-c", "1"], ["-c"], ["--set", "1x=2", "-c", "1"], ["--set", "novalue", "-c", "1"]])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let result = try runTRQ(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("Error:"))
        #expect(result.stdout.isEmpty)
    }

    @Test func missingScriptIsAUsageErrorNamingTheFile() throws {
        let result = try runTRQ(["no-such-script.trq"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no-such-script.trq"))
        #expect(result.stderr.contains("No such file or directory"))
    }

    @Test func invalidUTF8InAScriptIsAnErrorWithLineAndColumn() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("latin1.trq")
        // Line 2, column 8 holds 0xE9 (é in Latin-1).
        try (Data("# ok\nlet a =".utf8) + [0xE9] + Data(" = 1\n".utf8)).write(to: script)
        let result = try runTRQ([script.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(script.path):2:8: error: \(script.path) is not valid UTF-8: byte 0xE9"), "\(result.stderr)")
    }
}
