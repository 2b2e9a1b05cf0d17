/// Splits row indices per class: round(testFraction * n_c) rows of each class go to the test
/// part (at least 1 when the class has 2 or more rows, never all of them). Each class draws from
/// its own seeded stream; both parts are returned in ascending row order.
public func stratifiedSplit(_ labels: [Int32], classCount: Int, testFraction: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
    var byClass = [[Int]](repeating: [], count: classCount)
    for (r, c) in labels.enumerated() where c >= 0 && Int(c) < classCount { byClass[Int(c)].append(r) }
    var isTest = [Bool](repeating: false, count: labels.count)
    for (c, rows) in byClass.enumerated() where rows.count >= 2 {
        let count = min(rows.count - 1, max(1, Int((testFraction * Double(rows.count)).rounded())))
        var rng = SeededGenerator(seed: seed, stream: UInt64(c))
        var shuffled = rows
        rng.shuffle(&shuffled)
        for r in shuffled.prefix(count) { isTest[r] = true }
    }
    let all = Array(0..<labels.count)
    return (all.filter { !isTest[$0] }, all.filter { isTest[$0] })
}

/// Precision, recall and F1 of one class, and its number of true rows.
public struct ClassMetrics: Sendable, Equatable {
    public let label: String
    public let precision: Double
    public let recall: Double
    public let f1: Double
    public let support: Int
}

/// Classification quality on a test set: what `classify eval` shows.
public struct ClassificationReport: Sendable {
    public let model: String
    public let accuracy: Double
    /// The unweighted mean F1 over classes that occur in the true or predicted labels (scikit-learn's
    /// `f1_score(average="macro")`).
    public let macroF1: Double
    public let trainSeconds: Double
    /// Class names: the training classes in order, then labels seen only in the test set.
    public let labels: [String]
    public let perClass: [ClassMetrics]
    /// confusion[actual][predicted], indexed like `labels`.
    public let confusion: [[Int]]

    /// Scores predictions against true labels (both indices into `labels`).
    public static func score(model: String, trainSeconds: Double, labels: [String], actual: [Int], predicted: [Int]) -> ClassificationReport {
        let k = labels.count
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for (a, p) in zip(actual, predicted) { confusion[a][p] += 1 }
        var perClass: [ClassMetrics] = []
        var f1Sum = 0.0, present = 0, correct = 0
        for c in 0..<k {
            let tp = confusion[c][c]
            correct += tp
            let support = confusion[c].reduce(0, +)
            let predictedCount = (0..<k).reduce(0) { $0 + confusion[$1][c] }
            let precision = predictedCount > 0 ? Double(tp) / Double(predictedCount) : 0
            let recall = support > 0 ? Double(tp) / Double(support) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            perClass.append(ClassMetrics(label: labels[c], precision: precision, recall: recall, f1: f1, support: support))
            if support > 0 || predictedCount > 0 {
                f1Sum += f1
                present += 1
            }
        }
        return ClassificationReport(model: model, accuracy: actual.isEmpty ? 0 : Double(correct) / Double(actual.count),
                                    macroF1: present > 0 ? f1Sum / Double(present) : 0, trainSeconds: trainSeconds,
                                    labels: labels, perClass: perClass, confusion: confusion)
    }
}

/// `classify eval`: trains each of `models` on the training rows and scores it on the test rows.
/// Without `test`, the rows with a label are split stratified (`testFraction`, `seed`); with it,
/// all labelled rows train and `test` (features and labels) is scored. Rows with a nil label are
/// ignored. Reports come in the order of `models`.
public func evaluateClassifiers(features: [FeatureColumn], labels: [String?], models: [ClassifierKind] = ClassifierKind.allCases,
                                testFraction: Double = 0.2, seed: UInt64 = 42,
                                test: (features: [FeatureColumn], labels: [String?])? = nil,
                                options: ClassifierOptions = ClassifierOptions(),
                                progress: ((_ model: ClassifierKind, _ done: Int, _ total: Int) -> Void)? = nil) throws -> [ClassificationReport] {
    guard testFraction > 0, testFraction < 1 else {
        throw ModelError("test fraction \(testFraction) must be between 0 and 1 (exclusive), e.g. test 0.2")
    }
    try checkRowCounts(features, labels: labels.count, what: "training")
    if let test { try checkRowCounts(test.features, labels: test.labels.count, what: "test") }
    let labelled = labels.indices.filter { labels[$0] != nil }
    let trainColumns: [FeatureColumn], trainLabels: [String?], testColumns: [FeatureColumn], testLabels: [String]
    if let test {
        trainColumns = features.selecting(labelled, ofRows: labels.count)
        trainLabels = labelled.count == labels.count ? labels : labelled.map { labels[$0] }
        let testRows = test.labels.indices.filter { test.labels[$0] != nil }
        testColumns = test.features.selecting(testRows, ofRows: test.labels.count)
        testLabels = testRows.compactMap { test.labels[$0] }
    } else {
        let encoder = LabelEncoder(fitting: labelled.map { labels[$0] })
        let codes = labelled.map { encoder.encode(labels[$0]!)! }
        let (trainPart, testPart) = stratifiedSplit(codes, classCount: encoder.classes.count, testFraction: testFraction, seed: seed)
        let trainRows = trainPart.map { labelled[$0] }, testRows = testPart.map { labelled[$0] }
        trainColumns = features.map { $0.selecting(trainRows) }
        trainLabels = trainRows.map { labels[$0] }
        testColumns = features.map { $0.selecting(testRows) }
        testLabels = testRows.compactMap { labels[$0] }
    }
    guard !testLabels.isEmpty else { throw ModelError("no labelled test rows to evaluate on") }
    return try models.map { kind in
        let model = try ClassificationModel.train(features: trainColumns, labels: trainLabels, model: kind, options: options,
                                                  progress: progress.map { p in { p(kind, $0, $1) } })
        let predictions = try model.predict(testColumns)
        var names = model.classes
        var index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        for label in testLabels where index[label] == nil {
            index[label] = names.count
            names.append(label)
        }
        return ClassificationReport.score(model: kind.rawValue, trainSeconds: model.trainSeconds, labels: names,
                                          actual: testLabels.map { index[$0]! }, predicted: predictions.map { Int($0.classIndex) })
    }
}

extension FeatureColumn {
    /// The rows at `indices`, in that order.
    public func selecting(_ indices: [Int]) -> FeatureColumn {
        switch self {
        case .numeric(let name, let values): return .numeric(name: name, values: indices.map { values[$0] })
        case .categorical(let name, let values): return .categorical(name: name, values: indices.map { values[$0] })
        }
    }
}

extension [FeatureColumn] {
    /// The rows at `indices` (ascending, distinct) of columns with `count` rows; the columns
    /// themselves, uncopied, when that is every row.
    func selecting(_ indices: [Int], ofRows count: Int) -> [FeatureColumn] {
        indices.count == count ? self : map { $0.selecting(indices) }
    }
}

/// Every feature column must have one value per label.
func checkRowCounts(_ features: [FeatureColumn], labels: Int, what: String) throws {
    if let bad = features.first(where: { $0.count != labels }) {
        throw ModelError("\(what) feature '\(bad.name)' has \(bad.count) rows but the label has \(labels)")
    }
}
