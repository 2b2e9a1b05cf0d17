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

/// Chart files are written by the caller (the engine saves them with TRQFrame's `saveAtomically`).
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
}
