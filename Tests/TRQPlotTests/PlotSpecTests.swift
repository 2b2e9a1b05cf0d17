import Testing
@testable import TRQPlot

@Suite struct PlotSpecTests {
    func message(_ make: () throws -> PlotSpec) -> String? {
        do {
            _ = try make()
            return nil
        } catch {
            return (error as? PlotError)?.message ?? "unexpected \(error)"
        }
    }

    @Test func rejectsMismatchedLengths() {
        let text = message { try PlotSpec(kind: .line, series: [PlotSeries(name: "pop", x: .numbers([1, 2, 3]), y: [1, 2])]) }
        #expect(text == "series 'pop' has 3 x values but 2 y values")
    }

    @Test func histNeedsNumbers() {
        let text = message {
            try PlotSpec(kind: .hist, xLabel: "released", series: [PlotSeries(name: "", x: .times([0]), y: [])])
        }
        #expect(text?.contains("hist needs numeric values, but 'released' is timestamp") == true)
        #expect(text?.contains("year(released)") == true)
        #expect(message { try PlotSpec(kind: .hist, series: [.values([1]), .values([2])]) } == "a histogram draws one column; got 2 series")
        #expect(message { try PlotSpec(kind: .hist, series: [PlotSeries(name: "", x: .numbers([1]), y: [1])]) }?
            .contains("hist takes its values as x") == true)
    }

    @Test func binsOnlyForHistAndInRange() {
        #expect(message { try PlotSpec(kind: .bar, series: [], bins: 5) }?.contains("'bins' only applies to 'plot hist'") == true)
        #expect(message { try PlotSpec(kind: .hist, series: [.values([1])], bins: 0) } == "bins must be between 1 and 1000, got 0")
        #expect(message { try PlotSpec(kind: .hist, series: [.values([1])], bins: 1_001) } != nil)
        #expect(message { try PlotSpec(kind: .hist, series: [.values([1])], bins: 1_000) } == nil)
    }

    @Test func seriesShareTheXType() {
        let text = message {
            try PlotSpec(kind: .scatter, series: [
                PlotSeries(name: "a", x: .numbers([1]), y: [1]), PlotSeries(name: "b", x: .categories(["x"]), y: [1]),
            ])
        }
        #expect(text == "series 'a' has numeric x values but series 'b' has text; convert x to one type")
    }

    @Test func groupedBarsNeedDistinctCategories() {
        let text = message {
            try PlotSpec(kind: .bar, series: [
                PlotSeries(name: "a", x: .categories(["x", "x"]), y: [1, 2]), PlotSeries(name: "b", x: .categories(["x"]), y: [1]),
            ])
        }
        #expect(text?.hasPrefix("x value 'x' appears more than once in series 'a'; aggregate first") == true)
        // A single series may repeat a label: each row is its own bar.
        #expect(message { try PlotSpec(kind: .bar, series: [PlotSeries(name: "", x: .categories(["x", "x"]), y: [1, 2])]) } == nil)
    }
}

@Suite struct PlotFileTests {
    @Test func formatFollowsTheExtension() {
        #expect(PlotFileFormat(path: "out/chart.svg") == .svg)
        #expect(PlotFileFormat(path: "CHART.HTML") == .html)
        #expect(PlotFileFormat(path: "chart.htm") == .html)
        #expect(PlotFileFormat(path: "chart.png") == nil)
        #expect(PlotFileFormat(path: "svg") == nil)
    }

    @Test func rendersByExtensionAndNamesBadPaths() throws {
        let spec = try PlotSpec(kind: .bar, series: [PlotSeries(name: "", x: .categories(["a"]), y: [1])])
        #expect(try PlotFile.render(spec, path: "out/c.svg") == SVGChart.render(spec))
        #expect(try PlotFile.render(spec, path: "out/c.HTML") == HTMLChart.render(spec))
        #expect(throws: PlotError("cannot plot to 'c.png': the file name must end in .svg or .html")) {
            try PlotFile.render(spec, path: "c.png")
        }
    }
}

@Suite struct TerminalEnvironmentTests {
    @Test func width() {
        #expect(TerminalEnvironment.width(environment: ["COLUMNS": "120"], terminalColumns: 100) == 120)
        #expect(TerminalEnvironment.width(environment: ["COLUMNS": " 90 "], terminalColumns: nil) == 90)
        #expect(TerminalEnvironment.width(environment: ["COLUMNS": "wide"], terminalColumns: 100) == 100)
        #expect(TerminalEnvironment.width(environment: ["COLUMNS": "0"], terminalColumns: nil) == 80)
        #expect(TerminalEnvironment.width(environment: [:], terminalColumns: nil) == 80)
        #expect(TerminalEnvironment.width(environment: [:], terminalColumns: nil, fallback: 100) == 100)
        #expect(TerminalEnvironment.width(environment: [:], terminalColumns: 70, fallback: 100) == 70)
    }

    @Test func color() {
        #expect(TerminalEnvironment.colorEnabled(environment: [:], stdoutIsTerminal: true))
        #expect(!TerminalEnvironment.colorEnabled(environment: [:], stdoutIsTerminal: false))
        #expect(!TerminalEnvironment.colorEnabled(environment: ["NO_COLOR": "1"], stdoutIsTerminal: true))
        #expect(TerminalEnvironment.colorEnabled(environment: ["NO_COLOR": ""], stdoutIsTerminal: true))
        #expect(!TerminalEnvironment.colorEnabled(environment: ["TERM": "dumb"], stdoutIsTerminal: true))
    }
}
