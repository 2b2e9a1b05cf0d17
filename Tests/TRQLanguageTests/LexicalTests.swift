import Testing
import TRQLanguage

@Suite struct Continuation {
    /// The number of statements and the stage count of each pipeline.
    func shape(_ source: String) throws -> [Int] {
        try parse(source).map { statement in
            switch statement {
            case .run(let pipeline), .bind(_, let pipeline, _), .explain(let pipeline): pipeline.stages.count
            case .command: -1
            }
        }
    }

    @Test func newlinesAndSemicolonsEndStatements() throws {
        #expect(try shape("T | describe\nU | limit 1\n\n\nV") == [1, 1, 0])
        #expect(try shape("T | describe; U | limit 1;; V;") == [1, 1, 0])
        #expect(try shape("") == [])
        #expect(try shape("\n# only a comment\n;\n") == [])
    }

    @Test func trailingPipeOrCommaContinues() throws {
        #expect(try shape("load \"a\" |\n  filter x > 1 |\n  select a,\n    b") == [2])
    }

    @Test func aLineStartingWithPipeContinuesThePreviousOne() throws {
        let s = Src("load \"a\"\n  | filter x > 1\n\n# a comment between\n  | limit 3\nT")
        let parsed = try s.statements()
        #expect(parsed.count == 2)
        guard case .run(let pipeline) = parsed.first else {
            Issue.record("expected a pipeline")
            return
        }
        #expect(pipeline.stages.map(\.at) == [loc(2, 5), loc(5, 5)])
        #expect(pipeline.stages.first?.kind == .filter(.binary(.gt, .column("x", at: loc(2, 12)), .literal(.int(1), at: loc(2, 16)), at: loc(2, 14))))
    }

    @Test func aLineStartingWithAnOperatorDoesNotContinue() {
        #expect(Src("T | filter (a > 1)\n  and b").diagnostic() == Diagnostic("unexpected 'b' after table 'and'; stages are separated by '|'", at: loc(2, 7), kind: .parse))
    }

    @Test func openBracketsContinue() throws {
        let s = Src("T | filter (a >\n 1\n  and b in [1,\n 2]) | derive y = coalesce(\nx,\n0)\nload \"x\" with types = {\n  a: int\n}")
        #expect(try shape(s.text) == [2, 0])
    }

    @Test func commentsAreIgnoredUpToTheEndOfTheLine() throws {
        let s = Src("T | # pick rows\n  filter x == \"#not a comment\" # but this is\n")
        #expect(try s.stages().map(\.kind) == [.filter(.binary(.eq, .column("x", at: loc(2, 10)), .literal(.string("#not a comment"), at: loc(2, 15)), at: loc(2, 12)))])
    }

    @Test func stringsMaySpanLines() throws {
        #expect(try parse("load \"a\nb.csv\" | limit 1\nT") == [
            .run(Pipeline(source: .load(path: "a\nb.csv", options: [], at: loc(1, 1)),
                          stages: [Stage(.limit(.literal(.int(1), at: loc(2, 16))), at: loc(2, 10))], at: loc(1, 1))),
            .run(Pipeline(source: .table(name: "T", at: loc(3, 1)), stages: [], at: loc(3, 1))),
        ])
    }

    @Test func carriageReturnsAreWhitespace() throws {
        #expect(try parse("T |\r\n  limit 1\r\nU\r\n") == parse("T |\n  limit 1\nU\n"))
    }

    @Test func columnsCountUnicodeScalars() throws {
        // é and 🎵 are one scalar each; the filter starts after them.
        let s = Src("`é🎵` | filter x")
        #expect(try s.stages().first?.at == loc(1, 8))
    }

    @Test func aCommandOnlyStartsAStatement() throws {
        #expect(try shape("T | describe; .tables\n.help filter") == [1, -1, -1])
        #expect(Src("T | .tables").diagnostic() == Diagnostic("unexpected '.': shell commands (.help, .tables, ...) must start a statement", at: loc(1, 5), kind: .parse))
    }
}

@Suite struct Incomplete {
    @Test func needsMoreLines() {
        for text in ["load \"a\" |", "T | select a,", "T | filter (a > 1", "load \"a", "load \"x\" with types = {",
                     "T | filter x in [1,", "T | filter x | # comment", "T |\n", "T | filter f(\n  a,", "load 'it\\'s"] {
            #expect(isIncomplete(text), "\(text.debugDescription) should need more")
        }
    }

    @Test func completeOrBrokenTextIsNotIncomplete() {
        for text in ["", "T | describe", "T | filter )", ".help", ".read \"a b\"", "T | filter x ==", "load \"a\\q\"",
                     "T |;", "T | filter (a;", "load \"a\" with nulls = []", "T | select `a", "T | limit 1\n"] {
            #expect(!isIncomplete(text), "\(text.debugDescription) should be complete")
        }
    }

    @Test func incompleteTextNeverParses() {
        // Whatever isIncomplete accepts as "needs more" must not be a valid program yet.
        let scripts = [
            #"let t = load "data/tracks.csv" with delimiter = ",", nulls = ["", "NA"], types = { streams: int } | filter year >= 2000 and genre in ["pop", "rock"]"#,
            "t | groupby artist, year agg n = count(), total = sum(streams), p = quantile(streams, 0.9)\n| sort total desc | top 5 by total per year",
            #"t | recommend for "u1" k 10 using user = uid, item = tid with factors = 32 | save "recs.csv" with overwrite = false"#,
            #"t | classify genre eval test 0.2 seed 7 features tempo, energy model "knn" | plot bar model accuracy to "acc.svg""#,
            ".mode csv\n.read \"other file.trq\"\nt | join left u on a = b, c | fillna x = -1 | derive y = if(x > 0, 'pos', 'neg')",
        ]
        for script in scripts {
            #expect(throws: Never.self) { try parse(script) }
            let scalars = Array(script.unicodeScalars)
            for end in 0..<scalars.count {
                var prefix = String.UnicodeScalarView()
                prefix.append(contentsOf: scalars[..<end])
                let text = String(prefix)
                if isIncomplete(text) {
                    #expect(throws: Diagnostic.self, "\(text.debugDescription)") { try parse(text) }
                }
            }
        }
    }
}

@Suite struct SourceDecoding {
    @Test func validUTF8DecodesAndSkipsTheByteOrderMark() throws {
        #expect(try decodeSource(Array("T | filter x == \"é\"".utf8), file: "a.trq") == "T | filter x == \"é\"")
        #expect(try decodeSource([0xEF, 0xBB, 0xBF] + Array("T".utf8), file: "a.trq") == "T")
        #expect(try decodeSource([], file: "a.trq") == "")
    }

    @Test func invalidUTF8IsLocated() {
        // Latin-1 é (0xE9) on line 2, after "x = " and a two-byte UTF-8 é counted as one column.
        let bytes = Array("T\n\u{E9}x = ".utf8) + [0xE9, 0x41]
        #expect(throws: Diagnostic("a.trq is not valid UTF-8: byte 0xE9 here cannot be decoded; save the script as UTF-8", at: loc(2, 6), kind: .parse)) {
            try decodeSource(bytes, file: "a.trq")
        }
        let cases: [([UInt8], SourceLocation, String)] = [
            ([0x41, 0xFF], loc(1, 2), "FF"),              // never valid
            ([0x41, 0xC0, 0xAF], loc(1, 2), "C0"),        // overlong
            ([0xED, 0xA0, 0x80], loc(1, 1), "ED"),        // surrogate
            ([0x0A, 0x0A, 0xE2, 0x82], loc(3, 1), "E2"),  // truncated at the end
            ([0xEF, 0xBB, 0xBF, 0x41, 0x80], loc(1, 2), "80"), // after a byte-order mark
        ]
        for (bytes, at, hex) in cases {
            #expect(throws: Diagnostic("f is not valid UTF-8: byte 0x\(hex) here cannot be decoded; save the script as UTF-8", at: at, kind: .parse)) {
                try decodeSource(bytes, file: "f")
            }
        }
    }
}
