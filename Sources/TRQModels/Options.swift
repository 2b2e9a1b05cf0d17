/// An option value as written in `with NAME = VALUE`. The engine converts literals to this; each
/// options type validates names and ranges and says what it expected.
public enum OptionValue: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case string(String)
    case bool(Bool)

    public var description: String {
        switch self {
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return String(b)
        }
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int {
        guard case .number(let d) = self, d == d.rounded(), d >= Double(range.lowerBound), d <= Double(range.upperBound) else {
            throw ModelError("option \(name) = \(self): expected a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(d)
    }

    func double(_ name: String, in range: ClosedRange<Double>) throws -> Double {
        guard case .number(let d) = self, d >= range.lowerBound, d <= range.upperBound else {
            throw ModelError("option \(name) = \(self): expected a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return d
    }

    func seed(_ name: String) throws -> UInt64 {
        guard case .number(let d) = self, d == d.rounded(), d >= 0, d < 1.8e19 else {
            throw ModelError("option \(name) = \(self): expected a whole number >= 0")
        }
        return UInt64(d)
    }

    func bool(_ name: String) throws -> Bool {
        switch self {
        case .bool(let b): return b
        case .number(let d) where d == 0 || d == 1: return d == 1
        default: throw ModelError("option \(name) = \(self): expected true or false")
        }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ name: String, _: T.Type) throws -> T where T.RawValue == String {
        if case .string(let s) = self, let v = T(rawValue: s.lowercased()) { return v }
        let names = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        throw ModelError("option \(name) = \(self): expected one of \(names)")
    }
}

/// The error for an unknown option name, with the closest known name as a suggestion.
func unknownOption(_ name: String, known: [String], context: String) -> ModelError {
    let best = known.min { editDistance($0, name.lowercased()) < editDistance($1, name.lowercased()) }
    var message = "unknown \(context) option '\(name)'; known options: \(known.joined(separator: ", "))"
    if let best, editDistance(best, name.lowercased()) <= 2 { message += " (did you mean '\(best)'?)" }
    return ModelError(message)
}

private func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    var prev = Array(0...b.count), cur = prev
    for i in 1...max(1, a.count) where !a.isEmpty {
        cur[0] = i
        for j in 1...max(1, b.count) where !b.isEmpty {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return a.isEmpty ? b.count : prev[b.count]
}
