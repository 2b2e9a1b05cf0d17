// The listening log: sessions of consecutive plays, day by day through 2023, each day from its
// own random stream (so days can be generated in any order or in parallel with the same bytes).

/// Rates of the deliberate dirt in listening_2023.csv (documented in data/README.md).
enum Dirt {
    /// A row written twice in a row, as a logging retry would.
    static let duplicate = 0.015
    static let missingMsPlayed = 0.01
    static let missingPlatform = 0.004
    static let missingCountry = 0.003
    /// ms_played replaced by an absurd 20,000,000 to 2,000,000,000 (5.5 hours to 23 days).
    static let hugeMsPlayed = 0.0005
}

/// Share of plays that re-play a track from the listener's personal library.
private let repeatShare = 0.5

/// One play before formatting.
struct Play {
    /// Second of the day in the high half, generation order in the low half: sorting by it
    /// orders by time and keeps a duplicate right after its original.
    var key: UInt64
    var user: Int32
    var track: Int32
    /// -1 when missing.
    var msPlayed: Int64
    var skipped: Bool
    /// Index into Geography.platforms, or -1 when missing.
    var platform: Int8
    var countryMissing: Bool
}

final class ListeningLog: Sendable {
    let catalog: Catalog
    /// Rows per day of 2023; they add up to config.listens.
    let rowsPerDay: [Int]
    private let hourDraw = AliasTable(Geography.hourWeights)
    private let platformDraw = AliasTable(Geography.platformShares)
    /// seasonal[month * genres + g]: relative pull of genre g in that month.
    private let seasonal: [Double]
    private let seasonalMax: Double
    private let userIdWidth: Int
    private let trackIdWidth: Int
    private let countryCodes: [[UInt8]]
    private let platformNames: [[UInt8]]
    /// "2023-MM-DDT" for each day.
    private let dayPrefix: [[UInt8]]

    init(_ catalog: Catalog) {
        self.catalog = catalog
        var rng = Xoshiro(seed: mixSeed(catalog.config.seed, 0xDA75))
        var weights: [Double] = []
        for day in 0..<daysIn2023 {
            let (_, month, dom) = civilFromDays(firstDay2023 + day)
            let weekday = (day + 6) % 7  // 2023-01-01 was a Sunday; Monday = 0
            var w = Geography.monthVolume[month - 1] * Geography.weekdayVolume[weekday] * (1 + 0.03 * rng.normal())
            if month == 12 && dom >= 24 { w *= dom == 31 ? 1.2 : 1.1 }
            if month == 1 && dom == 1 { w *= 0.9 }
            weights.append(w)
        }
        rowsPerDay = largestRemainder(total: catalog.config.listens, weights: weights)

        var season: [Double] = []
        for month in 1...12 {
            for g in Genre.names {
                let summer = (6...8).contains(month) ? Genre.summerBoost[g] ?? 1 : 1
                let winter = month >= 11 || month == 1 ? Genre.winterBoost[g] ?? 1 : 1
                season.append(summer * winter)
            }
        }
        seasonal = season
        seasonalMax = season.max() ?? 1
        userIdWidth = max(4, String(catalog.userCount).count)
        trackIdWidth = max(5, String(catalog.trackCount).count)
        countryCodes = Geography.countries.map { Array($0.code.utf8) }
        platformNames = Geography.platforms.map { Array($0.utf8) }
        dayPrefix = (0..<daysIn2023).map { day in
            var b = CSVBytes(capacity: 11)
            b.date(firstDay2023 + day)
            b.byte(UInt8(ascii: "T"))
            return b.bytes
        }
    }

    static let header = "user_id,track_id,played_at,ms_played,skipped,platform,country\n"

    /// The plays of one day (0 = January 1), sorted by time.
    func plays(day: Int) -> [Play] {
        let c = catalog
        let target = rowsPerDay[day]
        var rng = Xoshiro(seed: mixSeed(c.config.seed, 0x1157E, UInt64(day)))
        let dayNumber = firstDay2023 + day
        let month = civilFromDays(dayNumber).month - 1
        var plays: [Play] = []
        plays.reserveCapacity(target)
        var seq: UInt64 = 0
        while plays.count < target {
            var user = c.userActivityDraw.draw(&rng)
            var tries = 0
            while c.userSignupDay[user] > dayNumber && tries < 64 {
                user = c.userActivityDraw.draw(&rng)
                tries &+= 1
            }
            if c.userSignupDay[user] > dayNumber { user = 0 }
            let platform = rng.chance(0.8) ? Int8(c.userPrimaryPlatform[user]) : Int8(platformDraw.draw(&rng))
            let offset = Geography.countries[c.userCountry[user]].utcOffsetMinutes * 60
            let local = hourDraw.draw(&rng) * 3600 + rng.below(3600)
            // Local evening is UTC morning in Seoul: rotate within the UTC day, keeping every
            // play inside 2023 and inside its day.
            var second = ((local - offset) % 86_400 + 86_400) % 86_400
            var sessionLength = 1
            while sessionLength < 40 && rng.chance(0.75) { sessionLength &+= 1 }
            for _ in 0..<sessionLength {
                if plays.count >= target || second >= 86_400 { break }
                let track = chooseTrack(user: user, day: day, month: month, &rng)
                let affinity = self.affinity(user: user, track: track)
                let skipChance = 0.14 + 0.5 * (1 - affinity) + (c.userSubscription[user] == 0 ? 0.04 : 0)
                let skipped = rng.chance(skipChance)
                let duration = c.trackDurationMs[track]
                let played: Int
                if skipped {
                    let u = rng.uniform()
                    played = min(duration - 1, 1_000 + Int(u * u * 0.6 * Double(duration)))
                } else {
                    played = rng.chance(0.9) ? duration : Int(Double(duration) * (0.6 + 0.4 * rng.uniform()))
                }
                var ms = Int64(played)
                if rng.chance(Dirt.hugeMsPlayed) { ms = Int64(rng.between(20_000_000, 2_000_000_000)) }
                if rng.chance(Dirt.missingMsPlayed) { ms = -1 }
                let play = Play(
                    key: UInt64(second) << 32 | seq, user: Int32(user), track: Int32(track), msPlayed: ms,
                    skipped: skipped, platform: rng.chance(Dirt.missingPlatform) ? -1 : platform,
                    countryMissing: rng.chance(Dirt.missingCountry))
                plays.append(play)
                seq &+= 1
                if plays.count < target && rng.chance(Dirt.duplicate) {
                    var copy = play
                    copy.key = UInt64(second) << 32 | seq
                    plays.append(copy)
                    seq &+= 1
                }
                second &+= played / 1_000 &+ rng.below(4)
            }
        }
        plays.sort { $0.key < $1.key }
        return plays
    }

    /// Picks what `user` plays on `day`: now and then a 2023 debut, else a re-play from the
    /// personal library, a new track from a favourite scene, or exploration along the
    /// country/age prior; the genre's seasonal pull may reject the pick and draw again.
    private func chooseTrack(user: Int, day: Int, month: Int, _ rng: inout Xoshiro) -> Int {
        let c = catalog
        let prior = c.tastePrior[c.prior(ofUser: user)]
        let priorMax = c.tastePriorMax[c.prior(ofUser: user)]
        var track = 0
        for _ in 0..<4 {
            if let t = emergingPick(user: user, day: day, prior: prior, priorMax: priorMax, &rng) {
                return t
            }
            if rng.chance(repeatShare) {
                let size = Double(c.userLibrarySize[user])
                // Log-uniform slot: slot r is played about 1/(r+1) as often as slot 0.
                let slot = min(c.userLibrarySize[user] - 1, max(0, Int(detExp(rng.uniform() * detLog(size + 1))) - 1))
                var slotRng = Xoshiro(seed: mixSeed(c.config.seed, 0x11B, UInt64(user), UInt64(slot)))
                let cell = favouriteCell(user: user, &slotRng)
                track = Int(c.cellTracks[cell][c.cellDraw[cell].draw(&slotRng)])
            } else if rng.chance(c.userFocus[user]) {
                let cell = favouriteCell(user: user, &rng)
                track = Int(c.cellTracks[cell][c.cellDraw[cell].draw(&rng)])
            } else {
                let g = rng.pick(prior)
                let cell = c.genreCellStart[g] + c.genreCellDraw[g].draw(&rng)
                track = Int(c.cellTracks[cell][c.cellDraw[cell].draw(&rng)])
            }
            let pull = seasonal[month * Genre.count + Int(c.trackGenre[track])]
            if rng.uniform() * seasonalMax < pull { return track }
        }
        return track
    }

    private func emergingPick(user: Int, day: Int, prior: [Double], priorMax: Double, _ rng: inout Xoshiro) -> Int? {
        let c = catalog
        let total = c.emergingPullPerDay[day]
        var r = rng.uniform()
        if r >= total { return nil }
        let e = c.emergingArtists.count
        var i = 0
        while i < e - 1 {
            r -= c.emergingPull[day * e + i]
            if r < 0 { break }
            i &+= 1
        }
        let genre = c.artistGenre[c.emergingArtists[i]]
        // Fans of the genre take up a new name far more readily.
        if !rng.chance(0.3 + 0.7 * prior[genre] / priorMax) { return nil }
        let released = c.emergingTracks[i].prefix { c.trackReleaseDay[Int($0)] <= firstDay2023 + day }
        guard !released.isEmpty else { return nil }
        return Int(released[rng.below(released.count)])
    }

    private func favouriteCell(user: Int, _ rng: inout Xoshiro) -> Int {
        let c = catalog
        let base = user * Catalog.maxFavourites
        var last = base
        while last + 1 < base + Catalog.maxFavourites && c.userFavouriteCell[last + 1] >= 0 { last += 1 }
        let r = rng.uniform() * c.userFavouriteCumulative[last]
        var i = base
        while i < last && r >= c.userFavouriteCumulative[i] { i += 1 }
        return Int(c.userFavouriteCell[i])
    }

    /// 1 for a favourite scene, 0.6 for another scene of a favourite genre, else at most 0.5
    /// by how much the user's country and age like the genre.
    func affinity(user: Int, track: Int) -> Double {
        let c = catalog
        let cell = c.trackCell[track]
        let genre = Int(c.trackGenre[track])
        var genreMatch = false
        for i in 0..<Catalog.maxFavourites {
            let fav = c.userFavouriteCell[user * Catalog.maxFavourites + i]
            if fav < 0 { break }
            if fav == cell { return 1 }
            if c.cellGenre[Int(fav)] == genre { genreMatch = true }
        }
        if genreMatch { return 0.6 }
        let p = c.prior(ofUser: user)
        return 0.5 * c.tastePrior[p][genre] / c.tastePriorMax[p]
    }

    /// One day's rows as CSV bytes.
    func csv(day: Int) -> CSVBytes {
        let c = catalog
        let plays = plays(day: day)
        var out = CSVBytes(capacity: plays.count * 64)
        let prefix = dayPrefix[day]
        for p in plays {
            out.byte(UInt8(ascii: "u"))
            out.padded(Int(p.user) + 1, width: userIdWidth)
            out.comma()
            out.byte(UInt8(ascii: "t"))
            out.padded(Int(p.track) + 1, width: trackIdWidth)
            out.comma()
            out.raw(prefix)
            let second = Int(p.key >> 32)
            out.padded(second / 3600, width: 2)
            out.byte(UInt8(ascii: ":"))
            out.padded(second / 60 % 60, width: 2)
            out.byte(UInt8(ascii: ":"))
            out.padded(second % 60, width: 2)
            out.byte(UInt8(ascii: "Z"))
            out.comma()
            if p.msPlayed >= 0 { out.unsigned(UInt64(p.msPlayed)) }
            out.comma()
            out.raw(p.skipped ? "true" : "false")
            out.comma()
            if p.platform >= 0 { out.raw(platformNames[Int(p.platform)]) }
            out.comma()
            if !p.countryMissing { out.raw(countryCodes[c.userCountry[Int(p.user)]]) }
            out.newline()
        }
        return out
    }
}
