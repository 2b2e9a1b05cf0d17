import TRQFrame
import TRQLanguage
import TRQParquet

extension Session {
    /// `load` of a Parquet file, folder or glob: only `columns` are decoded (nil: all), and
    /// `filter` (the pipeline's first stage, if any) lets row groups be skipped by statistics.
    func loadParquet(_ path: String, options: [Option], columns: Set<String>?, filter: Expr?, at: SourceLocation) throws(Diagnostic) -> Table {
        for option in options where option.name.lowercased() != "format" {
            throw Diagnostic("unknown option '\(option.name)' for a Parquet load; Parquet files take only `format`", at: option.at)
        }
        let predicates = filter.map(parquetPredicates) ?? []
        do {
            return try ParquetReader.load(path, columns: columns.map { Array($0) }, predicates: predicates).0
        } catch {
            throw error.isCancelled ? Diagnostic(FrameError.cancelled, at: at) : Diagnostic(error.description, at: at)
        }
    }

    /// Whether `load` reads PATH as Parquet: by extension, a folder, or `with format = "parquet"`.
    func isParquetLoad(_ path: String, options: [Option]) -> Bool {
        if let format = options.first(where: { $0.name.lowercased() == "format" }),
           case .literal(.string(let name), _) = format.value {
            return name.lowercased() == "parquet"
        }
        let lower = path.lowercased()
        return lower.hasSuffix(".parquet") || lower.hasSuffix(".parq") || ParquetReader.isFolder(path)
    }
}

/// The `column OP literal` conjuncts of a filter condition that statistics can test.
func parquetPredicates(_ condition: Expr) -> [ParquetPredicate] {
    var conjuncts: [Expr] = []
    var pending = [condition]
    while let e = pending.popLast() {
        switch e {
        case .binary(.and, let a, let b, _): pending += [a, b]
        case .chain(let first, let links, _) where links.allSatisfy({ $0.op == .and }): pending += [first] + links.map(\.operand)
        default: conjuncts.append(e)
        }
    }
    let flipped: [BinaryOp: ParquetPredicate.Comparison] = [.eq: .equal, .ne: .notEqual, .lt: .greater, .le: .greaterOrEqual, .gt: .less, .ge: .lessOrEqual]
    let direct: [BinaryOp: ParquetPredicate.Comparison] = [.eq: .equal, .ne: .notEqual, .lt: .less, .le: .lessOrEqual, .gt: .greater, .ge: .greaterOrEqual]
    return conjuncts.compactMap { e -> ParquetPredicate? in
        switch e {
        case .binary(let op, .column(let name, _), .literal(let lit, _), _):
            guard let comparison = direct[op], let value = lit.value, !value.isNull else { return nil }
            return ParquetPredicate(column: name, comparison: comparison, values: [value])
        case .binary(let op, .literal(let lit, _), .column(let name, _), _):
            guard let comparison = flipped[op], let value = lit.value, !value.isNull else { return nil }
            return ParquetPredicate(column: name, comparison: comparison, values: [value])
        case .inList(.column(let name, _), let items, false, _):
            var values: [Value] = []
            for item in items {
                guard case .literal(let lit, _) = item, let value = lit.value else { return nil }
                values.append(value)
            }
            return ParquetPredicate(column: name, comparison: .isIn, values: values)
        case .isNull(.column(let name, _), let negated, _):
            return ParquetPredicate(column: name, comparison: negated ? .isNotNull : .isNull, values: [])
        default:
            return nil
        }
    }
}

private extension Literal {
    var value: Value? {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .float(let f): .float(f)
        case .string(let s): .string(s)
        }
    }
}
