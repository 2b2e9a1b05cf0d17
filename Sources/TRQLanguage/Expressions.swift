/// Binding strength of operators, weakest first (see "Expressions" in language.md).
enum Precedence: Int {
    case or = 1, and, not, comparison, additive, multiplicative, unary
}

extension Parser {
    // MARK: Expressions

    /// An expression in a stage where aggregates are not allowed.
    mutating func parseScalarExpression(in stage: String) throws(Diagnostic) -> Expr {
        aggregateRule = .forbidden(where: stage)
        return try parseExpression()
    }

    /// Precedence climbing: operands of tighter operators are parsed by a recursive call with a
    /// higher `minimum`, so recursion depth is bounded by the number of precedence levels, and a
    /// run like `a + a + ... + a` of any length is collected by the loop into one flat `.chain`.
    mutating func parseExpression(_ minimum: Precedence = .or) throws(Diagnostic) -> Expr {
        var head = minimum.rawValue <= Precedence.not.rawValue && current.isWord("not")
            ? try parseNot() : try parseUnary()
        var links: [ChainLink] = []
        var level: Precedence?
        while let (op, precedence) = binaryOperator(), precedence.rawValue >= minimum.rawValue {
            if precedence == .comparison {
                // Operands are parsed at a tighter level, so a comparison right after one is a chain.
                if level == .comparison { throw chainedComparison() }
                head = try parseComparison(Self.combine(head, links))
                links = []
                level = .comparison
                continue
            }
            if precedence != level, !links.isEmpty {
                head = Self.combine(head, links)
                links = []
            }
            level = precedence
            let at = current.at
            advance()
            let operand = try parseExpression(Precedence(rawValue: precedence.rawValue &+ 1) ?? .unary)
            links.append(ChainLink(op, operand, at: at))
        }
        return Self.combine(head, links)
    }

    /// `head` followed by `links`: itself, a `.binary`, or a `.chain` of three or more operands.
    static func combine(_ head: Expr, _ links: [ChainLink]) -> Expr {
        guard let first = links.first else { return head }
        if links.count == 1 { return .binary(first.op, head, first.operand, at: first.at) }
        return .chain(head, links, at: first.at)
    }

    @inline(never)
    func chainedComparison() -> Diagnostic {
        Diagnostic("comparisons cannot be chained: write 'a < b and b < c'", at: current.at)
    }

    /// The binary operator at the current token, if any. Comparison-like words (`in`, `not in`,
    /// `like`, `is`) report `.eq` as a placeholder: `parseComparison` reads them.
    func binaryOperator() -> (BinaryOp, Precedence)? {
        switch current.kind {
        case .symbol(let symbol):
            switch symbol {
            case .plus: return (.add, .additive)
            case .minus: return (.sub, .additive)
            case .star: return (.mul, .multiplicative)
            case .slash: return (.div, .multiplicative)
            case .percent: return (.mod, .multiplicative)
            case .eq, .ne, .lt, .le, .gt, .ge, .tilde: return (.eq, .comparison)
            default: return nil
            }
        case .word(let word):
            switch word.lowercased() {
            case "or": return (.or, .or)
            case "and": return (.and, .and)
            case "in", "not", "like", "is": return (.eq, .comparison)
            default: return nil
            }
        default:
            return nil
        }
    }

    @inline(never)
    mutating func enterNesting() throws(Diagnostic) {
        guard nesting < Parser.maxNesting else {
            throw Diagnostic(
                "expression nested too deeply (more than \(Parser.maxNesting) levels of parentheses, "
                    + "calls, lists or unary operators); split it into several derive steps",
                at: current.at)
        }
        nesting &+= 1
    }

    // The functions on the recursive path (parseExpression, parseNot, parseComparison,
    // parseInList, parseUnary, parsePrimary, parseParenthesized, parseCall, option values) keep
    // message building and rare cases in separate functions: unoptimized builds give every
    // string temporary its own stack slot, and these frames repeat once per nesting level.

    mutating func parseNot() throws(Diagnostic) -> Expr {
        let at = current.at
        try enterNesting()
        defer { nesting &-= 1 }
        advance()
        return .unary(.not, try parseExpression(.not), at: at)
    }

    /// The rest of a comparison whose left operand is parsed; the current token is the operator.
    mutating func parseComparison(_ left: Expr) throws(Diagnostic) -> Expr {
        let at = current.at
        if let op = comparisonOperator() {
            advance()
            return .binary(op, left, try parseExpression(.additive), at: at)
        }
        if accept(keyword: "in") {
            return .inList(left, try parseInList(), negated: false, at: at)
        }
        if accept(keyword: "is") { return try parseIsNull(left, at: at) }
        // `not in [..]` or `not like PATTERN`
        advance()
        if accept(keyword: "in") {
            return .inList(left, try parseInList(), negated: true, at: at)
        }
        let likeAt = current.at
        guard accept(keyword: "like") else { throw unexpected("'in' or 'like' after 'not'") }
        let pattern = try parseExpression(.additive)
        return .unary(.not, .binary(.like, left, pattern, at: likeAt), at: at)
    }

    /// The comparison operator at the current token that takes an expression on its right.
    func comparisonOperator() -> BinaryOp? {
        switch current.kind {
        case .symbol(.eq): return .eq
        case .symbol(.ne): return .ne
        case .symbol(.lt): return .lt
        case .symbol(.le): return .le
        case .symbol(.gt): return .gt
        case .symbol(.ge): return .ge
        case .symbol(.tilde): return .regex
        default: return current.isWord("like") ? .like : nil
        }
    }

    /// After `is`: `null` or `not null`.
    @inline(never)
    mutating func parseIsNull(_ left: Expr, at: SourceLocation) throws(Diagnostic) -> Expr {
        let negated = accept(keyword: "not")
        guard accept(keyword: "null") else { throw unexpected("'null' or 'not null' after 'is'") }
        return .isNull(left, negated: negated, at: at)
    }

    mutating func parseInList() throws(Diagnostic) -> [Expr] {
        let open = current.at
        guard current.isSymbol(.openBracket) else { throw unexpected("a list like [1, 2] after 'in'") }
        try enterNesting()
        defer { nesting &-= 1 }
        advance()
        var elements: [Expr] = []
        if accept(.closeBracket) { return elements }
        repeat {
            elements.append(try parseExpression())
        } while accept(.comma)
        try expect(.closeBracket, "',' or ']' to close the list opened at \(open)")
        return elements
    }

    mutating func parseUnary() throws(Diagnostic) -> Expr {
        guard current.isSymbol(.minus) else { return try parsePrimary() }
        let at = current.at
        try enterNesting()
        defer { nesting &-= 1 }
        advance()
        // `-3` is the literal -3 (so that -9223372036854775808 is an Int64), not negate(3).
        switch current.kind {
        case .integer, .float:
            return try parseNumber(negative: true, at: at)
        default:
            return .unary(.negate, try parseUnary(), at: at)
        }
    }

    mutating func parsePrimary() throws(Diagnostic) -> Expr {
        switch current.kind {
        case .symbol(.openParen):
            return try parseParenthesized()
        case .word(let word) where peek(1).isSymbol(.openParen):
            return try parseCall(word)
        default:
            return try parseAtom()
        }
    }

    mutating func parseParenthesized() throws(Diagnostic) -> Expr {
        let at = current.at
        try enterNesting()
        defer { nesting &-= 1 }
        advance()
        let inner = try parseExpression()
        try expect(.closeParen, "')' to close the '(' at \(at)")
        return inner
    }

    /// The current integer or float token as a literal, negated if a `-` preceded it at `at`.
    @inline(never)
    mutating func parseNumber(negative: Bool, at: SourceLocation) throws(Diagnostic) -> Expr {
        let token = current
        advance()
        switch token.kind {
        case .integer(let digits):
            return .literal(.int(try integer(digits, negative: negative, at: at)), at: at)
        case .float(let value, _):
            return .literal(.float(negative ? -value : value), at: at)
        default:
            throw Diagnostic("expected a number, found \(token.description)", at: token.at)
        }
    }

    /// A literal, a column, or an error for a token that cannot start an expression.
    @inline(never)
    mutating func parseAtom() throws(Diagnostic) -> Expr {
        let at = current.at
        switch current.kind {
        case .integer, .float:
            return try parseNumber(negative: false, at: at)
        case .string(let text):
            advance()
            return .literal(.string(text), at: at)
        case .variable(let name):
            advance()
            return .literal(.string(try substitute(name, at: at)), at: at)
        case .quotedName(let name):
            return try parseColumn(name)
        case .word(let word):
            switch word.lowercased() {
            case "true":
                advance()
                return .literal(.bool(true), at: at)
            case "false":
                advance()
                return .literal(.bool(false), at: at)
            case "null":
                advance()
                return .literal(.null, at: at)
            case let lowered where Vocabulary.expressionWords.contains(lowered):
                throw Diagnostic(
                    "expected an expression, found the keyword '\(word)' (a column with this name is written `\(word)`)",
                    at: at)
            default:
                return try parseColumn(word)
            }
        case .symbol(.openBracket):
            throw Diagnostic("a list [..] is only allowed after 'in' and as an option value", at: at)
        case .symbol(.openBrace):
            throw Diagnostic("a map { .. } is only allowed as an option value", at: at)
        default:
            throw unexpected("an expression")
        }
    }

    mutating func parseColumn(_ name: String) throws(Diagnostic) -> Expr {
        let at = current.at
        advance()
        return .column(name, at: at)
    }

    mutating func parseCall(_ written: String) throws(Diagnostic) -> Expr {
        let at = current.at
        let savedRule = aggregateRule
        defer { aggregateRule = savedRule }
        let (name, signature) = try resolveFunction(written)
        try enterNesting()
        defer { nesting &-= 1 }
        advance()
        advance()
        var arguments: [Expr] = []
        if !accept(.closeParen) {
            if name == "count", current.isSymbol(.star) { throw countStar() }
            repeat {
                arguments.append(try parseExpression())
            } while accept(.comma)
            try expect(.closeParen, "',' or ')' to close the call to '\(name)' at \(at)")
        }
        try checkArguments(arguments, of: name, signature, at: at)
        return .call(name, arguments, at: at)
    }

    /// The lower-cased name and signature of the function called at the current token; for an
    /// aggregate, checks that one is allowed here and switches the rule for its arguments.
    @inline(never)
    mutating func resolveFunction(_ written: String) throws(Diagnostic) -> (String, Vocabulary.Signature) {
        let at = current.at
        let name = written.lowercased()
        if let scalar = Vocabulary.scalarByName[name] { return (name, scalar) }
        if let window = Vocabulary.windowByName[name] {
            switch aggregateRule {
            case .window:
                aggregateRule = .insideAggregate(name: name)
                usesWindow = true
            case .insideAggregate(let outer):
                throw Diagnostic("window function '\(name)' cannot be used inside '\(outer)'", at: at)
            case .forbidden(let stage):
                throw Diagnostic(
                    "window function '\(name)' is not allowed in \(stage); it goes in derive or filter, "
                        + "like derive r = \(name)(...) per KEY by ORDER", at: at)
            case .aggregateItem:
                throw Diagnostic(
                    "window function '\(name)' is not allowed in an aggregate; it goes in derive or filter, "
                        + "like derive r = \(name)(...) per KEY by ORDER", at: at)
            }
            return (name, window)
        }
        guard let aggregate = Vocabulary.aggregateByName[name] else {
            let known = Vocabulary.scalarFunctions + Vocabulary.aggregateFunctions + Vocabulary.windowFunctions
            throw Diagnostic("unknown function '\(written)'\(suggestion(for: written, in: known))", at: at)
        }
        switch aggregateRule {
        case .forbidden(let stage):
            throw Diagnostic(
                "aggregate function '\(name)' is not allowed in \(stage); aggregates go in "
                    + "'groupby KEY, ... agg NAME = \(name)(...)', 'agg NAME = \(name)(...)' "
                    + "or, given to every row, 'derive NAME = \(name)(...) per KEY'",
                at: at)
        case .insideAggregate(let outer):
            throw Diagnostic("aggregate function '\(name)' cannot be used inside '\(outer)'", at: at)
        case .aggregateItem:
            aggregateRule = .insideAggregate(name: name)
        case .window:
            aggregateRule = .insideAggregate(name: name)
            usesWindow = true
        }
        return (name, aggregate)
    }

    @inline(never)
    func countStar() -> Diagnostic {
        Diagnostic("write count() to count rows, or count(x) to count the non-null values of x", at: current.at)
    }

    @inline(never)
    func checkArguments(_ arguments: [Expr], of name: String, _ signature: Vocabulary.Signature, at: SourceLocation) throws(Diagnostic) {
        let count = arguments.count
        if count < signature.minArguments || count > (signature.maxArguments ?? Int.max) {
            throw Diagnostic("function '\(name)' takes \(arityDescription(signature)), got \(count)", at: at)
        }
        if name == "lag" || name == "lead" {
            if count >= 2 {
                guard case .literal(.int(let n), _) = arguments[1] else {
                    throw Diagnostic("the offset of \(name) must be a whole number, like \(name)(x, 1)", at: arguments[1].location)
                }
                if n < 0 {
                    let other = name == "lag" ? "lead" : "lag"
                    var x = "x"
                    if case .column(let column, _) = arguments[0] { x = column }
                    throw Diagnostic(
                        "\(name)(\(x), \(n)): the offset must be 0 or more; for the other direction write \(other)(\(x), \(-n))",
                        at: arguments[1].location)
                }
            }
            if count == 3, case .literal = arguments[2] {} else if count == 3 {
                throw Diagnostic("the default of \(name) must be a constant, like \(name)(x, 1, 0)", at: arguments[2].location)
            }
        }
        if name == "rolling_mean" || name == "rolling_sum" {
            guard case .literal(.int(let n), _) = arguments[1], n >= 1 else {
                throw Diagnostic("the window of \(name) must be a whole number of rows ≥ 1, like \(name)(x, 7)", at: arguments[1].location)
            }
        }
        if name == "quantile" {
            let q = arguments[1]
            var fraction: Double?
            if case .literal(.float(let value), _) = q { fraction = value }
            if case .literal(.int(let value), _) = q { fraction = Double(value) }
            guard let fraction, fraction >= 0, fraction <= 1 else {
                throw Diagnostic("the second argument of quantile must be a number from 0 to 1, like quantile(x, 0.9)", at: q.location)
            }
        }
    }

    func arityDescription(_ signature: Vocabulary.Signature) -> String {
        let low = signature.minArguments
        let plural: (Int) -> String = { $0 == 1 ? "1 argument" : "\($0) arguments" }
        guard let high = signature.maxArguments else { return "at least \(plural(low))" }
        if high == low { return plural(low) }
        return "\(low) \(high == low &+ 1 ? "or" : "to") \(high) arguments"
    }

    // MARK: Literals in fixed places

    @inline(never)
    func integer(_ digits: String, negative: Bool, at: SourceLocation) throws(Diagnostic) -> Int64 {
        let text = negative ? "-" + digits : digits
        guard let value = Int64(text) else {
            throw Diagnostic(
                "integer \(text) does not fit in 64 bits (the limit is 9223372036854775807); write \(text).0 for a float",
                at: at)
        }
        return value
    }

    /// Text in a place that needs a literal string: a string, or a `$` variable.
    mutating func parseText(_ expected: String) throws(Diagnostic) -> String {
        let at = current.at
        switch current.kind {
        case .string(let text):
            advance()
            return text
        case .variable(let name):
            advance()
            return try substitute(name, at: at)
        default:
            throw unexpected(expected)
        }
    }

    /// The text of a string token or of a `$` variable token; nil for other tokens.
    func literalText() throws(Diagnostic) -> String? {
        switch current.kind {
        case .string(let text): return text
        case .variable(let name): return try substitute(name, at: current.at)
        default: return nil
        }
    }

    /// A literal number where the grammar needs one (`limit N`, `k N`, ...), as an `.int` literal.
    /// A string (as `$1` substitutes) holding a whole number is accepted and converted.
    mutating func parseWholeNumber(for keyword: String, minimum: Int64) throws(Diagnostic) -> Expr {
        let at = current.at
        let negative = accept(.minus)
        let value: Int64
        if case .integer(let digits) = current.kind {
            value = try integer(digits, negative: negative, at: at)
        } else if !negative, let text = try literalText() {
            guard let parsed = Int64(text) else {
                throw Diagnostic("'\(keyword)' needs a whole number, got \"\(text)\"", at: at)
            }
            value = parsed
        } else {
            throw unexpected("a whole number after '\(keyword)'")
        }
        guard value >= minimum else {
            throw Diagnostic("'\(keyword)' needs a whole number of at least \(minimum), got \(value)", at: at)
        }
        advance()
        return .literal(.int(value), at: at)
    }

    /// `test FRACTION`: a number strictly between 0 and 1, as a `.float` literal.
    mutating func parseFraction(for keyword: String) throws(Diagnostic) -> Expr {
        let at = current.at
        let value: Double?
        var written = current.description
        switch current.kind {
        case .float(let number, _):
            value = number
        case .integer(let digits):
            value = Double(digits)
        default:
            guard let text = try literalText() else {
                throw unexpected("a fraction between 0 and 1 after '\(keyword)', like \(keyword) 0.2")
            }
            value = Double(text)
            written = "\"\(text)\""
        }
        guard let value, value > 0, value < 1 else {
            throw Diagnostic("'\(keyword)' needs a fraction between 0 and 1 (exclusive), like \(keyword) 0.2; got \(written)", at: at)
        }
        advance()
        return .literal(.float(value), at: at)
    }

    /// A user or item id: a string or number literal (or a `$` variable).
    mutating func parseIdentifierLiteral(_ message: String) throws(Diagnostic) -> Expr {
        switch current.kind {
        case .string, .variable, .integer, .float, .symbol(.minus):
            let at = current.at
            let literal = try parseUnary()
            guard case .literal = literal else { throw Diagnostic(message, at: at) }
            return literal
        case .word(let word):
            throw Diagnostic("\(message); ids are quoted: \"\(word)\"", at: current.at)
        default:
            throw Diagnostic("\(message), found \(current.description)", at: current.at)
        }
    }

    // MARK: Options

    /// An optional `with NAME = VALUE, ...` clause.
    mutating func parseWithClause() throws(Diagnostic) -> [Option] {
        accept(keyword: "with") ? try parseOptionList() : []
    }

    /// `NAME = VALUE, ...` after `with`; names are keywords, so they are lower-cased.
    mutating func parseOptionList() throws(Diagnostic) -> [Option] {
        var options: [Option] = []
        var seen: [String: SourceLocation] = [:]
        repeat {
            let at = current.at
            guard case .word(let word) = current.kind else { throw unexpected("an option name after 'with' (NAME = VALUE)") }
            let name = word.lowercased()
            if let first = seen[name] {
                throw Diagnostic("option '\(name)' is given twice (first at \(first))", at: at)
            }
            seen[name] = at
            advance()
            try expect(.assign, "'=' after option '\(name)'")
            options.append(Option(name: name, value: try parseOptionValue(), at: at))
        } while accept(.comma)
        return options
    }

    /// A literal, a bare name (as `.column`, e.g. `int` in `{ streams: int }`), a list or a map.
    mutating func parseOptionValue() throws(Diagnostic) -> Expr {
        switch current.kind {
        case .symbol(.openBracket): return try parseListValue()
        case .symbol(.openBrace): return try parseMapValue()
        default: return try parseScalarOptionValue()
        }
    }

    mutating func parseScalarOptionValue() throws(Diagnostic) -> Expr {
        let at = current.at
        switch current.kind {
        case .integer, .float, .string, .variable:
            return try parseAtom()
        case .symbol(.minus):
            advance()
            switch current.kind {
            case .integer, .float: return try parseNumber(negative: true, at: at)
            default: throw unexpected("a number after '-'")
            }
        case .word(let word):
            advance()
            switch word.lowercased() {
            case "true": return .literal(.bool(true), at: at)
            case "false": return .literal(.bool(false), at: at)
            case "null": return .literal(.null, at: at)
            default: return .column(word, at: at)
            }
        case .quotedName(let name):
            advance()
            return .column(name, at: at)
        default:
            throw unexpected("an option value (a number, string, true/false/null, name, [list] or { map })")
        }
    }

    mutating func parseListValue() throws(Diagnostic) -> Expr {
        let at = current.at
        try enterNesting()
        defer { nesting &-= 1 }
        advance()
        var elements: [Expr] = []
        if !accept(.closeBracket) {
            repeat {
                elements.append(try parseOptionValue())
            } while accept(.comma)
            try expect(.closeBracket, "',' or ']' to close the list opened at \(at)")
        }
        return .list(elements, at: at)
    }

    mutating func parseMapValue() throws(Diagnostic) -> Expr {
        let at = current.at
        try enterNesting()
        defer { nesting &-= 1 }
        advance()
        var entries: [(key: String, value: Expr)] = []
        var seen: [String: SourceLocation] = [:]
        if !accept(.closeBrace) {
            repeat {
                let key = try parseMapKey(&seen)
                entries.append((key, try parseOptionValue()))
            } while accept(.comma)
            try expect(.closeBrace, "',' or '}' to close the map opened at \(at)")
        }
        return .map(entries, at: at)
    }

    /// `KEY :` in a map, rejecting a key seen before.
    mutating func parseMapKey(_ seen: inout [String: SourceLocation]) throws(Diagnostic) -> String {
        let at = current.at
        let key: String
        switch current.kind {
        case .word(let name), .quotedName(let name), .string(let name): key = name
        default: throw unexpected("a name in the map (like { streams: int })")
        }
        if let first = seen[key] {
            throw Diagnostic("'\(key)' appears twice in the map (first at \(first))", at: at)
        }
        seen[key] = at
        advance()
        try expect(.colon, "':' after '\(key)' in the map (like { \(key): int })")
        return key
    }

    // MARK: Variables

    /// The value of `$NAME` (`$1` is the key "1").
    @inline(never)
    func substitute(_ name: String, at: SourceLocation) throws(Diagnostic) -> String {
        if let value = variables[name] { return value }
        let known = variables.keys.sorted { a, b in
            switch (Int(a), Int(b)) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
        var message = "unknown variable '$\(name)'"
        if let near = nearestName(to: name, in: known.filter { Int($0) == nil }) {
            message += " (did you mean '$\(near)'?)"
        }
        message += known.isEmpty ? "; no variables are set" : "; known: " + known.map { "$" + $0 }.joined(separator: ", ")
        if let position = Int(name) {
            message += "; pass \(position) argument\(position == 1 ? "" : "s") after the script (trq FILE.trq ARG ...)"
        } else {
            message += "; set it with --set \(name)=VALUE"
        }
        throw Diagnostic(message, at: at)
    }
}
