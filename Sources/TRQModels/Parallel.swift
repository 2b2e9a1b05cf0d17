import Foundation
import TRQFrame

/// The number of worker threads training uses by default: every active core.
public var defaultThreadCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

/// Runs `body(chunk)` for every chunk in 0..<chunks on up to `threads` threads. Chunks are handed out
/// dynamically (skewed rows, e.g. Zipf-popular items, would starve a static split), so `body` must
/// make each chunk's result independent of which thread runs it and when: that is what keeps
/// seeded training bitwise reproducible.
///
/// Once the running statement's `CancellationToken` is set (Ctrl-C), no further chunk starts and `.cancelled` is thrown:
/// chunks are the unit of training work, so this is how training and scoring stop promptly.
func parallelChunks(_ chunks: Int, threads: Int, _ body: (_ chunk: Int, _ worker: Int) -> Void) throws(FrameError) {
    let counter = ChunkCounter(chunks, cancel: CancellationToken.current)
    let workers = min(max(1, threads), chunks)
    if workers <= 1 {
        while let c = counter.take() { body(c, 0) }
    } else {
        parallelFor(workers) { worker in
            while let c = counter.take() { body(c, worker) }
        }
    }
    if counter.stopped { throw .cancelled }
}

/// Hands out chunk indices until all are taken or cancellation is requested.
private final class ChunkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private let chunks: Int
    private var next = 0
    private let cancel: CancellationToken?
    /// Set when a chunk was withheld because of cancellation: the work is incomplete.
    private(set) var stopped = false

    init(_ chunks: Int, cancel: CancellationToken?) {
        self.chunks = chunks
        self.cancel = cancel
    }

    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < chunks else { return nil }
        if cancel?.isCancelled == true {
            stopped = true
            return nil
        }
        next &+= 1
        return next &- 1
    }
}

/// A 64-byte-aligned Float buffer. Alignment is fixed so that vectorized kernels (OpenBLAS picks
/// code paths by length, not address, but this removes the question) see the same layout every run.
final class AlignedFloats: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int, zeroed: Bool = true) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) &* 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(1, count))
        if zeroed { pointer.initialize(repeating: 0, count: max(1, count)) }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}
