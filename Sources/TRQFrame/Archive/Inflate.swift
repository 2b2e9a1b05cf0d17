import CZlib

/// Decompression through zlib: whole gzip files and the deflated entries of zip archives.
enum Inflate {
    /// A gzip file (one or more members, as `cat a.gz b.gz` makes), decompressed.
    static func gunzip(_ input: UnsafeRawBufferPointer, name: String) throws(CSVError) -> InputBuffer {
        // The last member's trailer holds its size mod 2^32: a good first guess.
        var guess = input.count &* 4
        if input.count >= 18 {
            let size = Int(input.loadUnaligned(fromByteOffset: input.count &- 4, as: UInt32.self).littleEndian)
            if size > guess { guess = size }
        }
        var offset = 0
        var output = GrowableBuffer<UInt8>()
        output.reserve(guess &+ 1)
        while offset < input.count {
            guard input.count &- offset >= 2, input[offset] == 0x1F, input[offset &+ 1] == 0x8B else {
                if offset == 0 {
                    output.release()
                    throw CSVError(file: name, message: "is not a gzip file", hint: "remove the .gz extension if the file is not compressed")
                }
                break  // zeros padding the end of a tape-style file
            }
            do throws(CSVError) {
                offset &+= try inflate(input, from: offset, windowBits: 15 &+ 16, into: &output, name: name)
            } catch {
                output.release()
                throw error
            }
        }
        return InputBuffer(owning: output)
    }

    /// Inflates one stream starting at `offset`; returns how many input bytes it used.
    /// `windowBits`: 15 + 16 for gzip, -15 for raw deflate (zip entries).
    static func inflate(_ input: UnsafeRawBufferPointer, from offset: Int, windowBits: Int32,
                        into output: inout GrowableBuffer<UInt8>, name: String) throws(CSVError) -> Int {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CSVError(file: name, message: "cannot start decompressing (zlib)")
        }
        defer { inflateEnd(&stream) }
        let start = input.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset
        var consumed = 0
        let available = input.count &- offset
        while true {
            if CancellationToken.isCurrentCancelled { throw CSVError.cancelled(file: name) }
            let chunkIn = min(available &- consumed, 1 << 30)
            stream.next_in = UnsafeMutablePointer(mutating: start + consumed)
            stream.avail_in = UInt32(chunkIn)
            if output.capacity &- output.count < 1 << 16 { output.reserve(max(output.capacity &* 2, 1 << 20)) }
            let room = min(output.capacity &- output.count, 1 << 30)
            stream.next_out = output.base! + output.count
            stream.avail_out = UInt32(room)
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            let produced = room &- Int(stream.avail_out)
            output.extend(by: produced)
            consumed &+= chunkIn &- Int(stream.avail_in)
            switch status {
            case Z_STREAM_END: return consumed
            case Z_OK, Z_BUF_ERROR:
                if status == Z_BUF_ERROR, consumed == available, produced == 0 {
                    throw CSVError(file: name, message: "the compressed data ends early", hint: "the file may be cut short")
                }
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw CSVError(file: name, message: "the compressed data is damaged: \(reason)")
            }
        }
    }

    static func crc(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var value: uLong = crc32(0, nil, 0)
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count &- offset, 1 << 30)
            value = crc32(value, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset, UInt32(n))
            offset &+= n
        }
        return UInt32(truncatingIfNeeded: value)
    }
}
