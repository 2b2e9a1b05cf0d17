/// The words of the language, for the parser's checks and suggestions and for REPL completion.
public enum Vocabulary {
    /// Stage names, in the order the reference documents them.
    public static let verbs: [String] = [
        "filter", "select", "derive", "drop", "rename", "groupby", "agg", "sort", "top", "limit",
        "distinct", "dropna", "fillna", "join", "union", "pivot", "unpivot", "describe", "recommend",
        "classify", "cluster", "plot", "save", "collect",
    ]

    /// Every other word with a meaning somewhere in the grammar (all case-insensitive).
    /// Only `and or not in like is null true false` are reserved inside expressions; the rest are
    /// keywords only where their clause can appear (elsewhere they are ordinary names).
    public static let keywords: [String] = [
        "let", "load", "with", "explain",
        "and", "or", "not", "in", "like", "is", "null", "true", "false",
        "asc", "desc", "by", "per", "agg", "on", "inner", "left", "cross", "using", "into",
        "for", "similar", "eval", "k", "test", "seed", "against", "user", "item", "weight",
        "from", "features", "model",
        "bar", "line", "hist", "scatter", "heatmap", "bins", "to",
    ]

    public static var scalarFunctions: [String] { FunctionRegistry.scalarNames }
    public static var aggregateFunctions: [String] { FunctionRegistry.aggregateNames }
    /// Functions over a row's partition in `by` order, allowed only in derive and filter.
    public static var windowFunctions: [String] { FunctionRegistry.windowNames }

    /// Shell command names, without the leading dot.
    public static let shellCommands: [String] = [
        "help", "tables", "schema", "mode", "timer", "rows", "models", "read", "report", "connect", "disconnect", "engine", "quit", "exit",
    ]

    /// Output modes accepted by `.mode` (and `--format`).
    public static let outputModes: [String] = ["table", "csv", "json", "markdown"]

    /// Words reserved inside expressions; a column with such a name must be written in backticks.
    static let expressionWords: Set<String> = ["and", "or", "not", "in", "like", "is", "null", "true", "false"]

    /// Whether a column name can be written without backticks (it may still be a keyword).
    public static func isBareName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
