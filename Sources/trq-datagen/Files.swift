// Writing the four CSV files of a dataset.

enum DatasetFile: String, CaseIterable {
    case listening = "listening_2023.csv"
    case tracks = "tracks.csv"
    case artists = "artists.csv"
    case users = "users.csv"
}

struct Dataset {
    let catalog: Catalog
    let log: ListeningLog

    init(_ config: DatagenConfig) {
        catalog = Catalog(config)
        log = ListeningLog(catalog)
    }

    private var artistIdWidth: Int { max(4, String(catalog.artistCount).count) }
    private var trackIdWidth: Int { max(5, String(catalog.trackCount).count) }
    private var userIdWidth: Int { max(4, String(catalog.userCount).count) }

    /// Writes every file into `directory` (which must exist).
    func write(to directory: String) throws {
        for file in DatasetFile.allCases {
            let out = try AtomicFile(path: directory + "/" + file.rawValue)
            switch file {
            case .listening: try writeListening(out)
            case .tracks: try out.write(tracksCSV())
            case .artists: try out.write(artistsCSV())
            case .users: try out.write(usersCSV())
            }
            try out.commit()
        }
    }

    /// Streams the listens day by day: memory holds one day (two when generating in parallel).
    func writeListening(_ out: AtomicFile) throws {
        var header = CSVBytes()
        header.raw(ListeningLog.header)
        try out.write(header)
        try forEachDayInOrder { try out.write($0) }
    }

    func tracksCSV() -> CSVBytes {
        let c = catalog
        var out = CSVBytes(capacity: c.trackCount * 200)
        out.raw("track_id,track_name,artist_id,artist_name,genre,release_date,duration_ms,explicit,popularity,"
            + "danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,"
            + "tempo,time_signature\n")
        for t in 0..<c.trackCount {
            let a = Int(c.trackArtist[t])
            let f = c.trackFeatures[t]
            out.byte(UInt8(ascii: "t"))
            out.padded(t + 1, width: trackIdWidth)
            out.comma()
            out.field(c.trackNames[t])
            out.comma()
            out.byte(UInt8(ascii: "a"))
            out.padded(a + 1, width: artistIdWidth)
            out.comma()
            out.field(c.artistNames[a])
            out.comma()
            out.raw(Genre.names[Int(c.trackGenre[t])])
            out.comma()
            out.date(c.trackReleaseDay[t])
            out.comma()
            out.int(c.trackDurationMs[t])
            out.comma()
            out.raw(c.trackExplicit[t] ? "true" : "false")
            out.comma()
            out.int(c.trackPopularity[t])
            out.comma()
            out.fixed(f.danceability, decimals: 3)
            out.comma()
            out.fixed(f.energy, decimals: 3)
            out.comma()
            out.int(f.key)
            out.comma()
            out.fixed(f.loudness, decimals: 3)
            out.comma()
            out.int(f.mode)
            out.comma()
            out.fixed(f.speechiness, decimals: 4)
            out.comma()
            out.fixed(f.acousticness, decimals: 5)
            out.comma()
            out.fixed(f.instrumentalness, decimals: 6)
            out.comma()
            out.fixed(f.liveness, decimals: 4)
            out.comma()
            out.fixed(f.valence, decimals: 3)
            out.comma()
            out.fixed(f.tempo, decimals: 3)
            out.comma()
            out.int(f.timeSignature)
            out.newline()
        }
        return out
    }

    func artistsCSV() -> CSVBytes {
        let c = catalog
        var out = CSVBytes(capacity: c.artistCount * 60)
        out.raw("artist_id,artist_name,genre,country,debut_year,followers\n")
        for a in 0..<c.artistCount {
            out.byte(UInt8(ascii: "a"))
            out.padded(a + 1, width: artistIdWidth)
            out.comma()
            out.field(c.artistNames[a])
            out.comma()
            out.raw(Genre.names[c.artistGenre[a]])
            out.comma()
            out.raw(c.artistCountry[a])
            out.comma()
            out.int(c.artistDebutYear[a])
            out.comma()
            out.int(c.artistFollowers[a])
            out.newline()
        }
        return out
    }

    func usersCSV() -> CSVBytes {
        let c = catalog
        var out = CSVBytes(capacity: c.userCount * 40)
        out.raw("user_id,country,age_group,subscription,signup_date\n")
        for u in 0..<c.userCount {
            out.byte(UInt8(ascii: "u"))
            out.padded(u + 1, width: userIdWidth)
            out.comma()
            out.raw(Geography.countries[c.userCountry[u]].code)
            out.comma()
            out.raw(Geography.ageGroups[c.userAgeGroup[u]])
            out.comma()
            out.raw(Geography.subscriptions[c.userSubscription[u]])
            out.comma()
            out.date(c.userSignupDay[u])
            out.newline()
        }
        return out
    }

    /// Calls `body` with each day's CSV bytes, January 1 first.
    func forEachDayInOrder(_ body: (CSVBytes) throws -> Void) throws {
        for day in 0..<daysIn2023 {
            try body(log.csv(day: day))
        }
    }
}
