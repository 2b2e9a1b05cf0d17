import CModelKernels
import TRQFrame

/// The SIMD level of the C kernels in CModelKernels, detected once.
let simdLevel: Int32 = trq_simd_level()

/// Factor rows are padded to a multiple of 16 floats so the kernels need no tail code; the padding
/// stays zero through training (its residual, gram rows and updates are all zero).
func paddedStride(_ factors: Int) -> Int { (factors + 15) / 16 * 16 }

/// One side of an ALS problem (users given items, or items given users) and the solver for it:
/// new factors for every row by a few conjugate-gradient steps warm-started from the old ones,
/// as `implicit`'s CG solver does.
///
/// For a row u with interactions I_u: A = gram + Y_u^T (C_u - I) Y_u, b = Y_u^T c_u, where
/// gram = Y^T Y + reg I over all rows of the other side. A is never formed: A p = gram p + sparse
/// part. Rows are processed in chunks of up to `chunkRows` non-empty rows whose CG runs in
/// lockstep, so the dense part gram p is one small GEMM per step for the chunk (it is f^2 work per
/// row and step: most of the work when rows are short). Chunks are fixed by the data alone, so
/// results do not depend on thread count or timing.
struct ALSHalfStep {
    let stride: Int
    let regularization: Float
    let steps: Int
    let rows: Int
    /// Row-compressed interactions of this side: columns index the other side's rows.
    let start: [Int]
    let columns: [Int32]
    let confidence: [Float]
    /// Non-empty rows in index order; chunk k is active[k * chunkRows ..< (k + 1) * chunkRows].
    private let active: [Int32]

    static let chunkRows = 64
    /// Rows of the other side per partial sum of gram (fixed, for reproducible sums).
    static let gramSlab = 4096

    init(factors: Int, regularization: Float, steps: Int, rows: Int, start: [Int], columns: [Int32], confidence: [Float]) {
        stride = paddedStride(factors)
        self.regularization = regularization
        self.steps = steps
        self.rows = rows
        self.start = start
        self.columns = columns
        self.confidence = confidence
        active = (0..<rows).filter { start[$0 + 1] > start[$0] }.map { Int32($0) }
    }

    /// Scratch space of one worker thread: the chunk's x, r, p and A p blocks.
    final class Scratch {
        let x: AlignedFloats, r: AlignedFloats, p: AlignedFloats, ap: AlignedFloats
        var rsOld = [Float](repeating: 0, count: ALSHalfStep.chunkRows)
        var live = [Bool](repeating: false, count: ALSHalfStep.chunkRows)
        init(stride: Int) {
            let block = ALSHalfStep.chunkRows &* stride
            x = AlignedFloats(count: block); r = AlignedFloats(count: block)
            p = AlignedFloats(count: block); ap = AlignedFloats(count: block)
        }
    }

    /// gram = F^T F + reg I, summed over fixed slabs of rows in slab order.
    static func gram(_ fixed: AlignedFloats, rows: Int, stride: Int, factors: Int, regularization: Float, threads: Int)
        throws(FrameError) -> AlignedFloats
    {
        let slabs = max(1, (rows + gramSlab - 1) / gramSlab)
        let partial = AlignedFloats(count: slabs &* stride &* stride)
        try parallelChunks(slabs, threads: threads) { slab, _ in
            let lo = slab &* gramSlab, n = min(rows, lo &+ gramSlab) &- lo
            if n > 0 {
                trq_gram_accumulate(simdLevel, fixed.pointer + lo &* stride, Int64(n), Int64(stride),
                                    partial.pointer + slab &* stride &* stride)
            }
        }
        let gram = AlignedFloats(count: stride &* stride)
        for slab in 0..<slabs {
            let src = partial.pointer + slab &* stride &* stride
            for e in 0..<(stride &* stride) { gram.pointer[e] += src[e] }
        }
        for d in 0..<factors { gram.pointer[d &* stride &+ d] += regularization }
        return gram
    }

    /// Updates `target` (rows x stride) from `fixed` (fixedRows x stride).
    func run(target: AlignedFloats, fixed: AlignedFloats, fixedRows: Int, factors: Int, threads: Int) throws(FrameError) {
        let gram = try Self.gram(fixed, rows: fixedRows, stride: stride, factors: factors,
                             regularization: regularization, threads: threads)
        // Rows without interactions get zero factors (as in `implicit`).
        var next = 0
        for u in active.map({ Int($0) }) + [rows] {
            if next < u { (target.pointer + next &* stride).update(repeating: 0, count: (u &- next) &* stride) }
            next = u &+ 1
        }
        let chunks = (active.count + Self.chunkRows - 1) / Self.chunkRows
        let workers = max(1, min(threads, chunks))
        let scratch = (0..<workers).map { _ in Scratch(stride: stride) }
        let me = UncheckedSendable(self)
        try columns.withUnsafeBufferPointer { (columns) throws(FrameError) in
            try confidence.withUnsafeBufferPointer { (confidence) throws(FrameError) in
                try start.withUnsafeBufferPointer { (start) throws(FrameError) in
                    try active.withUnsafeBufferPointer { (active) throws(FrameError) in
                        let data = UncheckedSendable(RowData(start: start.baseAddress!, active: active.baseAddress!,
                                                             columns: columns.baseAddress!, confidence: confidence.baseAddress!))
                        try parallelChunks(chunks, threads: workers) { chunk, worker in
                            me.value.solveChunk(chunk, target: target, fixed: fixed, gram: gram, data: data.value, s: scratch[worker])
                        }
                    }
                }
            }
        }
    }

    /// The compressed rows as raw pointers for the hot loop.
    struct RowData {
        let start: UnsafePointer<Int>
        let active: UnsafePointer<Int32>
        let columns: UnsafePointer<Int32>
        let confidence: UnsafePointer<Float>
    }

    private func solveChunk(_ chunk: Int, target: AlignedFloats, fixed: AlignedFloats, gram: AlignedFloats,
                            data: RowData, s: Scratch) {
        let (start, active, columns, confidence) = (data.start, data.active, data.columns, data.confidence)
        let f = stride, f64 = Int64(stride)
        let first = chunk &* Self.chunkRows
        let count = min(self.active.count, first &+ Self.chunkRows) &- first
        let x = s.x.pointer, r = s.r.pointer, p = s.p.pointer, ap = s.ap.pointer
        for k in 0..<count { (x + k &* f).update(from: target.pointer + Int(active[first &+ k]) &* f, count: f) }
        // r = b - A x = -gram x + Y_u^T (c - (c - 1) * (Y_u x))
        trq_rows_times_square(simdLevel, x, Int64(count), f64, gram.pointer, -1, r)
        for k in 0..<count {
            let u = Int(active[first &+ k]), lo = start[u]
            trq_sparse_update(simdLevel, fixed.pointer, f64, columns + lo, Int64(start[u &+ 1] &- lo),
                              confidence + lo, x + k &* f, r + k &* f, 1)
            (p + k &* f).update(from: r + k &* f, count: f)
            let rs = trq_dot(simdLevel, r + k &* f, r + k &* f, f64)
            s.rsOld[k] = rs
            s.live[k] = rs >= 1e-20  // implicit's stopping rule
        }
        for _ in 0..<steps {
            guard s.live[0..<count].contains(true) else { break }
            // A p = gram p + Y_u^T ((c - 1) * (Y_u p))
            trq_rows_times_square(simdLevel, p, Int64(count), f64, gram.pointer, 1, ap)
            for k in 0..<count where s.live[k] {
                let u = Int(active[first &+ k]), lo = start[u]
                trq_sparse_update(simdLevel, fixed.pointer, f64, columns + lo, Int64(start[u &+ 1] &- lo),
                                  confidence + lo, p + k &* f, ap + k &* f, 0)
                s.live[k] = trq_cg_update(simdLevel, x + k &* f, r + k &* f, p + k &* f, ap + k &* f, f64, &s.rsOld[k]) != 0
            }
        }
        for k in 0..<count { (target.pointer + Int(active[first &+ k]) &* f).update(from: x + k &* f, count: f) }
    }
}
