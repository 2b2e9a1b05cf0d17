import Testing
import TRQLanguage

/// Exact rendered diagnostics: message, position and caret.
@Suite struct RenderedErrors {
    @Test func unknownStageSuggestsTheNearestVerb() {
        #expect(Src("T | fitler x > 1").failure() == """
            t.trq:1:5: error: unknown stage 'fitler' (did you mean 'filter'?)
            T | fitler x > 1
                ^
            """)
    }

    @Test func unknownFunctionSuggestsTheNearestFunction() {
        #expect(Src("T | filter lenght(name) > 3").failure() == """
            t.trq:1:12: error: unknown function 'lenght' (did you mean 'len'?)
            T | filter lenght(name) > 3
                       ^
            """)
    }

    @Test func unknownCommandSuggestsTheNearestCommand() {
        #expect(Src("T | describe\n.tabels").failure() == """
            t.trq:2:1: error: unknown command '.tabels' (did you mean '.tables'?); commands: .help .tables .schema .mode .timer .rows .models .read .report .connect .disconnect .engine .quit .exit
            .tabels
            ^
            """)
    }

    @Test func badCommandArguments() {
        #expect(Src(".mode cvs").failure() == """
            t.trq:1:7: error: unknown value 'cvs' for '.mode' (did you mean 'csv'?) (usage: .mode table|csv|json|markdown)
            .mode cvs
                  ^
            """)
        #expect(Src(".rows many").failure() == """
            t.trq:1:7: error: '.rows' needs a whole number of rows, got 'many' (usage: .rows N)
            .rows many
                  ^
            """)
        #expect(Src(".tables x").failure() == """
            t.trq:1:9: error: too many arguments for '.tables' (usage: .tables)
            .tables x
                    ^
            """)
        #expect(Src(".read").failure() == """
            t.trq:1:1: error: '.read' needs an argument (usage: .read FILE)
            .read
            ^
            """)
    }

    @Test func unknownVariableListsTheKnownOnes() {
        #expect(Src("load $DTAE").failure(variables: ["DATE": "x", "1": "a"]) == """
            t.trq:1:6: error: unknown variable '$DTAE' (did you mean '$DATE'?); known: $1, $DATE; set it with --set DTAE=VALUE
            load $DTAE
                 ^
            """)
        #expect(Src("load $2").failure(variables: ["1": "a"]) == """
            t.trq:1:6: error: unknown variable '$2'; known: $1; pass 2 arguments after the script (trq FILE.trq ARG ...)
            load $2
                 ^
            """)
        #expect(Src("T | filter x == $X").failure() == """
            t.trq:1:17: error: unknown variable '$X'; no variables are set; set it with --set X=VALUE
            T | filter x == $X
                            ^
            """)
    }

    @Test func stringErrorsPointAtTheProblem() {
        #expect(Src(#"load "C:\data.csv""#).failure() == #"""
            t.trq:1:9: error: unknown escape '\d' in string; the escapes are \\ \" \' \n \t (write \\ for a backslash, or use / in paths)
            load "C:\data.csv"
                    ^
            """#)
        #expect(Src("T | describe\nload \"a.csv").failure() == """
            t.trq:2:6: error: unterminated string: no closing " for the one opened here
            load "a.csv
                 ^
            """)
        #expect(Src("T | select `a").failure() == """
            t.trq:1:12: error: unterminated quoted name: no closing ` on this line
            T | select `a
                       ^
            """)
    }

    @Test func numberErrors() {
        #expect(Src("T | filter x > 99999999999999999999").failure() == """
            t.trq:1:16: error: integer 99999999999999999999 does not fit in 64 bits (the limit is 9223372036854775807); write 99999999999999999999.0 for a float
            T | filter x > 99999999999999999999
                           ^
            """)
        #expect(Src("T | filter x > 12abc").failure() == """
            t.trq:1:16: error: malformed number '12abc'
            T | filter x > 12abc
                           ^
            """)
        #expect(Src("T | filter x > 1e999").failure() == """
            t.trq:1:16: error: number '1e999' is too large for a 64-bit float
            T | filter x > 1e999
                           ^
            """)
    }

    @Test func operatorMistakesGetHints() {
        #expect(Src("T | filter x = 1").failure() == """
            t.trq:1:14: error: unexpected '=' after the 'filter' stage; stages are separated by '|' (to compare, write '==')
            T | filter x = 1
                         ^
            """)
        #expect(Src("T | filter a < b < c").failure() == """
            t.trq:1:18: error: comparisons cannot be chained: write 'a < b and b < c'
            T | filter a < b < c
                             ^
            """)
        #expect(Src("T | filter a <> b").diagnostic()?.message == "'<>' is not an operator: write '!=' for 'not equal'")
        #expect(Src("T | filter a || b").diagnostic()?.message == "'||' is not an operator: write 'or' ('|' separates stages)")
        #expect(Src("T | filter a && b").diagnostic()?.message == "unexpected '&': write 'and'")
        #expect(Src("T | filter !a").diagnostic()?.message == "unexpected '!': write 'not' to negate, '!=' to compare")
        #expect(Src("T | filter x is 5").diagnostic()?.message == "expected 'null' or 'not null' after 'is', found number 5")
        #expect(Src("T | filter x not 5").diagnostic()?.message == "expected 'in' or 'like' after 'not', found number 5")
        #expect(Src("T | filter x in 5").diagnostic()?.message == "expected a list like [1, 2] after 'in', found number 5")
        #expect(Src("T | filter and > 1").diagnostic()?.message == "expected an expression, found the keyword 'and' (a column with this name is written `and`)")
    }

    @Test func aggregateRules() {
        // filter and derive compute aggregates over partitions; other stages refuse them.
        #expect(Src("T | sort sum(x)").failure() == """
            t.trq:1:10: error: aggregate function 'sum' is not allowed in sort; aggregates go in 'groupby KEY, ... agg NAME = sum(...)', 'agg NAME = sum(...)' or, given to every row, 'derive NAME = sum(...) per KEY'
            T | sort sum(x)
                     ^
            """)
        #expect(Src("T | agg m = sum(mean(x))").failure() == """
            t.trq:1:17: error: aggregate function 'mean' cannot be used inside 'sum'
            T | agg m = sum(mean(x))
                            ^
            """)
        #expect(Src("T | agg m = abs(sum(mean(x)))").diagnostic() == Diagnostic("aggregate function 'mean' cannot be used inside 'sum'", at: loc(1, 21), kind: .parse))
        #expect(Src("T | groupby g agg share = sum(x) / count() + y").failure() == """
            t.trq:1:46: error: 'y' must be inside an aggregate such as mean(y), or be a groupby key
            T | groupby g agg share = sum(x) / count() + y
                                                         ^
            """)
        #expect(Src("T | agg n = x").diagnostic() == Diagnostic("'x' must be inside an aggregate such as mean(x), or be a groupby key", at: loc(1, 13), kind: .parse))
        // The first offending column in source order; a name that needs backticks keeps them in the example.
        #expect(Src("T | groupby g agg d = g + `ms played` - sum(x) * other").diagnostic()
            == Diagnostic("'ms played' must be inside an aggregate such as mean(`ms played`), or be a groupby key", at: loc(1, 27), kind: .parse))
        #expect(Src("T | agg n = 1").diagnostic() == Diagnostic(
            "agg item 'n' has no aggregate; use one of count, count_distinct, sum, mean, median, min, max, std, var, first, last, quantile, like n = sum(x) or n = max(x) - min(x)",
            at: loc(1, 13), kind: .parse))
        #expect(Src("T | agg n = count(*)").diagnostic() == Diagnostic("write count() to count rows, or count(x) to count the non-null values of x", at: loc(1, 19), kind: .parse))
        #expect(Src("T | agg q = quantile(x, 2)").diagnostic() == Diagnostic("the second argument of quantile must be a number from 0 to 1, like quantile(x, 0.9)", at: loc(1, 25), kind: .parse))
        #expect(Src("T | groupby g agg g = count()").diagnostic() == Diagnostic("column 'g' is named twice in groupby (first at 1:13)", at: loc(1, 19), kind: .parse))
        #expect(Src("T | groupby agg n = count()").diagnostic() == Diagnostic("groupby needs at least one key column; to aggregate the whole table use 'agg' alone", at: loc(1, 13), kind: .parse))
    }

    @Test func arity() {
        #expect(Src(#"T | derive y = replace(s, "a")"#).failure() == """
            t.trq:1:16: error: function 'replace' takes 3 arguments, got 2
            T | derive y = replace(s, "a")
                           ^
            """)
        #expect(Src("T | derive y = round()").diagnostic()?.message == "function 'round' takes 1 or 2 arguments, got 0")
        #expect(Src("T | derive y = coalesce()").diagnostic()?.message == "function 'coalesce' takes at least 1 argument, got 0")
        #expect(Src("T | agg y = count(a, b)").diagnostic()?.message == "function 'count' takes 0 or 1 arguments, got 2")
    }

    @Test func sourceMistakes() {
        #expect(Src("filter x > 1").failure() == """
            t.trq:1:1: error: a pipeline starts with load "PATH" or a table name; 'filter' is a stage: write 'TABLE | filter ...' (or '_ | filter ...' for the last result)
            filter x > 1
            ^
            """)
        #expect(Src(#"lod "x.csv""#).failure() == """
            t.trq:1:1: error: unknown source 'lod' (did you mean 'load'?)
            lod "x.csv"
            ^
            """)
        #expect(Src("tracks filter x").failure() == """
            t.trq:1:8: error: unexpected 'filter' after table 'tracks'; stages are separated by '|'
            tracks filter x
                   ^
            """)
        #expect(Src("let _ = T").diagnostic() == Diagnostic("'_' names the last result and cannot be bound with let; choose another name", at: loc(1, 5), kind: .parse))
        #expect(Src("let t T").diagnostic() == Diagnostic("expected '=' after 'let t', found 'T'", at: loc(1, 7), kind: .parse))
        #expect(Src("T | load \"x\"").diagnostic()?.message == "'load' starts a pipeline and cannot follow '|'; to combine two tables, bind one with let and use join")
        #expect(Src("| filter x").diagnostic() == Diagnostic("expected a statement (load \"PATH\", a table name, let NAME = ..., or a .command), found '|'", at: loc(1, 1), kind: .parse))
    }

    @Test func errorsOnLaterLinesAndAfterTabs() {
        let source = "let t = load \"a.csv\"\nt\n\t| filter x >> 2"
        let caret = "\t" + String(repeating: " ", count: 12) + "^"
        #expect(Src(source).failure() == "t.trq:3:14: error: expected an expression, found '>'\n\t| filter x >> 2\n" + caret)
    }

    @Test func aStatementEndingTooEarlyExplainsContinuation() {
        #expect(Src("T | filter a > 1 and\n  b < 2").failure() == """
            t.trq:1:21: error: expected an expression, found end of line (a statement continues on the next line only after a trailing '|' or ',', inside ( ) or [ ], or when the next line starts with '|')
            T | filter a > 1 and
                                ^
            """)
    }

    @Test func unclosedParenthesisNamesTheOpener() {
        #expect(Src("T | filter (a > 1\nT | describe").failure() == """
            t.trq:2:1: error: expected ')' to close the '(' at 1:12, found 'T'
            T | describe
            ^
            """)
    }

    @Test func nonASCIINamesNeedBackticks() {
        #expect(Src("T | select café").failure() == """
            t.trq:1:15: error: unexpected character 'é' (U+00E9); names with characters other than letters, digits and _ are written in backticks, like `my name`
            T | select café
                          ^
            """)
        #expect(Src("T | select a\u{00A0}").diagnostic()?.message.hasPrefix("unexpected character (U+00A0);") == true)
    }

    @Test func theFirstErrorInTheTextIsReported() {
        // A syntax error on line 1 comes before a lexical error on line 2, and vice versa.
        #expect(Src("T | fitler x\nT | filter a <> b").diagnostic()?.at == loc(1, 5))
        #expect(Src("T | filter a <> b\nT | fitler x").diagnostic()?.at == loc(1, 14))
        #expect(Src("T | describe\n€").diagnostic()?.at == loc(2, 1))
        #expect(Src("load x.csv").diagnostic() == Diagnostic("expected a quoted path after 'load', like load \"data.csv\", found 'x'", at: loc(1, 6), kind: .parse))
    }

    @Test func literalSlots() {
        #expect(Src("T | limit -1").diagnostic() == Diagnostic("'limit' needs a whole number of at least 0, got -1", at: loc(1, 11), kind: .parse))
        #expect(Src("T | limit 2.5").diagnostic() == Diagnostic("expected a whole number after 'limit', found number 2.5", at: loc(1, 11), kind: .parse))
        #expect(Src("T | limit $N").diagnostic(variables: ["N": "ten"]) == Diagnostic("'limit' needs a whole number, got \"ten\"", at: loc(1, 11), kind: .parse))
        #expect(Src("T | recommend eval k 0").diagnostic() == Diagnostic("'k' needs a whole number of at least 1, got 0", at: loc(1, 22), kind: .parse))
        #expect(Src("T | recommend eval test 1.5").diagnostic() == Diagnostic("'test' needs a fraction between 0 and 1 (exclusive), like test 0.2; got number 1.5", at: loc(1, 25), kind: .parse))
        #expect(Src("T | plot hist x bins 0").diagnostic() == Diagnostic("'bins' needs a whole number of at least 1, got 0", at: loc(1, 22), kind: .parse))
    }

    @Test func stageClauseMistakes() {
        #expect(Src("T | recommend u1").diagnostic() == Diagnostic("expected 'for', 'similar' or 'eval' after 'recommend', found 'u1'", at: loc(1, 15), kind: .parse))
        #expect(Src("T | recommend fro \"u1\"").diagnostic()?.message == "expected 'for', 'similar' or 'eval' after 'recommend', found 'fro' (did you mean 'for'?)")
        #expect(Src("T | recommend for u1").diagnostic() == Diagnostic("'recommend for' needs a user id, like recommend for \"u1\"; ids are quoted: \"u1\"", at: loc(1, 19), kind: .parse))
        #expect(Src("T | recommend for \"u1\" test 0.2").diagnostic() == Diagnostic("'test' applies only to 'recommend eval'", at: loc(1, 24), kind: .parse))
        #expect(Src("T | recommend for \"u1\" kk 5").failure() == """
            t.trq:1:24: error: unexpected 'kk' in recommend for (did you mean 'k'?); expected 'k', 'model', 'using', 'with', '|' or the end of the statement
            T | recommend for "u1" kk 5
                                   ^
            """)
        #expect(Src("T | recommend eval k 5 k 6").diagnostic() == Diagnostic("'k' is given twice", at: loc(1, 24), kind: .parse))
        #expect(Src("T | recommend for \"u\" using usr = a").diagnostic()?.message == "expected 'user = COL', 'item = COL' or 'weight = COL' after 'using', found 'usr' (did you mean 'user'?)")
        #expect(Src("T | classify g eval from U").diagnostic() == Diagnostic("'from' does not apply to 'classify LABEL eval'; use 'against TABLE' for a test table", at: loc(1, 21), kind: .parse))
        #expect(Src("T | classify g seed 3").diagnostic() == Diagnostic("'seed' applies only to 'classify LABEL eval'", at: loc(1, 16), kind: .parse))
        #expect(Src("T | join U k").diagnostic() == Diagnostic("expected 'on' after 'join U' (join U on KEY [= KEY2], ...), found 'k'", at: loc(1, 12), kind: .parse))
    }

    @Test func plotMistakes() {
        #expect(Src("T | plot bars x y").diagnostic() == Diagnostic("expected a plot kind (bar, line, hist, scatter, heatmap) after 'plot', found 'bars' (did you mean 'bar'?)", at: loc(1, 10), kind: .parse))
        #expect(Src("T | plot bar x").diagnostic() == Diagnostic("expected the y column after 'plot bar x' (plot bar X Y [to \"PATH\"]), found end of input", at: loc(1, 15), kind: .parse))
        #expect(Src("T | plot hist x y").diagnostic() == Diagnostic("plot hist takes one column (plot hist X [bins N] [to \"PATH\"])", at: loc(1, 17), kind: .parse))
        #expect(Src("T | plot hist x by g").diagnostic() == Diagnostic("'by' does not apply to plot hist (plot hist X [bins N] [to \"PATH\"])", at: loc(1, 17), kind: .parse))
        #expect(Src("T | plot bar x y bins 3").diagnostic() == Diagnostic("'bins' does not apply to plot bar (plot bar X Y [to \"PATH\"])", at: loc(1, 18), kind: .parse))
        #expect(Src("T | plot line x y to out").diagnostic() == Diagnostic("expected a quoted file path after 'to', like to \"chart.svg\", found 'out'", at: loc(1, 22), kind: .parse))
    }

    @Test func duplicates() {
        #expect(Src("load \"a\" with header = true, Header = false").diagnostic() == Diagnostic("option 'header' is given twice (first at 1:15)", at: loc(1, 30), kind: .parse))
        #expect(Src("T | select a, a").diagnostic() == Diagnostic("column 'a' is named twice in select (first at 1:12)", at: loc(1, 15), kind: .parse))
        #expect(Src("load \"a\" with types = { a: int, a: float }").diagnostic() == Diagnostic("'a' appears twice in the map (first at 1:25)", at: loc(1, 33), kind: .parse))
        #expect(Src("T | derive b = 1, b = 2").diagnostic() == Diagnostic("column 'b' is named twice in derive (first at 1:12)", at: loc(1, 19), kind: .parse))
        #expect(Src("T | rename b = a, b = c").diagnostic() == Diagnostic("column 'b' is named twice in rename (first at 1:12)", at: loc(1, 19), kind: .parse))
        #expect(Src("T | select").diagnostic() == Diagnostic("expected a column or 'name = EXPR' in select, found end of input", at: loc(1, 11), kind: .parse))
        #expect(Src("T | fillna x = 0, x = 1").diagnostic() == Diagnostic("column 'x' is named twice in fillna (first at 1:12)", at: loc(1, 19), kind: .parse))
        #expect(Src("T | fillna x = y").diagnostic() == Diagnostic("fillna takes a literal value, like fillna x = 0; to fill from another column use derive x = coalesce(x, OTHER)", at: loc(1, 16), kind: .parse))
        #expect(Src("T | select a + 1").diagnostic() == Diagnostic("this select item needs a name: write 'name = EXPR'", at: loc(1, 14), kind: .parse))
    }
}

@Test func longSourceLinesShowAWindowAroundTheCaret() {
    let source = String(repeating: "a + ", count: 1000) + "?"
    let text = Diagnostic("unexpected '?'", at: SourceLocation(line: 1, column: 4001), kind: .parse).rendered(file: "f", source: source)
    let lines = text.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines[1].count <= 126 && lines[1].hasPrefix("...") && lines[1].hasSuffix("?"))
    // The caret still sits under the '?'.
    #expect(lines[2].count == lines[1].count)
}
