import Foundation
import TRQFrame
import TRQLanguage

/// One line of `.help`: a verb and an example of it.
let verbHelp: [(verb: String, example: String, meaning: String)] = [
    ("load", #"load "data/listening_2023.csv" with nulls = ["", "NA"]"#, "read CSV/TSV, JSON, NDJSON (.gz too), a Spotify export .zip or folder, or a glob of them"),
    ("filter", #"filter country == "BR" and ms_played > 30000"#, "keep rows where the condition is true (with per/by: over partitions, as derive)"),
    ("select", "select user_id, minutes = ms_played / 60000", "keep (or compute) these columns, in this order"),
    ("derive", "derive share = ms_played / sum(ms_played) per country", "add or replace columns; with per KEY, ... an aggregate is over the row's partition"),
    ("per/by", "derive prev = lag(plays), r = rank() per artist_id by month", "window functions read the partition in by order; rows keep their order"),
    ("drop", "drop platform, skipped", "remove columns"),
    ("rename", "rename listener = user_id", "rename columns (new = old)"),
    ("groupby", "groupby country, platform agg plays = count(), avg_s = round(mean(ms_played) / 1000, 1)", "one row per distinct key"),
    ("agg", "agg plays = count(), users = count_distinct(user_id), range = max(ms_played) - min(ms_played)", "aggregate the whole table into one row"),
    ("sort", "sort plays desc, country", "stable sort; nulls last"),
    ("top", "top 3 by plays per country", "the N largest rows, optionally within groups"),
    ("limit", "limit 10", "the first N rows"),
    ("distinct", "distinct user_id, track_id", "drop duplicate rows, keeping the first"),
    ("dropna", "dropna ms_played", "drop rows with a null"),
    ("fillna", "fillna ms_played = 0", "replace nulls"),
    ("join", "join left tracks on track_id", "hash join with a bound table (join cross T: every pair of rows)"),
    ("union", "union plays_2022, plays_2021", "the rows of these tables after this one's, columns matched by name"),
    ("pivot", "pivot genre using mean(ms_played) per country", "one column per value of COL (ascending), one row per per key; explain lists the columns"),
    ("unpivot", "unpivot h1, h2 into half, plays", "the listed columns as NAME, VALUE rows"),
    ("describe", "describe", "summary statistics per column"),
    ("recommend", #"recommend for "u0042" k 10 model bpr"#, "recommendations: als, bpr, item_knn, popularity (also: similar, eval)"),
    ("classify", "classify genre eval", "classifier (logistic, mlp, cnn, forest, boost, auto): predict or evaluate"),
    ("cluster", "cluster k 5 features energy, valence", "k-means: adds cluster and distance (also: cluster eval k 2, 4, 8)"),
    ("plot", #"plot bar genre plays to "out/genres.svg""#, "bar, line, hist, scatter or heatmap (X Y VALUE) chart; terminal, .svg or .html"),
    ("save", #"save "out/result.csv""#, "write the table (.csv .tsv .json .ndjson .md .parquet), atomically"),
    ("collect", "collect", "under Spark: bring the result here; the stages after it run locally"),
    ("explain", #"explain plays | filter country == "US" | agg n = count()"#, "print the plan instead of running it: each source's columns and filters"),
]

let commandHelp: [(command: String, meaning: String)] = [
    (".help [TOPIC]", "this help, or one verb's"),
    (".tables", "bound tables with their sizes"),
    (".schema [NAME]", "column names and types"),
    (".mode table|csv|json|markdown", "how results print"),
    (".timer on|off", "print each statement's run time"),
    (".rows N", "rows shown before a table is elided"),
    (".models", "models trained in this session"),
    (".read FILE", "run a script file"),
    (".connect URL", "run pipelines on Apache Spark (sc://HOST:PORT, Spark Connect); .disconnect returns to local"),
    (".engine", "which engine runs pipelines: local or Spark's URL"),
    (".report PATH [TITLE]", "an HTML page of the tables saved and charts written, kept up to date (.report off stops)"),
    (".quit / .exit", "leave the shell (Ctrl-D also)"),
]

extension Session {
    func runCommand(_ name: String, _ arguments: [String], at: SourceLocation, file: String) throws(Diagnostic) -> ExecutionOutcome {
        func argument(_ usage: String) throws(Diagnostic) -> String {
            guard arguments.count == 1 else { throw Diagnostic("usage: .\(usage)", at: at) }
            return arguments[0]
        }
        switch name.lowercased() {
        case "help":
            write(help(topic: arguments.first))
        case "tables":
            var out = Table()
            try Diagnostic.located(at: at) { () throws(FrameError) in
                try out.append("name", Column(values: tableNames.map { .string($0) }))
                try out.append("rows", Column(.int(tableNames.map { Int64(tables[$0]!.rowCount) })))
                try out.append("columns", Column(.int(tableNames.map { Int64(tables[$0]!.columnCount) })))
            }
            write(render(out))
        case "schema":
            let names = arguments.isEmpty ? tableNames : arguments
            var text = ""
            for name in names {
                let t = try table(named: name, at: at)
                text += "\(name): " + zip(t.names, t.columns).map { "\($0) \($1.type.rawValue)" }.joined(separator: ", ") + "\n"
            }
            write(text)
        case "mode":
            let mode = try argument("mode table|csv|json|markdown")
            guard let format = OutputFormat(rawValue: mode.lowercased()) else {
                throw Diagnostic("unknown mode '\(mode)'\(suggestion(for: mode, in: OutputFormat.allCases.map(\.rawValue)))", at: at)
            }
            settings.format = format
        case "timer":
            switch try argument("timer on|off").lowercased() {
            case "on": settings.timer = true
            case "off": settings.timer = false
            default: throw Diagnostic("usage: .timer on|off", at: at)
            }
        case "rows":
            guard let n = Int(try argument("rows N")), n > 0 else { throw Diagnostic("usage: .rows N (a whole number > 0)", at: at) }
            settings.maxRows = n
        case "models":
            write(render(models.listing()))
        case "read":
            let path = try argument("read FILE")
            let source: String
            do { source = try readSource(path) } catch { throw Diagnostic(error.message, at: at) }
            switch execute(source, file: path) {
            case .failed: throw Diagnostic("\(path) stopped at its first error (above)", at: at)
            case .quit: return .quit
            case .success: break
            }
        case "report":
            try reportCommand(arguments, at: at)
        case "connect":
            try connect(try argument("connect sc://HOST:PORT"), at: at)
        case "disconnect":
            executor.close()
            executor = LocalExecutor()
        case "engine":
            write(executor.name + "\n")
        case "quit", "exit":
            return .quit
        default:
            let known = commandHelp.map { String($0.command.dropFirst().prefix { $0.isLetter }) }
            throw Diagnostic("unknown command '.\(name)'\(suggestion(for: name, in: known)); .help lists them", at: at)
        }
        return .success
    }

    /// `.connect URL` (also `trq --connect URL`): later pipelines run on that engine.
    package func connect(_ url: String, at: SourceLocation?) throws(Diagnostic) {
        guard let connector else {
            throw Diagnostic("this trq was built without the Spark engine", at: at,
                             hint: "build it with `swift build --traits Spark` (README, \"Running on Spark\")")
        }
        let engine = try connector(url, at)
        executor.close()
        executor = engine
        writeError("connected to \(engine.name)\n")
    }

    private func help(topic: String?) -> String {
        if let topic {
            if let function = FunctionRegistry.byName[topic.lowercased()] {
                return "\(function.name)(): \(function.help)\n  e.g. \(function.example)\n"
            }
            // `.help per` and `.help by` both find the `per/by` entry.
            let wanted = topic.lowercased()
            guard let entry = verbHelp.first(where: { $0.verb.split(separator: "/").contains(Substring(wanted)) }) else {
                let topics = verbHelp.map(\.verb) + FunctionRegistry.all.map(\.name)
                return "no help for '\(topic)'\(suggestion(for: topic, in: topics)); .help lists every verb and function\n"
            }
            var text = "\(entry.verb): \(entry.meaning)\n  e.g. \(entry.example)\n"
            if entry.verb == "load" {
                for format in SourceFormats.all {
                    text += "  format \"\(format.formatName)\" (." + format.fileExtensions.joined(separator: " .") + (format.options.isEmpty ? "), no options\n" : "), options:\n")
                    for option in format.options { text += "    \(option.name): \(option.help)\n" }
                }
            }
            return text
        }
        let width = verbHelp.map(\.verb.count).max()!
        var text = "Pipelines: SOURCE | STAGE | STAGE ...   (let NAME = PIPELINE binds a table; _ is the last result)\n\n"
        for entry in verbHelp {
            text += entry.verb.padding(width) + "  " + entry.meaning + "\n" + String(repeating: " ", count: width + 4) + entry.example + "\n"
        }
        text += "\n" + wrapped("Functions:", Vocabulary.scalarFunctions)
        text += "  date_trunc(unit, t): the start of t's " + TimeUnit.allCases.map(\.rawValue).joined(separator: "|")
            + " (weeks start on Monday); a date stays a date\n"
        text += wrapped("Aggregates:", Vocabulary.aggregateFunctions)
        text += "  an agg item may combine them with keys and constants: share = sum(x) / count(), skip_rate = mean(float(skipped))\n"
        text += wrapped("Windows:", Vocabulary.windowFunctions)
        text += "  in derive/filter ... [per KEY, ...] [by KEY [asc|desc], ...]: lag(x [, n [, default]]), rolling_mean(x, n)\n"
        text += "\nShell commands:\n"
        let commandWidth = commandHelp.map(\.command.count).max()!
        for entry in commandHelp { text += "  " + entry.command.padding(commandWidth) + "  " + entry.meaning + "\n" }
        return text
    }
}

/// `title` and `words` in lines of at most 100 characters, continued lines indented by two spaces.
private func wrapped(_ title: String, _ words: [String]) -> String {
    var text = title
    var lineStart = text.startIndex
    for word in words {
        if text.distance(from: lineStart, to: text.endIndex) + 1 + word.count > 100 {
            text += "\n "
            lineStart = text.index(before: text.endIndex)
        }
        text += " " + word
    }
    return text + "\n"
}

/// Reads a script file as UTF-8, naming the line and column of an invalid byte.
public func readSource(_ path: String) throws(FrameError) -> String {
    guard let handle = fopen(path, "rb") else { throw FrameError("cannot open \(path): no such file or not readable") }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, handle)
        if n <= 0 { break }
        bytes.append(contentsOf: buffer[0..<n])
    }
    do { return try decodeSource(bytes, file: path) } catch { throw FrameError(error.rendered(file: path, source: "")) }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
