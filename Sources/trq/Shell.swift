#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibedit
import TRQEngine
import TRQFrame
import TRQLanguage
import TRQPlot

/// The interactive shell: reads entries with libedit, runs each complete one, keeps history.
final class Shell {
    static let prompt = "trq> "
    static let continuationPrompt = "...> "
    static let historySize = 1000

    private let session: Session
    private let editor: LineEditor
    private let history: EditHistory
    private let historyFile: HistoryFile?

    init?(session: Session) {
        self.session = session
        guard let history = EditHistory(size: Shell.historySize) else { return nil }
        self.history = history
        historyFile = HistoryFile.inHome(limit: Shell.historySize)
        guard let editor = LineEditor(history: history, completer: { [unowned session] text in
            complete(text, context: CompletionContext(
                tableNames: { session.tableNames },
                columnNames: { session.columnNames(forPipelinePrefix: $0) }))
        }) else { return nil }
        self.editor = editor
    }

    /// Runs until Ctrl-D or `.quit`; returns the exit status.
    func run() -> Int32 {
        // While a statement runs, Ctrl-C raises SIGINT; kernels poll the session's token and stop.
        interruptedSession = session.cancellation
        signal(SIGINT) { _ in
            interruptedSession?.cancel()
            // End the line after the terminal's `^C` echo, before the engine reports the cancel.
            var newline = UInt8(ascii: "\n")
            _ = write(2, &newline, 1)
        }
        // A parent may have started us with SIGINT blocked; Ctrl-C must reach the handler.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        sigprocmask(SIG_UNBLOCK, &interrupt, nil)
        historyFile?.load(into: history)
        writeAll("trq \(trqVersion)\nEnter .help for help, .quit or Ctrl-D to leave.\n", to: 1)

        var pending: [String] = []
        while true {
            editor.pendingText = pending.joined(separator: "\n")
            switch editor.readLine(prompt: pending.isEmpty ? Shell.prompt : Shell.continuationPrompt) {
            case .endOfInput:
                writeAll("\n", to: 1)
                return 0
            case .interrupted:
                pending = []
            case .line(let line):
                pending.append(line)
                let entry = pending.joined(separator: "\n")
                if entry.allSatisfy(\.isWhitespace) {
                    pending = []
                    continue
                }
                if isIncomplete(entry) { continue }
                pending = []
                history.enter(entry)
                historyFile?.append(entry)
                if execute(entry) == .quit { return 0 }
            }
        }
    }

    private func execute(_ entry: String) -> ExecutionOutcome {
        session.settings.width = TerminalEnvironment.width(fallback: session.settings.width)
        let outcome = session.execute(entry, file: "<shell>")
        fflush(trq_stdout())
        return outcome
    }
}

/// The shell session's cancellation token, for the SIGINT handler (which cannot capture it).
nonisolated(unsafe) private var interruptedSession: CancellationToken?
