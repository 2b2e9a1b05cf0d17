import CFrameKernels

/// Makes malloc give blocks of 1 MB and more their own mappings, returned to the system when
/// freed. By default glibc raises that threshold (up to 32 MB) each time such a block is freed,
/// so a load's later column buffers come from heaps that keep freed memory: 50-60 MB more peak
/// memory on a 10M-row load. Called once at start-up, before other threads exist.
public func returnLargeFreedBlocksToTheSystem() {
    trq_map_large_blocks(1 << 20)
}
