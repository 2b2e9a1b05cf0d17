#if Spark
import Foundation
import TRQArrow
import TRQEngine
import TRQFrame
import TRQLanguage

/// Compiles a bound, rewritten plan into a Spark Connect relation: one structured relation per
/// plan node (Read, LocalRelation, Filter, Project, Aggregate, Sort, Limit, Join, Deduplicate,
/// NADrop, SetOperation, Unpivot), expressions as Spark's unresolved functions. What Spark cannot
/// answer as the local engine does is refused with an error at the stage, never approximated.
package struct SparkCompiler {
    /// The hint of a stage Spark cannot run: the stages from it on can run here.
    static let runLocally = "run it locally: put `collect` before this stage (the stages after it run here), or .disconnect"
    /// Set while compiling a window stage's items: its aggregates and window functions are then
    /// computed over each row's partition.
    private var window: WindowStage?

    package init() {}

    /// The relation for `plan`, its columns in the plan's order.
    package func relation(_ plan: PlanNode) throws(Diagnostic) -> Spark_Connect_Relation {
        let rel = try compile(plan)
        return project(rel, columns(of: plan).map { column($0) })
    }

    /// What printing fetches: the first `rows` + 1 rows (the one past those shown tells whether
    /// Spark must count the rest).
    package func head(_ plan: PlanNode, rows: Int) throws(Diagnostic) -> Spark_Connect_Relation {
        limit(try relation(plan), rows + 1)
    }

    /// One row, one column `n`: the relation's row count, computed by Spark.
    package func count(_ relation: Spark_Connect_Relation) -> Spark_Connect_Relation {
        aggregate(relation, keys: [], items: [alias(call("count", [literal(.int(1))]), "n")])
    }

    private func compile(_ plan: PlanNode) throws(Diagnostic) -> Spark_Connect_Relation {
        switch plan {
        case .scan(let n):
            var rel = try scan(n)
            if let columns = n.columns { rel = project(rel, columns.map { column($0) }) }
            for filter in n.filters { rel = try self.filter(rel, filter.expr, in: n.sourceSchema) }
            return rel
        case .filter(let n):
            var rel = try filter(try compile(n.input), n.condition, in: n.input.schema)
            if let limit = n.limit { rel = self.limit(rel, limit) }
            return rel
        case .countRows(let n):
            var rel = try compile(n.input)
            if let condition = n.condition { rel = try filter(rel, condition, in: n.input.schema) }
            return aggregate(rel, keys: [], items: n.names.map { alias(call("count", [literal(.int(1))]), $0) })
        case .select(let n):
            let rel = try compile(n.input)
            if n.items.isEmpty { return rel }
            var items: [Spark_Connect_Expression] = []
            for item in n.items { items.append(alias(try typed(item.expr, n.schema.type(of: item.name), in: n.input.schema), item.name)) }
            return project(rel, items)
        case .derive(let n):
            var rel = try compile(n.input)
            var schema = n.input.schema
            for item in n.items {
                // One item at a time: each sees the ones before it.
                rel = withColumn(rel, item.name, try typed(item.expr, n.schema.type(of: item.name), in: schema))
                schema.set(item.name, n.schema.type(of: item.name))
            }
            return rel
        case .drop(let n):
            let dropped = Set(n.columns.map(\.name))
            return project(try compile(n.input), columns(of: n.input).filter { !dropped.contains($0) }.map { column($0) })
        case .rename(let n):
            var rel = try compile(n.input)
            for pair in n.pairs {
                var r = Spark_Connect_WithColumnsRenamed()
                r.input = rel
                var one = Spark_Connect_WithColumnsRenamed.Rename()
                one.colName = pair.old.name
                one.newColName = pair.new
                r.renames = [one]
                rel = Spark_Connect_Relation()
                rel.withColumnsRenamed = r
            }
            return rel
        case .aggregate(let n):
            let rel = try compile(n.input)
            var items: [Spark_Connect_Expression] = []
            if !n.keys.isEmpty && n.items.isEmpty { items.append(alias(call("count", [literal(.int(1))]), "count")) }
            for item in n.items {
                items.append(alias(try typed(item.expr, n.schema.type(of: item.name), in: n.input.schema), item.name))
            }
            return aggregate(rel, keys: n.keys.map { column($0.name) }, items: items)
        case .sort(let n):
            var orders: [Spark_Connect_Expression.SortOrder] = []
            for key in n.keys { orders.append(try sortOrder(key, in: n.input.schema)) }
            return sort(try compile(n.input), orders)
        case .top(let n):
            guard let by = n.by else {
                throw Diagnostic("top needs `by EXPR` on Spark (the last numeric column is chosen once data is read)", at: n.at, kind: .bind)
            }
            let order = try sortOrder(by, in: n.input.schema)
            guard !n.per.isEmpty else { return limit(sort(try compile(n.input), [order]), n.count) }
            // Per group: the rows numbered 1...N in each group's order (ties in any order).
            let hidden = "__trq_top_rank"
            var w = Spark_Connect_Expression.Window()
            w.windowFunction = call("row_number", [])
            w.partitionSpec = n.per.map { column($0.name) }
            w.orderSpec = [order]
            var rank = Spark_Connect_Expression()
            rank.window = w
            let ranked = withColumn(try compile(n.input), hidden, rank)
            return dropColumn(filter(ranked, call("<=", [column(hidden), literal(.int(Int64(n.count)))])), hidden)
        case .limit(let n):
            return limit(try compile(n.input), n.count)
        case .distinct(let n):
            let names = Set(n.columns.map(\.name))
            guard n.columns.isEmpty || names == Set(columns(of: n.input)) else {
                throw Diagnostic("distinct on some columns keeps each key's first row, which Spark cannot tell", at: n.at, kind: .bind,
                                 hint: "use `groupby \(n.columns.map(\.name).joined(separator: ", ")) agg ...`, or `distinct` on every column")
            }
            var d = Spark_Connect_Deduplicate()
            d.input = try compile(n.input)
            d.allColumnsAsKeys = true
            var rel = Spark_Connect_Relation()
            rel.deduplicate = d
            return rel
        case .dropNulls(let n):
            var d = Spark_Connect_NADrop()
            d.input = try compile(n.input)
            d.cols = n.columns.map(\.name)
            var rel = Spark_Connect_Relation()
            rel.dropNa = d
            return rel
        case .fillNulls(let n):
            // coalesce keeps the column's type where NAFill would skip a column of another type.
            let rel = try compile(n.input)
            let schema = n.input.schema
            var items: [Spark_Connect_Expression] = []
            for name in columns(of: n.input) {
                guard let item = n.items.last(where: { $0.name == name }) else { items.append(column(name)); continue }
                let filled = call("coalesce", [column(name), try expression(item.expr, in: schema)])
                items.append(alias(cast(filled, schema.type(of: name)), name))
            }
            return project(rel, items)
        case .join(let n):
            return try join(n.input, n.right, on: n.on.map { ($0.left.name, $0.right.name) }, kind: n.kind == .inner ? .inner : .leftOuter)
        case .crossJoin(let n):
            return try join(n.input, n.right, on: [], kind: .cross)
        case .union(let n):
            var rel = try compile(n.input)
            for other in n.others {
                var u = Spark_Connect_SetOperation()
                u.leftInput = rel
                u.rightInput = try compile(other.plan)
                u.setOpType = .union
                u.isAll = true
                u.byName = true
                u.allowMissingColumns = true
                rel = Spark_Connect_Relation()
                rel.setOp = u
            }
            // Spark's union by name widens int and float to float, as trq's does.
            return rel
        case .unpivot(let n):
            let listed = Set(n.columns.map(\.name))
            var u = Spark_Connect_Unpivot()
            u.input = try compile(n.input)
            u.ids = columns(of: n.input).filter { !listed.contains($0) }.map { column($0) }
            var values = Spark_Connect_Unpivot.Values()
            let valueType = n.schema.type(of: n.value)
            values.values = n.columns.map { alias(cast(column($0.name), valueType), $0.name) }
            u.values = values
            u.variableColumnName = n.name
            u.valueColumnName = n.value
            var rel = Spark_Connect_Relation()
            rel.unpivot = u
            return rel
        case .window(let n):
            var inWindow = self
            inWindow.window = n.stage
            var rel = try compile(n.input)
            var schema = n.input.schema
            switch n.stage.verb {
            case .derive(let items):
                for item in items {
                    rel = withColumn(rel, item.name, try inWindow.typed(item.expr, n.schema.type(of: item.name), in: schema))
                    schema.set(item.name, n.schema.type(of: item.name))
                }
                return rel
            case .filter(let condition):
                // Spark allows window functions in a projection, not in a filter's condition.
                let hidden = "__trq_window_filter"
                let flagged = withColumn(rel, hidden, try inWindow.expression(condition, in: schema))
                return dropColumn(filter(flagged, column(hidden)), hidden)
            }
        case .pivot(let n):
            throw Diagnostic("pivot is not supported on Spark yet", at: n.at, kind: .bind, hint: Self.runLocally)
        case .describe(let n):
            throw Diagnostic("describe is not supported on Spark yet", at: n.at, kind: .bind, hint: Self.runLocally)
        }
    }

    // MARK: Relations

    /// A path as Spark sees it: a URL (`file:`, `hdfs:`, `s3a:` ...) as written, a plain path
    /// made absolute against trq's working folder (the server's is another).
    static func clusterPath(_ path: String) -> String {
        if path.range(of: "^[A-Za-z][A-Za-z0-9+.-]+:", options: .regularExpression) != nil { return path }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    private func scan(_ n: Scan) throws(Diagnostic) -> Spark_Connect_Relation {
        var rel = Spark_Connect_Relation()
        switch n.origin {
        case .table(let table, let name):
            var local = Spark_Connect_LocalRelation()
            do { local.data = Data(try arrowStream(table)) } catch {
                throw Diagnostic("cannot send '\(name)' to Spark: \(error.message)", at: n.at, kind: .runtime)
            }
            rel.localRelation = local
        case .remote(let source):
            return try read(source, columns: n.sourceSchema.columns.count, at: n.at)
        case .files(let files, let pattern):
            var paths: [String] = []
            for file in files.files {
                guard let path = file.diskPath, file.name == file.container else {
                    throw Diagnostic("Spark reads plain files only, not '\(file.name)' (inside an archive or compressed)", at: n.at, kind: .bind,
                                     hint: "extract it, or load it locally (.disconnect)")
                }
                paths.append(URL(fileURLWithPath: path).standardizedFileURL.path)
            }
            return try read(RemoteSource(pattern: pattern, format: files.format.formatName, options: [:]), paths: paths, columns: 0, at: n.at)
        }
        return rel
    }

    /// Spark's reader for a `load`: the format and the options Spark has an equivalent for (the
    /// others are refused, naming them); `paths` as Spark sees them (by default the pattern's).
    /// Without a header, Spark's `_c0, _c1, ...` (the first `columns` of them) are renamed trq's
    /// `column1, column2, ...`.
    func read(_ source: RemoteSource, paths: [String]? = nil, columns: Int, at: SourceLocation) throws(Diagnostic) -> Spark_Connect_Relation {
        var data = Spark_Connect_Read.DataSource()
        data.paths = paths ?? [Self.clusterPath(source.pattern)]
        func refuse(_ name: String, _ why: String) -> Diagnostic {
            Diagnostic("load option `\(name)` on Spark: \(why)", at: at, kind: .bind, hint: "load it locally (.disconnect)")
        }
        var header = true
        switch source.format {
        case "csv":
            data.format = "csv"
            data.options = ["header": "true", "inferSchema": "true", "sep": source.pattern.lowercased().hasSuffix(".tsv") ? "\t" : ","]
            for (name, value) in source.options {
                switch (name, value) {
                case ("header", .bool(let b)):
                    header = b
                    data.options["header"] = b ? "true" : "false"
                case ("delimiter", .string(let d)): data.options["sep"] = d.lowercased() == "tab" ? "\t" : d
                case ("encoding", .string(let e)): data.options["encoding"] = CSVEncoding(name: e) == .latin1 ? "ISO-8859-1" : "UTF-8"
                case ("nulls", .stringList(let texts)):
                    guard texts.count <= 1 else { throw refuse(name, "Spark's CSV reader takes one null text, not \(texts.count)") }
                    data.options["nullValue"] = texts.first ?? "\u{0}"
                default: throw refuse(name, "not passed to Spark yet (cast the columns after loading, e.g. `derive x = float(x)`)")
                }
            }
        case "json", "ndjson":
            data.format = "json"
            if source.format == "json" { data.options = ["multiLine": "true"] }
            for (name, value) in source.options where value != .bool(false) {
                throw refuse(name, "Spark does not map Spotify's exports; `spotify = false` reads the raw keys")
            }
        case "parquet":
            data.format = "parquet"
        case let other:
            throw Diagnostic("Spark cannot read the \(other) format", at: at, kind: .bind, hint: "load it locally (.disconnect)")
        }
        var read = Spark_Connect_Read()
        read.dataSource = data
        var rel = Spark_Connect_Relation()
        rel.read = read
        guard !header, columns > 0 else { return rel }
        var r = Spark_Connect_WithColumnsRenamed()
        r.input = rel
        r.renames = (0..<columns).map { i in
            var one = Spark_Connect_WithColumnsRenamed.Rename()
            one.colName = "_c\(i)"
            one.newColName = "column\(i + 1)"
            return one
        }
        var renamed = Spark_Connect_Relation()
        renamed.withColumnsRenamed = r
        return renamed
    }

    private func filter(_ input: Spark_Connect_Relation, _ condition: Expr, in schema: Schema) throws(Diagnostic) -> Spark_Connect_Relation {
        filter(input, try expression(condition, in: schema))
    }

    func filter(_ input: Spark_Connect_Relation, _ condition: Spark_Connect_Expression) -> Spark_Connect_Relation {
        .with { $0.filter = .with { $0.input = input; $0.condition = condition } }
    }

    func withColumn(_ input: Spark_Connect_Relation, _ name: String, _ value: Spark_Connect_Expression) -> Spark_Connect_Relation {
        var with = Spark_Connect_WithColumns()
        with.input = input
        var a = Spark_Connect_Expression.Alias()
        a.expr = value
        a.name = [name]
        with.aliases = [a]
        var rel = Spark_Connect_Relation()
        rel.withColumns = with
        return rel
    }

    func dropColumn(_ input: Spark_Connect_Relation, _ name: String) -> Spark_Connect_Relation {
        .with { $0.drop = .with { $0.input = input; $0.columnNames = [name] } }
    }

    func limit(_ input: Spark_Connect_Relation, _ n: Int) -> Spark_Connect_Relation {
        .with { $0.limit = .with { $0.input = input; $0.limit = Int32(clamping: n) } }
    }

    func project(_ input: Spark_Connect_Relation, _ items: [Spark_Connect_Expression]) -> Spark_Connect_Relation {
        var p = Spark_Connect_Project()
        p.input = input
        p.expressions = items
        var rel = Spark_Connect_Relation()
        rel.project = p
        return rel
    }

    func sort(_ input: Spark_Connect_Relation, _ orders: [Spark_Connect_Expression.SortOrder]) -> Spark_Connect_Relation {
        var s = Spark_Connect_Sort()
        s.input = input
        s.order = orders
        s.isGlobal = true
        var rel = Spark_Connect_Relation()
        rel.sort = s
        return rel
    }

    func aggregate(_ input: Spark_Connect_Relation, keys: [Spark_Connect_Expression], items: [Spark_Connect_Expression]) -> Spark_Connect_Relation {
        var a = Spark_Connect_Aggregate()
        a.input = input
        a.groupType = .groupby
        a.groupingExpressions = keys
        a.aggregateExpressions = items
        var rel = Spark_Connect_Relation()
        rel.aggregate = a
        return rel
    }

    /// A join whose output is named as the local kernel names it: the right side's columns get
    /// unique temporary names first, so the condition and the final projection are unambiguous.
    private func join(_ left: PlanNode, _ right: PlanNode, on: [(String, String)], kind: Spark_Connect_Join.JoinType) throws(Diagnostic) -> Spark_Connect_Relation {
        let leftNames = columns(of: left)
        let rightNames = columns(of: right)
        let hidden = rightNames.indices.map { "__trq_right_\($0)" }
        var j = Spark_Connect_Join()
        j.left = try compile(left)
        j.right = project(try compile(right), zip(rightNames, hidden).map { alias(column($0), $1) })
        j.joinType = kind
        if !on.isEmpty {
            let conditions = on.map { pair in call("==", [column(pair.0), column(hidden[rightNames.firstIndex(of: pair.1)!])]) }
            j.joinCondition = conditions.dropFirst().reduce(conditions[0]) { call("and", [$0, $1]) }
        }
        var rel = Spark_Connect_Relation()
        rel.join = j
        // The left columns, then the right ones kept (renamed on a clash).
        let droppedKeys = Set(on.filter { $0.0 == $0.1 }.map(\.1))
        let kept = rightNames.indices.filter { !droppedKeys.contains(rightNames[$0]) }
        let names = rightOutputNames(leftNames, rightNames, dropped: droppedKeys)
        return project(rel, leftNames.map { column($0) } + zip(kept, names).map { alias(column(hidden[$0]), $1) })
    }

    /// The columns the compiled relation of `node` has. A node's bound schema can name columns
    /// that projection pushdown later removed from its input, so they are worked out here.
    func columns(of node: PlanNode) -> [String] {
        switch node {
        case .scan(let n): return n.schema.names
        case .select(let n): return n.items.isEmpty ? columns(of: n.input) : n.items.map(\.name)
        case .derive(let n):
            var names = columns(of: n.input)
            for item in n.items where !names.contains(item.name) { names.append(item.name) }
            return names
        case .drop(let n):
            let dropped = Set(n.columns.map(\.name))
            return columns(of: n.input).filter { !dropped.contains($0) }
        case .rename(let n):
            var names = columns(of: n.input)
            for pair in n.pairs { names = names.map { $0 == pair.old.name ? pair.new : $0 } }
            return names
        case .aggregate(let n):
            return n.keys.map(\.name) + (n.keys.isEmpty || !n.items.isEmpty ? [] : ["count"]) + n.items.map(\.name)
        case .countRows(let n): return n.names
        case .join(let n):
            let (left, right) = (columns(of: n.input), columns(of: n.right))
            return left + rightOutputNames(left, right, dropped: Set(n.on.filter { $0.left.name == $0.right.name }.map(\.right.name)))
        case .crossJoin(let n):
            let (left, right) = (columns(of: n.input), columns(of: n.right))
            return left + rightOutputNames(left, right, dropped: [])
        case .union(let n):
            var names = columns(of: n.input)
            for other in n.others { for name in columns(of: other.plan) where !names.contains(name) { names.append(name) } }
            return names
        case .unpivot(let n):
            let listed = Set(n.columns.map(\.name))
            return columns(of: n.input).filter { !listed.contains($0) } + [n.name, n.value]
        case .window, .pivot, .describe: return node.schema.names  // refused before they are compiled
        case .filter, .sort, .top, .limit, .distinct, .dropNulls, .fillNulls: return columns(of: node.input!)
        }
    }

    // MARK: Expressions

    private func sortOrder(_ key: SortKey, in schema: Schema?) throws(Diagnostic) -> Spark_Connect_Expression.SortOrder {
        var o = Spark_Connect_Expression.SortOrder()
        o.child = try expression(key.expr, in: schema)
        o.direction = key.descending ? .descending : .ascending
        o.nullOrdering = .sortNullsLast
        return o
    }

    /// An item's expression, cast to the type the binder gave it (Spark's `floor` of a double
    /// is a bigint, trq's a float).
    private func typed(_ expr: Expr, _ type: DataType?, in schema: Schema) throws(Diagnostic) -> Spark_Connect_Expression {
        let e = try expression(expr, in: schema)
        if case .column = expr { return e }
        return cast(e, type)
    }

    func column(_ name: String) -> Spark_Connect_Expression {
        var a = Spark_Connect_Expression.UnresolvedAttribute()
        a.unparsedIdentifier = "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
        var e = Spark_Connect_Expression()
        e.unresolvedAttribute = a
        return e
    }

    func call(_ name: String, _ arguments: [Spark_Connect_Expression], distinct: Bool = false) -> Spark_Connect_Expression {
        var f = Spark_Connect_Expression.UnresolvedFunction()
        f.functionName = name
        f.arguments = arguments
        f.isDistinct = distinct
        var e = Spark_Connect_Expression()
        e.unresolvedFunction = f
        return e
    }

    func alias(_ expr: Spark_Connect_Expression, _ name: String) -> Spark_Connect_Expression {
        var a = Spark_Connect_Expression.Alias()
        a.expr = expr
        a.name = [name]
        var e = Spark_Connect_Expression()
        e.alias = a
        return e
    }

    /// A 32-bit integer literal, where Spark wants an int rather than trq's 64-bit one (window
    /// offsets and frame bounds).
    private func int32Literal(_ value: Int32) -> Spark_Connect_Expression {
        .with { $0.literal = .with { $0.integer = value } }
    }

    func literal(_ value: Literal) -> Spark_Connect_Expression {
        var l = Spark_Connect_Expression.Literal()
        switch value {
        case .null:
            var t = Spark_Connect_DataType()
            t.null = Spark_Connect_DataType.NULL()
            l.null = t
        case .bool(let b): l.boolean = b
        case .int(let i): l.long = i
        case .float(let d): l.double = d
        case .string(let s): l.string = s
        }
        var e = Spark_Connect_Expression()
        e.literal = l
        return e
    }

    /// A cast that yields null where the value does not convert (trq's casts), to a trq type.
    func cast(_ expr: Spark_Connect_Expression, _ type: DataType?) -> Spark_Connect_Expression {
        guard let type else { return expr }
        var c = Spark_Connect_Expression.Cast()
        c.expr = expr
        c.typeStr = switch type {
        case .int: "bigint"
        case .float: "double"
        case .bool: "boolean"
        case .string: "string"
        case .timestamp: "timestamp"
        case .date: "date"
        }
        c.evalMode = .try
        var e = Spark_Connect_Expression()
        e.cast = c
        return e
    }

    /// An expression as Spark computes it. `schema` (when known) types the arguments of the
    /// functions whose Spark form depends on them.
    func expression(_ expr: Expr, in schema: Schema?) throws(Diagnostic) -> Spark_Connect_Expression {
        switch expr {
        case .literal(let value, _):
            return literal(value)
        case .column(let name, _):
            return column(name)
        case .list(_, let at), .map(_, let at):
            throw Diagnostic("a list is not a value here", at: at, kind: .bind)
        case .unary(let op, let operand, _):
            let e = try expression(operand, in: schema)
            return op == .not ? call("not", [e]) : call("negative", [e])
        case .binary(let op, let a, let b, _):
            return try binary(op, try expression(a, in: schema), try expression(b, in: schema))
        case .chain(let first, let links, _):
            var e = try expression(first, in: schema)
            for link in links { e = try binary(link.op, e, try expression(link.operand, in: schema)) }
            return e
        case .inList(let value, let items, let negated, _):
            var args = [try expression(value, in: schema)]
            for item in items { args.append(try expression(item, in: schema)) }
            let e = call("in", args)
            return negated ? call("not", [e]) : e
        case .isNull(let value, let negated, _):
            return call(negated ? "isnotnull" : "isnull", [try expression(value, in: schema)])
        case .call(let name, let args, let at):
            var compiled: [Spark_Connect_Expression] = []
            for arg in args { compiled.append(try expression(arg, in: schema)) }
            if let window, let kind = FunctionRegistry.byName[name]?.kind, kind != .scalar {
                return try windowed(name, args, compiled, window, in: schema, at: at)
            }
            return try function(name, args, compiled, in: schema, at: at)
        }
    }

    /// An aggregate or window function over the row's partition (`per`), in `by` order. An
    /// aggregate covers the whole partition; running functions the rows up to this one (SQL's
    /// ROWS frame, as trq's).
    private func windowed(_ name: String, _ args: [Expr], _ e: [Spark_Connect_Expression], _ stage: WindowStage,
                          in schema: Schema?, at: SourceLocation) throws(Diagnostic) -> Spark_Connect_Expression {
        enum Frame { case whole, running, last(Int), offset }
        let function: Spark_Connect_Expression
        let frame: Frame
        let needsOrder: Bool
        switch name {
        case "row_number", "rank", "dense_rank": (function, frame, needsOrder) = (call(name, []), .offset, true)
        case "lag", "lead":
            // The offset as a 32-bit literal: a bigint one is cast by Spark's analyzer, after which its
            // frame no longer matches the function's and the plan is refused.
            var arguments = e
            if args.count > 1, case .literal(.int(let n), _) = args[1], let offset = Int32(exactly: n) {
                arguments[1] = int32Literal(offset)
            }
            (function, frame, needsOrder) = (call(name, arguments), .offset, true)
        case "cumsum": (function, frame, needsOrder) = (call("sum", e), .running, true)
        case "cumcount": (function, frame, needsOrder) = (call("count", [literal(.int(1))]), .running, true)
        case "cummin": (function, frame, needsOrder) = (call("min", e), .running, true)
        case "cummax": (function, frame, needsOrder) = (call("max", e), .running, true)
        case "rolling_mean", "rolling_sum":
            guard args.count == 2, case .literal(.int(let n), _) = args[1], n >= 1, n <= Int64(Int32.max) else {
                throw Diagnostic("\(name) needs a constant window size ≥ 1", at: at, kind: .bind)
            }
            (function, frame, needsOrder) = (call(name == "rolling_mean" ? "avg" : "sum", [e[0]]), .last(Int(n)), true)
        default:
            (function, frame, needsOrder) = (try self.function(name, args, e, in: schema, at: at), .whole, false)
        }
        if needsOrder && stage.by.isEmpty {
            throw Diagnostic("\(name)() needs `by` on Spark: without it trq uses the input's row order, which Spark does not keep",
                             at: at, kind: .bind, hint: "add `by KEY`, or \(Self.runLocally)")
        }
        var w = Spark_Connect_Expression.Window()
        w.windowFunction = function
        w.partitionSpec = stage.per.map { column($0.name) }
        var orders: [Spark_Connect_Expression.SortOrder] = []
        for key in stage.by { orders.append(try sortOrder(key, in: schema)) }
        w.orderSpec = orders
        func boundary(_ offset: Int?) -> Spark_Connect_Expression.Window.WindowFrame.FrameBoundary {
            var b = Spark_Connect_Expression.Window.WindowFrame.FrameBoundary()
            switch offset {
            case nil: b.unbounded = true
            case 0: b.currentRow = true
            case let n?: b.value = int32Literal(Int32(n))
            }
            return b
        }
        var f = Spark_Connect_Expression.Window.WindowFrame()
        f.frameType = .row
        switch frame {
        case .offset: break  // ranks and lag/lead take Spark's own frame
        case .whole: (f.lower, f.upper) = (boundary(nil), boundary(nil))
        case .running: (f.lower, f.upper) = (boundary(nil), boundary(0))
        case .last(let n): (f.lower, f.upper) = (boundary(n == 1 ? 0 : 1 - n), boundary(0))
        }
        if case .offset = frame {} else { w.frameSpec = f }
        var out = Spark_Connect_Expression()
        out.window = w
        return out
    }

    private func binary(_ op: BinaryOp, _ a: Spark_Connect_Expression, _ b: Spark_Connect_Expression) throws(Diagnostic) -> Spark_Connect_Expression {
        switch op {
        case .or: call("or", [a, b])
        case .and: call("and", [a, b])
        case .eq: call("==", [a, b])
        case .ne: call("not", [call("==", [a, b])])
        case .lt, .le, .gt, .ge, .add, .sub, .mul: call(op.rawValue, [a, b])
        // Division and modulo by zero are null, as in trq (plain `/` fails under ANSI mode).
        case .div: call("try_divide", [a, b])
        case .mod: call("try_mod", [a, b])
        case .like: call("like", [a, b])
        case .regex: call("rlike", [a, b])
        }
    }

    private func function(_ name: String, _ args: [Expr], _ e: [Spark_Connect_Expression], in schema: Schema?,
                          at: SourceLocation) throws(Diagnostic) -> Spark_Connect_Expression {
        func argType(_ i: Int) -> DataType? { schema?.type(of: args[i]) }
        switch name {
        case "lower", "upper", "trim", "contains", "replace", "substr", "round", "abs", "exp", "coalesce", "if", "year", "month", "hour", "weekday",
             "min", "max", "sum", "median":
            return call(name, e)
        case "len": return call("char_length", e)
        case "starts_with": return call("startswith", e)
        case "ends_with": return call("endswith", e)
        case "floor", "ceil": return call(name, e)
        // trq's square root and logarithm are null outside their domain; Spark's sqrt is NaN.
        case "sqrt": return call("if", [call("<", [e[0], literal(.int(0))]), literal(.null), call("sqrt", e)])
        case "log": return call("ln", e)
        case "pow": return call("power", e)
        case "day": return call("dayofmonth", e)
        case "date": return cast(e[0], .date)
        case "date_trunc":
            let truncated = call("date_trunc", e)
            return args.count > 1 && argType(1) == .date ? cast(truncated, .date) : truncated
        case "int", "float":
            if name == "int", argType(0) == .float {
                throw Diagnostic("int() of a float on Spark is not checked against trq's rounding", at: at, kind: .bind,
                                 hint: "use round(x) or floor(x), or run locally")
            }
            return cast(e[0], name == "int" ? .int : .float)
        case "string":
            guard let t = argType(0), t == .int || t == .string else {
                throw Diagnostic("string() on Spark takes int or string values (Spark writes floats, booleans and times differently)",
                                 at: at, kind: .bind, hint: Self.runLocally)
            }
            return cast(e[0], .string)
        case "count":
            return e.isEmpty ? call("count", [literal(.int(1))]) : call("count", e)
        case "count_distinct": return call("count", e, distinct: true)
        case "mean": return call("avg", e)
        case "std": return call("stddev_samp", e)
        case "var": return call("var_samp", e)
        // Exact and linearly interpolated, as trq's (not approx_percentile).
        case "quantile": return call("percentile", e)
        case "first", "last":
            throw Diagnostic("\(name)() depends on row order, which Spark does not keep", at: at, kind: .bind,
                             hint: "use min()/max(), or \(Self.runLocally)")
        default:
            throw Diagnostic("\(name)() is not supported on Spark yet", at: at, kind: .bind, hint: Self.runLocally)
        }
    }
}
#endif
