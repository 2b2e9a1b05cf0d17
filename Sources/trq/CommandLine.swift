#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import CLibedit
import TRQEngine
import TRQLanguage
import TRQPlot
#if Spark
import TRQSpark
#endif

let trqVersion = "0.1.0"

extension OutputFormat: ExpressibleByArgument {}

/// `trq`'s command line. Options come first: everything from the script file on belongs to
/// the script (`trq --format csv report.trq 2024 --verbose` passes `2024` and `--verbose`).
struct Invocation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trq",
        abstract: "Query music-streaming data with pipelines: load | filter | groupby | ... | save.",
        usage: """
            trq [OPTIONS]                            interactive shell
            trq [OPTIONS] FILE.trq [ARGS ...]        run a script; ARGS are $1, $2, ...
            trq [OPTIONS] -c STATEMENTS [ARGS ...]   run statements
            trq [OPTIONS] - [ARGS ...]               run a script read from standard input
            """,
        discussion: """
            Results go to standard output; diagnostics and progress to standard error. Options \
            must come before the script: everything after FILE is passed to the script. Without \
            a script, trq opens the shell when standard input is a terminal, and otherwise runs \
            standard input as a script.

            Results print as boxed tables unless --format says otherwise, whether or not the \
            output is a terminal (as DuckDB does); use --format csv for output meant for programs.

            Exit status: 0 on success, 1 when a statement fails (the error names FILE:LINE:COL), \
            2 on a usage error.
            """,
        version: "trq \(trqVersion)")

    @ArgumentParser.Option(name: .customShort("c"), help: ArgumentHelp("Run STATEMENTS and exit.", valueName: "statements"))
    var statements: String?

    @ArgumentParser.Option(help: "How printed results look (default: table).")
    var format: OutputFormat?

    @ArgumentParser.Option(name: .customLong("set"), help: ArgumentHelp(
        "Define $NAME for the statements (repeatable).", valueName: "name=value"))
    var assignments: [String] = []

    @Flag(name: .customLong("no-cache"), help: "Neither read nor write the on-disk cache of trained models (~/.cache/trq).")
    var noCache = false

    @ArgumentParser.Option(name: .customLong("memory-limit"), help: ArgumentHelp(
        "Refuse to load a file that would need more memory than SIZE (e.g. 8G, 500M; default: 80% of RAM).",
        valueName: "size"))
    var memoryLimit: String?

    @ArgumentParser.Option(name: .customLong("connect"), help: ArgumentHelp(
        "Run pipelines on Apache Spark through Spark Connect (default: $TRQ_SPARK_REMOTE; needs a build with --traits Spark).",
        valueName: "sc://host:port"))
    var connect: String?

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp(
        "The script (FILE.trq, or - for standard input) and its arguments; with -c, arguments only.",
        valueName: "script-and-arguments"))
    var arguments: [String] = []

    func validate() throws {
        // Passthrough capture starts at the first input it does not know, so the built-in
        // flags and unknown options arrive here.
        if let first = arguments.first, first.hasPrefix("-"), first != "-" {
            switch first {
            case "--help", "-h": throw CleanExit.helpRequest(self)
            case "--version": throw CleanExit.message(Self.configuration.version)
            default: throw ValidationError("Unknown option '\(first)'")
            }
        }
        _ = try variables()
        _ = try memoryLimitBytes()
    }

    /// `--memory-limit` in bytes: a number with an optional K, M, G or T suffix (powers of 1024).
    /// Without it, 80% of the machine's physical memory.
    func memoryLimitBytes() throws(ValidationError) -> Int {
        guard var text = memoryLimit?.uppercased() else {
            return Int(Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE))) * 0.8)
        }
        if text.hasSuffix("B") { text.removeLast() }
        let scales: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024]
        var scale = 1.0
        if let last = text.last, let s = scales[last] {
            scale = s
            text.removeLast()
        }
        guard let number = Double(text), number > 0, number * scale < 9e18 else {
            throw ValidationError("--memory-limit expects a size such as 8G or 500M, got '\(memoryLimit ?? "")'")
        }
        return Int(number * scale)
    }

    /// `--set` values by name.
    func variables() throws(ValidationError) -> [String: String] {
        var variables: [String: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), isVariableName(assignment[..<equals]) else {
                throw ValidationError(
                    "--set expects NAME=VALUE with NAME made of letters, digits and _ (not starting with a digit), got '\(assignment)'")
            }
            variables[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        return variables
    }
}

private func isVariableName(_ name: Substring) -> Bool {
    guard let first = name.unicodeScalars.first, first.isASCII, !("0"..."9").contains(first) else { return false }
    return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0 == "_" || ("0"..."9").contains($0)) }
}

/// Runs trq with `arguments` (without the program name); returns the exit status.
func runCommandLine(_ arguments: [String]) -> Int32 {
    let invocation: Invocation
    do {
        invocation = try Invocation.parse(arguments)
    } catch {
        let message = Invocation.fullMessage(for: error)
        if Invocation.exitCode(for: error) == .success {
            writeAll(message + "\n", to: 1)
            return 0
        }
        printError(message + "\n")
        return 2
    }

    var settings = SessionSettings()
    settings.format = invocation.format ?? .table
    if invocation.noCache { settings.modelCacheDirectory = nil }
    settings.variables = (try? invocation.variables()) ?? [:]
    settings.memoryLimit = try? invocation.memoryLimitBytes()
    // Output that goes to neither a terminal nor a given COLUMNS keeps the session's wider default.
    settings.width = TerminalEnvironment.width(fallback: settings.width)
    settings.color = TerminalEnvironment.colorEnabled()

    let source: (text: String, file: String)
    var scriptArguments = invocation.arguments[...]
    if let statements = invocation.statements {
        source = (statements, "<command>")
    } else if let script = scriptArguments.popFirst() {
        let file = script == "-" ? "<stdin>" : script
        do throws(ReadError) {
            let bytes = script == "-" ? try readAllBytes(fd: 0) : try readAllBytes(path: script)
            guard let text = decodeScript(bytes, file: file) else { return 1 }
            source = (text, file)
        } catch {
            printError("trq: error: cannot read script '\(file)': \(error.reason)\n")
            return 2
        }
    } else if !isTerminal(0) {
        do throws(ReadError) {
            guard let text = decodeScript(try readAllBytes(fd: 0), file: "<stdin>") else { return 1 }
            source = (text, "<stdin>")
        } catch {
            printError("trq: error: cannot read standard input: \(error.reason)\n")
            return 2
        }
    } else {
        settings.interactive = true
        let session = makeSession(settings)
        // In the shell a failed connection is reported and the local engine stays.
        if let url = remote(invocation) { try? connect(session, url) }
        guard let shell = Shell(session: session) else {
            printError("trq: error: cannot start the line editor on this terminal\n")
            return 2
        }
        return shell.run()
    }

    for (i, argument) in scriptArguments.enumerated() { settings.variables[String(i + 1)] = argument }
    let session = makeSession(settings)
    if let url = remote(invocation) {
        do { try connect(session, url) } catch { return 1 }
    }
    let outcome = session.execute(source.text, file: source.file)
    fflush(trq_stdout())
    return outcome == .failed ? 1 : 0
}

private func makeSession(_ settings: SessionSettings) -> Session {
    let session = Session(settings: settings, write: { text in
        var text = text
        text.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, trq_stdout()) }
    }, writeError: printError)
    #if Spark
    session.connector = { (url, at) throws(Diagnostic) in try SparkExecutor(url, at: at) }
    #endif
    return session
}

/// The Spark Connect URL to start with: --connect, else $TRQ_SPARK_REMOTE.
private func remote(_ invocation: Invocation) -> String? {
    invocation.connect ?? getenv("TRQ_SPARK_REMOTE").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
}

/// Connects the session, printing the error (as `trq: error: ...`) when that fails.
private func connect(_ session: Session, _ url: String) throws(Diagnostic) {
    do {
        try session.connect(url, at: nil)
    } catch {
        printError("trq: error: \(error.message)" + (error.hint.map { " (\($0))" } ?? "") + "\n")
        throw error
    }
}

/// The script's text, or nil after reporting where it is not valid UTF-8.
private func decodeScript(_ bytes: [UInt8], file: String) -> String? {
    do {
        return try decodeSource(bytes, file: file)
    } catch {
        // Columns count from after a byte order mark, as decodeSource does.
        let shown = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        printError(error.rendered(file: file, source: String(decoding: shown, as: UTF8.self)) + "\n")
        return nil
    }
}
