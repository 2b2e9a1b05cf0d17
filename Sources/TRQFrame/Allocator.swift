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

/// Asks Linux to back a large block with 2 MB pages. The interner's tables and arena are read at
/// random: with 4 KB pages nearly every lookup in a table of millions of values also misses the
/// TLB (measured: 19% less CPU for a load of 2M distinct ids once the tables use huge pages), and
/// a block written once faults 512 times less often. Smaller blocks are left alone, since a huge
/// page rounds their memory up.
func adviseHugePages(_ block: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
    if bytes >= hugePageBytes { madvise(block, bytes, MADV_HUGEPAGE) }
    #endif
}

/// `adviseHugePages` for the storage of an array being filled (its writes would each fault a
/// fresh 4 KB page: about 90,000 faults for a 10M-row, 7-column load).
func adviseHugePages<T>(_ storage: UnsafeMutableBufferPointer<T>) {
    guard let base = storage.baseAddress else { return }
    adviseHugePages(UnsafeMutableRawPointer(base), bytes: storage.count &* MemoryLayout<T>.stride)
}
