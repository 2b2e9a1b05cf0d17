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
    /// cluster and the rows come back with `predicted_LABEL` and `confidence`.
    package func classify(_ request: ClassifyRequest, on plan: PlanNode, models: ModelCache, cancel: CancellationToken) throws(Diagnostic) -> Table? {
        guard case .predict(let from) = request.mode else { return nil }
        let c = SparkCompiler()
        let estimator = try sparkClassifier(request)
        for name in request.features {
            if let type = plan.schema.type(of: name), ![.int, .float, .bool].contains(type) {
                throw Diagnostic("feature '\(name)' is \(type.rawValue); on Spark the features are numeric or boolean columns", at: request.at, kind: .type,
                                 hint: "leave it out with `features ...`, or run this locally: .disconnect")
            }
        }
        let input = try c.relation(plan)
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
        let labelled = c.withColumn(c.filter(train, c.call("isnotnull", [c.column(r.label)])), "__trq_label_text", c.cast(c.column(r.label), .string))
        var hash = ContentHash()
        hash.combine("spark classify " + sessionID + " " + estimator)
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
