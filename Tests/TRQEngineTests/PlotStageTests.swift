import Foundation
import Testing
import TRQEngine

/// `plot ... by GROUP` and plot files, checked in the .svg the plot writes: every point is a
/// `<circle>` carrying `data-series` and `data-x`, and each series is a `<g class="series ...">`.
@Suite final class PlotStageTests {
    let dir: String

    init() throws {
        dir = NSTemporaryDirectory() + "trq-plot-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// The values of `attribute` in the elements of `svg` that start with `prefix`, in order.
    private func attributes(_ attribute: String, of prefix: String, in svg: String) -> [String] {
        svg.components(separatedBy: "\n").filter { $0.hasPrefix(prefix) }.compactMap { line in
            guard let start = line.range(of: " \(attribute)=\"")?.upperBound,
                  let end = line[start...].firstIndex(of: "\"") else { return nil }
            return String(line[start..<end])
        }
    }

    @Test func seriesFollowFirstAppearanceAndNullsAreOneSeries() throws {
        // By hand from Fixtures/plays.csv: the rows with ms, by ms descending, are
        // (null, 7000) (u3, 6000) (u3, 5000) (u2, 4000) (u1, 2000) (u1, 1000).
        let path = dir + "/by_user.svg"
        let r = run("plays | filter ms > 0 | sort ms desc | plot scatter ms ms by user to \"\(path)\"")
        #expect(r.outcome == .success, "\(r.err)")
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(attributes("data-series", of: "<g class=\"series", in: svg) == ["null", "u3", "u2", "u1"])
        let series = attributes("data-series", of: "<circle", in: svg)
        let xs = attributes("data-x", of: "<circle", in: svg).map { Double($0.replacingOccurrences(of: ",", with: "")) }
        #expect(series == ["null", "u3", "u3", "u2", "u1", "u1"])
        #expect(xs == [7000, 6000, 5000, 4000, 2000, 1000])
    }

    @Test func boolGroupsAndNoGroup() throws {
        let path = dir + "/by_skipped.svg"
        #expect(run("plays | plot line played_at ms by skipped to \"\(path)\"").outcome == .success)
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(attributes("data-series", of: "<g class=\"series", in: svg) == ["false", "true"])
        #expect(attributes("data-series", of: "<circle", in: svg).count == 6)  // the null ms is no point

        #expect(run("plays | plot scatter ms ms to \"\(path)\"").outcome == .success)
        let single = try String(contentsOfFile: path, encoding: .utf8)
        #expect(attributes("data-series", of: "<g class=\"series", in: single) == [""])
    }

    @Test func filesThatCannotBeWrittenAreLocatedErrors() throws {
        let missing = dir + "/no/such/folder/c.svg"
        let r = run("plays | plot hist ms to \"\(missing)\"")
        #expect(r.outcome == .failed)
        #expect(r.err.hasPrefix("test.trq:1:9: error: \(missing): cannot write: the folder does not exist (hint: create the folder first)"))
        #expect(!FileManager.default.fileExists(atPath: missing))

        let png = run("plays | plot hist ms to \"\(dir)/c.png\"")
        #expect(png.err.hasPrefix("test.trq:1:9: error: cannot plot to '\(dir)/c.png': the file name must end in .svg or .html"))
    }
}

/// `plot heatmap X Y VALUE`, by hand from Fixtures/plays.csv: ms summed per (user, genre) is
/// u1: pop 1000, rock 2000; u2: pop null, jazz 4000; u3: pop 5000, rock 6000. The range is
/// 1000-6000, so 1000 and 2000 are in the lowest quarter (░), 4000 in the third (▓), 5000 and
/// 6000 in the top one (█); pairs without a row, and the null sum, are blank (·).
@Suite struct HeatmapStageTests {
    static let query = "plays | filter user is not null | groupby user, genre agg ms = sum(ms) | plot heatmap user genre ms"

    @Test func terminalCellsAreShadedByQuarterOfTheRange() {
        let r = run(Self.query)
        #expect(r.outcome == .success, "\(r.err)")
        let rows = lines(r.out)
        #expect(rows.first == "ms by user and genre")
        #expect(rows.contains("pop  ░░░░░░······██████"), "\(r.out)")
        #expect(rows.contains("rock ░░░░░░······██████"), "\(r.out)")
        #expect(rows.contains("jazz ······▓▓▓▓▓▓······"), "\(r.out)")
        #expect(rows.last?.contains("░▒▓█ ms") == true)
    }

    @Test func svgAndHTMLCarryEachCellsValue() throws {
        let dir = NSTemporaryDirectory() + "trq-heatmap-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(run(Self.query + " to \"\(dir)/h.svg\"").outcome == .success)
        let svg = try String(contentsOfFile: dir + "/h.svg", encoding: .utf8)
        let marks = svg.components(separatedBy: "\n").filter { $0.hasPrefix("<rect class=\"mark\"") }
        #expect(marks.count == 5)
        #expect(marks.first?.contains("data-x=\"u1\" data-y=\"pop\" data-value=\"1,000\"") == true || marks.first?.contains("data-x=\"u1\" data-y=\"pop\" data-value=\"1000\"") == true, "\(marks.first ?? "")")
        #expect(marks.first?.contains("<title>") == true)
        #expect(run(Self.query + " to \"\(dir)/h.html\"").outcome == .success)
        let html = try String(contentsOfFile: dir + "/h.html", encoding: .utf8)
        #expect(html.contains("data-value-label=\"ms\"") && html.contains("getAttribute(\"data-value\")"))
    }

    @Test func aPairInTwoRowsAsksToAggregateFirst() {
        // (t1, pop) is in three rows
        let r = run("plays | plot heatmap track genre ms")
        #expect(r.outcome == .failed)
        #expect(r.err.contains("(track, genre) = (t1, pop) appears in more than one row; aggregate first, e.g. groupby track, genre agg ms = sum(ms)"), "\(r.err)")
    }

    @Test func numericLabelsAreInAscendingOrder() {
        let r = run("plays | derive month = month(played_at), h = hour(played_at) | filter ms > 0 | plot heatmap h month ms")
        let rows = lines(r.out)
        // months 1, 2, 3, 7, 12 from top to bottom, though 12 is not last in the input order
        #expect(rows.dropFirst(2).prefix(5).map { String($0.prefix(2)) } == ["1 ", "2 ", "3 ", "7 ", "12"], "\(r.out)")
    }
}
