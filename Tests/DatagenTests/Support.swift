import Foundation
import TestSupport
@testable import trq_datagen

/// The repository's data/ folder, found from this file's path.
let committedDataDirectory: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data").path
}()

func makeTemporaryDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trq-datagen-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.path
}

/// The four CSV texts of one dataset.
struct DatasetText {
    var listening: String
    var tracks: String
    var artists: String
    var users: String

    static func committed() throws -> DatasetText {
        func read(_ name: String) throws -> String {
            try String(contentsOfFile: committedDataDirectory + "/" + name, encoding: .utf8)
        }
        return DatasetText(listening: try read("listening_2023.csv"), tracks: try read("tracks.csv"),
                           artists: try read("artists.csv"), users: try read("users.csv"))
    }

    /// Generated in memory through the same code paths the CLI writes with.
    static func generated(_ config: DatagenConfig) throws -> DatasetText {
        let dataset = Dataset(config)
        var listening = Array(ListeningLog.header.utf8)
        try dataset.forEachDayInOrder { listening += $0.bytes }
        return DatasetText(
            listening: String(decoding: listening, as: UTF8.self),
            tracks: String(decoding: dataset.tracksCSV().bytes, as: UTF8.self),
            artists: String(decoding: dataset.artistsCSV().bytes, as: UTF8.self),
            users: String(decoding: dataset.usersCSV().bytes, as: UTF8.self))
    }
}

extension CSVText {
    /// Map from the first column (an ID) to the named column.
    func lookup(_ name: String) -> [String: String] {
        Dictionary(zip(column(header[0]), column(name)), uniquingKeysWith: { a, _ in a })
    }
}

/// The dataset parsed, with the joins the structure checks need.
struct Parsed {
    let listens: CSVText, tracks: CSVText, artists: CSVText, users: CSVText
    let userCountry: [String: String]
    let trackGenre: [String: String]
    let trackArtist: [String: String]
    /// Per listen: the listener's country (from users.csv), the track's genre, month 1-12.
    let listenerCountry: [String]
    let genre: [String]
    let month: [Int]

    init(_ text: DatasetText) {
        listens = CSVText(text.listening)
        tracks = CSVText(text.tracks)
        artists = CSVText(text.artists)
        users = CSVText(text.users)
        let countries = users.lookup("country"), genres = tracks.lookup("genre")
        userCountry = countries
        trackGenre = genres
        trackArtist = tracks.lookup("artist_id")
        listenerCountry = listens.column("user_id").map { countries[$0] ?? "" }
        genre = listens.column("track_id").map { genres[$0] ?? "" }
        month = listens.column("played_at").map { Int($0.dropFirst(5).prefix(2)) ?? 0 }
    }

    /// Share of plays of `genre` among listeners from `countries` (or from elsewhere).
    func genreShare(_ genre: String, in countries: Set<String>, inside: Bool) -> Double {
        var hits = 0, total = 0
        for i in listenerCountry.indices where countries.contains(listenerCountry[i]) == inside {
            total += 1
            if self.genre[i] == genre { hits += 1 }
        }
        return total == 0 ? 0 : Double(hits) / Double(total)
    }

    /// Pearson's chi-square statistic of the country x genre contingency table.
    func countryGenreChiSquare() -> (statistic: Double, dof: Int) {
        var cells: [String: [String: Double]] = [:]
        var rowTotals: [String: Double] = [:], colTotals: [String: Double] = [:]
        for i in genre.indices {
            cells[listenerCountry[i], default: [:]][genre[i], default: 0] += 1
            rowTotals[listenerCountry[i], default: 0] += 1
            colTotals[genre[i], default: 0] += 1
        }
        let n = Double(genre.count)
        var chi = 0.0
        for (r, rt) in rowTotals {
            for (c, ct) in colTotals {
                let expected = rt * ct / n
                let observed = cells[r]?[c] ?? 0
                chi += (observed - expected) * (observed - expected) / expected
            }
        }
        return (chi, (rowTotals.count - 1) * (colTotals.count - 1))
    }

    /// Share of all plays taken by the most-played 10% of the catalogue's tracks.
    func topDecileShare() -> Double {
        var plays: [String: Int] = [:]
        for t in listens.column("track_id") { plays[t, default: 0] += 1 }
        let counts = tracks.column("track_id").map { plays[$0] ?? 0 }.sorted(by: >)
        let top = counts.prefix(counts.count / 10).reduce(0, +)
        return Double(top) / Double(listens.rows.count)
    }

    /// Plays per 2023 debut artist in January-June and July-December.
    func emergingHalves() -> [String: (first: Int, second: Int)] {
        let debut = artists.lookup("debut_year")
        var halves: [String: (first: Int, second: Int)] = [:]
        for (a, year) in debut where year == "2023" { halves[a] = (0, 0) }
        for (i, t) in listens.column("track_id").enumerated() {
            guard let a = trackArtist[t], let h = halves[a] else { continue }
            halves[a] = month[i] <= 6 ? (h.first + 1, h.second) : (h.first, h.second + 1)
        }
        return halves
    }

    /// Share of rows that repeat an earlier row exactly.
    func duplicateShare() -> Double {
        var seen = Set<[String]>()
        var duplicates = 0
        for r in listens.rows where !seen.insert(r).inserted { duplicates += 1 }
        return Double(duplicates) / Double(listens.rows.count)
    }

    func emptyShare(_ column: String) -> Double {
        let values = listens.column(column)
        return Double(values.filter(\.isEmpty).count) / Double(values.count)
    }

    /// Skip rate of plays whose genre makes up >= 30% vs < 5% of the same user's other plays
    /// (users with >= 10 plays).
    func skipRateNearAndFar() -> (near: Double, far: Double) {
        let u = listens.column("user_id"), skipped = listens.column("skipped")
        var perUser: [String: [String: Int]] = [:], totals: [String: Int] = [:]
        for i in u.indices {
            perUser[u[i], default: [:]][genre[i], default: 0] += 1
            totals[u[i], default: 0] += 1
        }
        var near = (skips: 0, n: 0), far = (skips: 0, n: 0)
        for i in u.indices {
            let total = totals[u[i]] ?? 0
            guard total >= 10 else { continue }
            let share = Double((perUser[u[i]]?[genre[i]] ?? 1) - 1) / Double(total - 1)
            let s = skipped[i] == "true" ? 1 : 0
            if share >= 0.3 { near = (near.skips + s, near.n + 1) }
            if share < 0.05 { far = (far.skips + s, far.n + 1) }
        }
        return (Double(near.skips) / Double(max(near.n, 1)), Double(far.skips) / Double(max(far.n, 1)))
    }

    /// Hit rate@10 on each user's last 20% of distinct tracks (users with >= 5 distinct),
    /// excluding tracks already heard: item co-occurrence (cosine) vs most-played.
    func coOccurrenceVersusPopularity() -> (coOccurrence: Double, popularity: Double) {
        let u = listens.column("user_id"), t = listens.column("track_id")
        var order: [String: [String]] = [:]  // distinct tracks per user in first-play order
        var seenPair = Set<String>()
        for i in u.indices where seenPair.insert(u[i] + "|" + t[i]).inserted { order[u[i], default: []].append(t[i]) }
        var train: [String: Set<String>] = [:], test: [String: Set<String>] = [:]
        for (user, items) in order {
            let cut = items.count >= 5 ? Int(Double(items.count) * 0.8) : items.count
            train[user] = Set(items[..<cut])
            if cut < items.count { test[user] = Set(items[cut...]) }
        }
        var listeners: [String: [String]] = [:]
        for (user, items) in train { for item in items { listeners[item, default: []].append(user) } }
        let popular = listeners.map { ($0.key, $0.value.count) }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
        var hitsCo = 0, hitsPop = 0
        for (user, truth) in test {
            let mine = train[user] ?? []
            var score: [String: Double] = [:]
            for item in mine {
                let li = Double(listeners[item]?.count ?? 1)
                for other in listeners[item] ?? [] where other != user {
                    for j in train[other] ?? [] where !mine.contains(j) {
                        score[j, default: 0] += 1 / (li * Double(listeners[j]?.count ?? 1)).squareRoot()
                    }
                }
            }
            let top = score.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10).map(\.key)
            if top.contains(where: truth.contains) { hitsCo += 1 }
            let topPop = popular.lazy.map(\.0).filter { !mine.contains($0) }.prefix(10)
            if topPop.contains(where: truth.contains) { hitsPop += 1 }
        }
        let n = Double(max(test.count, 1))
        return (Double(hitsCo) / n, Double(hitsPop) / n)
    }
}
