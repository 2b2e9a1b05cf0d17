/// Parses trq source text into statements. Throws the first error in the text (lexical or
/// syntactic), located at its line and column (1-based, in Unicode scalars).
///
/// What the tree guarantees, beyond language.md:
/// - Positions: a node is at its first token, except operators, which are at the operator
///   (`a + b` at `+`, `x in [..]` at `in`, `x not in [..]` / `x not like p` at `not`,
///   `x is null` at `is`); `-3` is one literal at its `-`. `ChainLink.at` is its operator.
/// - Three or more operands of one precedence level (`a + b - c`, `p and q and r`) form one
///   flat `Expr.chain`, evaluated left to right; two form a `.binary`. Parentheses start a new
///   expression: `(a + b) + c` is binary(binary, c).
/// - Nesting (parentheses, calls, lists, maps, unary `-`/`not`) is limited to
///   `Parser.maxNesting` (256) levels, so trees are shallow: recursive walks are safe.
/// - Function names are lower-cased and known (`Vocabulary`), with a valid argument count;
///   `quantile`'s second argument is a literal in [0, 1].
/// - Each `agg` / `groupby ... agg` item is exactly one aggregate call (`NamedExpr.expr` is a
///   `.call` of an aggregate) whose arguments hold no aggregate; aggregates appear nowhere
///   else. Item names are unique and differ from the groupby keys.
/// - `limit`, `top`, `k`, `bins`, `seed` are `.int` literals (k, bins >= 1; others >= 0) and
///   `test` a `.float` literal in (0, 1); a string there (as `$1` gives) is converted.
/// - Option names are lower-cased and unique; values are literals, `.column` names
///   (`{ streams: int }`, `model = als`), `.list`s or `.map`s. Which options exist is the
///   engine's to check.
/// - Names are unique within one `select`, `derive`, `rename` or `fillna`; `select a + 1`
///   without a name is an error. `fillna` values
///   are literals (a negative number folded), one per column.
/// - Shell command names are lower-cased and known; arguments are checked (`.mode` and `.timer`
///   values lower-cased, `.rows` a whole number); an unquoted `$X` argument is substituted.
///
/// `$1`, `$2`, ... and `$NAME` are replaced by string literals from `variables` (keys "1", "2",
/// "NAME", without the dollar sign); an unknown one is an error that lists the known ones.
/// Inside quotes, `$` is an ordinary character.
public func parse(_ source: String, variables: [String: String] = [:]) throws(Diagnostic) -> [Statement] {
    do throws(Diagnostic) {
        var lexer = Lexer(source)
        var parser = Parser(tokens: lexer.tokenize(), variables: variables)
        let statements: [Statement]
        do {
            statements = try parser.parseProgram()
        } catch {
            // The tokens stop at a lexical error: a syntax error before it comes first.
            if let lexical = lexer.error, !isBefore(error.at, lexical.at) { throw lexical }
            throw error
        }
        if let lexical = lexer.error { throw lexical }
        return statements
    } catch {
        var located = error
        located.kind = .parse
        throw located
    }
}

private func isBefore(_ a: SourceLocation?, _ b: SourceLocation?) -> Bool {
    guard let a, let b else { return false }
    return (a.line, a.column) < (b.line, b.column)
}

/// For the REPL: whether `source` needs another line before it can be parsed, because a string,
/// `(`, `[` or `{` is still open or the last line ends with `|` or `,`. Any other error in the
/// text makes this false, so that the error is reported at once.
public func isIncomplete(_ source: String) -> Bool {
    var lexer = Lexer(source)
    let tokens = lexer.tokenize()
    if lexer.error != nil { return lexer.endedInsideString }
    if lexer.openBrackets > 0 { return true }
    guard tokens.count >= 2 else { return false }
    let last = tokens[tokens.count - 2]
    return last.isSymbol(.pipe) || last.isSymbol(.comma)
}

/// Decodes script bytes as UTF-8 (skipping a byte-order mark), rejecting invalid UTF-8 with the
/// line and column of the first bad byte. The column counts Unicode scalars, so it matches the
/// text `String(decoding: bytes, as: UTF8.self)` shows for `Diagnostic.rendered(file:source:)`.
public func decodeSource(_ bytes: [UInt8], file: String) throws(Diagnostic) -> String {
    let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
    var iterator = body.makeIterator()
    var decoder = UTF8()
    var offset = body.startIndex
    var line = 1
    var column = 1
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar):
            offset &+= UTF8.width(scalar)
            if scalar == "\n" {
                line &+= 1
                column = 1
            } else {
                column &+= 1
            }
        case .error:
            let byte = offset < bytes.count ? bytes[offset] : 0
            let hex = String(byte, radix: 16, uppercase: true)
            throw Diagnostic(
                "\(file) is not valid UTF-8: byte 0x\(hex.count < 2 ? "0" + hex : hex) here cannot be decoded; "
                    + "save the script as UTF-8",
                at: SourceLocation(line: line, column: column), kind: .parse)
        case .emptyInput:
            return String(decoding: body, as: UTF8.self)
        }
    }
}
