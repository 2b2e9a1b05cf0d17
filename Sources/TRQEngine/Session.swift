import Foundation
import TRQFrame
import TRQLanguage

/// How printed results look.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json, markdown
}

public struct SessionSettings: Sendable {
    public var format: OutputFormat = .table
    /// `$NAME` values from `--set NAME=VALUE` and `$1`, `$2`... from script arguments.
    public var variables: [String: String] = [:]
    /// True in the interactive shell: enables per-class tables, progress bars and `_`.
    public var interactive = false
    /// Where trained models are kept between runs; nil (`--no-cache`) keeps them in memory only.
    public var modelCacheDirectory: String? = ModelCache.defaultDirectory
    /// Rows shown before a printed table is elided in the middle.
    public var maxRows = 40
    /// Terminal width for tables and charts.
    public var width = 100
    /// Colour in terminal charts.
    public var color = false
    public var timer = false
    /// Bytes a single load may need before it is refused.
    public var memoryLimit: Int? = nil
    public init() {}
}

/// What happened when a text was executed.
public enum ExecutionOutcome: Sendable, Equatable {
    case success
    /// The first error; already written to the error stream, rendered with file, line and caret.
    case failed
    /// `.quit` or `.exit` was executed.
    case quit
}

/// A shell or script session: bound tables, settings, and the model cache.
public final class Session {
    public var settings: SessionSettings
    /// Results (stdout).
    public var write: (String) -> Void
    /// Diagnostics and progress (stderr).
    public var writeError: (String) -> Void

    private(set) var tables: [String: Table] = [:]
    private var tableOrder: [String] = []
    private var lastResult: Table?
    /// Why the last pipeline's result was not fetched whole (a `save` on the cluster, a printed
    /// preview), when it was not.
    private var lastResultUnfetched: String?
    package let models = ModelCache()
    /// Runs the plans: the local engine unless another is connected.
    package var executor: any PlanExecutor = LocalExecutor()
    /// Opens a remote engine for `.connect URL`; set by a trq built with the Spark trait, nil
    /// otherwise.
    package var connector: ((String, SourceLocation?) throws(Diagnostic) -> any PlanExecutor)?
    /// Set to stop the running statement (the shell's Ctrl-C); cleared before each statement.
    public let cancellation = CancellationToken()
    /// What the sources of the running statement warn about, shown once it ends.
    let loadWarnings = CSVWarnings()
    /// Files written in this session, for `.report`.
    var report = ReportLog()
    /// The statement being run, for the captions of what it writes.
    private(set) var currentStatement: StatementSpan?

    public init(settings: SessionSettings, write: @escaping (String) -> Void, writeError: @escaping (String) -> Void) {
        self.settings = settings
        self.write = write
        self.writeError = writeError
    }

    /// Parses and runs every statement of `source` in order, stopping at the first error.
    public func execute(_ source: String, file: String) -> ExecutionOutcome {
        let statements: [Statement]
        do {
            statements = try parse(source, variables: settings.variables)
        } catch {
            writeError(error.rendered(file: file, source: source) + "\n")
            return .failed
        }
        let outcome = run(statements, spans: StatementSpan.spans(of: statements, in: source), source: source, file: file)
        return refreshReportPage() ? outcome : .failed
    }

    private func run(_ statements: [Statement], spans: [StatementSpan], source: String, file: String) -> ExecutionOutcome {
        for (statement, span) in zip(statements, spans) {
            cancellation.reset()
            let started = DispatchTime.now().uptimeNanoseconds
            currentStatement = span
            defer { currentStatement = nil }
            do {
                if try run(statement, file: file) == .quit { return .quit }
            } catch {
                writeError(error.rendered(file: file, source: source) + "\n")
                return .failed
            }
            if settings.timer, case .command = statement {} else if settings.timer {
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                writeError("Run Time: \(String(format: "%.3f", seconds)) s\n")
            }
        }
        return .success
    }

    /// Names of the bound tables, for `.tables` and completion.
    public var tableNames: [String] { tableOrder }

    /// Column names of the table produced by the pipeline text typed so far (for TAB completion),
    /// e.g. `t | derive x = 1 | filter ` gives t's columns plus `x`. Empty when unknown. Nothing
    /// runs: the stages before the last `|` are bound, which reads at most a file's header.
    public func columnNames(forPipelinePrefix text: String) -> [String] {
        guard let bar = text.lastIndex(of: "|") else {
            return []
        }
        let prefix = String(text[..<bar])
        defer { _ = loadWarnings.drain() }  // completion stays quiet
        guard let statements = try? parse(prefix, variables: settings.variables),
              case .run(let pipeline)? = statements.last ?? nil,
              var bound = try? binder.bind(pipeline)
        else { return [] }
        // A step's own columns are known once it runs: the stages after it are bound on its input.
        while !bound.rest.isEmpty {
            guard let next = try? binder.bind(bound.rest.dropFirst(), onto: bound.plan) else { return [] }
            bound = next
        }
        return bound.plan.schema.names
    }

    private func run(_ statement: Statement, file: String) throws(Diagnostic) -> ExecutionOutcome {
        switch statement {
        case .bind(let name, let pipeline, _):
            let result = try evaluate(pipeline)
            bind(name, result.table)
        case .run(let pipeline):
            let boxed = settings.format == .table && settings.maxRows >= 0
            let result = try evaluate(pipeline, needsTable: false, shownRows: boxed ? settings.maxRows : nil)
            if let text = result.text { write(text) }
            if result.printsTable { write(render(result.table, rowCount: result.rowCount)) }
            lastResult = result.table
            lastResultUnfetched = result.unfetched
        case .command(let name, let arguments, let at):
            return try runCommand(name, arguments, at: at, file: file)
        case .explain(let pipeline):
            write(try explain(pipeline))
        }
        return .success
    }

    func bind(_ name: String, _ table: Table) {
        if tables.updateValue(table, forKey: name) == nil { tableOrder.append(name) }
    }

    func table(named name: String, at: SourceLocation) throws(Diagnostic) -> Table {
        if name == "_" {
            guard let lastResult else { throw Diagnostic("'_' names the last result, and nothing has been run yet", at: at) }
            if let why = lastResultUnfetched {
                throw Diagnostic("'_' names the last result, which was \(why)", at: at, kind: .notFound,
                                 hint: "load what was saved, or bind the pipeline with `let NAME = ...`")
            }
            return lastResult
        }
        guard let t = tables[name] else {
            let known = tableOrder.isEmpty ? "; bind one with `let \(name) = load \"FILE.csv\"`" : suggestion(for: name, in: tableOrder)
            throw Diagnostic("unknown table '\(name)'\(known)", at: at, kind: .notFound)
        }
        return t
    }

    /// A table as text in the session's output format.
    /// `rowCount`: the result's, when `table` is only its first rows (`PipelineResult.rowCount`).
    func render(_ table: Table, rowCount: Int? = nil) -> String {
        switch settings.format {
        case .table: return renderBox(table, maxRows: settings.maxRows, maxWidth: settings.width, rowCount: rowCount)
        case .csv: return String(decoding: TableWriter.csv(table), as: UTF8.self)
        case .json: return String(decoding: TableWriter.json(table), as: UTF8.self)
        case .markdown: return String(decoding: TableWriter.markdown(table), as: UTF8.self)
        }
    }
}

extension Diagnostic {
    init(_ error: FrameError, at: SourceLocation) {
        if error.isCancelled {
            self.init("cancelled (Ctrl-C); the session's tables are unchanged", at: at, kind: .cancelled)
        } else {
            self.init(error.message, at: at, kind: .runtime)
        }
    }
}
