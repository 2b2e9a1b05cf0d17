import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How wide to draw terminal charts and whether to colour them.
public enum TerminalEnvironment {
    public static let defaultWidth = 80

    /// `COLUMNS` when it is a positive integer, else the terminal's width when stdout is one,
    /// else `fallback`. (Shells set COLUMNS without exporting it, so the terminal is usually asked.)
    public static func width(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        terminalColumns: Int? = stdoutTerminalColumns(),
        fallback: Int = defaultWidth
    ) -> Int {
        if let text = environment["COLUMNS"], let columns = Int(text.trimmingCharacters(in: .whitespaces)), columns > 0 {
            return columns
        }
        if let terminalColumns, terminalColumns > 0 { return terminalColumns }
        return fallback
    }

    /// Colour only on a terminal, and not when NO_COLOR is set to anything non-empty
    /// (no-color.org) or TERM is "dumb".
    public static func colorEnabled(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        stdoutIsTerminal: Bool = isatty(STDOUT_FILENO) == 1
    ) -> Bool {
        guard stdoutIsTerminal else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }

    /// The column count of the terminal on stdout, or nil when stdout is not a terminal.
    public static func stdoutTerminalColumns() -> Int? {
        var size = winsize()
        guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else {
            return nil
        }
        return Int(size.ws_col)
    }
}
