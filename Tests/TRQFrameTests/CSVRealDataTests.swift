import TestSupport
import Testing
@testable import TRQFrame

private func sum(_ column: Column?) -> Double {
    guard let column else { return .nan }
    return (0..<column.count).reduce(0.0) { total, i in
        switch column[i] {
        case .int(let v): total + Double(v)
        case .float(let v): total + v
        default: total
        }
    }
}

// Expected numbers come from pandas.read_csv on the same files (scripts/bench/check_against_pandas.py
// compares every cell); they are written here so the test needs no Python.
@Suite("CSV reader: real data sets (skipped when $TRQ_DATA or ../shared/data lacks them)")
struct CSVRealDataTests {
    static let lastfm = SharedData.path("lastfm-2k")
    static let genres = SharedData.path("spotify-tracks/by-genre")

    @Test(.enabled(if: SharedData.has("lastfm-2k/artists.dat"), "needs the Last.fm 2K data set"))
    func artistsWithStrayQuotes() throws {
        let table = try CSVReader.read(path: Self.lastfm + "/artists.dat")
        #expect(table.rowCount == 17_632)
        #expect(table.names == ["id", "name", "url", "pictureURL"])
        #expect(table.column("pictureURL")?.nullCount == 444)
        let ids = table.column("id")!
        let names = table.column("name")!
        let byID = Dictionary(uniqueKeysWithValues: (0..<table.rowCount).map { (ids[$0], names[$0]) })
        #expect(byID[.int(1686)] == .string("Weird Al Yankovic"))
        #expect(byID[.int(2906)] == .string("Royce da 5'9\""))
        #expect(byID[.int(3147)] == .string("Lee \"Scratch\" Perry"))
    }

    @Test(.enabled(if: SharedData.has("lastfm-2k/user_artists.dat"), "needs the Last.fm 2K data set"))
    func userArtistsCRLF() throws {
        let table = try CSVReader.read(path: Self.lastfm + "/user_artists.dat")
        #expect(table.rowCount == 92_834)
        #expect(table.columns.map(\.type) == [.int, .int, .int])
        #expect(sum(table.column("weight")) == 69_183_975)
    }

    @Test(.enabled(if: SharedData.has("lastfm-2k/user_taggedartists.dat"), "needs the Last.fm 2K data set"))
    func userTaggedArtists() throws {
        let table = try CSVReader.read(path: Self.lastfm + "/user_taggedartists.dat")
        #expect(table.rowCount == 186_479)
        #expect(sum(table.column("year")) == 374_600_841)
        #expect(sum(table.column("tagID")) == 268_451_982)
    }

    @Test(.enabled(if: SharedData.has("lastfm-2k/tags.dat"), "needs the Last.fm 2K data set"))
    func tagsAreLatin1() throws {
        let path = Self.lastfm + "/tags.dat"
        let error = #expect(throws: CSVError.self) { try CSVReader.read(path: path) }
        #expect(error?.description == path + ":2815:2: invalid UTF-8 byte 0xE1 in column 'tagValue' "
            + "(hint: add `with encoding = \"latin1\"` if the file is Latin-1)")
        let table = try CSVReader.read(path: path, options: CSVOptions(encoding: .latin1))
        #expect(table.rowCount == 11_946)
        let values = table.column("tagValue")!
        #expect(values[2813] == .string("tropicália"))
        #expect((0..<table.rowCount).reduce(0) { total, i in
            guard case .string(let s) = values[i] else { return total }
            return total + s.unicodeScalars.count
        } == 149_464)
    }

    @Test(.enabled(if: SharedData.has("spotify-tracks/by-genre/acoustic.csv"), "needs the Spotify by-genre data set"))
    func spotifyGlobStacks114Files() throws {
        let paths = try CSVReader.expandGlob(Self.genres + "/*.csv")
        #expect(paths.count == 114)
        let table = try CSVReader.load(Self.genres + "/*.csv")
        #expect(table.rowCount == 114_000)
        #expect(table.columnCount == 20)
        #expect(table.column("explicit")?.type == .bool)
        #expect(table.column("popularity")?.type == .int)
        #expect(table.column("tempo")?.type == .float)
        #expect(sum(table.column("popularity")) == 3_789_193)
        #expect(sum(table.column("duration_ms")) == 25_995_323_455)
        #expect(abs(sum(table.column("tempo")) - 13_924_853.451) < 1e-6)
        #expect(abs(sum(table.column("loudness")) - -941_521.482) < 1e-6)
        let explicit = table.column("explicit")!
        #expect((0..<explicit.count).filter { explicit[$0] == .bool(true) }.count == 9747)
        guard case .string(let codes, _) = table.column("track_id")!.data else {
            Issue.record("track_id is not a string column")
            return
        }
        #expect(Set(codes).count == 89_741)
        // The one row with empty artists, album and track names (k-pop.csv, line 902).
        #expect(table.columns.reduce(0) { $0 + $1.nullCount } == 3)
    }
}
