import Synchronization

/// A request to stop, owned by whoever runs the work (the session) and passed down to what reads
/// and computes; the CLI's Ctrl-C handler sets it.
///
/// Kernels deep in TRQFrame and TRQModels do not take it as a parameter: the owner binds it as
/// `current` for the statement it runs (`whileCurrent`), and `parallelFor` hands the binding to
/// its worker threads, which task-locals do not reach on their own.
public final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// The token of the statement running on this thread, if its owner bound one.
    @TaskLocal public static var current: CancellationToken?

    public var isCancelled: Bool { flag.load(ordering: .relaxed) }

    public func cancel() { flag.store(true, ordering: .relaxed) }

    /// Ready for the next statement.
    public func reset() { flag.store(false, ordering: .relaxed) }

    /// Runs `body` with this token as `current`.
    public func whileCurrent<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let result: Result<T, E> = CancellationToken.$current.withValue(self) {
            do throws(E) { return .success(try body()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// True when the running statement's owner asked to stop.
    @inline(__always) public static var isCurrentCancelled: Bool { current?.isCancelled ?? false }
}

extension FrameError {
    public static let cancelled = FrameError("cancelled", isCancelled: true)

    /// Throws `.cancelled` if the owner of the running statement asked to stop.
    @inline(__always) public static func checkCancellation() throws(FrameError) {
        if CancellationToken.isCurrentCancelled { throw .cancelled }
    }
}
