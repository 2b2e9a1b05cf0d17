import TRQFrame
import TRQLanguage

extension Session {
    /// `groupby KEYS agg ITEMS`, or `agg ITEMS` when `keys` is empty (one row).
    /// An item is an expression over aggregate calls and keys (`share = sum(x) / count()`):
    /// each distinct aggregate call is computed once per group by the hash-groupby kernels, then
    /// each item is evaluated over the one-row-per-group table, its calls standing for their results.
    func aggregateStage(_ t: Table, keys: [ColumnRef], items: [NamedExpr], at: SourceLocation) throws(Diagnostic) -> Table {
        for key in keys { _ = try columnIndex(key, in: t) }
        let keyNames = keys.map(\.name)
        func frame<R>(_ body: () throws(FrameError) -> R) throws(Diagnostic) -> R { try Diagnostic.located(at: at, body) }
        if items.isEmpty {
            return try frame { () throws(FrameError) in try groupBy(t, keys: keyNames, aggregates: []) }
        }

        // Requests are named after the item that first uses them, so that the kernels' errors
        // name it; a name is made unique against the keys and the other requests.
        var taken = Set(keyNames)
        var requests: [AggregateRequest] = []
        var requestByCall: [String: Int] = [:]
        let rowEvaluator = Evaluator(table: t)
        for item in items {
            for call in item.expr.aggregateItemParts.aggregates where requestByCall[call.text] == nil {
                var name = item.name
                while taken.contains(name) { name += "#" }
                taken.insert(name)
                requestByCall[call.text] = requests.count
                requests.append(try aggregateRequest(call, name: name, eval: rowEvaluator))
            }
        }
        if requests.isEmpty {
            // Items made only of keys and constants: the kernels need one aggregate to form groups.
            var name = "count"
            while taken.contains(name) { name += "#" }
            requests.append(AggregateRequest(name: name, function: .count))
        }
        let grouped = try frame { () throws(FrameError) in
            keys.isEmpty ? try aggregate(t, requests) : try groupBy(t, keys: keyNames, aggregates: requests)
        }

        let results = requestByCall.mapValues { grouped.columns[keys.count + $0] }
        let groupEvaluator = Evaluator(table: grouped, aggregateResults: results)
        var out = Table()
        for (name, column) in zip(grouped.names, grouped.columns).prefix(keys.count) {
            try frame { () throws(FrameError) in try out.append(name, column) }
        }
        for item in items {
            let column = try groupEvaluator.column(item.expr)
            try frame { () throws(FrameError) in try out.append(item.name, column) }
        }
        return out
    }

    /// The kernel request for one aggregate call, its argument evaluated over the rows.
    func aggregateRequest(_ call: Expr, name: String, eval: Evaluator) throws(Diagnostic) -> AggregateRequest {
        guard case .call(let function, let args, let at) = call else {
            throw Diagnostic("'\(call.text)' is not an aggregate call", at: call.location)
        }
        let expectedArgs = function == "quantile" ? 2 : function == "count" ? (0...1) ~= args.count ? args.count : 1 : 1
        guard args.count == expectedArgs else {
            throw Diagnostic("\(function)() takes \(function == "quantile" ? "2 arguments (column, q)" : function == "count" ? "0 or 1 argument" : "1 argument"), got \(args.count)", at: at)
        }
        let input = try args.first.map { arg throws(Diagnostic) in try eval.column(arg) }
        var q: Double?
        if function == "quantile" {
            let value = try constantNumber(args[1], what: "quantile")
            guard (0...1).contains(value) else { throw Diagnostic("quantile q must be between 0 and 1, got \(args[1].text)", at: args[1].location) }
            q = value
        }
        guard let kind = AggregateFunction(name: function, quantile: q) else {
            throw Diagnostic("unknown aggregate '\(function)'", at: at)
        }
        return AggregateRequest(name: name, function: kind, input: input)
    }
}
