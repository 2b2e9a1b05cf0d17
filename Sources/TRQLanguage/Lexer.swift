/// Punctuation and operators.
enum Symbol: String, Sendable {
    case pipe = "|", comma = ",", colon = ":"
    case openParen = "(", closeParen = ")", openBracket = "[", closeBracket = "]"
    case openBrace = "{", closeBrace = "}"
    case assign = "="
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%", tilde = "~"
}

/// A word of a shell command line (`.read "my file.trq"`), quotes removed.
struct CommandArgument: Sendable {
    var text: String
    var at: SourceLocation
    /// `$NAME` written unquoted: substituted by the parser.
    var isVariable: Bool
}

struct Token: Sendable {
    enum Kind: Sendable {
        /// An identifier or keyword, as written (keywords are matched case-insensitively).
        case word(String)
        /// A backtick-quoted name: always a name, never a keyword.
        case quotedName(String)
        case string(String)
        /// Decimal digits, underscores removed; converted by the parser, which knows whether a
        /// minus sign precedes it (so that -9223372036854775808 fits).
        case integer(String)
        case float(Double, text: String)
        /// `$1` or `$NAME`, without the dollar sign.
        case variable(String)
        case symbol(Symbol)
        /// End of a statement: a newline or `;`.
        case end(isNewline: Bool)
        /// A whole `.COMMAND ARGS` line.
        case command(name: String, arguments: [CommandArgument])
        case endOfInput
    }

    var kind: Kind
    var at: SourceLocation

    /// How the token is named in error messages.
    var description: String {
        switch kind {
        case .word(let text): return "'\(text)'"
        case .quotedName(let text): return "`\(text)`"
        case .string(let text): return "string \"\(text.count > 30 ? String(text.prefix(30)) + "..." : text)\""
        case .integer(let text): return "number \(text)"
        case .float(_, let text): return "number \(text)"
        case .variable(let name): return "'$\(name)'"
        case .symbol(let symbol): return "'\(symbol.rawValue)'"
        case .end(let isNewline): return isNewline ? "end of line" : "';'"
        case .command(let name, _): return "command '.\(name)'"
        case .endOfInput: return "end of input"
        }
    }

    func isWord(_ keyword: String) -> Bool {
        if case .word(let text) = kind { return text.lowercased() == keyword }
        return false
    }

    func isSymbol(_ symbol: Symbol) -> Bool {
        if case .symbol(let s) = kind { return s == symbol }
        return false
    }

    var isEndOfStatement: Bool {
        switch kind {
        case .end, .endOfInput: return true
        default: return false
        }
    }
}

/// Splits source text into tokens and decides where statements end (see the continuation
/// rules in language.md): newlines inside brackets, after a trailing `|` or `,`, or before a
/// line starting with `|` do not end a statement.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1
    private(set) var tokens: [Token] = []
    /// Open `(`, `[` and `{` not yet closed (mismatches are the parser's to report).
    private(set) var openBrackets = 0
    /// Set when lexing stopped because a string literal was still open at the end of the text.
    private(set) var endedInsideString = false
    /// The first lexical error; the tokens end there.
    private(set) var error: Diagnostic?
    /// Cache for `nextLineStartsWithPipe`: every newline before `end` has the same answer.
    private var pipeLookahead: (end: Int, answer: Bool)?

    init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    private var location: SourceLocation { SourceLocation(line: line, column: column) }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = index &+ offset
        return i < scalars.count ? scalars[i] : nil
    }

    private mutating func advance() {
        guard index < scalars.count else { return }
        if scalars[index] == "\n" {
            line &+= 1
            column = 1
        } else {
            column &+= 1
        }
        index &+= 1
    }

    private var atStatementStart: Bool {
        guard let last = tokens.last else { return true }
        if case .end = last.kind { return true }
        return false
    }

    /// The tokens up to the end of the text or up to the first lexical error (see `error`),
    /// always ending with `.endOfInput`. The parser reports whichever error comes first.
    mutating func tokenize() -> [Token] {
        do {
            try lexAll()
        } catch {
            self.error = error
            tokens.append(Token(kind: .endOfInput, at: error.at ?? location))
        }
        return tokens
    }

    private mutating func lexAll() throws(Diagnostic) {
        // An error at the end of input points just after the last token, not at a blank line below.
        var lastTokenEnd: SourceLocation?
        while let c = peek() {
            let start = location
            defer {
                if let last = tokens.last, last.at == start, !last.isEndOfStatement { lastTokenEnd = location }
            }
            switch c {
            case " ", "\t", "\r", "\u{0C}", "\u{FEFF}":
                advance()
            case "#":
                skipComment()
            case "\n":
                advance()
                if statementContinues() { continue }
                appendEnd(isNewline: true, at: start)
            case ";":
                advance()
                openBrackets = 0
                appendEnd(isNewline: false, at: start)
            case "." where atStatementStart:
                try lexCommand()
            case "\"", "'":
                let text = try lexString(quote: c)
                tokens.append(Token(kind: .string(text), at: start))
            case "`":
                let name = try lexQuotedName()
                tokens.append(Token(kind: .quotedName(name), at: start))
            case "$":
                let name = try lexVariableName()
                tokens.append(Token(kind: .variable(name), at: start))
            case "0"..."9":
                tokens.append(try lexNumber())
            case _ where isIdentifierStart(c):
                tokens.append(Token(kind: .word(lexIdentifier()), at: start))
            default:
                try lexSymbol(c, at: start)
            }
        }
        tokens.append(Token(kind: .endOfInput, at: lastTokenEnd ?? location))
    }

    private mutating func appendEnd(isNewline: Bool, at: SourceLocation) {
        // Empty statements carry no meaning; collapsing them keeps blank lines cheap.
        guard !atStatementStart else { return }
        tokens.append(Token(kind: .end(isNewline: isNewline), at: at))
    }

    private mutating func skipComment() {
        while let c = peek(), c != "\n" { advance() }
    }

    /// Whether the newline just consumed continues the current statement.
    private mutating func statementContinues() -> Bool {
        if openBrackets > 0 { return true }
        guard let last = tokens.last else { return false }
        switch last.kind {
        case .symbol(.pipe), .symbol(.comma): return true
        case .end: return false
        default: return nextLineStartsWithPipe()
        }
    }

    /// Whether the next line that is neither blank nor only a comment begins with `|`.
    private mutating func nextLineStartsWithPipe() -> Bool {
        if let cached = pipeLookahead, index <= cached.end { return cached.answer }
        var i = index
        var answer = false
        scan: while i < scalars.count {
            switch scalars[i] {
            case " ", "\t", "\r", "\n", "\u{0C}":
                i &+= 1
            case "#":
                while i < scalars.count, scalars[i] != "\n" { i &+= 1 }
            case "|":
                answer = true
                break scan
            default:
                break scan
            }
        }
        pipeLookahead = (i, answer)
        return answer
    }

    private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_"
    }

    private func isIdentifierContinuation(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || ("0"..."9").contains(c)
    }

    private mutating func lexIdentifier() -> String {
        var text = String.UnicodeScalarView()
        while let c = peek(), isIdentifierContinuation(c) {
            text.append(c)
            advance()
        }
        return String(text)
    }

    private mutating func lexString(quote: Unicode.Scalar) throws(Diagnostic) -> String {
        let start = location
        advance()
        var text = String.UnicodeScalarView()
        while true {
            guard let c = peek() else {
                endedInsideString = true
                throw Diagnostic(
                    "unterminated string: no closing \(quote) for the one opened here", at: start)
            }
            if c == quote {
                advance()
                return String(text)
            }
            if c == "\\" {
                let escapeAt = location
                advance()
                switch peek() {
                case "\\": text.append("\\")
                case "\"": text.append("\"")
                case "'": text.append("'")
                case "n": text.append("\n")
                case "t": text.append("\t")
                case nil:
                    endedInsideString = true
                    throw Diagnostic(
                        "unterminated string: no closing \(quote) for the one opened here", at: start)
                case let other?:
                    let shown = other == "\n" ? "\\ at the end of a line" : "'\\\(other)'"
                    throw Diagnostic(
                        "unknown escape \(shown) in string; the escapes are \\\\ \\\" \\' \\n \\t "
                            + "(write \\\\ for a backslash, or use / in paths)",
                        at: escapeAt)
                }
                advance()
                continue
            }
            text.append(c)
            advance()
        }
    }

    private mutating func lexQuotedName() throws(Diagnostic) -> String {
        let start = location
        advance()
        var text = String.UnicodeScalarView()
        while true {
            guard let c = peek(), c != "\n" else {
                throw Diagnostic("unterminated quoted name: no closing ` on this line", at: start)
            }
            advance()
            if c == "`" { break }
            text.append(c)
        }
        if text.isEmpty { throw Diagnostic("empty quoted name ``", at: start) }
        return String(text)
    }

    private mutating func lexVariableName() throws(Diagnostic) -> String {
        let start = location
        advance()
        var text = String.UnicodeScalarView()
        if let c = peek(), ("0"..."9").contains(c) {
            while let d = peek(), ("0"..."9").contains(d) {
                text.append(d)
                advance()
            }
        } else if let c = peek(), isIdentifierStart(c) {
            return lexIdentifier()
        }
        if text.isEmpty {
            throw Diagnostic("expected a variable name after '$' (like $1 or $NAME)", at: start)
        }
        return String(text)
    }

    private func isDigit(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return ("0"..."9").contains(c)
    }

    /// Digits with single underscores between them (`1_000_000`).
    private mutating func lexDigits(into text: inout String.UnicodeScalarView, written: inout String.UnicodeScalarView) {
        while let c = peek() {
            if isDigit(c) {
                text.append(c)
            } else if c == "_", isDigit(peek(1)) {
                // only a separator when a digit follows
            } else {
                break
            }
            written.append(c)
            advance()
        }
    }

    private mutating func lexNumber() throws(Diagnostic) -> Token {
        let start = location
        var text = String.UnicodeScalarView()
        var written = String.UnicodeScalarView()
        var isFloat = false
        lexDigits(into: &text, written: &written)
        if peek() == ".", isDigit(peek(1)) {
            isFloat = true
            text.append("."); written.append(".")
            advance()
            lexDigits(into: &text, written: &written)
        }
        if let e = peek(), e == "e" || e == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if isDigit(peek(signed ? 2 : 1)) {
                isFloat = true
                text.append("e"); written.append(e)
                advance()
                if signed, let sign = peek() {
                    text.append(sign); written.append(sign)
                    advance()
                }
                lexDigits(into: &text, written: &written)
            }
        }
        if let c = peek(), isIdentifierContinuation(c) || c == "." {
            while let c = peek(), isIdentifierContinuation(c) || c == "." {
                written.append(c)
                advance()
            }
            throw Diagnostic("malformed number '\(String(written))'", at: start)
        }
        let digits = String(text)
        guard isFloat else { return Token(kind: .integer(digits), at: start) }
        guard let value = Double(digits), value.isFinite else {
            throw Diagnostic("number '\(String(written))' is too large for a 64-bit float", at: start)
        }
        return Token(kind: .float(value, text: String(written)), at: start)
    }

    private mutating func lexSymbol(_ c: Unicode.Scalar, at start: SourceLocation) throws(Diagnostic) {
        let next = peek(1)
        let symbol: Symbol
        var width = 1
        switch c {
        case "|":
            if next == "|" { throw Diagnostic("'||' is not an operator: write 'or' ('|' separates stages)", at: start) }
            symbol = .pipe
        case ",": symbol = .comma
        case ":": symbol = .colon
        case "(": symbol = .openParen
        case ")": symbol = .closeParen
        case "[": symbol = .openBracket
        case "]": symbol = .closeBracket
        case "{": symbol = .openBrace
        case "}": symbol = .closeBrace
        case "=":
            if next == "=" { symbol = .eq; width = 2 } else { symbol = .assign }
        case "!":
            guard next == "=" else { throw Diagnostic("unexpected '!': write 'not' to negate, '!=' to compare", at: start) }
            symbol = .ne; width = 2
        case "<":
            if next == ">" { throw Diagnostic("'<>' is not an operator: write '!=' for 'not equal'", at: start) }
            if next == "=" { symbol = .le; width = 2 } else { symbol = .lt }
        case ">":
            if next == "=" { symbol = .ge; width = 2 } else { symbol = .gt }
        case "&":
            throw Diagnostic("unexpected '&': write 'and'", at: start)
        case "+": symbol = .plus
        case "-": symbol = .minus
        case "*": symbol = .star
        case "/": symbol = .slash
        case "%": symbol = .percent
        case "~": symbol = .tilde
        case ".":
            throw Diagnostic(
                "unexpected '.': shell commands (.help, .tables, ...) must start a statement", at: start)
        default:
            let hex = String(c.value, radix: 16, uppercase: true)
            let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            let printable = c.value > 0x20 && c.properties.generalCategory != .control
                && !c.properties.isWhitespace
            throw Diagnostic(
                "unexpected character \(printable ? "'\(c)' " : "")(\(code)); "
                    + "names with characters other than letters, digits and _ are written in backticks, like `my name`",
                at: start)
        }
        if symbol == .openParen || symbol == .openBracket || symbol == .openBrace { openBrackets &+= 1 }
        if symbol == .closeParen || symbol == .closeBracket || symbol == .closeBrace { openBrackets = max(0, openBrackets &- 1) }
        for _ in 0..<width { advance() }
        tokens.append(Token(kind: .symbol(symbol), at: start))
    }

    /// `.NAME ARGS` up to the end of the line, `;` or a `#` comment (outside quotes).
    private mutating func lexCommand() throws(Diagnostic) {
        let start = location
        advance()
        guard let c = peek(), isIdentifierStart(c) else {
            throw Diagnostic(
                "expected a command name after '.'; commands: "
                    + Vocabulary.shellCommands.map { "." + $0 }.joined(separator: " "),
                at: start)
        }
        let name = lexIdentifier()
        var arguments: [CommandArgument] = []
        while let c = peek(), c != "\n", c != ";", c != "#" {
            if c == " " || c == "\t" || c == "\r" {
                advance()
                continue
            }
            let argumentStart = location
            if c == "\"" || c == "'" {
                let text = try lexString(quote: c)
                arguments.append(CommandArgument(text: text, at: argumentStart, isVariable: false))
                continue
            }
            var text = String.UnicodeScalarView()
            while let d = peek(), d != " ", d != "\t", d != "\r", d != "\n", d != ";", d != "#" {
                text.append(d)
                advance()
            }
            var word = String(text)
            let isVariable = word.hasPrefix("$") && word.count > 1
            if isVariable { word.removeFirst() }
            arguments.append(CommandArgument(text: word, at: argumentStart, isVariable: isVariable))
        }
        tokens.append(Token(kind: .command(name: name, arguments: arguments), at: start))
    }
}
