import Synchronization

/// Set from a SIGINT handler; long-running kernels poll it and stop with `FrameError.cancelled`.
public let cancellationRequested = Atomic<Bool>(false)

extension FrameError {
    public static let cancelled = FrameError("cancelled")

    /// Throws `.cancelled` if the user asked to stop the running query.
    @inline(__always) public static func checkCancellation() throws(FrameError) {
        if cancellationRequested.load(ordering: .relaxed) { throw .cancelled }
    }
}

/// A request to stop, owned by whoever runs the work (the session) and passed down to what
/// reads and computes; the CLI's Ctrl-C handler sets it.
public final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public var isCancelled: Bool { flag.load(ordering: .relaxed) }

    public func cancel() { flag.store(true, ordering: .relaxed) }

    /// Ready for the next statement.
    public func reset() { flag.store(false, ordering: .relaxed) }
}
