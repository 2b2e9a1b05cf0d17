import TRQFrame
import TRQLanguage

/// A bound pipeline's relational part: a tree of operators whose every node knows its output
/// schema. The binder builds it from the parsed stages (`Binder`), the rewrites reshape it
/// (`Rewrites/`), and an executor runs it (`PlanExecutor`). Each operator is a struct in its own
/// file with its binding rule; the local executor has one case per operator.
package indirect enum PlanNode: Sendable {
    case scan(Scan)
    case filter(Filter)
    case select(Select)
    case derive(Derive)
    case drop(Drop)
    case rename(Rename)
    case aggregate(Aggregate)
    case sort(Sort)
    case top(Top)
    case limit(Limit)
    case distinct(Distinct)
    case dropNulls(DropNulls)
    case fillNulls(FillNulls)
    case join(Join)
    case describe(Describe)
    case countRows(CountRows)
    case window(Window)
    case pivot(Pivot)
    case unpivot(Unpivot)
    case union(Union)
    case crossJoin(CrossJoin)

    package var schema: Schema {
        switch self {
        case .scan(let n): n.schema
        case .filter(let n): n.input.schema
        case .select(let n): n.schema
        case .derive(let n): n.schema
        case .drop(let n): n.schema
        case .rename(let n): n.schema
        case .aggregate(let n): n.schema
        case .sort(let n): n.input.schema
        case .top(let n): n.input.schema
        case .limit(let n): n.input.schema
        case .distinct(let n): n.input.schema
        case .dropNulls(let n): n.input.schema
        case .fillNulls(let n): n.input.schema
        case .join(let n): n.schema
        case .describe: Describe.schema
        case .countRows(let n): n.schema
        case .window(let n): n.schema
        case .pivot(let n): n.schema
        case .unpivot(let n): n.schema
        case .union(let n): n.schema
        case .crossJoin(let n): n.schema
        }
    }

    /// The node's input (nil for a scan). A join's right side and a union's other tables are
    /// further inputs, see `Join`, `CrossJoin` and `Union`.
    package var input: PlanNode? {
        get {
            switch self {
            case .scan: nil
            case .filter(let n): n.input
            case .select(let n): n.input
            case .derive(let n): n.input
            case .drop(let n): n.input
            case .rename(let n): n.input
            case .aggregate(let n): n.input
            case .sort(let n): n.input
            case .top(let n): n.input
            case .limit(let n): n.input
            case .distinct(let n): n.input
            case .dropNulls(let n): n.input
            case .fillNulls(let n): n.input
            case .join(let n): n.input
            case .describe(let n): n.input
            case .countRows(let n): n.input
            case .window(let n): n.input
            case .pivot(let n): n.input
            case .unpivot(let n): n.input
            case .union(let n): n.input
            case .crossJoin(let n): n.input
            }
        }
        set {
            guard let newValue else { return }
            switch self {
            case .scan: break
            case .filter(var n): n.input = newValue; self = .filter(n)
            case .select(var n): n.input = newValue; self = .select(n)
            case .derive(var n): n.input = newValue; self = .derive(n)
            case .drop(var n): n.input = newValue; self = .drop(n)
            case .rename(var n): n.input = newValue; self = .rename(n)
            case .aggregate(var n): n.input = newValue; self = .aggregate(n)
            case .sort(var n): n.input = newValue; self = .sort(n)
            case .top(var n): n.input = newValue; self = .top(n)
            case .limit(var n): n.input = newValue; self = .limit(n)
            case .distinct(var n): n.input = newValue; self = .distinct(n)
            case .dropNulls(var n): n.input = newValue; self = .dropNulls(n)
            case .fillNulls(var n): n.input = newValue; self = .fillNulls(n)
            case .join(var n): n.input = newValue; self = .join(n)
            case .describe(var n): n.input = newValue; self = .describe(n)
            case .countRows(var n): n.input = newValue; self = .countRows(n)
            case .window(var n): n.input = newValue; self = .window(n)
            case .pivot(var n): n.input = newValue; self = .pivot(n)
            case .unpivot(var n): n.input = newValue; self = .unpivot(n)
            case .union(var n): n.input = newValue; self = .union(n)
            case .crossJoin(var n): n.input = newValue; self = .crossJoin(n)
            }
        }
    }

    /// The columns of its input this node reads to produce `needed` of its output (nil: all of
    /// them), for projection pushdown.
    func inputColumns(forOutput needed: Set<String>?) -> Set<String>? {
        switch self {
        case .scan: return needed
        case .filter(let n): return needed.map { $0.union(n.condition.referencedColumns) }
        case .select(let n): return n.inputColumns
        case .derive(let n): return n.inputColumns(forOutput: needed)
        case .drop: return needed
        case .rename(let n): return n.inputColumns(forOutput: needed)
        case .aggregate(let n): return n.inputColumns
        case .sort(let n): return needed.map { n.keys.reduce(into: $0) { $0.formUnion($1.expr.referencedColumns) } }
        case .top(let n): return n.inputColumns(forOutput: needed)
        case .limit: return needed
        case .distinct, .dropNulls, .fillNulls, .describe: return nil
        case .join(let n): return n.inputColumns(forOutput: needed)
        case .countRows(let n): return n.condition?.referencedColumns ?? []
        case .window(let n): return n.inputColumns(forOutput: needed)
        case .pivot(let n): return n.inputColumns
        case .unpivot(let n): return n.inputColumns(forOutput: needed)
        // The other tables keep what the input lacks: columns no later node reads.
        case .union: return needed
        case .crossJoin(let n): return n.inputColumns(forOutput: needed)
        }
    }

    /// A rewrite applied to this node and then (on the result) to each node below it.
    func rewritten(_ rule: (PlanNode) -> PlanNode) -> PlanNode {
        var node = rule(self)
        if let input = node.input { node.input = input.rewritten(rule) }
        return node
    }
}

extension Expr {
    /// Every column the expression reads.
    package var referencedColumns: Set<String> { Set(columnReferences.map(\.name)) }
}
