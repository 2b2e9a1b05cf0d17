import Testing
import TRQLanguage

// Swift Testing also has a SourceLocation.
typealias SourceLocation = TRQLanguage.SourceLocation

/// A source text plus position lookups by substring search, an oracle independent of the lexer.
struct Src {
    let text: String

    init(_ text: String) { self.text = text }

    /// Line and column (1-based, Unicode scalars) where the `occurrence`-th `needle` starts.
    /// A needle that begins or ends with a letter, digit or _ only matches at a word boundary,
    /// so `at("c")` skips the c in `desc`.
    func at(_ needle: String, _ occurrence: Int = 1) -> SourceLocation {
        let scalars = Array(text.unicodeScalars)
        let pattern = Array(needle.unicodeScalars)
        var seen = 0
        var line = 1
        var column = 1
        for i in scalars.indices {
            let end = i + pattern.count
            if end <= scalars.count, Array(scalars[i..<end]) == pattern,
               !(isWordScalar(pattern[0]) && i > 0 && isWordScalar(scalars[i - 1])),
               !(isWordScalar(pattern[pattern.count - 1]) && end < scalars.count && isWordScalar(scalars[end])) {
                seen += 1
                if seen == occurrence { return SourceLocation(line: line, column: column) }
            }
            if scalars[i] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        Issue.record("'\(needle)' (occurrence \(occurrence)) is not in the source")
        return SourceLocation(line: 0, column: 0)
    }

    func column(_ name: String, _ occurrence: Int = 1) -> Expr { .column(name, at: at(name, occurrence)) }
    func ref(_ name: String, _ occurrence: Int = 1) -> ColumnRef { ColumnRef(name: name, at: at(name, occurrence)) }
    func int(_ value: Int64, _ needle: String, _ occurrence: Int = 1) -> Expr { .literal(.int(value), at: at(needle, occurrence)) }
    func float(_ value: Double, _ needle: String, _ occurrence: Int = 1) -> Expr { .literal(.float(value), at: at(needle, occurrence)) }
    func string(_ value: String, _ needle: String, _ occurrence: Int = 1) -> Expr { .literal(.string(value), at: at(needle, occurrence)) }

    func statements(variables: [String: String] = [:]) throws -> [Statement] {
        try parse(text, variables: variables)
    }

    /// The stages of the only statement, which must be a pipeline run.
    func stages(variables: [String: String] = [:]) throws -> [Stage] {
        let parsed = try parse(text, variables: variables)
        guard parsed.count == 1, case .run(let pipeline) = parsed[0] else {
            Issue.record("expected one pipeline, got \(parsed)")
            return []
        }
        return pipeline.stages
    }

    /// The only stage's kind.
    func stage(variables: [String: String] = [:]) throws -> Stage.Kind? {
        let all = try stages(variables: variables)
        #expect(all.count == 1)
        return all.first?.kind
    }

    /// The filter expression of `T | filter EXPR`.
    func filterExpression() throws -> Expr? {
        guard case .filter(let expr)? = try stage() else {
            Issue.record("not a filter")
            return nil
        }
        return expr
    }

    /// The rendered diagnostic (file `t.trq`), or nil when the text parses.
    func failure(variables: [String: String] = [:]) -> String? {
        do {
            _ = try parse(text, variables: variables)
            return nil
        } catch {
            return error.rendered(file: "t.trq", source: text)
        }
    }

    /// Just the diagnostic's message and position.
    func diagnostic(variables: [String: String] = [:]) -> Diagnostic? {
        do {
            _ = try parse(text, variables: variables)
            return nil
        } catch {
            return error
        }
    }
}

func isWordScalar(_ c: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_"
}

func loc(_ line: Int, _ column: Int) -> SourceLocation { SourceLocation(line: line, column: column) }
