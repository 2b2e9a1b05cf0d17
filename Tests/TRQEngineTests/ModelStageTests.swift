import Foundation
import Testing
import TRQEngine

/// Two taste blocks: users a0..a9 play items x0..x9, users b0..b9 play items y0..y9, each user
/// all but one item of their block (a different one each), so every block item is seen by 9 users.
/// `user(block, u)` names user u of block 0 (a) or 1 (b).
private func blockPlays(user: (Int, Int) -> String) -> String {
    var rows = ["user_id,track_id"]
    for (block, prefix) in ["x", "y"].enumerated() {
        for u in 0..<10 {
            for i in 0..<10 where i != u { rows.append("\(user(block, u)),\(prefix)\(i)") }
        }
    }
    return rows.joined(separator: "\n") + "\n"
}

private let blocks = blockPlays { block, u in "\(block == 0 ? "a" : "b")\(u)" }
/// The same plays with int user ids: a0..a9 are 0..9, b0..b9 are 10..19.
private let numberedBlocks = blockPlays { block, u in "\(block * 10 + u)" }

/// Labels that a straight line separates: class "high" exactly when x + y > 1.
private let separable: String = {
    var rows = ["x,y,noise,label"]
    var state: UInt64 = 7
    func uniform() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
    for _ in 0..<400 {
        let x = uniform(), y = uniform()
        guard abs(x + y - 1) > 0.1 else { continue }
        rows.append("\(x),\(y),\(uniform()),\(x + y > 1 ? "high" : "low")")
    }
    return rows.joined(separator: "\n") + "\n"
}()

private func session(files: [String: String], cache: String? = nil) throws -> (Session, () -> String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trq-models-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var settings = SessionSettings()
    settings.format = .csv
    settings.modelCacheDirectory = cache
    for (name, text) in files {
        let path = dir.appendingPathComponent(name + ".csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        settings.variables[name] = path
    }
    final class Sink: @unchecked Sendable { var text = "" }
    let out = Sink(), err = Sink()
    let s = Session(settings: settings, write: { out.text += $0 }, writeError: { err.text += $0 })
    return (s, { defer { out.text = "" }; return out.text + err.text })
}

private func rows(_ csv: String) -> [[String]] {
    csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
}

@Test func recommendStaysInTheUsersBlockAndSkipsSeenItems() throws {
    let (s, output) = try session(files: ["plays": blocks])
    #expect(s.execute("load $plays | recommend for \"a3\" k 3 with factors = 4, iterations = 10", file: "t") == .success)
    let recommended = rows(output())
    #expect(recommended.map { $0[0] } == ["1", "2", "3"])
    // a3 has played every block item but x3: x3 first, far ahead of the other block's items.
    #expect(recommended[0][1] == "x3")
    #expect(recommended.dropFirst().allSatisfy { $0[1].hasPrefix("y") })
    #expect(Double(recommended[1][2])! < 0.5 * Double(recommended[0][2])!)
}

@Test func similarItemsComeFromTheSameBlock() throws {
    let (s, output) = try session(files: ["plays": blocks])
    #expect(s.execute("load $plays | recommend similar \"y5\" k 4 with factors = 4", file: "t") == .success)
    let similar = rows(output())
    #expect(similar.count == 4)
    #expect(similar.allSatisfy { $0[1].hasPrefix("y") && $0[1] != "y5" })
}

@Test func recommendEvalReportsEveryModelWithMetricsInRange() throws {
    let (s, output) = try session(files: ["plays": blocks])
    #expect(s.execute("load $plays | recommend eval k 5 test 0.2 seed 1 with factors = 4", file: "t") == .success)
    let table = rows(output())
    #expect(table.map { $0[0] } == ["als", "bpr", "item_knn", "popularity"])
    for row in table {
        for value in row[1...5].map({ Double($0)! }) { #expect((0...1).contains(value)) }
    }
    // Every user's held-out item is in its block; the personal models rank the block first,
    // popularity cannot tell.
    for personal in 0..<3 { #expect(Double(table[personal][2])! > Double(table[3][2])!) }
    #expect(s.execute("load $plays | recommend eval k 5 model bpr with factors = 4", file: "t") == .success)
    #expect(rows(output()).map { $0[0] } == ["bpr"])
}

@Test func recommendWithEachModelStaysInTheBlock() throws {
    let (s, output) = try session(files: ["plays": blocks])
    for model in ["als", "bpr", "item_knn"] {
        #expect(s.execute("load $plays | recommend for \"b4\" k 1 model \(model) with factors = 4", file: "t") == .success)
        #expect(rows(output()).map { $0[1] } == ["y4"], "model \(model)")
    }
    #expect(s.execute("load $plays | recommend for \"b4\" k 1 model popularity", file: "t") == .success)
    #expect(rows(output()).count == 1)
    #expect(s.execute("load $plays | recommend for \"b4\" model bpq", file: "t.trq") == .failed)
    #expect(output().contains("unknown recommender 'bpq'; choose one of als, bpr, item_knn, popularity"))
    #expect(s.execute("load $plays | recommend for \"b4\" with learning_rat = 0.1", file: "t.trq") == .failed)
    #expect(output().contains("did you mean 'learning_rate'?"))
}

@Test func evalAgainstATestTableMatchesIdsAsPrintedAcrossTypes() throws {
    // Each user's held-out pair is the block item it has not played. "zz" (an unknown user)
    // makes the test table's user column text; it and the unknown item "q9" are left out.
    var held = ["user_id,track_id", "zz,x1", "3,q9"]
    for u in 0..<10 { held += ["\(u),x\(u)", "\(10 + u),y\(u)"] }
    let (s, output) = try session(files: ["plays": numberedBlocks, "held": held.joined(separator: "\n") + "\n"])
    #expect(s.execute("let held = load $held", file: "t") == .success)
    // k 11 recommends every item a user has not played, so each user's one test item is a hit
    // for both models: recall 1 and precision 1/11, whatever the ranking.
    #expect(s.execute("load $plays | recommend eval k 11 against held with factors = 4", file: "t") == .success)
    let table = rows(output())
    #expect(table.map { $0[0] } == ["als", "bpr", "item_knn", "popularity"])
    for row in table {
        #expect(abs(Double(row[1])! - 1.0 / 11) < 1e-9)
        #expect(Double(row[2])! == 1)
    }
}

@Test func userGivenAsTextOrNumberFindsIntIds() throws {
    let (s, output) = try session(files: ["plays": numberedBlocks])
    #expect(s.execute("load $plays | recommend for 3 k 1 with factors = 4, iterations = 10", file: "t") == .success)
    let asNumber = rows(output())
    #expect(s.execute("load $plays | recommend for \"3\" k 1 with factors = 4, iterations = 10", file: "t") == .success)
    #expect(rows(output()) == asNumber)
    #expect(asNumber.map { $0[1] } == ["x3"])
}

@Test func unknownUserIsALocatedErrorShowingTheIdFormat() throws {
    let (s, output) = try session(files: ["plays": blocks])
    #expect(s.execute("load $plays | recommend for \"zz\"", file: "t.trq") == .failed)
    #expect(output().contains("t.trq:1:29: error: no user zz in column 'user_id'; users look like a0"))
}

@Test func emptyTableHasNoUserOrItemToFind() throws {
    let (s, output) = try session(files: ["plays": blocks])
    #expect(s.execute("load $plays | filter user_id == \"zz\" | recommend for \"a1\"", file: "t.trq") == .failed)
    #expect(output().contains("t.trq:1:54: error: no user a1 in column 'user_id'; the table has no users"))
    #expect(s.execute("load $plays | limit 0 | recommend similar \"x1\"", file: "t.trq") == .failed)
    #expect(output().contains("error: no item x1 in column 'track_id'; the table has no items"))
}

@Test func trainedModelIsCachedInTheSessionAndOnDisk() throws {
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("trq-cache-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: cache) }
    let statement = "load $plays | recommend for \"b1\" k 2 with factors = 4\n.models"
    let (first, firstOutput) = try session(files: ["plays": blocks], cache: cache)
    #expect(first.execute(statement, file: "t") == .success)
    #expect(first.execute(".models", file: "t") == .success)
    let firstListing = firstOutput()
    #expect(try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".model") }.count == 1)
    // A new session (a rerun of the script) reads the model back: same key and the recorded
    // training time of the first run, which a retraining would not reproduce.
    let (second, secondOutput) = try session(files: ["plays": blocks], cache: cache)
    #expect(second.execute(statement, file: "t") == .success)
    let secondListing = secondOutput()
    let modelLine = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("als,") }.map(String.init) }
    #expect(modelLine(firstListing) != nil)
    #expect(modelLine(secondListing) == modelLine(firstListing))
}

@Test func classifierLearnsASeparableRule() throws {
    let (s, output) = try session(files: ["points": separable])
    #expect(s.execute("load $points | classify label model logistic | agg n = count(), right = sum(int(label == predicted_label))", file: "t") == .success)
    let result = rows(output())[0].map { Int($0)! }
    #expect(result[0] > 300)
    #expect(Double(result[1]) / Double(result[0]) > 0.97)
}

@Test func classifyEvalReportsEveryModel() throws {
    let (s, output) = try session(files: ["points": separable])
    #expect(s.execute("load $points | classify label eval test 0.25 seed 3 features x, y with epochs = 40, trees = 30", file: "t") == .success)
    let table = rows(output())
    #expect(table.map { $0[0] } == ["logistic", "mlp", "cnn", "forest", "boost"])
    #expect(table.allSatisfy { Double($0[1])! > 0.85 && Double($0[2])! > 0.85 })
}

/// Three tight groups of points in (x, y) around (0, 0), (10, 0) and (0, 10) (sizes 40, 30, 20),
/// a text column, and one row with a null feature.
private let groups: String = {
    var rows = ["name,x,y,flag"]
    var state: UInt64 = 11
    func jitter() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53) - 0.5
    }
    for (count, cx, cy) in [(40, 0.0, 0.0), (30, 10.0, 0.0), (20, 0.0, 10.0)] {
        for i in 0..<count { rows.append("p\(rows.count),\(cx + jitter()),\(cy + jitter()),\(i % 2 == 0)") }
    }
    rows.append("missing,,3,true")
    return rows.joined(separator: "\n") + "\n"
}()

@Test func clusterFindsTheGroupsLargestFirstAndLeavesNullRowsOut() throws {
    let (s, output) = try session(files: ["points": groups])
    #expect(s.execute("load $points | cluster k 3 features x, y | groupby cluster agg n = count(), x = int(round(mean(x))), y = int(round(mean(y))) | sort cluster", file: "t") == .success)
    let table = rows(output())
    #expect(table == [["0", "40", "0", "0"], ["1", "30", "10", "0"], ["2", "20", "0", "10"], ["", "1", "", "3"]])
    #expect(s.execute("load $points | cluster k 3 features x, y | filter name == \"p1\" or name == \"missing\" | select cluster, distance", file: "t") == .success)
    let two = rows(output())
    #expect(two[0][0] == "0" && Double(two[0][1])! < 0.1)
    #expect(two[1] == ["", ""])
}

@Test func clusterEvalReportsInertiaAndSilhouettePerK() throws {
    let (s, output) = try session(files: ["points": groups])
    #expect(s.execute("load $points | cluster eval k 1, 3, 6 features x, y seed 5", file: "t") == .success)
    let table = rows(output())
    #expect(table.map { $0[0] } == ["1", "3", "6"])
    let inertia = table.map { Double($0[1])! }
    // Standardized: k 1's inertia is rows x features; more clusters never fit worse.
    #expect(abs(inertia[0] - 180) < 1e-9)
    #expect(inertia[1] < 0.05 * inertia[0] && inertia[2] <= inertia[1])
    #expect(table[0][2] == "")
    #expect(Double(table[1][2])! > 0.9)
}

@Test func clusterUsesEveryNumericColumnAndExplainsBadInput() throws {
    let (s, output) = try session(files: ["points": groups])
    // Without `features`: x, y and the boolean flag.
    #expect(s.execute("load $points | cluster k 2 with restarts = 2, scale = false | agg n = count(), clusters = count_distinct(cluster), nulls = sum(if(cluster is null, 1, 0))", file: "t") == .success)
    #expect(rows(output()) == [["91", "2", "1"]])
    #expect(s.execute("load $points | cluster k 2 features name", file: "t.trq") == .failed)
    #expect(output().contains("cannot cluster on 'name': it is string"))
    #expect(s.execute("load $points | cluster k 500", file: "t.trq") == .failed)
    #expect(output().contains("needs at least 500 rows"))
    #expect(s.execute("load $points | cluster with restart = 2", file: "t.trq") == .failed)
    #expect(output().contains("did you mean 'restarts'?"))
}
