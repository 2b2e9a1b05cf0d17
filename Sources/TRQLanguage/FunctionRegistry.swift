/// Every function of the language, one entry each: the parser checks names and argument counts
/// against it, the binder derives types from it, completion and `.help` list it, and the
/// engine's evaluator implements each entry (`TRQEngine/Functions.swift`, `AggregatePlan.swift`;
/// a test checks that every entry is implemented). A new function is a new entry here and its
/// case there.
public struct FunctionEntry: Sendable {
    /// A window function reads the row's partition in `by` order (derive and filter only).
    public enum Kind: Sendable { case scalar, aggregate, window }

    /// What an argument must be; checked by the binder where the argument's type is known.
    public enum Argument: Sendable, Equatable {
        case any, string, number, integer, bool
        /// A date, a timestamp, or ISO 8601 text.
        case time
    }

    /// The result's type, from the arguments' types.
    public enum Result: Sendable, Equatable {
        case fixed(TypeName)
        /// The type of argument i.
        case argument(Int)
        /// The common type of these arguments (int and float widen to float).
        case common([Int])
        /// Float, except an int argument i stays int (round, floor, ceil).
        case floatUnlessInt(Int)
    }

    public var name: String
    public var kind: Kind
    public var arguments: [Argument]
    /// Arguments from `minArguments` to `arguments.count` are optional; with `variadic`, the last
    /// argument kind repeats.
    public var minArguments: Int
    public var variadic = false
    public var result: Result
    public var help: String
    public var example: String

    public var maxArguments: Int? { variadic ? nil : arguments.count }

    /// The kind expected of argument `i`.
    public func argument(_ i: Int) -> Argument { i < arguments.count ? arguments[i] : arguments.last ?? .any }
}

/// The value types of the language, by the names `types` options and messages use.
public enum TypeName: String, Sendable, CaseIterable { case int, float, bool, string, timestamp, date }

public enum FunctionRegistry {
    private static func scalar(_ name: String, _ arguments: [FunctionEntry.Argument], min: Int? = nil, variadic: Bool = false,
                               _ result: FunctionEntry.Result, _ help: String, _ example: String) -> FunctionEntry {
        FunctionEntry(name: name, kind: .scalar, arguments: arguments, minArguments: min ?? arguments.count, variadic: variadic,
                      result: result, help: help, example: example)
    }

    private static func window(_ name: String, _ arguments: [FunctionEntry.Argument], min: Int? = nil,
                               _ result: FunctionEntry.Result, _ help: String, _ example: String) -> FunctionEntry {
        FunctionEntry(name: name, kind: .window, arguments: arguments, minArguments: min ?? arguments.count,
                      result: result, help: help, example: example)
    }

    private static func aggregate(_ name: String, _ arguments: [FunctionEntry.Argument], min: Int? = nil,
                                  _ result: FunctionEntry.Result, _ help: String, _ example: String) -> FunctionEntry {
        FunctionEntry(name: name, kind: .aggregate, arguments: arguments, minArguments: min ?? arguments.count,
                      result: result, help: help, example: example)
    }

    public static let all: [FunctionEntry] = [
        scalar("lower", [.string], .fixed(.string), "lower-case text", #"lower(country)"#),
        scalar("upper", [.string], .fixed(.string), "upper-case text", #"upper(country)"#),
        scalar("len", [.string], .fixed(.int), "the number of characters", #"len(track_name)"#),
        scalar("trim", [.string], .fixed(.string), "text without surrounding white space", #"trim(artist)"#),
        scalar("contains", [.string, .string], .fixed(.bool), "whether the text contains the second", #"contains(genre, "pop")"#),
        scalar("starts_with", [.string, .string], .fixed(.bool), "whether the text starts with the second", #"starts_with(track_id, "t0")"#),
        scalar("ends_with", [.string, .string], .fixed(.bool), "whether the text ends with the second", #"ends_with(name, "Remix")"#),
        scalar("replace", [.string, .string, .string], .fixed(.string), "every occurrence of the second text replaced by the third", #"replace(streams, ",", "")"#),
        scalar("substr", [.string, .integer, .integer], min: 2, .fixed(.string), "the text from a 1-based position, optionally of a length", #"substr(played_at_text, 1, 7)"#),
        scalar("round", [.number, .integer], min: 1, .floatUnlessInt(0), "rounded half away from zero, optionally to n decimals", #"round(ms_played / 1000, 1)"#),
        scalar("abs", [.number], .argument(0), "the absolute value", #"abs(delta)"#),
        scalar("floor", [.number], .floatUnlessInt(0), "rounded down", #"floor(tempo)"#),
        scalar("ceil", [.number], .floatUnlessInt(0), "rounded up", #"ceil(tempo)"#),
        scalar("sqrt", [.number], .fixed(.float), "the square root (null below 0)", #"sqrt(x)"#),
        scalar("log", [.number], .fixed(.float), "the natural logarithm (null at or below 0)", #"log(streams)"#),
        scalar("exp", [.number], .fixed(.float), "e to the power", #"exp(x)"#),
        scalar("pow", [.number, .number], .fixed(.float), "the first to the power of the second", #"pow(x, 2)"#),
        scalar("coalesce", [.any], min: 1, variadic: true, .common([0, 1]), "the first argument that is not null", #"coalesce(genre, "unknown")"#),
        scalar("if", [.any, .any, .any], .common([1, 2]), "the second argument where the first is true, else the third", #"if(skipped, 0, ms_played)"#),
        scalar("year", [.time], .fixed(.int), "the year", #"year(played_at)"#),
        scalar("month", [.time], .fixed(.int), "the month, 1 to 12", #"month(played_at)"#),
        scalar("day", [.time], .fixed(.int), "the day of the month", #"day(played_at)"#),
        scalar("weekday", [.time], .fixed(.int), "the day of the week, Monday = 0", #"weekday(played_at)"#),
        scalar("hour", [.time], .fixed(.int), "the hour, 0 to 23 (UTC)", #"hour(played_at)"#),
        scalar("date", [.time], .fixed(.date), "the date of a timestamp", #"date(played_at)"#),
        scalar("date_trunc", [.string, .time], .argument(1), "the start of the year, quarter, month, week (Monday), day or hour", #"date_trunc("week", played_at)"#),
        scalar("int", [.any], .fixed(.int), "as an integer (null if the text does not parse)", #"int(replace(streams, ",", ""))"#),
        scalar("float", [.any], .fixed(.float), "as a float (null if the text does not parse)", #"float(skipped)"#),
        scalar("string", [.any], .fixed(.string), "as text", #"string(year)"#),
        scalar("bool", [.any], .fixed(.bool), "as true/false (true, false, 1, 0; else null)", #"bool(explicit)"#),
        aggregate("count", [.any], min: 0, .fixed(.int), "the number of rows, or of non-null values", #"n = count()"#),
        aggregate("count_distinct", [.any], .fixed(.int), "the number of distinct non-null values", #"users = count_distinct(user_id)"#),
        aggregate("sum", [.number], .argument(0), "the sum (of integers: an integer)", #"total = sum(ms_played)"#),
        aggregate("mean", [.number], .fixed(.float), "the mean", #"avg = mean(ms_played)"#),
        aggregate("median", [.number], .fixed(.float), "the median, interpolated", #"mid = median(tempo)"#),
        aggregate("min", [.any], .argument(0), "the smallest value", #"first_play = min(played_at)"#),
        aggregate("max", [.any], .argument(0), "the largest value", #"longest = max(ms_played)"#),
        aggregate("std", [.number], .fixed(.float), "the sample standard deviation", #"spread = std(tempo)"#),
        aggregate("var", [.number], .fixed(.float), "the sample variance", #"v = var(tempo)"#),
        aggregate("first", [.any], .argument(0), "the first value", #"first_track = first(track_id)"#),
        aggregate("last", [.any], .argument(0), "the last value", #"last_track = last(track_id)"#),
        aggregate("quantile", [.number, .number], .fixed(.float), "the q-quantile, interpolated (q from 0 to 1)", #"p90 = quantile(ms_played, 0.9)"#),
        window("row_number", [], .fixed(.int), "1, 2, 3 ... within the partition, in `by` order", #"derive n = row_number() per user_id by played_at"#),
        window("rank", [], .fixed(.int), "SQL's rank: ties share it, then it skips", #"derive r = rank() per genre by plays desc"#),
        window("dense_rank", [], .fixed(.int), "SQL's dense rank: ties share it, no gaps", #"derive r = dense_rank() per genre by plays desc"#),
        window("lag", [.any, .integer, .any], min: 1, .argument(0), "the value n rows before (1), else the default (null)", #"derive previous = lag(played_at) per user_id by played_at"#),
        window("lead", [.any, .integer, .any], min: 1, .argument(0), "the value n rows after (1), else the default (null)", #"derive next = lead(played_at) per user_id by played_at"#),
        window("cumsum", [.number], .argument(0), "the running sum, nulls skipped", #"derive total = cumsum(ms_played) per user_id by played_at"#),
        window("cumcount", [], .fixed(.int), "1, 2, 3 ... within the partition", #"derive k = cumcount() per user_id"#),
        window("cummin", [.any], .argument(0), "the running minimum, nulls skipped", #"derive low = cummin(ms_played) by played_at"#),
        window("cummax", [.any], .argument(0), "the running maximum, nulls skipped", #"derive high = cummax(ms_played) by played_at"#),
        window("rolling_mean", [.number, .integer], .fixed(.float), "the mean of the n rows ending at this one", #"derive avg7 = rolling_mean(plays, 7) by day"#),
        window("rolling_sum", [.number, .integer], .argument(0), "the sum of the n rows ending at this one", #"derive sum7 = rolling_sum(plays, 7) by day"#),
    ]

    public static let byName: [String: FunctionEntry] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    public static var scalarNames: [String] { all.filter { $0.kind == .scalar }.map(\.name) }
    public static var aggregateNames: [String] { all.filter { $0.kind == .aggregate }.map(\.name) }
    public static var windowNames: [String] { all.filter { $0.kind == .window }.map(\.name) }
}
