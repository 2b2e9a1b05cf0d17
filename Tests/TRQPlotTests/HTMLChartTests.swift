import Foundation
import Testing
@testable import TRQPlot

@Suite struct HTMLChartTests {
    static let barSpec = try! PlotSpec(kind: .bar, title: "Streams & genres", xLabel: "genre", yLabel: "streams", series: [
        PlotSeries(name: "", x: .categories(["pop", "rock", "jazz"]), y: [120, 60, 30]),
    ])
    static let lineSpec = try! PlotSpec(kind: .line, xLabel: "year", yLabel: "plays", series: [
        PlotSeries(name: "a", x: .numbers([2020, 2021, 2022]), y: [1, 2, 3]),
        PlotSeries(name: "b", x: .numbers([2020, 2021, 2022]), y: [3, 2, 1]),
    ])

    @Test func selfContainedPage() throws {
        let page = HTMLChart.render(Self.barSpec)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<title>Streams &amp; genres</title>"))
        for external in ["src=", "href=", "<link", "@import", "url(", "fetch(", "XMLHttpRequest"] {
            #expect(!page.contains(external), "page references something outside itself: \(external)")
        }
        #expect(page.components(separatedBy: "http").count == 2)  // only the SVG namespace
        // The embedded chart is the SVG renderer's (without native tooltips), and well-formed.
        let start = try #require(page.range(of: "<svg"))
        let end = try #require(page.range(of: "</svg>"))
        let svg = try #require(XMLNode.parse(String(page[start.lowerBound..<end.upperBound])))
        #expect(svg.elements("rect", class: "mark").count == 3)
        #expect(svg.elements("rect", class: "mark").allSatisfy { $0.children.isEmpty })
        #expect(page.contains("id=\"trq-tooltip\"") && page.contains("id=\"trq-selftest\""))
    }

    @Test func standaloneSVGHasNativeTooltips() throws {
        let svg = try #require(XMLNode.parse(SVGChart.render(Self.barSpec)))
        #expect(svg.elements("rect", class: "mark").map { $0.elements("title").first?.text } == ["pop, 120", "rock, 60", "jazz, 30"])
    }
}

/// Runs the page's `#selftest` in headless Chromium and reads the DOM after its script ran.
@Suite(.serialized, .enabled(if: Chromium.path != nil, "chromium is not installed (apt-get install chromium)"))
struct HTMLChartBrowserTests {
    @Test func hoverShowsValues() throws {
        let report = try Chromium.selftest(HTMLChart.render(HTMLChartTests.barSpec))
        #expect(report.attributes["data-marks"] == "3")
        #expect(report.attributes["data-tooltip-visible"] == "true")
        #expect(report.text == "genre: pop\nstreams: 120")
        #expect(report.attributes["data-hidden-series"] == nil)  // no legend for one series
    }

    @Test func legendHidesSeries() throws {
        let report = try Chromium.selftest(HTMLChart.render(HTMLChartTests.lineSpec))
        #expect(report.attributes["data-marks"] == "6")
        #expect(report.text == "a\nyear: 2020\nplays: 1")
        #expect(report.attributes["data-hidden-series"] == "0")
    }
}

enum Chromium {
    static let path: String? = {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }()

    struct Report {
        var attributes: [String: String] = [:]
        var text = ""
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes `page` to a temporary file, opens it with `#selftest` and returns the
    /// `<output id="trq-selftest">` element of the resulting DOM.
    static func selftest(_ page: String) throws -> Report {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trq-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("chart.html")
        try page.write(to: file, atomically: true, encoding: .utf8)
        let dump = directory.appendingPathComponent("dom.html")
        _ = FileManager.default.createFile(atPath: dump.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path!)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
            "--dump-dom", file.absoluteString + "#selftest",
        ]
        // To a file, not a pipe: a full pipe would block the browser while we wait for it.
        process.standardOutput = try FileHandle(forWritingTo: dump)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            throw Failure(description: "chromium did not finish within 120 s")
        }
        let dom = try String(contentsOf: dump, encoding: .utf8)
        guard let open = dom.range(of: "<output id=\"trq-selftest\""),
              let close = dom.range(of: "</output>", range: open.upperBound..<dom.endIndex),
              let tagEnd = dom.range(of: ">", range: open.upperBound..<close.lowerBound)
        else { throw Failure(description: "no selftest output in the DOM (exit \(process.terminationStatus)):\n\(dom.prefix(500))") }
        var report = Report()
        report.text = unescape(String(dom[tagEnd.upperBound..<close.lowerBound]))
        // Attributes as serialised by the browser: name="value", values HTML-escaped.
        var rest = dom[open.upperBound..<tagEnd.lowerBound]
        while let equals = rest.range(of: "=\"") {
            let name = rest[..<equals.lowerBound].split(separator: " ").last.map(String.init) ?? ""
            guard let quote = rest.range(of: "\"", range: equals.upperBound..<rest.endIndex) else { break }
            report.attributes[name] = unescape(String(rest[equals.upperBound..<quote.lowerBound]))
            rest = rest[quote.upperBound...]
        }
        return report
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }
}
