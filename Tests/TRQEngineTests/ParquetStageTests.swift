import Foundation
import Testing
import TRQEngine

// `save "x.parquet"` and `load "x.parquet"` through the language, on Fixtures/plays.csv (7 rows:
// user u1 u1 u2 u2 u3 u3 null; ms 1000 2000 null 4000 5000 6000 7000).

private func parquetPath() -> String {
    NSTemporaryDirectory() + "trq-engine-\(UUID().uuidString).parquet"
}

@Test func savedParquetLoadsBackAsTheSameTable() {
    let path = parquetPath()
    #expect(run("plays | save \"\(path)\"").outcome == .success)
    let original = run("plays")
    let back = run("load \"\(path)\"")
    #expect(back.outcome == .success)
    #expect(back.out == original.out)
    #expect(lines(run("load \"\(path)\" | describe | select name, type").out) == [
        "name,type", "user,string", "track,string", "genre,string", "ms,int", "skipped,bool", "played_at,timestamp",
    ])
}

@Test func parquetFiltersAndCountsUseOnlyTheColumnsTheyNeed() {
    let path = parquetPath()
    _ = run("plays | save \"\(path)\" with compression = \"zstd\"")
    #expect(lines(run("load \"\(path)\" | agg n = count()").out) == ["n", "7"])
    // The null user's row fails `user != "u1"` (null counts as false).
    #expect(lines(run("load \"\(path)\" | filter ms >= 5000 and user != \"u1\" | select user, ms").out) == ["user,ms", "u3,5000", "u3,6000"])
    #expect(lines(run("load \"\(path)\" | filter played_at >= \"2023-07-01\" | agg n = count()").out) == ["n", "2"])
    #expect(lines(run("load \"\(path)\" | filter ms is null | select track").out) == ["track", "t1"])
}

@Test func parquetOptionsAreChecked() {
    let path = parquetPath()
    let bad = run("plays | save \"\(path)\" with compression = \"lzma\"")
    #expect(bad.outcome == .failed)
    #expect(bad.err.contains("compression must be one of \"snappy\", \"zstd\", \"gzip\", \"none\""))
    let csv = run("plays | save \"\(path).csv\" with compression = \"zstd\"")
    #expect(csv.err.contains("unknown save option 'compression'"))
    let load = run("load \"\(path)\" with delimiter = \",\"")
    #expect(load.err.contains("unknown load option 'delimiter'"))
    let missing = run("load \"/nonexistent/x.parquet\"")
    #expect(missing.err.contains("/nonexistent/x.parquet: cannot open"))
}
