// Parser timings on adversarial inputs; built (release) and run by scripts/bench/parser.
// The contract: a 100,000-term expression parses in well under a second, and 20,000 nested
// parentheses are rejected quickly with a located error.

import Foundation
import TRQLanguage

func time(_ label: String, _ source: String) {
    let start = Date()
    let outcome: String
    do {
        outcome = "\(try parse(source).count) statement(s)"
    } catch {
        outcome = "error at \(error.at.map(\.description) ?? "?")"
    }
    let ms = Date().timeIntervalSince(start) * 1000
    print(label.padding(toLength: 34, withPad: " ", startingAt: 0), String(format: "%8.1f ms", ms), " ", outcome)
}

@main struct ParserBench {
    static func main() {
        let n = 100_000
        time("100,000-term sum", "T | filter " + Array(repeating: "a", count: n).joined(separator: " + ") + " > 0")
        time("100,000-term and", "T | filter " + Array(repeating: "a > 1", count: n).joined(separator: " and "))
        time("100,000 products joined by -", "T | derive y = " + Array(repeating: "a * b", count: n).joined(separator: " - "))
        time("20,000 nested parentheses", "T | filter " + String(repeating: "(", count: 20_000) + "a" + String(repeating: ")", count: 20_000))
        time("100,000 stages", "T" + String(repeating: " | limit 1", count: n))
        time("100,000 statements", String(repeating: "T | describe\n", count: n))
        time("1,000,000-character string", "load \"" + String(repeating: "x", count: 1_000_000) + "\"")
    }
}
