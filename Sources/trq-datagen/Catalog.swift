// The static world the listens are drawn from: artists, tracks, users and their tastes.
// Everything is derived from the seed; see data/README.md for the model.

/// What to generate. The defaults reproduce the files committed in data/.
struct DatagenConfig: Sendable {
    var listens = 10_000
    /// Derived from `listens` when nil.
    var users: Int?
    var seed: UInt64 = 2023

    /// Users, tracks and artists grow with the square root of the listens (10,000 listens:
    /// 1,000 users, 3,000 tracks, 300 artists; 10M: 31,623 users, 94,868 tracks, 9,487 artists),
    /// so listens per user and plays per track grow too, as in a real service's larger logs.
    var scale: Double { (Double(listens) / 10_000).squareRoot() }
    var userCount: Int { users ?? max(20, Int((1_000 * scale).rounded())) }
    var trackCount: Int { max(Genre.count * 20, Int((3_000 * scale).rounded())) }
    var artistCount: Int { max(Genre.count * 4 + emergingCount, Int((300 * scale).rounded())) }
    /// A handful of 2023 debuts at the default size; more for bigger catalogues.
    var emergingCount: Int { max(6, Int((300 * scale).rounded()) / 50) }
}

/// The first and last day of 2023 as days since 1970-01-01.
let firstDay2023 = daysFromCivil(2023, 1, 1)
let daysIn2023 = 365

/// Genres the 2023 debuts are dealt from, in turn.
private let emergingGenres = ["latin", "k-pop", "hip-hop", "pop", "indie", "electronic", "r&b"]

final class Catalog: Sendable {
    let config: DatagenConfig

    // Artists.
    let artistNames: [String]
    let artistGenre: [Int]
    let artistCountry: [String]
    let artistDebutYear: [Int]
    let artistFollowers: [Int]
    /// Indices of the 2023 debuts and, per debut, its tracks in release order.
    let emergingArtists: [Int]
    let emergingTracks: [[Int32]]
    /// emergingPull[day * emergingArtists.count + i]: chance a listen on `day` goes to debut i.
    let emergingPull: [Double]
    /// Total over the debuts of `emergingPull` per day.
    let emergingPullPerDay: [Double]

    // Tracks.
    let trackNames: [String]
    let trackArtist: [Int32]
    let trackGenre: [UInt8]
    /// Scene cell of the track (genre, scene), or -1 for a 2023 debut's track.
    let trackCell: [Int32]
    let trackReleaseDay: [Int]
    let trackDurationMs: [Int]
    let trackExplicit: [Bool]
    let trackPopularity: [Int]
    let trackFeatures: [TrackFeatures]

    // Scene cells: each genre's artists split into scenes, the unit of individual taste.
    let cellGenre: [Int]
    let cellTracks: [[Int32]]
    let cellDraw: [AliasTable]
    /// Per genre, the alias table over its cells by total track weight.
    let genreCellDraw: [AliasTable]
    let genreCellStart: [Int]

    // Users.
    let userCountry: [Int]
    let userAgeGroup: [Int]
    let userSubscription: [Int]
    let userSignupDay: [Int]  // days since 1970-01-01
    let userPrimaryPlatform: [UInt8]
    let userActivityDraw: AliasTable
    /// Up to `maxFavourites` favourite cells per user (-1 = none) and their cumulative weights.
    static let maxFavourites = 4
    let userFavouriteCell: [Int32]
    let userFavouriteCumulative: [Double]
    let userFocus: [Double]
    let userLibrarySize: [Int]
    /// Genre shares per (country, age group), the prior a user's exploration follows.
    let tastePrior: [[Double]]
    let tastePriorMax: [Double]

    var userCount: Int { userCountry.count }
    var trackCount: Int { trackNames.count }
    var artistCount: Int { artistNames.count }

    init(_ config: DatagenConfig) {
        self.config = config
        var rng = Xoshiro(seed: mixSeed(config.seed, 0xCA7A))
        let genreCount = Genre.count

        // --- Artists: genre counts by largest remainder, emerging ones on top, order shuffled.
        let emergingCount = config.emergingCount
        let established = config.artistCount - emergingCount
        let artistShare = Genre.names.map { 0.5 / Double(genreCount) + 0.5 * (Genre.baseShare[$0] ?? 0) }
        var perGenre = largestRemainder(total: established, weights: artistShare)
        for g in 0..<genreCount where perGenre[g] < 3 { perGenre[g] = 3 }  // every genre needs scenes
        var slots: [(genre: Int, emerging: Bool)] = []
        for g in 0..<genreCount {
            for _ in 0..<perGenre[g] { slots.append((g, false)) }
        }
        for i in 0..<emergingCount {
            slots.append((Genre.index(emergingGenres[i % emergingGenres.count]), true))
        }
        rng.shuffle(&slots)
        let nArtists = slots.count

        var names: [String] = [], genres: [Int] = [], countries: [String] = [], debut: [Int] = []
        var isEmerging: [Bool] = []
        for slot in slots {
            let g = Genre.names[slot.genre]
            let origins = Genre.origins[g] ?? Genre.defaultOrigins
            let country = origins[rng.pick(origins.map(\.1))].0
            genres.append(slot.genre)
            countries.append(country)
            isEmerging.append(slot.emerging)
            names.append(artistName(&rng, genre: g, country: country))
            if slot.emerging {
                debut.append(2023)
            } else {
                let (lo, hi) = Genre.debutYears[g] ?? (1980, 2022)
                // u^1.5 piles up near 0, so recent debuts are likelier.
                let u = rng.uniform()
                debut.append(hi - Int((Double(hi - lo) * u * u.squareRoot()).rounded()))
            }
        }
        // Zipf-like artist weights over a random ranking of the established artists.
        var ranks = Array(1...max(1, nArtists))
        rng.shuffle(&ranks)
        let artistWeight = (0..<nArtists).map { isEmerging[$0] ? 0 : 1 / Double(ranks[$0]) }

        // --- Scenes: each genre's established artists dealt round-robin into ~6-artist scenes.
        var cellStart: [Int] = []
        var cellOfArtist = [Int](repeating: -1, count: nArtists)
        var cellGenre: [Int] = []
        for g in 0..<genreCount {
            cellStart.append(cellGenre.count)
            let members = (0..<nArtists).filter { genres[$0] == g && !isEmerging[$0] }
            let scenes = max(2, members.count / 6)
            for (k, a) in members.enumerated() { cellOfArtist[a] = cellGenre.count + k % scenes }
            for _ in 0..<scenes { cellGenre.append(g) }
        }

        // --- Tracks per artist: 3-6 for each debut, the rest spread by a heavy-tailed draw.
        var tracksOf = [Int](repeating: 0, count: nArtists)
        var emergingTotal = 0
        for a in 0..<nArtists where isEmerging[a] {
            tracksOf[a] = rng.between(3, 6)
            emergingTotal += tracksOf[a]
        }
        let establishedArtists = (0..<nArtists).filter { !isEmerging[$0] }
        for a in establishedArtists { tracksOf[a] = 1 }
        let catalogueSize = (0..<establishedArtists.count).map { _ in detExp(0.8 * rng.normal()) }
        let spread = AliasTable(catalogueSize)
        let extra = max(0, config.trackCount - emergingTotal - establishedArtists.count)
        for _ in 0..<extra { tracksOf[establishedArtists[spread.draw(&rng)]] += 1 }

        // --- Track rows, artist by artist in ID order.
        let chol = cholesky(featureCorrelation)
        let lastCatalogueDay = daysFromCivil(2022, 12, 31)
        var tNames: [String] = [], tArtist: [Int32] = [], tGenre: [UInt8] = [], tCell: [Int32] = []
        var tRelease: [Int] = [], tDuration: [Int] = [], tExplicit: [Bool] = [], tFeatures: [TrackFeatures] = []
        var tWeight: [Double] = []
        var emergingList: [Int] = [], emergingTrackLists: [[Int32]] = [], emergingDebut: [Int] = []
        let featureCount = AudioFeature.allCases.count
        for a in 0..<nArtists {
            let g = genres[a]
            let profile = genreProfiles[g]
            let artistLatent = (0..<featureCount).map { _ in rng.normal() }
            var releaseDays: [Int]
            if isEmerging[a] {
                let debutDay = 9 + rng.below(170)  // January 10 to June 28
                var later = (1..<tracksOf[a]).map { _ in debutDay + 20 + rng.below(max(1, 333 - debutDay - 20)) }
                later.sort()
                releaseDays = [debutDay] + later
                emergingList.append(a)
                emergingDebut.append(debutDay)
                emergingTrackLists.append([])
                releaseDays = releaseDays.map { firstDay2023 + $0 }
            } else {
                let start = daysFromCivil(debut[a], 1, 1)
                releaseDays = (0..<tracksOf[a]).map { _ in start + rng.below(lastCatalogueDay - start + 1) }
            }
            for j in 0..<tracksOf[a] {
                let id = Int32(tNames.count)
                let features = TrackFeatures.draw(&rng, profile: profile, artistLatent: artistLatent, cholesky: chol)
                let featured = names[rng.below(nArtists)]
                let year = civilFromDays(releaseDays[j]).year
                tNames.append(trackTitle(&rng, genre: Genre.names[g], country: countries[a],
                                         featuring: featured == names[a] ? "Nova" : featured, released: year))
                tArtist.append(Int32(a))
                tGenre.append(UInt8(g))
                tCell.append(Int32(cellOfArtist[a]))
                tRelease.append(releaseDays[j])
                tDuration.append(features.durationMs)
                tExplicit.append(rng.chance(profile.explicitShare))
                tFeatures.append(features)
                // The first track listed is the artist's hit; later ones fall off like Zipf.
                tWeight.append(artistWeight[a] * detExp(-1.1 * detLog(Double(j + 1))))
                if isEmerging[a] { emergingTrackLists[emergingTrackLists.count - 1].append(id) }
            }
        }

        // --- Cells' draw tables and masses.
        var cellTracks = [[Int32]](repeating: [], count: cellGenre.count)
        for t in 0..<tNames.count where tCell[t] >= 0 { cellTracks[Int(tCell[t])].append(Int32(t)) }
        let cellDraw = cellTracks.map { AliasTable($0.map { tWeight[Int($0)] }) }
        let cellMass = cellTracks.map { $0.reduce(0.0) { $0 + tWeight[Int($1)] } }
        let genreCellDraw = (0..<genreCount).map { g -> AliasTable in
            let end = g + 1 < genreCount ? cellStart[g + 1] : cellGenre.count
            return AliasTable(Array(cellMass[cellStart[g]..<end]))
        }

        // --- Popularity (0-100) from each track's expected share of plays.
        var genreMass = [Double](repeating: 0, count: genreCount)
        for t in 0..<tNames.count { genreMass[Int(tGenre[t])] += tWeight[t] }
        let expectedShare = (0..<tNames.count).map { t -> Double in
            let g = Int(tGenre[t])
            return (Genre.baseShare[Genre.names[g]] ?? 0) * tWeight[t] / max(genreMass[g], 1e-300)
        }
        let topShare = expectedShare.max() ?? 1
        var popularity = [Int](repeating: 0, count: tNames.count)
        for t in 0..<tNames.count {
            let noise = 3 * rng.normal()
            let p = tCell[t] < 0
                ? 45 + 30 * rng.uniform() + noise  // 2023 debuts: trending, mid-to-high
                : 92 + 8 * detLog(max(expectedShare[t], 1e-300) / topShare) + noise
            popularity[t] = min(100, max(0, Int(p.rounded())))
        }

        // --- Emerging artists' pull through the year: a logistic rise after the debut.
        let e = emergingList.count
        let peaks = (0..<e).map { _ in 0.5 + rng.exponential() }
        let peakTotal = peaks.reduce(0, +)
        var pull = [Double](repeating: 0, count: daysIn2023 * e)
        var pullPerDay = [Double](repeating: 0, count: daysIn2023)
        for i in 0..<e {
            let peak = 0.08 * peaks[i] / peakTotal
            let lag = Double(30 + rng.below(90))
            let width = Double(10 + rng.below(30))
            for day in emergingDebut[i]..<daysIn2023 {
                let p = peak * sigmoid((Double(day - emergingDebut[i]) - lag) / width)
                pull[day * e + i] = p
                pullPerDay[day] += p
            }
        }

        // --- Followers, from the artist's weight (or, for debuts, their peak).
        let maxWeight = artistWeight.max() ?? 1
        var followers = [Int](repeating: 0, count: nArtists)
        for a in 0..<nArtists {
            let logFollowers: Double
            if let i = emergingList.firstIndex(of: a) {
                logFollowers = detLog(150_000) + detLog(peaks[i]) + 0.5 * rng.normal()
            } else {
                logFollowers = detLog(8_000_000) + 0.8 * detLog(artistWeight[a] / maxWeight) + 0.6 * rng.normal()
            }
            followers[a] = max(50, Int(detExp(logFollowers).rounded()))
        }

        // --- Users.
        var priors: [[Double]] = []
        for c in Geography.countries {
            for ageTaste in Geography.ageTaste {
                let raw = Genre.names.map { (Genre.baseShare[$0] ?? 0) * (c.taste[$0] ?? 1) * (ageTaste[$0] ?? 1) }
                let total = raw.reduce(0, +)
                priors.append(raw.map { $0 / total })
            }
        }
        let countryDraw = AliasTable(Geography.countries.map(\.userShare))
        let signupYears = Array(2012...2023)
        let signupYearWeights: [Double] = [2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 12]
        var uCountry: [Int] = [], uAge: [Int] = [], uSub: [Int] = [], uSignup: [Int] = [], uPlatform: [UInt8] = []
        var activity: [Double] = [], favCell: [Int32] = [], favCumulative: [Double] = []
        var focus: [Double] = [], library: [Int] = []
        let k = Catalog.maxFavourites
        for _ in 0..<config.userCount {
            let c = countryDraw.draw(&rng)
            let age = rng.pick(Geography.ageShares)
            var sub = rng.pick(Geography.subscriptionShares)
            if sub == 3 && age != 0 { sub = 1 }  // students are 18-24; older ones pay in full
            // User 0 always predates 2023, so every day has someone who can listen.
            let year = uCountry.isEmpty
                ? signupYears[rng.pick(Array(signupYearWeights.dropLast()))]
                : signupYears[rng.pick(signupYearWeights)]
            let yearStart = daysFromCivil(year, 1, 1)
            let yearLength = year == 2023 ? 333 : daysFromCivil(year + 1, 1, 1) - yearStart  // 2023: by November
            uCountry.append(c)
            uAge.append(age)
            uSub.append(sub)
            uSignup.append(yearStart + rng.below(yearLength))
            uPlatform.append(UInt8(rng.pick(Geography.platformShares)))
            activity.append(detExp(0.8 * rng.normal()) * Geography.subscriptionActivity[sub])
            let prior = priors[c * Geography.ageGroups.count + age]
            let favourites = rng.between(2, k)
            var cumulative = 0.0
            for i in 0..<k {
                if i < favourites {
                    let g = rng.pick(prior)
                    favCell.append(Int32(cellStart[g] + genreCellDraw[g].draw(&rng)))
                    cumulative += 0.2 + rng.exponential()
                } else {
                    favCell.append(-1)
                }
                favCumulative.append(cumulative)
            }
            focus.append(0.6 + 0.3 * rng.uniform())
            library.append(8 + Int(detExp(3.2 + 0.6 * rng.normal())))
        }

        artistNames = names
        artistGenre = genres
        artistCountry = countries
        artistDebutYear = debut
        artistFollowers = followers
        emergingArtists = emergingList
        emergingTracks = emergingTrackLists
        emergingPull = pull
        emergingPullPerDay = pullPerDay
        trackNames = tNames
        trackArtist = tArtist
        trackGenre = tGenre
        trackCell = tCell
        trackReleaseDay = tRelease
        trackDurationMs = tDuration
        trackExplicit = tExplicit
        trackPopularity = popularity
        trackFeatures = tFeatures
        self.cellGenre = cellGenre
        self.cellTracks = cellTracks
        self.cellDraw = cellDraw
        self.genreCellDraw = genreCellDraw
        genreCellStart = cellStart
        userCountry = uCountry
        userAgeGroup = uAge
        userSubscription = uSub
        userSignupDay = uSignup
        userPrimaryPlatform = uPlatform
        userActivityDraw = AliasTable(activity)
        userFavouriteCell = favCell
        userFavouriteCumulative = favCumulative
        userFocus = focus
        userLibrarySize = library
        tastePrior = priors
        tastePriorMax = priors.map { $0.max() ?? 1 }
    }

    func prior(ofUser u: Int) -> Int {
        userCountry[u] * Geography.ageGroups.count + userAgeGroup[u]
    }
}

/// Audio features of one track, on Spotify's scales.
struct TrackFeatures: Sendable {
    var danceability = 0.0, energy = 0.0, key = 0, loudness = 0.0, mode = 0, speechiness = 0.0
    var acousticness = 0.0, instrumentalness = 0.0, liveness = 0.0, valence = 0.0, tempo = 0.0
    var timeSignature = 4, durationMs = 0

    /// Share of a track's latent feature variance that its artist sets (tracks by one artist
    /// sound alike).
    static let artistShare = 0.3

    static func draw(_ rng: inout Xoshiro, profile: GenreProfile, artistLatent: [Double],
                     cholesky chol: [[Double]]) -> TrackFeatures {
        let n = artistLatent.count
        let a = artistShare.squareRoot(), b = (1 - artistShare).squareRoot()
        let z = (0..<n).map { a * artistLatent[$0] + b * rng.normal() }
        var y = [Double](repeating: 0, count: n)  // correlated standard normals
        for i in 0..<n {
            for j in 0...i { y[i] += chol[i][j] * z[j] }
        }
        func value(_ f: AudioFeature) -> Double {
            profile.mean[f.rawValue] + genreSpread * profile.sd[f.rawValue] * y[f.rawValue]
        }
        var t = TrackFeatures()
        t.danceability = sigmoid(value(.danceability))
        t.energy = sigmoid(value(.energy))
        t.speechiness = sigmoid(value(.speechiness))
        t.acousticness = sigmoid(value(.acousticness))
        t.liveness = sigmoid(value(.liveness))
        t.valence = sigmoid(value(.valence))
        t.instrumentalness = y[AudioFeature.instrumentalness.rawValue] < profile.zeroInstrumentalQuantile
            ? 0 : sigmoid(profile.instrumentalMean + profile.instrumentalSD * rng.normal())
        t.loudness = min(-0.5, max(-60, value(.loudness)))
        t.tempo = min(220, max(50, value(.tempo)))
        t.durationMs = min(1_800_000, max(30_000, Int(detExp(value(.duration)).rounded())))
        t.key = rng.pick(keyShares)
        t.mode = rng.chance(profile.majorShare) ? 1 : 0
        t.timeSignature = 3 + rng.pick(profile.timeSignatureShares)
        return t
    }
}

/// Lower-triangular L with L Lᵀ = m (m symmetric positive definite).
func cholesky(_ m: [[Double]]) -> [[Double]] {
    let n = m.count
    var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
        for j in 0...i {
            var s = m[i][j]
            for k in 0..<j { s -= l[i][k] * l[j][k] }
            l[i][j] = i == j ? max(s, 1e-12).squareRoot() : s / l[j][j]
        }
    }
    return l
}

/// Splits `total` into integer parts proportional to `weights` (Hamilton's method; ties by index).
func largestRemainder(total: Int, weights: [Double]) -> [Int] {
    let sum = weights.reduce(0, +)
    guard sum > 0, total > 0 else { return [Int](repeating: 0, count: weights.count) }
    let exact = weights.map { Double(total) * $0 / sum }
    var parts = exact.map { Int($0) }
    var left = total - parts.reduce(0, +)
    let order = exact.indices.sorted { (exact[$0] - Double(parts[$0]), -$0) > (exact[$1] - Double(parts[$1]), -$1) }
    var i = 0
    while left > 0 && !order.isEmpty {
        parts[order[i % order.count]] += 1
        left -= 1
        i += 1
    }
    return parts
}
