#if Spark
import Foundation
import Testing
import TRQEngine
import TRQFrame
import TRQLanguage
import TRQModels
@testable import TRQSpark

/// Planted interactions: users u0..u19 play only artists a0..a9, users v0..v19 only b0..b9
/// (six each, 1 to 20 plays), and `newbie` played a0, a1 and a2.
let planted: String = {
    var generator = SeededLCG(seed: 7)
    var rows = ["user,artist,plays"]
    for (users, artists) in [("u", "a"), ("v", "b")] {
        for u in 0..<20 {
            var chosen = Array(0..<10)
            for j in 0..<6 { chosen.swapAt(j, j + generator.next(below: 10 - j)) }
            for a in chosen.prefix(6) { rows.append("\(users)\(u),\(artists)\(a),\(1 + generator.next(below: 20))") }
        }
    }
    rows += ["newbie,a0,5", "newbie,a1,3", "newbie,a2,7"]
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("trq-spark-planted-\(UUID()).csv").path
    try? (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
}()

struct SeededLCG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(below n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(n))
    }
}

extension SparkLive {
    /// `recommend for` and `similar` train Spark ML's ALS on the cluster (once: the second stage
    /// reuses the cached model): the newbie is recommended unseen artists of its own cluster,
    /// k rows ranked by score; a0's most similar items are a-artists; the rank reaches Spark.
    @Test(.enabled(if: liveEngine != nil)) func recommendTrainsALSOnTheCluster() throws {
        let engine = try #require(liveEngine)
        var errors = ""
        let s = Session(settings: SessionSettings(), write: { _ in }, writeError: { errors += $0 })
        s.executor = engine
        let using = "using user = user, item = artist, weight = plays with factors = 2, iterations = 10, seed = 3"
        let recommended = try s.result("load \"\(planted)\" | recommend for \"newbie\" k 5 \(using)")
        #expect(recommended.names == ["rank", "item", "score"])
        #expect(recommended.columns.map(\.type) == [.int, .string, .float])
        #expect(recommended.rowCount == 5)
        let items = (0..<recommended.rowCount).map { "\(recommended.columns[1][$0])" }
        let scores = (0..<recommended.rowCount).compactMap { recommended.columns[2][$0].asDouble }
        #expect((0..<recommended.rowCount).map { recommended.columns[0][$0] } == (1...5).map { .int(Int64($0)) })
        #expect(items.allSatisfy { $0.hasPrefix("a") } && Set(items).isDisjoint(with: ["a0", "a1", "a2"]), "\(items)")
        #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 }, "\(scores)")

        let similar = try s.result("load \"\(planted)\" | recommend similar \"a0\" k 4 \(using)")
        #expect(similar.names == ["rank", "item", "similarity"])
        let neighbours = (0..<similar.rowCount).map { "\(similar.columns[1][$0])" }
        #expect(neighbours.count == 4 && neighbours.allSatisfy { $0.hasPrefix("a") && $0 != "a0" }, "\(neighbours)")

        let fitted = s.models.models.compactMap { $0 as? SparkRecommender }
        #expect(fitted.count == 1, "for and similar share one fitted model")
        let rank = try engine.run(.with { $0.fetch = .with { $0.objRef = .with { $0.id = fitted[0].als }; $0.methods = [.with { $0.method = "rank" }] } },
                                  at: nil, cancel: CancellationToken())
        #expect(rank.param.integer == 2)

        let unknown = #expect(throws: Diagnostic.self) { try s.result("load \"\(planted)\" | recommend for \"nobody\" \(using)") }
        #expect(unknown?.message.hasPrefix("no user nobody in column 'user'; users look like ") == true, "\(unknown?.message ?? "")")
        let bpr = #expect(throws: Diagnostic.self) { try s.result("load \"\(planted)\" | recommend for \"newbie\" model bpr \(using)") }
        #expect(bpr?.message.contains("bpr does not run on Spark") == true, "\(bpr?.message ?? "")")
        #expect(errors.isEmpty, "\(errors)")
    }

    /// `recommend eval` on the cluster gives the contract's metrics for Spark's own top-k lists:
    /// the lists and held-out pairs, fetched and scored by the local engine's `RankingMetrics`,
    /// give the same numbers; no user is recommended an item it trained on; the planted
    /// clusters make the held-out items findable.
    @Test(.enabled(if: liveEngine != nil)) func recommendEvalComputesTheMetricsOnTheCluster() throws {
        let engine = try #require(liveEngine)
        let s = Session(settings: SessionSettings(), write: { _ in }, writeError: { _ in })
        s.executor = engine
        let row = try s.result("load \"\(planted)\" | recommend eval k 3 using user = user, item = artist, weight = plays with factors = 2, iterations = 10, seed = 3")
        #expect(row.names == ["model", "precision_at_k", "recall_at_k", "ndcg_at_k", "map_at_k", "coverage", "train_seconds"])
        try #require(row.rowCount == 1)
        #expect(row.columns[0][0] == .string("als"))
        let metric = { (name: String) in row.column(name)![0].asDouble ?? .nan }

        var options = RecommenderOptions()
        for (name, value) in [("factors", 2.0), ("iterations", 10), ("seed", 3)] { try options.set(name, .number(value)) }
        let request = RecommendRequest(mode: .eval(fraction: 0.2, seed: 42, against: nil), k: 3, user: "user", item: "artist", weight: "plays",
                                       model: nil, options: options, at: SourceLocation(line: 1, column: 1))
        let pairs = engine.interactionPairs(request, try SparkCompiler().relation(try s.plan("load \"\(planted)\"")))
        let (top, test, fitted) = try engine.evaluationLists(request, pairs, models: s.models, cancel: CancellationToken())
        #expect(s.models.models.count == 1, "the lists come from the model eval fitted")
        let c = SparkCompiler()
        func fetch(_ relation: Spark_Connect_Relation) throws -> [[Int]] {
            let t = try engine.run(c.project(relation, ["__trq_u", "__trq_i"].map { c.column($0) }), at: nil, cancel: CancellationToken())
            return (0..<t.rowCount).map { r in t.columns.map { Int($0[r].asDouble!) } }
        }
        var ranked: [Int: [(rank: Int, item: Int)]] = [:]
        let lists = try engine.run(top, at: nil, cancel: CancellationToken())
        for r in 0..<lists.rowCount {
            let (u, i, rank) = (Int(lists.columns[0][r].asDouble!), Int(lists.columns[1][r].asDouble!), Int(lists.columns[2][r].asDouble!))
            ranked[u, default: []].append((rank, i))
        }
        var relevant: [Int: Set<Int32>] = [:]
        for pair in try fetch(test) { relevant[pair[0], default: []].insert(Int32(pair[1])) }
        var trained: [Int: Set<Int>] = [:]
        for pair in try fetch(fitted.train) { trained[pair[0], default: []].insert(pair[1]) }
        var sums = [0.0, 0.0, 0.0, 0.0]
        for (u, items) in relevant {
            let list = (ranked[u] ?? []).sorted { $0.rank < $1.rank }.map(\.item)
            #expect(Set(list).isDisjoint(with: trained[u] ?? []), "user \(u) is recommended an item it trained on")
            let m = RankingMetrics.forUser(recommended: list.map { Int32($0) }, relevant: items, k: 3)
            for (j, v) in [m.precision, m.recall, m.ndcg, m.averagePrecision].enumerated() { sums[j] += v }
        }
        #expect(relevant.count == 40, "every planted user has 6 items and holds out one")
        for (j, name) in ["precision_at_k", "recall_at_k", "ndcg_at_k", "map_at_k"].enumerated() {
            #expect(abs(metric(name) - sums[j] / Double(relevant.count)) < 1e-9, "\(name): \(metric(name)) vs \(sums[j] / Double(relevant.count))")
        }
        let coverage = Double(Set(ranked.values.flatMap { $0.map(\.item) }).count) / Double(Set(trained.values.flatMap { $0 }).count)
        #expect(abs(metric("coverage") - coverage) < 1e-9)
        #expect(metric("recall_at_k") > 0.3, "\(row)")
    }

    /// `classify` under Spark trains Spark ML's classifiers on the cluster: on planted separable
    /// data (the label is the sign of x + y, a margin around it) each of logistic, forest, boost
    /// and mlp predicts the held-out rows (their label null, so not trained on) near perfectly,
    /// returning the input's columns with `predicted_LABEL` and `confidence`; cnn and auto,
    /// which Spark lacks, are refused by name.
    @Test(.enabled(if: liveEngine != nil)) func classifyTrainsSparksClassifiersOnTheCluster() throws {
        let engine = try #require(liveEngine)
        var generator = SeededLCG(seed: 11)
        var rows = ["id,x,y,truth"]
        for id in 0..<200 {
            var (x, y) = (0.0, 0.0)
            repeat {
                x = Double(generator.next(below: 2001)) / 100 - 10
                y = Double(generator.next(below: 2001)) / 100 - 10
            } while abs(x + y) < 2
            rows.append("\(id),\(x),\(y),\(x + y > 0 ? "up" : "down")")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trq-spark-classify-\(UUID()).csv").path
        try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = Session(settings: SessionSettings(), write: { _ in }, writeError: { _ in })
        s.executor = engine
        let input = "load \"\(path)\" | derive label = if(id < 150, truth, null)"
        for model in ["logistic", "forest with trees = 10", "boost with rounds = 10", "mlp with hidden = 8, layers = 1"] {
            let t = try s.result("\(input) | classify label features x, y model \(model)")
            #expect(t.names == ["id", "x", "y", "truth", "label", "predicted_label", "confidence"], "\(model)")
            #expect(t.rowCount == 200, "\(model)")
            guard let id = t.column("id"), let truth = t.column("truth"), let predicted = t.column("predicted_label"),
                  let confidence = t.column("confidence") else { continue }
            #expect(predicted.type == .string && confidence.type == .float, "\(model)")
            let heldOut = (0..<t.rowCount).filter { (id[$0].asDouble ?? 0) >= 150 }
            let right = heldOut.filter { predicted[$0] == truth[$0] }.count
            #expect(heldOut.count == 50 && right >= 48, "\(model): \(right) of \(heldOut.count) held-out rows right")
            #expect((0..<t.rowCount).allSatisfy { (0.5...1).contains(confidence[$0].asDouble ?? -1) }, "\(model)")
        }
        for (model, name) in [("cnn", "cnn"), ("auto", "auto")] {
            let error = #expect(throws: Diagnostic.self) { try s.result("\(input) | classify label features x, y model \(model)") }
            #expect(error?.message.contains("model \(name) does not run on Spark") == true, "\(error?.message ?? "")")
        }
    }

    /// `classify eval` under Spark: one row per model with accuracy and macro F1 computed on the
    /// cluster; the same test rows' true and predicted classes, fetched and scored by the local
    /// engine's `ClassificationReport`, give the same numbers; on the planted data, near 1.
    @Test(.enabled(if: liveEngine != nil)) func classifyEvalComputesTheMetricsOnTheCluster() throws {
        let engine = try #require(liveEngine)
        var generator = SeededLCG(seed: 5)
        var rows = ["x,y,truth"]
        for _ in 0..<150 {
            let (x, y) = (Double(generator.next(below: 2001)) / 100 - 10, Double(generator.next(below: 2001)) / 100 - 10)
            // Three classes by the angle's sign pattern, with some noise near the borders.
            rows.append("\(x),\(y),\(x > 0 ? (y > 0 ? "ne" : "se") : "w")")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trq-spark-classify-eval-\(UUID()).csv").path
        try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = Session(settings: SessionSettings(), write: { _ in }, writeError: { _ in })
        s.executor = engine
        let row = try s.result("load \"\(path)\" | classify truth eval test 0.3 seed 9 features x, y model forest with trees = 10")
        #expect(row.names == ["model", "accuracy", "macro_f1", "train_seconds"])
        try #require(row.rowCount == 1)
        #expect(row.columns[0][0] == .string("forest"))

        var options = ClassifierOptions()
        try options.set("trees", .number(10))
        let request = ClassifyRequest(label: "truth", mode: .eval(fraction: 0.3, seed: 9, against: nil), features: ["x", "y"], kind: .forest,
                                      options: options, at: SourceLocation(line: 1, column: 1))
        let evaluated = try engine.classifierEvaluation(request, try SparkCompiler().relation(try s.plan("load \"\(path)\"")), models: s.models,
                                                        cancel: CancellationToken())
        let c = SparkCompiler()
        let scored = try engine.run(c.project(evaluated[0].scored, [c.column("__trq_label_text"), c.column("__trq_predicted")]), at: nil, cancel: CancellationToken())
        let labels = Array(Set((0..<scored.rowCount).flatMap { r in scored.columns.map { "\($0[r])" } })).sorted()
        let index = { (r: Int, j: Int) in labels.firstIndex(of: "\(scored.columns[j][r])")! }
        let report = ClassificationReport.score(model: "forest", trainSeconds: 0, labels: labels,
                                                actual: (0..<scored.rowCount).map { index($0, 0) }, predicted: (0..<scored.rowCount).map { index($0, 1) })
        var perClass: [String: Int] = [:]
        for line in rows.dropFirst() { perClass[String(line.split(separator: ",")[2]), default: 0] += 1 }
        let held = perClass.values.reduce(0) { $0 + min($1 - 1, max(1, Int((0.3 * Double($1)).rounded()))) }
        #expect(scored.rowCount == held, "round(0.3 × n) rows of each class: \(perClass)")
        #expect(abs((row.columns[1][0].asDouble ?? 0) - report.accuracy) < 1e-9, "\(row) vs \(report.accuracy)")
        #expect(abs((row.columns[2][0].asDouble ?? 0) - report.macroF1) < 1e-9, "\(row) vs \(report.macroF1)")
        #expect(report.accuracy > 0.85, "\(report.accuracy)")
    }
}
#endif
