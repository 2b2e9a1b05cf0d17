import TRQFrame
import TRQLanguage

/// Turns `load ... with NAME = VALUE` into a format's typed options, checked against its specs.
enum SourceOptionBinding {
    static func bind(_ options: [Option], for format: any TableSource.Type, memoryLimit: Int?, warnings: CSVWarnings?) throws(Diagnostic) -> SourceOptions {
        var values: [String: SourceOptionValue] = [:]
        for option in options {
            let name = option.name.lowercased()
            guard let spec = format.options.first(where: { $0.name == name }) else {
                let known = format.options.map(\.name) + ["format"]
                throw Diagnostic("unknown load option '\(option.name)'\(suggestion(for: option.name, in: known))", at: option.at, kind: .bind)
            }
            let value = try self.value(option.value, for: spec)
            guard spec.check(value) else {
                throw Diagnostic("\(spec.name) must be \(spec.expected)", at: option.value.location, kind: .bind)
            }
            values[name] = value
        }
        return SourceOptions(values, memoryLimit: memoryLimit, warnings: warnings)
    }

    private static func value(_ expr: Expr, for spec: SourceOptionSpec) throws(Diagnostic) -> SourceOptionValue {
        let wrong = Diagnostic("\(spec.name) must be \(spec.expected)", at: expr.location, kind: .bind)
        switch spec.kind {
        case .string:
            guard case .literal(.string(let text), _) = expr else { throw wrong }
            return .string(text)
        case .bool:
            guard case .literal(.bool(let b), _) = expr else { throw wrong }
            return .bool(b)
        case .stringList:
            guard case .list(let items, _) = expr else { throw wrong }
            var texts: [String] = []
            for item in items {
                guard case .literal(.string(let text), _) = item else {
                    throw Diagnostic("\(spec.name) must be \(spec.expected)", at: item.location, kind: .bind)
                }
                texts.append(text)
            }
            return .stringList(texts)
        case .typeMap:
            guard case .map(let pairs, _) = expr else { throw wrong }
            var columns: [SourceColumn] = []
            for pair in pairs {
                let typeName: String
                switch pair.value {
                case .column(let name, _), .literal(.string(let name), _): typeName = name
                default: throw Diagnostic("type of '\(pair.key)' must be a type name", at: pair.value.location, kind: .bind)
                }
                guard let type = DataType(rawValue: typeName.lowercased()) else {
                    throw Diagnostic("unknown type '\(typeName)'\(suggestion(for: typeName, in: DataType.allCases.map(\.rawValue)))", at: pair.value.location, kind: .bind)
                }
                columns.append(SourceColumn(name: pair.key, type: type))
            }
            return .typeMap(columns)
        }
    }
}
