/// Picks the delimiter of a file from its first rows: for each candidate (`,` tab `;` `|`) the
/// rows are split with full quoting rules, and the candidate that gives the same number of
/// fields (more than one) on the largest share of rows wins. Ties go to tab for `.tsv`, `.tab`
/// and `.dat` files, else to the order above. A file no candidate splits is one column.
enum DelimiterSniffer {
    static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: "|")]
    static let sampleBytes = 1 << 16
    static let sampleRows = 100

    static func prefersTab(_ name: String) -> Bool {
        let lower = name.lowercased()
        return [".tsv", ".tab", ".dat"].contains { lower.hasSuffix($0) }
    }

    static func sniff(_ base: UnsafePointer<UInt8>, start: Int, end: Int, name: String) -> UInt8 {
        let tab = UInt8(ascii: "\t")
        let order = prefersTab(name) ? [tab] + candidates.filter { $0 != tab } : candidates
        var best: (delimiter: UInt8, consistency: Double)?
        for delimiter in order {
            guard let consistency = consistency(base, start: start, end: end, delimiter: delimiter) else { continue }
            if best == nil || consistency > best!.consistency { best = (delimiter, consistency) }
        }
        return best?.delimiter ?? order[0]
    }

    /// The share of sampled rows that have the most common field count, or nil if that count is 1.
    private static func consistency(_ base: UnsafePointer<UInt8>, start: Int, end: Int, delimiter: UInt8) -> Double? {
        let sampleEnd = min(end, start &+ sampleBytes)
        let scanner = CSVScanner(base: base, end: end, delimiter: delimiter)
        var counts: [Int: Int] = [:]
        var rows = 0
        var p = start
        while p < sampleEnd, rows < sampleRows {
            if base[p] == asciiLF || base[p] == asciiCR {
                p = scanner.afterLineBreak(p)
                continue
            }
            var fields = 0
            var complete = true
            while true {
                guard scanner.scanField(&p) != nil else {
                    complete = false
                    break
                }
                fields &+= 1
                guard p < end, base[p] == delimiter else { break }
                p &+= 1
            }
            // A row cut off by an unclosed quote or the sample's end says nothing reliable.
            guard complete, p <= sampleEnd || rows == 0 else { break }
            counts[fields, default: 0] &+= 1
            rows &+= 1
            if p < end { p = scanner.afterLineBreak(p) }
        }
        guard let (fields, frequency) = counts.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }), fields > 1 else {
            return nil
        }
        return Double(frequency) / Double(rows)
    }
}
