import TRQFrame
import TRQLanguage

/// The outcome of a pipeline: its table, whether to print it, and any text to print first
/// (a terminal chart, an evaluation's per-class report).
struct PipelineResult {
    var table: Table
    var printsTable = true
    var text: String?
    /// Why `table` is not the result (it stayed where the engine runs), for `_`; nil when it is.
    var unfetched: String?
    /// The result's row count when `table` holds only the first rows, those printed.
    var rowCount: Int?
}

extension Session {
    var binder: Binder {
        Binder(table: { (name, at) throws(Diagnostic) in try self.table(named: name, at: at) }, memoryLimit: settings.memoryLimit,
               warnings: loadWarnings, remoteSchema: executor.loadSchema)
    }

    /// Binds a pipeline, rewrites and runs its plan, then each step (model, plot, save) on the
    /// result, binding the stages after a step once it has run. A `save` that ends the pipeline
    /// goes to the engine, which may write where it runs (Spark); then the result is fetched
    /// only if `needsTable` (a `let`). With `shownRows`, a result printed from the plan may
    /// hold only its first rows (the engine's `preview`). After a `collect` the local engine runs
    /// the rest.
    /// Kernels, readers and models see the session's token as `CancellationToken.current`.
    func evaluate(_ pipeline: Pipeline, needsTable: Bool = true, shownRows: Int? = nil) throws(Diagnostic) -> PipelineResult {
        try cancellation.whileCurrent { () throws(Diagnostic) in try evaluateBound(pipeline, needsTable: needsTable, shownRows: shownRows) }
    }

    private func evaluateBound(_ pipeline: Pipeline, needsTable: Bool, shownRows: Int?) throws(Diagnostic) -> PipelineResult {
        defer { showLoadWarnings() }
        var bound = try binder.bind(pipeline)
        var printsTable = true
        var engine = executor
        while true {
            let plan = Rewrites.apply(bound.plan)
            if bound.rest.count == 1, let last = bound.rest.first, case .save(let path, let options) = last.kind,
               try engine.save(plan, to: path, options: options, at: last.at, cancel: cancellation) {
                if settings.interactive { writeError("saved to \(path) by \(engine.name)\n") }
                guard needsTable else {
                    return PipelineResult(table: Table(), printsTable: false, unfetched: "saved to \(path) by \(engine.name), not fetched")
                }
                return PipelineResult(table: try engine.execute(plan, cancel: cancellation), printsTable: false)
            }
            if bound.rest.isEmpty, printsTable, let shownRows, let (head, rowCount) = try engine.preview(plan, rows: shownRows, cancel: cancellation) {
                guard rowCount > head.rowCount else { return PipelineResult(table: head) }
                return PipelineResult(table: head, unfetched: "printed from the first \(shownRows) rows \(engine.name) sent, not fetched whole",
                                      rowCount: rowCount)
            }
            guard let step = bound.rest.first else { return PipelineResult(table: try engine.execute(plan, cancel: cancellation), printsTable: printsTable) }
            let result: PipelineResult
            if case .collect = step.kind {
                result = PipelineResult(table: try engine.execute(plan, cancel: cancellation))
                engine = LocalExecutor()
            } else if let trained = try modelOnEngine(step, plan: plan, engine: engine) {
                result = PipelineResult(table: trained)
            } else {
                let table = try engine.execute(plan, cancel: cancellation)
                try Diagnostic.located(at: step.at) { () throws(FrameError) in try FrameError.checkCancellation() }
                result = try apply(step, to: table)
            }
            let next = bound.rest.dropFirst()
            if next.isEmpty { return result }
            bound = try binder.bind(next, onto: .scan(Scan.table(result.table, name: "the \(step.stepName) result", at: step.at)))
            printsTable = result.printsTable
        }
    }

    private func showLoadWarnings() {
        for message in loadWarnings.drain() { writeError("warning: \(message)\n") }
    }

    /// `explain PIPELINE`: the plan, not run.
    func explain(_ pipeline: Pipeline) throws(Diagnostic) -> String {
        defer { showLoadWarnings() }
        let bound = try binder.bind(pipeline)
        return Explain.text(BoundPipeline(plan: Rewrites.apply(bound.plan), rest: bound.rest), engine: executor.name)
    }

    /// The rewritten plan of a pipeline's relational part, as an executor receives it (for other
    /// engines' tests); `text` is one pipeline statement.
    package func plan(_ text: String) throws(Diagnostic) -> PlanNode {
        defer { showLoadWarnings() }
        return Rewrites.apply(try binder.bind(try pipeline(text)).plan)
    }

    /// A pipeline statement's table on the session's engine (for comparing engines in tests).
    package func result(_ text: String) throws(Diagnostic) -> Table {
        try evaluate(try pipeline(text)).table
    }

    private func pipeline(_ text: String) throws(Diagnostic) -> Pipeline {
        guard case .run(let pipeline)? = try parse(text, variables: settings.variables).first else {
            throw Diagnostic("expected a pipeline", at: nil)
        }
        return pipeline
    }

    /// Runs a step: a stage whose output is known only once it has run.
    private func apply(_ stage: Stage, to t: Table) throws(Diagnostic) -> PipelineResult {
        let at = stage.at
        switch stage.kind {
        case .recommend(let mode, let k, let model, let using, let options):
            return try recommend(t, mode: mode, k: k, model: model, using: using, options: options, at: at)
        case .cluster(let mode, let features, let seed, let options):
            return try cluster(t, mode: mode, features: features, seed: seed, options: options, at: at)
        case .classify(let label, let mode, let features, let model, let options):
            return try classify(t, label: label, mode: mode, features: features, model: model, options: options, at: at)
        case .plot(let kind, let x, let y, let by, let bins, let path, let value):
            if kind == .heatmap, let y, let value { return try heatmap(t, x: x, y: y, value: value, to: path, at: at) }
            return try plot(t, kind: kind, x: x, y: y, by: by, bins: bins, to: path, at: at)
        case .save(let path, let options):
            try save(t, to: path, options: options, at: at)
            return PipelineResult(table: t, printsTable: false)
        default:
            preconditionFailure("the binder plans every relational stage")
        }
    }
}

func columnIndex(_ ref: ColumnRef, in t: Table) throws(Diagnostic) -> Int {
    guard let i = t.index(of: ref.name) else { throw Schema(t).unknownColumn(ref.name, at: ref.at) }
    return i
}

/// A constant whole number ≥ 0 (counts such as `top N`, `limit N`, `k N`).
func nonNegativeInt(_ expr: Expr, what: String) throws(Diagnostic) -> Int {
    guard case .scalar(.int(let n)) = try Evaluator(table: Table()).evaluate(expr), n >= 0, let value = Int(exactly: n) else {
        throw Diagnostic("\(what) needs a whole number ≥ 0, got '\(expr.text)'", at: expr.location, kind: .bind)
    }
    return value
}

/// A constant number (options such as `test 0.2`).
func constantNumber(_ expr: Expr, what: String) throws(Diagnostic) -> Double {
    guard case .scalar(let v) = try Evaluator(table: Table()).evaluate(expr), let d = v.asDouble else {
        throw Diagnostic("\(what) needs a number, got '\(expr.text)'", at: expr.location, kind: .bind)
    }
    return d
}

extension Diagnostic {
    /// Runs a frame operation, locating its error at `at`.
    static func located<R>(at: SourceLocation, _ body: () throws(FrameError) -> R) throws(Diagnostic) -> R {
        do { return try body() } catch { throw Diagnostic(error, at: at) }
    }
}
