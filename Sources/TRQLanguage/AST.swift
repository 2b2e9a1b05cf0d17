/// A place in a source text; line and column are 1-based, column counts Unicode scalars.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
}

/// A parsed statement.
public enum Statement: Sendable, Equatable {
    /// `let NAME = PIPELINE`
    case bind(name: String, pipeline: Pipeline, at: SourceLocation)
    /// A pipeline evaluated for its result.
    case run(Pipeline)
    /// `.COMMAND ARGS` (name without the dot; args split on white space, quotes removed).
    case command(name: String, arguments: [String], at: SourceLocation)
    /// `explain PIPELINE`: print the plan instead of running it.
    case explain(Pipeline)
}

public struct Pipeline: Sendable, Equatable {
    public var source: Source
    public var stages: [Stage]
    public var at: SourceLocation
    public init(source: Source, stages: [Stage], at: SourceLocation) {
        self.source = source
        self.stages = stages
        self.at = at
    }
}

public enum Source: Sendable, Equatable {
    /// `load "PATH" [with OPTION = VALUE, ...]`
    case load(path: String, options: [Option], at: SourceLocation)
    /// A table bound with `let` (or `_`, the last result).
    case table(name: String, at: SourceLocation)
}

/// `name = value` in a `with` clause. Values are literal expressions, lists or maps.
public struct Option: Sendable, Equatable {
    public var name: String
    public var value: Expr
    public var at: SourceLocation
    public init(name: String, value: Expr, at: SourceLocation) {
        self.name = name
        self.value = value
        self.at = at
    }
}

/// `name = EXPR` in select/derive/agg/fillna, or a bare column in select (name == column).
public struct NamedExpr: Sendable, Equatable {
    public var name: String
    public var expr: Expr
    public init(name: String, expr: Expr) {
        self.name = name
        self.expr = expr
    }
}

public struct SortKey: Sendable, Equatable {
    public var expr: Expr
    public var descending: Bool
    public init(expr: Expr, descending: Bool) {
        self.expr = expr
        self.descending = descending
    }
}

/// A column reference with its position (for error messages).
public struct ColumnRef: Sendable, Equatable {
    public var name: String
    public var at: SourceLocation
    public init(name: String, at: SourceLocation) {
        self.name = name
        self.at = at
    }
}

public enum JoinKind: String, Sendable, Equatable { case inner, left }

/// Column mapping for `recommend ... using user = COL, item = COL, weight = COL`.
public struct RecommendColumns: Sendable, Equatable {
    public var user: ColumnRef?
    public var item: ColumnRef?
    public var weight: ColumnRef?
    public init(user: ColumnRef? = nil, item: ColumnRef? = nil, weight: ColumnRef? = nil) {
        self.user = user
        self.item = item
        self.weight = weight
    }
}

public enum RecommendMode: Sendable, Equatable {
    /// `recommend for USER` (USER is a literal expression: string or number)
    case forUser(Expr)
    /// `recommend similar ITEM`
    case similar(Expr)
    /// `recommend eval [test F] [seed S] [against NAME]`
    case eval(testFraction: Expr?, seed: Expr?, against: String?)
}

public enum ClassifyMode: Sendable, Equatable {
    /// `classify LABEL [from TRAIN]`
    case predict(from: String?)
    /// `classify LABEL eval [test F] [seed S] [against TEST]`
    case eval(testFraction: Expr?, seed: Expr?, against: String?)
}

public enum ClusterMode: Sendable, Equatable {
    /// `cluster [k N]` (nil: the default k)
    case assign(k: Expr?)
    /// `cluster eval k N, ...`
    case eval(ks: [Expr])
}

public enum PlotKind: String, Sendable, Equatable, CaseIterable { case bar, line, hist, scatter, heatmap }

public struct Stage: Sendable, Equatable {
    public var kind: Kind
    public var at: SourceLocation
    public init(_ kind: Kind, at: SourceLocation) {
        self.kind = kind
        self.at = at
    }

    public enum Kind: Sendable, Equatable {
        case filter(Expr)
        case select([NamedExpr])
        case derive([NamedExpr])
        case drop([ColumnRef])
        /// pairs of (new, old)
        case rename([(new: String, old: ColumnRef)])
        case groupby(keys: [ColumnRef], aggregates: [NamedExpr])
        case agg([NamedExpr])
        case sort([SortKey])
        /// `top N [by EXPR [asc|desc]] [per KEY, ...]`; `by` nil means the first numeric column.
        case top(count: Expr, by: SortKey?, per: [ColumnRef])
        case limit(Expr)
        case distinct([ColumnRef])
        case dropna([ColumnRef])
        case fillna([NamedExpr])
        /// `join [inner|left] NAME on KEY [= KEY2], ...`: (left key, right key)
        case join(kind: JoinKind, table: String, tableAt: SourceLocation, on: [(left: ColumnRef, right: ColumnRef)])
        case describe
        case recommend(mode: RecommendMode, k: Expr?, model: String?, using: RecommendColumns, options: [Option])
        /// `cluster ...`: k-means on feature columns.
        case cluster(mode: ClusterMode, features: [ColumnRef], seed: Expr?, options: [Option])
        case classify(label: ColumnRef, mode: ClassifyMode, features: [ColumnRef], model: String?, options: [Option])
        /// `plot KIND X [Y] [by GROUP] [bins N] [to "PATH"]`
        /// `plot heatmap X Y VALUE [to "PATH"]` has `value`.
        case plot(kind: PlotKind, x: ColumnRef, y: ColumnRef?, by: ColumnRef?, bins: Expr?, to: String?, value: ColumnRef? = nil)
        case save(path: String, options: [Option])
        /// `collect`: the result so far is brought into the local engine, which runs the stages
        /// after it (under Spark; locally it changes nothing).
        case collect
        /// `derive`/`filter` with aggregates or window functions over partitions, or with `per`/`by`.
        case window(WindowStage)
        /// `pivot COL [using AGG | using name = AGG, ...] [per KEY, ...]`; an unnamed `using AGG`
        /// has the name "" (its columns are named by the values alone); no `using` means count().
        case pivot(column: ColumnRef, using: [NamedExpr], per: [ColumnRef])
        /// `unpivot COL, ... into NAME, VALUE`
        case unpivot(columns: [ColumnRef], name: String, value: String)
        /// `union NAME, ...` (table names with their positions)
        case union([ColumnRef])
        /// `join cross NAME`
        case crossJoin(table: String, tableAt: SourceLocation)

        public static func == (a: Kind, b: Kind) -> Bool {
            // Tuples are not Equatable; compare their rendering, which is total and exact.
            String(reflecting: a) == String(reflecting: b)
        }
    }
}

/// `derive ITEMS` or `filter EXPR` followed by `[per KEY, ...] [by KEY [asc|desc], ...]`: its
/// aggregates are computed over each row's partition (rows with equal `per` keys) and its window
/// functions read the partition in `by` order.
public struct WindowStage: Sendable, Equatable {
    public enum Verb: Sendable, Equatable {
        case derive([NamedExpr])
        case filter(Expr)
    }
    public var verb: Verb
    public var per: [ColumnRef]
    public var by: [SortKey]
    public init(verb: Verb, per: [ColumnRef], by: [SortKey]) {
        self.verb = verb
        self.per = per
        self.by = by
    }

    /// The expressions the rows are evaluated with, in order.
    public var expressions: [Expr] {
        switch verb {
        case .derive(let items): items.map(\.expr)
        case .filter(let condition): [condition]
        }
    }
}

public enum UnaryOp: String, Sendable, Equatable { case negate = "-", not }

public enum BinaryOp: String, Sendable, Equatable {
    case or, and
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%"
    case like, regex = "~"
}

public enum Literal: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
}

/// One `OP operand` step of an `Expr.chain`; `at` is the position of the operator.
public struct ChainLink: Sendable, Equatable {
    public var op: BinaryOp
    public var operand: Expr
    public var at: SourceLocation
    public init(_ op: BinaryOp, _ operand: Expr, at: SourceLocation) {
        self.op = op
        self.operand = operand
        self.at = at
    }
}

/// An expression with the position of its first token (for operators: of the operator).
public indirect enum Expr: Sendable, Equatable {
    case literal(Literal, at: SourceLocation)
    case column(String, at: SourceLocation)
    case list([Expr], at: SourceLocation)
    /// `{ name: value, ... }`, in options only; values are identifiers (as .column) or literals.
    case map([(key: String, value: Expr)], at: SourceLocation)
    case unary(UnaryOp, Expr, at: SourceLocation)
    case binary(BinaryOp, Expr, Expr, at: SourceLocation)
    /// Three or more operands joined by operators of one precedence level (`a + b - c`,
    /// `p and q and r`): evaluate left to right, `((a + b) - c)`. Kept flat so that a long sum
    /// is not a tree as deep as it is long (releasing or evaluating such a tree recursively
    /// overflows the stack). `at` is the position of the first operator.
    case chain(Expr, [ChainLink], at: SourceLocation)
    /// `x in [..]` / `x not in [..]`
    case inList(Expr, [Expr], negated: Bool, at: SourceLocation)
    /// `x is null` / `x is not null`
    case isNull(Expr, negated: Bool, at: SourceLocation)
    /// function or aggregate call; name lower-cased
    case call(String, [Expr], at: SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .literal(_, let at), .column(_, let at), .list(_, let at), .map(_, let at),
             .unary(_, _, let at), .binary(_, _, _, let at), .chain(_, _, let at), .inList(_, _, _, let at),
             .isNull(_, _, let at), .call(_, _, let at):
            return at
        }
    }

    public static func == (a: Expr, b: Expr) -> Bool {
        String(reflecting: a) == String(reflecting: b)
    }
}

extension Expr {
    /// The sub-expressions directly inside this one, left to right.
    public var children: [Expr] {
        switch self {
        case .literal, .column: []
        case .list(let items, _): items
        case .map(let pairs, _): pairs.map(\.value)
        case .unary(_, let x, _), .isNull(let x, _, _): [x]
        case .binary(_, let a, let b, _): [a, b]
        case .chain(let first, let links, _): [first] + links.map(\.operand)
        case .inList(let x, let items, _, _): [x] + items
        case .call(_, let args, _): args
        }
    }

    /// Visits this expression and those inside it in source order (pre-order, left to right),
    /// looking inside a node only when `visit` returns true. Iterative: a deep tree is no risk.
    public func visit(_ visit: (Expr) -> Bool) {
        var pending = [self]
        while let e = pending.popLast() {
            if visit(e) { pending += e.children.reversed() }
        }
    }

    /// An agg item seen from the group level, in source order: the aggregate calls it contains
    /// (whose arguments are read per row, so they are not looked into) and the columns it reads
    /// outside them (which must be groupby keys).
    public var aggregateItemParts: (aggregates: [Expr], columns: [(name: String, at: SourceLocation)]) {
        var aggregates: [Expr] = []
        var columns: [(name: String, at: SourceLocation)] = []
        visit { e in
            switch e {
            case .column(let name, let at): columns.append((name, at))
            case .call(let name, _, _) where FunctionRegistry.byName[name].map({ $0.kind != .scalar }) ?? false:
                aggregates.append(e)
                return false
            default: break
            }
            return true
        }
        return (aggregates, columns)
    }
}
