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
