import TRQFrame
import TRQLanguage

/// A pipeline after binding: its relational part as a plan, then the steps that run on the
/// plan's result (models, plots, save), each followed by the stages bound once it has run.
struct BoundPipeline {
    var plan: PlanNode
    /// The first step and everything after it (nil: the pipeline is all relational).
    var rest: ArraySlice<Stage>
}

/// Turns parsed stages into a plan: one rule per stage (each operator's `bind`), checking names
/// and types against the input's schema, so errors that need no data are found before anything
/// runs and point at the offending name.
struct Binder {
    /// The table bound to a name (`_` included), or the error naming it.
    var table: (String, SourceLocation) throws(Diagnostic) -> Table
    var memoryLimit: Int?
    /// Collects the sources' warnings for the session to show.
    var warnings: CSVWarnings?
    /// Set when the engine reads the files (`PlanExecutor.loadSchema`).
    var remoteSchema: ((RemoteSource, SourceLocation) throws(Diagnostic) -> [SourceColumn])?

    func bind(_ pipeline: Pipeline) throws(Diagnostic) -> BoundPipeline {
        try bind(pipeline.stages[...], onto: source(pipeline.source))
    }

    func source(_ source: Source) throws(Diagnostic) -> PlanNode {
        switch source {
        case .table(let name, let at): .scan(Scan.table(try table(name, at), name: name, at: at))
        case .load(let path, let options, let at):
            if let remoteSchema { .scan(try Scan.remote(path, options: options, at: at, schema: remoteSchema)) } else {
                .scan(try Scan.load(path, options: options, at: at, memoryLimit: memoryLimit, warnings: warnings))
            }
        }
    }

    /// Binds stages onto `input` up to the first step (a stage whose output is known only once it
    /// has run).
    func bind(_ stages: ArraySlice<Stage>, onto input: PlanNode) throws(Diagnostic) -> BoundPipeline {
        var plan = input
        var stages = stages
        while let stage = stages.first {
            guard let bound = try bind(stage, onto: plan) else { break }
            plan = bound
            stages.removeFirst()
        }
        return BoundPipeline(plan: plan, rest: stages)
    }

    /// One stage's rule; nil for a step.
    private func bind(_ stage: Stage, onto input: PlanNode) throws(Diagnostic) -> PlanNode? {
        let at = stage.at
        switch stage.kind {
        case .filter(let condition): return try Filter.bind(condition, on: input, at: at)
        case .select(let items): return try Select.bind(items, on: input, at: at)
        case .derive(let items): return try Derive.bind(items, on: input, at: at)
        case .drop(let refs): return try Drop.bind(refs, on: input, at: at)
        case .rename(let pairs): return try Rename.bind(pairs, on: input, at: at)
        case .groupby(let keys, let items): return try Aggregate.bind(keys: keys, items: items, on: input, at: at)
        case .agg(let items): return try Aggregate.bind(keys: [], items: items, on: input, at: at)
        case .sort(let keys): return try Sort.bind(keys, on: input, at: at)
        case .top(let count, let by, let per): return try Top.bind(count: count, by: by, per: per, on: input, at: at)
        case .limit(let count): return try Limit.bind(count, on: input, at: at)
        case .distinct(let refs): return try Distinct.bind(refs, on: input, at: at)
        case .dropna(let refs): return try DropNulls.bind(refs, on: input, at: at)
        case .fillna(let items): return try FillNulls.bind(items, on: input, at: at)
        case .join(let kind, let name, let tableAt, let on):
            let right = PlanNode.scan(Scan.table(try table(name, tableAt), name: name, at: tableAt))
            return try Join.bind(kind: kind, right: right, on: on, onto: input, at: at)
        case .describe: return Describe.bind(on: input, at: at)
        case .window(let window): return try Window.bind(window, on: input, at: at)
        case .pivot(let column, let using, let per): return try Pivot.bind(column: column, using: using, per: per, on: input, at: at)
        case .unpivot(let columns, let name, let value): return try Unpivot.bind(columns, name: name, value: value, on: input, at: at)
        case .union(let names):
            var others: [(name: ColumnRef, plan: PlanNode)] = []
            for ref in names { others.append((ref, .scan(Scan.table(try table(ref.name, ref.at), name: ref.name, at: ref.at)))) }
            return try Union.bind(others, onto: input, at: at)
        case .crossJoin(let name, let tableAt):
            return try CrossJoin.bind(right: .scan(Scan.table(try table(name, tableAt), name: name, at: tableAt)), onto: input, at: at)
        case .recommend, .cluster, .classify, .plot, .save, .collect: return nil
        }
    }
}

extension Stage {
    /// A step's verb, for `explain` and for naming its result.
    var stepName: String {
        switch kind {
        case .recommend: "recommend"
        case .cluster: "cluster"
        case .classify: "classify"
        case .plot: "plot"
        case .collect: "collect"
        default: "save"
        }
    }
}
