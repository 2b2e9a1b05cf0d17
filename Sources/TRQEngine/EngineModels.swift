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

/// `classify` resolved against its input's columns, for an engine that trains where it runs
/// (`PlanExecutor.classify`).
package struct ClassifyRequest {
    package enum Mode {
        /// `from`: the training table, bound in the session (nil: the input's labelled rows).
        case predict(from: Table?)
        case eval(fraction: Double, seed: Int, against: Table?)
    }

    package var label: String
    package var mode: Mode
    package var features: [String]
    /// nil: `auto`.
    package var kind: ClassifierKind?
    package var options: ClassifierOptions
    package var at: SourceLocation

    package init(label: String, mode: Mode, features: [String], kind: ClassifierKind?, options: ClassifierOptions, at: SourceLocation) {
        (self.label, self.mode, self.features, self.kind, self.options, self.at) = (label, mode, features, kind, options, at)
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
    func modelOnEngine(_ step: Stage, plan: PlanNode, engine: any PlanExecutor) throws(Diagnostic) -> Table? {
        guard engine.trainsModels else { return nil }
        switch step.kind {
        case .recommend(let mode, let k, let model, let using, let options):
            let request = try recommendRequest(plan.schema, mode: mode, k: k, model: model, using: using, options: options, at: step.at)
            return try engine.recommend(request, on: plan, models: models, cancel: cancellation)
        case .classify(let label, let mode, let features, let modelName, let options):
            let schema = plan.schema
            try schema.require(label)
            let (kind, settings) = try classifierSettings(modelName, options, at: step.at)
            let resolved: ClassifyRequest.Mode
            switch mode {
            case .predict(let from): resolved = .predict(from: try from.map { name throws(Diagnostic) in try table(named: name, at: step.at) })
            case .eval(let testExpr, let seedExpr, let against):
                resolved = .eval(fraction: try testExpr.map { e throws(Diagnostic) in try constantNumber(e, what: "test") } ?? 0.2,
                                 seed: try seedExpr.map { e throws(Diagnostic) in try nonNegativeInt(e, what: "seed") } ?? 42,
                                 against: try against.map { name throws(Diagnostic) in try table(named: name, at: step.at) })
            }
            let request = ClassifyRequest(label: label.name, mode: resolved, features: try featureColumns(schema, label: label.name, given: features),
                                          kind: kind, options: settings, at: step.at)
            return try engine.classify(request, on: plan, models: models, cancel: cancellation)
        default:
            return nil
        }
    }
}
