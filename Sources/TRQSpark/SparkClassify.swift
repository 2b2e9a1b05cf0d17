#if Spark
import Foundation
import SwiftProtobuf
import TRQEngine
import TRQFrame
import TRQLanguage
import TRQModels

/// A classifier fitted on the cluster: the label indexer's classes (index order) and the
/// model's server-side reference.
final class SparkClassifier {
    let labels: [String]
    let model: String
    let trainSeconds: Double

    init(labels: [String], model: String, trainSeconds: Double) {
        (self.labels, self.model, self.trainSeconds) = (labels, model, trainSeconds)
    }
}

extension SparkExecutor {
    /// `classify` on the cluster: the features assembled into a vector (VectorAssembler), the
    /// label indexed (StringIndexer), Spark ML's classifier fitted through Connect's ML commands
    /// and its Transform scoring the rows; the class and its probability are computed on the
    /// cluster and the rows come back with `predicted_LABEL` and `confidence`. `eval`: one row
    /// per model, its metrics computed on the cluster.
    package func classify(_ request: ClassifyRequest, on plan: PlanNode, models: ModelCache, cancel: CancellationToken) throws(Diagnostic) -> Table? {
        let c = SparkCompiler()
        for name in request.features {
            if let type = plan.schema.type(of: name), ![.int, .float, .bool].contains(type) {
                throw Diagnostic("feature '\(name)' is \(type.rawValue); on Spark the features are numeric or boolean columns", at: request.at, kind: .type,
                                 hint: "leave it out with `features ...`, or run this locally: .disconnect")
            }
        }
        let input = try c.relation(plan)
        guard case .predict(let from) = request.mode else {
            let rows = try classifierEvaluation(request, input, models: models, cancel: cancel).map { e throws(Diagnostic) in
                (e.kind, try run(classificationMetrics(e.scored), at: request.at, cancel: cancel), e.fitted.trainSeconds)
            }
            do throws(FrameError) {
                let names = rows.map(\.0.rawValue)
                return try Table(names: ["model", "accuracy", "macro_f1", "train_seconds"], columns: [
                    Column(.string(codes: names.indices.map { Int32($0) }, dictionary: StringDictionary(names))),
                    Column(.float(rows.map { $0.1.columns[0][0].asDouble ?? 0 })),
                    Column(.float(rows.map { $0.1.columns[1][0].asDouble ?? 0 })),
                    Column(.float(rows.map(\.2))),
                ])
            } catch {
                throw Diagnostic("Spark's metrics could not be read: \(error.message)", at: request.at, kind: .runtime)
            }
        }
        let estimator = try sparkClassifier(request)
        let train = try from.map { t throws(Diagnostic) in
            guard t.index(of: request.label) != nil else {
                throw Diagnostic("the training table has no label column '\(request.label)'", at: request.at)
            }
            return try c.relation(.scan(Scan.table(t, name: "the training table", at: request.at)))
        } ?? input
        let fitted = try fittedClassifier(estimator, train, request, models: models, cancel: cancel)
        let label = "predicted_" + request.label
        let kept = c.columns(of: plan).filter { $0 != label && $0 != "confidence" }
        let scored = predictions(of: fitted, assembled(input, request.features))
        return try run(c.project(scored, kept.map { c.column($0) } + [c.alias(c.column("__trq_predicted"), label), c.alias(c.column("__trq_confidence"), "confidence")]),
                       at: request.at, cancel: cancel)
    }

    /// `classify eval` on the cluster: each model (the one named, else the four Spark has) fitted
    /// on the training rows and scoring the test rows (`__trq_label_text` the true class,
    /// `__trq_predicted` the predicted one). Without `against`, the labelled rows are split per
    /// class as locally (round(fraction × n) of each class with at least 2 rows, within 1...n-1),
    /// by a hash of the row and the seed rather than the local random stream, and the split is
    /// checkpointed on the cluster; with `against`, the test table is sent as a local relation.
    func classifierEvaluation(_ r: ClassifyRequest, _ input: Spark_Connect_Relation, models: ModelCache,
                              cancel: CancellationToken) throws(Diagnostic) -> [(kind: ClassifierKind, scored: Spark_Connect_Relation, fitted: SparkClassifier)] {
        guard case .eval(let fraction, let seed, let against) = r.mode else { preconditionFailure("classifierEvaluation is for classify eval") }
        let c = SparkCompiler()
        let kinds: [ClassifierKind] = r.kind.map { [$0] } ?? [.logistic, .mlp, .forest, .boost]
        let estimators = try kinds.map { kind throws(Diagnostic) in
            var one = r
            one.kind = kind
            return try sparkClassifier(one)
        }
        let train: Spark_Connect_Relation, test: Spark_Connect_Relation
        if let against {
            guard against.index(of: r.label) != nil else { throw Diagnostic("the test table has no label column '\(r.label)'", at: r.at) }
            train = input
            test = labelled(try c.relation(.scan(Scan.table(against, name: "the test table", at: r.at))), r.label)
        } else {
            guard fraction > 0, fraction < 1 else {
                throw Diagnostic("test fraction \(fraction) must be between 0 and 1 (exclusive), e.g. test 0.2", at: r.at)
            }
            let text = c.column("__trq_label_text")
            let n = window(c.call("count", [c.literal(.int(1))]), per: [text], by: [])
            let draw = c.call("xxhash64", [text] + r.features.map { c.column($0) } + [c.literal(.int(Int64(seed)))])
            let position = window(c.call("row_number", []), per: [text], by: [(draw, false)])
            let counted = c.withColumn(c.withColumn(labelled(input, r.label), "__trq_n", n), "__trq_pos", position)
            let held = c.call("least", [c.call("-", [c.column("__trq_n"), c.literal(.int(1))]),
                                        c.call("greatest", [c.literal(.int(1)), c.call("round", [c.call("*", [c.literal(.float(fraction)), c.column("__trq_n")])])])])
            let flag = c.call("and", [c.call(">=", [c.column("__trq_n"), c.literal(.int(2))]), c.call("<=", [c.column("__trq_pos"), held])])
            let split = try checkpoint(c.withColumn(counted, "__trq_held", flag), at: r.at, cancel: cancel)
            train = c.filter(split, c.call("not", [c.column("__trq_held")]))
            test = c.filter(split, c.column("__trq_held"))
        }
        var evaluated: [(kind: ClassifierKind, scored: Spark_Connect_Relation, fitted: SparkClassifier)] = []
        for (kind, estimator) in zip(kinds, estimators) {
            var one = r
            one.kind = kind
            let fitted = try fittedClassifier(estimator, train, one, models: models, cancel: cancel)
            evaluated.append((kind, predictions(of: fitted, assembled(test, r.features)), fitted))
        }
        return evaluated
    }

    /// Accuracy and macro F1 (the mean F1 over the classes that occur as true or predicted
    /// labels, scikit-learn's `average="macro"`, as locally) of scored test rows, one row.
    private func classificationMetrics(_ scored: Spark_Connect_Relation) -> Spark_Connect_Relation {
        let c = SparkCompiler()
        let (actual, predicted) = (c.column("__trq_label_text"), c.column("__trq_predicted"))
        let right = c.call("if", [c.call("==", [actual, predicted]), c.literal(.float(1)), c.literal(.float(0))])
        let accuracy = c.aggregate(scored, keys: [], items: [c.alias(c.call("coalesce", [c.call("avg", [right]), c.literal(.float(0))]), "accuracy")])
        let perActual = c.aggregate(scored, keys: [c.alias(actual, "__trq_class")],
                                    items: [c.alias(c.call("count", [c.literal(.int(1))]), "__trq_support"), c.alias(c.call("sum", [right]), "__trq_tp")])
        let perPredicted = c.aggregate(scored, keys: [c.alias(predicted, "__trq_pclass")], items: [c.alias(c.call("count", [c.literal(.int(1))]), "__trq_npred")])
        let classes = join(perActual, perPredicted, on: c.call("==", [c.column("__trq_class"), c.column("__trq_pclass")]), kind: .fullOuter)
        let tp = c.call("coalesce", [c.column("__trq_tp"), c.literal(.float(0))])
        let precision = c.call("coalesce", [c.call("try_divide", [tp, c.column("__trq_npred")]), c.literal(.float(0))])
        let recall = c.call("coalesce", [c.call("try_divide", [tp, c.column("__trq_support")]), c.literal(.float(0))])
        let sum = c.call("+", [precision, recall])
        let f1 = c.call("if", [c.call(">", [sum, c.literal(.float(0))]), c.call("/", [c.call("*", [c.literal(.float(2)), c.call("*", [precision, recall])]), sum]), c.literal(.float(0))])
        let macro = c.aggregate(classes, keys: [], items: [c.alias(c.call("coalesce", [c.call("avg", [f1]), c.literal(.float(0))]), "macro_f1")])
        return join(accuracy, macro, on: nil, kind: .cross)
    }

    /// The rows with a label, and the label as text (`__trq_label_text`, the class StringIndexer
    /// indexes and predictions are named by).
    private func labelled(_ rows: Spark_Connect_Relation, _ label: String) -> Spark_Connect_Relation {
        let c = SparkCompiler()
        return c.withColumn(c.filter(rows, c.call("isnotnull", [c.column(label)])), "__trq_label_text", c.cast(c.column(label), .string))
    }

    /// The Spark ML estimator for a model name; the models Spark lacks are refused by name.
    private func sparkClassifier(_ r: ClassifyRequest) throws(Diagnostic) -> String {
        switch r.kind {
        case .logistic?: return "org.apache.spark.ml.classification.LogisticRegression"
        case .forest?: return "org.apache.spark.ml.classification.RandomForestClassifier"
        case .boost?: return "org.apache.spark.ml.classification.GBTClassifier"
        case .mlp?: return "org.apache.spark.ml.classification.MultilayerPerceptronClassifier"
        case .cnn?:
            throw Diagnostic("model cnn does not run on Spark (Spark ML has no convolutional network)", at: r.at, kind: .bind,
                             hint: "use logistic, mlp, forest or boost, or run it locally: .disconnect")
        case nil:
            throw Diagnostic("model auto does not run on Spark: name the model", at: r.at, kind: .bind,
                             hint: "add `model logistic` (or mlp, forest, boost), or run it locally: .disconnect")
        }
    }

    /// The options set in `with` that Spark's estimator has (the others keep Spark's defaults).
    private func classifierParams(_ r: ClassifyRequest, features: Int, classes: Int) -> [String: Spark_Connect_Expression.Literal] {
        let o = r.options, defaults = ClassifierOptions()
        var params: [String: Spark_Connect_Expression.Literal] = [
            "featuresCol": .with { $0.string = "__trq_features" }, "labelCol": .with { $0.string = "__trq_label" },
        ]
        func int(_ name: String, _ value: Int) { params[name] = .with { $0.integer = Int32(clamping: value) } }
        func double(_ name: String, _ value: Double) { params[name] = .with { $0.double = value } }
        if r.kind != .logistic { params["seed"] = .with { $0.long = Int64(bitPattern: o.seed) } }
        switch r.kind {
        case .logistic?:
            if o.iterations != defaults.iterations { int("maxIter", o.iterations) }
            if o.l2 != defaults.l2 { double("regParam", o.l2) }
        case .forest?:
            if o.trees != defaults.trees { int("numTrees", o.trees) }
            if o.maxDepth != defaults.maxDepth, o.maxDepth > 0 { int("maxDepth", o.maxDepth) }
            if let bins = o.bins { int("maxBins", bins) }
            if let minLeaf = o.minLeaf { int("minInstancesPerNode", minLeaf) }
        case .boost?:
            if o.rounds != defaults.rounds { int("maxIter", o.rounds) }
            if o.maxDepth != defaults.maxDepth, o.maxDepth > 0 { int("maxDepth", o.maxDepth) }
            if let bins = o.bins { int("maxBins", bins) }
            if let rate = o.learningRate { double("stepSize", rate) }
        case .mlp?:
            let hidden = o.layers == 2 ? [o.hidden, max(1, o.hidden / 2)] : [o.hidden]
            params["layers"] = .with {
                $0.array = .with {
                    $0.elementType = .with { $0.integer = .init() }
                    $0.elements = ([features] + hidden + [classes]).map { n in .with { $0.integer = Int32(clamping: n) } }
                }
            }
            if o.epochs != defaults.epochs { int("maxIter", o.epochs) }
            if let rate = o.learningRate { double("stepSize", rate) }
        case .cnn?, nil: break
        }
        return params
    }

    /// The label indexer and classifier for these training rows and options, fitted once per
    /// Spark session and kept in the session's model cache. Rows with a null label are left out.
    private func fittedClassifier(_ estimator: String, _ train: Spark_Connect_Relation, _ r: ClassifyRequest, models: ModelCache,
                                  cancel: CancellationToken) throws(Diagnostic) -> SparkClassifier {
        let c = SparkCompiler()
        let labelled = labelled(train, r.label)
        var hash = ContentHash()
        hash.combine("spark classify " + sessionID + " " + estimator + " " + r.label)
        var deterministic = BinaryEncodingOptions()
        deterministic.useDeterministicOrdering = true
        let bytes: [UInt8] = (try? labelled.serializedBytes(options: deterministic)) ?? []
        hash.combine(bytes)
        hash.combine(r.features.map { Optional($0) })
        hash.combine("\(r.options)")
        let key = hash.hex
        if let cached = models.lookup(key) as? SparkClassifier { return cached }
        let started = Date()
        let indexer = try fit("org.apache.spark.ml.feature.StringIndexer", [
            "inputCol": .with { $0.string = "__trq_label_text" }, "outputCol": .with { $0.string = "__trq_label" },
            "stringOrderType": .with { $0.string = "alphabetAsc" },
        ], on: labelled, at: r.at, cancel: cancel)
        let labels = try run(.with { $0.fetch = .with { $0.objRef = .with { $0.id = indexer }; $0.methods = [.with { $0.method = "labels" }] } },
                             at: r.at, cancel: cancel).param.array.elements.map(\.string)
        let data = try checkpoint(assembled(transformed(labelled, by: indexer), r.features), at: r.at, cancel: cancel)
        let model = try fit(estimator, classifierParams(r, features: r.features.count, classes: labels.count), on: data, at: r.at, cancel: cancel)
        let fitted = SparkClassifier(labels: labels, model: model, trainSeconds: Date().timeIntervalSince(started))
        models.store(.init(kind: "\(r.kind?.rawValue ?? "") (spark)", key: key, detail: "\(r.label) on \(url.text)",
                           trainSeconds: fitted.trainSeconds, bytes: 0, model: fitted))
        return fitted
    }

    /// The rows with their features as one vector column, `__trq_features` (a null feature is NaN).
    private func assembled(_ input: Spark_Connect_Relation, _ features: [String]) -> Spark_Connect_Relation {
        let c = SparkCompiler()
        let numeric = c.project(input, [Spark_Connect_Expression.with { $0.unresolvedStar = .init() }]
                                + features.map { c.alias(c.call("coalesce", [c.cast(c.column($0), .float), c.literal(.float(.nan))]), "__trq_f_" + $0) })
        return .with {
            $0.mlRelation = .with {
                $0.transform = .with {
                    $0.transformer = .with {
                        $0.name = "org.apache.spark.ml.feature.VectorAssembler"
                        $0.uid = "trq_" + String(UUID().uuidString.prefix(8)).lowercased()
                        $0.type = .transformer
                    }
                    $0.input = numeric
                    $0.params = .with {
                        $0.params = ["inputCols": stringArray(features.map { "__trq_f_" + $0 }), "outputCol": .with { $0.string = "__trq_features" },
                                     "handleInvalid": .with { $0.string = "keep" }]
                    }
                }
            }
        }
    }

    /// The model's Transform, with `__trq_predicted` (the class, as text) and
    /// `__trq_confidence` (its probability).
    private func predictions(of fitted: SparkClassifier, _ assembled: Spark_Connect_Relation) -> Spark_Connect_Relation {
        let c = SparkCompiler()
        let scored = transformed(assembled, by: fitted.model)
        let index = Spark_Connect_Expression.with { $0.cast = .with { $0.expr = c.call("+", [c.column("prediction"), c.literal(.float(1))]); $0.typeStr = "int" } }
        let label = c.call("element_at", [c.call("array", fitted.labels.map { c.literal(.string($0)) }), index])
        let confidence = c.call("array_max", [c.call("vector_to_array", [c.column("probability"), c.literal(.string("float64"))])])
        return c.withColumn(c.withColumn(scored, "__trq_predicted", label), "__trq_confidence", confidence)
    }
}
#endif
