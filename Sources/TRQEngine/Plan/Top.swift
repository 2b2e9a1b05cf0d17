import TRQLanguage

/// `top N [by EXPR [asc|desc]] [per KEY, ...]`; without `by`, the last numeric column, desc.
package struct Top: Sendable {
    package var input: PlanNode
    package var count: Int
    package var by: SortKey?
    package var per: [ColumnRef]
    package var at: SourceLocation

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
