import Testing
import TestSupport
@testable import TRQPlot

/// Expected charts below were laid out by hand from the rules in TerminalChart: label column,
/// a space, the axis, then the plotting area; bar length = value / axis maximum × bar cells,
/// in eighths of a cell; tick t at cell round(fraction(t) × cells).
@Suite struct TerminalChartTests {
    func bar(_ labels: [String], _ values: [Double], title: String = "") throws -> PlotSpec {
        try PlotSpec(kind: .bar, title: title, series: [PlotSeries(name: "", x: .categories(labels), y: values)])
    }

    func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "", "output ends with a newline")
        lines.removeLast()
        return lines
    }

    @Test func barLengthsAreProportional() throws {
        // 35 bar cells, axis 0 … 10: 8 → 28 cells, 4 → 14, 2 → 7.
        let text = TerminalChart.render(try bar(["a", "b", "c"], [8, 4, 2]), width: 40)
        #expect(lines(text) == [
            "a │" + String(repeating: "█", count: 28) + " 8",
            "b │" + String(repeating: "█", count: 14) + " 4",
            "c │" + String(repeating: "█", count: 7) + " 2",
            "  └┬" + String(repeating: "─", count: 17) + "┬" + String(repeating: "─", count: 16) + "┬",
            "   0" + String(repeating: " ", count: 17) + "5" + String(repeating: " ", count: 16) + "10",
        ])
    }

    @Test func barEndsInEighths() throws {
        // 33 bar cells; 1.1 / 10 × 33 = 3.63 cells = 29 eighths = 3 full cells and 5/8 (▋).
        let text = TerminalChart.render(try bar(["a", "b"], [10, 1.1]), width: 40)
        #expect(Array(lines(text).prefix(2)) == [
            "a │" + String(repeating: "█", count: 33) + " 10",
            "b │███▋ 1.1",
        ])
    }

    @Test func negativeBarsGrowLeftFromZero() throws {
        // 32 bar cells, axis -5 … 10, zero at cell round(32/3) = 11. -2.5 spans 5.33 cells → 11
        // half cells: ▐ and 5 full cells ending at the zero cell; 10 spans the 21 cells after it.
        let text = TerminalChart.render(try bar(["a", "b"], [-2.5, 10]), width: 40)
        #expect(lines(text) == [
            "a │     ▐█████ -2.5",
            "b │" + String(repeating: " ", count: 11) + String(repeating: "█", count: 21) + " 10",
            "  └┬" + String(repeating: "─", count: 10) + "┬" + String(repeating: "─", count: 9) + "┬"
                + String(repeating: "─", count: 10) + "┬",
            "   -5" + String(repeating: " ", count: 9) + "0" + String(repeating: " ", count: 9) + "5"
                + String(repeating: " ", count: 10) + "10",
        ])
    }

    @Test func histogramColumns() throws {
        // Bins [1,2) … [4,5) with counts 1 … 4, y axis 0 … 4 over 4 rows: count c fills c rows.
        // 26 columns available → 6 per bin. Edge ticks every 2 bins (at most 3 ticks): 2 and 4.
        let spec = try PlotSpec(kind: .hist, series: [.values([1, 2, 2, 3, 3, 3, 4, 4, 4, 4])], bins: 4)
        let text = TerminalChart.render(spec, width: 30, height: 4)
        #expect(lines(text) == [
            "count",
            "4 ┤" + String(repeating: " ", count: 18) + String(repeating: "█", count: 6),
            "  │" + String(repeating: " ", count: 12) + String(repeating: "█", count: 12),
            "2 ┤" + String(repeating: " ", count: 6) + String(repeating: "█", count: 18),
            "  │" + String(repeating: "█", count: 24),
            "0 └" + String(repeating: "─", count: 6) + "┬" + String(repeating: "─", count: 11) + "┬" + String(repeating: "─", count: 6),
            String(repeating: " ", count: 9) + "2" + String(repeating: " ", count: 11) + "4",
        ])
    }

    @Test func histogramPartialTopsAndSlivers() throws {
        // Counts 1 and 16 on 3 rows (24 eighths), axis 0 … 20: 16 → 19.2 eighths → 19 = two
        // full rows and ▃; 1 → 1.2 eighths → ▁. A bin with values is never drawn empty.
        let values = [Double](repeating: 0, count: 1) + [Double](repeating: 1, count: 16)
        let spec = try PlotSpec(kind: .hist, series: [.values(values)], bins: 2)
        let rows = lines(TerminalChart.render(spec, width: 30, height: 3))
        #expect(rows[1].hasPrefix("20 ┤") && rows[1].hasSuffix("▃"))
        #expect(rows[2].hasSuffix("█") && !rows[2].contains("▁"))
        #expect(rows[3].contains("▁") && rows[3].hasSuffix("█"))
        // A height below 3 rows is drawn with 3.
        #expect(TerminalChart.render(spec, width: 30, height: 1) == TerminalChart.render(spec, width: 30, height: 3))
    }

    @Test func scatterCornersInBraille() throws {
        // 20 × 3 cells = 40 × 12 dots. (0, 0) is the bottom-left dot of cell (0, 2): ⡀ (dot 7);
        // (10, 10) the top-right dot of cell (19, 0): ⠈ (dot 4).
        let spec = try PlotSpec(kind: .scatter, series: [PlotSeries(name: "", x: .numbers([0, 10]), y: [0, 10])])
        #expect(lines(TerminalChart.render(spec, width: 24, height: 3)) == [
            "10 ┤" + String(repeating: " ", count: 19) + "⠈",
            " 5 ┤",
            " 0 ┤⡀",
            "   └┬" + String(repeating: "─", count: 9) + "┬" + String(repeating: "─", count: 8) + "┬",
            "    0" + String(repeating: " ", count: 9) + "5" + String(repeating: " ", count: 7) + "10",
        ])
    }

    @Test func horizontalLineFillsOneDotRow() throws {
        // y = 5 on an axis 4.5 … 5.5 is dot row 5 of 12: the second dot row of the middle cell
        // row, in both dot columns: ⠒ (dots 2 and 5) in all 19 cells.
        let spec = try PlotSpec(kind: .line, series: [PlotSeries(name: "", x: .numbers([10, 0]), y: [5, 5])])
        #expect(lines(TerminalChart.render(spec, width: 24, height: 3)) == [
            "5.5 ┤",
            "  5 ┤" + String(repeating: "⠒", count: 19),
            "4.5 ┤",
            "    └┬" + String(repeating: "─", count: 8) + "┬" + String(repeating: "─", count: 8) + "┬",
            "     0" + String(repeating: " ", count: 8) + "5" + String(repeating: " ", count: 7) + "10",
        ])
    }

    @Test func lineIsDrawnInXOrder() throws {
        let xs: [Double] = [3, 1, 4, 0, 2]
        let ys: [Double] = [9, 1, 16, 0, 4]
        let shuffled = try PlotSpec(kind: .line, series: [PlotSeries(name: "", x: .numbers(xs), y: ys)])
        let sorted = try PlotSpec(kind: .line, series: [PlotSeries(name: "", x: .numbers([0, 1, 2, 3, 4]), y: [0, 1, 4, 9, 16])])
        #expect(TerminalChart.render(shuffled, width: 50, height: 8) == TerminalChart.render(sorted, width: 50, height: 8))
    }

    @Test func nullBreaksTheLine() throws {
        func brailleCells(_ text: String) -> Int {
            text.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }.count
        }
        let gap = try PlotSpec(kind: .line, series: [PlotSeries(name: "", x: .numbers([0, 1, 2]), y: [1, .nan, 1])])
        let joined = try PlotSpec(kind: .line, series: [PlotSeries(name: "", x: .numbers([0, 2]), y: [1, 1])])
        // Labels 0.9, 1, 1.1 leave 30 − 5 = 25 cells: joined, the line fills all of them; with
        // the null between, only the two end points remain.
        #expect(brailleCells(TerminalChart.render(joined, width: 30, height: 3)) == 25)
        #expect(brailleCells(TerminalChart.render(gap, width: 30, height: 3)) == 2)
    }

    @Test func seriesWithoutColorUseMarkersAndLegend() throws {
        let spec = try PlotSpec(kind: .scatter, series: [
            PlotSeries(name: "pop", x: .numbers([0, 1]), y: [0, 1]),
            PlotSeries(name: "rock", x: .numbers([0.5]), y: [0.5]),
        ])
        let text = TerminalChart.render(spec, width: 40, height: 6)
        #expect(!text.contains("\u{1B}"))
        #expect(text.filter { $0 == "*" }.count == 2 + 1)  // two points and the legend key
        #expect(text.filter { $0 == "x" }.count == 1 + 1)
        #expect(lines(text).last == "* pop  x rock")
    }

    @Test func colorOnlyWhenAsked() throws {
        let spec = try PlotSpec(kind: .line, title: "t", series: [
            PlotSeries(name: "a", x: .numbers([0, 1]), y: [0, 1]),
            PlotSeries(name: "b", x: .numbers([0, 1]), y: [1, 0]),
        ])
        let colored = TerminalChart.render(spec, width: 40, height: 6, color: true)
        #expect(colored.contains("\u{1B}[34m") && colored.contains("\u{1B}[33m") && colored.contains("\u{1B}[1mt"))
        #expect(!TerminalChart.render(spec, width: 40, height: 6).contains("\u{1B}"))
        // Colour replaces markers: stripped of escapes, the points are plain Braille.
        #expect(!stripANSI(colored).contains("*"))
    }

    @Test func shadesTellBarSeriesApart() throws {
        let spec = try PlotSpec(kind: .bar, series: [
            PlotSeries(name: "2022", x: .categories(["a", "b"]), y: [4, 2]),
            PlotSeries(name: "2023", x: .categories(["b", "a"]), y: [3, 1]),
        ])
        let rows = lines(TerminalChart.render(spec, width: 40))
        // a/2022, a/2023, b/2022, b/2023: aligned by category, not by position.
        #expect(rows[0].hasPrefix("a │█") && rows[0].hasSuffix(" 4"))
        #expect(rows[1].hasPrefix("  │▓") && rows[1].hasSuffix(" 1"))
        #expect(rows[2].hasPrefix("b │█") && rows[2].hasSuffix(" 2"))
        #expect(rows[3].hasPrefix("  │▓") && rows[3].hasSuffix(" 3"))
        #expect(rows.last == "█ 2022  ▓ 2023")
    }

    @Test func everyLineFitsTheWidth() throws {
        let names = ["pop", "日本のポップ", "a very long category name indeed", "🎵 emoji", "tab\there"]
        var random = SplitMix64(seed: 3)
        let values = (0..<200).map { _ in Double(random.next() % 10_000) / 7 - 300 }
        let specs = [
            try PlotSpec(kind: .bar, title: String(repeating: "long title ", count: 20), xLabel: "genre", yLabel: "streams",
                         series: [PlotSeries(name: "", x: .categories(names), y: Array(values.prefix(5)))]),
            try PlotSpec(kind: .hist, xLabel: "value", series: [.values(values)], bins: 50),
            try PlotSpec(kind: .line, xLabel: "i", yLabel: "v", series: [
                PlotSeries(name: names[1], x: .numbers((0..<100).map(Double.init)), y: Array(values.prefix(100))),
                PlotSeries(name: names[2], x: .numbers((0..<100).map(Double.init)), y: Array(values.suffix(100))),
            ]),
            try PlotSpec(kind: .scatter, series: [PlotSeries(name: "", x: .categories((0..<200).map { names[$0 % 5] + "\($0)" }), y: values)]),
        ]
        for spec in specs {
            for width in [10, 24, 31, 57, 80, 133] {
                for color in [false, true] {
                    for line in lines(stripANSI(TerminalChart.render(spec, width: width, color: color))) {
                        #expect(TextGrid.displayWidth(line) <= max(width, TerminalChart.minimumWidth),
                                "\(spec.kind) at \(width): \(line)")
                        #expect(!line.contains("\t") && !line.hasSuffix(" "))
                    }
                }
            }
        }
    }

    @Test func wideLabelsKeepTheAxisAligned() throws {
        let text = TerminalChart.render(try bar(["日本", "pop", "ab"], [1, 2, 3]), width: 40)
        let axisColumns = lines(text).prefix(3).map { line in
            TextGrid.displayWidth(String(line.prefix { $0 != "│" }))
        }
        #expect(axisColumns == [5, 5, 5])
    }

    @Test func manyBarsAreCappedWithANote() throws {
        let labels = (0..<50).map { "c\($0)" }
        let text = TerminalChart.render(try bar(labels, (0..<50).map(Double.init)), width: 60, height: 10)
        let rows = lines(text)
        #expect(rows.filter { $0.contains("│") }.count == 10)
        #expect(rows.drop { !$0.hasPrefix("…") }.joined(separator: " ")
            == "… 40 more not shown; narrow the table with 'top N by …' or 'limit N'")
    }

    @Test func tooManyBinsAreReducedWithANote() throws {
        let spec = try PlotSpec(kind: .hist, series: [.values((0..<1000).map { Double($0) })], bins: 200)
        let rows = lines(TerminalChart.render(spec, width: 40, height: 5))
        let note = try #require(rows.last)
        let notes = rows.drop { !$0.hasPrefix("note:") }.joined(separator: " ")
        #expect(notes.hasPrefix("note: 200 bins do not fit in 40 columns; showing "))
        let shown = try #require(Int(note.split(separator: " ").last ?? ""))
        #expect(shown <= 40 - 3 - 4)  // width − axis/gap/edge columns − widest y label
    }

    @Test func titleEmptyDataAndDeterminism() throws {
        let empty = try PlotSpec(kind: .scatter, title: "Nothing", series: [PlotSeries(name: "", x: .numbers([1]), y: [.nan])])
        #expect(TerminalChart.render(empty, width: 40) == "Nothing\n(no data to plot)\n")
        let spec = try bar(["x", "y"], [1, 2], title: "Twice")
        #expect(TerminalChart.render(spec, width: 50) == TerminalChart.render(spec, width: 50))
        #expect(lines(TerminalChart.render(spec, width: 50)).first == "Twice")
    }

    @Test func timeAxisLabels() throws {
        let day: Int64 = 86_400_000_000
        let start: Int64 = 19_358 * day  // 2023-01-01
        let spec = try PlotSpec(kind: .line, series: [PlotSeries(name: "", x: .times((0..<365).map { start + Int64($0) * day }),
                                                                 y: (0..<365).map { Double($0 % 30) })])
        let rows = lines(TerminalChart.render(spec, width: 80, height: 6))
        #expect(rows.last?.contains("2023-01") == true && rows.last?.contains("2023-11") == true)
    }

    @Test func controlCharactersAreNeutralised() throws {
        let text = TerminalChart.render(try bar(["a\u{1B}[31mb", "c\nd"], [1, 2], title: "x\ry"), width: 40)
        #expect(!text.contains("\u{1B}") && !text.contains("\r"))
        #expect(lines(text).count == 1 + 2 + 2)
    }
}

func stripANSI(_ text: String) -> String {
    var out = ""
    var inEscape = false
    for ch in text {
        if inEscape {
            if ch == "m" { inEscape = false }
        } else if ch == "\u{1B}" {
            inEscape = true
        } else {
            out.append(ch)
        }
    }
    return out
}
