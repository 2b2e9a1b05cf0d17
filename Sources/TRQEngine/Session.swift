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
    public var useDiskCache = true
    /// Rows shown before a printed table is elided in the middle.
    public var maxRows = 40
    /// Terminal width for tables and charts.
    public var width = 100
    public var timer = false
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

    public init(settings: SessionSettings, write: @escaping (String) -> Void, writeError: @escaping (String) -> Void) {
        self.settings = settings
        self.write = write
        self.writeError = writeError
    }

    /// Parses and runs every statement of `source` in order, stopping at the first error.
    public func execute(_ source: String, file: String) -> ExecutionOutcome {
        writeError("\(file): error: the evaluator is not written yet\n")
        return .failed
    }

    /// Names of the bound tables, for `.tables` and completion.
    public var tableNames: [String] { [] }

    /// Column names of the table produced by the pipeline text typed so far (for TAB completion),
    /// e.g. `t | derive x = 1 | filter ` gives t's columns plus `x`. Empty when unknown.
    public func columnNames(forPipelinePrefix text: String) -> [String] { [] }
}
