import CFrameKernels
import CParquetCodecs
import CZlib


extension Codec {
    /// Decompresses `source` into `destination`, which has exactly the page's uncompressed size.
    func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws(EncodingFailure) {
        let src = source.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        guard let dst = destination.baseAddress else {
            if destination.count == 0 { return }
            throw EncodingFailure(message: "no output space")
        }
        let expected = destination.count
        var produced = 0
        switch self {
        case .uncompressed:
            guard source.count == expected else { throw EncodingFailure(message: "page is \(source.count) bytes, its header says \(expected)") }
            dst.copyMemory(from: src, byteCount: expected)
            return
        case .snappy:
            guard trq_snappy_decompress(src.assumingMemoryBound(to: UInt8.self), source.count, dst.assumingMemoryBound(to: UInt8.self), expected) == 0 else {
                throw EncodingFailure(message: "snappy data is corrupt or does not decompress to the page's \(expected) bytes")
            }
            produced = expected
        case .gzip:
            produced = try inflate(source, into: destination)
        case .zstd:
            let n = ZSTD_decompress(dst, expected, src, source.count)
            guard ZSTD_isError(n) == 0 else { throw EncodingFailure(message: "zstd: " + String(cString: ZSTD_getErrorName(n))) }
            produced = n
        case .lz4Raw:
            produced = Int(LZ4_decompress_safe(src.assumingMemoryBound(to: CChar.self), dst.assumingMemoryBound(to: CChar.self), Int32(clamping: source.count), Int32(clamping: expected)))
            guard produced >= 0 else { throw EncodingFailure(message: "lz4 data is corrupt") }
        case .lz4:
            // Hadoop's framing (big-endian uncompressed and compressed lengths before each
            // block); some writers put a bare LZ4 block instead.
            if let n = hadoopLZ4(source, into: destination) {
                produced = n
            } else {
                produced = Int(LZ4_decompress_safe(src.assumingMemoryBound(to: CChar.self), dst.assumingMemoryBound(to: CChar.self), Int32(clamping: source.count), Int32(clamping: expected)))
                guard produced >= 0 else { throw EncodingFailure(message: "lz4 data is corrupt") }
            }
        case .brotli:
            var length = expected
            guard BrotliDecoderDecompress(source.count, src.assumingMemoryBound(to: UInt8.self), &length, dst.assumingMemoryBound(to: UInt8.self)) == BROTLI_DECODER_RESULT_SUCCESS else {
                throw EncodingFailure(message: "brotli data is corrupt")
            }
            produced = length
        case .lzo:
            throw EncodingFailure(message: "the LZO codec is not supported")
        }
        guard produced == expected else {
            throw EncodingFailure(message: "decompressed to \(produced) bytes, the page header says \(expected)")
        }
    }

    private func hadoopLZ4(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> Int? {
        var input = 0, output = 0
        func bigEndian32(_ at: Int) -> Int { Int(UInt32(bigEndian: source.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
        while input < source.count {
            guard source.count &- input >= 8 else { return nil }
            let rawLength = bigEndian32(input), compressedLength = bigEndian32(input &+ 4)
            input &+= 8
            guard compressedLength <= source.count &- input, rawLength <= destination.count &- output else { return nil }
            let n = LZ4_decompress_safe(
                (source.baseAddress! + input).assumingMemoryBound(to: CChar.self),
                (destination.baseAddress! + output).assumingMemoryBound(to: CChar.self),
                Int32(compressedLength), Int32(rawLength))
            guard n == rawLength else { return nil }
            input &+= compressedLength
            output &+= rawLength
        }
        return output
    }

    private func inflate(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws(EncodingFailure) -> Int {
        var stream = z_stream()
        // 15 + 32: a zlib or gzip header, detected.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw EncodingFailure(message: "gzip: cannot initialise zlib")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(source.count)
        stream.next_out = destination.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(destination.count)
        while true {
            let status = zlib_inflate(&stream)
            if status == Z_STREAM_END {
                // Concatenated gzip members continue the same output.
                if stream.avail_in > 0, inflateReset(&stream) == Z_OK { continue }
                break
            }
            guard status == Z_OK else { throw EncodingFailure(message: "gzip data is corrupt") }
            if stream.avail_out == 0 || stream.avail_in == 0 { break }
        }
        return destination.count &- Int(stream.avail_out)
    }

    /// The compressed form of `source` (for the writer; only the codecs it offers).
    func compress(_ source: UnsafeRawBufferPointer) -> [UInt8] {
        let src = source.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        switch self {
        case .snappy:
            let capacity = snappy_max_compressed_length(source.count)
            return [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
                var length = capacity
                let status = snappy_compress(src.assumingMemoryBound(to: CChar.self), source.count, UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self), &length)
                precondition(status == SNAPPY_OK, "snappy_compress failed")
                count = length
            }
        case .zstd:
            let capacity = ZSTD_compressBound(source.count)
            return [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
                let n = ZSTD_compress(out.baseAddress!, capacity, src, source.count, 1)
                precondition(ZSTD_isError(n) == 0, "ZSTD_compress failed")
                count = n
            }
        case .gzip:
            var stream = z_stream()
            // 15 + 16: a gzip header, as Parquet's GZIP codec expects. The calls are not inside
            // `precondition`: release builds are -Ounchecked, which does not evaluate its condition.
            let initialized = deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            precondition(initialized == Z_OK, "deflateInit2 failed")
            defer { deflateEnd(&stream) }
            let capacity = Int(deflateBound(&stream, uLong(source.count)))
            return [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
                stream.next_in = UnsafeMutablePointer(mutating: src.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(source.count)
                stream.next_out = out.baseAddress!
                stream.avail_out = uInt(capacity)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate failed")
                count = capacity &- Int(stream.avail_out)
            }
        default:
            return Array(source)
        }
    }
}

/// zlib's `inflate`, renamed because the method above shadows it.
@inline(__always) private func zlib_inflate(_ stream: inout z_stream) -> Int32 { CZlib.inflate(&stream, Z_NO_FLUSH) }
