#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibedit
import TRQFrame
import TRQPlot

/// What the user did at the prompt.
enum LineInput: Equatable {
    case line(String)
    /// Ctrl-C: drop what was typed.
    case interrupted
    /// Ctrl-D on an empty line, or the terminal went away.
    case endOfInput
}

/// libedit on the terminal: emacs key bindings, history, TAB completion, Ctrl-C.
///
/// Ctrl-C does not raise SIGINT while a line is edited (`-isig` in libedit's editing mode); it is a
/// key bound to `trq-interrupt`, which ends the line as interrupted. While a statement runs the
/// terminal is back in normal mode, so Ctrl-C raises SIGINT and cancels the statement.
final class LineEditor {
    private let editLine: OpaquePointer
    /// Kept alive as long as the editor, which recalls from it.
    private let history: EditHistory
    fileprivate var prompt: UnsafeMutablePointer<CChar>?
    fileprivate var interrupted = false
    fileprivate let completer: (String) -> Completion
    /// Earlier lines of the entry being typed, so completion sees the whole statement.
    var pendingText = ""

    init?(history: EditHistory, completer: @escaping (String) -> Completion) {
        // libedit decodes typed bytes with the C library's character encoding, which is ASCII
        // until the program adopts the user's locale: without this, é or ✓ would be dropped.
        setlocale(LC_CTYPE, "")
        guard let editLine = el_init("trq", trq_stdin(), trq_stdout(), trq_stderr()) else { return nil }
        self.editLine = editLine
        self.history = history
        self.completer = completer
        _ = trq_el_set_history(editLine, history.handle)
        _ = trq_el_set_editor(editLine, "emacs")
        _ = trq_el_set_tty(editLine, "-isig")
        _ = trq_el_set_prompt(editLine, promptFunction)
        _ = trq_el_add_function(editLine, "trq-complete", "Complete the word before the cursor", completeFunction)
        _ = trq_el_bind(editLine, "^I", "trq-complete")
        _ = trq_el_add_function(editLine, "trq-interrupt", "Discard the line", interruptFunction)
        _ = trq_el_bind(editLine, "^C", "trq-interrupt")
        _ = el_source(editLine, nil)  // the user's ~/.editrc may rebind keys
        activeEditor = self
    }

    deinit {
        el_end(editLine)
        free(prompt)
    }

    func readLine(prompt text: String) -> LineInput {
        free(prompt)
        prompt = strdup(text)
        interrupted = false
        var count: Int32 = 0
        let line = el_gets(editLine, &count)
        if interrupted { return .interrupted }
        guard let line, count > 0 else { return .endOfInput }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return .line(text)
    }

    fileprivate func completeAtCursor(_ el: OpaquePointer) -> UInt8 {
        let info = el_wline(el).pointee
        var typed = String.UnicodeScalarView()
        var p = info.buffer
        while let current = p, current < info.cursor {
            if let scalar = Unicode.Scalar(UInt32(bitPattern: current.pointee)) { typed.append(scalar) }
            p = current + 1
        }
        let lineText = String(typed)
        let completion = completer(pendingText.isEmpty ? lineText : pendingText + "\n" + lineText)
        let replacement: String
        if completion.candidates.count == 1, let only = completion.candidates.first {
            replacement = only.text + only.terminator
        } else if let prefix = completion.commonPrefix {
            replacement = prefix
        } else {
            if !completion.candidates.isEmpty { listCandidates(completion.candidates.map(\.text)) }
            return UInt8(completion.candidates.isEmpty ? CC_REFRESH_BEEP : CC_REDISPLAY)
        }
        el_deletestr(el, Int32(min(completion.word.unicodeScalars.count, typed.count)))
        _ = el_insertstr(el, replacement)
        return UInt8(CC_REFRESH)
    }

    /// Prints the candidates in columns below the line; libedit then redraws the prompt.
    private func listCandidates(_ names: [String]) {
        let cellWidth = (names.map { displayWidth($0) }.max() ?? 0) + 2
        let width = TerminalEnvironment.width()
        let perRow = max(1, width / cellWidth)
        var out = "\n"
        for (i, name) in names.enumerated() {
            let last = i % perRow == perRow - 1 || i == names.count - 1
            out += last ? name + "\n" : name + String(repeating: " ", count: cellWidth - displayWidth(name))
        }
        fputs(out, trq_stdout())
        fflush(trq_stdout())
    }

    fileprivate func interruptLine(_ el: OpaquePointer) -> UInt8 {
        interrupted = true
        // Show `^C` at the end of the entry and finish it with a newline, as a shell does.
        let info = el_wline(el).pointee
        if let cursor = info.cursor, let end = info.lastchar { _ = el_cursor(el, Int32(clamping: cursor.distance(to: end))) }
        _ = el_insertstr(el, "^C")
        el_push(el, "\n")
        return UInt8(CC_REFRESH)
    }
}

// libedit's callbacks are C function pointers without a context argument; one editor exists.
nonisolated(unsafe) private weak var activeEditor: LineEditor?

private let promptFunction: trq_prompt_function = { _ in activeEditor?.prompt }

private let completeFunction: trq_editor_function = { el, _ in
    guard let el, let editor = activeEditor else { return UInt8(CC_ERROR) }
    return editor.completeAtCursor(el)
}

private let interruptFunction: trq_editor_function = { el, _ in
    guard let el, let editor = activeEditor else { return UInt8(CC_ERROR) }
    return editor.interruptLine(el)
}
