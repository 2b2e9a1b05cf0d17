import TRQFrame
import TRQLanguage

/// The registry's types (`FunctionRegistry`) in the engine's terms.
enum FunctionTypes {
    static func dataType(_ name: TypeName) -> DataType { DataType(rawValue: name.rawValue)! }

    /// The type a call yields given its arguments' types; nil when that depends on the data.
    static func result(of name: String, arguments: [DataType?]) -> DataType? {
        guard let entry = FunctionRegistry.byName[name] else { return nil }
        switch entry.result {
        case .fixed(let type): return dataType(type)
        case .argument(let i): return i < arguments.count ? arguments[i] : nil
        case .floatUnlessInt(let i):
            guard i < arguments.count, let type = arguments[i] else { return nil }
            return type == .int && arguments.count == 1 ? .int : .float
        case .common(let indices):
            let types = indices.filter { $0 < arguments.count }.map { arguments[$0] }
            guard let first = types.first ?? nil, types.allSatisfy({ $0 != nil }) else { return nil }
            let known = types.compactMap { $0 }
            if known.allSatisfy({ $0 == first }) { return first }
            return known.allSatisfy({ $0 == .int || $0 == .float }) ? .float : nil
        }
    }

    /// Whether a value of `type` can be argument `kind` (as the evaluator converts).
    static func accepts(_ kind: FunctionEntry.Argument, _ type: DataType) -> Bool {
        switch kind {
        case .any: true
        case .string: type == .string
        case .number: type == .int || type == .float
        case .integer: type == .int
        case .bool: type == .bool
        case .time: type == .timestamp || type == .date || type == .string
        }
    }

    static func describe(_ kind: FunctionEntry.Argument) -> String {
        switch kind {
        case .any: "a value"
        case .string: "a string"
        case .number: "a number"
        case .integer: "an integer"
        case .bool: "true/false"
        case .time: "a date or timestamp"
        }
    }
}

extension Schema {
    /// Checks the arguments of every scalar and window call in `expr` whose argument types are known: a column of
    /// the wrong type is an error at bind time, before any row is read.
    func checkCalls(_ expr: Expr) throws(Diagnostic) {
        var failure: Diagnostic?
        expr.visit { e in
            guard failure == nil else { return false }
            guard case .call(let name, let args, _) = e, let entry = FunctionRegistry.byName[name], entry.kind != .aggregate else { return true }
            for (i, arg) in args.enumerated() {
                guard let type = type(of: arg), !FunctionTypes.accepts(entry.argument(i), type) else { continue }
                failure = Diagnostic("\(name)() expects \(FunctionTypes.describe(entry.argument(i))) as argument \(i + 1), but '\(arg.text)' is \(type.rawValue)",
                                     at: arg.location, kind: .type, hint: "e.g. \(entry.example)")
                return false
            }
            return true
        }
        if let failure { throw failure }
    }
}
