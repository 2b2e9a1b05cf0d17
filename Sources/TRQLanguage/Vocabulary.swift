/// The words of the language, for the parser's checks and suggestions and for REPL completion.
public enum Vocabulary {
    /// Stage names, in the order the reference documents them.
    public static let verbs: [String] = [
        "filter", "select", "derive", "drop", "rename", "groupby", "agg", "sort", "top", "limit",
        "distinct", "dropna", "fillna", "join", "union", "pivot", "unpivot", "describe", "recommend",
        "classify", "cluster", "plot", "save",
    ]

    /// Every other word with a meaning somewhere in the grammar (all case-insensitive).
    /// Only `and or not in like is null true false` are reserved inside expressions; the rest are
    /// keywords only where their clause can appear (elsewhere they are ordinary names).
    public static let keywords: [String] = [
        "let", "load", "with",
        "and", "or", "not", "in", "like", "is", "null", "true", "false",
        "asc", "desc", "by", "per", "agg", "on", "inner", "left", "cross", "using", "into",
        "for", "similar", "eval", "k", "test", "seed", "against", "user", "item", "weight",
        "from", "features", "model",
        "bar", "line", "hist", "scatter", "heatmap", "bins", "to",
    ]

    public static let scalarFunctions: [String] = scalarSignatures.map(\.name)
    public static let aggregateFunctions: [String] = aggregateSignatures.map(\.name)
    /// Functions over a row's partition in `by` order, allowed only in derive and filter.
    public static let windowFunctions: [String] = windowSignatures.map(\.name)

    /// Shell command names, without the leading dot.
    public static let shellCommands: [String] = [
        "help", "tables", "schema", "mode", "timer", "rows", "models", "read", "report", "quit", "exit",
    ]

    /// Output modes accepted by `.mode` (and `--format`).
    public static let outputModes: [String] = ["table", "csv", "json", "markdown"]

    /// Words reserved inside expressions; a column with such a name must be written in backticks.
    static let expressionWords: Set<String> = ["and", "or", "not", "in", "like", "is", "null", "true", "false"]

    struct Signature {
        var name: String
        var minArguments: Int
        /// nil: any number of arguments from `minArguments` on.
        var maxArguments: Int?
    }

    static let scalarSignatures: [Signature] = [
        .init(name: "lower", minArguments: 1, maxArguments: 1),
        .init(name: "upper", minArguments: 1, maxArguments: 1),
        .init(name: "len", minArguments: 1, maxArguments: 1),
        .init(name: "trim", minArguments: 1, maxArguments: 1),
        .init(name: "contains", minArguments: 2, maxArguments: 2),
        .init(name: "starts_with", minArguments: 2, maxArguments: 2),
        .init(name: "ends_with", minArguments: 2, maxArguments: 2),
        .init(name: "replace", minArguments: 3, maxArguments: 3),
        .init(name: "substr", minArguments: 2, maxArguments: 3),
        .init(name: "round", minArguments: 1, maxArguments: 2),
        .init(name: "abs", minArguments: 1, maxArguments: 1),
        .init(name: "floor", minArguments: 1, maxArguments: 1),
        .init(name: "ceil", minArguments: 1, maxArguments: 1),
        .init(name: "sqrt", minArguments: 1, maxArguments: 1),
        .init(name: "log", minArguments: 1, maxArguments: 1),
        .init(name: "exp", minArguments: 1, maxArguments: 1),
        .init(name: "pow", minArguments: 2, maxArguments: 2),
        .init(name: "coalesce", minArguments: 1, maxArguments: nil),
        .init(name: "if", minArguments: 3, maxArguments: 3),
        .init(name: "year", minArguments: 1, maxArguments: 1),
        .init(name: "month", minArguments: 1, maxArguments: 1),
        .init(name: "day", minArguments: 1, maxArguments: 1),
        .init(name: "weekday", minArguments: 1, maxArguments: 1),
        .init(name: "hour", minArguments: 1, maxArguments: 1),
        .init(name: "date", minArguments: 1, maxArguments: 1),
        .init(name: "date_trunc", minArguments: 2, maxArguments: 2),
        .init(name: "int", minArguments: 1, maxArguments: 1),
        .init(name: "float", minArguments: 1, maxArguments: 1),
        .init(name: "string", minArguments: 1, maxArguments: 1),
        .init(name: "bool", minArguments: 1, maxArguments: 1),
    ]

    static let aggregateSignatures: [Signature] = [
        .init(name: "count", minArguments: 0, maxArguments: 1),
        .init(name: "count_distinct", minArguments: 1, maxArguments: 1),
        .init(name: "sum", minArguments: 1, maxArguments: 1),
        .init(name: "mean", minArguments: 1, maxArguments: 1),
        .init(name: "median", minArguments: 1, maxArguments: 1),
        .init(name: "min", minArguments: 1, maxArguments: 1),
        .init(name: "max", minArguments: 1, maxArguments: 1),
        .init(name: "std", minArguments: 1, maxArguments: 1),
        .init(name: "var", minArguments: 1, maxArguments: 1),
        .init(name: "first", minArguments: 1, maxArguments: 1),
        .init(name: "last", minArguments: 1, maxArguments: 1),
        .init(name: "quantile", minArguments: 2, maxArguments: 2),
    ]

    static let windowSignatures: [Signature] = [
        .init(name: "row_number", minArguments: 0, maxArguments: 0),
        .init(name: "rank", minArguments: 0, maxArguments: 0),
        .init(name: "dense_rank", minArguments: 0, maxArguments: 0),
        .init(name: "lag", minArguments: 1, maxArguments: 3),
        .init(name: "lead", minArguments: 1, maxArguments: 3),
        .init(name: "cumsum", minArguments: 1, maxArguments: 1),
        .init(name: "cumcount", minArguments: 0, maxArguments: 0),
        .init(name: "cummin", minArguments: 1, maxArguments: 1),
        .init(name: "cummax", minArguments: 1, maxArguments: 1),
        .init(name: "rolling_mean", minArguments: 2, maxArguments: 2),
        .init(name: "rolling_sum", minArguments: 2, maxArguments: 2),
    ]

    static let scalarByName: [String: Signature] = Dictionary(
        uniqueKeysWithValues: scalarSignatures.map { ($0.name, $0) })
    static let aggregateByName: [String: Signature] = Dictionary(
        uniqueKeysWithValues: aggregateSignatures.map { ($0.name, $0) })
    static let windowByName: [String: Signature] = Dictionary(
        uniqueKeysWithValues: windowSignatures.map { ($0.name, $0) })

    /// Whether a column name can be written without backticks (it may still be a keyword).
    public static func isBareName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
