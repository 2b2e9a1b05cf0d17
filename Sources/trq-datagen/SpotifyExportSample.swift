// A synthetic "Download your data" export of one listener's 2023, from the same generative
// model as the listening log (a catalog with a single user), with podcasts added: the extended
// streaming history (two files) and the account data's music and podcast histories.

struct SpotifyExportSample {
    let catalog: Catalog
    let log: ListeningLog
    let seed: UInt64

    /// `listens` music plays of the one listener, before the podcasts.
    init(listens: Int, seed: UInt64) {
        catalog = Catalog(DatagenConfig(listens: listens, users: 1, seed: seed))
        log = ListeningLog(catalog)
        self.seed = seed
    }

    private static let shows = [
        ("The Morning Ledger", 1_500), ("Deep Cuts Radio", 3_000), ("Small Stages", 2_400),
        ("Signal & Noise", 2_700), ("The Long Table", 3_600),
    ]
    private static let platforms = ["android": "android", "mobile": "android", "desktop": "windows", "web": "web_player", "smart_speaker": "cast_to_device"]

    /// One listen, in UTC microseconds of its end (Spotify stamps the end of a play).
    struct Record {
        var end: Int64
        var msPlayed: Int
        var track: Int  // -1 for an episode
        var show = 0
        var episode = 0
        var platform: String
        var reasonStart: String
        var reasonEnd: String
        var shuffle: Bool
        var skipped: Bool
        var offline: Bool
        var incognito: Bool
    }

    func records() -> [Record] {
        var rng = Xoshiro(seed: mixSeed(seed, 0x5EC0))
        var records: [Record] = []
        var previousEnd = "clickrow"
        var lastSecond = Int64.min
        for day in 0..<daysIn2023 {
            let midnight = Int64(firstDay2023 + day) * 86_400
            for play in log.plays(day: day) where play.msPlayed >= 0 {
                let start = midnight + Int64(play.key >> 32)
                let ms = Int(min(play.msPlayed, 3_600_000))
                // A gap of more than ten minutes starts a new session.
                let newSession = lastSecond == Int64.min || start - lastSecond > 600
                lastSecond = start + Int64(ms / 1000)
                let platformName = play.platform < 0 ? "android" : Geography.platforms[Int(play.platform)]
                let reasonEnd = play.skipped ? (rng.chance(0.85) ? "fwdbtn" : "backbtn") : (rng.chance(0.97) ? "trackdone" : "endplay")
                records.append(Record(
                    end: (start * 1000 + Int64(ms)) * 1000, msPlayed: ms, track: Int(play.track),
                    platform: Self.platforms[platformName] ?? "android",
                    reasonStart: newSession ? (rng.chance(0.6) ? "clickrow" : "playbtn") : previousEnd,
                    reasonEnd: reasonEnd, shuffle: rng.chance(0.35), skipped: play.skipped,
                    offline: rng.chance(0.03), incognito: rng.chance(0.01)))
                previousEnd = reasonEnd
            }
            // Weekday mornings: now and then a podcast episode on the way to work.
            let weekday = (day + 6) % 7
            if weekday < 5, rng.chance(0.55) {
                let (show, length) = Self.shows[rng.pick([5, 2, 2, 1, 1])]
                let seconds = Int64(7 * 3600 + rng.below(5400))
                let finished = rng.chance(0.7)
                let ms = finished ? length * 1000 : 60_000 + rng.below(length * 1000 - 60_000)
                records.append(Record(
                    end: ((midnight + seconds) * 1000 + Int64(ms)) * 1000, msPlayed: ms, track: -1,
                    show: Self.shows.firstIndex { $0.0 == show }!, episode: day / 7 + 1, platform: "android",
                    reasonStart: "clickrow", reasonEnd: finished ? "trackdone" : "endplay",
                    shuffle: false, skipped: false, offline: rng.chance(0.2), incognito: false))
            }
        }
        records.sort { $0.end < $1.end }
        return records
    }

    /// Writes the export's folders into `directory` (created if missing).
    func write(to directory: String, mkdir: (String) throws -> Void) throws {
        let records = records()
        let extended = directory + "/Spotify Extended Streaming History"
        let account = directory + "/Spotify Account Data"
        try mkdir(extended)
        try mkdir(account)
        let half = records.firstIndex { civilFromDays(Int($0.end / 86_400_000_000)).month >= 7 } ?? records.count
        for (index, part) in [records[..<half], records[half...]].enumerated() {
            try writeFile(extended + "/Streaming_History_Audio_2023_\(index).json", part.map(extendedJSON))
        }
        try writeFile(account + "/StreamingHistory_music_0.json", records.filter { $0.track >= 0 }.map(accountJSON))
        try writeFile(account + "/StreamingHistory_podcast_0.json", records.filter { $0.track < 0 }.map(accountJSON))
    }

    private func writeFile(_ path: String, _ objects: [String]) throws {
        let out = try AtomicFile(path: path)
        try out.write(Array(("[\n" + objects.joined(separator: ",\n") + "\n]\n").utf8))
        try out.commit()
    }

    private func extendedJSON(_ r: Record) -> String {
        var fields: [(String, String)] = [
            ("ts", quoted(timestamp(r.end, seconds: true))), ("username", quoted("synthetic_listener")),
            ("platform", quoted(r.platform)), ("ms_played", String(r.msPlayed)),
            ("conn_country", quoted(Geography.countries[catalog.userCountry[0]].code)),
            ("ip_addr_decrypted", quoted("192.0.2.1")), ("user_agent_decrypted", quoted("unknown")),
        ]
        if r.track >= 0 {
            let artist = catalog.artistNames[Int(catalog.trackArtist[r.track])]
            fields += [
                ("master_metadata_track_name", quoted(catalog.trackNames[r.track])),
                ("master_metadata_album_artist_name", quoted(artist)),
                ("master_metadata_album_album_name", quoted(album(r.track))),
                ("spotify_track_uri", quoted("spotify:track:" + base62(mixSeed(seed, 0x7AC, UInt64(r.track))))),
                ("episode_name", "null"), ("episode_show_name", "null"), ("spotify_episode_uri", "null"),
            ]
        } else {
            fields += [
                ("master_metadata_track_name", "null"), ("master_metadata_album_artist_name", "null"),
                ("master_metadata_album_album_name", "null"), ("spotify_track_uri", "null"),
                ("episode_name", quoted("Episode \(r.episode): \(Self.shows[r.show].0)")),
                ("episode_show_name", quoted(Self.shows[r.show].0)),
                ("spotify_episode_uri", quoted("spotify:episode:" + base62(mixSeed(seed, 0xE9, UInt64(r.show * 100 + r.episode))))),
            ]
        }
        fields += [
            ("reason_start", quoted(r.reasonStart)), ("reason_end", quoted(r.reasonEnd)),
            ("shuffle", String(r.shuffle)), ("skipped", String(r.skipped)), ("offline", String(r.offline)),
            ("offline_timestamp", String(r.end / 1_000_000)), ("incognito_mode", String(r.incognito)),
        ]
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    private func accountJSON(_ r: Record) -> String {
        let names: [(String, String)] = r.track >= 0
            ? [("artistName", catalog.artistNames[Int(catalog.trackArtist[r.track])]), ("trackName", catalog.trackNames[r.track])]
            : [("podcastName", Self.shows[r.show].0), ("episodeName", "Episode \(r.episode): \(Self.shows[r.show].0)")]
        var lines = ["  {", "    \"endTime\" : \(quoted(timestamp(r.end, seconds: false))),"]
        for (key, value) in names { lines.append("    \"\(key)\" : \(quoted(value)),") }
        lines.append("    \"msPlayed\" : \(r.msPlayed)")
        lines.append("  }")
        return lines.joined(separator: "\n")
    }

    /// An album name per artist and release season, so albums group an artist's tracks.
    private func album(_ track: Int) -> String {
        let artist = Int(catalog.trackArtist[track])
        let words = ["Nights", "Signals", "Horizons", "Letters", "Rooms", "Weather", "Echoes", "Colours"]
        let volume = catalog.trackReleaseDay[track] / 400 % 3
        return words[(artist + volume) % words.count] + (volume == 0 ? "" : " \(volume + 1)")
    }

    private func timestamp(_ us: Int64, seconds: Bool) -> String {
        let s = us / 1_000_000
        let (y, m, d) = civilFromDays(Int(s / 86_400))
        let t = Int(s % 86_400)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let date = "\(y)-\(two(m))-\(two(d))"
        return seconds ? "\(date)T\(two(t / 3600)):\(two(t / 60 % 60)):\(two(t % 60))Z" : "\(date) \(two(t / 3600)):\(two(t / 60 % 60))"
    }

    private func base62(_ value: UInt64) -> String {
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var v = value, x = mixSeed(value, 62)
        var out = ""
        for _ in 0..<22 {
            out.append(digits[Int(v % 62)])
            v /= 62
            if v == 0 { v = x; x = mixSeed(x, 1) }
        }
        return out
    }

    private func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
