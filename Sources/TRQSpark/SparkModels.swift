#if Spark
import Foundation
import SwiftProtobuf
import TRQEngine
import TRQFrame
import TRQLanguage
import TRQModels

/// A recommender fitted on the cluster: the server-side references of the id indexer
/// (StringIndexer: ids to the dense integers ALS needs) and of the ALS model, and the indexed
/// pairs it was fitted on, kept on the cluster (`__trq_held` marks `eval`'s held-out pairs).
final class SparkRecommender {
    let indexer: String
    let als: String
    let indexed: Spark_Connect_Relation
    let split: Bool
    let trainSeconds: Double

    init(indexer: String, als: String, indexed: Spark_Connect_Relation, split: Bool, trainSeconds: Double) {
        (self.indexer, self.als, self.indexed, self.split, self.trainSeconds) = (indexer, als, indexed, split, trainSeconds)
    }

    /// The pairs ALS was fitted on.
    var train: Spark_Connect_Relation { Self.training(indexed, split: split) }

    static func training(_ indexed: Spark_Connect_Relation, split: Bool) -> Spark_Connect_Relation {
        let c = SparkCompiler()
        return split ? c.filter(indexed, c.call("not", [c.column("__trq_held")])) : indexed
    }
}

/// Hidden column names of the interaction pairs sent to Spark ML.
private enum Pair {
    static let user = "__trq_user", item = "__trq_item", weight = "__trq_w", rating = "__trq_r"
    static let u = "__trq_u", i = "__trq_i", rank = "__trq_rank", score = "__trq_score"
}

extension SparkExecutor {
    package var trainsModels: Bool { true }

    /// `recommend` on the cluster: Spark ML's ALS (implicit preferences) fitted through Connect's
    /// ML commands on the summed user/item pairs; scores come from the model's Transform, seen
    /// items are left out by an anti join, and only the k rows asked for come back.
    package func recommend(_ request: RecommendRequest, on plan: PlanNode, models: ModelCache, cancel: CancellationToken) throws(Diagnostic) -> Table? {
        if let kind = request.model, kind != .als {
            throw Diagnostic("model \(kind.rawValue) does not run on Spark (Spark ML has ALS)", at: request.at, kind: .bind,
                             hint: "use model als, or run it locally: .disconnect")
        }
        let c = SparkCompiler()
        let pairs = interactionPairs(request, try c.relation(plan))
        switch request.mode {
        case .forUser(let user, let at):
            let fitted = try fittedALS(pairs, request: request, models: models, cancel: cancel)
            let indexed = fitted.indexed
            let u = try index(of: user, at: at, noun: "user", column: request.user, idColumn: Pair.user, indexColumn: Pair.u,
                              in: indexed, pairs: pairs, cancel: cancel)
            let seen = c.project(c.filter(indexed, c.call("==", [c.column(Pair.u), c.literal(.float(u))])),
                                 [c.alias(c.column(Pair.i), "__trq_seen")])
            let unseen = join(items(indexed), seen, on: c.call("==", [c.column(Pair.i), c.column("__trq_seen")]), kind: .leftAnti)
            let scored = transformed(c.withColumn(unseen, Pair.u, c.literal(.float(u))), by: fitted.als)
            return try ranked(scored, score: c.column("prediction"), name: "score", k: request.k, at: request.at, cancel: cancel)
        case .similar(let item, let at):
            let fitted = try fittedALS(pairs, request: request, models: models, cancel: cancel)
            let indexed = fitted.indexed
            let i = try index(of: item, at: at, noun: "item", column: request.item, idColumn: Pair.item, indexColumn: Pair.i,
                              in: indexed, pairs: pairs, cancel: cancel)
            // Cosine similarity of item factors, as the local ALS's similar items (the item itself
            // and items with zero factors left out).
            let factors = attribute(fitted.als, "itemFactors")
            let target = c.project(c.filter(factors, c.call("==", [c.column("id"), c.literal(.float(i))])), [c.alias(c.column("features"), "__trq_tf")])
            let others = c.filter(factors, c.call("not", [c.call("==", [c.column("id"), c.literal(.float(i))])]))
            let dot = sum(c.call("zip_with", [c.column("features"), c.column("__trq_tf"), lambda("x", "y") { c.call("*", [$0, $1]) }]))
            let cosine = c.call("try_divide", [dot, c.call("*", [norm(c.column("features")), norm(c.column("__trq_tf"))])])
            let scored = c.filter(c.withColumn(join(others, target, on: nil, kind: .cross), "__trq_cosine", cosine),
                                  c.call("isnotnull", [c.column("__trq_cosine")]))
            let named = join(scored, items(indexed), on: c.call("==", [c.column("id"), c.column(Pair.i)]), kind: .inner)
            return try ranked(named, score: c.column("__trq_cosine"), name: "similarity", k: request.k, at: request.at, cancel: cancel)
        case .eval:
            let (top, test, fitted) = try evaluationLists(request, pairs, models: models, cancel: cancel)
            let metrics = try run(rankingMetrics(top: top, test: test, train: fitted.train, k: request.k),
                                  at: request.at, cancel: cancel)
            do throws(FrameError) {
                var table = try Table(names: ["model"], columns: [Column(.string(codes: [0], dictionary: StringDictionary(["als"])))])
                for (name, column) in zip(metrics.names, metrics.columns) { try table.append(name, column) }
                try table.append("train_seconds", Column(.float([fitted.trainSeconds])))
                return table
            } catch {
                throw Diagnostic("Spark's metrics could not be read: \(error.message)", at: request.at, kind: .runtime)
            }
        }
    }

    /// `recommend eval`'s lists, on the cluster: each test user's top k of the items it has not
    /// trained on (`__trq_u, __trq_i, __trq_rank`), and the held-out pairs (`__trq_u, __trq_i`).
    /// Without `against`, each user with at least 5 distinct items holds out round(fraction × n)
    /// of them (kept within 1...n-1), chosen by a hash of the item and the seed, so that the
    /// split is the same each time Spark computes it; with `against`, the test table's pairs
    /// whose user and item were trained on.
    func evaluationLists(_ r: RecommendRequest, _ pairs: Spark_Connect_Relation, models: ModelCache,
                         cancel: CancellationToken) throws(Diagnostic) -> (top: Spark_Connect_Relation, test: Spark_Connect_Relation, fitted: SparkRecommender) {
        guard case .eval(let fraction, let seed, let against) = r.mode else { preconditionFailure("evaluationLists is for recommend eval") }
        let c = SparkCompiler()
        let fitted: SparkRecommender
        let test: Spark_Connect_Relation
        if let against {
            guard against.index(of: r.user) != nil, against.index(of: r.item) != nil else {
                throw Diagnostic("the test table needs the columns '\(r.user)' and '\(r.item)'", at: r.at)
            }
            fitted = try fittedALS(pairs, request: r, models: models, cancel: cancel)
            let sent = try c.relation(.scan(Scan.table(against, name: "the test table", at: r.at)))
            let testPairs = c.project(sent, [c.alias(c.cast(c.column(r.user), .string), "__trq_tu"), c.alias(c.cast(c.column(r.item), .string), "__trq_ti")])
            let users = Spark_Connect_Relation.with {
                $0.deduplicate = .with { $0.input = c.project(fitted.indexed, [c.column(Pair.user), c.column(Pair.u)]); $0.allColumnsAsKeys = true }
            }
            let matched = join(join(testPairs, users, on: c.call("==", [c.column("__trq_tu"), c.cast(c.column(Pair.user), .string)]), kind: .inner),
                               items(fitted.indexed), on: c.call("==", [c.column("__trq_ti"), c.cast(c.column(Pair.item), .string)]), kind: .inner)
            test = .with { $0.deduplicate = .with { $0.input = c.project(matched, [c.column(Pair.u), c.column(Pair.i)]); $0.allColumnsAsKeys = true } }
        } else {
            guard fraction > 0, fraction < 1 else {
                throw Diagnostic("test fraction \(fraction) must be between 0 and 1 (exclusive), e.g. test 0.2", at: r.at)
            }
            fitted = try fittedALS(pairs, split: (fraction, seed), request: r, models: models, cancel: cancel)
            test = c.project(c.filter(fitted.indexed, c.column("__trq_held")), [c.column(Pair.u), c.column(Pair.i)])
        }
        let trained = fitted.train
        // Each test user's top k + m, m being the most items a user trained on: enough for k
        // unseen ones after the user's own are taken out.
        let most = try run(c.aggregate(c.aggregate(trained, keys: [c.column(Pair.u)], items: [c.alias(c.call("count", [c.literal(.int(1))]), "n")]),
                                       keys: [], items: [c.alias(c.call("max", [c.column("n")]), "m")]), at: r.at, cancel: cancel)
        let m = most.rowCount > 0 ? Int(most.columns[0][0].asDouble ?? 0) : 0
        let testUsers = Spark_Connect_Relation.with { $0.deduplicate = .with { $0.input = c.project(test, [c.column(Pair.u)]); $0.allColumnsAsKeys = true } }
        let recommendations = attribute(fitted.als, "recommendForUserSubset", [
            .with { $0.input = testUsers }, .with { $0.param = .with { $0.integer = Int32(clamping: r.k + m) } },
        ])
        let exploded = c.project(c.project(recommendations, [c.column(Pair.u), c.alias(c.call("explode", [c.column("recommendations")]), "__trq_rec")]),
                                 [c.column(Pair.u), c.alias(field("__trq_rec", Pair.i), Pair.i), c.alias(field("__trq_rec", "rating"), Pair.score)])
        let seen = c.project(trained, [c.alias(c.column(Pair.u), "__trq_su"), c.alias(c.column(Pair.i), "__trq_si")])
        let unseen = join(exploded, seen, on: c.call("and", [c.call("==", [c.column(Pair.u), c.column("__trq_su")]), c.call("==", [c.column(Pair.i), c.column("__trq_si")])]),
                          kind: .leftAnti)
        let rank = window(c.call("row_number", []), per: [c.column(Pair.u)], by: [(c.column(Pair.score), true), (c.column(Pair.i), false)])
        let top = c.filter(c.withColumn(unseen, Pair.rank, rank), c.call("<=", [c.column(Pair.rank), c.literal(.int(Int64(r.k)))]))
        return (c.project(top, [c.column(Pair.u), c.column(Pair.i), c.column(Pair.rank)]), test, fitted)
    }

    /// `pairs` with `__trq_held`: whether the pair is held out for testing.
    private func heldOut(_ pairs: Spark_Connect_Relation, fraction: Double, seed: Int) -> Spark_Connect_Relation {
        let c = SparkCompiler()
        let n = window(c.call("count", [c.literal(.int(1))]), per: [c.column(Pair.user)], by: [])
        let draw = c.call("xxhash64", [c.cast(c.column(Pair.user), .string), c.cast(c.column(Pair.item), .string), c.literal(.int(Int64(seed)))])
        let position = window(c.call("row_number", []), per: [c.column(Pair.user)], by: [(draw, false), (c.column(Pair.i), false)])
        let counted = c.withColumn(c.withColumn(pairs, "__trq_n", n), "__trq_pos", position)
        let held = c.call("least", [c.call("-", [c.column("__trq_n"), c.literal(.int(1))]),
                                    c.call("greatest", [c.literal(.int(1)), c.call("round", [c.call("*", [c.literal(.float(fraction)), c.column("__trq_n")])])])])
        let flag = c.call("and", [c.call(">=", [c.column("__trq_n"), c.literal(.int(5))]), c.call("<=", [c.column("__trq_pos"), held])])
        return c.dropColumn(c.dropColumn(c.withColumn(counted, "__trq_held", flag), "__trq_n"), "__trq_pos")
    }

    /// The contract's ranking metrics over the test users, one row: precision, recall, NDCG
    /// (binary relevance, ideal DCG over min(k, |test|) hits) and MAP at k, and coverage
    /// (distinct recommended items / distinct training items). A test user without
    /// recommendations counts with no hits.
    func rankingMetrics(top: Spark_Connect_Relation, test: Spark_Connect_Relation, train: Spark_Connect_Relation, k: Int) -> Spark_Connect_Relation {
        let c = SparkCompiler()
        let one = c.literal(.int(1)), zero = c.literal(.float(0))
        let marked = join(top, c.withColumn(c.project(test, [c.alias(c.column(Pair.u), "__trq_tu"), c.alias(c.column(Pair.i), "__trq_ti")]), "__trq_hit", c.literal(.float(1))),
                          on: c.call("and", [c.call("==", [c.column(Pair.u), c.column("__trq_tu")]), c.call("==", [c.column(Pair.i), c.column("__trq_ti")])]),
                          kind: .leftOuter)
        let hit = c.call("coalesce", [c.column("__trq_hit"), zero])
        let withHit = c.withColumn(marked, "__trq_h", hit)
        let hitsSoFar = window(c.call("sum", [c.column("__trq_h")]), per: [c.column(Pair.u)], by: [(c.column(Pair.rank), false)], running: true)
        let ranked = c.withColumn(withHit, "__trq_cum", hitsSoFar)
        let perUser = c.aggregate(ranked, keys: [c.alias(c.column(Pair.u), "__trq_pu")], items: [
            c.alias(c.call("sum", [c.column("__trq_h")]), "__trq_hits"),
            c.alias(c.call("sum", [c.call("/", [c.column("__trq_h"), c.call("log2", [c.call("+", [c.column(Pair.rank), one])])])]), "__trq_dcg"),
            c.alias(c.call("sum", [c.call("/", [c.call("*", [c.column("__trq_h"), c.column("__trq_cum")]), c.column(Pair.rank)])]), "__trq_ap"),
        ])
        let testCounts = c.aggregate(test, keys: [c.column(Pair.u)], items: [c.alias(c.call("count", [one]), "__trq_nt")])
        let users = join(testCounts, perUser, on: c.call("==", [c.column(Pair.u), c.column("__trq_pu")]), kind: .leftOuter)
        // The ideal DCG for 1...k hits, computed here: element m is Σ 1/log2(i + 1) for i in 1...m.
        var ideal: [Spark_Connect_Expression] = []
        var sum = 0.0
        for i in 1...max(1, k) {
            sum += 1 / log2(Double(i + 1))
            ideal.append(c.literal(.float(sum)))
        }
        let hits = c.call("coalesce", [c.column("__trq_hits"), zero])
        // element_at takes a 32-bit index.
        let idealHits = Spark_Connect_Expression.with {
            $0.cast = .with { $0.expr = c.call("least", [c.literal(.int(Int64(k))), c.column("__trq_nt")]); $0.typeStr = "int" }
        }
        let scored = c.aggregate(users, keys: [], items: [
            c.alias(c.call("avg", [c.call("/", [hits, c.literal(.int(Int64(k)))])]), "precision_at_k"),
            c.alias(c.call("avg", [c.call("/", [hits, c.column("__trq_nt")])]), "recall_at_k"),
            c.alias(c.call("avg", [c.call("/", [c.call("coalesce", [c.column("__trq_dcg"), zero]), c.call("element_at", [c.call("array", ideal), idealHits])])]), "ndcg_at_k"),
            c.alias(c.call("avg", [c.call("/", [c.call("coalesce", [c.column("__trq_ap"), zero]), idealHits])]), "map_at_k"),
        ])
        let recommended = c.aggregate(top, keys: [], items: [c.alias(c.call("count", [c.column(Pair.i)], distinct: true), "__trq_ri")])
        let trainedItems = c.aggregate(train, keys: [], items: [c.alias(c.call("count", [c.column(Pair.i)], distinct: true), "__trq_ti")])
        let coverage = c.call("coalesce", [c.call("try_divide", [c.cast(c.column("__trq_ri"), .float), c.column("__trq_ti")]), zero])
        let all = join(join(scored, recommended, on: nil, kind: .cross), trainedItems, on: nil, kind: .cross)
        // No test user: every metric 0, as locally.
        let metrics = ["precision_at_k", "recall_at_k", "ndcg_at_k", "map_at_k"].map { c.alias(c.call("coalesce", [c.column($0), zero]), $0) }
        return c.project(all, metrics + [c.alias(coverage, "coverage")])
    }

    /// The distinct (user, item) pairs with their summed weight (1 per row without a weight
    /// column; a null or negative weight counts 0, as locally) and the rating ALS reads: Spark's
    /// implicit confidence is 1 + alpha * rating, so the local confidence modes map onto it
    /// (binary: rating 1; linear: the weight; log: log(1 + weight / epsilon)).
    func interactionPairs(_ r: RecommendRequest, _ input: Spark_Connect_Relation) -> Spark_Connect_Relation {
        let c = SparkCompiler()
        let known = c.filter(input, c.call("and", [c.call("isnotnull", [c.column(r.user)]), c.call("isnotnull", [c.column(r.item)])]))
        let weight = r.weight.map { c.call("sum", [c.call("greatest", [c.call("coalesce", [c.cast(c.column($0), .float), c.literal(.float(0))]), c.literal(.float(0))])]) }
            ?? c.cast(c.call("count", [c.literal(.int(1))]), .float)
        let summed = c.filter(c.aggregate(known, keys: [c.alias(c.column(r.user), Pair.user), c.alias(c.column(r.item), Pair.item)],
                                          items: [c.alias(weight, Pair.weight)]),
                              c.call(">", [c.column(Pair.weight), c.literal(.float(0))]))
        let als = r.options.als
        let rating: Spark_Connect_Expression = switch als.confidence {
        case .binary: c.literal(.float(1))
        case .linear: c.column(Pair.weight)
        case .log: c.call("log1p", [c.call("/", [c.column(Pair.weight), c.literal(.float(als.epsilon))])])
        }
        return c.withColumn(summed, Pair.rating, rating)
    }

    /// The indexer and ALS model for these pairs and options, fitted once per Spark session and
    /// kept in the session's model cache (listed by `.models`). The indexed pairs are computed
    /// once and kept on the cluster (a checkpoint): ALS's iterations, `for`, `similar` and
    /// `eval` read them. With `split`, `eval`'s held-out pairs are marked and left out of
    /// training.
    private func fittedALS(_ pairs: Spark_Connect_Relation, split: (fraction: Double, seed: Int)? = nil, request r: RecommendRequest,
                           models: ModelCache, cancel: CancellationToken) throws(Diagnostic) -> SparkRecommender {
        var hash = ContentHash()
        hash.combine("spark als " + sessionID)
        var deterministic = BinaryEncodingOptions()
        deterministic.useDeterministicOrdering = true
        let bytes: [UInt8] = (try? pairs.serializedBytes(options: deterministic)) ?? []
        hash.combine(bytes)
        if let split {
            hash.combine(split.fraction)
            hash.combine(split.seed)
        }
        r.options.als.hash(into: &hash)
        let key = hash.hex
        if let cached = models.lookup(key) as? SparkRecommender { return cached }
        let started = Date()
        let indexer = try fit("org.apache.spark.ml.feature.StringIndexer", [
            "inputCols": stringArray([Pair.user, Pair.item]), "outputCols": stringArray([Pair.u, Pair.i]),
            "stringOrderType": .with { $0.string = "alphabetAsc" },
        ], on: pairs, at: r.at, cancel: cancel)
        let indexed = transformed(pairs, by: indexer)
        let kept = try checkpoint(split.map { heldOut(indexed, fraction: $0.fraction, seed: $0.seed) } ?? indexed, at: r.at, cancel: cancel)
        let als = r.options.als
        let model = try fit("org.apache.spark.ml.recommendation.ALS", [
            "userCol": .with { $0.string = Pair.u }, "itemCol": .with { $0.string = Pair.i }, "ratingCol": .with { $0.string = Pair.rating },
            "implicitPrefs": .with { $0.boolean = true }, "rank": .with { $0.integer = Int32(als.factors) },
            "regParam": .with { $0.double = als.regularization }, "alpha": .with { $0.double = als.alpha },
            "maxIter": .with { $0.integer = Int32(als.iterations) }, "seed": .with { $0.long = Int64(bitPattern: als.seed) },
            "coldStartStrategy": .with { $0.string = "drop" },
        ], on: SparkRecommender.training(kept, split: split != nil), at: r.at, cancel: cancel)
        let fitted = SparkRecommender(indexer: indexer, als: model, indexed: kept, split: split != nil, trainSeconds: Date().timeIntervalSince(started))
        models.store(.init(kind: "als (spark)", key: key, detail: "\(r.user) x \(r.item) on \(url.text)",
                           trainSeconds: fitted.trainSeconds, bytes: 0, model: fitted))
        return fitted
    }

    /// The dense index Spark's indexer gave an id (compared as text, as locally ids read as text in
    /// one table find int ids in another), or the error naming what the ids look like.
    private func index(of value: Value, at: SourceLocation, noun: String, column: String, idColumn: String, indexColumn: String,
                       in indexed: Spark_Connect_Relation, pairs: Spark_Connect_Relation, cancel: CancellationToken) throws(Diagnostic) -> Double {
        let c = SparkCompiler()
        let text: String = if case .string(let s) = value { s } else { "\(value)" }
        let match = c.filter(indexed, c.call("==", [c.cast(c.column(idColumn), .string), c.literal(.string(text))]))
        let found = try run(c.limit(c.project(match, [c.column(indexColumn)]), 1), at: at, cancel: cancel)
        if found.rowCount > 0, case .float(let index) = found.columns[0][0] { return index }
        let sample = try run(c.limit(c.project(pairs, [c.column(idColumn)]), 1), at: at, cancel: cancel)
        throw missingID(noun, value, column: column, sample: sample.rowCount > 0 ? sample.columns[0][0] : nil, at: at)
    }

    /// Each item id with its index.
    private func items(_ indexed: Spark_Connect_Relation) -> Spark_Connect_Relation {
        let c = SparkCompiler()
        return .with { $0.deduplicate = .with { $0.input = c.project(indexed, [c.column(Pair.item), c.column(Pair.i)]); $0.allColumnsAsKeys = true } }
    }

    /// The k rows of highest `score` (ties: the lower index first), as `rank, item, NAME`.
    private func ranked(_ scored: Spark_Connect_Relation, score: Spark_Connect_Expression, name: String, k: Int, at: SourceLocation,
                        cancel: CancellationToken) throws(Diagnostic) -> Table {
        let c = SparkCompiler()
        let order: [Spark_Connect_Expression.SortOrder] = [
            .with { $0.child = score; $0.direction = .descending; $0.nullOrdering = .sortNullsLast },
            .with { $0.child = c.column(Pair.i); $0.direction = .ascending; $0.nullOrdering = .sortNullsLast },
        ]
        let top = c.limit(c.sort(scored, order), k)
        let rank = Spark_Connect_Expression.with { $0.window = .with { $0.windowFunction = c.call("row_number", []); $0.orderSpec = order } }
        let out = c.project(top, [c.alias(c.cast(rank, .int), "rank"), c.alias(c.column(Pair.item), "item"), c.alias(c.cast(score, .float), name)])
        return try run(c.sort(out, [.with { $0.child = c.column("rank"); $0.direction = .ascending }]), at: at, cancel: cancel)
    }

    // MARK: ML commands and relations

    /// Fits an estimator on the cluster and returns the model's server-side reference.
    private func fit(_ estimator: String, _ params: [String: Spark_Connect_Expression.Literal], on dataset: Spark_Connect_Relation,
                     at: SourceLocation, cancel: CancellationToken) throws(Diagnostic) -> String {
        let command = Spark_Connect_MlCommand.with {
            $0.fit = .with {
                $0.estimator = .with {
                    $0.name = estimator
                    $0.uid = "trq_" + String(UUID().uuidString.prefix(8)).lowercased()
                    $0.type = .estimator
                }
                $0.params = .with { $0.params = params }
                $0.dataset = dataset
            }
        }
        let result = try run(command, at: at, cancel: cancel)
        guard case .operatorInfo(let info)? = result.resultType, case .objRef(let ref)? = info.type else {
            throw Diagnostic("Spark did not return the fitted \(estimator.split(separator: ".").last ?? "")", at: at, kind: .runtime)
        }
        return ref.id
    }

    /// A fitted model's Transform of `input` (its output columns added).
    private func transformed(_ input: Spark_Connect_Relation, by model: String) -> Spark_Connect_Relation {
        .with { $0.mlRelation = .with { $0.transform = .with { $0.objRef = .with { $0.id = model }; $0.input = input } } }
    }

    /// A model's attribute that is a table (ALS's `itemFactors`: id, features).
    private func attribute(_ model: String, _ method: String, _ args: [Spark_Connect_Fetch.Method.Args] = []) -> Spark_Connect_Relation {
        .with {
            $0.mlRelation = .with {
                $0.fetch = .with {
                    $0.objRef = .with { $0.id = model }
                    $0.methods = [.with { $0.method = method; $0.args = args }]
                }
            }
        }
    }

    /// A struct column's field.
    private func field(_ column: String, _ name: String) -> Spark_Connect_Expression {
        .with { $0.unresolvedAttribute = .with { $0.unparsedIdentifier = "`\(column)`.`\(name)`" } }
    }

    /// A window function over `per`, ordered by `by` (descending where true), over the rows up to
    /// this one when `running`.
    private func window(_ function: Spark_Connect_Expression, per: [Spark_Connect_Expression], by: [(Spark_Connect_Expression, Bool)],
                        running: Bool = false) -> Spark_Connect_Expression {
        .with {
            $0.window = .with {
                $0.windowFunction = function
                $0.partitionSpec = per
                $0.orderSpec = by.map { key, descending in
                    .with { $0.child = key; $0.direction = descending ? .descending : .ascending; $0.nullOrdering = .sortNullsLast }
                }
                if running {
                    $0.frameSpec = .with {
                        $0.frameType = .row
                        $0.lower = .with { $0.unbounded = true }
                        $0.upper = .with { $0.currentRow = true }
                    }
                }
            }
        }
    }

    private func join(_ left: Spark_Connect_Relation, _ right: Spark_Connect_Relation, on condition: Spark_Connect_Expression?,
                      kind: Spark_Connect_Join.JoinType) -> Spark_Connect_Relation {
        .with {
            $0.join = .with {
                $0.left = left
                $0.right = right
                $0.joinType = kind
                if let condition { $0.joinCondition = condition }
            }
        }
    }

    private func stringArray(_ values: [String]) -> Spark_Connect_Expression.Literal {
        .with {
            $0.array = .with {
                $0.elementType = .with { $0.string = .init() }
                $0.elements = values.map { v in .with { $0.string = v } }
            }
        }
    }

    /// A two-argument lambda (`(x, y) -> body`) for Spark's higher-order functions.
    private func lambda(_ a: String, _ b: String, _ body: (Spark_Connect_Expression, Spark_Connect_Expression) -> Spark_Connect_Expression) -> Spark_Connect_Expression {
        func variable(_ name: String) -> Spark_Connect_Expression { .with { $0.unresolvedNamedLambdaVariable = .with { $0.nameParts = [name] } } }
        return .with {
            $0.lambdaFunction = .with {
                $0.function = body(variable(a), variable(b))
                $0.arguments = [a, b].map { name in .with { $0.nameParts = [name] } }
            }
        }
    }

    /// The sum of an array's elements, as a double.
    private func sum(_ array: Spark_Connect_Expression) -> Spark_Connect_Expression {
        let c = SparkCompiler()
        return c.call("aggregate", [array, c.literal(.float(0)), lambda("acc", "v") { c.call("+", [$0, $1]) }])
    }

    /// An array's Euclidean norm.
    private func norm(_ array: Spark_Connect_Expression) -> Spark_Connect_Expression {
        let c = SparkCompiler()
        return c.call("sqrt", [c.call("aggregate", [array, c.literal(.float(0)), lambda("acc", "x") { c.call("+", [$0, c.call("*", [$1, $1])]) }])])
    }
}
#endif
