import CFrameKernels
#if canImport(Glibc)
import Glibc
#endif

/// Makes malloc give blocks of 1 MB and more their own mappings, returned to the system when
/// freed. By default glibc raises that threshold (up to 32 MB) each time such a block is freed,
/// so a load's later column buffers come from heaps that keep freed memory: 50-60 MB more peak
/// memory on a 10M-row load. Called once at start-up, before other threads exist.
public func returnLargeFreedBlocksToTheSystem() {
    trq_map_large_blocks(1 << 20)
}

/// The size of a transparent huge page on Linux (x86-64 and arm64 with 4 KB base pages).
let hugePageBytes = 2 << 20

/// Asks Linux to back a large block with 2 MB pages. For blocks read at random, as the interner's
/// lookup tables are: with 4 KB pages nearly every lookup in a table of millions of values also
/// misses the TLB (measured: 19% less CPU for a load of 2M distinct ids once the tables use huge
/// pages). Not for buffers written once in order (column builders, merged columns): there the
/// fewer faults did not pay for the whole 2 MB pages zeroed up front (a CSV load's system time
/// rose by 0.3-0.5 s in four runs). Smaller blocks are left alone, since a huge page rounds their
/// memory up.
func adviseHugePages(_ block: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
    // The 2 MB-aligned part, the only part huge pages can back: madvise refuses (EINVAL) a start
    // that is not page-aligned, as an array's storage is not.
    let start = (Int(bitPattern: block) &+ hugePageBytes &- 1) & ~(hugePageBytes &- 1)
    let end = (Int(bitPattern: block) &+ bytes) & ~(hugePageBytes &- 1)
    if end > start { madvise(UnsafeMutableRawPointer(bitPattern: start), end &- start, MADV_HUGEPAGE) }
    #endif
}

/// Faults in the pages of `bytes` at `start` that are not yet backed, in one system call
/// (MADV_POPULATE_WRITE): for memory about to be written in order, where a page fault per 4 KB
/// page costs more than the zeroing it does. A hint: where the kernel lacks it, pages fault
/// as usual.
func prefault(_ start: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
    let page = 4096
    let first = Int(bitPattern: start) & ~(page &- 1)
    let end = Int(bitPattern: start) &+ bytes
    if end > first { madvise(UnsafeMutableRawPointer(bitPattern: first), end &- first, 23 /* MADV_POPULATE_WRITE */) }
    #endif
}

/// `adviseHugePages` for an array's storage (the Parquet reader's column buffers).
package func adviseHugePages<T>(_ storage: UnsafeMutableBufferPointer<T>) {
    guard let base = storage.baseAddress else { return }
    adviseHugePages(UnsafeMutableRawPointer(base), bytes: storage.count &* MemoryLayout<T>.stride)
}
