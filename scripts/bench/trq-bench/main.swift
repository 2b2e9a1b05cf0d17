// trq-bench: times loading files (CSV, JSON, NDJSON; as `load` reads them), or dumps what it read.
//
//   trq-bench load [OPTIONS] FILE_OR_GLOB   load, print rows, columns, types, seconds, peak RSS
//   trq-bench dump [OPTIONS] FILE_OR_GLOB   load and write the table as JSON to stdout
//   trq-bench save [OPTIONS] FILE OUT       load, then time writing OUT (.csv .tsv .json .md)
// OPTIONS: --delimiter C (\t for tab)  --encoding NAME  --no-header  --repeat N
//          --columns a,b (read only these columns of one file)
import TRQFrame
#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    let bytes = Array((message + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

returnLargeFreedBlocksToTheSystem()
var arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first, ["load", "dump", "save"].contains(command) else {
    fail("usage: trq-bench load|dump|save [--delimiter C] [--encoding NAME] [--no-header] [--repeat N] [--columns A,B] FILE [OUT]")
}
arguments.removeFirst()
var options = CSVOptions()
var repeats = 1
var columns: Set<String>?
var path: String?
var output: String?
while let argument = arguments.first {
    arguments.removeFirst()
    switch argument {
    case "--delimiter":
        guard let value = arguments.first else { fail("--delimiter needs a value") }
        arguments.removeFirst()
        options.delimiter = value == "\\t" ? 9 : value.utf8.first
    case "--encoding":
        guard let value = arguments.first, let encoding = CSVEncoding(name: value) else { fail("--encoding utf8|latin1") }
        arguments.removeFirst()
        options.encoding = encoding
    case "--columns":
        guard let value = arguments.first else { fail("--columns needs names, e.g. country,ms_played") }
        arguments.removeFirst()
        columns = Set(value.split(separator: ",").map(String.init))
    case "--no-header":
        options.header = false
    case "--repeat":
        guard let value = arguments.first, let n = Int(value) else { fail("--repeat needs a number") }
        arguments.removeFirst()
        repeats = n
    default:
        if path == nil { path = argument } else { output = argument }
    }
}
guard let path else { fail("no file given") }

/// A CSV file or glob through the CSV reader; a JSON or NDJSON file through its `load` source,
/// as a pipeline reads it (the schema, then the read).
@MainActor func load(_ path: String) throws(CSVError) -> Table {
    if let columns { return try CSVReader.read(path: path, options: options, columns: columns) }
    let formats: [any TableSource.Type] = [JSONSource.self, NDJSONSource.self]
    guard let format = formats.first(where: { $0.hasExtension(path) }) else { return try CSVReader.load(path, options: options) }
    let files = try SourceFiles(files: [SourceFile.onDisk(path)], format: format, options: SourceOptions())
    _ = try files.schema()
    return try files.read(columns: nil, predicates: [], cancel: CancellationToken()).table
}

do {
    var table = Table()
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = now()
        table = Table()
        table = try load(path)
        times.append(now() - start)
    }
    if command == "save" {
        guard let output, let format = TableFormat(path: output) else { fail("save needs an output .csv/.tsv/.json/.md path") }
        var saveTimes: [Double] = []
        for _ in 0..<repeats {
            let start = now()
            try saveAtomically(TableWriter.encode(table, as: format), to: output, overwrite: true)
            saveTimes.append(now() - start)
        }
        print("rows=\(table.rowCount) save_best_seconds=\(saveTimes.min()!) all_seconds=\(saveTimes.map { (($0 * 1000).rounded() / 1000) })")
    } else if command == "dump" {
        let bytes = TableWriter.json(table)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + written, $0.count - written) }
            if n <= 0 { fail("cannot write to stdout") }
            written += n
        }
    } else {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let schema = zip(table.names, table.columns).map { "\($0):\($1.type.rawValue)" }.joined(separator: ",")
        print("rows=\(table.rowCount) columns=\(table.columnCount) best_seconds=\(times.min()!) "
              + "all_seconds=\(times.map { (($0 * 1000).rounded() / 1000) }) peak_rss_mb=\(usage.ru_maxrss / 1024)")
        print("schema=\(schema)")
    }
} catch {
    fail("error: \(error)")
}
