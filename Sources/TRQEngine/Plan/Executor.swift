import TRQFrame
import TRQLanguage

/// Runs a bound, rewritten plan. The local executor maps it onto TRQFrame's kernels; another
/// engine (a remote one) conforms to this protocol and is chosen by the session, without
/// changes to the binder or the local executor.
protocol PlanExecutor {
    /// The engine's name, for `.engine` and `explain`.
    var name: String { get }
    func execute(_ plan: PlanNode, cancel: CancellationToken) throws(Diagnostic) -> Table
}
