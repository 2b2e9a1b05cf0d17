import Foundation
import Testing
import TRQFrame
import TRQParquet
@testable import TRQEngine

// Every format `load` reads, held to the same contract on Fixtures/plays.csv (7 rows: user u1 u1
// u2 u2 u3 u3 null; ms 1000 2000 null 4000 5000 6000 7000) saved in each format by trq.

private func folder() -> String {
    let path = NSTemporaryDirectory() + "trq-sources-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The pipeline's result saved as BASE.csv, .json, .parquet, and .ndjson (the JSON array's
/// objects, which trq writes a line each, without the brackets and commas).
private func saved(_ pipeline: String, as base: String) throws -> [String] {
    let formats = ["csv", "json", "parquet"]
    let r = run(formats.map { "\(pipeline) | save \"\(base).\($0)\"" }.joined(separator: "\n"))
    #expect(r.outcome == .success, "\(r.err)")
    let json = try String(contentsOfFile: base + ".json", encoding: .utf8)
    let objects = json.split(separator: "\n").filter { $0.hasPrefix("{") }.map { $0.hasSuffix(",") ? $0.dropLast() : $0 }
    try (objects.joined(separator: "\n") + "\n").write(toFile: base + ".ndjson", atomically: true, encoding: .utf8)
    return formats.map { base + "." + $0 } + [base + ".ndjson"]
}

private func source(_ path: String) throws -> SourceFiles {
    try SourceFiles(files: [.onDisk(path)], format: SourceFormats.forPath(path), options: SourceOptions())
}

@Suite struct SourceConformanceTests {
    let plays: [String]
    init() throws { plays = try saved("plays", as: folder() + "/plays") }

    @Test func eachPathHasItsFormat() {
        #expect(plays.map { SourceFormats.forPath($0).formatName } == ["csv", "json", "parquet", "ndjson"])
        #expect(SourceFormats.forPath("a/b.NDJSON.gz").formatName == "ndjson")
        #expect(SourceFormats.forPath("notes.log").formatName == "csv")
    }

    @Test func theSchemaNamesEveryColumnAndTypedFormatsTheirTypes() throws {
        for path in plays {
            let schema = try source(path).schema()
            #expect(schema.map(\.name) == ["user", "track", "genre", "ms", "skipped", "played_at"], "\(path)")
            // CSV infers types from every row, so they are unknown before reading.
            let expected: [DataType?] = path.hasSuffix(".csv") ? [nil, nil, nil, nil, nil, nil] : [.string, .string, .string, .int, .bool, .timestamp]
            #expect(schema.map(\.type) == expected, "\(path)")
        }
    }

    @Test func aReadReturnsOnlyTheRequestedColumnsInFileOrder() throws {
        for path in plays {
            let table = try source(path).read(columns: ["ms", "genre"], predicates: [], cancel: CancellationToken()).table
            #expect(table.names == ["genre", "ms"], "\(path)")
            #expect(table.rowCount == 7, "\(path)")
        }
    }

    @Test func predicatesAreAppliedOrReportedNotApplied() throws {
        let predicates = [
            SourcePredicate(column: "ms", test: .compare(.greater, .int(2000))),
            // A timestamp against text: left to the filter, which parses the text.
            SourcePredicate(column: "played_at", test: .compare(.greaterOrEqual, .string("2023-03-01"))),
            SourcePredicate(column: "user", test: .isNull(negated: true)),
        ]
        for path in plays {
            let read = try source(path).read(columns: nil, predicates: predicates, cancel: CancellationToken())
            #expect(read.applied == [0, 2], "\(path)")
            // ms > 2000 and user is not null: u2 4000, u3 5000, u3 6000.
            #expect(read.table.rowCount == 3, "\(path)")
        }
    }

    @Test func theFiltersOfAPipelineGiveTheSameRowsInEveryFormat() {
        let cases: [(String, String)] = [
            ("ms > 2000", "4"), ("ms >= 2000.5", "4"), ("2000 < ms", "4"), ("ms != 1000", "5"), ("ms in [1000, 7000]", "2"),
            ("ms not in [1000, 7000]", "4"), ("genre == \"pop\"", "3"), ("genre < \"q\"", "5"), ("genre in [\"jazz\", null]", "2"),
            ("genre not in [\"jazz\", null]", "0"), ("user is null", "1"), ("ms is not null", "6"), ("skipped == true", "2"),
            ("played_at >= \"2023-03-01\"", "4"), ("ms > 1.5", "6"),
        ]
        for path in plays {
            for (condition, count) in cases {
                let r = run("load \"\(path)\" | filter \(condition) | agg n = count()")
                #expect(lines(r.out) == ["n", count], "\(path): \(condition) \(r.err)")
            }
        }
    }

    @Test func filesWithDifferentColumnsStackByName() throws {
        let base = folder()
        let first = try saved("plays", as: base + "/a")
        // ms / 3 is never whole, so every format stores it as float.
        let second = try saved("plays | select user, ms | derive ms = ms / 3, country = \"SE\"", as: base + "/b")
        for (a, b) in zip(first, second) {
            let format = SourceFormats.forPath(a)
            let files = try SourceFiles(files: [.onDisk(a), .onDisk(b)], format: format, options: SourceOptions())
            #expect(try files.schema().map(\.name) == ["user", "track", "genre", "ms", "skipped", "played_at", "country"], "\(a)")
            let table = try files.read(columns: nil, predicates: [], cancel: CancellationToken()).table
            #expect(table.rowCount == 14, "\(a)")
            #expect(table.column("ms")?.type == .float, "\(a)")
            #expect(table.column("country")?.nullCount == 7, "\(a)")
            #expect(table.column("track")?.nullCount == 7, "\(a)")
        }
    }

    @Test func theMemoryLimitRefusesEveryFormat() {
        for path in plays {
            var err = ""
            var settings = SessionSettings()
            settings.memoryLimit = 100
            let session = Session(settings: settings, write: { _ in }, writeError: { err += $0 })
            #expect(session.execute("load \"\(path)\"", file: "t") == .failed)
            #expect(err.contains("more than the memory limit of 100 bytes"), "\(path): \(err)")
        }
    }
}

@Suite struct SourceExplainTests {
    @Test func parquetRowGroupsAndPartitionsSkippedAreShown() throws {
        let path = folder() + "/big.parquet"
        // k is 1 in every row: `k > 1` rules out the file's one row group by its maximum.
        let r = run("load \"\(fixture("plays.csv"))\" | derive k = 1 | select k | save \"\(path)\"")
        #expect(r.outcome == .success)
        var text = run("explain load \"\(path)\" | filter k > 1 | select k").out
        #expect(text.contains("skips 1 of 1 row groups by their statistics"), "\(text)")
        let base = folder()
        for (year, month) in [(2023, 7), (2023, 8), (2024, 1)] {
            try FileManager.default.createDirectory(atPath: "\(base)/year=\(year)/month=\(month)", withIntermediateDirectories: true)
            _ = run("plays | save \"\(base)/year=\(year)/month=\(month)/part-0.parquet\"")
        }
        text = run("explain load \"\(base)\" | filter year == 2023 and ms > 100000 | select user, month").out
        #expect(text.contains("scan \"\(base)\" (parquet, 3 files stacked)"), "\(text)")
        #expect(text.contains("reads 4 of 8 columns: user, ms, year, month"), "\(text)")
        #expect(text.contains("filters while reading: year == 2023 and ms > 100000"), "\(text)")
        #expect(text.contains("skips 1 of 3 files by their partition values"), "\(text)")
        #expect(text.contains("skips 2 of 2 row groups by their statistics"), "\(text)")
        let rows = run("load \"\(base)\" | filter year == 2023 and ms >= 6000 | select user, month, ms")
        #expect(lines(rows.out) == ["user,month,ms", "u3,7,6000", ",7,7000", "u3,8,6000", ",8,7000"], "\(rows.err)")
    }

    @Test func aJSONSourceShowsItsColumnsAndFilters() throws {
        let text = run("explain load \"\(fixture("spotify/Streaming_History_Audio_2023_0.json"))\" | filter ms_played > 30000 | select track_name").out
        #expect(text.contains("(json)"), "\(text)")
        #expect(text.contains("reads 2 of 19 columns: ms_played, track_name"), "\(text)")
        #expect(text.contains("filters while reading: ms_played > 30000"), "\(text)")
    }
}
