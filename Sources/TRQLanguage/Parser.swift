/// Recursive-descent parser over the lexer's tokens. Statements and stages are here; expressions,
/// option values and literal slots are in Expressions.swift.
///
/// Positions: every node carries the position of its first token, except operators, which carry
/// the position of the operator token (`a + b` is at `+`, `x in [..]` at `in`, `x not in [..]`
/// at `not`, `x is null` at `is`); a negative number literal `-3` is at its `-`.
struct Parser {
    /// Deepest nesting of parentheses, calls, lists, maps and unary operators. Recursion is only
    /// through these, a few frames per level (measured: about 2 KB of stack per level in release
    /// builds, 8 KB in debug builds, so 256 levels fit easily in the 8 MB thread stacks of
    /// Linux); runs of binary operators are parsed by loops and do not count.
    static let maxNesting = 256

    let tokens: [Token]
    var position = 0
    let variables: [String: String]
    var nesting = 0
    /// Where aggregate calls are allowed in the expression being parsed.
    var aggregateRule: AggregateRule = .forbidden(where: "an expression")
    /// Whether the derive or filter being parsed calls an aggregate or a window function.
    var usesWindow = false

    enum AggregateRule {
        case forbidden(where: String)
        /// An agg item: aggregates anywhere, but not inside each other.
        case aggregateItem
        /// Inside the arguments of an aggregate: no other aggregate.
        case insideAggregate(name: String)
        /// derive or filter: aggregates over partitions and window functions, not nested.
        case window(stage: String)
    }

    init(tokens: [Token], variables: [String: String]) {
        self.tokens = tokens
        self.variables = variables
    }

    // MARK: Token access

    /// The lexer always ends the list with `.endOfInput`, and `advance` never moves past it.
    var current: Token { tokens[position] }

    func peek(_ offset: Int) -> Token {
        tokens[min(position &+ offset, tokens.count &- 1)]
    }

    mutating func advance() {
        if position < tokens.count &- 1 { position &+= 1 }
    }

    /// Consumes `symbol` if it is next.
    mutating func accept(_ symbol: Symbol) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        advance()
        return true
    }

    /// Consumes the keyword if it is next.
    mutating func accept(keyword: String) -> Bool {
        guard current.isWord(keyword) else { return false }
        advance()
        return true
    }

    mutating func expect(_ symbol: Symbol, _ expected: @autoclosure () -> String) throws(Diagnostic) {
        guard accept(symbol) else { throw unexpected(expected()) }
    }

    @inline(never)
    func unexpected(_ expected: String) -> Diagnostic {
        var message = "expected \(expected), found \(current.description)"
        if case .end(isNewline: true) = current.kind {
            message += " (a statement continues on the next line only after a trailing '|' or ',', "
                + "inside ( ) or [ ], or when the next line starts with '|')"
        }
        return Diagnostic(message, at: current.at)
    }

    /// `unexpected`, plus the nearest of `candidates` when the token is a misspelt word.
    @inline(never)
    func unexpected(_ expected: String, suggesting candidates: [String]) -> Diagnostic {
        var diagnostic = unexpected(expected)
        if case .word(let word) = current.kind { diagnostic.message += suggestion(for: word, in: candidates) }
        return diagnostic
    }

    var atName: Bool {
        switch current.kind {
        case .word, .quotedName: return true
        default: return false
        }
    }

    // MARK: Statements

    mutating func parseProgram() throws(Diagnostic) -> [Statement] {
        var statements: [Statement] = []
        while true {
            switch current.kind {
            case .endOfInput:
                return statements
            case .end:
                advance()
            default:
                statements.append(try parseStatement())
            }
        }
    }

    mutating func parseStatement() throws(Diagnostic) -> Statement {
        if case .command(let name, let arguments) = current.kind {
            let at = current.at
            advance()
            return try parseCommand(name: name, arguments: arguments, at: at)
        }
        if current.isWord("let"), case .word = peek(1).kind {
            return try parseBinding()
        }
        // `explain` is a keyword only where a pipeline follows (a table may be named explain).
        if current.isWord("explain"), !peek(1).isSymbol(.pipe), !peek(1).isEndOfStatement {
            advance()
            return .explain(try parsePipeline())
        }
        return .run(try parsePipeline())
    }

    mutating func parseBinding() throws(Diagnostic) -> Statement {
        let at = current.at
        advance()
        guard case .word(let name) = current.kind else { throw unexpected("a table name after 'let'") }
        let lowered = name.lowercased()
        if name == "_" {
            throw Diagnostic("'_' names the last result and cannot be bound with let; choose another name", at: current.at)
        }
        if lowered == "let" || lowered == "load" {
            throw Diagnostic("'\(name)' is a keyword and cannot name a table; choose another name", at: current.at)
        }
        advance()
        try expect(.assign, "'=' after 'let \(name)'")
        return .bind(name: name, pipeline: try parsePipeline(), at: at)
    }

    mutating func parsePipeline() throws(Diagnostic) -> Pipeline {
        let at = current.at
        let (source, sourceName) = try parseSource()
        var stages: [Stage] = []
        var previous = sourceName
        while true {
            if accept(.pipe) {
                let (stage, verb) = try parseStage()
                stages.append(stage)
                previous = "the '\(verb)' stage"
            } else if current.isEndOfStatement {
                return Pipeline(source: source, stages: stages, at: at)
            } else {
                var message = "unexpected \(current.description) after \(previous); stages are separated by '|'"
                if current.isSymbol(.assign) { message += " (to compare, write '==')" }
                throw Diagnostic(message, at: current.at)
            }
        }
    }

    /// The source and how to name it in messages.
    mutating func parseSource() throws(Diagnostic) -> (Source, String) {
        let at = current.at
        switch current.kind {
        case .word(let word) where word.lowercased() == "load":
            advance()
            let path = try parseText("a quoted path after 'load', like load \"data.csv\"")
            let options = try parseWithClause()
            return (.load(path: path, options: options, at: at), "the load source")
        case .word(let word):
            let next = peek(1)
            let followedByStage = next.isSymbol(.pipe) || next.isEndOfStatement
            if !followedByStage, Vocabulary.verbs.contains(word.lowercased()) {
                throw Diagnostic(
                    "a pipeline starts with load \"PATH\" or a table name; '\(word)' is a stage: "
                        + "write 'TABLE | \(word) ...' (or '_ | \(word) ...' for the last result)",
                    at: at)
            }
            if case .string = next.kind, let near = nearestName(to: word, in: ["load"]) {
                throw Diagnostic("unknown source '\(word)' (did you mean '\(near)'?)", at: at)
            }
            advance()
            return (.table(name: word, at: at), "table '\(word)'")
        case .quotedName(let name):
            advance()
            return (.table(name: name, at: at), "table `\(name)`")
        default:
            throw unexpected("a statement (load \"PATH\", a table name, let NAME = ..., or a .command)")
        }
    }

    // MARK: Stages

    /// The stage and its verb, lower-cased.
    mutating func parseStage() throws(Diagnostic) -> (Stage, String) {
        let at = current.at
        guard case .word(let word) = current.kind else {
            throw unexpected("a stage name after '|' (\(Vocabulary.verbs.joined(separator: ", ")))")
        }
        let verb = word.lowercased()
        advance()
        let kind: Stage.Kind
        switch verb {
        case "filter":
            usesWindow = false
            aggregateRule = .window(stage: "filter")
            let condition = try parseExpression()
            kind = try parseWindowClauses(.filter(condition), plain: .filter(condition))
        case "select":
            kind = .select(try parseNamedExpressions(stage: "select", allowBareColumns: true))
        case "derive":
            usesWindow = false
            let items = try parseNamedExpressions(stage: "derive", allowBareColumns: false, windowed: true)
            kind = try parseWindowClauses(.derive(items), plain: .derive(items))
        case "drop":
            kind = .drop(try parseColumnList("a column to drop"))
        case "rename":
            kind = .rename(try parseRenames())
        case "groupby":
            kind = try parseGroupBy()
        case "agg":
            kind = .agg(try parseAggregateItems(stage: "agg"))
        case "sort":
            kind = .sort(try parseSortKeys())
        case "top":
            kind = try parseTop()
        case "limit":
            kind = .limit(try parseWholeNumber(for: "limit", minimum: 0))
        case "distinct":
            kind = .distinct(atName ? try parseColumnList("a column") : [])
        case "dropna":
            kind = .dropna(atName ? try parseColumnList("a column") : [])
        case "fillna":
            kind = .fillna(try parseFills())
        case "join":
            kind = try parseJoin()
        case "union":
            var tables: [ColumnRef] = []
            repeat {
                let at = current.at
                tables.append(ColumnRef(name: try parseTableName(after: tables.isEmpty ? "union" : "','"), at: at))
            } while accept(.comma)
            kind = .union(tables)
        case "pivot":
            kind = try parsePivot()
        case "unpivot":
            let columns = try parseColumnList("a column to unpivot (unpivot COL, ... into NAME, VALUE)")
            guard accept(keyword: "into") else {
                throw unexpected("'into NAME, VALUE' after the unpivoted columns (unpivot COL, ... into NAME, VALUE)")
            }
            let name = try parseColumnReference("the name of the column that gets the column names, after 'into'")
            try expect(.comma, "',' and the name of the value column (unpivot COL, ... into NAME, VALUE)")
            let value = try parseColumnReference("the name of the value column (unpivot COL, ... into NAME, VALUE)")
            if name.name == value.name {
                throw Diagnostic("unpivot's name and value columns are both called '\(name.name)'; give them different names", at: value.at)
            }
            kind = .unpivot(columns: columns, name: name.name, value: value.name)
        case "describe":
            kind = .describe
        case "collect":
            kind = .collect
        case "recommend":
            kind = try parseRecommend()
        case "classify":
            kind = try parseClassify()
        case "cluster":
            kind = try parseCluster()
        case "plot":
            kind = try parsePlot()
        case "save":
            let path = try parseText("a quoted path after 'save', like save \"out.csv\"")
            kind = .save(path: path, options: try parseWithClause())
        case "load":
            throw Diagnostic("'load' starts a pipeline and cannot follow '|'; to combine two tables, bind one with let and use join", at: at)
        default:
            throw Diagnostic("unknown stage '\(word)'\(suggestion(for: word, in: Vocabulary.verbs))", at: at)
        }
        return (Stage(kind, at: at), verb)
    }

    mutating func parseColumnReference(_ expected: String) throws(Diagnostic) -> ColumnRef {
        let at = current.at
        switch current.kind {
        case .word(let name), .quotedName(let name):
            advance()
            return ColumnRef(name: name, at: at)
        default:
            throw unexpected(expected)
        }
    }

    mutating func parseColumnList(_ expected: String) throws(Diagnostic) -> [ColumnRef] {
        var columns = [try parseColumnReference(expected)]
        while accept(.comma) { columns.append(try parseColumnReference(expected)) }
        return columns
    }

    /// A name followed by `=`, as in `name = EXPR`; nil (consuming nothing) if not there.
    mutating func parseAssignedName() -> (name: String, at: SourceLocation)? {
        guard peek(1).isSymbol(.assign) else { return nil }
        switch current.kind {
        case .word(let name), .quotedName(let name):
            let at = current.at
            advance()
            advance()
            return (name, at)
        default:
            return nil
        }
    }

    /// `name = EXPR, ...`; `windowed` allows aggregates and window functions (derive).
    mutating func parseNamedExpressions(stage: String, allowBareColumns: Bool, windowed: Bool = false) throws(Diagnostic) -> [NamedExpr] {
        var items: [NamedExpr] = []
        var seen: [String: SourceLocation] = [:]
        repeat {
            let item: NamedExpr
            let nameAt: SourceLocation
            if let (name, at) = parseAssignedName() {
                if windowed { aggregateRule = .window(stage: stage) }
                item = NamedExpr(name: name, expr: windowed ? try parseExpression() : try parseScalarExpression(in: stage))
                nameAt = at
            } else if allowBareColumns, !current.isEndOfStatement, !current.isSymbol(.pipe) {
                let expr = try parseScalarExpression(in: stage)
                guard case .column(let name, let at) = expr else {
                    throw Diagnostic("this \(stage) item needs a name: write 'name = EXPR'", at: expr.location)
                }
                item = NamedExpr(name: name, expr: expr)
                nameAt = at
            } else {
                throw unexpected(allowBareColumns ? "a column or 'name = EXPR' in \(stage)" : "'name = EXPR' in \(stage)")
            }
            try checkUnique(item.name, at: nameAt, in: &seen, stage: stage)
            items.append(item)
        } while accept(.comma)
        return items
    }

    /// `col = LITERAL, ...`
    mutating func parseFills() throws(Diagnostic) -> [NamedExpr] {
        var fills: [NamedExpr] = []
        var seen: [String: SourceLocation] = [:]
        repeat {
            guard let (name, at) = parseAssignedName() else { throw unexpected("'column = VALUE' in fillna") }
            try checkUnique(name, at: at, in: &seen, stage: "fillna")
            let value = try parseScalarOptionValue()
            guard case .literal = value else {
                throw Diagnostic(
                    "fillna takes a literal value, like fillna \(name) = 0; to fill from another column use derive \(name) = coalesce(\(name), OTHER)",
                    at: value.location)
            }
            fills.append(NamedExpr(name: name, expr: value))
        } while accept(.comma)
        return fills
    }

    func checkUnique(_ name: String, at: SourceLocation, in seen: inout [String: SourceLocation], stage: String) throws(Diagnostic) {
        if let first = seen[name] {
            throw Diagnostic("column '\(name)' is named twice in \(stage) (first at \(first))", at: at)
        }
        seen[name] = at
    }

    mutating func parseRenames() throws(Diagnostic) -> [(new: String, old: ColumnRef)] {
        var renames: [(new: String, old: ColumnRef)] = []
        var seen: [String: SourceLocation] = [:]
        repeat {
            guard let (name, at) = parseAssignedName() else { throw unexpected("'new = old' in rename") }
            try checkUnique(name, at: at, in: &seen, stage: "rename")
            renames.append((name, try parseColumnReference("the column to rename after '='")))
        } while accept(.comma)
        return renames
    }

    mutating func parseGroupBy() throws(Diagnostic) -> Stage.Kind {
        if current.isWord("agg") {
            throw Diagnostic("groupby needs at least one key column; to aggregate the whole table use 'agg' alone", at: current.at)
        }
        let keys = try parseColumnList("a key column after 'groupby'")
        var aggregates: [NamedExpr] = []
        if accept(keyword: "agg") {
            aggregates = try parseAggregateItems(stage: "groupby", keys: keys)
        }
        return .groupby(keys: keys, aggregates: aggregates)
    }

    /// `name = EXPR, ...` where EXPR combines aggregate calls (whose arguments are scalar
    /// expressions over rows), constants and groupby `keys`, like `share = sum(x) / count()`.
    /// Names differ from each other and from the `keys`, which are output columns too.
    mutating func parseAggregateItems(stage: String, keys: [ColumnRef] = []) throws(Diagnostic) -> [NamedExpr] {
        var items: [NamedExpr] = []
        var seen: [String: SourceLocation] = [:]
        for key in keys where seen[key.name] == nil { seen[key.name] = key.at }
        let keyNames = Set(keys.map(\.name))
        repeat {
            guard let (name, at) = parseAssignedName() else {
                throw unexpected("'name = AGGREGATE' in \(stage), like n = count() or total = sum(x)")
            }
            try checkUnique(name, at: at, in: &seen, stage: stage)
            items.append(NamedExpr(name: name, expr: try parseAggregateExpression(named: name, keys: keyNames, inPivot: stage == "pivot")))
        } while accept(.comma)
        return items
    }

    /// One agg item's expression: aggregates, constants and the `keys` (groupby's; pivot has none).
    mutating func parseAggregateExpression(named name: String, keys keyNames: Set<String>, inPivot: Bool = false) throws(Diagnostic) -> Expr {
        aggregateRule = .aggregateItem
        let expr = try parseExpression()
        let parts = expr.aggregateItemParts
        if let column = parts.columns.first(where: { !keyNames.contains($0.name) }) {
            let written = Vocabulary.isBareName(column.name) && !Vocabulary.expressionWords.contains(column.name.lowercased())
                ? column.name : "`\(column.name)`"
            let keyHint = inPivot ? "" : ", or be a groupby key"
            throw Diagnostic("'\(column.name)' must be inside an aggregate such as mean(\(written))\(keyHint)", at: column.at)
        }
        if parts.aggregates.isEmpty && parts.columns.isEmpty {
            let what = name.isEmpty ? "this aggregate" : "agg item '\(name)'"
            let example = name.isEmpty ? "sum" : name
            throw Diagnostic(
                "\(what) has no aggregate; use one of \(Vocabulary.aggregateFunctions.joined(separator: ", ")), "
                    + "like \(example) = sum(x) or \(example) = max(x) - min(x)",
                at: expr.location)
        }
        return expr
    }

    /// The optional `per KEY, ...` and `by KEY [asc|desc], ...` after derive's items or filter's
    /// condition. Without them and without aggregates or window functions the stage is `plain`.
    mutating func parseWindowClauses(_ verb: WindowStage.Verb, plain: Stage.Kind) throws(Diagnostic) -> Stage.Kind {
        var per: [ColumnRef] = []
        var by: [SortKey] = []
        var seen = Set<String>()
        while current.isWord("per") || current.isWord("by") {
            let clause = current.isWord("per") ? "per" : "by"
            try checkClauseOnce(clause, &seen)
            advance()
            if clause == "per" {
                per = try parseColumnList("a partition column after 'per'")
            } else {
                by = try parseSortKeys(in: "by")
            }
        }
        if per.isEmpty, by.isEmpty, !usesWindow { return plain }
        return .window(WindowStage(verb: verb, per: per, by: by))
    }

    mutating func parsePivot() throws(Diagnostic) -> Stage.Kind {
        let usage = "pivot COL [using AGG | using name = AGG, ...] [per KEY, ...]"
        let column = try parseColumnReference("the column whose values become columns, after 'pivot' (\(usage))")
        var using: [NamedExpr] = []
        if accept(keyword: "using") {
            if parseAssignedNameAhead {
                using = try parseAggregateItems(stage: "pivot")
            } else {
                using = [NamedExpr(name: "", expr: try parseAggregateExpression(named: "", keys: [], inPivot: true))]
            }
        }
        let per = accept(keyword: "per") ? try parseColumnList("a row key column after 'per'") : []
        try checkClausesEnd(stage: "pivot", clauses: using.isEmpty ? ["using", "per"] : ["per"])
        if let key = per.first(where: { $0.name == column.name }) {
            throw Diagnostic("'\(column.name)' is both the pivoted column and a 'per' key; its values become the columns, so leave it out of 'per'", at: key.at)
        }
        return .pivot(column: column, using: using, per: per)
    }

    /// Whether the next tokens are `name =`.
    var parseAssignedNameAhead: Bool { atName && peek(1).isSymbol(.assign) }

    /// Optional `asc` / `desc` after a sort expression.
    mutating func parseDescending(default descending: Bool) -> Bool {
        if accept(keyword: "asc") { return false }
        if accept(keyword: "desc") { return true }
        return descending
    }

    mutating func parseSortKeys(in stage: String = "sort") throws(Diagnostic) -> [SortKey] {
        var keys: [SortKey] = []
        repeat {
            let expr = try parseScalarExpression(in: stage)
            keys.append(SortKey(expr: expr, descending: parseDescending(default: false)))
        } while accept(.comma)
        return keys
    }

    mutating func parseTop() throws(Diagnostic) -> Stage.Kind {
        let count = try parseWholeNumber(for: "top", minimum: 0)
        var by: SortKey?
        if accept(keyword: "by") {
            let expr = try parseScalarExpression(in: "top")
            by = SortKey(expr: expr, descending: parseDescending(default: true))
        }
        let per = accept(keyword: "per") ? try parseColumnList("a group column after 'per'") : []
        return .top(count: count, by: by, per: per)
    }

    mutating func parseJoin() throws(Diagnostic) -> Stage.Kind {
        if current.isWord("cross"), case .word(let table) = peek(1).kind, !peek(1).isWord("on") {
            advance()
            let tableAt = current.at
            advance()
            if current.isWord("on") {
                throw Diagnostic("join cross pairs every row with every row and takes no 'on' keys; for matching keys use join \(table) on KEY", at: current.at)
            }
            return .crossJoin(table: table, tableAt: tableAt)
        }
        var kind = JoinKind.inner
        // `join left on k` joins a table named left; a kind is followed by the table name.
        if !peek(1).isWord("on") {
            if accept(keyword: "left") { kind = .left } else { _ = accept(keyword: "inner") }
        }
        let tableAt = current.at
        guard case .word(let table) = current.kind else {
            throw unexpected("a table name after 'join' (join [inner|left] TABLE on KEY, or join cross TABLE)")
        }
        advance()
        guard accept(keyword: "on") else { throw unexpected("'on' after 'join \(table)' (join \(table) on KEY [= KEY2], ...)") }
        var keys: [(left: ColumnRef, right: ColumnRef)] = []
        repeat {
            let left = try parseColumnReference("a key column after 'on'")
            let right = accept(.assign) ? try parseColumnReference("the key column of '\(table)' after '='") : left
            keys.append((left, right))
        } while accept(.comma)
        return .join(kind: kind, table: table, tableAt: tableAt, on: keys)
    }

    /// Marks a clause keyword as used, rejecting a second use.
    func checkClauseOnce(_ clause: String, _ seen: inout Set<String>) throws(Diagnostic) {
        guard seen.insert(clause).inserted else {
            throw Diagnostic("'\(clause)' is given twice", at: current.at)
        }
    }

    /// After a stage's clauses: anything but `|` or the end of the statement is an error that
    /// lists the clauses the stage accepts.
    func checkClausesEnd(stage: String, clauses: [String]) throws(Diagnostic) {
        if current.isSymbol(.pipe) || current.isEndOfStatement { return }
        var message = "unexpected \(current.description) in \(stage)"
        if case .word(let word) = current.kind {
            message += suggestion(for: word, in: clauses)
        }
        message += "; expected \(clauses.map { "'\($0)'" }.joined(separator: ", ")), '|' or the end of the statement"
        throw Diagnostic(message, at: current.at)
    }

    mutating func parseRecommend() throws(Diagnostic) -> Stage.Kind {
        let modes = ["for", "similar", "eval"]
        guard case .word(let word) = current.kind, modes.contains(word.lowercased()) else {
            throw unexpected("'for', 'similar' or 'eval' after 'recommend'", suggesting: modes)
        }
        let modeWord = word.lowercased()
        advance()
        var mode: RecommendMode
        switch modeWord {
        case "for":
            mode = .forUser(try parseIdentifierLiteral("'recommend for' needs a user id, like recommend for \"u1\""))
        case "similar":
            mode = .similar(try parseIdentifierLiteral("'recommend similar' needs an item id, like recommend similar \"t1\""))
        default:
            mode = .eval(testFraction: nil, seed: nil, against: nil)
        }
        var k: Expr?
        var testFraction: Expr?
        var seed: Expr?
        var against: String?
        var columns = RecommendColumns()
        var options: [Option] = []
        var seen = Set<String>()
        var model: String?
        let clauses = modeWord == "eval" ? ["k", "test", "seed", "against", "model", "using", "with"]
            : modeWord == "for" ? ["k", "model", "using", "with"] : ["k", "using", "with"]
        clauseLoop: while case .word(let clauseWord) = current.kind {
            let clause = clauseWord.lowercased()
            guard clauses.contains(clause) else {
                if ["test", "seed", "against"].contains(clause) {
                    throw Diagnostic("'\(clause)' applies only to 'recommend eval'", at: current.at)
                }
                break clauseLoop
            }
            try checkClauseOnce(clause, &seen)
            advance()
            switch clause {
            case "k": k = try parseWholeNumber(for: "k", minimum: 1)
            case "test": testFraction = try parseFraction(for: "test")
            case "seed": seed = try parseWholeNumber(for: "seed", minimum: 0)
            case "against": against = try parseTableName(after: "against")
            case "using": columns = try parseRecommendColumns()
            case "model": model = try parseModelName()
            default: options = try parseOptionList()
            }
        }
        try checkClausesEnd(stage: "recommend \(modeWord)", clauses: clauses)
        if case .eval = mode { mode = .eval(testFraction: testFraction, seed: seed, against: against) }
        return .recommend(mode: mode, k: k, model: model, using: columns, options: options)
    }

    mutating func parseTableName(after keyword: String) throws(Diagnostic) -> String {
        guard case .word(let name) = current.kind else { throw unexpected("a table name after '\(keyword)'") }
        advance()
        return name
    }

    mutating func parseRecommendColumns() throws(Diagnostic) -> RecommendColumns {
        let roles = ["user", "item", "weight"]
        var columns = RecommendColumns()
        var seen = Set<String>()
        repeat {
            guard case .word(let word) = current.kind, roles.contains(word.lowercased()), peek(1).isSymbol(.assign) else {
                throw unexpected("'user = COL', 'item = COL' or 'weight = COL' after 'using'", suggesting: roles)
            }
            let role = word.lowercased()
            try checkClauseOnce(role, &seen)
            advance()
            advance()
            let column = try parseColumnReference("a column name after '\(role) ='")
            switch role {
            case "user": columns.user = column
            case "item": columns.item = column
            default: columns.weight = column
            }
        } while accept(.comma)
        return columns
    }

    mutating func parseModelName() throws(Diagnostic) -> String {
        switch current.kind {
        case .word(let name), .string(let name):
            advance()
            return name
        default:
            throw unexpected("a model name after 'model'")
        }
    }

    /// `cluster [k N] [features COL, ...] [seed S] [with ...]` or
    /// `cluster eval k N, ... [features COL, ...] [seed S] [with ...]`.
    mutating func parseCluster() throws(Diagnostic) -> Stage.Kind {
        let isEval = accept(keyword: "eval")
        var ks: [Expr] = []
        var features: [ColumnRef] = []
        var seed: Expr?
        var options: [Option] = []
        var seen = Set<String>()
        let clauses = ["k", "features", "seed", "with"]
        while case .word(let clauseWord) = current.kind, clauses.contains(clauseWord.lowercased()) {
            let clause = clauseWord.lowercased()
            try checkClauseOnce(clause, &seen)
            advance()
            switch clause {
            case "k":
                repeat { ks.append(try parseWholeNumber(for: "k", minimum: 1)) } while isEval && accept(.comma)
            case "features": features = try parseColumnList("a feature column after 'features'")
            case "seed": seed = try parseWholeNumber(for: "seed", minimum: 0)
            default: options = try parseOptionList()
            }
        }
        try checkClausesEnd(stage: isEval ? "cluster eval" : "cluster", clauses: clauses)
        if isEval {
            guard !ks.isEmpty else {
                throw Diagnostic("'cluster eval' needs the cluster counts to compare, like cluster eval k 2, 3, 4", at: current.at)
            }
            return .cluster(mode: .eval(ks: ks), features: features, seed: seed, options: options)
        }
        return .cluster(mode: .assign(k: ks.first), features: features, seed: seed, options: options)
    }

    mutating func parseClassify() throws(Diagnostic) -> Stage.Kind {
        let label = try parseColumnReference("the label column after 'classify'")
        let isEval = accept(keyword: "eval")
        var from: String?
        var testFraction: Expr?
        var seed: Expr?
        var against: String?
        var features: [ColumnRef] = []
        var model: String?
        var options: [Option] = []
        var seen = Set<String>()
        let clauses = isEval
            ? ["test", "seed", "against", "features", "model", "with"] : ["from", "features", "model", "with"]
        clauseLoop: while case .word(let clauseWord) = current.kind {
            let clause = clauseWord.lowercased()
            guard clauses.contains(clause) else {
                if ["test", "seed", "against"].contains(clause) {
                    throw Diagnostic("'\(clause)' applies only to 'classify LABEL eval'", at: current.at)
                }
                if clause == "from" {
                    throw Diagnostic("'from' does not apply to 'classify LABEL eval'; use 'against TABLE' for a test table", at: current.at)
                }
                break clauseLoop
            }
            try checkClauseOnce(clause, &seen)
            advance()
            switch clause {
            case "from": from = try parseTableName(after: "from")
            case "test": testFraction = try parseFraction(for: "test")
            case "seed": seed = try parseWholeNumber(for: "seed", minimum: 0)
            case "against": against = try parseTableName(after: "against")
            case "features": features = try parseColumnList("a feature column after 'features'")
            case "model": model = try parseModelName()
            default: options = try parseOptionList()
            }
        }
        try checkClausesEnd(stage: isEval ? "classify eval" : "classify", clauses: clauses)
        let mode: ClassifyMode = isEval
            ? .eval(testFraction: testFraction, seed: seed, against: against) : .predict(from: from)
        return .classify(label: label, mode: mode, features: features, model: model, options: options)
    }

    mutating func parsePlot() throws(Diagnostic) -> Stage.Kind {
        let kinds = PlotKind.allCases.map(\.rawValue)
        guard case .word(let word) = current.kind, let kind = PlotKind(rawValue: word.lowercased()) else {
            throw unexpected("a plot kind (\(kinds.joined(separator: ", "))) after 'plot'", suggesting: kinds)
        }
        advance()
        let usage: String
        switch kind {
        case .bar: usage = "plot bar X Y [to \"PATH\"]"
        case .line: usage = "plot line X Y [by GROUP] [to \"PATH\"]"
        case .hist: usage = "plot hist X [bins N] [to \"PATH\"]"
        case .scatter: usage = "plot scatter X Y [by GROUP] [to \"PATH\"]"
        case .heatmap: usage = "plot heatmap X Y VALUE [to \"PATH\"]"
        }
        let clauses: [String] = kind == .hist ? ["bins", "to"] : kind == .bar || kind == .heatmap ? ["to"] : ["by", "to"]
        let x = try parseColumnReference("the x column after 'plot \(kind.rawValue)' (\(usage))")
        var y: ColumnRef?
        let startsClause: Bool = ["by", "bins", "to"].contains { current.isWord($0) }
        if atName, !startsClause {
            if kind == .hist { throw Diagnostic("plot hist takes one column (\(usage))", at: current.at) }
            y = try parseColumnReference("the y column")
        } else if kind != .hist {
            throw unexpected("the y column after 'plot \(kind.rawValue) \(x.name)' (\(usage))")
        }
        var value: ColumnRef?
        if kind == .heatmap {
            guard atName, !current.isWord("to") else {
                throw unexpected("the value column after 'plot heatmap \(x.name) \(y?.name ?? "Y")' (\(usage))")
            }
            value = try parseColumnReference("the value column")
        }
        var by: ColumnRef?
        var bins: Expr?
        var path: String?
        var seen = Set<String>()
        clauseLoop: while case .word(let clauseWord) = current.kind {
            let clause = clauseWord.lowercased()
            guard clauses.contains(clause) else {
                if clause == "by" || clause == "bins" {
                    throw Diagnostic("'\(clause)' does not apply to plot \(kind.rawValue) (\(usage))", at: current.at)
                }
                break clauseLoop
            }
            try checkClauseOnce(clause, &seen)
            advance()
            switch clause {
            case "by": by = try parseColumnReference("a group column after 'by'")
            case "bins": bins = try parseWholeNumber(for: "bins", minimum: 1)
            default: path = try parseText("a quoted file path after 'to', like to \"chart.svg\"")
            }
        }
        try checkClausesEnd(stage: "plot \(kind.rawValue)", clauses: clauses)
        return .plot(kind: kind, x: x, y: y, by: by, bins: bins, to: path, value: value)
    }

    // MARK: Shell commands

    mutating func parseCommand(name: String, arguments: [CommandArgument], at: SourceLocation) throws(Diagnostic) -> Statement {
        let command = name.lowercased()
        guard Vocabulary.shellCommands.contains(command) else {
            let hint = nearestName(to: name, in: Vocabulary.shellCommands).map { " (did you mean '.\($0)'?)" } ?? ""
            throw Diagnostic(
                "unknown command '.\(name)'\(hint); commands: "
                    + Vocabulary.shellCommands.map { "." + $0 }.joined(separator: " "),
                at: at)
        }
        var values: [String] = []
        for argument in arguments {
            values.append(argument.isVariable ? try substitute(argument.text, at: argument.at) : argument.text)
        }
        let usage: String
        let arity: ClosedRange<Int>
        switch command {
        case "help": (usage, arity) = (".help [TOPIC]", 0...1)
        case "schema": (usage, arity) = (".schema [TABLE]", 0...1)
        case "mode": (usage, arity) = (".mode \(Vocabulary.outputModes.joined(separator: "|"))", 1...1)
        case "timer": (usage, arity) = (".timer on|off", 1...1)
        case "rows": (usage, arity) = (".rows N", 1...1)
        case "read": (usage, arity) = (".read FILE", 1...1)
        case "report": (usage, arity) = (".report PATH [TITLE] | .report off", 1...2)
        case "connect": (usage, arity) = (".connect sc://HOST:PORT", 1...1)
        default: (usage, arity) = (".\(command)", 0...0)
        }
        if values.count > arity.upperBound {
            let extra = arguments[arity.upperBound]
            throw Diagnostic("too many arguments for '.\(command)' (usage: \(usage))", at: extra.at)
        }
        if values.count < arity.lowerBound {
            throw Diagnostic("'.\(command)' needs an argument (usage: \(usage))", at: at)
        }
        switch command {
        case "mode", "timer":
            let allowed = command == "mode" ? Vocabulary.outputModes : ["on", "off"]
            let value = values[0].lowercased()
            guard allowed.contains(value) else {
                throw Diagnostic(
                    "unknown value '\(values[0])' for '.\(command)'\(suggestion(for: value, in: allowed)) (usage: \(usage))",
                    at: arguments[0].at)
            }
            values[0] = value
        case "rows":
            guard let rows = Int64(values[0]), rows >= 0 else {
                throw Diagnostic("'.rows' needs a whole number of rows, got '\(values[0])' (usage: \(usage))", at: arguments[0].at)
            }
            values[0] = String(rows)
        default:
            break
        }
        return .command(name: command, arguments: values, at: at)
    }
}
