import TRQFrame
import TRQLanguage

/// A filter straight on a file scan hands the source its simple conjuncts (`column OP constant`,
/// `column [not] in [...]`, `column is [not] null`), which the source applies while reading
/// where it can (the executor applies the rest right after the read); the other conjuncts stay
/// in a filter above the scan.
enum FilterPushdown {
    static func apply(_ plan: PlanNode) -> PlanNode {
        plan.rewrittenBottomUp { node in
            guard case .filter(let filter) = node, filter.limit == nil, case .scan(var scan) = filter.input,
                  case .files = scan.origin else { return node }
            var kept: [Expr] = []
            for conjunct in conjuncts(filter.condition) {
                if let predicate = predicate(conjunct), scan.sourceSchema.contains(predicate.column) {
                    scan.filters.append(Scan.PushedFilter(predicate: predicate, expr: conjunct))
                } else {
                    kept.append(conjunct)
                }
            }
            guard kept.count < conjuncts(filter.condition).count else { return node }
            return kept.reduce(PlanNode.scan(scan)) { input, condition in
                .filter(Filter(input: input, condition: condition, keeping: nil, at: filter.at))
            }
        }
    }

    /// `a and b and c` as [a, b, c].
    static func conjuncts(_ e: Expr) -> [Expr] {
        switch e {
        case .binary(.and, let a, let b, _): return conjuncts(a) + conjuncts(b)
        case .chain(let first, let links, _) where links.allSatisfy({ $0.op == .and }):
            return conjuncts(first) + links.flatMap { conjuncts($0.operand) }
        default: return [e]
        }
    }

    /// The conjunct as a source predicate, if it is a simple one.
    static func predicate(_ e: Expr) -> SourcePredicate? {
        switch e {
        case .binary(let op, .column(let name, _), .literal(let literal, _), _):
            guard let comparison = op.comparison, literal != .null else { return nil }
            return SourcePredicate(column: name, test: .compare(comparison, Value(literal)))
        case .binary(let op, .literal(let literal, _), .column(let name, _), _):
            guard let comparison = op.mirrored.comparison, literal != .null else { return nil }
            return SourcePredicate(column: name, test: .compare(comparison, Value(literal)))
        case .inList(.column(let name, _), let items, let negated, _):
            var values: [Value] = []
            for item in items {
                guard case .literal(let literal, _) = item else { return nil }
                values.append(Value(literal))
            }
            return SourcePredicate(column: name, test: .isIn(values, negated: negated))
        case .isNull(.column(let name, _), let negated, _):
            return SourcePredicate(column: name, test: .isNull(negated: negated))
        default:
            return nil
        }
    }
}
