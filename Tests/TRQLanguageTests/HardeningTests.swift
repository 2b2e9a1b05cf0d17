import Testing
import TRQLanguage

/// Nesting is limited to 256 levels (parentheses, calls, lists, maps, unary operators) with a
/// located error; long runs of binary operators are not nested and have no limit.
@Suite struct Hardening {
    static let tooDeep = "expression nested too deeply (more than 256 levels of parentheses, calls, lists or unary operators); split it into several derive steps"

    @Test func twentyThousandParenthesesAreALocatedError() {
        let source = "T | filter " + String(repeating: "(", count: 20_000) + "a" + String(repeating: ")", count: 20_000)
        // The 257th "(" starts at column 12 + 256.
        #expect(Src(source).diagnostic() == Diagnostic(Self.tooDeep, at: loc(1, 268), kind: .parse))
    }

    @Test func nestingUpToTheLimitParses() throws {
        let depth = 256
        let source = "T | filter " + String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth)
        #expect(try Src(source).filterExpression() == .column("a", at: loc(1, 12 + depth)))
    }

    @Test func everyNestingFormIsLimited() {
        let n = 20_000
        let sources = [
            "T | filter " + String(repeating: "not ", count: n) + "a",
            "T | filter " + String(repeating: "- ", count: n) + "a",
            "T | filter " + String(repeating: "abs(", count: n) + "a" + String(repeating: ")", count: n),
            "T | filter " + String(repeating: "a in [", count: n) + "1" + String(repeating: "]", count: n),
            "T | filter " + String(repeating: "a + (", count: n) + "a" + String(repeating: ")", count: n),
            "load \"x\" with a = " + String(repeating: "[", count: n) + String(repeating: "]", count: n),
            "load \"x\" with a = " + String(repeating: "{a: ", count: n) + "1" + String(repeating: "}", count: n),
        ]
        for source in sources {
            #expect(Src(source).diagnostic()?.message == Self.tooDeep, "\(source.prefix(30))")
        }
    }

    @Test func aHundredThousandTermSumIsOneFlatChain() throws {
        let terms = 100_000
        let source = "T | filter " + Array(repeating: "a", count: terms).joined(separator: " + ") + " > 0"
        guard case .binary(.gt, .chain(let head, let links, let at), _, _)? = try Src(source).filterExpression() else {
            Issue.record("expected chain > 0")
            return
        }
        #expect(head == .column("a", at: loc(1, 12)))
        #expect(links.count == terms - 1)
        #expect(at == loc(1, 14))
        #expect(links.allSatisfy { $0.op == .add })
        // Term i (0-based) starts at column 12 + 4i; its operator two columns before.
        #expect(links.last == ChainLink(.add, .column("a", at: loc(1, 12 + 4 * (terms - 1))), at: loc(1, 10 + 4 * (terms - 1))))
    }

    @Test func longRunsOfAndOrAndMixedLevelsStayShallow() throws {
        let count = 50_000
        let conjunction = "T | filter " + Array(repeating: "a > 1", count: count).joined(separator: " and ")
        guard case .chain(_, let links, _)? = try Src(conjunction).filterExpression() else {
            Issue.record("expected a chain")
            return
        }
        #expect(links.count == count - 1)
        let mixed = "T | derive y = " + Array(repeating: "a * b", count: count).joined(separator: " - ")
        guard case .derive(let items)? = try Src(mixed).stage(), case .chain(_, let terms, _)? = items.first?.expr else {
            Issue.record("expected a chain")
            return
        }
        #expect(terms.count == count - 1)
        #expect(terms.allSatisfy { if case .binary(.mul, _, _, _) = $0.operand { $0.op == .sub } else { false } })
    }

    @Test func longScriptsParse() throws {
        let stages = "T" + String(repeating: " | limit 1", count: 50_000)
        #expect(try Src(stages).stages().count == 50_000)
        let blankLinesThenPipe = "T" + String(repeating: "\n", count: 100_000) + "| describe"
        #expect(try Src(blankLinesThenPipe).stages().count == 1)
        let statements = String(repeating: "T\n", count: 100_000)
        #expect(try parse(statements).count == 100_000)
    }
}

/// Inputs found by scripts/fuzz/run, kept as regression tests.
@Suite struct FuzzRegressions {
    /// crash-9069eeb0: with CRLF line ends, `rendered` split on Characters ("\r\n" is one)
    /// and lost the source line; the fuzz harness had the same mistake.
    @Test func crlfSourceLinesAreRendered() throws {
        let bytes: [UInt8] = [0x23, 0x6e, 0x73, 0x32, 0x47, 0x0d, 0x0a, 0x20, 0x22, 0x70, 0x6c, 0x22, 0x60]
        let text = try decodeSource(bytes, file: "t.trq")
        #expect(Src(text).failure() == """
            t.trq:2:2: error: expected a statement (load "PATH", a table name, let NAME = ..., or a .command), found string "pl"
             "pl"`
             ^
            """)
        #expect(Diagnostic("x", at: loc(2, 3), kind: .parse).rendered(file: "f", source: "a\r\nbcd\r\ne") == "f:2:3: error: x\nbcd\n  ^")
    }
}
