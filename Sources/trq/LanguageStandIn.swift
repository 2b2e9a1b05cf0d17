// TEMPORARY stand-in for TRQLanguage's isIncomplete/Vocabulary until the parser is merged.
// Delete this file after `git merge main` brings the real ones.

enum Vocabulary {
    static let verbs: [String] = [
        "filter", "select", "derive", "drop", "rename", "groupby", "agg", "sort", "top", "limit",
        "distinct", "dropna", "fillna", "join", "describe", "recommend", "classify", "plot", "save",
    ]
    static let keywords: [String] = [
        "let", "load", "with", "and", "or", "not", "in", "like", "is", "null", "true", "false",
        "asc", "desc", "by", "per", "agg", "on", "inner", "left",
    ]
    static let scalarFunctions: [String] = ["lower", "upper", "len", "trim", "contains", "round", "year"]
    static let aggregateFunctions: [String] = ["count", "count_distinct", "sum", "mean", "median"]
    static let shellCommands: [String] = [
        "help", "tables", "schema", "mode", "timer", "rows", "models", "read", "quit", "exit",
    ]
    static let outputModes: [String] = ["table", "csv", "json", "markdown"]
}

func isIncomplete(_ source: String) -> Bool {
    var depth = 0
    var quote: Character?
    var last: Character?
    for c in source {
        if let q = quote { if c == q { quote = nil }; continue }
        switch c {
        case "\"", "'": quote = c
        case "(", "[": depth += 1
        case ")", "]": depth -= 1
        default: break
        }
        if !c.isWhitespace { last = c }
    }
    return depth > 0 || last == "|" || last == ","
}
