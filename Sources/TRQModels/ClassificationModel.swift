import Foundation
import TRQFrame

/// One row's prediction: the most probable class and its probability.
public struct Prediction: Sendable, Equatable {
    public let label: String
    public let classIndex: Int32
    public let confidence: Float
}

/// A trained classifier with its feature preparation and label set: what `classify` caches.
public final class ClassificationModel: @unchecked Sendable {
    public let kind: ClassifierKind
    /// Class labels; probabilities and `Prediction.classIndex` index this.
    public let classes: [String]
    public let transform: FeatureTransform
    public let trainSeconds: Double
    /// With `model auto`: each candidate's accuracy on the held-out part of the training rows.
    public let candidateAccuracy: [(kind: ClassifierKind, accuracy: Double)]
    let classifier: any Classifier
    let threads: Int

    init(kind: ClassifierKind, classes: [String], transform: FeatureTransform, trainSeconds: Double,
         candidateAccuracy: [(kind: ClassifierKind, accuracy: Double)], classifier: any Classifier, threads: Int) {
        self.kind = kind
        self.classes = classes
        self.transform = transform
        self.trainSeconds = trainSeconds
        self.candidateAccuracy = candidateAccuracy
        self.classifier = classifier
        self.threads = threads
    }

    /// Trains on the rows whose label is not nil. `model` nil means `auto`: every kind is trained
    /// on a stratified part of the training rows, the most accurate on the rest (`autoValidation`)
    /// wins (ties: the earlier kind) and is retrained on all rows.
    /// `progress(done, total)` reports iterations, epochs or trees of the model being trained.
    /// Throws `FrameError.cancelled` soon after Ctrl-C (checked per chunk of rows, mini-batch or tree).
    public static func train(features: [FeatureColumn], labels: [String?], model: ClassifierKind? = nil,
                             options: ClassifierOptions = ClassifierOptions(),
                             progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> ClassificationModel {
        let clock = ContinuousClock.now
        guard !features.isEmpty else { throw ModelError("a classifier needs at least one feature column") }
        try checkRowCounts(features, labels: labels.count, what: "training")
        let rows = labels.indices.filter { labels[$0] != nil }
        guard !rows.isEmpty else { throw ModelError("no rows with a label to train on") }
        let columns = features.selecting(rows, ofRows: labels.count)
        let encoder = LabelEncoder(fitting: rows.map { labels[$0] })
        guard encoder.classes.count <= Int(UInt16.max) else {
            throw ModelError("the label has \(encoder.classes.count) distinct values; a classifier supports at most 65535 classes")
        }
        let y = rows.map { encoder.encode(labels[$0]!)! }
        let transform = try FeatureTransform.fit(columns, maxCategories: options.maxCategories)
        let x = try transform.transform(columns)
        let xMissing = transform.hasMissingNumbers ? try transform.transform(columns, keepMissing: true) : x
        let k = encoder.classes.count

        var chosen = model ?? .logistic
        var candidates: [(kind: ClassifierKind, accuracy: Double)] = []
        if model == nil {
            let (fit, check) = stratifiedSplit(y, classCount: k, testFraction: options.autoValidation, seed: options.seed ^ 0xA070)
            let yFit = fit.map { y[$0] }, yCheck = check.map { y[$0] }
            for kind in ClassifierKind.allCases {
                let input = kind.keepsMissing ? xMissing : x
                let c = try fitClassifier(kind, input.rows(fit), yFit, classCount: k, options: options, progress: progress)
                candidates.append((kind, accuracyOf(try c.predictProbabilities(input.rows(check), threads: options.threads), yCheck, classes: k)))
            }
            chosen = candidates.max { $0.accuracy < $1.accuracy || ($0.accuracy == $1.accuracy && $0.kind.order > $1.kind.order) }!.kind
        }
        let classifier = try fitClassifier(chosen, chosen.keepsMissing ? xMissing : x, y, classCount: k, options: options, progress: progress)
        return ClassificationModel(kind: chosen, classes: encoder.classes, transform: transform,
                                   trainSeconds: clock.duration(to: .now).seconds, candidateAccuracy: candidates,
                                   classifier: classifier, threads: options.threads)
    }

    static func fitClassifier(_ kind: ClassifierKind, _ x: FeatureMatrix, _ y: [Int32], classCount k: Int,
                              options: ClassifierOptions, progress: ((Int, Int) -> Void)?) throws(FrameError) -> any Classifier {
        switch kind {
        case .logistic: return try LogisticRegression.train(x, y, classCount: k, options: options, progress: progress)
        case .mlp, .cnn: return try NeuralNetClassifier.train(kind, x, y, classCount: k, options: options, progress: progress)
        case .forest: return try RandomForest.train(x, y, classCount: k, options: options, progress: progress)
        case .boost: return try GradientBoosting.train(x, y, classCount: k, options: options, progress: progress)
        }
    }

    /// Approximate memory held by the model (parameters or trees), for `.models`.
    public var memoryBytes: Int { classifier.memoryBytes + transform.outputNames.reduce(0) { $0 + $1.utf8.count + 16 } }

    /// Row-major rows x classes.count probabilities (each row sums to 1).
    public func predictProbabilities(_ features: [FeatureColumn]) throws -> [Float] {
        try classifier.predictProbabilities(try transform.transform(features, keepMissing: kind.keepsMissing), threads: threads)
    }

    /// The most probable class of each row, with its probability as the confidence.
    public func predict(_ features: [FeatureColumn]) throws -> [Prediction] {
        let p = try predictProbabilities(features)
        let k = classes.count
        return (0..<(p.count / max(1, k))).map { r in
            let c = argmax(p, row: r, classes: k)
            return Prediction(label: classes[c], classIndex: Int32(c), confidence: p[r * k + c])
        }
    }

    /// The cache key of a `classify` model: inputs, label, model choice and options.
    public static func cacheKey(features: [FeatureColumn], labels: [String?], model: ClassifierKind?,
                                options: ClassifierOptions) -> ContentHash {
        var h = ContentHash()
        h.combine(features.count)
        for f in features { f.hash(into: &h) }
        h.combine(labels)
        h.combine(model?.rawValue ?? "auto")
        options.hash(into: &h)
        return h
    }

    private static let magic = "TRQC"
    private static let version: UInt32 = 1

    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.writeHeader(magic: Self.magic, version: Self.version)
        w.write(kind.rawValue)
        w.write(classes)
        w.write(trainSeconds)
        w.write(candidateAccuracy.count)
        for c in candidateAccuracy { w.write(c.kind.rawValue); w.write(c.accuracy) }
        transform.write(to: &w)
        classifier.write(to: &w)
        return w.bytes
    }

    /// Reads a model written by `serialized()`; `threads` is used for prediction.
    public static func deserialize(_ bytes: [UInt8], threads: Int = defaultThreadCount) throws -> ClassificationModel {
        var r = ByteReader(bytes, what: "classifier")
        try r.readHeader(magic: magic, version: version)
        let kindName = try r.readString()
        guard let kind = ClassifierKind(rawValue: kindName) else {
            throw ModelError("cannot read classifier: unknown model '\(kindName)'; delete the cached file to retrain")
        }
        let classes = try r.readStrings()
        let seconds = try r.readDouble()
        var candidates: [(kind: ClassifierKind, accuracy: Double)] = []
        for _ in 0..<(try r.readCount(limit: 64)) {
            let name = try r.readString()
            guard let k = ClassifierKind(rawValue: name) else { throw ModelError("cannot read classifier: unknown model '\(name)'; delete the cached file to retrain") }
            candidates.append((k, try r.readDouble()))
        }
        let transform = try FeatureTransform(from: &r)
        let classifier: any Classifier
        switch kind {
        case .logistic: classifier = try LogisticRegression.read(from: &r)
        case .mlp, .cnn: classifier = try NeuralNetClassifier.read(kind, from: &r)
        case .forest: classifier = try RandomForest.read(from: &r)
        case .boost: classifier = try GradientBoosting.read(from: &r)
        }
        try r.expectEnd()
        guard classifier.classCount == classes.count, classifier.featureCount == transform.outputNames.count else {
            throw ModelError("cannot read classifier: sizes do not match its labels and features; delete the cached file to retrain")
        }
        return ClassificationModel(kind: kind, classes: classes, transform: transform, trainSeconds: seconds,
                                   candidateAccuracy: candidates, classifier: classifier, threads: threads)
    }
}

extension ClassifierKind {
    var order: Int { Self.allCases.firstIndex(of: self)! }
    /// Boosted trees send missing values (NaN) to the better side of each split themselves.
    var keepsMissing: Bool { self == .boost }
}
