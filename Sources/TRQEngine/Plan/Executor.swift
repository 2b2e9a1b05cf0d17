import TRQFrame
import TRQLanguage

/// Runs a bound, rewritten plan. The local executor maps it onto TRQFrame's kernels; another
/// engine (TRQSpark's, built with the Spark trait) conforms to this protocol and is chosen by the
/// session (`.connect`), without changes to the binder or the local executor.
package protocol PlanExecutor {
    /// The engine's name, for `.engine` and `explain`.
    var name: String { get }
    func execute(_ plan: PlanNode, cancel: CancellationToken) throws(Diagnostic) -> Table
    /// Releases the engine's connection (`.disconnect`, or another `.connect`).
    func close()
    /// Writes the plan's result where the engine runs (`save` as a pipeline's last stage) and
    /// returns true; false leaves it to the session, which writes the fetched table here.
    func save(_ plan: PlanNode, to path: String, options: [Option], at: SourceLocation, cancel: CancellationToken) throws(Diagnostic) -> Bool
    /// For printing: the plan's first `rows` + 1 rows (at most) and its row count, so that an
    /// engine across a network sends only what is shown; nil: the session prints `execute`'s table.
    func preview(_ plan: PlanNode, rows: Int, cancel: CancellationToken) throws(Diagnostic) -> (head: Table, rowCount: Int)?
    /// Set by an engine that reads `load`'s files itself (the path as it sees them): the columns
    /// of a source, asked of the engine. nil: the files are opened here.
    var loadSchema: ((RemoteSource, SourceLocation) throws(Diagnostic) -> [SourceColumn])? { get }
    /// True for an engine that trains models where it runs: the session then hands it the plan
    /// of a model step's input (`recommend`) instead of fetching the result.
    var trainsModels: Bool { get }
    /// `recommend` on the plan's result; the fitted models are kept in `models` for the session.
    func recommend(_ request: RecommendRequest, on plan: PlanNode, models: ModelCache, cancel: CancellationToken) throws(Diagnostic) -> Table?
}

extension PlanExecutor {
    package func close() {}
    package func save(_ plan: PlanNode, to path: String, options: [Option], at: SourceLocation, cancel: CancellationToken) throws(Diagnostic) -> Bool {
        false
    }
    package func preview(_ plan: PlanNode, rows: Int, cancel: CancellationToken) throws(Diagnostic) -> (head: Table, rowCount: Int)? {
        nil
    }
    package var loadSchema: ((RemoteSource, SourceLocation) throws(Diagnostic) -> [SourceColumn])? { nil }
    package var trainsModels: Bool { false }
    package func recommend(_ request: RecommendRequest, on plan: PlanNode, models: ModelCache, cancel: CancellationToken) throws(Diagnostic) -> Table? {
        nil
    }
}
