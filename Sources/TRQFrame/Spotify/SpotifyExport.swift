/// Spotify's "Download your data" streaming history, recognised by its keys file by file and
/// mapped to one schema (see README, "Look at your own Spotify data"). IP addresses and user
/// agents are never loaded.
public enum SpotifyExport {
    /// The extended history's columns, in order, with the raw key each comes from.
    static let extended: [(name: String, type: DataType, key: String?)] = [
        ("played_at", .timestamp, "ts"),
        ("ms_played", .int, "ms_played"),
        ("track_name", .string, "master_metadata_track_name"),
        ("artist_name", .string, "master_metadata_album_artist_name"),
        ("album_name", .string, "master_metadata_album_album_name"),
        ("track_id", .string, "spotify_track_uri"),
        ("episode_name", .string, "episode_name"),
        ("show_name", .string, "episode_show_name"),
        ("episode_id", .string, "spotify_episode_uri"),
        ("kind", .string, nil),
        ("platform", .string, "platform"),
        ("country", .string, "conn_country"),
        ("reason_start", .string, "reason_start"),
        ("reason_end", .string, "reason_end"),
        ("shuffle", .bool, "shuffle"),
        ("skipped", .bool, "skipped"),
        ("offline", .bool, "offline"),
        ("incognito", .bool, "incognito_mode"),
        ("user_id", .string, "username"),
    ]

    static let accountMusic: [(name: String, type: DataType, key: String?)] = [
        ("played_at", .timestamp, "endTime"),
        ("ms_played", .int, "msPlayed"),
        ("track_name", .string, "trackName"),
        ("artist_name", .string, "artistName"),
        ("kind", .string, nil),
    ]

    static let accountPodcast: [(name: String, type: DataType, key: String?)] = [
        ("played_at", .timestamp, "endTime"),
        ("ms_played", .int, "msPlayed"),
        ("episode_name", .string, "episodeName"),
        ("show_name", .string, "podcastName"),
        ("kind", .string, nil),
    ]

    /// The table in the export schema, or nil when its keys are not a Spotify history's.
    public static func map(_ raw: Table) -> Table? {
        let names = Set(raw.names)
        let schema: [(name: String, type: DataType, key: String?)]
        if names.contains("ts"), names.contains("ms_played") {
            schema = extended
        } else if names.contains("endTime"), names.contains("msPlayed") {
            schema = names.contains("podcastName") || names.contains("episodeName") ? accountPodcast : accountMusic
        } else {
            return nil
        }
        var table = Table()
        for (name, type, key) in schema {
            let column: Column
            if let key {
                column = coerce(raw.column(key), to: type, count: raw.rowCount)
            } else {
                column = kinds(raw, schema: schema)
            }
            let id = name == "track_id" || name == "episode_id"
            try? table.append(name, id ? strippingURIPrefix(column) : column)
        }
        return table
    }

    /// `track` where a track name or URI is present, else `episode` where an episode's is,
    /// else `audiobook` where an audiobook's is, else `other`. Account history files hold one kind.
    private static func kinds(_ raw: Table, schema: [(name: String, type: DataType, key: String?)]) -> Column {
        let n = raw.rowCount
        if schema.count != extended.count {
            let kind = schema.contains { $0.name == "track_name" } ? "track" : "episode"
            return Column(.string(codes: [Int32](repeating: 0, count: n), dictionary: StringDictionary([kind])))
        }
        let evidence: [[Column]] = [
            ["master_metadata_track_name", "spotify_track_uri"],
            ["episode_name", "spotify_episode_uri"],
            ["audiobook_title", "audiobook_uri"],
        ].map { $0.compactMap { raw.column($0) } }
        var codes = [Int32](repeating: 3, count: n)
        for row in 0..<n {
            for (code, columns) in evidence.enumerated() where columns.contains(where: { !$0.isNull(row) }) {
                codes[row] = Int32(code)
                break
            }
        }
        return Column(.string(codes: codes, dictionary: StringDictionary(["track", "episode", "audiobook", "other"])))
    }

    /// The column as `type` where its values allow (a file's key may have only nulls, or text
    /// where a typed value is expected); a missing key is all null.
    private static func coerce(_ column: Column?, to type: DataType, count: Int) -> Column {
        guard let column else { return Column.nulls(type, count: count) }
        if column.type == type { return column }
        if column.nullCount == column.count { return Column.nulls(type, count: count) }
        switch (column.data, type) {
        case (_, .string):
            return (try? column.widened(to: .string)) ?? column
        case (.float(let values), .int) where values.allSatisfy({ $0 == $0.rounded() && abs($0) < 9e15 }):
            return Column(.int(values.map { Int64($0) }), validity: column.validity)
        case (.date(let days), .timestamp):
            return Column(.timestamp(days.map { Int64($0) &* microsPerDay }), validity: column.validity)
        default:
            return column
        }
    }

    /// `spotify:track:ID` -> `ID`, per distinct value.
    private static func strippingURIPrefix(_ column: Column) -> Column {
        guard case .string(let codes, let dictionary) = column.data else { return column }
        let ids = dictionary.values.map { value in value.split(separator: ":").last.map(String.init) ?? value }
        return Column(.string(codes: codes, dictionary: StringDictionary(ids)), validity: column.validity)
    }

    /// Which of an export's files (`names`, paths inside the archive or folder) `load
    /// "export.zip"` or `load "export_folder"` reads: the extended audio history when there is
    /// one (`Streaming_History_Audio_*.json`, older `endsong_*.json`), else the account music
    /// history (`StreamingHistory_music_*.json`, older `StreamingHistory*.json`); in name order.
    static func historyFiles(_ names: [String]) -> [Int] {
        func chosen(_ patterns: [String]) -> [Int] {
            names.indices.filter { i in patterns.contains { SourceFile.matches($0, names[i]) } }
                .sorted { naturalOrder(names[$0], names[$1]) }
        }
        let extended = chosen(["Streaming_History_Audio_*.json", "endsong_*.json"])
        return extended.isEmpty ? chosen(["StreamingHistory_music_*.json", "StreamingHistory[0-9]*.json"]) : extended
    }

    /// Names with numbers compared as numbers, so `_2.json` comes before `_10.json`.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        var i = a.unicodeScalars.makeIterator(), j = b.unicodeScalars.makeIterator()
        var x = i.next(), y = j.next()
        while let p = x, let q = y {
            if p.properties.numericType != nil, q.properties.numericType != nil, p.isASCII, q.isASCII {
                var m = 0, n = 0
                var pp: Unicode.Scalar? = p, qq: Unicode.Scalar? = q
                while let d = pp, d.isASCII, let v = Int(String(d)) { m = m &* 10 &+ v; pp = i.next() }
                while let d = qq, d.isASCII, let v = Int(String(d)) { n = n &* 10 &+ v; qq = j.next() }
                if m != n { return m < n }
                x = pp
                y = qq
                continue
            }
            if p != q { return p.value < q.value }
            x = i.next()
            y = j.next()
        }
        return x == nil && y != nil
    }
}
