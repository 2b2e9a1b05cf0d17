#if Spark
import Foundation
import Testing
import TRQArrow
import TRQEngine
import TRQFrame
import TRQLanguage
@testable import TRQSpark

// The compiled relations, checked without a server: each pipeline's plan (bound and rewritten
// by the local engine's binder) as Spark Connect protos.

/// The repository's data folder.
let dataFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("data").path

/// A session with `t` bound to a small table in memory (k string, x int with a null, f float).
func session() throws -> Session {
    let path = NSTemporaryDirectory() + "trq-spark-\(UUID().uuidString).csv"
    try "k,x,f\na,1,0.5\nb,,2.5\na,3,\n".write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var errors = ""
    let s = Session(settings: SessionSettings(), write: { _ in }, writeError: { errors += $0 })
    let outcome = s.execute("let t = load \"\(path)\"\nlet u = load \"\(path)\" | select k, y = x * 10", file: "test")
    #expect(outcome == .success, "\(errors)")
    return s
}

func compiled(_ pipeline: String) throws -> Spark_Connect_Relation {
    try SparkCompiler().relation(try session().plan(pipeline))
}

/// The first relation below `r` (through the final projection) of the kind `pick` takes.
func find<T>(_ r: Spark_Connect_Relation, _ pick: (Spark_Connect_Relation) -> T?) -> T? {
    var current: Spark_Connect_Relation? = r
    while let rel = current {
        if let found = pick(rel) { return found }
        switch rel.relType {
        case .project(let p): current = p.input
        case .filter(let f): current = f.input
        case .sort(let s): current = s.input
        case .limit(let l): current = l.input
        case .aggregate(let a): current = a.input
        case .withColumns(let w): current = w.input
        case .deduplicate(let d): current = d.input
        default: current = nil
        }
    }
    return nil
}

func functionName(_ e: Spark_Connect_Expression) -> String? {
    if case .unresolvedFunction(let f)? = e.exprType { return f.functionName }
    if case .alias(let a)? = e.exprType { return functionName(a.expr) }
    if case .cast(let c)? = e.exprType { return functionName(c.expr) }
    return nil
}

func arguments(_ e: Spark_Connect_Expression) -> [Spark_Connect_Expression] {
    if case .unresolvedFunction(let f)? = e.exprType { return f.arguments }
    if case .alias(let a)? = e.exprType { return arguments(a.expr) }
    if case .cast(let c)? = e.exprType { return arguments(c.expr) }
    return []
}

@Test func boundTableTravelsAsArrowLocalRelation() throws {
    let r = try compiled("t | filter x > 1")
    let local = try #require(find(r) { if case .localRelation(let l)? = $0.relType { l } else { nil } })
    var reader = ArrowTableReader()
    try reader.append(stream: [UInt8](local.data))
    let t = try reader.table()
    #expect(t.names == ["k", "x", "f"])
    #expect((0..<3).map { t.columns[1][$0] } == [.int(1), .null, .int(3)])
    let filter = try #require(find(r) { if case .filter(let f)? = $0.relType { f } else { nil } })
    #expect(functionName(filter.condition) == ">")
    #expect(arguments(filter.condition).map(\.unresolvedAttribute.unparsedIdentifier) == ["`x`", ""])
    #expect(arguments(filter.condition)[1].literal.long == 1)
}

@Test func loadBecomesARead() throws {
    let path = dataFolder + "/listening_2023.csv"
    let r = try compiled("load \"\(path)\" | filter country == \"SE\" | select user_id, ms_played")
    let read = try #require(find(r) { if case .read(let read)? = $0.relType { read } else { nil } })
    #expect(read.dataSource.format == "csv")
    #expect(read.dataSource.paths == [path])
    #expect(read.dataSource.options["header"] == "true")
    // The final projection names the plan's columns in order.
    guard case .project(let top)? = r.relType else { Issue.record("no final projection"); return }
    #expect(top.expressions.map(\.unresolvedAttribute.unparsedIdentifier) == ["`user_id`", "`ms_played`"])
}

@Test func aggregatesMapToSparksExactFunctions() throws {
    let r = try compiled("t | groupby k agg n = count(), m = mean(f), s = std(x), q = quantile(x, 0.25), d = count_distinct(x), v = var(f)")
    let agg = try #require(find(r) { if case .aggregate(let a)? = $0.relType { a } else { nil } })
    #expect(agg.groupType == .groupby)
    #expect(agg.groupingExpressions.map(\.unresolvedAttribute.unparsedIdentifier) == ["`k`"])
    #expect(agg.aggregateExpressions.map { functionName($0) } == ["count", "avg", "stddev_samp", "percentile", "count", "var_samp"])
    #expect(agg.aggregateExpressions.map(\.alias.name) == [["n"], ["m"], ["s"], ["q"], ["d"], ["v"]])
    #expect(agg.aggregateExpressions[4].alias.expr.cast.expr.unresolvedFunction.isDistinct)
    // Integer count stays an integer: cast to bigint (null where it would not convert).
    #expect(agg.aggregateExpressions[0].alias.expr.cast.typeStr == "bigint")
    #expect(agg.aggregateExpressions[0].alias.expr.cast.evalMode == .try)
}

@Test func sortIsNullsLastAndDivisionIsNullSafe() throws {
    let r = try compiled("t | derive y = x / 0, z = x % 2 | sort y desc, k")
    let sort = try #require(find(r) { if case .sort(let s)? = $0.relType { s } else { nil } })
    #expect(sort.order.map(\.direction) == [.descending, .ascending])
    #expect(sort.order.map(\.nullOrdering) == [.sortNullsLast, .sortNullsLast])
    let with = try #require(find(r) { if case .withColumns(let w)? = $0.relType { w } else { nil } })
    #expect(with.aliases.map(\.name) == [["z"]])  // the later item wraps the earlier one
    #expect(functionName(with.aliases[0].expr) == "try_mod")
    guard case .withColumns(let first)? = with.input.relType else { Issue.record("derive items not chained"); return }
    #expect(functionName(first.aliases[0].expr) == "try_divide")
}

@Test func joinNamesClashesAsTheBinderDoes() throws {
    let plan = try session().plan("t | join u on k")
    #expect(plan.schema.names == ["k", "x", "f", "y"])
    let r = try SparkCompiler().relation(plan)
    let join = try #require(find(r) { rel -> Spark_Connect_Join? in
        if case .project(let p)? = rel.relType, case .join(let j)? = p.input.relType { return j }
        return nil
    })
    #expect(join.joinType == .inner)
    #expect(functionName(join.joinCondition) == "==")
    #expect(arguments(join.joinCondition).map(\.unresolvedAttribute.unparsedIdentifier) == ["`k`", "`__trq_right_0`"])
    let left = try compiled("t | join left u on k = k")
    #expect(find(left) { rel -> Spark_Connect_Join.JoinType? in
        if case .project(let p)? = rel.relType, case .join(let j)? = p.input.relType { return j.joinType }
        return nil
    } == .leftOuter)
}

@Test func whatSparkCannotAnswerTheSameIsRefusedAtItsStage() throws {
    let s = try session()
    // Each error points at the stage or call (`marker`) that Spark cannot run.
    for (pipeline, words, marker) in [
        ("t | derive r = rank() per k", "rank() needs `by` on Spark", "rank"),
        ("t | agg a = first(x)", "first() depends on row order", "first"),
        ("t | distinct k", "distinct on some columns", "distinct"),
        ("t | pivot k", "pivot", "pivot"),
        ("t | derive s = string(f)", "string() on Spark", "string"),
    ] {
        let error = #expect(throws: Diagnostic.self) { try SparkCompiler().relation(try s.plan(pipeline)) }
        #expect(error?.message.contains(words) == true, "\(pipeline): \(error?.message ?? "")")
        let column = pipeline.distance(from: pipeline.startIndex, to: pipeline.range(of: marker)!.lowerBound) + 1
        #expect(error?.at?.column == column, "\(pipeline)")
    }
}

@Test func aStageSparkCannotRunSuggestsCollectingBeforeIt() throws {
    let s = try session()
    let error = #expect(throws: Diagnostic.self) { try SparkCompiler().relation(try s.plan("t | describe")) }
    #expect(error?.hint?.contains("put `collect` before this stage") == true, "\(error?.hint ?? "")")
}

@Test func windowsBecomeSparkWindowsWithTrqsFrames() throws {
    let r = try compiled("t | derive s = x / sum(x) per k | derive c = cumsum(x) per k by f desc | derive m = rolling_mean(x, 3) by f")
    let with = try #require(find(r) { if case .withColumns(let w)? = $0.relType { w } else { nil } })
    // The last item is outermost: rolling_mean over the 3 rows ending at this one, by f.
    let rolling = with.aliases[0].expr.cast.expr.window
    #expect(functionName(rolling.windowFunction) == "avg")
    #expect(rolling.partitionSpec.isEmpty)
    #expect(rolling.orderSpec.map(\.nullOrdering) == [.sortNullsLast])
    #expect(rolling.frameSpec.frameType == .row)
    #expect(rolling.frameSpec.lower.value.literal.integer == -2)
    #expect(rolling.frameSpec.upper.currentRow)
    guard case .withColumns(let cumulative)? = with.input.relType, case .withColumns(let share)? = cumulative.input.relType else {
        Issue.record("derive items not chained"); return
    }
    let running = cumulative.aliases[0].expr.cast.expr.window
    #expect(functionName(running.windowFunction) == "sum")
    #expect(running.partitionSpec.map(\.unresolvedAttribute.unparsedIdentifier) == ["`k`"])
    #expect(running.orderSpec.map(\.direction) == [.descending])
    #expect(running.frameSpec.lower.unbounded && running.frameSpec.upper.currentRow)
    // An aggregate covers the whole partition.
    let whole = arguments(share.aliases[0].expr)[1].window
    #expect(functionName(whole.windowFunction) == "sum")
    #expect(whole.frameSpec.lower.unbounded && whole.frameSpec.upper.unbounded)
}

/// Printing sends the shown relation under a Limit of the rows shown + 1, and counts with an
/// Aggregate over the same relation.
@Test func printingFetchesOnlyTheRowsShown() throws {
    let plan = try session().plan("t | filter x > 0 | select k, x")
    let compiler = SparkCompiler()
    guard case .limit(let limit)? = try compiler.head(plan, rows: 20).relType else { Issue.record("no Limit on top"); return }
    #expect(limit.limit == 21)
    #expect(limit.input == (try compiler.relation(plan)))
    guard case .aggregate(let count)? = compiler.count(limit.input).relType else { Issue.record("no Aggregate on top"); return }
    #expect(count.input == limit.input)
    #expect(count.groupingExpressions.isEmpty)
    #expect(count.aggregateExpressions.map(functionName) == ["count"])
}

@Test func sparkURLs() throws {
    #expect(try SparkURL("sc://127.0.0.1:15002") == SparkURL("\"sc://127.0.0.1:15002\""))
    #expect(try SparkURL("sc://spark.example.org").port == 15002)
    #expect(try SparkURL("sc://h:1234/;user_id=x").host == "h")
    for bad in ["http://h:1", "sc://", "sc://h:0", "sc://h:x"] {
        #expect(throws: Diagnostic.self) { try SparkURL(bad) }
    }
}
#endif
