/// The classifier families. Names are what `classify ... model NAME` accepts (plus aliases).
public enum ClassifierKind: String, CaseIterable, Sendable {
    case logistic, mlp, cnn, forest, boost

    /// Parses a model name as written in the language; nil for `auto`.
    public static func named(_ name: String) throws -> ClassifierKind? {
        switch name.lowercased() {
        case "auto": return nil
        case "logistic", "logreg", "softmax": return .logistic
        case "mlp", "nn": return .mlp
        case "cnn", "conv": return .cnn
        case "forest", "random_forest", "rf": return .forest
        case "boost", "gbm", "gradient_boosting", "hgb": return .boost
        default:
            throw ModelError("unknown model '\(name)'; choose one of auto, \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }
}

/// Training options of every classifier (each model reads the ones it uses).
public struct ClassifierOptions: Sendable, Equatable {
    public var seed: UInt64 = 42
    /// Worker threads; results do not depend on it.
    public var threads = defaultThreadCount
    /// One-hot columns per text feature (the most frequent values; the rest share one column).
    public var maxCategories = FeatureTransform.defaultMaxCategories

    /// L2 penalty on weights (logistic: on the mean log-loss; networks: weight decay).
    public var l2 = 1e-4
    /// Logistic regression: L-BFGS iterations at most.
    public var iterations = 300

    /// Networks: Adam epochs at most, mini-batch size.
    public var epochs = 100
    public var batchSize = 256
    /// Networks: Adam step size (nil: 1e-3); boost: each tree's shrinkage (nil: see
    /// `GradientBoosting.manyClasses`).
    public var learningRate: Double?
    /// Networks: width of the hidden dense layer(s); `layers` is 1 or 2 (the second is half as wide).
    public var hidden = 128
    public var layers = 2
    /// Networks and boost: stop after this many epochs (rounds) without a lower validation
    /// log-loss; the validation rows are this fraction of the training rows (stratified).
    public var patience: Int?
    /// `patience` when nil (boost with many classes: see `GradientBoosting.manyClasses`).
    public static let defaultPatience = 10
    public var validationFraction = 0.1
    /// CNN: convolution channels.
    public var channels = 16

    /// Forest: trees, depth limit (0 = none; also boost), rows per leaf at least (nil: forest 1,
    /// boost 20), features tried per split (0 = sqrt of the feature count), histogram bins per
    /// feature (also boost).
    public var trees = 200
    public var maxDepth = 0
    public var minLeaf: Int?
    public var maxFeatures = 0
    public var bins: Int?
    /// `bins` when nil (boost with many classes: see `GradientBoosting.manyClasses`).
    public static let defaultBins = 255
    /// Forest: which trees (see `RandomForest`): best-split bootstrap trees, randomized-threshold
    /// trees, or both alternating.
    public var split = ForestSplit.mixed

    /// Boost: rounds at most (one tree per class each), leaves per tree at most, early stopping
    /// (nil: on above 10,000 training rows), the smallest validation log-loss decrease that counts.
    public var rounds = 100
    public var maxLeaves = 31
    public var earlyStopping: Bool?
    public var tolerance = 1e-7
    /// Boost: the largest Newton step |G / (H + l2)| a leaf takes before the learning rate (0: no
    /// limit). With many classes each class is rare, its hessian p(1 - p) tiny and the unbounded
    /// step about 1/p, so scores overshoot and the log-loss rises from round 2 on (scikit-learn's
    /// HistGradientBoosting does the same on the 114 Spotify genres); XGBoost's max_delta_step.
    public var maxStep = 1.0
    /// Boost: gradient-based one-side sampling (see `TreeGrower.sample`): each tree is grown on
    /// the `topRate` share of rows with the largest gradients plus an `otherRate` share of the rest,
    /// reweighted (LightGBM's top_rate, other_rate); top_rate + other_rate >= 1 grows on all rows.
    /// Both nil: see `GradientBoosting.manyClasses`; one nil: LightGBM's default for it (0.2, 0.1).
    public var topRate: Double?
    public var otherRate: Double?

    /// `auto`: the fraction of training rows held out to choose the model.
    public var autoValidation = 0.2

    public init() {}

    public static let optionNames = ["seed", "threads", "max_categories", "l2", "iterations", "epochs", "batch_size",
                                     "learning_rate", "hidden", "layers", "patience", "validation", "channels",
                                     "trees", "max_depth", "min_leaf", "max_features", "bins", "split", "rounds", "max_leaves",
                                     "early_stopping", "tolerance", "max_step", "top_rate", "other_rate", "auto_validation"]

    /// Sets an option by its name in the language (`with trees = 200`).
    public mutating func set(_ name: String, _ value: OptionValue) throws {
        switch name.lowercased() {
        case "seed": seed = try value.seed(name)
        case "threads": threads = try value.int(name, in: 1...1024)
        case "max_categories": maxCategories = try value.int(name, in: 1...100_000)
        case "l2": l2 = try value.double(name, in: 0...1e6)
        case "iterations": iterations = try value.int(name, in: 1...1_000_000)
        case "epochs": epochs = try value.int(name, in: 1...1_000_000)
        case "batch_size": batchSize = try value.int(name, in: 1...1_000_000)
        case "learning_rate": learningRate = try value.double(name, in: 1e-9...10)
        case "hidden": hidden = try value.int(name, in: 1...65_536)
        case "layers": layers = try value.int(name, in: 1...2)
        case "patience": patience = try value.int(name, in: 1...1_000_000)
        case "validation": validationFraction = try value.double(name, in: 0.01...0.5)
        case "channels": channels = try value.int(name, in: 1...4096)
        case "trees": trees = try value.int(name, in: 1...100_000)
        case "max_depth": maxDepth = try value.int(name, in: 0...1000)
        case "min_leaf": minLeaf = try value.int(name, in: 1...1_000_000_000)
        case "max_features": maxFeatures = try value.int(name, in: 0...1_000_000)
        case "bins": bins = try value.int(name, in: 2...65_535)
        case "split": split = try value.choice(name, ForestSplit.self)
        case "rounds": rounds = try value.int(name, in: 1...1_000_000)
        case "max_leaves": maxLeaves = try value.int(name, in: 2...65_536)
        case "early_stopping": earlyStopping = try value.bool(name)
        case "tolerance": tolerance = try value.double(name, in: 0...1e6)
        case "max_step": maxStep = try value.double(name, in: 0...1e6)
        case "top_rate": topRate = try value.double(name, in: 0...1)
        case "other_rate": otherRate = try value.double(name, in: 0...1)
        case "auto_validation": autoValidation = try value.double(name, in: 0.01...0.9)
        default: throw unknownOption(name, known: Self.optionNames, context: "classify")
        }
    }

    /// Feeds every option that changes a fitted model (not `threads`) into a cache key.
    public func hash(into h: inout ContentHash) {
        h.combine("classifier")
        h.combine(seed); h.combine(maxCategories); h.combine(l2); h.combine(iterations); h.combine(epochs)
        h.combine(batchSize); h.combine(learningRate ?? -1); h.combine(hidden); h.combine(layers); h.combine(patience ?? -1)
        h.combine(validationFraction); h.combine(channels); h.combine(trees); h.combine(maxDepth); h.combine(minLeaf ?? -1)
        h.combine(maxFeatures); h.combine(bins ?? -1); h.combine(split.rawValue); h.combine(autoValidation)
        h.combine(rounds); h.combine(maxLeaves); h.combine(earlyStopping.map { $0 ? 1 : 0 } ?? -1); h.combine(tolerance)
        h.combine(maxStep); h.combine(topRate ?? -1); h.combine(otherRate ?? -1)
    }
}

/// The trees of a forest: see `RandomForest`.
public enum ForestSplit: String, CaseIterable, Sendable {
    case best, random, mixed
}
