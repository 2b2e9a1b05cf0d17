import Foundation
import TRQEngine

/// Runs `source` in a fresh session with CSV output, the fixture tables bound as `plays` and
/// `tracks`. Returns stdout, stderr and the outcome.
func run(_ source: String, format: OutputFormat = .csv) -> (out: String, err: String, outcome: ExecutionOutcome) {
    var out = "", err = ""
    var settings = SessionSettings()
    settings.format = format
    settings.variables = ["plays": fixture("plays.csv"), "tracks": fixture("tracks.csv")]
    let session = Session(settings: settings, write: { out += $0 }, writeError: { err += $0 })
    let setup = session.execute("let plays = load $plays\nlet tracks = load $tracks", file: "setup")
    precondition(setup == .success, err)
    let outcome = session.execute(source, file: "test.trq")
    return (out, err, outcome)
}

func fixture(_ name: String) -> String {
    Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures")!
}

/// Lines of CSV output, for readable comparisons.
func lines(_ text: String) -> [String] {
    var result = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if result.last == "" { result.removeLast() }
    return result
}
