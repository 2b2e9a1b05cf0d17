import ArgumentParser
import Foundation

@main
struct DatagenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trq-datagen",
        abstract: "Generate the synthetic 2023 music-listening dataset (listens, tracks, artists, users).",
        discussion: """
            With no options it writes, byte for byte, the files committed in data/. \
            Larger --listens values scale users, tracks and artists with the square root of the \
            listens, for benchmark inputs (write them to out/ or /tmp, not into git).
            """)

    @Option(help: "Directory to write listening_2023.csv, tracks.csv, artists.csv and users.csv into (created if missing).")
    var out = "data"

    @Option(help: "Rows of listening_2023.csv, duplicates included.")
    var listens = 10_000

    @Option(help: "Number of users (default: 1000 x sqrt(listens / 10000)).")
    var users: Int?

    @Option(help: "Random seed; the same seed gives the same bytes on every platform.")
    var seed: UInt64 = 2023

    @Option(help: "Instead of the CSV files, write the synthetic Spotify export of one listener's 2023 (about 9,000 plays and podcast episodes) into this directory, e.g. data/spotify_export_sample.")
    var spotifyExport: String?

    func validate() throws {
        guard listens >= 1, listens <= 10_000_000_000 else {
            throw ValidationError("--listens \(listens) is out of range: give 1 to 10000000000.")
        }
        if let users, users < 1 || users > 100_000_000 {
            throw ValidationError("--users \(users) is out of range: give 1 to 100000000, or leave it out to scale with --listens.")
        }
    }

    func run() throws {
        if let directory = spotifyExport {
            try SpotifyExportSample(listens: 9_000, seed: seed).write(to: directory) { path in
                do {
                    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                } catch {
                    throw OutputError(description: "cannot create directory \(path): \(error.localizedDescription)")
                }
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw OutputError(description: "cannot create directory \(out): \(error.localizedDescription)")
        }
        let config = DatagenConfig(listens: listens, users: users, seed: seed)
        try Dataset(config).write(to: out)
    }
}
