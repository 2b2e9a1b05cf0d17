#if Spark
import Foundation
import Testing
import TRQEngine
import TRQFrame
import TRQLanguage
@testable import TRQSpark

// One pipeline suite on both engines, every cell compared: the local engine is the oracle.
// Needs a Spark Connect server at $TRQ_SPARK_REMOTE (default sc://127.0.0.1:15002), as .ci/run
// starts one; without it the suite skips with a line saying so.

let remote = ProcessInfo.processInfo.environment["TRQ_SPARK_REMOTE"].flatMap { $0.isEmpty ? nil : $0 } ?? "sc://127.0.0.1:15002"

/// The server, connected once for the suite (nil when unreachable).
let liveEngine: SparkExecutor? = {
    do throws(Diagnostic) { return try SparkExecutor(remote, at: nil) } catch {
        print("note: no Spark Connect server at \(remote) (\(error.message)); the Spark comparison suite skipped")
        return nil
    }
}()

let listening = dataFolder + "/listening_2023.csv"
let tracks = dataFolder + "/tracks.csv"

/// Pipelines whose order a `sort` decides over unique keys compare row by row; the others
/// (whose order Spark does not promise) as multisets of rows.
let suite: [(pipeline: String, ordered: Bool)] = [
    ("load \"\(listening)\" | filter country == \"SE\" and ms_played > 60000 | select user_id, track_id, ms_played, skipped", false),
    ("load \"\(listening)\" | groupby country agg plays = count(), users = count_distinct(user_id), avg_ms = mean(ms_played), "
        + "sd = std(ms_played), v = var(ms_played), med = median(ms_played), p90 = quantile(ms_played, 0.9), total = sum(ms_played), "
        + "lo = min(ms_played), hi = max(played_at)", false),
    ("load \"\(listening)\" | groupby platform, skipped", false),
    ("load \"\(listening)\" | derive minutes = ms_played / 60000, h = hour(played_at), wd = weekday(played_at), d = date(played_at), "
        + "m = month(played_at), y = year(played_at), dd = day(played_at), wk = date_trunc(\"week\", played_at), r = ms_played % 7 "
        + "| select user_id, minutes, h, wd, d, m, y, dd, wk, r", false),
    ("load \"\(listening)\" | sort ms_played desc, user_id, track_id, played_at | limit 25", true),
    ("load \"\(listening)\" | top 10 by ms_played * 2 + len(user_id)", false),
    ("load \"\(listening)\" | top 3 by ms_played per country, platform", false),
    ("load \"\(listening)\" | join T on track_id | groupby genre agg n = count(), e = mean(energy), m = max(popularity) | sort genre", true),
    ("load \"\(listening)\" | join left T2 on track_id | select user_id, track_id, genre, track_id_right", false),
    ("T | filter genre in [\"pop\", \"rock\"] and not explicit | derive r = round(energy * 100, 1), l = len(track_name), "
        + "u = upper(substr(track_name, 1, 3)), s = sqrt(loudness), lg = log(tempo - 100), c = contains(lower(track_name), \"love\") "
        + "| select track_id, r, l, u, s, lg, c, release_date", false),
    ("load \"\(listening)\" | derive y = if(ms_played > 200000, ms_played, null), z = if(skipped, null, country) "
        + "| fillna y = 0 | dropna z | groupby z agg s = sum(y), n = count(y), f = mean(float(y))", false),
    ("load \"\(listening)\" | select country, platform | distinct", false),
    ("load \"\(listening)\" | filter platform == \"web\" | agg n = count()", false),
    ("load \"\(listening)\" | filter ms_played > 100000 | limit 7 | agg n = count()", false),
    ("SE | union NO, SE", false),
    ("SE | groupby platform agg a = sum(ms_played), b = mean(ms_played) | unpivot a, b into stat, value", false),
    ("load \"\(listening)\" | derive share = ms_played / sum(ms_played), n = count(), "
        + "s = std(ms_played) per country | derive r = dense_rank() per country by ms_played desc | select user_id, track_id, played_at, share, n, s, r", false),
    ("load \"\(listening)\" | filter ms_played >= quantile(ms_played, 0.9) per platform | select user_id, track_id, played_at, ms_played", false),
    ("load \"\(listening)\" | derive c = cumsum(ms_played), m = rolling_mean(ms_played, 3), p = lag(ms_played, 1, 0), k = cumcount(), "
        + "hi = cummax(ms_played) per user_id by played_at, track_id | select user_id, played_at, track_id, c, m, p, k, hi", false),
    ("T | rename name = track_name | drop artist_name | filter name ~ \"^S\" and not (name like \"%e\") | select track_id, name, tempo", false),
]

/// Serialized: each test blocks its thread while Spark answers (as the shell's statement loop
/// does), and blocking every thread of the two-core cooperative pool at once would starve the
/// gRPC tasks they wait for.
@Suite(.serialized) struct SparkLive {
@Test(.enabled(if: liveEngine != nil)) func bothEnginesAgreeOnEveryCell() throws {
    let engine = try #require(liveEngine)
    var errors = ""
    let local = Session(settings: SessionSettings(), write: { _ in }, writeError: { errors += $0 })
    let setup = """
        let T = load "\(tracks)"
        let T2 = load "\(tracks)" | select track_id, genre, track_id_right = track_name
        let SE = load "\(listening)" | filter country == "SE" | select user_id, country, ms_played, platform
        let NO = load "\(listening)" | filter country == "NO" | select user_id, ms_played, country, platform
        """
    #expect(local.execute(setup, file: "setup") == .success, "\(errors)")
    let localEngine = local.executor
    for (pipeline, ordered) in suite {
        local.executor = localEngine
        let expected = try local.result(pipeline)
        local.executor = engine
        defer { local.executor = localEngine }
        let actual: Table
        do { actual = try local.result(pipeline) } catch {
            Issue.record("Spark failed on \(pipeline): \(error.message)")
            continue
        }
        compare(expected, actual, ordered: ordered, pipeline)
    }
}

func compare(_ expected: Table, _ actual: Table, ordered: Bool, _ pipeline: String) {
    #expect(actual.names == expected.names, "\(pipeline)")
    #expect(actual.columns.map(\.type) == expected.columns.map(\.type), "\(pipeline)")
    #expect(actual.rowCount == expected.rowCount, "\(pipeline)")
    guard actual.names == expected.names, actual.rowCount == expected.rowCount else { return }
    func rows(_ t: Table) -> [[Value]] { (0..<t.rowCount).map { r in t.columns.map { $0[r] } } }
    var (e, a) = (rows(expected), rows(actual))
    if !ordered {
        e.sort { "\($0)" < "\($1)" }
        a.sort { "\($0)" < "\($1)" }
    }
    var mismatches = 0
    for (i, (x, y)) in zip(e, a).enumerated() where !zip(x, y).allSatisfy(same) {
        mismatches += 1
        if mismatches <= 3 { Issue.record("\(pipeline)\n  row \(i): local \(x)\n  spark \(y)") }
    }
}

/// Equal cells; floats to 1e-9 relative (Spark sums in another order).
func same(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.float(let x), .float(let y)): return x == y || abs(x - y) <= 1e-9 * max(abs(x), abs(y))
    default: return a == b
    }
}

/// Ctrl-C (the session's token) stops a running Spark operation through Connect's Interrupt;
/// the connection stays usable.
@Test(.enabled(if: liveEngine != nil)) func cancellingInterruptsTheSparkOperation() throws {
    let engine = try #require(liveEngine)
    let s = Session(settings: SessionSettings(), write: { _ in }, writeError: { _ in })
    #expect(s.execute("let T = load \"\(tracks)\"", file: "setup") == .success)
    s.executor = engine
    // 3,000³ rows: far longer than the moment it is given before the token is set.
    let slow = try s.plan("T | join cross T | join cross T | agg n = count()")
    let token = CancellationToken()
    DispatchQueue.global().asyncAfter(deadline: .now() + 2) { token.cancel() }
    let error = #expect(throws: Diagnostic.self) { try engine.execute(slow, cancel: token) }
    #expect(error?.kind == .cancelled)
    #expect(try engine.execute(try s.plan("T | agg n = count()"), cancel: CancellationToken()).columns[0][0] == .int(3000))
}

/// `save` under Spark writes Spark's folder of part files; loaded back under Spark it holds the
/// local engine's answer, every cell. With `overwrite = false` an existing target is an error
/// naming it; a JSON array, which Spark does not write, is refused.
@Test(.enabled(if: liveEngine != nil)) func saveWritesOnTheClusterAndLoadsBack() throws {
    let engine = try #require(liveEngine)
    var errors = ""
    let s = Session(settings: SessionSettings(), write: { _ in }, writeError: { errors += $0 })
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trq-spark-save-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let pipeline = "load \"\(listening)\" | filter country == \"SE\" | select user_id, ms_played, skipped, played_at, platform"
    let expected = try s.result(pipeline)
    let localEngine = s.executor
    s.executor = engine
    defer { s.executor = localEngine }
    for ext in ["parquet", "csv"] {
        let path = folder + "/se." + ext
        #expect(s.execute(pipeline + " | save \"\(path)\"", file: "t") == .success, "\(errors)")
        #expect(SourceFile.isFolder(path), "Spark writes a folder of part files: \(path)")
        compare(expected, try s.result("load \"\(path)\""), ordered: false, "saved as .\(ext)")
    }
    errors = ""
    #expect(s.execute(pipeline + " | save \"\(folder)/se.parquet\" with overwrite = false", file: "t") == .failed)
    #expect(errors.contains("'\(folder)/se.parquet' exists already"), "\(errors)")
    errors = ""
    #expect(s.execute(pipeline + " | save \"\(folder)/se.json\"", file: "t") == .failed)
    #expect(errors.contains("save it as .ndjson"), "\(errors)")
}

/// `collect` brings Spark's result here and the stages after it run on the local engine: a
/// stage Spark refuses (`describe`) runs after it, with the local engine's answer.
@Test(.enabled(if: liveEngine != nil)) func collectRunsTheRestLocally() throws {
    let engine = try #require(liveEngine)
    var errors = ""
    let s = Session(settings: SessionSettings(), write: { _ in }, writeError: { errors += $0 })
    let pipeline = "load \"\(listening)\" | filter country == \"SE\" | select ms_played, skipped"
    let expected = try s.result(pipeline + " | describe")
    let localEngine = s.executor
    s.executor = engine
    defer { s.executor = localEngine }
    #expect(throws: Diagnostic.self) { try s.result(pipeline + " | describe") }
    compare(expected, try s.result(pipeline + " | collect | describe"), ordered: true, "describe after collect")
}

/// Printed under Spark, a long result shows its first rows and the row count Spark computed;
/// `_` is then not the result (only those rows were fetched), while a short result is whole.
@Test(.enabled(if: liveEngine != nil)) func printingShowsTheFirstRowsAndSparksRowCount() throws {
    let engine = try #require(liveEngine)
    var (out, errors) = ("", "")
    var settings = SessionSettings()
    settings.maxRows = 4
    let s = Session(settings: settings, write: { out += $0 }, writeError: { errors += $0 })
    let localEngine = s.executor
    s.executor = engine
    defer { s.executor = localEngine }
    #expect(s.execute("load \"\(listening)\" | select user_id, ms_played", file: "t") == .success, "\(errors)")
    #expect(out.contains("10000 rows (4 shown)"), "\(out)")
    #expect(s.execute("_ | agg n = count()", file: "t") == .failed)
    #expect(errors.contains("not fetched whole"), "\(errors)")
    out = ""
    #expect(s.execute("load \"\(listening)\" | groupby platform | sort platform | limit 3", file: "t") == .success, "\(errors)")
    #expect(out.contains("3 rows  2 columns"), "\(out)")
    #expect(try s.result("_ | agg n = count()").columns[0][0] == .int(3))
}

/// `load` under Spark binds with the columns Spark reports (AnalyzePlan) and passes the options
/// to Spark's reader: a `file:` URL, which trq itself cannot open, loads with the local
/// engine's answer for the same file.
@Test(.enabled(if: liveEngine != nil)) func loadReadsOnTheClusterWithItsOptions() throws {
    let engine = try #require(liveEngine)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("trq-spark-load-\(UUID()).txt").path
    try "a;1;0.5;true\nb;-;2.5;false\nc;3;-;true\n".write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    var errors = ""
    let s = Session(settings: SessionSettings(), write: { _ in }, writeError: { errors += $0 })
    let options = "with delimiter = \";\", header = false, nulls = [\"-\"], format = \"csv\""
    let expected = try s.result("load \"\(path)\" \(options)")
    #expect(throws: Diagnostic.self) { try s.result("load \"file://\(path)\" \(options)") }
    let localEngine = s.executor
    s.executor = engine
    defer { s.executor = localEngine }
    compare(expected, try s.result("load \"file://\(path)\" \(options)"), ordered: false, "load file: URL with options")
    #expect(expected.names == ["column1", "column2", "column3", "column4"])
    let error = #expect(throws: Diagnostic.self) { try s.result("load \"file://\(path)\" with nulls = [\"-\", \"NA\"]") }
    #expect(error?.message.contains("one null text") == true, "\(error?.message ?? "")")
}

/// An error Spark's analyzer raises for the whole plan is shown at the stage that causes it
/// (file:line:column), with Spark's message: trq rounds to a per-row number of decimals, Spark
/// only to a constant one.
@Test(.enabled(if: liveEngine != nil)) func sparksAnalysisErrorIsShownAtItsStage() throws {
    let engine = try #require(liveEngine)
    var errors = ""
    let s = Session(settings: SessionSettings(), write: { _ in }, writeError: { errors += $0 })
    let localEngine = s.executor
    s.executor = engine
    defer { s.executor = localEngine }
    let script = "load \"\(tracks)\"\n  | filter popularity > 10\n  | derive r = round(energy, popularity % 3)\n  | select track_id, r\n"
    #expect(s.execute(script, file: "t.trq") == .failed)
    #expect(errors.hasPrefix("t.trq:3:5: error: Spark: "), "\(errors)")
    #expect(errors.contains("round"), "\(errors)")
}

/// A result past the row limit is refused with its row count, counted by Spark.
@Test(.enabled(if: liveEngine != nil)) func aResultTooLargeIsRefusedWithItsRowCount() throws {
    let small = try SparkExecutor(remote, at: nil, maxRows: 1000)
    defer { small.close() }
    let s = Session(settings: SessionSettings(), write: { _ in }, writeError: { _ in })
    let error = #expect(throws: Diagnostic.self) { try small.execute(try s.plan("load \"\(listening)\" | select user_id, ms_played"), cancel: CancellationToken()) }
    #expect(error?.kind == .limit)
    #expect(error?.message == "the result has 10000 rows, more than the 1000 trq brings back from Spark", "\(error?.message ?? "")")
    #expect(try small.execute(try s.plan("load \"\(listening)\" | limit 1000"), cancel: CancellationToken()).rowCount == 1000)
}
}
#endif
