#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibedit

/// Why a file could not be read, as the C library says it (`No such file or directory`).
struct ReadError: Error {
    var reason: String
}

/// Every byte from `fd` up to end of file.
func readAllBytes(fd: Int32) throws(ReadError) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n > 0 {
            bytes.append(contentsOf: chunk[0..<n])
        } else if n == 0 {
            return bytes
        } else if errno != EINTR {
            throw ReadError(reason: String(cString: strerror(errno)))
        }
    }
}

func readAllBytes(path: String) throws(ReadError) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    return try readAllBytes(fd: fd)
}

/// Writes all of `text` to `fd`, retrying short writes; false if the write failed.
@discardableResult
func writeAll(_ text: String, to fd: Int32) -> Bool {
    var text = text
    return text.withUTF8 { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }
}

func isTerminal(_ fd: Int32) -> Bool { isatty(fd) != 0 }

func printError(_ text: String) {
    fflush(trq_stdout())
    fputs(text, trq_stderr())
}
