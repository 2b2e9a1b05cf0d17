import Synchronization

/// The distinct strings of a dictionary-encoded column; codes index into `values`.
/// Entries need not be sorted and may be unused.
///
/// A dictionary made by a reader keeps its entries as the reader's bytes and makes Swift strings
/// only when `values` is first asked for: 2M distinct 22-byte ids are 60 MB as bytes and offsets
/// but about 160 MB as `String`s (each a heap object), which set the peak memory of a load.
/// Looking up one entry (`self[code]`, printing) or finding a value (`codes(equalTo:)`) needs no strings.
public struct StringDictionary: Sendable, Equatable {
    private var storage: Storage

    public init(_ values: [String]) { storage = Storage(values) }

    /// Takes over a reader's finished interner (no value is added to it afterwards).
    init(interned: KeyInterner) { storage = Storage(interned) }

    public var values: [String] {
        get { storage.strings }
        set { storage = Storage(newValue) }
    }

    public var count: Int { storage.count }

    public subscript(code: Int) -> String { storage.string(code) }

    /// The codes of the entries whose UTF-8 bytes equal `text`'s (byte equality, not String's
    /// canonical equivalence), in code order: usually one or none.
    public func codes(equalTo text: String) -> [Int32] {
        var text = text
        return text.withUTF8 { storage.codes(equalTo: $0) }
    }

    public static func == (a: StringDictionary, b: StringDictionary) -> Bool {
        a.storage === b.storage || a.values == b.values
    }

    private final class Storage: @unchecked Sendable {
        let count: Int
        /// The strings given at creation, or nil when they are made from `interned` on demand.
        private let given: [String]?
        private let interned: KeyInterner?
        private let made = Mutex<[String]?>(nil)

        init(_ values: [String]) {
            count = values.count
            given = values
            interned = nil
        }

        init(_ interned: KeyInterner) {
            count = interned.count
            given = nil
            self.interned = interned
        }

        var strings: [String] {
            if let given { return given }
            return made.withLock { made in
                if let made { return made }
                let strings = makeStrings()
                made = strings
                return strings
            }
        }

        func string(_ code: Int) -> String {
            if let given { return given[code] }
            return String(decoding: interned.unsafelyUnwrapped.value(code), as: UTF8.self)
        }

        func codes(equalTo text: UnsafeBufferPointer<UInt8>) -> [Int32] {
            if let interned { return interned.codes(equalTo: text) }
            var found: [Int32] = []
            for (code, entry) in given.unsafelyUnwrapped.enumerated() {
                var entry = entry
                if entry.withUTF8({ sameBytes($0, text) }) { found.append(Int32(truncatingIfNeeded: code)) }
            }
            return found
        }

        /// In slices of about 64k values on all cores when there are many.
        private func makeStrings() -> [String] {
            let interned = interned.unsafelyUnwrapped
            let slices = count >= 1 << 17 ? (count &+ 65_535) >> 16 : 1
            return [String](unsafeUninitializedCapacity: count) { strings, made in
                guard let base = strings.baseAddress else { return }
                parallelFor(slices) { slice in
                    interned.makeStrings((count * slice / slices)..<(count * (slice &+ 1) / slices), into: base)
                }
                made = count
            }
        }
    }
}
