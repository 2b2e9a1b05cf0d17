import Testing
import TRQEngine

@Test func helpListsEveryFunctionAndTheAggExpressionForm() {
    let help = run(".help").out
    for name in ["date_trunc", "weekday", "quantile", "count_distinct"] {
        #expect(help.split(whereSeparator: { $0 == " " || $0 == "\n" }).contains(Substring(name)), "help lacks \(name)")
    }
    #expect(help.contains("year|quarter|month|week|day|hour"))
    #expect(help.contains("share = sum(x) / count()"))
    let functionLines = help.split(separator: "\n").drop { !$0.hasPrefix("Functions:") }.prefix(2)
    #expect(functionLines.count == 2 && functionLines.allSatisfy { $0.count <= 100 })
}

@Test func helpLoadListsEveryFormatWithItsOptions() {
    let help = run(".help load").out
    #expect(help.contains("  format \"parquet\" (.parquet .parq), no options\n"), "\(help)")
    #expect(help.contains("  format \"json\" (.json), options:\n    spotify: map Spotify's streaming history files"), "\(help)")
    #expect(help.contains("  format \"ndjson\" (.ndjson .jsonl), options:\n    spotify:"), "\(help)")
    #expect(help.contains("  format \"csv\" (.csv .tsv .txt), options:\n    delimiter:"), "\(help)")
}
