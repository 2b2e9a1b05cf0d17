import Foundation
import TRQFrame
import TRQLanguage
import TRQModels

/// Models trained in this session, keyed by the content of their input and their options, and
/// optionally on disk (`~/.cache/trq`) so that rerunning a script skips training.
public final class ModelCache {
    package struct Entry {
        var kind: String
        var key: String
        var detail: String
        var trainSeconds: Double
        var bytes: Int
        var model: AnyObject

        package init(kind: String, key: String, detail: String, trainSeconds: Double, bytes: Int, model: AnyObject) {
            (self.kind, self.key, self.detail, self.trainSeconds, self.bytes, self.model) = (kind, key, detail, trainSeconds, bytes, model)
        }
    }

    private(set) var entries: [Entry] = []

    package func lookup(_ key: String) -> AnyObject? { entries.first { $0.key == key }?.model }

    /// The cached models, oldest first.
    package var models: [AnyObject] { entries.map(\.model) }

    package func store(_ entry: Entry) {
        entries.removeAll { $0.key == entry.key }
        entries.append(entry)
    }

    func listing() -> Table {
        (try? Table(names: ["model", "key", "trained_on", "train_seconds", "size_bytes"], columns: [
            Column(values: entries.map { .string($0.kind) }),
            Column(values: entries.map { .string(String($0.key.prefix(12))) }),
            Column(values: entries.map { .string($0.detail) }),
            Column(.float(entries.map(\.trainSeconds))),
            Column(.int(entries.map { Int64($0.bytes) })),
        ])) ?? Table()
    }

    /// Where serialized models are kept between runs: `$XDG_CACHE_HOME/trq` or `~/.cache/trq`.
    public static var defaultDirectory: String {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/trq" }
        return (env["HOME"] ?? NSTemporaryDirectory()) + "/.cache/trq"
    }

    static func readDisk(_ key: String, in directory: String) -> [UInt8]? {
        FileManager.default.contents(atPath: directory + "/" + key + ".model").map { [UInt8]($0) }
    }

    /// Best effort: a cache that cannot be written only costs a retraining next time.
    static func writeDisk(_ key: String, _ bytes: [UInt8], in directory: String) {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? saveAtomically(bytes, to: directory + "/" + key + ".model", overwrite: true)
    }
}

/// Ids of one table column mapped to dense indices 0..<count, in order of first appearance.
private struct IdMap {
    var indices: [Int32]
    var keys: Column

    init(_ column: Column) throws(FrameError) {
        let g = try grouping([column], rowCount: column.count)
        indices = g.ids
        keys = column.take(g.firstRows)
    }

    /// The index of each of `column`'s values, or -1 for a value that is not a key. Columns of
    /// different types match as printed, so ids read as text in one table find int ids in another.
    func indices(of column: Column) throws(FrameError) -> [Int32] {
        if column.type == keys.type { return try firstMatchingRows(of: column, in: keys) }
        return try firstMatchingRows(of: column.widened(to: .string), in: keys.widened(to: .string))
    }

    func index(of value: Value) throws(FrameError) -> Int32? {
        let index = try indices(of: Column(broadcasting: value, count: 1))[0]
        return index < 0 ? nil : index
    }
}

extension Session {
    // MARK: - recommend

    func recommend(_ t: Table, mode: RecommendMode, k: Expr?, model modelName: String?, using: RecommendColumns, options: [Option],
                   at: SourceLocation) throws(Diagnostic) -> PipelineResult {
        let request = try recommendRequest(Schema(t), mode: mode, k: k, model: modelName, using: using, options: options, at: at)
        let (userName, itemName, count, settings, kind) = (request.user, request.item, request.k, request.options, request.model)
        let data = try interactions(t, user: userName, item: itemName, weight: request.weight, at: at)

        switch request.mode {
        case .forUser(let user, let userAt):
            let u = try position(of: user, at: userAt, in: data.users, column: userName, noun: "user")
            let trained = try trainedRecommender(kind ?? .als, data.matrix, options: settings, detail: "\(t.rowCount) rows", at: at)
            let items = try model(at: at) { try trained.recommend(user: u, k: count) }
            return PipelineResult(table: try ranked(items, keys: data.items.keys, scoreName: "score", at: at))
        case .similar(let item, let itemAt):
            let i = try position(of: item, at: itemAt, in: data.items, column: itemName, noun: "item")
            let trained = try trainedRecommender(.als, data.matrix, options: settings, detail: "\(t.rowCount) rows", at: at) as! ALSModel
            let items = try model(at: at) { try trained.similarItems(item: i, k: count) }
            return PipelineResult(table: try ranked(items, keys: data.items.keys, scoreName: "similarity", at: at))
        case .eval(let fraction, let seed, let against):
            let train: InteractionMatrix, test: InteractionMatrix
            if let against {
                (train, test) = (data.matrix, try heldOut(against, data: data, user: userName, item: itemName, at: at))
            } else {
                let split = try model(at: at) { try holdOutSplit(data.matrix, fraction: fraction, seed: UInt64(seed)) }
                (train, test) = (split.train, split.test)
            }
            let progress = progressReporter("training")
            let rows = try model(at: at) {
                try evaluateRecommenders(train: train, test: test, k: count, options: settings,
                                         models: kind.map { [$0] } ?? RecommenderKind.allCases,
                                         progress: progress.map { p in { _, done, total in p(done, total) } })
            }
            let table = try Diagnostic.located(at: at) { () throws(FrameError) in
                try Table(names: ["model", "precision_at_k", "recall_at_k", "ndcg_at_k", "map_at_k", "coverage", "train_seconds"], columns: [
                    Column(values: rows.map { .string($0.model) }),
                    Column(.float(rows.map(\.metrics.precision))),
                    Column(.float(rows.map(\.metrics.recall))),
                    Column(.float(rows.map(\.metrics.ndcg))),
                    Column(.float(rows.map(\.metrics.map))),
                    Column(.float(rows.map(\.metrics.coverage))),
                    Column(.float(rows.map(\.trainSeconds))),
                ])
            }
            return PipelineResult(table: table)
        }
    }

    private struct Interactions {
        var matrix: InteractionMatrix
        var users: IdMap
        var items: IdMap
    }

    /// `recommend`'s columns, k, options and mode resolved against its input's columns (the
    /// local engine's table, or the plan an engine that trains where it runs receives).
    func recommendRequest(_ schema: Schema, mode: RecommendMode, k: Expr?, model modelName: String?, using: RecommendColumns,
                          options: [Option], at: SourceLocation) throws(Diagnostic) -> RecommendRequest {
        let user = try role(using.user, in: schema, candidates: ["user_id", "user", "userID"], what: "user", at: at)!
        let item = try role(using.item, in: schema, candidates: ["track_id", "item", "item_id", "artist_id", "artistID"], what: "item", at: at)!
        let weight = try role(using.weight, in: schema, candidates: ["weight", "plays", "count", "ms_played", "rating"], what: nil, at: at)
        let count = try k.map { e throws(Diagnostic) in try nonNegativeInt(e, what: "k") } ?? 10
        var settings = RecommenderOptions()
        for option in options {
            try model(at: option.at) { try settings.set(option.name, try optionValue(option)) }
        }
        let kind = try modelName.map { name throws(Diagnostic) in try model(at: at) { try RecommenderKind.named(name) } }
        let resolved: RecommendRequest.Mode
        switch mode {
        case .forUser(let e): resolved = .forUser(try constant(e), at: e.location)
        case .similar(let e): resolved = .similar(try constant(e), at: e.location)
        case .eval(let testExpr, let seedExpr, let against):
            resolved = .eval(fraction: try testExpr.map { e throws(Diagnostic) in try constantNumber(e, what: "test") } ?? 0.2,
                             seed: try seedExpr.map { e throws(Diagnostic) in try nonNegativeInt(e, what: "seed") } ?? 42,
                             against: try against.map { name throws(Diagnostic) in try table(named: name, at: at) })
        }
        return RecommendRequest(mode: resolved, k: count, user: user, item: item, weight: weight, model: kind, options: settings, at: at)
    }

    /// The column playing a role: the one named in `using`, else the first candidate present.
    /// `what` nil means the role is optional.
    private func role(_ given: ColumnRef?, in schema: Schema, candidates: [String], what: String?, at: SourceLocation) throws(Diagnostic) -> String? {
        if let given {
            try schema.require(given)
            return given.name
        }
        if let found = candidates.first(where: { schema.contains($0) }) { return found }
        guard let what else { return nil }
        throw Diagnostic("no \(what) column: name one with `using \(what) = COLUMN` (looked for \(candidates.joined(separator: ", ")))", at: at)
    }

    private func interactions(_ t: Table, user: String, item: String, weight: String?, at: SourceLocation) throws(Diagnostic) -> Interactions {
        let users = try Diagnostic.located(at: at) { () throws(FrameError) in try IdMap(t.column(user)!) }
        let items = try Diagnostic.located(at: at) { () throws(FrameError) in try IdMap(t.column(item)!) }
        let weights = try weight.map { name throws(Diagnostic) in try weightValues(t.column(name)!, name: name, at: at) }
        let matrix = try model(at: at) {
            try InteractionMatrix(users: users.indices, items: items.indices, weights: weights,
                                  userCount: users.keys.count, itemCount: items.keys.count)
        }
        return Interactions(matrix: matrix, users: users, items: items)
    }

    /// Weights as floats; a null weight counts as no interaction.
    private func weightValues(_ c: Column, name: String, at: SourceLocation) throws(Diagnostic) -> [Float] {
        guard let values = c.doubles else {
            throw Diagnostic("the weight column '\(name)' is \(c.type.rawValue); name a numeric one with `using weight = COLUMN`", at: at)
        }
        return (0..<c.count).map { c.isNull($0) || values[$0] < 0 ? 0 : Float(values[$0]) }
    }

    /// `against TEST`: the test table's pairs mapped through the training id maps; pairs with an
    /// unknown user or item cannot be scored and are left out.
    private func heldOut(_ test: Table, data: Interactions, user: String, item: String, at: SourceLocation) throws(Diagnostic) -> InteractionMatrix {
        guard let testUsers = test.column(user), let testItems = test.column(item) else {
            throw Diagnostic("the test table needs the columns '\(user)' and '\(item)'", at: at)
        }
        let (userIndices, itemIndices) = try Diagnostic.located(at: at) { () throws(FrameError) in
            (try data.users.indices(of: testUsers), try data.items.indices(of: testItems))
        }
        var u: [Int32] = [], i: [Int32] = []
        for row in 0..<test.rowCount where userIndices[row] >= 0 && itemIndices[row] >= 0 {
            u.append(userIndices[row])
            i.append(itemIndices[row])
        }
        return try model(at: at) {
            try InteractionMatrix(users: u, items: i, userCount: data.matrix.userCount, itemCount: data.matrix.itemCount)
        }
    }

    private func trainedRecommender(_ kind: RecommenderKind, _ matrix: InteractionMatrix, options: RecommenderOptions,
                                    detail: String, at: SourceLocation) throws(Diagnostic) -> any Recommender {
        let key = options.cacheKey(kind, matrix).hex
        if let cached = models.lookup(key) as? any Recommender { return cached }
        let trained: any Recommender
        if let directory = settings.modelCacheDirectory, let bytes = ModelCache.readDisk(key, in: directory),
           let restored = try? RecommenderOptions.deserialize(kind, bytes) {
            trained = restored
        } else {
            trained = try self.model(at: at) { try options.train(kind, matrix, progress: progressReporter("training \(kind.rawValue)")) }
            if let directory = settings.modelCacheDirectory { ModelCache.writeDisk(key, trained.serialized(), in: directory) }
        }
        models.store(.init(kind: kind.rawValue, key: key, detail: "\(detail), \(matrix.userCount) users x \(matrix.itemCount) items",
                           trainSeconds: trained.trainSeconds, bytes: trained.memoryBytes, model: trained))
        return trained
    }

    private func ranked(_ items: [ScoredItem], keys: Column, scoreName: String, at: SourceLocation) throws(Diagnostic) -> Table {
        try Diagnostic.located(at: at) { () throws(FrameError) in
            try Table(names: ["rank", "item", scoreName], columns: [
                Column(.int(items.indices.map { Int64($0 + 1) })),
                keys.take(items.map { Int($0.item) }),
                Column(.float(items.map { Double($0.score) })),
            ])
        }
    }

    // MARK: - classify

    func classify(_ t: Table, label: ColumnRef, mode: ClassifyMode, features: [ColumnRef], model modelName: String?, options: [Option], at: SourceLocation) throws(Diagnostic) -> PipelineResult {
        _ = try columnIndex(label, in: t)
        var classifierOptions = ClassifierOptions()
        for option in options {
            try model(at: option.at) { try classifierOptions.set(option.name, try optionValue(option)) }
        }
        let kind = try model(at: at) { try ClassifierKind.named(modelName ?? "auto") }
        if let modelName, kind == nil, modelName.lowercased() != "auto" {
            throw Diagnostic("unknown model '\(modelName)'; use logistic, mlp, cnn, forest, boost or auto", at: at)
        }
        let featureNames = try featureColumns(t, label: label.name, given: features)

        switch mode {
        case .predict(let from):
            let train = try from.map { name throws(Diagnostic) in try table(named: name, at: at) } ?? t
            let trainFeatures = try featureValues(train, featureNames, at: at)
            guard train.index(of: label.name) != nil else {
                throw Diagnostic("the training table '\(from ?? "")' has no label column '\(label.name)'", at: label.at)
            }
            let labels = labelValues(train.column(label.name)!)
            let key = ClassificationModel.cacheKey(features: trainFeatures, labels: labels, model: kind, options: classifierOptions).hex
            let classifier: ClassificationModel
            if let cached = models.lookup(key) as? ClassificationModel {
                classifier = cached
            } else if let directory = settings.modelCacheDirectory, let bytes = ModelCache.readDisk(key, in: directory), let restored = try? ClassificationModel.deserialize(bytes) {
                classifier = restored
                models.store(.init(kind: restored.kind.rawValue, key: key, detail: "\(label.name) from \(train.rowCount) rows",
                                   trainSeconds: restored.trainSeconds, bytes: bytes.count, model: restored))
            } else {
                classifier = try model(at: at) {
                    try ClassificationModel.train(features: trainFeatures, labels: labels, model: kind, options: classifierOptions,
                                                  progress: progressReporter("training classifier"))
                }
                let bytes = classifier.serialized()
                if let directory = settings.modelCacheDirectory { ModelCache.writeDisk(key, bytes, in: directory) }
                models.store(.init(kind: classifier.kind.rawValue, key: key, detail: "\(label.name) from \(train.rowCount) rows",
                                   trainSeconds: classifier.trainSeconds, bytes: bytes.count, model: classifier))
            }
            let predictions = try model(at: at) { try classifier.predict(try featureValues(t, featureNames, at: at)) }
            var out = t
            try Diagnostic.located(at: at) { () throws(FrameError) in
                try out.set("predicted_\(label.name)", Column(values: predictions.map { .string($0.label) }))
                try out.set("confidence", Column(.float(predictions.map { Double($0.confidence) })))
            }
            return PipelineResult(table: out)
        case .eval(let testExpr, let seedExpr, let against):
            let fraction = try testExpr.map { e throws(Diagnostic) in try constantNumber(e, what: "test") } ?? 0.2
            let seed = try seedExpr.map { e throws(Diagnostic) in try nonNegativeInt(e, what: "seed") } ?? 42
            var test: (features: [FeatureColumn], labels: [String?])?
            if let against {
                let testTable = try table(named: against, at: at)
                guard let testLabel = testTable.column(label.name) else {
                    throw Diagnostic("the test table '\(against)' has no label column '\(label.name)'", at: at)
                }
                test = (try featureValues(testTable, featureNames, at: at), labelValues(testLabel))
            }
            let features = try featureValues(t, featureNames, at: at)
            let labels = labelValues(t.column(label.name)!)
            let kinds = kind.map { [$0] } ?? ClassifierKind.allCases
            let reports = try model(at: at) {
                try evaluateClassifiers(features: features, labels: labels, models: kinds, testFraction: fraction, seed: UInt64(seed),
                                        test: test, options: classifierOptions,
                                        progress: progressReporter("training").map { p in { kind, done, total in p(done, total) } })
            }
            let table = try Diagnostic.located(at: at) { () throws(FrameError) in
                try Table(names: ["model", "accuracy", "macro_f1", "train_seconds"], columns: [
                    Column(values: reports.map { .string($0.model) }),
                    Column(.float(reports.map(\.accuracy))),
                    Column(.float(reports.map(\.macroF1))),
                    Column(.float(reports.map(\.trainSeconds))),
                ])
            }
            var text: String?
            if settings.interactive, let best = reports.max(by: { $0.accuracy < $1.accuracy }) {
                text = try perClassReport(best)
            }
            return PipelineResult(table: table, text: text)
        }
    }

    /// Every numeric and boolean column but the label (and earlier predictions), unless given.
    private func featureColumns(_ t: Table, label: String, given: [ColumnRef]) throws(Diagnostic) -> [String] {
        if !given.isEmpty {
            for ref in given { _ = try columnIndex(ref, in: t) }
            return given.map(\.name)
        }
        return zip(t.names, t.columns).compactMap { name, column in
            guard name != label, name != "confidence", !name.hasPrefix("predicted_") else { return nil }
            return [.int, .float, .bool].contains(column.type) ? name : nil
        }
    }

    private func featureValues(_ t: Table, _ names: [String], at: SourceLocation) throws(Diagnostic) -> [FeatureColumn] {
        var result: [FeatureColumn] = []
        for name in names {
            guard let c = t.column(name) else {
                throw Diagnostic("no feature column '\(name)'\(suggestion(for: name, in: t.names))", at: at)
            }
            switch c.data {
            case .bool(let v): result.append(.numeric(name: name, values: (0..<c.count).map { c.isNull($0) ? .nan : v[$0] ? 1 : 0 }))
            case .int, .float:
                let v = c.doubles!
                result.append(.numeric(name: name, values: (0..<c.count).map { c.isNull($0) ? .nan : v[$0] }))
            default: result.append(.categorical(name: name, values: (0..<c.count).map { c.isNull($0) ? nil : c[$0].description }))
            }
        }
        return result
    }

    private func labelValues(_ c: Column) -> [String?] {
        (0..<c.count).map { c.isNull($0) ? nil : c[$0].description }
    }

    /// The best model's per-class precision, recall and F1, and its confusion matrix.
    private func perClassReport(_ report: ClassificationReport) throws(Diagnostic) -> String {
        let perClass = try Diagnostic.located(at: SourceLocation(line: 1, column: 1)) { () throws(FrameError) in
            try Table(names: ["class", "precision", "recall", "f1", "support"], columns: [
                Column(values: report.perClass.map { .string($0.label) }),
                Column(.float(report.perClass.map(\.precision))),
                Column(.float(report.perClass.map(\.recall))),
                Column(.float(report.perClass.map(\.f1))),
                Column(.int(report.perClass.map { Int64($0.support) })),
            ])
        }
        var confusion = Table()
        try Diagnostic.located(at: SourceLocation(line: 1, column: 1)) { () throws(FrameError) in
            try confusion.append("actual \\ predicted", Column(values: report.labels.map { .string($0) }))
            for (j, name) in report.labels.enumerated() where confusion.index(of: name) == nil {
                try confusion.append(name, Column(.int(report.confusion.map { Int64($0[j]) })))
            }
        }
        return "Per class (\(report.model)):\n" + renderBox(perClass, maxRows: 200, maxWidth: settings.width)
            + "Confusion matrix (\(report.model)):\n" + renderBox(confusion, maxRows: 200, maxWidth: settings.width)
    }

    // MARK: - cluster

    /// k-means on numeric and boolean features (standardized unless `with scale = false`); rows
    /// with a null feature get a null cluster.
    func cluster(_ t: Table, mode: ClusterMode, features: [ColumnRef], seed: Expr?, options: [Option],
                 at: SourceLocation) throws(Diagnostic) -> PipelineResult {
        var kmeans = KMeansOptions()
        for option in options {
            try model(at: option.at) { try kmeans.set(option.name, try optionValue(option)) }
        }
        if let seed { kmeans.seed = UInt64(try nonNegativeInt(seed, what: "seed")) }
        let names = try clusterFeatures(t, given: features, at: at)
        let columns = names.map { t.column($0)! }
        let doubles = columns.map { c -> [Double] in
            if case .bool(let v) = c.data { return v.map { $0 ? 1 : 0 } }
            return c.doubles!
        }
        let complete = (0..<t.rowCount).filter { r in columns.allSatisfy { !$0.isNull(r) } }
        let d = names.count, n = complete.count
        var values = [Double](repeating: 0, count: n * d)
        for (i, r) in complete.enumerated() { for f in 0..<d { values[i * d + f] = doubles[f][r] } }
        if let bad = values.first(where: { !$0.isFinite }) {
            throw Diagnostic("cannot cluster on the value \(bad); filter such rows out first", at: at)
        }
        let x = kmeans.scale ? standardized(values, rows: n, features: d) : values

        switch mode {
        case .assign(let kExpr):
            let k = try kExpr.map { e throws(Diagnostic) in try nonNegativeInt(e, what: "k") } ?? 8
            let fit = try model(at: at) { try kMeans(x, rows: n, features: d, k: k, options: kmeans) }
            var label = [Int64](repeating: 0, count: t.rowCount), distance = [Double](repeating: 0, count: t.rowCount)
            var valid = [Bool](repeating: false, count: t.rowCount)
            for (i, r) in complete.enumerated() {
                label[r] = Int64(fit.labels[i])
                distance[r] = fit.distances[i]
                valid[r] = true
            }
            var out = t
            try Diagnostic.located(at: at) { () throws(FrameError) in
                try out.set("cluster", Column(.int(label), validity: Validity(valid)))
                try out.set("distance", Column(.float(distance), validity: Validity(valid)))
            }
            return PipelineResult(table: out)
        case .eval(let kExprs):
            var ks: [Int] = [], inertia: [Double] = [], scores: [Double] = [], scored: [Bool] = []
            var sampled = false
            for e in kExprs {
                let k = try nonNegativeInt(e, what: "k")
                let fit = try model(at: e.location) { try kMeans(x, rows: n, features: d, k: k, options: kmeans) }
                let s = try model(at: e.location) {
                    try silhouette(x, rows: n, features: d, labels: fit.labels, k: k, sampleSize: kmeans.silhouetteSample,
                                   seed: kmeans.seed, threads: kmeans.threads)
                }
                ks.append(k)
                inertia.append(fit.inertia)
                scores.append(s.score ?? 0)
                scored.append(s.score != nil)
                sampled = sampled || s.sampled
            }
            let table = try Diagnostic.located(at: at) { () throws(FrameError) in
                try Table(names: ["k", "inertia", "silhouette"], columns: [
                    Column(.int(ks.map { Int64($0) })),
                    Column(.float(inertia)),
                    Column(.float(scores), validity: Validity(scored)),
                ])
            }
            let note = sampled && settings.interactive
                ? "silhouette computed on a seeded sample of \(kmeans.silhouetteSample) of the \(n) rows\n" : nil
            return PipelineResult(table: table, text: note)
        }
    }

    /// The given columns (each numeric or boolean), or every numeric and boolean column except
    /// an earlier stage's `cluster` and `distance`.
    private func clusterFeatures(_ t: Table, given: [ColumnRef], at: SourceLocation) throws(Diagnostic) -> [String] {
        let usable: Set<DataType> = [.int, .float, .bool]
        if !given.isEmpty {
            for ref in given {
                let column = t.columns[try columnIndex(ref, in: t)]
                guard usable.contains(column.type) else {
                    throw Diagnostic("cannot cluster on '\(ref.name)': it is \(column.type.rawValue); k-means needs numeric or boolean features", at: ref.at)
                }
            }
            return given.map(\.name)
        }
        let names = zip(t.names, t.columns).compactMap { name, column in
            usable.contains(column.type) && name != "cluster" && name != "distance" ? name : nil
        }
        guard !names.isEmpty else {
            throw Diagnostic("no numeric or boolean column to cluster on; name them with `features COL, ...`", at: at)
        }
        return names
    }

    // MARK: - shared

    /// Runs model code, turning its errors into a located diagnostic (a Ctrl-C during training
    /// reads like any cancelled statement).
    private func model<R>(at: SourceLocation, _ body: () throws -> R) throws(Diagnostic) -> R {
        do { return try body() } catch let error as Diagnostic { throw error } catch let error as FrameError {
            throw Diagnostic(error, at: at)
        } catch {
            throw Diagnostic("\(error)", at: at)
        }
    }

    /// The position of the constant `expr` among the ids of `column`, or an error naming it with
    /// a sample of the ids there are.
    private func position(of value: Value, at: SourceLocation, in ids: IdMap, column: String, noun: String) throws(Diagnostic) -> Int32 {
        let found = try Diagnostic.located(at: at) { () throws(FrameError) in try ids.index(of: value) }
        guard let found else { throw missingID(noun, value, column: column, sample: ids.keys.count > 0 ? ids.keys[0] : nil, at: at) }
        return found
    }

    private func constant(_ expr: Expr) throws(Diagnostic) -> Value {
        guard case .scalar(let v) = try Evaluator(table: Table()).evaluate(expr), !v.isNull else {
            throw Diagnostic("expected a constant such as \"u0001\" or 42, got '\(expr.text)'", at: expr.location)
        }
        return v
    }

    private func optionValue(_ option: Option) throws -> OptionValue {
        switch try constant(option.value) {
        case .int(let i): return .number(Double(i))
        case .float(let d): return .number(d)
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        default: throw Diagnostic("option \(option.name) needs a number, string or true/false", at: option.value.location)
        }
    }

    /// A progress bar on stderr while a model trains, only when stderr is a terminal.
    private func progressReporter(_ label: String) -> ((Int, Int) -> Void)? {
        guard settings.interactive, isatty(STDERR_FILENO) == 1 else { return nil }
        let write = writeError
        return { done, total in
            let width = 30, filled = total > 0 ? min(width, done * width / total) : 0
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            write("\r\(label) \(bar) \(done)/\(total)" + (done >= total ? "\r\u{1B}[K" : ""))
        }
    }
}
