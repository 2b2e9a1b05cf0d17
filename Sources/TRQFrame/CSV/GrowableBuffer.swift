#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A manually managed growable array of trivial values. The parser appends tens of millions of
/// values; Swift arrays held in structs pay uniqueness and exclusivity checks on every append,
/// and `realloc` can grow large blocks without copying. The owner must call `release()`.
struct GrowableBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>?
    private(set) var count = 0
    /// How many elements fit before `grow`: the block's size, or for a large block the end of
    /// its prefaulted part (see `grow`).
    private(set) var capacity = 0
    private var allocated = 0

    init() {}

    @inline(__always) mutating func append(_ value: Element) {
        if count == capacity { grow(minimum: count &+ 1) }
        base.unsafelyUnwrapped[count] = value
        count &+= 1
    }

    mutating func append(repeating value: Element, count n: Int) {
        guard n > 0 else { return }
        reserve(count &+ n)
        let p = base.unsafelyUnwrapped
        for i in count..<(count &+ n) { p[i] = value }
        count &+= n
    }

    mutating func append(contentsOf bytes: UnsafeBufferPointer<Element>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(count &+ bytes.count)
        (base.unsafelyUnwrapped + count).update(from: source, count: bytes.count)
        count &+= bytes.count
    }

    /// Counts `n` more elements, written directly into the reserved capacity.
    mutating func extend(by n: Int) {
        precondition(count &+ n <= capacity, "extend past the reserved capacity")
        count &+= n
    }

    mutating func reserve(_ minimum: Int) {
        if minimum > capacity { grow(minimum: minimum) }
    }

    private mutating func grow(minimum: Int) {
        let stride = MemoryLayout<Element>.stride
        if minimum > allocated {
            let newCapacity = Swift.max(minimum, allocated &* 2, 16)
            let bytes = newCapacity &* stride
            guard let raw = realloc(base.map { UnsafeMutableRawPointer($0) }, bytes) else {
                fatalError("out of memory growing a column buffer to \(bytes) bytes")
            }
            base = raw.bindMemory(to: Element.self, capacity: newCapacity)
            allocated = newCapacity
        }
        capacity = allocated
        // A large block's fresh pages are faulted in a stretch at a time, one system call
        // each, ahead of the appends, rather than one page fault per 4 KB page.
        guard allocated &* stride >= GrowableBuffer.prefaultedBlockBytes, let base else { return }
        let end = Swift.min(allocated, Swift.max(minimum, count &+ GrowableBuffer.prefaultBytes / stride))
        prefault(base + count, bytes: (end &- count) &* stride)
        capacity = end
    }

    private static var prefaultedBlockBytes: Int { 4 << 20 }
    private static var prefaultBytes: Int { 2 << 20 }

    @inline(__always) subscript(i: Int) -> Element {
        get { base.unsafelyUnwrapped[i] }
        nonmutating set { base.unsafelyUnwrapped[i] = newValue }
    }

    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    mutating func removeAll() { count = 0 }

    mutating func release() {
        if let base { free(base) }
        base = nil
        count = 0
        capacity = 0
        allocated = 0
    }
}
