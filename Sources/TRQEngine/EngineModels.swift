import TRQFrame
import TRQLanguage
import TRQModels

/// `recommend` resolved against its input's columns: what an engine that trains where it runs
/// (`PlanExecutor.recommend`) receives, and what the local engine trains from.
package struct RecommendRequest {
    package enum Mode {
        case forUser(Value, at: SourceLocation)
        case similar(Value, at: SourceLocation)
        /// `against`: the test table, bound in the session.
        case eval(fraction: Double, seed: Int, against: Table?)
    }

    package var mode: Mode
    package var k: Int
    package var user: String
    package var item: String
    /// nil: weight 1 per row.
    package var weight: String?
    /// nil: every model (`eval`), ALS otherwise.
    package var model: RecommenderKind?
    package var options: RecommenderOptions
    package var at: SourceLocation

    package init(mode: Mode, k: Int, user: String, item: String, weight: String?, model: RecommenderKind?, options: RecommenderOptions,
                 at: SourceLocation) {
        (self.mode, self.k, self.user, self.item, self.weight, self.model, self.options, self.at) = (mode, k, user, item, weight, model, options, at)
    }
}

/// The error for a user or item id the interactions lack, with what the ids look like (`sample`
/// is one of them; nil: there are none).
package func missingID(_ noun: String, _ value: Value, column: String, sample: Value?, at: SourceLocation) -> Diagnostic {
    Diagnostic("no \(noun) \(value) in column '\(column)'; " + (sample.map { "\(noun)s look like \($0)" } ?? "the table has no \(noun)s"), at: at)
}

extension Session {
    /// A model step run where the engine runs, on the plan's result (nil: the engine leaves it to
    /// the session, which fetches the result and trains here).
    func modelOnEngine(_ step: Stage, plan: PlanNode) throws(Diagnostic) -> Table? {
        guard executor.trainsModels else { return nil }
        switch step.kind {
        case .recommend(let mode, let k, let model, let using, let options):
            let request = try recommendRequest(plan.schema, mode: mode, k: k, model: model, using: using, options: options, at: step.at)
            return try executor.recommend(request, on: plan, models: models, cancel: cancellation)
        default:
            return nil
        }
    }
}
