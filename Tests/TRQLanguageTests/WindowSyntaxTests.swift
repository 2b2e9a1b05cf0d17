import Testing
import TRQLanguage

/// derive/filter with per and by, pivot, unpivot, union and join cross: the trees they parse to
/// and the errors their misuse gives.
@Suite struct WindowSyntaxTests {
    @Test func deriveWithPerAndBy() throws {
        let s = Src("T | derive share = plays / sum(plays), r = rank() per country, genre by plays desc, day")
        let expected = WindowStage(
            verb: .derive([
                NamedExpr(name: "share", expr: .binary(.div, s.column("plays"),
                                                       .call("sum", [s.column("plays", 2)], at: s.at("sum")), at: s.at("/"))),
                NamedExpr(name: "r", expr: .call("rank", [], at: s.at("rank"))),
            ]),
            per: [s.ref("country"), s.ref("genre")],
            by: [SortKey(expr: s.column("plays", 3), descending: true), SortKey(expr: s.column("day"), descending: false)])
        #expect(try s.stage() == .window(expected))
    }

    @Test func filterWithAggregateOverPartition() throws {
        let s = Src("T | filter plays >= quantile(plays, 0.9) per genre")
        guard case .window(let window)? = try s.stage(), case .filter(let condition) = window.verb else {
            Issue.record("not a window filter")
            return
        }
        #expect(window.per == [s.ref("genre")])
        #expect(window.by.isEmpty)
        #expect(condition == .binary(.ge, s.column("plays"),
                                     .call("quantile", [s.column("plays", 2), s.float(0.9, "0.9")], at: s.at("quantile")), at: s.at(">=")))
    }

    @Test func plainStagesStayPlain() throws {
        let plain = Src("T | derive x = a + 1")
        #expect(try plain.stage() == .derive([NamedExpr(name: "x", expr: .binary(.add, plain.column("a"), plain.int(1, "1"), at: plain.at("+")))]))
        // An aggregate without per is over the whole table; by alone orders the window.
        guard case .window(let whole)? = try Src("T | derive share = x / sum(x)").stage() else {
            Issue.record("an aggregate makes a window stage")
            return
        }
        #expect(whole.per.isEmpty && whole.by.isEmpty)
        guard case .window(let ordered)? = try Src("T | derive n = row_number() by t").stage() else {
            Issue.record("row_number makes a window stage")
            return
        }
        #expect(ordered.by.count == 1 && ordered.per.isEmpty)
    }

    @Test func reshapingStages() throws {
        let pivot = Src("T | pivot genre using plays = count(), ms = sum(ms_played) per country")
        #expect(try pivot.stage() == .pivot(
            column: pivot.ref("genre"),
            using: [NamedExpr(name: "plays", expr: .call("count", [], at: pivot.at("count"))),
                    NamedExpr(name: "ms", expr: .call("sum", [pivot.column("ms_played")], at: pivot.at("sum")))],
            per: [pivot.ref("country")]))
        let unnamed = Src("T | pivot genre using mean(x)")
        #expect(try unnamed.stage() == .pivot(
            column: unnamed.ref("genre"), using: [NamedExpr(name: "", expr: .call("mean", [unnamed.column("x")], at: unnamed.at("mean")))], per: []))
        let bare = Src("T | pivot genre")
        #expect(try bare.stage() == .pivot(column: bare.ref("genre"), using: [], per: []))
        let unpivot = Src("T | unpivot h1, `h 2` into half, plays")
        #expect(try unpivot.stage() == .unpivot(columns: [unpivot.ref("h1"), ColumnRef(name: "h 2", at: unpivot.at("`h 2`"))], name: "half", value: "plays"))
        let union = Src("T | union a, b")
        #expect(try union.stage() == .union([union.ref("a"), union.ref("b")]))
        let cross = Src("T | join cross U")
        #expect(try cross.stage() == .crossJoin(table: "U", tableAt: cross.at("U")))
        // A table named cross joins as before.
        let named = Src("T | join cross on k")
        #expect(try named.stage() == .join(kind: .inner, table: "cross", tableAt: named.at("cross"), on: [(named.ref("k"), named.ref("k"))]))
    }

    @Test func misuseIsExplained() {
        #expect(Src("T | derive x = lag(plays, -1) by t").failure() == """
            t.trq:1:27: error: lag(plays, -1): the offset must be 0 or more; for the other direction write lead(plays, 1)
            T | derive x = lag(plays, -1) by t
                                      ^
            """)
        #expect(Src("T | select r = rank()").failure()?.contains("window function 'rank' is not allowed in select; it goes in derive or filter") == true)
        #expect(Src("T | agg r = sum(lag(x))").failure()?.contains("window function 'lag' cannot be used inside 'sum'") == true)
        #expect(Src("T | groupby g agg r = row_number()").failure()?.contains("window function 'row_number' is not allowed in an aggregate") == true)
        #expect(Src("T | derive x = rolling_mean(x, 0)").failure()?.contains("must be a whole number of rows ≥ 1") == true)
        #expect(Src("T | derive x = lag(x, n)").failure()?.contains("the offset of lag must be a whole number") == true)
        #expect(Src("T | derive x = lead(x, 1, y)").failure()?.contains("the default of lead must be a constant") == true)
        #expect(Src("T | derive x = sum(x) per g per h").failure()?.contains("'per' is given twice") == true)
        #expect(Src("T | pivot g per g").failure()?.contains("'g' is both the pivoted column and a 'per' key") == true)
        #expect(Src("T | pivot g using x").failure()?.contains("'x' must be inside an aggregate such as mean(x)") == true)
        #expect(Src("T | unpivot a, b").failure()?.contains("expected 'into NAME, VALUE'") == true)
        #expect(Src("T | unpivot a into v, v").failure()?.contains("both called 'v'") == true)
        #expect(Src("T | join cross U on k").failure()?.contains("join cross pairs every row with every row and takes no 'on' keys") == true)
    }
}
