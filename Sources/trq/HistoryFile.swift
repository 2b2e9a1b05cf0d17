#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibedit

/// libedit's list of entries, what Up and Down recall: the newest `size` are kept, and an entry
/// equal to the one before it is not entered again.
final class EditHistory {
    let handle: OpaquePointer

    init?(size: Int) {
        guard let handle = history_init() else { return nil }
        self.handle = handle
        _ = trq_history_set_size(handle, Int32(clamping: size))
        _ = trq_history_set_unique(handle, 1)
    }

    deinit { history_end(handle) }

    func enter(_ entry: String) {
        _ = trq_history_enter(handle, entry)
    }

    /// Oldest first.
    var entries: [String] {
        var result: [String] = []
        var entry = trq_history_step(handle, H_LAST)
        while let text = entry {
            result.append(String(cString: text))
            entry = trq_history_step(handle, H_PREV)
        }
        return result
    }
}

/// The shell's history file in libedit's own format (H_SAVE/H_LOAD: a `_HiStOrY_V2_` line, then
/// one entry per line, vis(3)-encoded so a multi-line entry stays one line), so other libedit
/// programs can read it. Each entry is appended as it runs, so concurrent shells lose nothing; the
/// file is rewritten with the newest `limit` entries when it grows past twice that.
struct HistoryFile {
    var path: String
    var limit: Int

    private static let libeditHeader = "_HiStOrY_V2_\n"

    /// `~/.trq_history`, or nil without a home directory.
    static func inHome(limit: Int) -> HistoryFile? {
        guard let home = getenv("HOME"), home.pointee != 0 else { return nil }
        let directory = String(cString: home)
        return HistoryFile(path: directory.hasSuffix("/") ? directory + ".trq_history" : directory + "/.trq_history", limit: limit)
    }

    /// Enters the file's entries into `history` (nothing if the file is missing or unreadable).
    /// A file in trq's earlier format is read once and rewritten in libedit's.
    func load(into history: EditHistory) {
        let read = trq_history_load(history.handle, path)
        if read > 2 &* limit {
            rewrite(history)
        } else if read < 0, let entries = earlierFormatEntries() {
            for entry in entries { history.enter(entry) }
            rewrite(history)
        }
    }

    func append(_ entry: String) {
        // Saving a one-entry history writes just that entry's line (and the header into an empty file).
        guard let single = EditHistory(size: 1) else { return }
        single.enter(entry)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { return }
        guard let file = fdopen(fd, "a") else {
            close(fd)
            return
        }
        // libedit writes the header when the stream is at offset 0, and a stream opened for
        // appending starts there whatever the file's length.
        fseek(file, 0, SEEK_END)
        _ = trq_history_save_fp(single.handle, file)
        fclose(file)
    }

    /// Replaces the file with `history`'s entries atomically, so a concurrent reader never sees
    /// it half written.
    private func rewrite(_ history: EditHistory) {
        let temporary = path + ".tmp\(getpid())"
        if trq_history_save(history.handle, temporary) < 0 || rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// The newest `limit` entries of a file in trq's earlier format (one entry per line, `\n` and
    /// `\\` escaped); nil if the file is missing, empty or in libedit's format.
    private func earlierFormatEntries() -> [String]? {
        guard let bytes = try? readAllBytes(path: path), !bytes.isEmpty,
              !bytes.starts(with: HistoryFile.libeditHeader.utf8)
        else { return nil }
        return bytes.split(separator: UInt8(ascii: "\n")).suffix(limit).map { unescape(String(decoding: $0, as: UTF8.self)) }
    }

    private func unescape(_ line: String) -> String {
        var out = ""
        var escaped = false
        for c in line.unicodeScalars {
            if escaped {
                out.unicodeScalars.append(c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
