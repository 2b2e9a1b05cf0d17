import Foundation
import Testing
import TRQEngine
import TestSupport

/// scripts/trends_2023.trq, run as `scripts/run` runs it (from the repository root, writing out/),
/// and its tables checked against the same numbers computed here in plain Swift from the CSV
/// text of data/. scripts/check_trends.py checks them again with pandas.
@Suite struct TrendsScriptTests {
    static let run = TrendsRun()
    static let oracle = TrendsOracle(root: TrendsRun.root)

    @Test func scriptSucceeds() {
        #expect(Self.run.outcome == .success, "\(Self.run.err)")
    }

    @Test func cleaning() throws {
        let o = Self.oracle
        let row = try #require(try Self.run.table("cleaning.csv").records.first)
        #expect(row["raw_rows"] == "\(o.rawRows)")
        #expect(row["duplicates_removed"] == "\(o.rawRows - o.dedupedRows)")
        #expect(row["after_distinct"] == "\(o.dedupedRows)")
        #expect(row["empty_ms_played"] == "\(o.emptyMs)")
        #expect(row["absurd_ms_played"] == "\(o.absurdMs)")
        #expect(row["clean_rows"] == "\(o.plays.count)")
        #expect(row["countries_filled"] == "\(o.countriesFilled)")
        #expect(row["country_missing"] == "\(o.plays.filter { $0.country.isEmpty }.count)")
        #expect(row["platform_missing"] == "\(o.plays.filter { $0.platform.isEmpty }.count)")
        // data/README.md documents the cleaned count.
        #expect(o.plays.count == 9_759)
        #expect(try Self.run.table("outliers.csv").records.count == o.absurdMs)
    }

    @Test func genresByPlaysAndListeners() throws {
        let o = Self.oracle
        let rows = try Self.run.table("genres.csv").records
        let expected = o.byGenre.sorted { $0.value.plays > $1.value.plays }
        #expect(rows.map { $0["genre"] ?? "" } == expected.map(\.key))
        for row in rows {
            let g = try #require(o.byGenre[row["genre"] ?? ""])
            #expect(row["plays"] == "\(g.plays)")
            #expect(row["listeners"] == "\(g.listeners.count)")
            expectClose(row["share_pct"], 100 * Double(g.plays) / Double(o.plays.count), 0.05)
            expectClose(row["skip_rate"], Double(g.skipped) / Double(g.plays), 0.0005)
        }
    }

    @Test func emergingArtistsLeadTheGrowthTable() throws {
        let o = Self.oracle
        let rows = try Self.run.table("emerging_artists.csv").records
        #expect(rows.count == 10)
        let ratios = try rows.map { row in
            let a = try #require(o.byArtist[row["artist_id"] ?? ""])
            #expect(row["h1"] == "\(a.h1)" && row["h2"] == "\(a.h2)")
            #expect(a.h1 + a.h2 >= 20)
            return a.growth
        }
        // The ten largest growth ratios among artists with at least 20 plays, largest first.
        let eligible = o.byArtist.values.filter { $0.h1 + $0.h2 >= 20 }.map(\.growth).sorted(by: >)
        #expect(ratios == Array(eligible.prefix(10)))
        // The artists who debuted in 2023 come first.
        #expect(Set(rows.prefix(o.debut2023.count).map { $0["artist_id"] ?? "" }) == o.debut2023)
        let fastest = try #require(o.byArtist.filter { $0.value.h1 + $0.value.h2 >= 20 }.max { $0.value.growth < $1.value.growth })
        #expect(rows.first?["artist_id"] == fastest.key)
    }

    @Test func emergingArtistsByMonthOverMonthGrowth() throws {
        let o = Self.oracle
        let rows = try Self.run.table("emerging_month_over_month.csv").records
        // Plays per eligible artist and month, zero-filled; each artist's largest rise over the month before.
        let eligible = Set(o.byArtist.filter { $0.value.h1 + $0.value.h2 >= 20 }.keys)
        var monthly: [String: [Int]] = [:]
        for p in o.plays where eligible.contains(p.artist) { monthly[p.artist, default: Array(repeating: 0, count: 13)][p.month] += 1 }
        let largestRise = monthly.mapValues { m in (2...12).map { m[$0] - m[$0 - 1] }.max()! }
        #expect(rows.count == 10)
        for row in rows {
            let artist = row["artist_id"] ?? ""
            let month = Int((row["month"] ?? "").dropFirst(5).prefix(2)) ?? 0
            let m = try #require(monthly[artist])
            #expect(row["plays"] == "\(m[month])" && row["previous"] == "\(m[month - 1])")
            #expect(row["jump"] == "\(m[month] - m[month - 1])" && row["jump"] == "\(largestRise[artist] ?? -1)")
        }
        #expect(rows.map { Int($0["jump"] ?? "") ?? -1 } == Array(largestRise.values.sorted(by: >).prefix(10)))
    }

    @Test func topGenresOfEachCountry() throws {
        let o = Self.oracle
        let rows = try Self.run.table("country_top_genres.csv").records
        let perCountry = Dictionary(grouping: rows) { $0["country"] ?? "" }
        #expect(Set(perCountry.keys) == Set(o.byCountryGenre.keys.map(\.country)))
        for (country, top) in perCountry {
            let counts = o.byCountryGenre.filter { $0.key.country == country }
            let total = counts.values.reduce(0, +)
            for row in top {
                #expect(row["plays"] == "\(counts[CountryGenre(country: country, genre: row["genre"] ?? "")] ?? -1)")
                #expect(row["country_plays"] == "\(total)")
            }
            #expect(top.map { Int($0["plays"] ?? "") ?? -1 } == Array(counts.values.sorted(by: >).prefix(3)))
        }
        let totals = rows.map { Int($0["country_plays"] ?? "") ?? -1 }
        #expect(totals == totals.sorted(by: >))
    }

    @Test func countryByGenreShares() throws {
        let o = Self.oracle
        let rows = try Self.run.table("country_genre_share.csv").records
        #expect(rows.count == Set(o.byCountryGenre.keys.map(\.country)).count)
        for row in rows {
            let country = row["listener_country"] ?? ""
            let total = o.byCountryGenre.filter { $0.key.country == country }.values.reduce(0, +)
            #expect(row["plays"] == "\(total)")
            // One column per genre (the pivot's); a country without plays of a genre has an empty cell.
            for genre in o.byGenre.keys {
                let plays = o.byCountryGenre[CountryGenre(country: country, genre: genre)] ?? 0
                if plays == 0 { #expect(row[genre] == "") } else { expectClose(row[genre], 100 * Double(plays) / Double(total), 0.05) }
            }
        }
    }

    @Test func monthlyPlaysBySeasonAndGenre() throws {
        let o = Self.oracle
        let monthly = try Self.run.table("monthly_genre.csv").records
        #expect(monthly.count == o.byGenreMonth.count)
        for row in monthly {
            let month = Int(row["month"] ?? "") ?? 0
            #expect(row["plays"] == "\(o.byGenreMonth[GenreMonth(genre: row["genre"] ?? "", month: month)] ?? -1)")
            #expect(row["month_plays"] == "\(o.plays.filter { $0.month == month }.count)")
        }
        let summer: Set = [6, 7, 8]
        let summerPlays = o.plays.filter { summer.contains($0.month) }
        for row in try Self.run.table("seasonality.csv").records {
            let genre = row["genre"] ?? ""
            let inSummer = summerPlays.filter { $0.genre == genre }.count
            let rest = o.byGenre[genre].map { $0.plays - inSummer } ?? 0
            expectClose(row["summer_pct"], 100 * Double(inSummer) / Double(summerPlays.count), 0.05)
            expectClose(row["not_summer_pct"], 100 * Double(rest) / Double(o.plays.count - summerPlays.count), 0.05)
        }
    }

    @Test func skipRateByPlatform() throws {
        let o = Self.oracle
        let rows = try Self.run.table("skip_rate_by_platform.csv").records
        let platforms = Dictionary(grouping: o.plays.filter { !$0.platform.isEmpty }, by: \.platform)
        #expect(Set(rows.map { $0["platform"] ?? "" }) == Set(platforms.keys))
        for row in rows {
            let plays = platforms[row["platform"] ?? ""] ?? []
            let skipped = plays.filter(\.skipped).count
            #expect(row["plays"] == "\(plays.count)" && row["skipped"] == "\(skipped)")
            expectClose(row["skip_rate"], Double(skipped) / Double(plays.count), 0.00005)
        }
    }

    /// The page has one section per file written (a chart's .svg and .html share one), each
    /// chart's SVG as written and each table.
    @Test func reportPageGathersEveryFile() throws {
        #expect(Self.run.outcome == .success)
        let page = try String(contentsOfFile: "\(TrendsRun.root)/out/report.html", encoding: .utf8)
        let written = Self.run.writtenPaths
        let svgs = written.filter { $0.hasSuffix(".svg") }
        let csvs = written.filter { $0.hasSuffix(".csv") }
        #expect(svgs.count >= 5 && csvs.count >= 8)
        for svg in svgs {
            let markup = try String(contentsOfFile: "\(TrendsRun.root)/\(svg)", encoding: .utf8)
            #expect(page.contains(markup), "\(svg) is not on the page")
        }
        for path in written {
            let name = String(path.dropFirst("out/".count))
            #expect(page.contains("<a href=\"\(name)\">\(name)</a>"), "no link to \(path)")
        }
        #expect(page.components(separatedBy: "<svg ").count - 1 == svgs.count)
        #expect(page.components(separatedBy: "<table>").count - 1 == csvs.count)
        #expect(page.components(separatedBy: "<section ").count - 1 == svgs.count + csvs.count)
    }
}

private func expectClose(_ text: String?, _ expected: Double, _ tolerance: Double, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let value = text.flatMap(Double.init)
    #expect(value.map { abs($0 - expected) <= tolerance + 1e-9 } == true,
            "\(text ?? "nil") is not within \(tolerance) of \(expected)", sourceLocation: sourceLocation)
}

/// The script's run, once for all the tests above.
struct TrendsRun: Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    let outcome: ExecutionOutcome
    let err: String
    /// The out/ files the script writes, from its `save "..."` and `to "..."` clauses.
    let writtenPaths: [String]

    init() {
        // The script's paths are relative to the repository root, as for `scripts/run`; `swift test`
        // normally runs there already, and then this changes nothing.
        if FileManager.default.currentDirectoryPath != Self.root {
            _ = FileManager.default.changeCurrentDirectoryPath(Self.root)
        }
        let path = "scripts/trends_2023.trq"
        let source = (try? String(contentsOfFile: "\(Self.root)/\(path)", encoding: .utf8)) ?? ""
        var err = ""
        var settings = SessionSettings()
        settings.format = .csv
        let session = Session(settings: settings, write: { _ in }, writeError: { err += $0 })
        outcome = session.execute(source, file: path)
        self.err = err
        let clause = try! NSRegularExpression(pattern: #"(?:save|to) "(out/[^"]+\.(?:csv|svg|html))""#)
        let matches = clause.matches(in: source, range: NSRange(source.startIndex..., in: source))
        var paths: [String] = []
        for match in matches {
            let path = String(source[Range(match.range(at: 1), in: source)!])
            if !paths.contains(path) { paths.append(path) }
        }
        writtenPaths = paths
    }

    func table(_ name: String) throws -> CSVText {
        try CSVText(path: "\(Self.root)/out/\(name)")
    }
}

struct CountryGenre: Hashable {
    var country: String
    var genre: String
}

struct GenreMonth: Hashable {
    var genre: String
    var month: Int
}

/// The study's numbers from data/*.csv, with the script's cleaning rules: exact duplicate rows
/// dropped, then rows with an empty or above-one-hour ms_played; an empty country is the user's.
struct TrendsOracle: Sendable {
    struct Play: Sendable {
        var user: String
        var platform: String
        var country: String
        var skipped: Bool
        var month: Int
        var genre: String
        var artist: String
    }

    struct GenreStats: Sendable {
        var plays = 0
        var skipped = 0
        var listeners: Set<String> = []
    }

    struct ArtistStats: Sendable {
        var h1 = 0
        var h2 = 0
        /// H2 plays / H1 plays, or H2 plays when H1 has none.
        var growth: Double { Double(h2) / Double(max(h1, 1)) }
    }

    var rawRows = 0
    var dedupedRows = 0
    var emptyMs = 0
    var absurdMs = 0
    var countriesFilled = 0
    var plays: [Play] = []
    var byGenre: [String: GenreStats] = [:]
    var byArtist: [String: ArtistStats] = [:]
    var byCountryGenre: [CountryGenre: Int] = [:]
    var byGenreMonth: [GenreMonth: Int] = [:]
    var debut2023: Set<String> = []

    init(root: String) {
        guard let listening = try? CSVText(path: "\(root)/data/listening_2023.csv"),
              let tracks = try? CSVText(path: "\(root)/data/tracks.csv"),
              let users = try? CSVText(path: "\(root)/data/users.csv"),
              let artists = try? CSVText(path: "\(root)/data/artists.csv")
        else { return }
        let trackInfo = Dictionary(tracks.records.map { ($0["track_id"] ?? "", (genre: $0["genre"] ?? "", artist: $0["artist_id"] ?? "")) },
                                   uniquingKeysWith: { a, _ in a })
        let userCountry = Dictionary(users.records.map { ($0["user_id"] ?? "", $0["country"] ?? "") }, uniquingKeysWith: { a, _ in a })
        debut2023 = Set(artists.records.filter { $0["debut_year"] == "2023" }.map { $0["artist_id"] ?? "" })

        rawRows = listening.rows.count
        var seen = Set<[String]>()
        let column = Dictionary(uniqueKeysWithValues: listening.header.enumerated().map { ($1, $0) })
        for row in listening.rows where seen.insert(row).inserted {
            dedupedRows += 1
            guard let ms = Int(row[column["ms_played"]!]) else {
                emptyMs += 1
                continue
            }
            if ms > 3_600_000 {
                absurdMs += 1
                continue
            }
            let user = row[column["user_id"]!]
            var country = row[column["country"]!]
            if country.isEmpty {
                countriesFilled += 1
                country = userCountry[user] ?? ""
            }
            guard let track = trackInfo[row[column["track_id"]!]] else { continue }
            let month = Int(row[column["played_at"]!].dropFirst(5).prefix(2)) ?? 0
            plays.append(Play(user: user, platform: row[column["platform"]!], country: country,
                              skipped: row[column["skipped"]!] == "true", month: month, genre: track.genre, artist: track.artist))
        }
        for p in plays {
            byGenre[p.genre, default: GenreStats()].plays += 1
            byGenre[p.genre]!.skipped += p.skipped ? 1 : 0
            byGenre[p.genre]!.listeners.insert(p.user)
            if p.month <= 6 { byArtist[p.artist, default: ArtistStats()].h1 += 1 } else { byArtist[p.artist, default: ArtistStats()].h2 += 1 }
            if !p.country.isEmpty { byCountryGenre[CountryGenre(country: p.country, genre: p.genre), default: 0] += 1 }
            byGenreMonth[GenreMonth(genre: p.genre, month: p.month), default: 0] += 1
        }
    }
}
