import Foundation

/// Chart files: the format follows the extension.
public enum PlotFileFormat: String, Sendable, CaseIterable {
    case svg, html

    /// The format for `path`'s extension (case-insensitive; `.htm` is HTML), or nil.
    public init?(path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "svg": self = .svg
        case "html", "htm": self = .html
        default: return nil
        }
    }
}

public enum PlotFile {
    /// The file's content for `path`'s format.
    public static func render(_ spec: PlotSpec, path: String) throws(PlotError) -> String {
        guard let format = PlotFileFormat(path: path) else {
            throw PlotError("cannot plot to '\(path)': the file name must end in .svg or .html")
        }
        switch format {
        case .svg: return SVGChart.render(spec)
        case .html: return HTMLChart.render(spec)
        }
    }

    /// Writes the chart atomically: a reader never sees a half-written file, and a failed write
    /// leaves an existing file as it was.
    public static func write(_ spec: PlotSpec, to path: String) throws(PlotError) {
        let content = try render(spec, path: path)
        do {
            try Data(content.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PlotError("cannot write '\(path)': \(error.localizedDescription)")
        }
    }
}
