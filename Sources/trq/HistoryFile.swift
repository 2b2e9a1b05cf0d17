#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The shell's history file: one entry per line, newlines and backslashes escaped (`\n`, `\\`),
/// appended as each entry runs so concurrent shells lose nothing; trimmed to the newest
/// `limit` entries when it grows past twice that.
struct HistoryFile {
    var path: String
    var limit: Int

    /// `~/.trq_history`, or nil without a home directory.
    static func inHome(limit: Int) -> HistoryFile? {
        guard let home = getenv("HOME"), home.pointee != 0 else { return nil }
        let directory = String(cString: home)
        return HistoryFile(path: directory.hasSuffix("/") ? directory + ".trq_history" : directory + "/.trq_history", limit: limit)
    }

    /// The newest `limit` entries, oldest first (none if the file is missing or unreadable).
    func load() -> [String] {
        guard let bytes = try? readAllBytes(path: path) else { return [] }
        var entries = bytes.split(separator: UInt8(ascii: "\n")).map { unescape(String(decoding: $0, as: UTF8.self)) }
        if entries.count > 2 * limit {
            entries.removeFirst(entries.count - limit)
            rewrite(entries)
        }
        return Array(entries.suffix(limit))
    }

    func append(_ entry: String) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { return }
        writeAll(escape(entry) + "\n", to: fd)
        close(fd)
    }

    /// Replaces the file atomically, so a concurrent reader never sees it half written.
    private func rewrite(_ entries: [String]) {
        let temporary = path + ".tmp\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        let ok = writeAll(entries.map { escape($0) + "\n" }.joined(), to: fd)
        close(fd)
        if !ok || rename(temporary, path) != 0 { unlink(temporary) }
    }

    private func escape(_ entry: String) -> String {
        var out = ""
        for c in entry.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
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
