import Testing
import TRQEngine

// Fixtures/spotify holds one synthetic file per key-set generation of Spotify's export (no real
// person's data) and two archives made from them; expected rows are read off the fixtures by hand.

private func spotify(_ name: String) -> String { fixture("spotify") + "/" + name }

private let extendedHeader = "played_at,ms_played,track_name,artist_name,album_name,track_id,episode_name,show_name,episode_id,kind,platform,country,reason_start,reason_end,shuffle,skipped,offline,incognito,user_id"

@Suite("load: Spotify export")
struct SpotifyLoadTests {
    @Test func oldEndsongFilesWithoutURIs() {
        let r = run("load \"\(spotify("endsong_0.json"))\"")
        #expect(lines(r.out) == [
            extendedHeader,
            "2019-03-02T08:15:42Z,183000,Harbour Lights,The Quiet Tides,Low Water,,,,,track,\"Android OS 9 API 28 (samsung, SM-G960F)\",PT,clickrow,trackdone,false,,false,false,listener01",
            "2019-03-02T08:16:10Z,12000,,,,,Ep. 12: Tidal Maps,Coastal Notes,,episode,\"Android OS 9 API 28 (samsung, SM-G960F)\",PT,trackdone,fwdbtn,false,true,false,false,listener01",
        ], "\(r.err)")
    }

    @Test func extendedHistoryOf2023() {
        let r = run("load \"\(spotify("Streaming_History_Audio_2023_0.json"))\"")
        #expect(lines(r.out) == [
            extendedHeader,
            "2023-01-05T13:22:10Z,201345,Paper Satellites,Nova Field,Orbit Songs,0aBcDeFgHiJkLmNoPqRsTu,,,,track,ios,DE,playbtn,trackdone,true,false,false,false,listener02",
            "2023-01-05T14:02:00Z,1500000,,,,,Weekly Dispatch #40,The Dispatch,7xYzAbCdEfGhIjKlMnOpQr,episode,windows,DE,clickrow,endplay,false,true,true,true,listener02",
        ], "\(r.err)")
    }

    @Test func newerFilesWithAudiobooksAndWithoutUsername() {
        let r = run("load \"\(spotify("Streaming_History_Audio_2024-2025_3.json"))\" | select played_at, track_id, kind, skipped, user_id")
        #expect(lines(r.out) == [
            "played_at,track_id,kind,skipped,user_id",
            "2025-02-01T21:00:05Z,5QrStUvWxYzAbCdEfGhIjK,track,true,",
            "2025-02-01T22:10:00Z,,audiobook,false,",
            "2025-02-02T07:00:00Z,,other,false,",
        ], "\(r.err)")
    }

    @Test func accountHistoryMusicAndPodcasts() {
        let music = run("load \"\(spotify("StreamingHistory_music_0.json"))\"")
        #expect(lines(music.out) == [
            "played_at,ms_played,track_name,artist_name,kind",
            "2023-03-14T18:22:00Z,201345,Paper Satellites,Nova Field,track",
            "2023-03-14T18:25:00Z,4000,Harbour Lights,The Quiet Tides,track",
        ], "\(music.err)")
        let podcast = run("load \"\(spotify("StreamingHistory_podcast_0.json"))\"")
        #expect(lines(podcast.out) == [
            "played_at,ms_played,episode_name,show_name,kind",
            "2023-03-15T07:40:00Z,1800000,Weekly Dispatch #41,The Dispatch,episode",
        ], "\(podcast.err)")
        let old = run("load \"\(spotify("StreamingHistory0.json"))\" | select played_at, track_name")
        #expect(lines(old.out) == ["played_at,track_name", "2020-11-02T09:01:00Z,Static Years"])
    }

    @Test func generationsStackByColumnName() {
        let r = run("load \"\(spotify("{endsong_0,Streaming_History_Audio_2023_0}.json"))\" | groupby kind agg n = count(), ms = sum(ms_played)")
        #expect(lines(r.out) == ["kind,n,ms", "track,2,384345", "episode,2,1512000"], "\(r.err)")
    }

    @Test func rawKeysWithSpotifyFalseButNeverAddressesOrAgents() {
        let raw = run("load \"\(spotify("Streaming_History_Audio_2023_0.json"))\" with spotify = false | select ts, master_metadata_track_name | limit 1")
        #expect(lines(raw.out) == ["ts,master_metadata_track_name", "2023-01-05T13:22:10Z,Paper Satellites"], "\(raw.err)")
        let mapped = run("load \"\(spotify("Streaming_History_Audio_2024-2025_3.json"))\" | describe | select name")
        #expect(!mapped.out.contains("ip_addr") && !mapped.out.contains("user_agent"))
    }

    @Test func zipArchiveLoadsTheExtendedHistoryWhenPresent() {
        let r = run("load \"\(spotify("extended_export.zip"))\" | select played_at, kind")
        #expect(lines(r.out) == ["played_at,kind", "2023-01-05T13:22:10Z,track", "2023-01-05T14:02:00Z,episode"], "\(r.err)")
    }

    @Test func zipArchiveFallsBackToTheAccountMusicHistory() {
        let r = run("load \"\(spotify("account_export.zip"))\" | select played_at, track_name, kind")
        #expect(lines(r.out) == [
            "played_at,track_name,kind",
            "2023-03-14T18:22:00Z,Paper Satellites,track",
            "2023-03-14T18:25:00Z,Harbour Lights,track",
        ], "\(r.err)")
    }

    @Test func globReachesInsideAnArchive() {
        let r = run("load \"\(spotify("account_export.zip"))/StreamingHistory_*.json\" | select played_at, kind")
        #expect(lines(r.out) == [
            "played_at,kind",
            "2023-03-14T18:22:00Z,track",
            "2023-03-14T18:25:00Z,track",
            "2023-03-15T07:40:00Z,episode",
        ], "\(r.err)")
        let missing = run("load \"\(spotify("account_export.zip"))/nothing*.json\"")
        #expect(missing.err.contains("no files in the archive match"))
    }

    /// Counts by Python's json module over the same files: 9,053 listens, 8,903 with a track
    /// URI, 1,786,331,978 ms in all, 195 distinct artists.
    @Test func theBundledExportSampleLoads() {
        let folder = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let r = run("load \"/\(folder)/data/spotify_export_sample/Spotify Extended Streaming History/*.json\" | agg n = count(), tracks = count(track_id), ms = sum(ms_played), artists = count_distinct(artist_name)")
        #expect(lines(r.out) == ["n,tracks,ms,artists", "9053,8903,1786331978,195"], "\(r.err)")
    }

    @Test func gzipIsDecompressedOnTheFly() {
        let r = run("load \"\(spotify("history.ndjson.gz"))\"")
        #expect(lines(r.out) == ["a,b", "1,x", "2,y"], "\(r.err)")
    }

    @Test func formatOptionOverridesTheExtension() {
        let r = run("load \"\(spotify("rows.txt"))\" with format = \"ndjson\"")
        #expect(lines(r.out) == ["a,b", "1,x", "2,y"], "\(r.err)")
        let bad = run("load \"x.json\" with format = \"xml\"")
        #expect(bad.err.contains("unknown format \"xml\" (the formats are parquet, json, ndjson, csv)"))
    }
}
