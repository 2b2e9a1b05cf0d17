import Foundation
import TestSupport
import Testing
import TRQFrame
@testable import TRQModels

/// Three well-separated Gaussian blobs in (x, y), a text column that agrees with the class most of
/// the time, and a pure-noise column with some missing values.
private func blobs(rows: Int, seed: UInt64) -> (features: [FeatureColumn], labels: [String?]) {
    var rng = SeededGenerator(seed: seed)
    let centers = [(0.0, 0.0), (8.0, 0.0), (0.0, 8.0)], names = ["north", "east", "origin"]
    var x: [Double] = [], y: [Double] = [], noise: [Double] = [], text: [String?] = [], labels: [String?] = []
    for r in 0..<rows {
        let c = r % 3
        x.append(centers[c].0 + rng.nextGaussian())
        y.append(centers[c].1 + rng.nextGaussian())
        noise.append(r % 7 == 0 ? .nan : rng.nextGaussian() * 100)
        text.append(r % 5 == 0 ? nil : (rng.nextDouble() < 0.8 ? "t\(c)" : "t\(rng.nextInt(below: 3))"))
        labels.append(names[c])
    }
    return ([.numeric(name: "x", values: x), .numeric(name: "y", values: y), .numeric(name: "noise", values: noise),
             .categorical(name: "tag", values: text)], labels)
}

/// Small, fast settings for debug builds.
private func quickOptions() -> ClassifierOptions {
    var o = ClassifierOptions()
    o.trees = 30
    o.epochs = 60
    o.hidden = 16
    o.channels = 4
    o.batchSize = 64
    o.learningRate = 0.01
    return o
}

@Suite struct FeatureTransformTests {
    @Test func standardizesImputesAndOneHotsByHand() throws {
        let train: [FeatureColumn] = [.numeric(name: "v", values: [1, 2, .nan, 5]),
                                      .categorical(name: "s", values: ["a", "b", nil, "a"])]
        let t = try FeatureTransform.fit(train, maxCategories: 1)
        #expect(t.outputNames == ["v", "v_missing", "s=a", "s=<other>", "s=<missing>"])
        let m = try t.transform(train)
        let mean = 8.0 / 3.0, sd = ((pow(1 - mean, 2) + pow(2 - mean, 2) + pow(5 - mean, 2)) / 3).squareRoot()
        let expected: [[Double]] = [[(1 - mean) / sd, 0, 1, 0, 0], [(2 - mean) / sd, 0, 0, 1, 0],
                                    [0, 1, 0, 0, 1], [(5 - mean) / sd, 0, 1, 0, 0]]
        for r in 0..<4 { for c in 0..<5 { #expect(abs(Double(m.values[r * 5 + c]) - expected[r][c]) < 1e-6) } }
        // Prediction time: training statistics, unseen value -> <other>, columns matched by name.
        let later = try t.transform([.categorical(name: "s", values: ["zzz"]), .numeric(name: "v", values: [mean + sd])])
        #expect(later.values.map { Double($0) }.enumerated().allSatisfy { abs($0.element - [1, 0, 0, 1, 0][$0.offset]) < 1e-6 })
        #expect(throws: ModelError.self) { try t.transform([.numeric(name: "v", values: [1])]) }
        #expect(throws: ModelError.self) { try t.transform([.numeric(name: "v", values: [1]), .numeric(name: "s", values: [1])]) }
    }

    @Test func labelEncoderSortsByCodePoint() {
        let e = LabelEncoder(fitting: ["b", nil, "a", "B", "b"])
        #expect(e.classes == ["B", "a", "b"])
        #expect(e.encode("a") == 1 && e.encode("c") == nil)
    }
}

@Suite struct ClassificationMetricTests {
    @Test func reportByHand() {
        let r = ClassificationReport.score(model: "m", trainSeconds: 0, labels: ["a", "b", "c"],
                                           actual: [0, 0, 1, 1, 2], predicted: [0, 1, 1, 1, 0])
        #expect(r.confusion == [[1, 1, 0], [0, 2, 0], [1, 0, 0]])
        #expect(approx(r.accuracy, 0.6))
        #expect(approx(r.perClass[0].precision, 0.5) && approx(r.perClass[0].recall, 0.5))
        #expect(approx(r.perClass[1].precision, 2.0 / 3.0) && approx(r.perClass[1].recall, 1) && approx(r.perClass[1].f1, 0.8))
        #expect(r.perClass[2].f1 == 0 && r.perClass[2].support == 1)
        #expect(approx(r.macroF1, (0.5 + 0.8 + 0) / 3))
    }

    @Test func stratifiedSplitPerClass() {
        let labels: [Int32] = Array(repeating: 0, count: 50) + Array(repeating: 1, count: 10) + [2]
        let (train, test) = stratifiedSplit(labels, classCount: 3, testFraction: 0.2, seed: 1)
        #expect(test.filter { labels[$0] == 0 }.count == 10)
        #expect(test.filter { labels[$0] == 1 }.count == 2)
        #expect(test.filter { labels[$0] == 2 }.isEmpty)
        #expect(Set(train).isDisjoint(with: test) && train.count + test.count == labels.count)
        #expect(stratifiedSplit(labels, classCount: 3, testFraction: 0.2, seed: 1).test == test)
        #expect(stratifiedSplit(labels, classCount: 3, testFraction: 0.2, seed: 2).test != test)
    }
}

@Suite struct ClassifierTests {
    @Test(arguments: ClassifierKind.allCases)
    func separableDataIsLearned(kind: ClassifierKind) throws {
        let data = blobs(rows: 300, seed: 11)
        let reports = try evaluateClassifiers(features: data.features, labels: data.labels, models: [kind],
                                              testFraction: 0.3, seed: 4, options: quickOptions())
        #expect(reports.count == 1 && reports[0].model == kind.rawValue)
        #expect(reports[0].accuracy >= 0.97, "\(kind): \(reports[0].accuracy)")
        #expect(reports[0].confusion.flatMap { $0 }.reduce(0, +) == 90)
    }

    @Test(arguments: ClassifierKind.allCases)
    func seededTrainingIsReproducibleAndRoundTrips(kind: ClassifierKind) throws {
        let data = blobs(rows: 120, seed: 5)
        var o = quickOptions()
        o.epochs = 8
        o.threads = 2
        let a = try ClassificationModel.train(features: data.features, labels: data.labels, model: kind, options: o)
        let b = try ClassificationModel.train(features: data.features, labels: data.labels, model: kind, options: o)
        o.threads = 1
        let c = try ClassificationModel.train(features: data.features, labels: data.labels, model: kind, options: o)
        let pa = try a.predictProbabilities(data.features)
        #expect(pa == (try b.predictProbabilities(data.features)))
        #expect(pa == (try c.predictProbabilities(data.features)))
        #expect(pa.count == 120 * 3)
        for r in 0..<120 { #expect(abs(pa[(r * 3)..<(r * 3 + 3)].reduce(0, +) - 1) < 1e-4) }

        let bytes = a.serialized()
        let back = try ClassificationModel.deserialize(bytes)
        #expect(back.kind == kind && back.classes == a.classes)
        #expect(try back.predictProbabilities(data.features) == pa)
        #expect(try back.predict(data.features) == a.predict(data.features))
        #expect(throws: ModelError.self) { try ClassificationModel.deserialize(Array(bytes.prefix(bytes.count / 2))) }
    }

    @Test func trainingStopsUnderACancelledTokenAndWorksAfterwards() throws {
        let data = blobs(rows: 120, seed: 5)
        var o = quickOptions()
        o.epochs = 8
        let kinds: [ClassifierKind?] = ClassifierKind.allCases + [nil]
        let stopped = CancellationToken()
        stopped.cancel()
        for kind in kinds {
            #expect(throws: FrameError.cancelled, "\(kind.map(\.rawValue) ?? "auto")") {
                try stopped.whileCurrent { try ClassificationModel.train(features: data.features, labels: data.labels, model: kind, options: o) }
            }
        }
        #expect(throws: FrameError.cancelled) {
            try stopped.whileCurrent { try evaluateClassifiers(features: data.features, labels: data.labels, options: o) }
        }
        for kind in kinds {
            let model = try ClassificationModel.train(features: data.features, labels: data.labels, model: kind, options: o)
            #expect(try model.predict(data.features).count == 120)
        }
    }

    @Test func autoPicksAnAccurateModelAndReportsCandidates() throws {
        let data = blobs(rows: 240, seed: 8)
        let model = try ClassificationModel.train(features: data.features, labels: data.labels, model: nil, options: quickOptions())
        #expect(model.candidateAccuracy.map(\.kind) == ClassifierKind.allCases)
        let best = model.candidateAccuracy.map(\.accuracy).max()!
        #expect(model.candidateAccuracy.first { $0.kind == model.kind }!.accuracy == best)
        let predictions = try model.predict(data.features)
        let correct = zip(predictions, data.labels).filter { $0.label == $1 }.count
        #expect(correct >= 230)
        #expect(predictions.allSatisfy { $0.confidence > 0 && $0.confidence <= 1 })
    }

    @Test func unlabelledRowsAreIgnoredAndErrorsAreClear() throws {
        let data = blobs(rows: 60, seed: 2)
        var labels = data.labels
        labels[0] = nil
        labels[1] = nil
        let model = try ClassificationModel.train(features: data.features, labels: labels, model: .logistic, options: quickOptions())
        #expect(model.classes == ["east", "north", "origin"])
        #expect(throws: ModelError.self) {
            try ClassificationModel.train(features: data.features, labels: Array(labels.prefix(10)), model: .logistic)
        }
        #expect(throws: ModelError.self) { try ClassifierKind.named("forrest") }
        #expect(throws: ModelError.self) {
            try evaluateClassifiers(features: data.features, labels: data.labels, models: [.logistic],
                                    test: ([.numeric(name: "x", values: [1])], ["east", "north"]))
        }
        #expect(throws: ModelError.self) {
            try ClassificationModel.train(features: [.numeric(name: "big", values: [1e308, 1e308, -1e308])], labels: ["a", "b", "a"])
        }
        #expect(try ClassifierKind.named("RF") == .forest && ClassifierKind.named("auto") == nil)
    }

    @Test func unseenTestLabelsCountAsErrors() throws {
        let data = blobs(rows: 90, seed: 3)
        let test: [String?] = data.labels.map { $0 == "east" ? "west" : $0 }
        let r = try evaluateClassifiers(features: data.features, labels: data.labels, models: [.logistic],
                                        test: (data.features, test), options: quickOptions())[0]
        #expect(r.labels == ["east", "north", "origin", "west"])
        #expect(r.perClass[3].support == 30 && r.perClass[3].recall == 0)
        #expect(r.accuracy <= 2.0 / 3.0 + 1e-9)
    }
}

@Suite struct SpotifyTests {
    /// The ten-genre Spotify subset: scikit-learn's random forest reaches 0.59 on it; a 40-tree
    /// forest must get near (the full benchmark is scripts/bench/models_bench).
    @Test(.enabled(if: SharedData.has("spotify-tracks/by-genre"), "needs the Spotify by-genre data set"))
    func tenGenreForest() throws {
        let dir = SharedData.path("spotify-tracks/by-genre")
        let genres = ["pop", "rock", "hip-hop", "electronic", "classical", "jazz", "country", "metal", "reggae", "latin"]
        let names = ["danceability", "energy", "loudness", "speechiness", "acousticness", "instrumentalness",
                     "liveness", "valence", "tempo", "duration_ms"]
        var values = [[Double]](repeating: [], count: names.count)
        var labels: [String?] = []
        for genre in genres {
            let lines = try String(contentsOfFile: "\(dir)/\(genre).csv", encoding: .utf8).split(separator: "\n")
            let header = lines[0].split(separator: ",").map(String.init)
            let at = names.map { header.firstIndex(of: $0)! }
            for line in lines.dropFirst() {
                // Numeric columns sit after the quoted text ones: index them from the end.
                let f = line.split(separator: ",", omittingEmptySubsequences: false)
                for (j, i) in at.enumerated() { values[j].append(Double(f[f.count - (header.count - i)]) ?? .nan) }
                labels.append(genre)
            }
        }
        var o = ClassifierOptions()
        o.trees = 40
        let r = try evaluateClassifiers(features: zip(names, values).map { .numeric(name: $0, values: $1) }, labels: labels,
                                        models: [.forest], options: o)[0]
        #expect(labels.count == 10_000)
        #expect(r.accuracy > 0.55, "\(r.accuracy)")
    }
}
