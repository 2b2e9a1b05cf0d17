#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed save; the target file, if any, is unchanged.
public struct SaveError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var hint: String?

    public init(path: String, message: String, hint: String? = nil) {
        self.path = path
        self.message = message
        self.hint = hint
    }

    public var description: String {
        "\(path): \(message)" + (hint.map { " (hint: \($0))" } ?? "")
    }
}

/// Writes `bytes` to `path` so that readers see either the old file or the complete new one:
/// the bytes go to a temporary file in the same folder, which is flushed to disk and then
/// renamed over the target. With `overwrite` false an existing file is never replaced (checked
/// atomically with a hard link where the file system allows it). On failure the temporary file
/// is removed and the old file stays as it was. A new file gets the default permissions; a
/// replaced one keeps its permissions.
public func saveAtomically(_ bytes: [UInt8], to path: String, overwrite: Bool) throws(SaveError) {
    try saveAtomically(parts: [bytes], to: path, overwrite: overwrite)
}

/// `saveAtomically(_:to:overwrite:)` of the parts one after another, without joining them into
/// one array first (a Parquet file's column chunks: 250 MB fewer to copy into fresh memory).
public func saveAtomically(parts: [[UInt8]], to path: String, overwrite: Bool) throws(SaveError) {
    var existing = stat()
    let exists = stat(path, &existing) == 0
    if exists, existing.st_mode & S_IFMT == S_IFDIR {
        throw SaveError(path: path, message: "is a folder", hint: "give a file name, e.g. \"\(path)/out.csv\"")
    }
    if exists, !overwrite {
        throw SaveError(path: path, message: "already exists", hint: "use `with overwrite = true` to replace it")
    }
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[..<$0]).isEmpty ? "/" : String(path[..<$0]) } ?? "."
    let fileName = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let temporary = "\(folder)/.\(fileName).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"

    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw saveError(path, errno, writing: false) }
    var failure: SaveError?
    if exists { fchmod(fd, existing.st_mode & 0o7777) }
    for bytes in parts where failure == nil {
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = saveError(path, errno, writing: true)
                    return
                }
                written += n
            }
        }
    }
    if failure == nil, fsync(fd) != 0 { failure = saveError(path, errno, writing: true) }
    if close(fd) != 0, failure == nil { failure = saveError(path, errno, writing: true) }
    if let failure {
        unlink(temporary)
        throw failure
    }

    if overwrite {
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw saveError(path, code, writing: true)
        }
    } else {
        // link(2) fails with EEXIST if the target appeared meanwhile; some file systems have
        // no hard links, and there the check above has to do.
        if link(temporary, path) == 0 {
            unlink(temporary)
        } else {
            let code = errno
            if code == EEXIST {
                unlink(temporary)
                throw SaveError(path: path, message: "already exists", hint: "use `with overwrite = true` to replace it")
            }
            guard rename(temporary, path) == 0 else {
                let renameCode = errno
                unlink(temporary)
                throw saveError(path, renameCode, writing: true)
            }
        }
    }
    // Make the rename itself durable.
    let folderFD = open(folder, O_RDONLY | O_CLOEXEC)
    if folderFD >= 0 {
        fsync(folderFD)
        close(folderFD)
    }
}

private func saveError(_ path: String, _ code: Int32, writing: Bool) -> SaveError {
    let reason = String(cString: strerror(code))
    switch code {
    case ENOENT: return SaveError(path: path, message: "cannot write: the folder does not exist", hint: "create the folder first")
    case EACCES, EPERM, EROFS: return SaveError(path: path, message: "cannot write: \(reason)", hint: "check the folder's permissions")
    case ENOSPC, EDQUOT: return SaveError(path: path, message: "cannot write: \(reason)", hint: "free some disk space")
    default: return SaveError(path: path, message: writing ? "cannot write: \(reason)" : "cannot create a file next to it: \(reason)")
    }
}
