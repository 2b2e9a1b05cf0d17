#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TRQLanguage

/// One way to complete the word before the cursor.
struct CompletionCandidate: Equatable {
    /// Replaces the typed word.
    var text: String
    /// Added after `text` when this is the only candidate: a space after a word, `(` after a
    /// function, the closing quote after a file name, nothing after a directory.
    var terminator: String
}

/// The word before the cursor and what it may become.
struct Completion: Equatable {
    var word: String
    var candidates: [CompletionCandidate]

    /// The text all candidates share, when it goes beyond the typed word.
    var commonPrefix: String? {
        guard var prefix = candidates.first?.text else { return nil }
        for candidate in candidates.dropFirst() {
            prefix = String(zip(prefix, candidate.text).prefix { $0 == $1 }.map(\.0))
        }
        return prefix != word && prefix.count >= word.count ? prefix : nil
    }
}

/// What completion needs to know about the session.
struct CompletionContext {
    var tableNames: () -> [String]
    /// Columns of the table made by a pipeline prefix (`Session.columnNames(forPipelinePrefix:)`).
    var columnNames: (String) -> [String]
}

/// Candidates for the word before the cursor, where `text` is everything typed in the current
/// entry up to the cursor (earlier lines of a multi-line statement included).
func complete(_ text: String, context: CompletionContext) -> Completion {
    let scan = scanStatement(text)
    switch scan.state {
    case .comment:
        return Completion(word: "", candidates: [])
    case .string(let quote, let start):
        let partial = String(scan.statement[start...])
        return Completion(word: partial, candidates: pathCandidates(partial, fileTerminator: String(quote)))
    case .quotedName(let start):
        let word = String(scan.statement[start...])
        let columns = context.columnNames(pipelinePrefix(String(scan.statement[..<start])))
        let partial = word.dropFirst()
        let candidates = columns.filter { $0.hasPrefix(partial) }
            .map { CompletionCandidate(text: "`\($0)`", terminator: " ") }
        return Completion(word: word, candidates: candidates)
    case .code:
        break
    }

    let statement = scan.statement
    let wordStart = statement.unicodeScalars.lastIndex { !isIdentifierCharacter($0) }
        .map { statement.unicodeScalars.index(after: $0) } ?? statement.startIndex
    let word = String(statement[wordStart...])
    let before = statement[..<wordStart]
    let preceding = before.trimmingTrailingWhitespace

    // `.command` at the start of a statement, and the arguments of some commands.
    if preceding == "." {
        let candidates = matching(word, Vocabulary.shellCommands).map { CompletionCandidate(text: $0, terminator: " ") }
        return Completion(word: word, candidates: candidates)
    }
    if let command = shellCommand(in: preceding) {
        switch command {
        case "mode": return words(word, Vocabulary.outputModes)
        case "timer": return words(word, ["on", "off"])
        case "schema": return words(word, context.tableNames())
        case "help": return words(word, Vocabulary.verbs + Vocabulary.shellCommands)
        case "read":
            let argument = String(before.drop { $0 != " " }.drop { $0 == " " }) + word
            return Completion(word: argument, candidates: pathCandidates(argument, fileTerminator: ""))
        default: return Completion(word: word, candidates: [])
        }
    }

    if preceding.isEmpty || isLetBinding(preceding) {
        return words(word, (isLetBinding(preceding) ? ["load"] : ["let", "load"]) + context.tableNames())
    }
    if preceding.hasSuffix("|") {
        return words(word, Vocabulary.verbs)
    }
    let previous = preceding.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).last.map(String.init) ?? ""
    if previous.lowercased() == "join" {
        return words(word, ["cross", "inner", "left"] + context.tableNames())
    }
    if ["inner", "left", "cross", "union"].contains(previous.lowercased()) {
        return words(word, context.tableNames())
    }

    let columns = context.columnNames(pipelinePrefix(String(before)))
    var candidates = matching(word, columns).map { CompletionCandidate(text: quotedIfNeeded($0), terminator: " ") }
    if !word.isEmpty || candidates.isEmpty {
        candidates += matching(word, Vocabulary.scalarFunctions + Vocabulary.aggregateFunctions + Vocabulary.windowFunctions)
            .map { CompletionCandidate(text: $0, terminator: "(") }
        candidates += matching(word, Vocabulary.keywords).map { CompletionCandidate(text: $0, terminator: " ") }
    }
    return Completion(word: word, candidates: unique(candidates))
}

private enum ScanState {
    case code
    case comment
    /// Inside a string literal opened at `start` (the index after the quote).
    case string(quote: Character, start: String.Index)
    /// Inside a backquoted name opened at `start` (the index of the backquote).
    case quotedName(start: String.Index)
}

/// The statement the cursor is in (after the last `;`) and the lexical state at its end.
private func scanStatement(_ text: String) -> (statement: Substring, state: ScanState) {
    var state = ScanState.code
    var statementStart = text.startIndex
    var i = text.startIndex
    var escaped = false
    while i < text.endIndex {
        let c = text[i]
        switch state {
        case .code:
            switch c {
            case "#": state = .comment
            case "\"", "'": state = .string(quote: c, start: text.index(after: i))
            case "`": state = .quotedName(start: i)
            case ";": statementStart = text.index(after: i)
            default: break
            }
        case .comment:
            if c == "\n" { state = .code }
        case .string(let quote, _):
            if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == quote { state = .code }
        case .quotedName:
            if c == "`" { state = .code }
        }
        i = text.index(after: i)
    }
    let statement = text[statementStart...]
    // Indices stay valid in the substring: it shares the base string's indices.
    return (statement.drop { $0 == " " || $0 == "\n" || $0 == "\t" }, state)
}

/// The pipeline text for `Session.columnNames(forPipelinePrefix:)`, without `let NAME =`.
private func pipelinePrefix(_ statement: String) -> String {
    let trimmed = statement.drop { $0.isWhitespace }
    guard trimmed.lowercased().hasPrefix("let"), let equals = trimmed.firstIndex(of: "="),
          isLetBinding(trimmed[...equals])
    else { return String(trimmed) }
    return String(trimmed[trimmed.index(after: equals)...].drop { $0.isWhitespace })
}

/// `let NAME =`
private func isLetBinding(_ text: Substring) -> Bool {
    let parts = text.split(whereSeparator: { $0.isWhitespace })
    if parts.count == 3 { return parts[0].lowercased() == "let" && parts[2] == "=" && isIdentifier(parts[1]) }
    if parts.count == 2 { return parts[0].lowercased() == "let" && parts[1].hasSuffix("=") && isIdentifier(parts[1].dropLast()) }
    return false
}

/// The name of the shell command that `text` (a statement prefix) starts with, if any.
private func shellCommand(in text: Substring) -> String? {
    guard text.hasPrefix(".") else { return nil }
    let name = text.dropFirst().prefix { !$0.isWhitespace }
    return Vocabulary.shellCommands.contains(String(name)) ? String(name) : nil
}

private func words(_ word: String, _ vocabulary: [String]) -> Completion {
    Completion(word: word, candidates: unique(matching(word, vocabulary).map { CompletionCandidate(text: $0, terminator: " ") }))
}

/// Case-insensitive prefix matches, in vocabulary order (keywords are case-insensitive; a
/// column typed in the wrong case is still found, and the completion fixes the case).
private func matching(_ word: String, _ vocabulary: [String]) -> [String] {
    let lowered = word.lowercased()
    return vocabulary.filter { $0.lowercased().hasPrefix(lowered) }
}

private func unique(_ candidates: [CompletionCandidate]) -> [CompletionCandidate] {
    var seen = Set<String>()
    return candidates.filter { seen.insert($0.text).inserted }
}

private func isIdentifierCharacter(_ c: Unicode.Scalar) -> Bool {
    c.isASCII && (c.properties.isAlphabetic || c == "_" || ("0"..."9").contains(c))
}

private func isIdentifier(_ text: Substring) -> Bool {
    guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
    return text.unicodeScalars.allSatisfy(isIdentifierCharacter)
}

/// Backquotes a column name that is not a plain identifier or could read as a keyword.
private func quotedIfNeeded(_ name: String) -> String {
    isIdentifier(Substring(name)) && !Vocabulary.keywords.contains(name.lowercased()) ? name : "`\(name)`"
}

/// Files and directories whose path starts with `partial` (relative to the working directory).
private func pathCandidates(_ partial: String, fileTerminator: String) -> [CompletionCandidate] {
    let directory: String
    let namePrefix: String
    if let slash = partial.lastIndex(of: "/") {
        directory = String(partial[...slash])
        namePrefix = String(partial[partial.index(after: slash)...])
    } else {
        directory = ""
        namePrefix = partial
    }
    let entries = directoryEntries(directory.isEmpty ? "." : directory)
        .filter { $0.name.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !$0.name.hasPrefix(".")) }
        .sorted { $0.name < $1.name }
    return entries.map {
        $0.isDirectory
            ? CompletionCandidate(text: directory + $0.name + "/", terminator: "")
            : CompletionCandidate(text: directory + $0.name, terminator: fileTerminator)
    }
}

private func directoryEntries(_ path: String) -> [(name: String, isDirectory: Bool)] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var entries: [(String, Bool)] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name == "." || name == ".." { continue }
        var info = stat()
        let full = path.hasSuffix("/") ? path + name : path + "/" + name
        let isDirectory = stat(full, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
        entries.append((name, isDirectory))
    }
    return entries
}

extension Substring {
    fileprivate var trimmingTrailingWhitespace: Substring {
        var s = self
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}
