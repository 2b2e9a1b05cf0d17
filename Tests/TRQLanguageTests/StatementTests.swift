import Testing
import TRQLanguage

@Suite struct Sources {
    @Test func loadWithEveryOptionKind() throws {
        let s = Src(#"load "f.csv" with delimiter = ";", nulls = ["", "-"], types = { streams: int, `key name`: string }, encoding = "latin1", header = false, skip = -2"#)
        let expected: [Statement] = [
            .run(Pipeline(
                source: .load(path: "f.csv", options: [
                    Option(name: "delimiter", value: s.string(";", #"";""#), at: s.at("delimiter")),
                    Option(name: "nulls", value: .list([s.string("", #""""#), s.string("-", #""-""#)], at: s.at("[")), at: s.at("nulls")),
                    Option(name: "types", value: .map([
                        (key: "streams", value: s.column("int")),
                        (key: "key name", value: .column("string", at: s.at("string"))),
                    ], at: s.at("{")), at: s.at("types")),
                    Option(name: "encoding", value: s.string("latin1", #""latin1""#), at: s.at("encoding")),
                    Option(name: "header", value: .literal(.bool(false), at: s.at("false")), at: s.at("header")),
                    Option(name: "skip", value: s.int(-2, "-2"), at: s.at("skip")),
                ], at: loc(1, 1)),
                stages: [], at: loc(1, 1))),
        ]
        #expect(try s.statements() == expected)
    }

    @Test func letBindsAPipeline() throws {
        let s = Src(#"let top_tracks = load "a.csv" | limit 3"#)
        let expected: [Statement] = [
            .bind(name: "top_tracks", pipeline: Pipeline(
                source: .load(path: "a.csv", options: [], at: s.at("load")),
                stages: [Stage(.limit(s.int(3, "3")), at: s.at("limit"))],
                at: s.at("load")), at: loc(1, 1)),
        ]
        #expect(try s.statements() == expected)
    }

    @Test func collectIsAStage() throws {
        let s = Src("tracks | collect | describe")
        #expect(try s.statements() == [.run(Pipeline(source: .table(name: "tracks", at: loc(1, 1)),
                                                      stages: [Stage(.collect, at: s.at("collect")), Stage(.describe, at: s.at("describe"))],
                                                      at: loc(1, 1)))])
    }

    @Test func bareTableNamesAndTheLastResult() throws {
        let s = Src("tracks | describe\n_ | limit 5\n`my table`")
        let expected: [Statement] = [
            .run(Pipeline(source: .table(name: "tracks", at: loc(1, 1)),
                          stages: [Stage(.describe, at: s.at("describe"))], at: loc(1, 1))),
            .run(Pipeline(source: .table(name: "_", at: loc(2, 1)),
                          stages: [Stage(.limit(s.int(5, "5")), at: s.at("limit"))], at: loc(2, 1))),
            .run(Pipeline(source: .table(name: "my table", at: loc(3, 1)), stages: [], at: loc(3, 1))),
        ]
        #expect(try s.statements() == expected)
    }
}

@Suite struct Stages {
    @Test func filter() throws {
        let s = Src("T | filter x > 1")
        #expect(try s.stages() == [
            Stage(.filter(.binary(.gt, s.column("x"), s.int(1, "1"), at: s.at(">"))), at: s.at("filter")),
        ])
    }

    @Test func selectKeepsBareColumnsAndNamedExpressions() throws {
        let s = Src("T | select a, b2 = b * 2, `c d`")
        #expect(try s.stage() == .select([
            NamedExpr(name: "a", expr: s.column("a")),
            NamedExpr(name: "b2", expr: .binary(.mul, s.column("b"), s.int(2, "2"), at: s.at("*"))),
            NamedExpr(name: "c d", expr: .column("c d", at: s.at("`c d`"))),
        ]))
    }

    @Test func derive() throws {
        let s = Src("T | derive y = x + 1, z = -x")
        #expect(try s.stage() == .derive([
            NamedExpr(name: "y", expr: .binary(.add, s.column("x"), s.int(1, "1"), at: s.at("+"))),
            NamedExpr(name: "z", expr: .unary(.negate, s.column("x", 2), at: s.at("-"))),
        ]))
    }

    @Test func dropAndRename() throws {
        let drop = Src("T | drop a, `b c`")
        #expect(try drop.stage() == .drop([drop.ref("a"), ColumnRef(name: "b c", at: drop.at("`"))]))
        let rename = Src("T | rename new = old, n2 = o2")
        #expect(try rename.stage() == .rename([(new: "new", old: rename.ref("old")), (new: "n2", old: rename.ref("o2"))]))
    }

    @Test func groupbyWithAndWithoutAgg() throws {
        let s = Src("T | groupby a, b agg n = count(), m = mean(x)")
        #expect(try s.stage() == .groupby(keys: [s.ref("a"), s.ref("b")], aggregates: [
            NamedExpr(name: "n", expr: .call("count", [], at: s.at("count"))),
            NamedExpr(name: "m", expr: .call("mean", [s.column("x")], at: s.at("mean"))),
        ]))
        let plain = Src("T | groupby artist")
        #expect(try plain.stage() == .groupby(keys: [plain.ref("artist")], aggregates: []))
    }

    @Test func aggItemsAreAggregateCallsOverScalarExpressions() throws {
        let s = Src("T | agg total = sum(x * 2), n = count(), p90 = quantile(abs(x), 0.9)")
        #expect(try s.stage() == .agg([
            NamedExpr(name: "total", expr: .call("sum", [.binary(.mul, s.column("x"), s.int(2, "2"), at: s.at("*"))], at: s.at("sum"))),
            NamedExpr(name: "n", expr: .call("count", [], at: s.at("count"))),
            NamedExpr(name: "p90", expr: .call("quantile", [.call("abs", [s.column("x", 2)], at: s.at("abs")), s.float(0.9, "0.9")], at: s.at("quantile"))),
        ]))
    }

    @Test func aggItemsCombineAggregatesConstantsAndKeys() throws {
        let s = Src("T | groupby g agg share = sum(x) / count(), label = upper(g) + mean(y), n = g")
        #expect(try s.stage() == .groupby(keys: [s.ref("g")], aggregates: [
            NamedExpr(name: "share", expr: .binary(.div, .call("sum", [s.column("x")], at: s.at("sum")), .call("count", [], at: s.at("count")), at: s.at("/"))),
            NamedExpr(name: "label", expr: .binary(.add, .call("upper", [s.column("g", 2)], at: s.at("upper")),
                                                   .call("mean", [s.column("y")], at: s.at("mean")), at: s.at("+"))),
            NamedExpr(name: "n", expr: s.column("g", 3)),
        ]))
    }

    @Test func aggregateItemPartsAreInSourceOrderAndSkipAggregateArguments() throws {
        let s = Src("T | groupby k agg v = k + round(sum(x) / count(), 1) - if(k > 0, max(y), min(y))")
        guard case .groupby(_, let items) = try s.stage() else { Issue.record("not a groupby"); return }
        let parts = items[0].expr.aggregateItemParts
        #expect(parts.aggregates.map(\.location) == [s.at("sum"), s.at("count"), s.at("max"), s.at("min")])
        #expect(parts.columns.map(\.name) == ["k", "k"])
        #expect(parts.columns.map(\.at) == [s.at("k", 2), s.at("k", 3)])
    }

    @Test func sortDirections() throws {
        let s = Src("T | sort a desc, b, len(c) asc")
        #expect(try s.stage() == .sort([
            SortKey(expr: s.column("a"), descending: true),
            SortKey(expr: s.column("b"), descending: false),
            SortKey(expr: .call("len", [s.column("c")], at: s.at("len")), descending: false),
        ]))
    }

    @Test func topForms() throws {
        let full = Src("T | top 5 by x desc per a, b")
        #expect(try full.stage() == .top(count: full.int(5, "5"),
                                         by: SortKey(expr: full.column("x"), descending: true),
                                         per: [full.ref("a"), full.ref("b")]))
        let bare = Src("T | top 3")
        #expect(try bare.stage() == .top(count: bare.int(3, "3"), by: nil, per: []))
        let ascending = Src("T | top 2 by y asc")
        #expect(try ascending.stage() == .top(count: ascending.int(2, "2"),
                                              by: SortKey(expr: ascending.column("y"), descending: false), per: []))
        let defaultDescending = Src("T | top 2 by streams / 2 per g")
        #expect(try defaultDescending.stage() == .top(
            count: defaultDescending.int(2, "2"),
            by: SortKey(expr: .binary(.div, defaultDescending.column("streams"), defaultDescending.int(2, "2", 2), at: defaultDescending.at("/")), descending: true),
            per: [defaultDescending.ref("g")]))
    }

    @Test func limitDistinctDropna() throws {
        let s = Src("T | limit 10 | distinct | distinct a, b | dropna | dropna x")
        #expect(try s.stages().map(\.kind) == [
            .limit(s.int(10, "10")),
            .distinct([]),
            .distinct([s.ref("a"), s.ref("b")]),
            .dropna([]),
            .dropna([s.ref("x")]),
        ])
    }

    @Test func fillna() throws {
        let s = Src(#"T | fillna x = 0, s = "none", f = -1.5, b = false"#)
        #expect(try s.stage() == .fillna([
            NamedExpr(name: "x", expr: s.int(0, "0")),
            NamedExpr(name: "s", expr: s.string("none", #""none""#)),
            NamedExpr(name: "f", expr: s.float(-1.5, "-1.5")),
            NamedExpr(name: "b", expr: .literal(.bool(false), at: s.at("false"))),
        ]))
    }

    @Test func joinForms() throws {
        let s = Src("T | join left other on a = b, c")
        #expect(try s.stage() == .join(kind: .left, table: "other", tableAt: s.at("other"),
                                       on: [(left: s.ref("a"), right: s.ref("b")), (left: s.ref("c"), right: s.ref("c"))]))
        let inner = Src("T | join inner U on k")
        #expect(try inner.stage() == .join(kind: .inner, table: "U", tableAt: inner.at("U"), on: [(left: inner.ref("k"), right: inner.ref("k"))]))
        let implicit = Src("T | join U on k")
        #expect(try implicit.stage() == .join(kind: .inner, table: "U", tableAt: implicit.at("U"), on: [(left: implicit.ref("k"), right: implicit.ref("k"))]))
        // A table that happens to be called `left`.
        let named = Src("T | join left on k")
        #expect(try named.stage() == .join(kind: .inner, table: "left", tableAt: named.at("left"), on: [(left: named.ref("k"), right: named.ref("k"))]))
    }

    @Test func saveWithOptions() throws {
        let s = Src(#"T | save "out.csv" with overwrite = false"#)
        #expect(try s.stage() == .save(path: "out.csv", options: [
            Option(name: "overwrite", value: .literal(.bool(false), at: s.at("false")), at: s.at("overwrite")),
        ]))
        #expect(try Src(#"T | save "o.json""#).stage() == .save(path: "o.json", options: []))
    }
}

@Suite struct Models {
    @Test func recommendForUser() throws {
        let s = Src(#"T | recommend for "u1" k 5 using user = uid, item = tid with factors = 32"#)
        #expect(try s.stage() == .recommend(
            mode: .forUser(s.string("u1", #""u1""#)),
            k: s.int(5, "5"), model: nil,
            using: RecommendColumns(user: s.ref("uid"), item: s.ref("tid")),
            options: [Option(name: "factors", value: s.int(32, "32"), at: s.at("factors"))]))
    }

    @Test func recommendSimilarAndNumericIds() throws {
        let s = Src(#"T | recommend similar "t1""#)
        #expect(try s.stage() == .recommend(mode: .similar(s.string("t1", #""t1""#)), k: nil, model: nil, using: RecommendColumns(), options: []))
        let numeric = Src("T | recommend for 42 using weight = plays")
        #expect(try numeric.stage() == .recommend(mode: .forUser(numeric.int(42, "42")), k: nil, model: nil,
                                                  using: RecommendColumns(weight: numeric.ref("plays")), options: []))
    }

    @Test func recommendEval() throws {
        let s = Src("T | recommend eval k 10 test 0.2 seed 42 against Test")
        #expect(try s.stage() == .recommend(
            mode: .eval(testFraction: s.float(0.2, "0.2"), seed: s.int(42, "42"), against: "Test"),
            k: s.int(10, "10"), model: nil, using: RecommendColumns(), options: []))
        let bare = Src("T | recommend eval")
        #expect(try bare.stage() == .recommend(mode: .eval(testFraction: nil, seed: nil, against: nil), k: nil, model: nil, using: RecommendColumns(), options: []))
        // Clauses may come in any order.
        let reordered = Src("T | recommend eval seed 1 k 3")
        #expect(try reordered.stage() == .recommend(mode: .eval(testFraction: nil, seed: reordered.int(1, "1"), against: nil),
                                                    k: reordered.int(3, "3"), model: nil, using: RecommendColumns(), options: []))
    }

    @Test func recommendModel() throws {
        let s = Src("T | recommend for 7 model bpr k 3")
        #expect(try s.stage() == .recommend(mode: .forUser(s.int(7, "7")), k: s.int(3, "3"), model: "bpr",
                                            using: RecommendColumns(), options: []))
        let e = Src(#"T | recommend eval model "item_knn""#)
        #expect(try e.stage() == .recommend(mode: .eval(testFraction: nil, seed: nil, against: nil), k: nil, model: "item_knn",
                                            using: RecommendColumns(), options: []))
        #expect(throws: Diagnostic.self) { try Src(#"T | recommend similar "t1" model bpr"#).stage() }
    }

    @Test func clusterForms() throws {
        let bare = Src("T | cluster")
        #expect(try bare.stage() == .cluster(mode: .assign(k: nil), features: [], seed: nil, options: []))
        let full = Src("T | cluster k 4 features a, b seed 7 with restarts = 3")
        #expect(try full.stage() == .cluster(mode: .assign(k: full.int(4, "4")), features: [full.ref("a"), full.ref("b")],
                                             seed: full.int(7, "7"),
                                             options: [Option(name: "restarts", value: full.int(3, "3"), at: full.at("restarts"))]))
        let eval = Src("T | cluster eval k 2, 3, 5 features a")
        #expect(try eval.stage() == .cluster(mode: .eval(ks: [eval.int(2, "2"), eval.int(3, "3"), eval.int(5, "5")]),
                                             features: [eval.ref("a")], seed: nil, options: []))
        // Several counts only for eval; eval needs at least one; k is at least 1.
        #expect(throws: Diagnostic.self) { try Src("T | cluster k 2, 3").stage() }
        #expect(throws: Diagnostic.self) { try Src("T | cluster eval").stage() }
        #expect(throws: Diagnostic.self) { try Src("T | cluster k 0").stage() }
        #expect(throws: Diagnostic.self) { try Src("T | cluster k 3 k 4").stage() }
    }

    @Test func classifyForms() throws {
        let plain = Src("T | classify genre")
        #expect(try plain.stage() == .classify(label: plain.ref("genre"), mode: .predict(from: nil), features: [], model: nil, options: []))
        let full = Src("T | classify genre from train features a, b model cnn with epochs = 5")
        #expect(try full.stage() == .classify(
            label: full.ref("genre"), mode: .predict(from: "train"), features: [full.ref("a"), full.ref("b")],
            model: "cnn", options: [Option(name: "epochs", value: full.int(5, "5"), at: full.at("epochs"))]))
        let eval = Src("T | classify genre eval test 0.2 seed 1")
        #expect(try eval.stage() == .classify(
            label: eval.ref("genre"), mode: .eval(testFraction: eval.float(0.2, "0.2"), seed: eval.int(1, "1"), against: nil),
            features: [], model: nil, options: []))
        let against = Src(#"T | classify genre eval against Holdout features tempo model "knn""#)
        #expect(try against.stage() == .classify(
            label: against.ref("genre"), mode: .eval(testFraction: nil, seed: nil, against: "Holdout"),
            features: [against.ref("tempo")], model: "knn", options: []))
    }
}

@Suite struct Plots {
    @Test func everyPlotForm() throws {
        let s = Src(#"T | plot bar x y to "a.svg" | plot line x y by g | plot hist x bins 20 | plot scatter x y by g to "p.html" | plot hist `a b`"#)
        #expect(try s.stages().map(\.kind) == [
            .plot(kind: .bar, x: s.ref("x"), y: s.ref("y"), by: nil, bins: nil, to: "a.svg"),
            .plot(kind: .line, x: s.ref("x", 2), y: s.ref("y", 2), by: s.ref("g"), bins: nil, to: nil),
            .plot(kind: .hist, x: s.ref("x", 3), y: nil, by: nil, bins: s.int(20, "20"), to: nil),
            .plot(kind: .scatter, x: s.ref("x", 4), y: s.ref("y", 3), by: s.ref("g", 2), bins: nil, to: "p.html"),
            .plot(kind: .hist, x: ColumnRef(name: "a b", at: s.at("`a b`")), y: nil, by: nil, bins: nil, to: nil),
        ])
    }

    @Test func heatmapTakesThreeColumns() throws {
        let s = Src(#"T | plot heatmap hour day minutes to "c.svg" | plot heatmap x y v"#)
        #expect(try s.stages().map(\.kind) == [
            .plot(kind: .heatmap, x: s.ref("hour"), y: s.ref("day"), by: nil, bins: nil, to: "c.svg", value: s.ref("minutes")),
            .plot(kind: .heatmap, x: s.ref("x"), y: s.ref("y"), by: nil, bins: nil, to: nil, value: s.ref("v")),
        ])
        #expect(throws: Diagnostic.self) { try Src("T | plot heatmap x y").stages() }
        #expect(throws: Diagnostic.self) { try Src("T | plot heatmap x y v by g").stages() }
    }
}

@Suite struct ShellCommands {
    @Test func everyCommand() throws {
        let s = Src(".help\n.help load\n.tables\n.schema\n.schema t\n.mode csv\n.timer on\n.rows 20\n.models\n.read \"my file.trq\"\n.quit\n.exit")
        let expected: [Statement] = [
            .command(name: "help", arguments: [], at: loc(1, 1)),
            .command(name: "help", arguments: ["load"], at: loc(2, 1)),
            .command(name: "tables", arguments: [], at: loc(3, 1)),
            .command(name: "schema", arguments: [], at: loc(4, 1)),
            .command(name: "schema", arguments: ["t"], at: loc(5, 1)),
            .command(name: "mode", arguments: ["csv"], at: loc(6, 1)),
            .command(name: "timer", arguments: ["on"], at: loc(7, 1)),
            .command(name: "rows", arguments: ["20"], at: loc(8, 1)),
            .command(name: "models", arguments: [], at: loc(9, 1)),
            .command(name: "read", arguments: ["my file.trq"], at: loc(10, 1)),
            .command(name: "quit", arguments: [], at: loc(11, 1)),
            .command(name: "exit", arguments: [], at: loc(12, 1)),
        ]
        #expect(try s.statements() == expected)
    }

    @Test func commandsAreCaseInsensitiveAndEndAtSemicolonOrComment() throws {
        let s = Src(".MODE CSV; T | describe\n  .Timer Off # quiet\n.read $1")
        #expect(try s.statements(variables: ["1": "x.trq"]) == [
            .command(name: "mode", arguments: ["csv"], at: loc(1, 1)),
            .run(Pipeline(source: .table(name: "T", at: s.at("T")), stages: [Stage(.describe, at: s.at("describe"))], at: s.at("T"))),
            .command(name: "timer", arguments: ["off"], at: loc(2, 3)),
            .command(name: "read", arguments: ["x.trq"], at: loc(3, 1)),
        ])
    }
}

@Suite struct Variables {
    @Test func substitutedAsStringLiterals() throws {
        let s = Src("load $1 | filter name == $ARTIST | limit $2 | save $OUT")
        let parsed = try s.statements(variables: ["1": "in.csv", "2": "7", "ARTIST": "Queen", "OUT": "o.csv"])
        #expect(parsed == [.run(Pipeline(
            source: .load(path: "in.csv", options: [], at: loc(1, 1)),
            stages: [
                Stage(.filter(.binary(.eq, s.column("name"), s.string("Queen", "$ARTIST"), at: s.at("=="))), at: s.at("filter")),
                // Where the grammar needs a number, a variable holding one is converted.
                Stage(.limit(s.int(7, "$2")), at: s.at("limit")),
                Stage(.save(path: "o.csv", options: []), at: s.at("save")),
            ],
            at: loc(1, 1)))])
    }
}
