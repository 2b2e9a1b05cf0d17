import Foundation
import Testing
@testable import TRQPlot

@Suite struct SVGChartTests {
    func parse(_ spec: PlotSpec) throws -> XMLNode {
        try #require(XMLNode.parse(SVGChart.render(spec)), "SVG is not well-formed XML")
    }

    func number(_ node: XMLNode, _ attribute: String) -> Double {
        Double(node.attributes[attribute] ?? "") ?? .nan
    }

    @Test func barMarksLabelsAndEscaping() throws {
        let title = "Top \"genres\" <2023> & 'more'"
        let spec = try PlotSpec(kind: .bar, title: title, xLabel: "genre", yLabel: "streams", series: [
            PlotSeries(name: "", x: .categories(["pop", "rock", "jazz", "a<b&c"]), y: [120, 60, .nan, 30]),
        ])
        let svg = try parse(spec)
        #expect(svg.name == "svg")
        #expect(svg.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(svg.elements("style").count == 1)
        #expect(svg.elements("title").first?.text == title)
        #expect(svg.elements("text", class: "title").first?.text == title)
        #expect(svg.elements("text", class: "x-label").first?.text == "genre")
        #expect(svg.elements("text", class: "y-label").first?.text == "streams")

        // One mark per non-null value, carrying its data.
        let marks = svg.elements("rect", class: "mark")
        #expect(marks.count == 3)
        #expect(marks.map { $0.attributes["data-x"] } == ["pop", "rock", "a<b&c"])
        #expect(marks.map { $0.attributes["data-y"] } == ["120", "60", "30"])
        // Heights proportional to the values (coordinates are rounded to 0.1 px).
        let perUnit = marks.map { number($0, "height") / (Double($0.attributes["data-y"]!) ?? 1) }
        #expect(perUnit.allSatisfy { abs($0 - perUnit[0]) < 0.01 })
        // All bars stand on the same baseline.
        let bottoms = marks.map { number($0, "y") + number($0, "height") }
        #expect(bottoms.allSatisfy { abs($0 - bottoms[0]) < 0.15 })

        // Every category is labelled, even the null one; the y axis has ticks from 0.
        let tickLabels = svg.elements("text", class: "tick-label").map(\.text)
        for label in ["pop", "rock", "jazz", "a<b&c", "0"] { #expect(tickLabels.contains(label)) }
        #expect(svg.elements("g", class: "legend-item").isEmpty)
    }

    @Test func negativeBarsHangFromZero() throws {
        let spec = try PlotSpec(kind: .bar, series: [PlotSeries(name: "", x: .numbers([1, 2]), y: [-10, 20])])
        let svg = try parse(spec)
        let marks = svg.elements("rect", class: "mark")
        let zero = try #require(svg.elements("line", class: "zero").first)
        let zeroY = number(zero, "y1")
        #expect(abs(number(marks[0], "y") - zeroY) < 0.15)  // the negative bar starts at zero, going down
        #expect(abs(number(marks[1], "y") + number(marks[1], "height") - zeroY) < 0.15)
        #expect(abs(number(marks[1], "height") - 2 * number(marks[0], "height")) < 0.2)
    }

    @Test func linesPointsAndLegend() throws {
        let xs = (0..<10).map(Double.init)
        let b = xs.map { $0 == 4 ? Double.nan : $0 * 2 }
        let spec = try PlotSpec(kind: .line, xLabel: "t", yLabel: "v", series: [
            PlotSeries(name: "a", x: .numbers(xs), y: xs), PlotSeries(name: "b \"quoted\"", x: .numbers(xs), y: b),
        ])
        let svg = try parse(spec)
        #expect(svg.elements("circle", class: "mark").count == 19)
        let paths = svg.elements("path", class: "line")
        #expect(paths.count == 2)
        // The null splits b's line into two runs.
        #expect(paths.map { $0.attributes["d"]!.filter { $0 == "M" }.count } == [1, 2])
        let legend = svg.elements("g", class: "legend-item")
        #expect(legend.map { $0.attributes["data-series"] } == ["a", "b \"quoted\""])
        #expect(legend.map { $0.fullText } == ["a", "b \"quoted\""])
        let groups = svg.elements("g", class: "series")
        #expect(groups.map { $0.attributes["data-index"] } == ["0", "1"])
        #expect(groups[1].elements("circle", class: "mark").allSatisfy { $0.attributes["data-series"] == "b \"quoted\"" })
        // Points lie on the line: for a, y grows as x does.
        let aPoints = groups[0].elements("circle", class: "mark").map { (number($0, "cx"), number($0, "cy")) }
        #expect(zip(aPoints, aPoints.dropFirst()).allSatisfy { $0.0 < $1.0 && $0.1 > $1.1 })
    }

    @Test func scatterOverTime() throws {
        let day: Int64 = 86_400_000_000
        let start: Int64 = 19_358 * day
        let spec = try PlotSpec(kind: .scatter, xLabel: "date", series: [
            PlotSeries(name: "", x: .times((0..<90).map { start + Int64($0) * day }), y: (0..<90).map { Double($0 % 7) }),
        ])
        let svg = try parse(spec)
        let marks = svg.elements("circle", class: "mark")
        #expect(marks.count == 90)
        #expect(marks.first?.attributes["data-x"] == "2023-01-01")
        #expect(marks.last?.attributes["data-x"] == "2023-03-31")
        let labels = svg.elements("text", class: "tick-label").map(\.text)
        #expect(labels.contains("2023-02-01") || labels.contains("2023-02"))
    }

    @Test func histogramBars() throws {
        let values = (0..<100).map { Double($0) / 10 }
        let spec = try PlotSpec(kind: .hist, xLabel: "v", series: [.values(values + [.nan])], bins: 5)
        let svg = try parse(spec)
        let marks = svg.elements("rect", class: "mark")
        #expect(marks.map { $0.attributes["data-x"] } == ["[0, 2)", "[2, 4)", "[4, 6)", "[6, 8)", "[8, 10)"])
        #expect(marks.map { $0.attributes["data-y"] } == ["20", "20", "20", "20", "20"])
        #expect(svg.elements("text", class: "y-label").first?.text == "count")
        // Adjacent bins tile the axis: each starts about where the previous ended.
        let spans = marks.map { (number($0, "x"), number($0, "x") + number($0, "width")) }
        #expect(zip(spans, spans.dropFirst()).allSatisfy { abs($1.0 - $0.1) <= 1.2 })
    }

    @Test func emptyAndHostileInput() throws {
        let empty = try PlotSpec(kind: .scatter, title: "none", series: [])
        let svg = try parse(empty)
        #expect(svg.elements("circle", class: "mark").isEmpty)
        #expect(svg.all.contains { $0.text == "no data to plot" })

        let nasty = "x\u{0}\u{1B}]8;;\u{7}</text><script>alert(1)</script>\u{FFFF}"
        let spec = try PlotSpec(kind: .bar, title: nasty, xLabel: nasty, yLabel: nasty,
                                series: [PlotSeries(name: nasty, x: .categories([nasty, "ok"]), y: [1, 2]),
                                         PlotSeries(name: "second", x: .categories(["ok"]), y: [3])])
        let parsed = try parse(spec)
        #expect(parsed.elements("script").isEmpty)
        #expect(parsed.elements("rect", class: "mark").count == 3)
        #expect(parsed.elements("g", class: "legend-item").first?.attributes["data-series"]?.hasSuffix("</script>\u{FFFD}") == true)
    }

    @Test func standaloneAndSized() throws {
        let spec = try PlotSpec(kind: .line, title: "t", series: [PlotSeries(name: "", x: .numbers([0, 1]), y: [0, 1])])
        let text = SVGChart.render(spec, width: 640, height: 400)
        #expect(!text.contains("href") && !text.contains("url(") && !text.contains("@import"))
        #expect(text.components(separatedBy: "http").count == 2)  // only the xmlns
        let svg = try #require(XMLNode.parse(text))
        #expect(svg.attributes["width"] == "640" && svg.attributes["height"] == "400")
        #expect(svg.attributes["viewBox"] == "0 0 640 400")
    }
}
