import Testing
@testable import trq_datagen

private func isDigits(_ s: Substring) -> Bool {
    !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber }
}

/// `prefix` followed by exactly `width` digits.
private func isID(_ s: String, _ prefix: Character, width: Int) -> Bool {
    s.first == prefix && s.count == width + 1 && isDigits(s.dropFirst())
}

/// YYYY-MM-DD with a real month and day.
private func isDate(_ s: Substring) -> Bool {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
          parts.allSatisfy(isDigits), let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
    return (1...12).contains(m) && (1...31).contains(d)
}

private func inRange(_ values: [String], _ range: ClosedRange<Double>) -> Bool {
    values.allSatisfy { Double($0).map(range.contains) ?? false }
}

@Suite struct SchemaTests {
    let data: Parsed

    init() throws {
        data = Parsed(try DatasetText.committed())
    }

    @Test func headersInTheDocumentedOrder() {
        #expect(data.listens.header == ["user_id", "track_id", "played_at", "ms_played", "skipped", "platform", "country"])
        #expect(data.tracks.header == [
            "track_id", "track_name", "artist_id", "artist_name", "genre", "release_date", "duration_ms", "explicit",
            "popularity", "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
            "instrumentalness", "liveness", "valence", "tempo", "time_signature",
        ])
        #expect(data.artists.header == ["artist_id", "artist_name", "genre", "country", "debut_year", "followers"])
        #expect(data.users.header == ["user_id", "country", "age_group", "subscription", "signup_date"])
        for table in [data.listens, data.tracks, data.artists, data.users] {
            #expect(table.rows.allSatisfy { $0.count == table.header.count })
        }
    }

    @Test func sizes() {
        #expect(data.listens.rows.count == 10_000)
        #expect(data.users.rows.count == 1_000)
        #expect(data.tracks.rows.count == 3_000)
        #expect(data.artists.rows.count == 300)
        #expect(Set(data.tracks.column("genre")).count >= 12)
        #expect(Set(data.users.column("country")).count == 20)
    }

    @Test func identifiersAreFixedWidth() {
        #expect(data.users.column("user_id").allSatisfy { isID($0, "u", width: 4) })
        #expect(data.tracks.column("track_id").allSatisfy { isID($0, "t", width: 5) })
        #expect(data.artists.column("artist_id").allSatisfy { isID($0, "a", width: 4) })
        #expect(Set(data.tracks.column("track_id")).count == 3_000)
    }

    @Test func listeningValueDomains() {
        for p in data.listens.column("played_at") {
            let ok = p.count == 20 && p.hasPrefix("2023-") && p.hasSuffix("Z") && isDate(p.prefix(10))
                && p.dropFirst(10).first == "T" && (Int(p.dropFirst(11).prefix(2)) ?? 99) < 24
                && (Int(p.dropFirst(14).prefix(2)) ?? 99) < 60 && (Int(p.dropFirst(17).prefix(2)) ?? 99) < 60
            #expect(ok, "played_at \(p)")
        }
        #expect(data.listens.column("played_at") == data.listens.column("played_at").sorted())
        #expect(data.listens.column("ms_played").allSatisfy { $0.isEmpty || isDigits(Substring($0)) })
        #expect(Set(data.listens.column("skipped")) == ["true", "false"])
        #expect(Set(data.listens.column("platform")) == ["mobile", "desktop", "web", "smart_speaker", ""])
        let codes = Set(Geography.countries.map(\.code))
        #expect(data.listens.column("country").allSatisfy { $0.isEmpty || codes.contains($0) })
    }

    @Test func platformSharesAreSensible() {
        let p = data.listens.column("platform")
        let share = { (name: String) in Double(p.filter { $0 == name }.count) / Double(p.count) }
        #expect(share("mobile") > 0.5 && share("mobile") < 0.75)
        #expect(share("desktop") > share("web") && share("desktop") > share("smart_speaker"))
        #expect(share("web") > 0.02 && share("smart_speaker") > 0.02)
    }

    @Test func trackValueDomains() {
        let t = data.tracks
        for f in ["danceability", "energy", "speechiness", "acousticness", "instrumentalness", "liveness", "valence"] {
            #expect(inRange(t.column(f), 0...1), "\(f)")
        }
        #expect(inRange(t.column("loudness"), -60...0))
        #expect(inRange(t.column("tempo"), 40...250))
        #expect(inRange(t.column("popularity"), 0...100) && t.column("popularity").allSatisfy { Int($0) != nil })
        #expect(Set(t.column("key")).isSubset(of: Set((0...11).map(String.init))))
        #expect(Set(t.column("mode")) == ["0", "1"])
        #expect(Set(t.column("time_signature")).isSubset(of: ["3", "4", "5"]))
        #expect(Set(t.column("explicit")) == ["true", "false"])
        #expect(inRange(t.column("duration_ms"), 30_000...1_800_000))
        #expect(t.column("release_date").allSatisfy { isDate(Substring($0)) && $0 <= "2023-12-31" })
        // Quoting is exercised: some names hold commas or quotes, some are not ASCII.
        #expect(t.column("track_name").contains { $0.contains(",") })
        #expect(t.column("track_name").contains { $0.contains("\"") })
        #expect(t.column("track_name").contains { !$0.allSatisfy(\.isASCII) })
    }

    @Test func artistAndUserValueDomains() {
        #expect(data.artists.column("debut_year").allSatisfy { (Int($0) ?? 0) >= 1940 && (Int($0) ?? 9999) <= 2023 })
        #expect(data.artists.column("followers").allSatisfy { (Int($0) ?? -1) >= 0 })
        #expect(Set(data.users.column("age_group")) == Set(Geography.ageGroups))
        #expect(Set(data.users.column("subscription")) == ["free", "premium", "family", "student"])
        #expect(data.users.column("signup_date").allSatisfy { isDate(Substring($0)) && $0 <= "2023-12-31" })
    }

    @Test func everyReferenceResolves() {
        let users = Set(data.users.column("user_id")), tracks = Set(data.tracks.column("track_id"))
        let artists = Set(data.artists.column("artist_id"))
        #expect(data.listens.column("user_id").allSatisfy(users.contains))
        #expect(data.listens.column("track_id").allSatisfy(tracks.contains))
        #expect(data.tracks.column("artist_id").allSatisfy(artists.contains))
        // The artist's name and genre in tracks.csv agree with artists.csv.
        let name = data.artists.lookup("artist_name"), genre = data.artists.lookup("genre")
        for r in data.tracks.rows {
            #expect(name[r[2]] == r[3] && genre[r[2]] == r[4], "track \(r[0])")
        }
    }

    @Test func listensAreConsistentWithUsersAndTracks() {
        let signup = data.users.lookup("signup_date"), release = data.tracks.lookup("release_date")
        let debut = data.artists.lookup("debut_year")
        let u = data.listens.column("user_id"), t = data.listens.column("track_id")
        let country = data.listens.column("country"), day = data.listens.column("played_at").map { String($0.prefix(10)) }
        for i in u.indices {
            #expect(country[i].isEmpty || country[i] == data.userCountry[u[i]], "row \(i + 2): country")
            #expect(day[i] >= signup[u[i]] ?? "9", "row \(i + 2): played before signup")
            #expect(day[i] >= release[t[i]] ?? "9", "row \(i + 2): played before release")
        }
        for r in data.tracks.rows {
            #expect(Int(r[5].prefix(4)) ?? 0 >= Int(debut[r[2]] ?? "9999") ?? 9999, "track \(r[0]) predates its artist")
        }
    }
}
