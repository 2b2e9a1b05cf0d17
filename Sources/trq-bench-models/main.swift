// Benchmark driver for TRQModels, called by scripts/bench/models_bench. Each subcommand prints one
// JSON object on stdout so the script can compare it with the Python reference libraries.
import Foundation
import TRQModels

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("trq-bench-models: \(message)\n".utf8))
    exit(2)
}

/// `--name value` pairs after the positional arguments.
struct Arguments {
    var positional: [String] = []
    var named: [String: String] = [:]
    init(_ args: ArraySlice<String>) {
        var it = args.makeIterator()
        while let a = it.next() {
            if a.hasPrefix("--") {
                guard let v = it.next() else { fail("\(a) needs a value") }
                named[String(a.dropFirst(2))] = v
            } else {
                positional.append(a)
            }
        }
    }
    func string(_ name: String, _ fallback: String) -> String { named[name] ?? fallback }
    func int(_ name: String, _ fallback: Int) -> Int {
        guard let s = named[name] else { return fallback }
        guard let v = Int(s) else { fail("--\(name) \(s): expected an integer") }
        return v
    }
    func double(_ name: String, _ fallback: Double) -> Double {
        guard let s = named[name] else { return fallback }
        guard let v = Double(s) else { fail("--\(name) \(s): expected a number") }
        return v
    }
}

func readText(_ path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    return String(decoding: data, as: UTF8.self)
}

func writeText(_ path: String, _ text: String) {
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { fail("cannot write \(path)") }
}

/// Peak resident memory of this process (VmHWM), in MB.
func peakMemoryMB() -> Double {
    for line in readText("/proc/self/status").split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
        return kb / 1024
    }
    return 0
}

/// CPU seconds used by this process so far (all threads): on a loaded machine a fairer measure of
/// work than the wall clock.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func json(_ fields: [(String, Any)]) -> String {
    let body = fields.map { key, value -> String in
        switch value {
        case let s as String: return "\"\(key)\": \"\(s)\""
        case let d as Double: return "\"\(key)\": \(d.isFinite ? String(d) : "null")"
        default: return "\"\(key)\": \(value)"
        }
    }
    return "{" + body.joined(separator: ", ") + "}"
}

// MARK: recommenders

/// Interactions as dense-index triples, from a tab/comma separated file with a header row.
/// `mapIds` maps raw ids (Last.fm userID/artistID) to dense indices in sorted id order.
func readTriples(_ path: String, mapIds: Bool) -> (users: [Int32], items: [Int32], weights: [Float], userIds: [Int], itemIds: [Int]) {
    var rawUsers: [Int] = [], rawItems: [Int] = [], weights: [Float] = []
    for (n, line) in readText(path).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated().dropFirst() {
        let f = line.split(whereSeparator: { $0 == "\t" || $0 == "," || $0 == "\r" })
        guard f.count >= 3, let u = Int(f[0]), let i = Int(f[1]), let w = Float(f[2]) else {
            fail("\(path):\(n + 1): expected user, item, weight")
        }
        rawUsers.append(u); rawItems.append(i); weights.append(w)
    }
    guard mapIds else {
        return (rawUsers.map { Int32($0) }, rawItems.map { Int32($0) }, weights, [], [])
    }
    let userIds = Array(Set(rawUsers)).sorted(), itemIds = Array(Set(rawItems)).sorted()
    let userIndex = Dictionary(uniqueKeysWithValues: userIds.enumerated().map { ($1, Int32($0)) })
    let itemIndex = Dictionary(uniqueKeysWithValues: itemIds.enumerated().map { ($1, Int32($0)) })
    return (rawUsers.map { userIndex[$0]! }, rawItems.map { itemIndex[$0]! }, weights, userIds, itemIds)
}

func writeTriples(_ path: String, _ m: InteractionMatrix) {
    var out = "user,item,weight\n"
    for u in 0..<m.userCount {
        for k in m.userStart[u]..<m.userStart[u + 1] { out += "\(u),\(m.userItems[k]),\(m.userWeights[k])\n" }
    }
    writeText(path, out)
}

func recommenderOptions(_ a: Arguments) throws -> RecommenderOptions {
    var o = RecommenderOptions()
    for (name, value) in a.named where RecommenderOptions.optionNames.contains(name) {
        try o.set(name, Double(value).map(OptionValue.number) ?? .string(value))
    }
    return o
}

/// split INPUT OUTDIR [--fraction F] [--seed S]: the held-out split of a Last.fm-style file.
func splitCommand(_ a: Arguments) throws {
    guard a.positional.count == 2 else { fail("usage: split INPUT OUTDIR [--fraction 0.2] [--seed 42]") }
    let t = readTriples(a.positional[0], mapIds: true)
    let m = try InteractionMatrix(users: t.users, items: t.items, weights: t.weights)
    let split = try holdOutSplit(m, fraction: a.double("fraction", 0.2), seed: UInt64(a.int("seed", 42)))
    try FileManager.default.createDirectory(atPath: a.positional[1], withIntermediateDirectories: true)
    writeTriples(a.positional[1] + "/train.csv", split.train)
    writeTriples(a.positional[1] + "/test.csv", split.test)
    print(json([("users", m.userCount), ("items", m.itemCount), ("pairs", m.count),
                ("train", split.train.count), ("test", split.test.count)]))
}

/// eval TRAIN TEST [--k 10] [--models als,bpr,...] [recommender options]: each model's metrics on a split.
func evalCommand(_ a: Arguments) throws {
    guard a.positional.count == 2 else { fail("usage: eval TRAIN TEST [--k 10] [--factors 64 ...]") }
    let tr = readTriples(a.positional[0], mapIds: false), te = readTriples(a.positional[1], mapIds: false)
    let users = Int(max(tr.users.max() ?? 0, te.users.max() ?? 0)) + 1
    let items = Int(max(tr.items.max() ?? 0, te.items.max() ?? 0)) + 1
    let train = try InteractionMatrix(users: tr.users, items: tr.items, weights: tr.weights, userCount: users, itemCount: items)
    let test = try InteractionMatrix(users: te.users, items: te.items, weights: te.weights, userCount: users, itemCount: items)
    let options = try recommenderOptions(a)
    let models = try a.string("models", "als,bpr,item_knn,popularity").split(separator: ",").map { try RecommenderKind.named(String($0)) }
    for row in try evaluateRecommenders(train: train, test: test, k: a.int("k", 10), options: options, models: models) {
        let m = row.metrics
        print(json([("model", row.model), ("precision", m.precision), ("recall", m.recall), ("ndcg", m.ndcg),
                    ("map", m.map), ("coverage", m.coverage), ("users", m.users), ("train_seconds", row.trainSeconds),
                    ("seconds_per_iteration", row.model == "als" ? row.trainSeconds / Double(max(1, options.als.iterations))
                        : row.model == "bpr" ? row.trainSeconds / Double(max(1, options.bpr.iterations)) : 0)]))
    }
}

/// synth OUTDIR [--users N] [--items N] [--interactions N] [--zipf S] [--seed S]: a synthetic
/// interaction log as raw little-endian int32 arrays (users.i32, items.i32), items Zipf-distributed.
func synthCommand(_ a: Arguments) throws {
    guard a.positional.count == 1 else { fail("usage: synth OUTDIR [--users 100000] [--items 50000] [--interactions 10000000]") }
    let users = a.int("users", 100_000), items = a.int("items", 50_000), n = a.int("interactions", 10_000_000)
    let s = a.double("zipf", 1.0)
    var cdf = [Double](repeating: 0, count: items)
    var acc = 0.0
    for i in 0..<items { acc += 1 / pow(Double(i + 1), s); cdf[i] = acc }
    var rng = SeededGenerator(seed: UInt64(a.int("seed", 7)))
    var us = [Int32](repeating: 0, count: n), its = [Int32](repeating: 0, count: n)
    for r in 0..<n {
        us[r] = Int32(r % users)
        let x = rng.nextDouble() * acc
        var lo = 0, hi = items - 1
        while lo < hi { let mid = (lo + hi) / 2; if cdf[mid] < x { lo = mid + 1 } else { hi = mid } }
        its[r] = Int32(lo)
    }
    try FileManager.default.createDirectory(atPath: a.positional[0], withIntermediateDirectories: true)
    us.withUnsafeBytes { _ = FileManager.default.createFile(atPath: a.positional[0] + "/users.i32", contents: Data($0)) }
    its.withUnsafeBytes { _ = FileManager.default.createFile(atPath: a.positional[0] + "/items.i32", contents: Data($0)) }
    let m = try InteractionMatrix(users: us, items: its, userCount: users, itemCount: items)
    print(json([("users", users), ("items", items), ("interactions", n), ("pairs", m.count)]))
}

func readInt32s(_ path: String) -> [Int32] {
    guard let d = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    return d.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
}

/// fit-time DIR [--iterations N] [ALS options]: ALS training time on a synth directory.
func fitTimeCommand(_ a: Arguments) throws {
    guard a.positional.count == 1 else { fail("usage: fit-time DIR [--iterations 3]") }
    let us = readInt32s(a.positional[0] + "/users.i32"), its = readInt32s(a.positional[0] + "/items.i32")
    let clock = ContinuousClock.now
    let m = try InteractionMatrix(users: us, items: its)
    let build = clock.duration(to: .now)
    var o = try recommenderOptions(a).als
    o.iterations = a.int("iterations", 3)
    var last = ContinuousClock.now
    var perIteration: [String] = []
    let model = try ALSModel.train(m, options: o) { _, _ in
        let now = ContinuousClock.now
        let d = last.duration(to: now)
        perIteration.append(String(format: "%.3f", Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18))
        last = now
    }
    print(json([("pairs", m.count), ("iteration_seconds", "[" + perIteration.joined(separator: " ") + "]"), ("build_seconds", Double(build.components.seconds) + Double(build.components.attoseconds) * 1e-18),
                ("train_seconds", model.trainSeconds), ("seconds_per_iteration", model.trainSeconds / Double(max(1, o.iterations))),
                ("peak_mb", peakMemoryMB())]))
}

// MARK: classifiers

/// Fields of one CSV record (RFC 4180 quoting).
func csvRecords(_ text: String) -> [[String]] {
    var records: [[String]] = [], field = "", record: [String] = []
    var quoted = false, atStart = true
    var it = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = nil
    while let ch = pending ?? it.next() {
        pending = nil
        if quoted {
            if ch == "\"" {
                if let next = it.next() {
                    if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                } else { quoted = false }
            } else { field.unicodeScalars.append(ch) }
            continue
        }
        switch ch {
        case "\"" where atStart: quoted = true; atStart = false
        case ",": record.append(field); field = ""; atStart = true
        case "\n":
            record.append(field); records.append(record); record = []; field = ""; atStart = true
        case "\r": break
        default: field.unicodeScalars.append(ch); atStart = false
        }
    }
    if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
    return records
}

let spotifyFeatures = ["danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
                       "instrumentalness", "liveness", "valence", "tempo", "time_signature", "duration_ms", "explicit"]

/// The by-genre CSVs (sorted by file name, rows in file order) as feature columns and labels.
func readSpotify(_ dir: String, genres: Set<String>?) -> (columns: [FeatureColumn], labels: [String?]) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { fail("cannot list \(dir)") }
    var values = [[Double]](repeating: [], count: spotifyFeatures.count)
    var labels: [String?] = []
    for name in names.filter({ $0.hasSuffix(".csv") }).sorted() {
        let records = csvRecords(readText(dir + "/" + name))
        guard let header = records.first else { continue }
        let at = spotifyFeatures.map { f -> Int in
            guard let i = header.firstIndex(of: f) else { fail("\(name): no column \(f)") }
            return i
        }
        guard let genreAt = header.firstIndex(of: "track_genre") else { fail("\(name): no track_genre") }
        for rec in records.dropFirst() where rec.count == header.count {
            if let genres, !genres.contains(rec[genreAt]) { continue }
            for (j, i) in at.enumerated() {
                let v = rec[i]
                values[j].append(v == "True" ? 1 : v == "False" ? 0 : Double(v) ?? .nan)
            }
            labels.append(rec[genreAt])
        }
    }
    return (zip(spotifyFeatures, values).map { FeatureColumn.numeric(name: $0, values: $1) }, labels)
}

/// classify DIR [--genres a,b,...] [--models forest,logistic,...] [--test 0.2] [--split-seed 42]
/// [--split-out FILE] [--validate yes] [classifier options]: stratified split, train, score. Writes the
/// test row indices to --split-out for the scikit-learn side. `--validate yes` trains on 80% of the
/// training rows and scores on the rest (for choosing defaults without the test rows).
func classifyCommand(_ a: Arguments) throws {
    guard a.positional.count == 1 else { fail("usage: classify DIR [--genres pop,rock] [--models forest] [--test 0.2]") }
    let genres = a.named["genres"].map { Set($0.split(separator: ",").map(String.init)) }
    var (columns, labels) = readSpotify(a.positional[0], genres: genres)
    let encoder = LabelEncoder(fitting: labels)
    let codes = labels.map { encoder.encode($0!)! }
    var (trainRows, testRows) = stratifiedSplit(codes, classCount: encoder.classes.count,
                                                testFraction: a.double("test", 0.2), seed: UInt64(a.int("split-seed", 42)))
    if let out = a.named["split-out"] { writeText(out, testRows.map(String.init).joined(separator: "\n") + "\n") }
    if a.named["validate"] == "yes" {
        // Choosing defaults: score on a stratified part of the training rows; the test rows stay unseen.
        let (fit, check) = stratifiedSplit(trainRows.map { codes[$0] }, classCount: encoder.classes.count,
                                           testFraction: a.double("test", 0.2), seed: UInt64(a.int("split-seed", 42)) &+ 1)
        (trainRows, testRows) = (fit.map { trainRows[$0] }, check.map { trainRows[$0] })
    }
    var options = ClassifierOptions()
    for (name, value) in a.named where ClassifierOptions.optionNames.contains(name) {
        try options.set(name, Double(value).map(OptionValue.number) ?? .string(value))
    }
    let kinds = try a.string("models", "logistic,mlp,cnn,forest").split(separator: ",").map { name -> ClassifierKind in
        guard let kind = try ClassifierKind.named(String(name)) else { fail("auto is not a bench model") }
        return kind
    }
    var steps: [String: Int] = [:]  // iterations, epochs or trees run
    let train = columns.map { $0.selecting(trainRows) }, test = columns.map { $0.selecting(testRows) }
    let trainLabels = trainRows.map { labels[$0] }, testLabels = testRows.map { labels[$0] }
    (columns, labels) = ([], [])  // peak memory is the model's, not a third copy of the data
    let reports = try evaluateClassifiers(
        features: train, labels: trainLabels, models: kinds, test: (test, testLabels), options: options,
        progress: { kind, done, _ in steps[kind.rawValue] = done })
    for r in reports {
        print(json([("model", r.model), ("rows", codes.count), ("classes", encoder.classes.count), ("steps", steps[r.model] ?? 0),
                    ("accuracy", r.accuracy), ("macro_f1", r.macroF1), ("train_seconds", r.trainSeconds),
                    ("peak_mb", peakMemoryMB())]))
    }
}

/// cluster DIR [--k 8] [--restarts 10] [--threads N]: k-means on the standardized audio features
/// of every Spotify track (the scikit-learn side reads the same files in the same order).
func clusterCommand(_ a: Arguments) throws {
    guard a.positional.count == 1 else { fail("usage: cluster DIR [--k 8] [--restarts 10]") }
    let (columns, _) = readSpotify(a.positional[0], genres: nil)
    let d = columns.count, n = columns[0].count
    var x = [Double](repeating: 0, count: n * d)
    for (f, column) in columns.enumerated() {
        guard case .numeric(_, let values) = column else { fail("feature \(column.name) is not numeric") }
        for r in 0..<n { x[r * d + f] = values[r] }
    }
    var options = KMeansOptions()
    options.restarts = a.int("restarts", 10)
    if let threads = a.named["threads"].flatMap({ Int($0) }) { options.threads = threads }
    let k = a.int("k", 8)
    let clock = ContinuousClock.now, cpu = processCPUSeconds()
    let fit = try kMeans(standardized(x, rows: n, features: d), rows: n, features: d, k: k, options: options)
    let seconds = clock.duration(to: .now), cpuSeconds = processCPUSeconds() - cpu
    print(json([("model", "kmeans"), ("rows", n), ("k", k), ("inertia", fit.inertia), ("iterations", fit.iterations),
                ("train_seconds", Double(seconds.components.seconds) + Double(seconds.components.attoseconds) * 1e-18),
                ("cpu_seconds", cpuSeconds), ("peak_mb", peakMemoryMB())]))
}

let args = CommandLine.arguments
guard args.count >= 2 else { fail("usage: trq-bench-models split|eval|synth|fit-time|classify|cluster ...") }
let rest = Arguments(args.dropFirst(2))
do {
    switch args[1] {
    case "split": try splitCommand(rest)
    case "eval": try evalCommand(rest)
    case "synth": try synthCommand(rest)
    case "fit-time": try fitTimeCommand(rest)
    case "classify": try classifyCommand(rest)
    case "cluster": try clusterCommand(rest)
    default: fail("unknown command \(args[1])")
    }
} catch {
    fail("\(error)")
}
