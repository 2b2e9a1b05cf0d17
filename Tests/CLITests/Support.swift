import Foundation
import Testing

/// The `trq` executable built next to this test bundle.
let trqBinary: String = {
    var candidates: [String] = []
    if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        candidates.append((exe as NSString).deletingLastPathComponent + "/trq")
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(root.appendingPathComponent(".build/debug/trq").path)
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
}()

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs trq with `arguments`, feeding `stdin` (nil: an empty, non-terminal standard input).
func runTRQ(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
            directory: URL? = nil) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: trqBinary)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    input.fileHandleForWriting.write(Data((stdin ?? "").utf8))
    try input.fileHandleForWriting.close()
    // Read both pipes to the end, concurrently, so neither full pipe can block the child.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let errReader = Thread { errBox.data = errors.fileHandleForReading.readDataToEndOfFile() }
    errReader.start()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    while !errReader.isFinished { usleep(1000) }
    let errData = errBox.data
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus,
                     stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
}

/// A fresh temporary directory, removed by the caller with `removeItem`.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("trq-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// trq running in a tmux pane (a real pseudo-terminal) on a private tmux server, in a UTF-8 locale
/// as a user's terminal would be.
final class TerminalSession {
    private let socket = "trq-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    let home: URL

    /// `arguments` (shell words) are passed to trq; `keepScreen` keeps the pane, and so the screen,
    /// for a while after trq exits.
    init(home: URL, directory: URL? = nil, width: Int = 120, height: Int = 40, term: String = "xterm",
         arguments: String = "", keepScreen: Bool = false) throws {
        self.home = home
        var command = "cd '\((directory ?? home).path)' && env HOME='\(home.path)' TERM=\(term) LC_ALL=C.UTF-8 COLUMNS= NO_COLOR= '\(trqBinary)' \(arguments)"
        if keepScreen { command += "; sleep 30" }
        try tmux(["new-session", "-d", "-s", "trq", "-x", "\(width)", "-y", "\(height)", command])
    }

    deinit {
        _ = try? tmux(["kill-server"])
    }

    /// Sends keys in tmux's `send-keys` syntax: literal text, or names such as `Tab`, `C-c`, `Enter`.
    func send(_ keys: String...) throws {
        for key in keys {
            let named = ["Tab", "Enter", "C-c", "C-d", "C-u", "Up", "Down", "Left", "Right", "BSpace"].contains(key)
            try tmux(["send-keys", "-t", "trq"] + (named ? [key] : ["-l", key]))
        }
    }

    /// The visible screen, trailing blank lines removed; with `escapes`, colours as ANSI sequences.
    func screen(escapes: Bool = false) throws -> String {
        var text = try tmux(["capture-pane", "-p"] + (escapes ? ["-e"] : []) + ["-t", "trq"])
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Waits until the screen satisfies `condition`; returns the last screen seen.
    @discardableResult
    func waitForScreen(timeout: Double = 10, escapes: Bool = false, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = try screen(escapes: escapes)
        while !condition(text), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            text = try screen(escapes: escapes)
        }
        return text
    }

    /// Whether trq is still running (tmux ends the session when its program exits).
    var isRunning: Bool {
        (try? tmux(["has-session", "-t", "trq"])) != nil
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        // new-session starts the server, which would inherit a pipe and keep it open forever.
        let result = try spawn(["tmux", "-L", socket, "-f", "/dev/null"] + arguments,
                               captureOutput: arguments.first != "new-session")
        guard result.status == 0 else { throw TmuxError(arguments: arguments) }
        return result.output
    }
}

/// Runs a program found on PATH and waits for it. posix_spawn rather than Foundation's Process:
/// the child must start with no blocked signals (the test runner's threads block SIGINT, and
/// tmux passes the mask on to trq), and waiting must not depend on a run loop.
func spawn(_ arguments: [String], captureOutput: Bool) throws -> (status: Int32, output: String) {
    var pipeEnds: [Int32] = [-1, -1]
    if captureOutput, pipe(&pipeEnds) != 0 { throw SpawnError(arguments: arguments) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if captureOutput {
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    var argv = arguments.map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, &argv, environ)
    var output = Data()
    if captureOutput {
        close(pipeEnds[1])
        var buffer = [UInt8](repeating: 0, count: 65536)
        while spawned == 0 {
            let n = read(pipeEnds[0], &buffer, buffer.count)
            if n > 0 { output.append(contentsOf: buffer[0..<n]) } else if n == 0 || errno != EINTR { break }
        }
        close(pipeEnds[0])
    }
    guard spawned == 0 else { throw SpawnError(arguments: arguments) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    let exited = status & 0x7F == 0
    return (exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), String(decoding: output, as: UTF8.self))
}

struct SpawnError: Error {
    var arguments: [String]
}

struct TmuxError: Error {
    var arguments: [String]
}

/// Whether tmux is installed, for tests that need a terminal.
let hasTmux: Bool = {
    ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
}()
