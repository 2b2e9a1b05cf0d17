import TRQFrame
import TRQLanguage

/// Models trained in this session, keyed by the content of their input and their options.
final class ModelCache {
    func listing() -> Table { Table() }
}

extension Session {
    func recommend(_ t: Table, mode: RecommendMode, k: Expr?, using: RecommendColumns, options: [Option], at: SourceLocation) throws(Diagnostic) -> PipelineResult {
        throw Diagnostic("recommend is not available yet", at: at)
    }

    func classify(_ t: Table, label: ColumnRef, mode: ClassifyMode, features: [ColumnRef], model: String?, options: [Option], at: SourceLocation) throws(Diagnostic) -> PipelineResult {
        throw Diagnostic("classify is not available yet", at: at)
    }
}
