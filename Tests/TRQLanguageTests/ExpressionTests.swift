import Testing
import TRQLanguage

@Suite struct Expressions {
    @Test func precedenceFromOrDownToUnaryMinus() throws {
        let s = Src("T | filter a or b and not c == d + e * -f")
        let product = Expr.binary(.mul, s.column("e"), .unary(.negate, s.column("f"), at: s.at("-")), at: s.at("*"))
        let sum = Expr.binary(.add, s.column("d"), product, at: s.at("+"))
        let comparison = Expr.binary(.eq, s.column("c"), sum, at: s.at("=="))
        let conjunction = Expr.binary(.and, s.column("b"), .unary(.not, comparison, at: s.at("not")), at: s.at("and"))
        #expect(try s.filterExpression() == .binary(.or, s.column("a"), conjunction, at: s.at("or")))
    }

    @Test func parenthesesOverridePrecedence() throws {
        let s = Src("T | filter (a + b) * c")
        #expect(try s.filterExpression() == .binary(
            .mul, .binary(.add, s.column("a"), s.column("b"), at: s.at("+")), s.column("c"), at: s.at("*")))
    }

    @Test func runsOfOneLevelAreFlatLeftToRightChains() throws {
        let s = Src("T | filter a + b - c > x * y / z % w")
        let left = Expr.chain(s.column("a"), [
            ChainLink(.add, s.column("b"), at: s.at("+")),
            ChainLink(.sub, s.column("c"), at: s.at("-")),
        ], at: s.at("+"))
        let right = Expr.chain(s.column("x"), [
            ChainLink(.mul, s.column("y"), at: s.at("*")),
            ChainLink(.div, s.column("z"), at: s.at("/")),
            ChainLink(.mod, s.column("w"), at: s.at("%")),
        ], at: s.at("*"))
        #expect(try s.filterExpression() == .binary(.gt, left, right, at: s.at(">")))

        let logic = Src("T | filter p and q and r or s")
        let conjunction = Expr.chain(logic.column("p"), [
            ChainLink(.and, logic.column("q"), at: logic.at("and")),
            ChainLink(.and, logic.column("r"), at: logic.at("and", 2)),
        ], at: logic.at("and"))
        #expect(try logic.filterExpression() == .binary(.or, conjunction, logic.column("s"), at: logic.at("or")))
    }

    @Test func aChainIsBrokenByTighterOperatorsAndParentheses() throws {
        let s = Src("T | filter a * b + c * d + (e + f)")
        let ab = Expr.binary(.mul, s.column("a"), s.column("b"), at: s.at("*"))
        let cd = Expr.binary(.mul, s.column("c"), s.column("d"), at: s.at("*", 2))
        let ef = Expr.binary(.add, s.column("e"), s.column("f"), at: s.at("+", 3))
        #expect(try s.filterExpression() == .chain(ab, [
            ChainLink(.add, cd, at: s.at("+")),
            ChainLink(.add, ef, at: s.at("+", 2)),
        ], at: s.at("+")))
    }

    @Test func membershipPatternsAndNullTests() throws {
        let s = Src(#"T | filter g in ["pop", "rock"] and h not in [1] and n like "The%" and m not like "x" and t ~ "^a" and u is null and v is not null"#)
        guard case .chain(let first, let links, _)? = try s.filterExpression() else {
            Issue.record("expected a chain of and")
            return
        }
        #expect(links.map(\.op) == Array(repeating: .and, count: 6))
        #expect(first == .inList(s.column("g"), [s.string("pop", #""pop""#), s.string("rock", #""rock""#)], negated: false, at: s.at("in")))
        #expect(links.map(\.operand) == [
            .inList(s.column("h"), [s.int(1, "1")], negated: true, at: s.at("not")),
            .binary(.like, s.column("n"), s.string("The%", #""The%""#), at: s.at("like")),
            .unary(.not, .binary(.like, s.column("m"), s.string("x", #""x""#), at: s.at("like", 2)), at: s.at("not", 2)),
            .binary(.regex, s.column("t"), s.string("^a", #""^a""#), at: s.at("~")),
            .isNull(s.column("u"), negated: false, at: s.at("is")),
            .isNull(s.column("v"), negated: true, at: s.at("is", 2)),
        ])
    }

    @Test func everyComparisonOperator() throws {
        let operators: [(String, BinaryOp)] = [("==", .eq), ("!=", .ne), ("<", .lt), ("<=", .le), (">", .gt), (">=", .ge)]
        for (text, op) in operators {
            let s = Src("T | filter a \(text) 1")
            #expect(try s.filterExpression() == .binary(op, s.column("a"), s.int(1, "1"), at: s.at(text)))
        }
    }

    @Test func literals() throws {
        let s = Src(#"T | select a = 42, b = -3.5, c = 1e6, d = 1_000_000, e = true, f = FALSE, g = Null, h = "q\"\\\n\t'", i = 'it\'s', j = -9223372036854775808, k = 2.5E-3"#)
        guard case .select(let items)? = try s.stage() else {
            Issue.record("not a select")
            return
        }
        #expect(items.map(\.expr) == [
            s.int(42, "42"),
            s.float(-3.5, "-3.5"),
            s.float(1_000_000, "1e6"),
            s.int(1_000_000, "1_000_000"),
            .literal(.bool(true), at: s.at("true")),
            .literal(.bool(false), at: s.at("FALSE")),
            .literal(.null, at: s.at("Null")),
            .literal(.string("q\"\\\n\t'"), at: s.at(#""q"#)),
            .literal(.string("it's"), at: s.at("'it")),
            .literal(.int(Int64.min), at: s.at("-9223372036854775808")),
            s.float(0.0025, "2.5E-3"),
        ])
    }

    @Test func functionNamesAreLowerCasedAndCheckedForArity() throws {
        let s = Src(#"T | derive a = LEN(x), b = Coalesce(x, y, z, 0), c = if(x > 1, "big", "small"), d = substr(s, 1), e = round(v, 2)"#)
        guard case .derive(let items)? = try s.stage() else {
            Issue.record("not a derive")
            return
        }
        #expect(items.map(\.expr) == [
            .call("len", [s.column("x")], at: s.at("LEN")),
            .call("coalesce", [s.column("x", 2), s.column("y"), s.column("z"), s.int(0, "0")], at: s.at("Coalesce")),
            .call("if", [.binary(.gt, s.column("x", 3), s.int(1, "1"), at: s.at(">")), s.string("big", #""big""#), s.string("small", #""small""#)], at: s.at("if")),
            .call("substr", [s.column("s"), s.int(1, "1", 2)], at: s.at("substr")),
            .call("round", [s.column("v"), s.int(2, "2")], at: s.at("round")),
        ])
    }

    @Test func everyDocumentedFunctionIsKnown() throws {
        for name in ["lower", "upper", "len", "trim", "abs", "floor", "ceil", "sqrt", "log", "exp",
                     "year", "month", "day", "weekday", "hour", "date", "int", "float", "string", "bool"] {
            #expect(throws: Never.self) { try parse("T | derive y = \(name)(x)") }
        }
        for call in ["contains(s, \"a\")", "starts_with(s, \"a\")", "ends_with(s, \"a\")", "replace(s, \",\", \"\")",
                     "pow(x, 2)", "int(replace(x, \",\", \"\"))", "date_trunc(\"week\", t)"] {
            #expect(throws: Never.self) { try parse("T | derive y = \(call)") }
        }
        for aggregate in ["count()", "count(x)", "count_distinct(x)", "sum(x)", "mean(x)", "median(x)", "min(x)",
                          "max(x)", "std(x)", "var(x)", "first(x)", "last(x)", "quantile(x, 0.25)"] {
            #expect(throws: Never.self) { try parse("T | groupby g agg y = \(aggregate)") }
        }
    }

    @Test func keywordsAreCaseInsensitive() throws {
        let lower = #"let t = load "a.csv" with header = true | filter a > 1 and not b in [1] or c is not null | sort a desc | top 3 by a asc per b | join left u on k | groupby g agg n = count() | plot bar x y to "p.svg""#
        let upper = #"LET t = LOAD "a.csv" WITH HEADER = TRUE | FILTER a > 1 AND NOT b IN [1] OR c IS NOT NULL | SORT a DESC | TOP 3 BY a ASC PER b | JOIN LEFT u ON k | GROUPBY g AGG n = COUNT() | PLOT BAR x y TO "p.svg""#
        let mixed = #"Let t = Load "a.csv" With Header = True | Filter a > 1 And Not b In [1] Or c Is Not Null | Sort a Desc | Top 3 By a Asc Per b | Join Left u On k | GroupBy g Agg n = Count() | Plot Bar x y To "p.svg""#
        // Same lengths, so the same positions: the trees must be identical.
        #expect(try parse(upper) == parse(lower))
        #expect(try parse(mixed) == parse(lower))
    }

    @Test func identifiersAreCaseSensitive() throws {
        let s = Src("T | select Name, name")
        #expect(try s.stage() == .select([
            NamedExpr(name: "Name", expr: s.column("Name")),
            NamedExpr(name: "name", expr: s.column("name")),
        ]))
    }

    @Test func contextualKeywordsAreOrdinaryNamesElsewhere() throws {
        // `by`, `k`, `test`, `count` ... are only keywords where their clause can appear.
        let s = Src("T | filter by > k and test == 1 | derive count = count_distinct + 1")
        let stages = try s.stages()
        #expect(stages.count == 2)
        #expect(stages.last?.kind == .derive([
            NamedExpr(name: "count", expr: .binary(.add, s.column("count_distinct"), s.int(1, "1", 2), at: s.at("+"))),
        ]))
        // Reserved expression words need backticks to be columns.
        let quoted = Src("T | filter `and` == `null`")
        #expect(try quoted.filterExpression() == .binary(.eq, .column("and", at: quoted.at("`and`")), .column("null", at: quoted.at("`null`")), at: quoted.at("==")))
    }
}
