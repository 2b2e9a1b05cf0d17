import TRQFrame
import TRQLanguage

/// `explain PIPELINE`: the plan that would run, one node a line with its input indented below
/// it; each source with the columns it reads and the filters it applies while reading.
enum Explain {
    static func text(_ bound: BoundPipeline, engine: String) -> String {
        var lines = ["plan (\(engine) engine), output: " + columns(bound.plan.schema)
                     + (bound.plan.schema.pivotedBy.map { ", and one column per value of \($0) (known once run)" } ?? "")]
        render(bound.plan, depth: 0, into: &lines)
        if let step = bound.rest.first {
            lines.append("then \(step.stepName) on that result" + (bound.rest.count > 1 ? ", and the \(bound.rest.count - 1) stage(s) after it, planned once it has run" : ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func columns(_ schema: Schema) -> String {
        schema.columns.map { column in
            let name = Vocabulary.isBareName(column.name) ? column.name : "`\(column.name)`"
            return column.type.map { "\(name) \($0.rawValue)" } ?? name
        }.joined(separator: ", ")
    }

    private static func render(_ node: PlanNode, depth: Int, into lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth)
        func line(_ text: String) { lines.append(indent + text) }
        func items(_ list: [NamedExpr]) -> String {
            list.map { item in
                if case .column(let name, _) = item.expr, name == item.name { return item.expr.text }
                return "\(item.name) = \(item.expr.text)"
            }.joined(separator: ", ")
        }
        switch node {
        case .scan(let scan):
            switch scan.origin {
            case .files(let files, let pattern):
                let count = files.paths.count == 1 ? "" : ", \(files.paths.count) files stacked"
                line("scan \"\(pattern)\" (\(files.format.formatName)\(count))")
            case .table(_, let name):
                line("scan table \(name)")
            case .remote(let source):
                line("scan \"\(source.pattern)\" (\(source.format), read by the engine)")
            }
            let read = scan.schema.names
            let all = scan.sourceSchema.names.count
            line("  reads \(read.count) of \(all) columns: " + read.map { Vocabulary.isBareName($0) ? $0 : "`\($0)`" }.joined(separator: ", "))
            if !scan.filters.isEmpty {
                line("  filters while reading: " + scan.filters.map(\.predicate.description).joined(separator: " and "))
            }
            // From the files' footers and folder names, before anything is read.
            if case .files(let files, _) = scan.origin {
                let skips = files.skips(scan.filters.map(\.predicate))
                if skips.files > 0 { line("  skips \(skips.files) of \(files.paths.count) files by their partition values") }
                if let blocks = skips.blocks { line("  skips \(blocks.skipped) of \(blocks.total) row groups by their statistics") }
            }
        case .filter(let n):
            line("filter \(n.condition.text)" + (n.limit.map { " (stops after \($0) rows: fused limit)" } ?? ""))
        case .countRows(let n):
            line("count rows" + (n.condition.map { " where \($0.text)" } ?? "") + " as " + n.names.joined(separator: ", ") + " (fused filter+count)")
        case .select(let n): line("select \(items(n.items))")
        case .derive(let n): line("derive \(items(n.items))")
        case .drop(let n): line("drop " + n.columns.map(\.name).joined(separator: ", "))
        case .rename(let n): line("rename " + n.pairs.map { "\($0.new) = \($0.old.name)" }.joined(separator: ", "))
        case .aggregate(let n):
            let keys = n.keys.map(\.name).joined(separator: ", ")
            line(n.keys.isEmpty ? "agg \(items(n.items))" : "groupby \(keys)" + (n.items.isEmpty ? "" : " agg \(items(n.items))"))
        case .sort(let n): line("sort " + n.keys.map { $0.expr.text + ($0.descending ? " desc" : "") }.joined(separator: ", "))
        case .top(let n):
            line("top \(n.count)" + (n.by.map { " by \($0.expr.text)" + ($0.descending ? "" : " asc") } ?? "")
                 + (n.per.isEmpty ? "" : " per " + n.per.map(\.name).joined(separator: ", ")))
        case .limit(let n): line("limit \(n.count)")
        case .distinct(let n): line("distinct" + (n.columns.isEmpty ? "" : " " + n.columns.map(\.name).joined(separator: ", ")))
        case .dropNulls(let n): line("dropna" + (n.columns.isEmpty ? "" : " " + n.columns.map(\.name).joined(separator: ", ")))
        case .fillNulls(let n): line("fillna \(items(n.items))")
        case .join(let n):
            line("join \(n.kind.rawValue) on " + n.on.map { $0.left.name == $0.right.name ? $0.left.name : "\($0.left.name) = \($0.right.name)" }.joined(separator: ", "))
            line("  right side:")
            render(n.right, depth: depth + 2, into: &lines)
        case .describe: line("describe")
        case .window(let n):
            let window = n.stage
            let head: String
            switch window.verb {
            case .derive(let list): head = "derive \(items(list))"
            case .filter(let condition): head = "filter \(condition.text)"
            }
            line(head + (window.per.isEmpty ? "" : " per " + window.per.map(\.name).joined(separator: ", "))
                 + (window.by.isEmpty ? "" : " by " + window.by.map { $0.expr.text + ($0.descending ? " desc" : "") }.joined(separator: ", "))
                 + " (window: partitions formed once)")
        case .pivot(let n):
            line("pivot \(n.column.name) using " + n.items.map { $0.name.isEmpty ? $0.expr.text : "\($0.name) = \($0.expr.text)" }.joined(separator: ", ")
                 + (n.per.isEmpty ? "" : " per " + n.per.map(\.name).joined(separator: ", ")))
            if let values = n.values {
                line("  one column per value: " + values.map(\.description).joined(separator: ", "))
            } else {
                line("  one column per value of \(n.column.name), known once run")
            }
        case .unpivot(let n): line("unpivot " + n.columns.map(\.name).joined(separator: ", ") + " into \(n.name), \(n.value)")
        case .union(let n):
            line("union " + n.others.map(\.name.name).joined(separator: ", "))
            for other in n.others {
                line("  then the rows of:")
                render(other.plan, depth: depth + 2, into: &lines)
            }
        case .crossJoin(let n):
            line("join cross")
            line("  right side:")
            render(n.right, depth: depth + 2, into: &lines)
        }
        if let input = node.input { render(input, depth: depth + 1, into: &lines) }
    }
}
