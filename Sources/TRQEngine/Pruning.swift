import TRQLanguage

extension Expr {
    /// Every column the expression reads.
    var referencedColumns: Set<String> {
        var names: Set<String> = []
        var pending = [self]
        while let e = pending.popLast() {
            switch e {
            case .literal: break
            case .column(let name, _): names.insert(name)
            case .list(let items, _): pending += items
            case .map(let pairs, _): pending += pairs.map(\.value)
            case .unary(_, let x, _), .isNull(let x, _, _): pending.append(x)
            case .binary(_, let a, let b, _): pending += [a, b]
            case .chain(let first, let links, _): pending += [first] + links.map(\.operand)
            case .inList(let x, let items, _, _): pending += [x] + items
            case .call(_, let args, _): pending += args
            }
        }
        return names
    }
}

extension Pipeline {
    /// The source columns the stages can read, or nil for all of them. Dropping the others before
    /// the first stage means `filter` and `sort` move only what later stages use.
    var sourceColumnsNeeded: Set<String>? { Self.columnsNeeded(by: stages[...]) }

    /// The columns of its input that `stages` can read, or nil for all of them.
    static func columnsNeeded(by stages: ArraySlice<Stage>) -> Set<String>? {
        var needed: Set<String>?
        for stage in stages.reversed() {
            switch stage.kind {
            case .agg(let items):
                needed = items.reduce(into: Set()) { $0.formUnion($1.expr.referencedColumns) }
            case .groupby(let keys, let items):
                needed = items.reduce(into: Set(keys.map(\.name))) { $0.formUnion($1.expr.referencedColumns) }
            case .select(let items) where !items.isEmpty:
                needed = items.reduce(into: Set()) { $0.formUnion($1.expr.referencedColumns) }
            case .filter(let e), .limit(let e):
                needed?.formUnion(e.referencedColumns)
            case .sort(let keys):
                needed?.formUnion(keys.reduce(into: Set()) { $0.formUnion($1.expr.referencedColumns) })
            case .top(_, let by, let per):
                needed?.formUnion(per.map(\.name))
                if let by { needed?.formUnion(by.expr.referencedColumns) } else { needed = nil }
            case .derive(let items):
                guard var current = needed else { break }
                for item in items.reversed() {
                    current.remove(item.name)
                    current.formUnion(item.expr.referencedColumns)
                }
                needed = current
            case .window(let window):
                guard var current = needed else { break }
                if case .derive(let items) = window.verb {
                    for item in items.reversed() { current.remove(item.name) }
                }
                for expr in window.expressions + window.by.map(\.expr) { current.formUnion(expr.referencedColumns) }
                current.formUnion(window.per.map(\.name))
                needed = current
            case .drop:
                break
            default:
                needed = nil
            }
        }
        return needed
    }
}
