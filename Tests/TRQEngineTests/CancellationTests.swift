import Foundation
import Synchronization
import Testing
import TRQFrame
import TRQLanguage
@testable import TRQEngine

/// A session that keeps what it writes to stderr, with no model cache on disk (a cached model
/// would skip training).
private final class RecordingSession {
    var errors = ""
    lazy var session: Session = {
        var settings = SessionSettings()
        settings.format = .csv
        settings.modelCacheDirectory = nil
        settings.variables = ["plays": fixture("plays.csv")]
        return Session(settings: settings, write: { _ in }, writeError: { [unowned self] in errors += $0 })
    }()
}

/// What the user sees for any cancelled statement.
private let cancelledMessage = Diagnostic(FrameError.cancelled, at: SourceLocation(line: 1, column: 1)).message

/// Each session owns its token, so these run beside other tests without stopping them.
@Suite struct CancellationTests {
    @Test func cancelledLoadReadsLikeAnyCancelledStatement() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trq-cancel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Files of a glob that are small on average are parsed one thread each, so the big one
        // passes the reader's first cancellation check (at 8 MB) whatever the core count.
        let big = "id,name\n" + String(repeating: "123456,abcdefgh\n", count: 600_000)
        try Data(big.utf8).write(to: directory.appendingPathComponent("a.csv"))
        try Data("id,name\n1,x\n".utf8).write(to: directory.appendingPathComponent("b.csv"))
        let session = RecordingSession().session
        let source = "load \"\(directory.path)/*.csv\" | agg n = count()"
        // `execute` clears the token as each statement starts, so the pipeline is evaluated
        // directly, as if Ctrl-C came just after the statement started: the load is its source.
        guard case .run(let pipeline)? = try parse(source).first, case .load(_, _, let at) = pipeline.source else {
            throw Diagnostic("not a load pipeline", at: nil)
        }
        session.cancellation.cancel()
        #expect(throws: Diagnostic(FrameError.cancelled, at: at)) { try session.evaluate(pipeline) }
        // Another session's statements are not stopped by this one's token.
        #expect(RecordingSession().session.execute(source, file: "t") == .success)
        #expect(session.execute(source, file: "t") == .success)
    }

    @Test func cancelledTrainingReadsLikeAnyCancelledStatement() throws {
        let recording = RecordingSession()
        let session = recording.session
        #expect(session.execute("let plays = load $plays", file: "t") == .success)
        // Ctrl-C pressed again and again while a forest that would take minutes trains: the
        // statement clears the token as it starts, and training must see it set again.
        let finished = Atomic<Bool>(false)
        let token = session.cancellation
        let presser = Thread {
            while !finished.load(ordering: .relaxed) {
                token.cancel()
                usleep(5_000)
            }
        }
        presser.start()
        let outcome = session.execute("plays | classify genre model forest features ms, skipped with trees = 100000", file: "t")
        finished.store(true, ordering: .relaxed)
        while !presser.isFinished { usleep(1_000) }
        #expect(outcome == .failed)
        #expect(recording.errors.contains("error: \(cancelledMessage)"), "\(recording.errors)")
        #expect(session.execute("plays | classify genre model forest features ms, skipped with trees = 5", file: "t") == .success)
    }
}
