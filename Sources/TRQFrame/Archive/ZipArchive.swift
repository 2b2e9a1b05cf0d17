#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The entries of a zip archive (stored or deflated; not encrypted, not ZIP64), read from its
/// central directory; an entry is decompressed only when it is opened.
struct ZipArchive {
    struct Entry {
        let name: String
        let method: UInt16
        let flags: UInt16
        let crc: UInt32
        let compressedSize: Int
        let size: Int
        let localHeader: Int
    }

    let path: String
    let file: InputBuffer
    let entries: [Entry]

    init(path: String) throws(CSVError) {
        self.path = path
        file = try InputBuffer(path: path)
        let bytes = file.bytes
        func u16(_ at: Int) -> Int { Int(bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian) }
        func u32(_ at: Int) -> Int { Int(bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian) }
        // The end-of-central-directory record is the last 22 bytes plus a comment of up to 64 KiB.
        var eocd = -1
        var p = bytes.count &- 22
        while p >= 0, p >= bytes.count &- 22 &- 65_535 {
            if u32(p) == 0x0605_4B50 { eocd = p; break }
            p &-= 1
        }
        guard eocd >= 0 else {
            throw CSVError(file: path, message: "is not a zip archive (no central directory)", hint: "the download may be incomplete")
        }
        let count = u16(eocd &+ 10)
        let directorySize = u32(eocd &+ 12)
        let directoryStart = u32(eocd &+ 16)
        guard count != 0xFFFF, directoryStart != 0xFFFF_FFFF else {
            throw CSVError(file: path, message: "is a ZIP64 archive, which trq does not read", hint: "unzip it and load the files inside")
        }
        guard directoryStart &+ directorySize <= eocd else {
            throw CSVError(file: path, message: "has a damaged central directory", hint: "the download may be incomplete")
        }
        var entries: [Entry] = []
        var at = directoryStart
        for _ in 0..<count {
            guard at &+ 46 <= eocd, u32(at) == 0x0201_4B50 else {
                throw CSVError(file: path, message: "has a damaged central directory", hint: "the download may be incomplete")
            }
            let nameLength = u16(at &+ 28), extraLength = u16(at &+ 30), commentLength = u16(at &+ 32)
            guard at &+ 46 &+ nameLength <= eocd else {
                throw CSVError(file: path, message: "has a damaged central directory", hint: "the download may be incomplete")
            }
            let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[(at &+ 46)..<(at &+ 46 &+ nameLength)])
            entries.append(Entry(name: String(decoding: nameBytes, as: UTF8.self), method: UInt16(u16(at &+ 10)),
                                 flags: UInt16(u16(at &+ 8)), crc: UInt32(u32(at &+ 16)), compressedSize: u32(at &+ 20),
                                 size: u32(at &+ 24), localHeader: u32(at &+ 42)))
            at &+= 46 &+ nameLength &+ extraLength &+ commentLength
        }
        self.entries = entries.filter { !$0.name.hasSuffix("/") }
    }

    /// The entry's bytes, decompressed and checked against its CRC.
    func open(_ entry: Entry) throws(CSVError) -> InputBuffer {
        let bytes = file.bytes
        let name = path + "/" + entry.name
        guard entry.flags & 1 == 0 else {
            throw CSVError(file: name, message: "is encrypted", hint: "unzip it with its password and load the file")
        }
        let header = entry.localHeader
        guard header &+ 30 <= bytes.count, bytes.loadUnaligned(fromByteOffset: header, as: UInt32.self).littleEndian == 0x0403_4B50 else {
            throw CSVError(file: name, message: "has a damaged entry header", hint: "the download may be incomplete")
        }
        let dataStart = header &+ 30 &+ Int(bytes.loadUnaligned(fromByteOffset: header &+ 26, as: UInt16.self).littleEndian)
            &+ Int(bytes.loadUnaligned(fromByteOffset: header &+ 28, as: UInt16.self).littleEndian)
        guard dataStart &+ entry.compressedSize <= bytes.count else {
            throw CSVError(file: name, message: "is cut short", hint: "the download may be incomplete")
        }
        let data = UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart &+ entry.compressedSize)])
        var output = GrowableBuffer<UInt8>()
        output.reserve(entry.size &+ 1)
        switch entry.method {
        case 0:
            output.append(contentsOf: data.bindMemory(to: UInt8.self))
        case 8:
            do throws(CSVError) {
                _ = try Inflate.inflate(data, from: 0, windowBits: -15, into: &output, name: name)
            } catch {
                output.release()
                throw error
            }
        default:
            output.release()
            throw CSVError(file: name, message: "uses zip compression method \(entry.method), which trq does not read",
                           hint: "unzip it and load the file")
        }
        let result = InputBuffer(owning: output)
        guard Inflate.crc(result.bytes) == entry.crc else {
            throw CSVError(file: name, message: "fails its checksum (damaged)", hint: "the download may be incomplete")
        }
        return result
    }
}
