/// Dense codes for byte strings, for readers outside this module that build dictionary-encoded
/// string columns (the Parquet reader) without going through Swift's `Dictionary`.
package final class StringInterner {
    private let keys = KeyInterner()

    package init() {}

    package var count: Int { keys.count }

    /// The code of the bytes, adding them with the next code if new.
    @inline(__always) public func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 { keys.intern(p, n) }

    /// The bytes of the value with `code`; valid until the next value is added.
    package func bytes(_ code: Int) -> UnsafeBufferPointer<UInt8> { keys.value(code) }

    /// The distinct values in code order.
    package var strings: [String] { keys.strings }
}
