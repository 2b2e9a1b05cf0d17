import TRQLanguage

/// `top N [by EXPR [asc|desc]] [per KEY, ...]`; without `by`, the last numeric column, desc.
struct Top: Sendable {
    var input: PlanNode
    var count: Int
    var by: SortKey?
    var per: [ColumnRef]
    var at: SourceLocation

    func inputColumns(forOutput needed: Set<String>?) -> Set<String>? {
        guard let by, var needed else { return nil }
        needed.formUnion(per.map(\.name))
        return needed.union(by.expr.referencedColumns)
    }

    static func bind(count: Expr, by: SortKey?, per: [ColumnRef], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        if let by {
            try input.schema.check(by.expr)
            try input.schema.checkCalls(by.expr)
        }
        for ref in per { try input.schema.require(ref) }
        return .top(Top(input: input, count: try nonNegativeInt(count, what: "top"), by: by, per: per, at: at))
    }
}
