import TRQLanguage

/// `sort KEY [asc|desc], ...`: stable, nulls last.
package struct Sort: Sendable {
    package var input: PlanNode
    package var keys: [SortKey]
    package var at: SourceLocation

    static func bind(_ keys: [SortKey], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        for key in keys {
            try input.schema.check(key.expr)
            try input.schema.checkCalls(key.expr)
        }
        return .sort(Sort(input: input, keys: keys, at: at))
    }
}
