import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file's bytes: memory-mapped when it is a regular file (no copy, pages are shared with
/// the page cache), else read into memory (pipes, /dev/stdin).
public final class InputBuffer: @unchecked Sendable {
    public let bytes: UnsafeRawBufferPointer
    let isMapped: Bool

    init(path: String) throws(CSVError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputBuffer.openError(path, errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw InputBuffer.openError(path, errno) }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw CSVError(file: path, message: "is a folder, not a file",
                           hint: "load \"\(path)/*.csv\" stacks the CSV files in it")
        }
        // Files that report size 0 (empty, or /proc-like) are read, which handles both.
        let size = Int(info.st_size)
        if info.st_mode & S_IFMT == S_IFREG, size > 0 {
            if let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED {
                madvise(map, size, MADV_WILLNEED)
                bytes = UnsafeRawBufferPointer(start: map, count: size)
                isMapped = true
                return
            }
        }
        var storage = GrowableBuffer<UInt8>()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                storage.release()
                throw InputBuffer.openError(path, errno)
            }
            if n == 0 { break }
            chunk.withUnsafeBufferPointer { storage.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<n])) }
        }
        bytes = UnsafeRawBufferPointer(start: storage.base, count: storage.count)
        isMapped = false
    }

    /// Takes over bytes made in memory (a decompressed file); they are freed with the buffer.
    init(owning storage: GrowableBuffer<UInt8>) {
        bytes = UnsafeRawBufferPointer(start: storage.base, count: storage.count)
        isMapped = false
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if isMapped {
            // Unmapping undoes every page's mapping (about 15 ms for 200 MB): a large file's is
            // done off the loading thread, which has nothing left to wait for.
            let address = UInt(bitPattern: base), count = bytes.count
            let unmap: @Sendable () -> Void = { munmap(UnsafeMutableRawPointer(bitPattern: address), count) }
            if count >= 1 << 26 { DispatchQueue.global(qos: .utility).async(execute: unmap) } else { unmap() }
        } else {
            free(UnsafeMutableRawPointer(mutating: base))
        }
    }

    static func openError(_ path: String, _ code: Int32) -> CSVError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOENT:
            return CSVError(file: path, message: "cannot open: \(reason)",
                            hint: "paths are relative to the folder trq was started in")
        case EACCES:
            return CSVError(file: path, message: "cannot open: \(reason)", hint: "check the file's permissions")
        default:
            return CSVError(file: path, message: "cannot read: \(reason)")
        }
    }
}

/// Latin-1 text re-encoded as UTF-8 (each byte >= 0x80 becomes two bytes), or nil when the
/// bytes are all ASCII and need no change. The caller frees the result.
func transcodeLatin1(_ source: UnsafePointer<UInt8>, _ count: Int) -> (UnsafeMutablePointer<UInt8>, Int)? {
    var high = 0
    for i in 0..<count where source[i] >= 0x80 { high &+= 1 }
    guard high > 0 else { return nil }
    let length = count &+ high
    let out = UnsafeMutablePointer<UInt8>.allocate(capacity: length)
    var j = 0
    for i in 0..<count {
        let b = source[i]
        if b < 0x80 {
            out[j] = b
            j &+= 1
        } else {
            out[j] = 0xC0 | (b >> 6)
            out[j &+ 1] = 0x80 | (b & 0x3F)
            j &+= 2
        }
    }
    return (out, length)
}
