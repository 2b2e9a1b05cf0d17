import Foundation
import Testing
@testable import trq

/// A session stand-in: two bound tables; `plays` has these columns.
private final class FakeSession {
    var prefixes: [String] = []
    var context: CompletionContext {
        CompletionContext(
            tableNames: { ["plays", "tracks"] },
            columnNames: { prefix in
                self.prefixes.append(prefix)
                return prefix.hasPrefix("plays") ? ["user_id", "track_id", "played_at", "danceability_%", "Streams"] : []
            })
    }
}

private func texts(_ completion: Completion) -> [String] { completion.candidates.map(\.text) }

@Suite struct CompletionTests {
    @Test func verbsAfterAPipe() {
        let c = complete("plays | fil", context: FakeSession().context)
        #expect(c.word == "fil")
        #expect(texts(c) == ["filter", "fillna"])
        #expect(c.commonPrefix == nil)  // "fil" is all they share: list them
        let one = complete("plays | gro", context: FakeSession().context)
        #expect(one.candidates == [CompletionCandidate(text: "groupby", terminator: " ")])
    }

    @Test func statementStartOffersLetLoadAndTables() {
        #expect(texts(complete("", context: FakeSession().context)) == ["let", "load", "plays", "tracks"])
        #expect(texts(complete("tr", context: FakeSession().context)) == ["tracks"])
        #expect(texts(complete("let top = ", context: FakeSession().context)) == ["load", "plays", "tracks"])
        #expect(texts(complete("x = 1; pl", context: FakeSession().context)) == ["plays"])
    }

    @Test func columnsOfThePipelineSoFar() {
        let session = FakeSession()
        let c = complete("let x = plays | derive y = 1 | filter pl", context: session.context)
        #expect(session.prefixes == ["plays | derive y = 1 | filter "])
        #expect(texts(c) == ["played_at"])
        #expect(c.candidates[0].terminator == " ")
        // Case-insensitive: the completion fixes the case. Columns come before functions.
        #expect(texts(complete("plays | select str", context: session.context)) == ["Streams", "string"])
    }

    @Test func columnsBeforeFunctionsAndKeywords() {
        let c = complete("plays | filter t", context: FakeSession().context)
        #expect(texts(c).first == "track_id")
        #expect(texts(c).contains("trim"))
        #expect(texts(c).contains("true"))
        #expect(c.candidates.first { $0.text == "trim" }?.terminator == "(")
    }

    @Test func emptyWordInAnExpressionListsOnlyColumns() {
        let c = complete("plays | filter ", context: FakeSession().context)
        #expect(texts(c) == ["user_id", "track_id", "played_at", "`danceability_%`", "Streams"])
    }

    @Test func oddColumnNamesAreBackquoted() {
        #expect(texts(complete("plays | select danc", context: FakeSession().context)) == ["`danceability_%`"])
        let quoted = complete("plays | select `danc", context: FakeSession().context)
        #expect(quoted.word == "`danc")
        #expect(texts(quoted) == ["`danceability_%`"])
    }

    @Test func stringsAndCommentsAreNotCode() {
        let session = FakeSession()
        _ = complete(#"plays | filter user_id == "a;b" and pl"#, context: session.context)
        #expect(session.prefixes == [#"plays | filter user_id == "a;b" and "#])
        #expect(complete("plays | filter x > 1 # fil", context: session.context).candidates.isEmpty)
    }

    @Test func tablesAfterJoin() {
        #expect(texts(complete("plays | join left tr", context: FakeSession().context)) == ["tracks"])
        #expect(texts(complete("plays | join ", context: FakeSession().context)) == ["cross", "inner", "left", "plays", "tracks"])
        #expect(texts(complete("plays | join cross t", context: FakeSession().context)) == ["tracks"])
        #expect(texts(complete("plays | union p", context: FakeSession().context)) == ["plays"])
    }

    @Test func windowWordsComplete() {
        #expect(texts(complete("plays | derive r = rolling_m", context: FakeSession().context)) == ["rolling_mean"])
        #expect(texts(complete("plays | piv", context: FakeSession().context)) == ["pivot"])
        #expect(texts(complete("plays | unp", context: FakeSession().context)) == ["unpivot"])
    }

    @Test func shellCommandsAndTheirArguments() {
        #expect(texts(complete(".sc", context: FakeSession().context)) == ["schema"])
        #expect(texts(complete(".mode c", context: FakeSession().context)) == ["csv"])
        #expect(texts(complete(".timer ", context: FakeSession().context)) == ["on", "off"])
        #expect(texts(complete(".schema t", context: FakeSession().context)) == ["tracks"])
    }

    @Test func filePathsInsideQuotes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data().write(to: directory.appendingPathComponent("tracks.csv"))
        try Data().write(to: directory.appendingPathComponent("tracks_2023.csv"))
        try Data().write(to: directory.appendingPathComponent(".hidden.csv"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("traces"), withIntermediateDirectories: false)
        let base = directory.path + "/"

        let c = complete("load \"\(base)tra", context: FakeSession().context)
        #expect(c.word == base + "tra")
        #expect(c.candidates == [
            CompletionCandidate(text: base + "traces/", terminator: ""),
            CompletionCandidate(text: base + "tracks.csv", terminator: "\""),
            CompletionCandidate(text: base + "tracks_2023.csv", terminator: "\""),
        ])
        #expect(c.commonPrefix == base + "trac")
        #expect(texts(complete("load '\(base)tracks_", context: FakeSession().context)) == [base + "tracks_2023.csv"])
        #expect(complete("load '\(base)tracks_", context: FakeSession().context).candidates[0].terminator == "'")
        #expect(texts(complete("load \"\(base).h", context: FakeSession().context)) == [base + ".hidden.csv"])
        #expect(texts(complete(".read \(base)traces", context: FakeSession().context)) == [base + "traces/"])
    }

    @Test func commonPrefixExtendsTheWord() {
        let c = Completion(word: "co", candidates: [
            CompletionCandidate(text: "count", terminator: "("), CompletionCandidate(text: "count_distinct", terminator: "("),
        ])
        #expect(c.commonPrefix == "count")
        #expect(Completion(word: "Art", candidates: [
            CompletionCandidate(text: "artist", terminator: " "), CompletionCandidate(text: "Artwork", terminator: " "),
        ]).commonPrefix == nil)
    }
}
