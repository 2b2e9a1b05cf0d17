import Foundation

/// The real data sets (Last.fm 2K, Spotify tracks) kept outside the repository: `$TRQ_DATA` when
/// set (as for scripts/bench/models_bench), else `../shared/data` beside the repository. Tests
/// that read them are `.enabled(if: SharedData.has(...))`, so a missing set shows as a skip.
public enum SharedData {
    public static let folder: String = {
        if let folder = ProcessInfo.processInfo.environment["TRQ_DATA"], !folder.isEmpty { return folder }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/data").path
    }()

    /// The path of a file or folder inside the data sets.
    public static func path(_ relative: String) -> String { folder + "/" + relative }

    /// Whether the data sets include `relative`.
    public static func has(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }
}
