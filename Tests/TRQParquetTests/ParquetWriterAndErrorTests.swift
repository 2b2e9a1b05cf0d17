import Foundation
import Testing
import TRQFrame
@testable import TRQParquet

func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "trq-parquet-\(UUID().uuidString)-\(name)"
}

func write(_ bytes: [UInt8], _ name: String) throws -> String {
    let path = temporaryPath(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// Every type with nulls, over `rows` rows.
func sampleTable(rows: Int) throws -> Table {
    let genres = ["pop", "rock", "", "ünï \"q\""]
    var valid = Validity(count: rows, allValid: true)
    for i in stride(from: 3, to: rows, by: 7) { valid.clear(i) }
    return try Table(names: ["n", "x", "b", "s", "t", "d", "all_null"], columns: [
        Column(.int((0..<rows).map { Int64($0) * (Int64($0 % 2) * 2 - 1) * 1_000_000_007 })),
        Column(.float((0..<rows).map { Double($0) / 8 }), validity: valid),
        Column(.bool((0..<rows).map { $0 % 3 == 0 }), validity: valid),
        Column(.string(codes: (0..<rows).map { Int32($0 % 4) }, dictionary: StringDictionary(genres)), validity: valid),
        Column(.timestamp((0..<rows).map { Int64($0) * 86_400_000_001 - 40_000 * microsPerDay })),
        Column(.date((0..<rows).map { Int32($0 - 1000) }), validity: valid),
        Column.nulls(.string, count: rows),
    ])
}

@Test(arguments: ParquetWriter.Compression.allCases)
func writtenFilesReadBackIdentically(_ compression: ParquetWriter.Compression) throws {
    let table = try sampleTable(rows: 2500)
    // Small row groups and pages so several of each are written and merged on reading.
    let path = try write(ParquetWriter.encode(table, compression: compression, rowGroupSize: 1000, pageRows: 300), "w.parquet")
    let result = try load(path)
    let back = result.table
    #expect(result.rowGroups == 3)
    #expect(back.names == table.names)
    #expect(back.columns.map(\.type) == table.columns.map(\.type))
    #expect(cells(back) == cells(table))
}

@Test func writtenStatisticsLetReadsSkipRowGroups() throws {
    let table = try sampleTable(rows: 2500)
    let path = try write(ParquetWriter.encode(table, rowGroupSize: 1000), "stats.parquet")
    let skipped = try load(path, predicates: [compare("d", .greaterOrEqual, .date(1000))])
    #expect(skipped.rowGroupsSkipped == 2)
    // Every group holds "", the least string, so nothing is less.
    let strings = try load(path, predicates: [compare("s", .less, .string(""))])
    #expect(strings.rowGroupsSkipped == 3)
    #expect(strings.table.rowCount == 0)
    let nulls = try load(path, predicates: [SourcePredicate(column: "all_null", test: .isNull(negated: true))])
    #expect(nulls.rowGroupsSkipped == 3)
}

@Test func emptyTableWrites() throws {
    let table = try sampleTable(rows: 0)
    let path = try write(ParquetWriter.encode(table), "empty.parquet")
    let back = try load(path).table
    #expect(back.rowCount == 0)
}

// Bad input: each error names the file (and the column and row group where one is at fault).

func corrupted(_ edit: (inout [UInt8]) -> Void) throws -> String {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture("types-v2-plain.parquet"))))
    edit(&bytes)
    return try write(bytes, "bad.parquet")
}

func loadError(_ path: String) -> String {
    do {
        _ = try load(path)
        return "no error"
    } catch {
        #expect("\(error)".hasPrefix(path))
        return "\(error)"
    }
}

@Test func truncatedFileIsAnError() throws {
    let path = try corrupted { $0.removeLast(100) }
    #expect(loadError(path).contains("does not end with the Parquet magic bytes PAR1"))
    let tiny = try corrupted { $0 = Array($0.prefix(5)) }
    #expect(loadError(tiny).contains("too short for a Parquet file"))
}

@Test func badMagicAndFooterLength() throws {
    let magic = try corrupted { $0[0] = UInt8(ascii: "X") }
    #expect(loadError(magic).contains("does not start with the Parquet magic bytes"))
    let footer = try corrupted { bytes in
        let n = bytes.count
        (bytes[n - 8], bytes[n - 7], bytes[n - 6], bytes[n - 5]) = (0xFF, 0xFF, 0xFF, 0x0F)
    }
    #expect(loadError(footer).contains("footer length 268435455 is past the start of the file"))
    let garbled = try corrupted { bytes in
        let n = bytes.count
        let length = Int(bytes[n - 8]) | Int(bytes[n - 7]) << 8
        for i in (n - 8 - length)..<(n - 8 - length + 40) { bytes[i] = 0xEE }
    }
    #expect(loadError(garbled).contains("the footer (file metadata) is corrupt"))
}

@Test func encryptedFilesAreRefused() throws {
    let path = try corrupted { bytes in
        bytes.replaceSubrange((bytes.count - 4)..., with: Array("PARE".utf8))
    }
    #expect(loadError(path).contains("is encrypted"))
}

/// The offset of the first data page's payload (after its header) of `column` in row group 0
/// of the checksum fixture.
func firstPagePayload(_ column: String) throws -> Int {
    let file = try ParquetFile(path: fixture("types-v2-plain.parquet"))
    let index = file.schema.leaves.firstIndex { $0.path == [column] }!
    let offset = Int(file.metadata.rowGroups[0].columns[index].metadata!.dataPageOffset)
    var reader = ThriftReader(UnsafeRawBufferPointer(rebasing: file.bytes[offset...]))
    _ = try PageHeader(&reader)
    return offset + reader.position
}

@Test func checksumMismatchNamesColumnAndRowGroup() throws {
    let payload = try firstPagePayload("genre")
    let path = try corrupted { $0[payload + 2] ^= 0x5A }
    // The schema comes from the footer alone: the damaged page is found only by a read.
    let source = try ParquetSource(file: .onDisk(path), options: SourceOptions())
    #expect(try source.schema().map(\.name) == ["id", "small", "score", "liked", "genre", "day", "ts_ms", "ts_us", "ts_ns", "price", "raw"])
    let message = loadError(path)
    #expect(message.contains("column 'genre', row group 0: page checksum mismatch"))
}

@Test func corruptCompressedPageIsAnError() throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture("types-zstd.parquet"))))
    let file = try ParquetFile(path: fixture("types-zstd.parquet"))
    let meta = file.metadata.rowGroups[0].columns[0].metadata!
    let start = Int(meta.dictionaryPageOffset ?? meta.dataPageOffset)
    for i in (start + 12)..<(start + Int(meta.compressedSize)) { bytes[i] = 0xA5 }
    let message = loadError(try write(bytes, "corrupt.parquet"))
    #expect(message.contains("column 'id', row group 0"))
}

/// Every single-byte corruption of a small file either loads or gives an error naming it;
/// none crashes (the fuzzer, scripts/fuzz/run-parquet, tries far more).
@Test func singleByteCorruptionsNeverCrash() throws {
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture("types-snappy.parquet"))))
    let path = temporaryPath("flip.parquet")
    for i in stride(from: 0, to: original.count, by: 3) {
        var bytes = original
        bytes[i] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do { _ = try load(path) } catch let error as SourceError { #expect(error.file == path) }
    }
}

/// trq's Snappy decoder (snappy.c) gives back what libsnappy compressed, for data with long and
/// short literals, near and far copies and overlapping runs; a truncated or damaged block is an
/// error or, when it still decodes to the right length, no crash.
@Test func snappyDecoderUndoesLibsnappy() throws {
    var generator = SystemRandomNumberGenerator()
    func sample(_ kind: Int, _ n: Int) -> [UInt8] {
        (0..<n).map { i in
            switch kind {
            case 0: UInt8.random(in: 0...255, using: &generator)
            case 1: UInt8(i % 3)
            case 2: i % 8 < 3 ? UInt8.random(in: 0...255, using: &generator) : 0
            case 3: Array("abcabcabdabc".utf8)[i % 12]
            default: UInt8(truncatingIfNeeded: i / 7)
            }
        }
    }
    for n in [0, 1, 15, 16, 17, 64, 65, 1000, 70_000, 300_000] {
        for kind in 0..<5 {
            let original = sample(kind, n)
            let compressed = original.withUnsafeBytes { Codec.snappy.compress($0) }
            var out = [UInt8](repeating: 0, count: n)
            try compressed.withUnsafeBytes { source in try out.withUnsafeMutableBytes { try Codec.snappy.decompress(source, into: $0) } }
            #expect(out == original, "\(n) bytes of kind \(kind)")
            guard compressed.count > 2 else { continue }
            var damaged = compressed
            damaged[Int.random(in: 1..<damaged.count, using: &generator)] ^= 0x3C
            for block in [damaged, Array(compressed.dropLast())] {
                _ = try? block.withUnsafeBytes { source in try out.withUnsafeMutableBytes { try Codec.snappy.decompress(source, into: $0) } }
            }
            let short = Array(compressed.dropLast())
            #expect(throws: EncodingFailure.self) {
                try short.withUnsafeBytes { source in try out.withUnsafeMutableBytes { try Codec.snappy.decompress(source, into: $0) } }
            }
        }
    }
}
