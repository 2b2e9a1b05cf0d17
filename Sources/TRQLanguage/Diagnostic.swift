/// What went wrong, for callers that react differently (the shell, a remote engine, tests).
public enum ErrorKind: String, Sendable, Equatable {
    /// The text is not a statement (lexical or syntax error).
    case parse
    /// Names and types do not fit together, found before running (an unknown column, a wrong option).
    case bind
    /// A value of the wrong type where one is needed.
    case type
    /// A table, column, file or function that does not exist.
    case notFound
    /// Reading or writing a file failed.
    case io
    /// A memory or size limit refused the work.
    case limit
    /// The user stopped the statement (Ctrl-C).
    case cancelled
    /// The data made the computation fail (an overflow, a model that cannot train).
    case runtime
}

/// An error located in a source text. The parser throws these; so does the engine, with the
/// location of the expression or stage that failed. The hint (what to do about it) is kept apart
/// from the message and printed after it in parentheses.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var at: SourceLocation?
    public var kind: ErrorKind
    public var hint: String?

    public init(_ message: String, at: SourceLocation?, kind: ErrorKind = .runtime, hint: String? = nil) {
        self.message = message
        self.at = at
        self.kind = kind
        self.hint = hint
    }

    public var description: String { hint.map { "\(message) (\($0))" } ?? message }

    /// `FILE:LINE:COL: error: MESSAGE`, then the source line and a caret under the column.
    public func rendered(file: String, source: String) -> String {
        guard let at else { return "\(file): error: \(description)" }
        var text = "\(file):\(at.line):\(at.column): error: \(description)"
        // Split scalars, not Characters: "\r\n" is a single Character.
        let lines = source.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        if at.line >= 1, at.line <= lines.count {
            var line = Array(lines[at.line - 1])
            if line.last == "\r" { line.removeLast() }
            // A very long line shows only a window around the column, marked with "...".
            var caretColumn = max(0, at.column - 1)
            let window = 120
            if line.count > 2 * window {
                let start = max(0, min(caretColumn - window / 2, line.count - window))
                let end = min(line.count, start + window)
                let prefix: [Unicode.Scalar] = start > 0 ? Array("...".unicodeScalars) : []
                line = prefix + Array(line[start..<end]) + (end < line.count ? Array("...".unicodeScalars) : [])
                caretColumn = caretColumn - start + prefix.count
            }
            let caretIndent = line.prefix(caretColumn).map { $0 == "\t" ? "\t" : " " }
            text += "\n" + String(String.UnicodeScalarView(line)) + "\n" + caretIndent.joined() + "^"
        }
        return text
    }
}

/// The candidate closest to `name` by edit distance, if close enough to be a plausible typo.
public func nearestName(to name: String, in candidates: some Sequence<String>) -> String? {
    let target = Array(name.lowercased().unicodeScalars)
    var best: (name: String, distance: Int)?
    for candidate in candidates {
        let d = editDistance(target, Array(candidate.lowercased().unicodeScalars))
        if d < (best?.distance ?? Int.max) { best = (candidate, d) }
    }
    guard let best, best.distance <= max(1, min(3, target.count / 3 + 1)) else { return nil }
    return best.name
}

/// `did you mean 'x'?` suffix, or empty.
public func suggestion(for name: String, in candidates: some Sequence<String>) -> String {
    nearestName(to: name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
}

private func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
