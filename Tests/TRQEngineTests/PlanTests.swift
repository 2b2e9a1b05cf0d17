import Foundation
import Testing
import TRQFrame
@testable import TRQEngine
@testable import TRQLanguage

/// A session with the fixture tables bound, for binding and running plans directly.
private func session() -> Session {
    var settings = SessionSettings()
    settings.variables = ["plays": fixture("plays.csv"), "tracks": fixture("tracks.csv")]
    let session = Session(settings: settings, write: { _ in }, writeError: { _ in })
    precondition(session.execute("let plays = load $plays\nlet tracks = load $tracks", file: "setup") == .success)
    return session
}

private func pipeline(_ text: String) throws -> Pipeline {
    guard case .run(let pipeline) = try parse(text, variables: ["plays": fixture("plays.csv")]).first else {
        throw Diagnostic("not a pipeline", at: nil)
    }
    return pipeline
}

private func bound(_ text: String, in s: Session) throws -> BoundPipeline { try s.binder.bind(try pipeline(text)) }

private func columns(_ schema: Schema) -> [String] {
    schema.columns.map { "\($0.name):\($0.type?.rawValue ?? "?")" }
}

/// The plan's result as CSV text, with some rewrites left out.
private func result(_ text: String, in s: Session, skipping: Set<String> = []) throws -> String {
    let plan = Rewrites.apply(try bound(text, in: s).plan, skipping: skipping)
    return String(decoding: TableWriter.csv(try LocalExecutor().execute(plan, cancel: CancellationToken())), as: UTF8.self)
}

private func explain(_ text: String, in s: Session, skipping: Set<String> = []) throws -> String {
    Explain.text(BoundPipeline(plan: Rewrites.apply(try bound(text, in: s).plan, skipping: skipping), rest: []), engine: "local")
}

@Suite struct BinderTests {
    @Test func schemasAreKnownWithoutRunning() throws {
        let s = session()
        let plan = try bound("plays | derive s = ms / 1000, loud = upper(genre) | groupby genre agg n = count(), total = sum(ms), avg = round(mean(ms) / 1000, 1), top_s = max(s) | sort n desc", in: s).plan
        #expect(columns(plan.schema) == ["genre:string", "n:int", "total:int", "avg:float", "top_s:float"])
        let joined = try bound("plays | join left tracks on track | select user, title, genre_right, h = hour(played_at)", in: s).plan
        #expect(columns(joined.schema) == ["user:string", "title:string", "genre_right:string", "h:int"])
    }

    @Test func aCSVSchemaReadsOnlyTheHeader() throws {
        // Names come from the header; types the file infers from every row are unknown until read,
        // except where `types` gives them.
        let plan = try bound("load $plays with types = { ms: float } | rename duration = ms", in: session()).plan
        #expect(columns(plan.schema) == ["user:?", "track:?", "genre:?", "duration:float", "skipped:?", "played_at:?"])
    }

    @Test func bindErrorsComeBeforeAnythingRuns() {
        // The derive would overflow when run; the unknown column two stages later is found first.
        let r = run("plays | derive big = ms * 9223372036854775807 | select big | filter gnre == \"pop\"")
        #expect(r.outcome == .failed)
        #expect(r.err.hasPrefix("test.trq:1:69: error: unknown column 'gnre'\n"))
    }

    /// The error of binding `text`: its rendering (message and hint), position and kind.
    private func bindError(_ text: String, in s: Session) -> (String, TRQLanguage.SourceLocation?, ErrorKind)? {
        do {
            _ = try bound(text, in: s)
            return nil
        } catch let error as Diagnostic {
            return (error.description, error.at, error.kind)
        } catch {
            return ("\(error)", nil, ErrorKind.runtime)
        }
    }

    @Test func bindErrorsPointAtTheName() throws {
        let s = session()
        let at = { (column: Int) -> TRQLanguage.SourceLocation? in TRQLanguage.SourceLocation(line: 1, column: column) }
        #expect(bindError("plays | derive y = 1 | sort x", in: s)! == ("unknown column 'x' (did you mean 'y'?)", at(29), ErrorKind.notFound))
        // A column renamed away is gone for the stages after it.
        #expect(bindError("plays | rename d = ms | select d, ms", in: s)! == ("unknown column 'ms'", at(35), ErrorKind.notFound))
        // Wrong argument types, known from the schema, at the argument; the hint is kept apart.
        #expect(bindError("plays | derive x = lower(ms)", in: s)!
                == ("lower() expects a string as argument 1, but 'ms' is int (e.g. lower(country))", at(26), ErrorKind.type))
        #expect(bindError("plays | filter ms + 1", in: s)! == ("filter needs a true/false condition, but 'ms + 1' is int", at(19), ErrorKind.type))
        #expect(bindError("load $plays with delimitr = \";\"", in: s)! == ("unknown load option 'delimitr' (did you mean 'delimiter'?)", at(18), ErrorKind.bind))
    }

    @Test func stepsEndTheRelationalPlan() throws {
        let b = try bound("plays | filter ms > 1000 | classify genre | filter confidence > 0.5", in: session())
        #expect(b.rest.count == 2)
        #expect(columns(b.plan.schema).count == 6)
    }
}

@Suite struct RewriteTests {
    /// Each rewrite fires on its pipeline (the explain text shows it) and leaves the result as it was.
    @Test(arguments: [
        ("filter pushdown", "load $plays | filter genre == \"pop\" and ms > 1000 | select user, ms", "filters while reading: genre == \"pop\" and ms > 1000"),
        ("projection pushdown", "load $plays | filter ms > 1 | select user", "reads 2 of 6 columns: user, ms"),
        ("filter+count fusion", "plays | filter ms >= 2000 | agg n = count(), m = count()", "count rows where ms >= 2000 as n, m"),
        ("filter+limit fusion", "plays | filter ms > 1000 | limit 2", "filter ms > 1000 (stops after 2 rows"),
        ("constant folding", "plays | filter ms > 2 * 1000 + 1 | derive x = upper(\"a\") + genre", "filter ms > 2001"),
        ("constant folding", "plays | derive x = ms * (60 * 1000) / sum(ms) per genre by ms", "derive x = ms * 60000 / sum(ms) per genre"),
    ])
    func rewriteKeepsTheResult(rule: String, text: String, marker: String) throws {
        let s = session()
        #expect(try explain(text, in: s).contains(marker))
        #expect(try !explain(text, in: s, skipping: [rule]).contains(marker))
        #expect(try result(text, in: s) == result(text, in: s, skipping: [rule]))
        #expect(try result(text, in: s) == result(text, in: s, skipping: Set(Rewrites.all.map(\.name))))
    }

    @Test func theIssuesExample() throws {
        // load "x.csv" | filter a > 1 | select b reads a and b only.
        let text = try explain("load $plays | filter ms > 1 | select genre", in: session())
        #expect(text.contains("reads 2 of 6 columns: genre, ms\n"))
        #expect(text.contains("filters while reading: ms > 1\n"))
    }

    @Test func filtersPushedIntoTheSourceMatchTheEvaluator() throws {
        // Hand-computed from the fixture: ms is null in one row, user in another.
        let s = session()
        let cases: [(String, String)] = [
            ("ms > 2000", "4"), ("ms >= 2000.5", "4"), ("2000 < ms", "4"), ("ms != 1000", "5"), ("ms in [1000, 7000]", "2"),
            ("ms not in [1000, 7000]", "4"), ("genre == \"pop\"", "3"), ("genre < \"q\"", "5"), ("genre in [\"jazz\", null]", "2"),
            ("genre not in [\"jazz\", null]", "0"), ("user is null", "1"), ("ms is not null", "6"), ("skipped == true", "2"),
            ("played_at >= \"2023-03-01\"", "4"), ("ms > 1.5", "6"),
        ]
        for (condition, count) in cases {
            let text = "load $plays | filter \(condition) | agg n = count()"
            #expect(try result(text, in: s) == "n\n\(count)\n", "\(condition)")
            #expect(try result(text, in: s, skipping: ["filter pushdown"]) == "n\n\(count)\n", "\(condition)")
        }
    }

    @Test func aJoinReadsOnlyTheColumnsItsOutputNeeds() throws {
        // genre is in both tables: the left one stays so that the right one is still genre_right.
        let text = "load $plays | join tracks on track | select title, genre_right"
        #expect(try explain(text, in: session()).contains("reads 2 of 6 columns: track, genre"))
        #expect(try result(text, in: session()) == result(text, in: session(), skipping: ["projection pushdown"]))
    }
}

@Suite struct FunctionRegistryTests {
    @Test func everyEntryIsImplemented() throws {
        for entry in FunctionRegistry.all {
            let nulls = [Value](repeating: .null, count: max(entry.minArguments, 1))
            switch entry.kind {
            case .scalar:
                // Null in gives null out (or the fallback), never "unknown function".
                #expect(throws: Never.self, "\(entry.name)") { _ = try scalarFunction(entry.name, nulls, at: SourceLocation(line: 1, column: 1)) }
            case .aggregate:
                #expect(AggregateFunction(name: entry.name, quantile: 0.5) != nil, "\(entry.name)")
            case .window:
                #expect(WindowFunction.names.contains(entry.name), "\(entry.name)")
            }
        }
    }

    @Test func everyExampleParsesAndTheParserUsesTheRegistry() throws {
        for entry in FunctionRegistry.all {
            let text = switch entry.kind {
            case .scalar: "T | derive x = \(entry.example)"
            case .aggregate: "T | agg \(entry.example)"
            case .window: "T | \(entry.example)"
            }
            #expect(throws: Never.self, "\(entry.name)") { _ = try parse(text) }
            let tooMany = Array(repeating: "1", count: (entry.maxArguments ?? 99) + 1).joined(separator: ", ")
            if entry.maxArguments != nil {
                #expect(throws: Diagnostic.self) { _ = try parse("T | derive x = \(entry.name)(\(tooMany))") }
            }
        }
        #expect(Vocabulary.scalarFunctions.contains("date_trunc"))
        #expect(Vocabulary.aggregateFunctions == ["count", "count_distinct", "sum", "mean", "median", "min", "max", "std", "var", "first", "last", "quantile"])
    }

    @Test func resultTypesFollowTheArguments() {
        #expect(FunctionTypes.result(of: "round", arguments: [.int]) == .int)
        #expect(FunctionTypes.result(of: "round", arguments: [.float, .int]) == .float)
        #expect(FunctionTypes.result(of: "coalesce", arguments: [.int, .float]) == .float)
        #expect(FunctionTypes.result(of: "coalesce", arguments: [.int, nil]) == nil)
        #expect(FunctionTypes.result(of: "date_trunc", arguments: [.string, .date]) == .date)
        #expect(FunctionTypes.result(of: "sum", arguments: [.int]) == .int)
    }
}

@Suite struct ExplainTests {
    @Test func explainPrintsThePlanWithoutRunningIt() {
        let r = run("explain load $plays | filter genre == \"pop\" | groupby user agg n = count() | save \"/nonexistent/x.csv\"")
        #expect(r.outcome == .success)
        #expect(r.out == """
            plan (local engine), output: user, n int
            groupby user agg n = count()
              scan "\(fixture("plays.csv"))" (csv)
                reads 2 of 6 columns: user, genre
                filters while reading: genre == "pop"
            then save on that result

            """)
    }

    @Test func aTableNamedExplainStillWorks() {
        let r = run("let explain = plays | limit 1\nexplain | select user\nexplain explain | select user")
        #expect(r.outcome == .success)
        #expect(r.out.hasPrefix("user\nu1\nplan (local engine), output: user string\n"))
    }
}

/// Windows, pivot, unpivot, union and cross join as plan nodes: their schemas before anything
/// runs, their bind errors, and the rewrites around them. Expected values are worked out by hand
/// from Fixtures/plays.csv and tracks.csv.
@Suite struct WindowPlanTests {
    @Test func schemasAreKnownWithoutRunning() throws {
        let s = session()
        let window = try bound("plays | derive r = row_number(), share = ms / sum(ms), prev = lag(ms), run = cumsum(ms) per genre by ms desc", in: s).plan
        #expect(columns(window.schema) == ["user:string", "track:string", "genre:string", "ms:int", "skipped:bool", "played_at:timestamp",
                                           "r:int", "share:float", "prev:int", "run:int"])
        // The values of a bound table's column name the pivot's columns, ascending.
        #expect(columns(try bound("plays | pivot genre using sum(ms) per user", in: s).plan.schema)
                == ["user:string", "jazz:int", "pop:int", "rock:int"])
        #expect(columns(try bound("plays | sort ms | rename g = genre | pivot skipped using n = count(), m = max(ms) per g", in: s).plan.schema)
                == ["g:string", "false_n:int", "false_m:int", "true_n:int", "true_m:int"])
        #expect(columns(try bound("plays | select user, ms, s = int(skipped) | unpivot ms, s into k, v", in: s).plan.schema)
                == ["user:string", "k:string", "v:int"])
        #expect(s.execute("let f = plays | select ms = float(ms), extra = 1", file: "setup") == .success)
        #expect(columns(try bound("plays | select user, ms | union f", in: s).plan.schema)
                == ["user:string", "ms:float", "extra:int"])
        #expect(columns(try bound("plays | select user, genre | join cross tracks", in: s).plan.schema)
                == ["user:string", "genre:string", "track:string", "title:string", "genre_right:string"])
    }

    @Test func aPivotWhoseValuesNeedTheDataHasAnOpenSchema() throws {
        // After a filter the values are known only once it has run: the row keys are known, and
        // names the pivot may make are checked when the plan runs.
        let s = session()
        let plan = try bound("plays | filter ms > 1500 | pivot genre using sum(ms) per user | fillna pop = 0 | derive both = pop + rock", in: s).plan
        #expect(columns(plan.schema) == ["user:string", "both:?"])
        #expect(plan.schema.pivotedBy == "genre")
        #expect(try result("plays | filter ms > 1500 | pivot genre using sum(ms) per user | fillna pop = 0 | derive both = pop + rock", in: s)
                == "user,jazz,pop,rock,both\nu1,,0,2000,2000\nu2,4000,0,,\nu3,,5000,6000,11000\n,7000,0,,\n")
        #expect(try explain("plays | filter ms > 1500 | pivot genre per user", in: s)
                .hasPrefix("plan (local engine), output: user string, and one column per value of genre (known once run)\npivot genre using count() per user\n  one column per value of genre, known once run\n"))
        // A name no pivot value makes fails when run, as an unknown column does.
        #expect(run("plays | filter ms > 1500 | pivot genre per user | select poop").err.contains("unknown column 'poop' (did you mean 'pop'?)"))
    }

    /// The error of binding `text`: message and hint, position, kind.
    private func bindError(_ text: String) -> (String, Int?, ErrorKind)? {
        do {
            _ = try bound(text, in: session())
            return nil
        } catch let error as Diagnostic {
            return (error.description, error.at?.column, error.kind)
        } catch {
            return ("\(error)", nil, ErrorKind.runtime)
        }
    }

    @Test func bindErrorsPointAtTheName() throws {
        #expect(bindError("plays | derive s = sum(ms) per genra")! == ("unknown column 'genra' (did you mean 'genre'?)", 32, .notFound))
        #expect(bindError("plays | derive r = rank() by mss desc")! == ("unknown column 'mss' (did you mean 'ms'?)", 30, .notFound))
        #expect(bindError("plays | derive c = cumsum(genre) by ms")!
                == ("cumsum() expects a number as argument 1, but 'genre' is string (e.g. derive total = cumsum(ms_played) per user_id by played_at)", 27, .type))
        #expect(bindError("plays | filter ms == max(ms) per genre by x")! == ("unknown column 'x'", 43, .notFound))
        #expect(bindError("plays | pivot genr per user")! == ("unknown column 'genr' (did you mean 'genre'?)", 15, .notFound))
        #expect(bindError("plays | pivot genre using sum(mss) per user")! == ("unknown column 'mss' (did you mean 'ms'?)", 31, .notFound))
        #expect(bindError("plays | unpivot ms, genre into k, v")!
                == ("unpivot cannot put 'ms' (int) and 'genre' (string) in one column; convert one first, e.g. derive genre = string(genre)", 9, .type))
        #expect(bindError("plays | unpivot ms into user, v")! == ("unpivot would make a second column named 'user'; choose another name after 'into'", 9, .type))
        #expect(bindError("plays | union tracks, playz")! == ("unknown table 'playz' (did you mean 'plays'?)", 23, .notFound))
        #expect(bindError("plays | join cross trackz")?.0 == "unknown table 'trackz' (did you mean 'tracks'?)")
        // Nothing ran: the unknown column comes before the pivot that would fail.
        #expect(bindError("plays | pivot genre using sum(ms) per user | select pop, poop")! == ("unknown column 'poop' (did you mean 'pop'?)", 58, .notFound))
    }

    @Test func aPivotOverTooManyValuesSaysHowMany() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trq-wide-pivot-\(getpid()).csv").path
        try ((["k,v"] + (0..<10_001).map { "a,\($0)" }).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expected = "pivot over 'v' would make 10001 columns, more than 10000"
        // Read at bind time from a bound table, at run time after a filter.
        let atBind = run("let w = load \"\(path)\"\nw | pivot v per k")
        #expect(atBind.err.contains("test.trq:2:11: error: \(expected)"), "\(atBind.err)")
        #expect(run("let w = load \"\(path)\"\nw | filter v >= 0 | pivot v per k").err.contains(expected))
    }

    @Test func columnsCompleteAfterWindowsAndPivots() {
        let s = session()
        #expect(s.columnNames(forPipelinePrefix: "plays | derive r = row_number() per user by ms | select ").suffix(2) == ["played_at", "r"])
        #expect(s.columnNames(forPipelinePrefix: "plays | pivot genre per user | select ") == ["user", "jazz", "pop", "rock"])
        #expect(s.columnNames(forPipelinePrefix: "plays | unpivot user, genre into k, v | select ") == ["track", "ms", "skipped", "played_at", "k", "v"])
    }

    /// Each pipeline's result is the same with and without every rewrite.
    @Test(arguments: [
        "load $plays | derive r = row_number(), p = lag(ms) per user by played_at | select r, p",
        "load $plays | derive m = max(ms) per genre | filter ms == m | select user",
        "load $plays | filter ms == max(ms) per genre | select user",
        "load $plays | filter ms > 1000 | derive c = cumsum(ms) by played_at | select c",
        "load $plays | pivot genre using sum(ms) per user | filter pop > 0",
        "load $plays | select user, genre, ms | pivot genre using total = sum(ms), n = count()",
        "load $plays | select user, ms, skipped | derive s = int(skipped) | unpivot ms, s into k, v | select k, v",
        "load $plays | select user, ms | union tracks | select user, title",
        "load $plays | join cross tracks | filter genre == genre_right | select user, title",
    ])
    func rewritesKeepTheResult(text: String) throws {
        let s = session()
        #expect(try result(text, in: s) == result(text, in: s, skipping: Set(Rewrites.all.map(\.name))))
    }

    @Test func projectionPushdownKeepsWhatTheNodesRead() throws {
        let s = session()
        // The partition, order and argument columns are read; the others are not.
        #expect(try explain("load $plays | derive r = row_number(), p = lag(ms) per user by played_at | select r, p", in: s)
                .contains("reads 3 of 6 columns: user, ms, played_at\n"))
        #expect(try explain("load $plays | pivot genre using sum(ms) per user", in: s).contains("reads 3 of 6 columns: user, genre, ms\n"))
        #expect(try explain("load $plays | unpivot ms into k, v | select v", in: s).contains("reads 1 of 6 columns: ms\n"))
        // Without per every column keys the rows.
        #expect(try explain("load $plays | pivot genre", in: s).contains("reads 6 of 6 columns"))
    }

    @Test func filtersAreNotPushedAcrossAWindowOrAPivot() throws {
        let s = session()
        // Below the window the filter goes into the read; above it, it stays above it.
        #expect(try explain("load $plays | filter ms > 1000 | derive c = cumsum(ms) by played_at", in: s).contains("filters while reading: ms > 1000"))
        let above = try explain("load $plays | derive c = cumsum(ms) by played_at | filter ms > 1000", in: s)
        #expect(!above.contains("filters while reading"))
        #expect(above.contains("filter ms > 1000\n  derive c = cumsum(ms) by played_at (window: partitions formed once)\n    scan"))
        #expect(try !explain("load $plays | pivot genre using sum(ms) per user | filter user == \"u1\"", in: s).contains("filters while reading"))
        // The window's own filter is no plain filter either.
        #expect(try !explain("load $plays | filter ms == max(ms) per genre", in: s).contains("filters while reading"))
    }

    @Test func explainShowsTheNewNodes() throws {
        let s = session()
        #expect(try explain("plays | pivot skipped using n = count(), m = max(ms) per genre", in: s) == """
            plan (local engine), output: genre string, false_n int, false_m int, true_n int, true_m int
            pivot skipped using n = count(), m = max(ms) per genre
              one column per value: false, true
              scan table plays
                reads 3 of 6 columns: genre, ms, skipped

            """)
        #expect(try explain("plays | select user | union tracks | join cross tracks", in: s).contains("""
            join cross
              right side:
                scan table tracks
                  reads 3 of 3 columns: track, title, genre
              union tracks
                then the rows of:
                  scan table tracks
            """))
    }
}

@Suite struct ExpressionTextTests {
    @Test func parenthesesKeepAggregateCallsApart() {
        // ms sums to 25000 over its 6 non-null rows: sum((ms + 1) * 2) = 2 × 25006, sum(ms + 1 * 2) = 25012.
        #expect(lines(run("plays | agg x = sum((ms + 1) * 2), y = sum(ms + 1 * 2), z = sum(ms - (1 - 2))").out) == ["x,y,z", "50012,25012,25006"])
        #expect(lines(run("plays | derive x = sum((ms + 1) * 2), y = sum(ms + 1 * 2) per user | select x, y | limit 1").out) == ["x,y", "6004,3004"])
    }

    @Test func explainShowsTheGrouping() throws {
        let text = try explain("plays | derive x = (ms + 1) * 2, y = -(ms - 1), z = not (skipped or ms > 1) | filter (x + 1) is not null", in: session())
        #expect(text.contains("filter x + 1 is not null\n  derive x = (ms + 1) * 2, y = -(ms - 1), z = not (skipped or ms > 1)\n"))
    }
}
