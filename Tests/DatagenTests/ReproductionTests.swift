import Foundation
import Testing
@testable import trq_datagen

@Suite struct ReproductionTests {
    @Test func defaultsWriteTheCommittedDataByteForByte() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Dataset(DatagenConfig()).write(to: dir)
        for file in DatasetFile.allCases {
            let made = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file.rawValue))
            let committed = try Data(contentsOf: URL(fileURLWithPath: committedDataDirectory + "/" + file.rawValue))
            #expect(made == committed, "\(file.rawValue) differs from data/: regenerate with `swift run trq-datagen`")
        }
        // No temporary files are left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(left == DatasetFile.allCases.map(\.rawValue).sorted())
    }

    @Test func spotifyExportSampleIsTheCommittedOneByteForByte() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try DatagenCommand.parse(["--spotify-export", dir]).run()
        for file in ["Spotify Extended Streaming History/Streaming_History_Audio_2023_0.json",
                     "Spotify Extended Streaming History/Streaming_History_Audio_2023_1.json",
                     "Spotify Account Data/StreamingHistory_music_0.json",
                     "Spotify Account Data/StreamingHistory_podcast_0.json"] {
            let made = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file))
            let committed = try Data(contentsOf: URL(fileURLWithPath: committedDataDirectory + "/spotify_export_sample/" + file))
            #expect(made == committed, "\(file) differs: regenerate with `swift run trq-datagen --spotify-export data/spotify_export_sample`")
        }
    }

    @Test func theCommandLineWritesTheSameFiles() throws {
        let dir = try makeTemporaryDirectory() + "/nested/deeper"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let command = try DatagenCommand.parse(["--out", dir, "--listens", "3000", "--users", "200", "--seed", "11"])
        try command.run()
        let direct = try DatasetText.generated(DatagenConfig(listens: 3000, users: 200, seed: 11))
        #expect(try String(contentsOfFile: dir + "/listening_2023.csv", encoding: .utf8) == direct.listening)
        #expect(try String(contentsOfFile: dir + "/users.csv", encoding: .utf8) == direct.users)
    }

    @Test(arguments: [["--listens", "0"], ["--users", "0"], ["--seed", "1.5"], ["--listens", "ten"]])
    func badOptionsAreRejectedWithTheValueNamed(_ arguments: [String]) {
        do {
            _ = try DatagenCommand.parse(arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(DatagenCommand.message(for: error).contains(arguments[1]))
        }
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        let a = try DatasetText.generated(DatagenConfig(listens: 2000, seed: 5))
        let b = try DatasetText.generated(DatagenConfig(listens: 2000, seed: 5))
        let c = try DatasetText.generated(DatagenConfig(listens: 2000, seed: 6))
        #expect(a.listening == b.listening && a.tracks == b.tracks && a.artists == b.artists && a.users == b.users)
        #expect(a.listening != c.listening && a.tracks != c.tracks)
    }
}
