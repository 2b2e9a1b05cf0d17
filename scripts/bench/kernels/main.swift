// Kernel benchmark: synthetic listening events, timed in-process. Built and run by run.sh, which
// also times the same queries in DuckDB, polars and pandas on the same data (written here as
// raw arrays).
import Foundation
import TRQFrame
import TRQRandom

let rowCount = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 10_000_000
let outputDirectory = CommandLine.arguments.dropFirst(2).first

var rng = SystemRandomNumberGenerator()
var random = SplitMix64(seed: 2024)

// Skewed picks: squaring a uniform favours small ids, like popular countries and tracks.
func skewed(_ count: Int, _ random: inout SplitMix64) -> Int {
    Int(Double(count) * pow(Double.random(in: 0..<1, using: &random), 2))
}

let countries = (0..<60).map { String(format: "C%02d", $0) }
let platforms = ["android", "ios", "web", "desktop"]
var countryCodes = [Int32](repeating: 0, count: rowCount)
var platformCodes = [Int32](repeating: 0, count: rowCount)
var users = [Int64](repeating: 0, count: rowCount)
var tracks = [Int64](repeating: 0, count: rowCount)
var msPlayed = [Double](repeating: 0, count: rowCount)
var msValid = Validity(count: rowCount, allValid: true)
for i in 0..<rowCount {
    countryCodes[i] = Int32(skewed(60, &random))
    platformCodes[i] = Int32.random(in: 0..<4, using: &random)
    users[i] = Int64.random(in: 0..<200_000, using: &random)
    tracks[i] = Int64(skewed(1_000_000, &random))
    msPlayed[i] = Double(Int.random(in: 1_000...400_000, using: &random))
    if i % 97 == 0 { msValid.clear(i) }
}
let table = try Table(names: ["country", "platform", "user_id", "track_id", "ms_played"], columns: [
    Column(.string(codes: countryCodes, dictionary: StringDictionary(countries))),
    Column(.string(codes: platformCodes, dictionary: StringDictionary(platforms))),
    Column(.int(users)), Column(.int(tracks)), Column(.float(msPlayed), validity: msValid),
])

if let outputDirectory {
    func write<T>(_ values: [T], _ name: String) {
        let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
        _ = FileManager.default.createFile(atPath: outputDirectory + "/" + name, contents: data)
    }
    write(countryCodes, "country.i32")
    write(platformCodes, "platform.i32")
    write(users, "user_id.i64")
    write(tracks, "track_id.i64")
    write((0..<rowCount).map { msValid.isValid($0) ? msPlayed[$0] : .nan }, "ms_played.f64")
}

/// BENCH_ONLY=text runs only the benchmarks whose label contains it (for profiling).
let only = ProcessInfo.processInfo.environment["BENCH_ONLY"]

func time(_ label: String, _ body: () throws -> Int) rethrows {
    if let only, !label.contains(only) { return }
    var best = Duration.seconds(1000)
    var rows = 0
    for _ in 0..<3 {
        let start = ContinuousClock.now
        rows = try body()
        best = min(best, ContinuousClock.now - start)
    }
    let ms = Double(best.components.attoseconds) / 1e15 + Double(best.components.seconds) * 1000
    print("trq  \(label): \(String(format: "%.0f", ms)) ms (best of 3, \(rows) rows)")
}

func summary(_ keys: [String], distinctOf: String) throws -> Int {
    try groupBy(table, keys: keys, aggregates: [
        AggregateRequest(name: "n", function: .count),
        AggregateRequest(name: "avg_ms", function: .mean, input: table.column("ms_played")),
        AggregateRequest(name: "distinct", function: .countDistinct, input: table.column(distinctOf)),
    ]).rowCount
}

try time("grouping ids only: country, platform") {
    try grouping([table.column("country")!, table.column("platform")!], rowCount: rowCount).count
}
try time("grouping ids only: user_id, platform") {
    try grouping([table.column("user_id")!, table.column("platform")!], rowCount: rowCount).count
}
try time("groupby country, platform: count, mean, count_distinct(user_id)") {
    try summary(["country", "platform"], distinctOf: "user_id")
}
try time("groupby user_id, platform: count, mean, count_distinct(track_id)") {
    try summary(["user_id", "platform"], distinctOf: "track_id")
}
try time("groupby track_id: median(ms_played)") {
    try groupBy(table, keys: ["track_id"], aggregates: [
        AggregateRequest(name: "m", function: .median, input: table.column("ms_played")),
    ]).rowCount
}
try time("sort by country, ms_played desc") {
    try sortIndices([(table.column("country")!, false), (table.column("ms_played")!, true)]).count
}
try time("top 3 by ms_played per user_id") {
    try topIndices(n: 3, by: table.column("ms_played")!, per: [table.column("user_id")!]).count
}
