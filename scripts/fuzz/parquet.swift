// libFuzzer target for the Parquet reader, read as `load` reads it (`ParquetSource`); built by
// scripts/fuzz/run-parquet against TRQFrame (as its own module) and Sources/TRQParquet. The input is a file's
// bytes. Invariants, beyond not crashing: a file that loads is saved as Parquet by trq and
// loads back to the same table.
import TRQFrame
#if canImport(Glibc)
import Glibc
#endif

private let path = "/tmp/trq-fuzz-parquet-\(getpid()).parquet"
private let rewrittenPath = path + ".rewritten.parquet"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParquet(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    writeFile(path, Array(UnsafeBufferPointer(start: data, count: size)))
    guard let table = try? load(path) else { return 0 }
    writeFile(rewrittenPath, ParquetWriter.encode(table, rowGroupSize: 64, pageRows: 16))
    do {
        let back = try load(rewrittenPath)
        require(same(table, back), "a loaded file saved as Parquet reads back differently")
    } catch {
        require(false, "a loaded file saved as Parquet does not load: \(error)")
    }
    return 0
}

private func load(_ path: String) throws(SourceError) -> Table {
    let source = try ParquetSource(file: .onDisk(path), options: SourceOptions())
    return try source.read(ReadRequest()).table
}

private func writeFile(_ name: String, _ bytes: [UInt8]) {
    let fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot write \(name)")
    bytes.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
    close(fd)
}
