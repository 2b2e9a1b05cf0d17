import TRQFrame
import TRQLanguage

extension Session {
    /// `save "PATH" [with overwrite = false]`: the format follows the extension.
    func save(_ table: Table, to path: String, options: [Option], at: SourceLocation) throws(Diagnostic) {
        var overwrite = true
        for option in options {
            guard option.name.lowercased() == "overwrite" else {
                throw Diagnostic("unknown save option '\(option.name)'\(suggestion(for: option.name, in: ["overwrite"]))", at: option.at)
            }
            guard case .literal(.bool(let b), _) = option.value else {
                throw Diagnostic("overwrite must be true or false", at: option.value.location)
            }
            overwrite = b
        }
        guard let format = TableFormat(path: path) else {
            throw Diagnostic("cannot tell the format of \"\(path)\" from its extension; use .csv, .tsv, .json or .md", at: at)
        }
        do {
            try saveAtomically(TableWriter.encode(table, as: format), to: path, overwrite: overwrite)
        } catch {
            throw Diagnostic("\(error)", at: at)
        }
        recordSavedTable(table, path: path)
        if settings.interactive { writeError("saved \(table.rowCount) rows to \(path)\n") }
    }
}
