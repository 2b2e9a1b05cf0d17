import Foundation

/// One input column for a classifier, as the engine adapts it from a table column.
public enum FeatureColumn: Sendable, Equatable {
    /// Numbers (ints, floats, booleans as 0/1). NaN (or an infinity) means missing.
    case numeric(name: String, values: [Double])
    /// Strings; nil means missing.
    case categorical(name: String, values: [String?])

    public var name: String {
        switch self {
        case .numeric(let name, _), .categorical(let name, _): return name
        }
    }

    public var count: Int {
        switch self {
        case .numeric(_, let v): return v.count
        case .categorical(_, let v): return v.count
        }
    }

    func hash(into h: inout ContentHash) {
        switch self {
        case .numeric(let name, let values): h.combine("n"); h.combine(name); h.combine(values)
        case .categorical(let name, let values): h.combine("c"); h.combine(name); h.combine(values)
        }
    }
}

/// A dense row-major Float matrix: the model-ready features.
public struct FeatureMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "FeatureMatrix: \(values.count) values for \(rows) x \(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> FeatureMatrix {
        var out = [Float](repeating: 0, count: indices.count * columns)
        for (r, i) in indices.enumerated() {
            for c in 0..<columns { out[r * columns + c] = values[i * columns + c] }
        }
        return FeatureMatrix(rows: indices.count, columns: columns, values: out)
    }
}

/// Feature preparation fitted on training columns and applied unchanged at prediction time:
/// - numeric: standardized with the training mean and (population) standard deviation; missing
///   values become the training mean, plus a 0/1 `NAME_missing` indicator column if the training
///   column had any missing value; a constant column stays (as zeros);
/// - categorical: one-hot (`NAME=value`) for the `maxCategories` most frequent training values
///   (ties by value); rarer values and values unseen in training share `NAME=<other>`, and missing
///   values get `NAME=<missing>` when training had any.
public struct FeatureTransform: Sendable, Equatable {
    enum Step: Sendable, Equatable {
        case numeric(mean: Double, scale: Double, missingIndicator: Bool)
        case categorical(values: [String], other: Bool, missing: Bool)
    }

    public let inputNames: [String]
    public let outputNames: [String]
    let steps: [Step]

    public static let defaultMaxCategories = 32

    /// True when some numeric training column had missing values (then `keepMissing` matters).
    var hasMissingNumbers: Bool {
        steps.contains { if case .numeric(_, _, true) = $0 { return true } else { return false } }
    }

    /// Fits on the training columns (all of equal length).
    public static func fit(_ columns: [FeatureColumn], maxCategories: Int = defaultMaxCategories) throws -> FeatureTransform {
        guard !columns.isEmpty else { throw ModelError("a classifier needs at least one feature column") }
        try checkLengths(columns)
        var steps: [Step] = [], names: [String] = []
        for column in columns {
            switch column {
            case .numeric(let name, let values):
                var sum = 0.0, n = 0
                for v in values where v.isFinite { sum += v; n += 1 }
                let mean = n > 0 ? sum / Double(n) : 0
                var ss = 0.0
                for v in values where v.isFinite { ss += (v - mean) * (v - mean) }
                let sd = n > 0 ? (ss / Double(n)).squareRoot() : 0
                guard mean.isFinite, sd.isFinite else {
                    throw ModelError("feature column '\(name)' has values too large to standardize (mean \(mean)); rescale it, e.g. log(\(name))")
                }
                let missing = n < values.count
                steps.append(.numeric(mean: mean, scale: sd > 0 ? 1 / sd : 1, missingIndicator: missing))
                names.append(name)
                if missing { names.append(name + "_missing") }
            case .categorical(let name, let values):
                var counts: [String: Int] = [:]
                var missing = false
                for v in values {
                    if let v { counts[v, default: 0] += 1 } else { missing = true }
                }
                let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                let kept = ranked.prefix(max(1, maxCategories)).map(\.key).sorted()
                let other = ranked.count > kept.count
                steps.append(.categorical(values: kept, other: other, missing: missing))
                names += kept.map { "\(name)=\($0)" }
                if other { names.append("\(name)=<other>") }
                if missing { names.append("\(name)=<missing>") }
            }
        }
        return FeatureTransform(inputNames: columns.map(\.name), outputNames: names, steps: steps)
    }

    private static func checkLengths(_ columns: [FeatureColumn]) throws {
        let n = columns[0].count
        if let bad = columns.first(where: { $0.count != n }) {
            throw ModelError("feature column '\(bad.name)' has \(bad.count) rows but '\(columns[0].name)' has \(n)")
        }
    }

    /// Applies the fitted transform. Columns are matched by name (any order); a missing column
    /// or one of the other kind is an error naming it. With `keepMissing`, a missing numeric value
    /// stays NaN instead of the training mean (for models that route missing values themselves).
    public func transform(_ columns: [FeatureColumn], keepMissing: Bool = false) throws -> FeatureMatrix {
        guard !columns.isEmpty else { throw ModelError("no feature columns to predict from; expected \(inputNames.joined(separator: ", "))") }
        try Self.checkLengths(columns)
        let byName = Dictionary(columns.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let rows = columns[0].count, width = outputNames.count
        var out = [Float](repeating: 0, count: rows * width)
        var offset = 0
        for (name, step) in zip(inputNames, steps) {
            guard let column = byName[name] else {
                throw ModelError("feature column '\(name)' is missing; the model was trained with \(inputNames.joined(separator: ", "))")
            }
            switch (step, column) {
            case (.numeric(let mean, let scale, let indicator), .numeric(_, let values)):
                for r in 0..<rows {
                    let v = values[r]
                    if v.isFinite {
                        // Clamped: a value far outside the training range must not become inf.
                        out[r * width + offset] = Float(min(max((v - mean) * scale, -1e9), 1e9))
                    } else {
                        if keepMissing { out[r * width + offset] = .nan }
                        if indicator { out[r * width + offset + 1] = 1 }
                    }
                }
                offset += indicator ? 2 : 1
            case (.categorical(let values, let other, let missing), .categorical(_, let column)):
                let slot = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1, $0) })
                let otherSlot = values.count, missingSlot = values.count + (other ? 1 : 0)
                for r in 0..<rows {
                    let target: Int?
                    if let v = column[r] {
                        target = slot[v] ?? (other ? otherSlot : nil)
                    } else {
                        target = missing ? missingSlot : nil
                    }
                    if let target { out[r * width + offset + target] = 1 }
                }
                offset += values.count + (other ? 1 : 0) + (missing ? 1 : 0)
            case (.numeric, .categorical):
                throw ModelError("feature column '\(name)' was numeric in training but is text here; convert it with float(\(name))")
            case (.categorical, .numeric):
                throw ModelError("feature column '\(name)' was text in training but is numeric here; convert it with string(\(name))")
            }
        }
        return FeatureMatrix(rows: rows, columns: width, values: out)
    }

    func write(to w: inout ByteWriter) {
        w.write(inputNames)
        w.write(outputNames)
        w.write(steps.count)
        for step in steps {
            switch step {
            case .numeric(let mean, let scale, let indicator):
                w.write(UInt8(0)); w.write(mean); w.write(scale); w.write(indicator)
            case .categorical(let values, let other, let missing):
                w.write(UInt8(1)); w.write(values); w.write(other); w.write(missing)
            }
        }
    }

    init(from r: inout ByteReader) throws {
        inputNames = try r.readStrings()
        outputNames = try r.readStrings()
        let n = try r.readCount()
        var steps: [Step] = []
        for _ in 0..<n {
            switch try r.readUInt8() {
            case 0: steps.append(.numeric(mean: try r.readDouble(), scale: try r.readDouble(), missingIndicator: try r.readBool()))
            case 1: steps.append(.categorical(values: try r.readStrings(), other: try r.readBool(), missing: try r.readBool()))
            default: throw ModelError("cannot read feature transform: unknown step kind; delete the cached file to retrain")
            }
        }
        guard steps.count == inputNames.count else { throw ModelError("cannot read feature transform: step count mismatch; delete the cached file to retrain") }
        self.steps = steps
    }

    private init(inputNames: [String], outputNames: [String], steps: [Step]) {
        self.inputNames = inputNames
        self.outputNames = outputNames
        self.steps = steps
    }
}

/// Maps label strings to class indices 0..<classes.count (classes sorted by code point, the
/// language's string order) and back.
public struct LabelEncoder: Sendable, Equatable {
    public let classes: [String]
    private let index: [String: Int32]

    public init(fitting labels: [String?]) {
        self.init(classes: Array(Set(labels.compactMap { $0 })).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    init(classes: [String]) {
        self.classes = classes
        index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
    }

    /// The class index of a label, nil for a label unseen in training.
    public func encode(_ label: String) -> Int32? { index[label] }
}
