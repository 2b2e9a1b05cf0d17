import Testing
import TestSupport
@testable import TRQFrame

/// The byte-string interner shared by the CSV reader and the kernels, and its byte hash, against
/// Swift dictionaries and arrays as oracles.
@Suite("Key interner")
struct KeyInternerTests {
    /// Interns each value, checking codes against a dictionary of the values seen so far: equal
    /// bytes get the same code, new bytes the next code.
    private func internAll(_ values: [[UInt8]], into interner: KeyInterner, oracle: inout [[UInt8]: Int32]) {
        for value in values {
            let code = value.withUnsafeBufferPointer { interner.intern($0) }
            if let known = oracle[value] {
                #expect(code == known, "\(value)")
            } else {
                #expect(Int(code) == oracle.count, "\(value)")
                oracle[value] = code
            }
        }
        #expect(interner.count == oracle.count)
        for (value, code) in oracle { #expect(Array(interner.value(Int(code))) == value) }
    }

    @Test func givesOneCodePerDistinctValue() {
        var random = SplitMix64(seed: 11)
        // NUL bytes check that "a" and "a\0" differ (their packed words are equal); lengths 0-40
        // cover every tail path of the hash, the packing and the comparison.
        let values = (0..<50_000).map { _ in
            (0..<Int.random(in: 0...40, using: &random)).map { _ in
                [0, 97, 98, 99, 0xC3, 0xA9][Int.random(in: 0..<6, using: &random)] as UInt8
            }
        }
        var oracle: [[UInt8]: Int32] = [:]
        internAll(values, into: KeyInterner(), oracle: &oracle)
    }

    @Test func shortValuesThatPackToTheSameWordStayDistinct() {
        let values: [[UInt8]] = [[], [0], [0, 0], [97], [97, 0], [97, 0, 0, 0, 0, 0, 0, 0], [0, 97], [],
                                 [97, 0], [0]]
        var oracle: [[UInt8]: Int32] = [:]
        internAll(values, into: KeyInterner(), oracle: &oracle)
        #expect(oracle.count == 7)
    }

    @Test func valuesSharingAPrefixAcrossTheEightByteBoundary() {
        let prefix = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        // Every length 0...26 of one prefix: short (packed) and long (hashed) values that differ
        // only in their last byte or their length, twice over to check repeats.
        let values = (0...prefix.count).map { Array(prefix[..<$0]) }
        var oracle: [[UInt8]: Int32] = [:]
        let interner = KeyInterner()
        internAll(values + values.reversed(), into: interner, oracle: &oracle)
        #expect(interner.count == prefix.count + 1)
        #expect(interner.insert("abcdefgh").id == 8)
        #expect(interner.insert("abcdefghi").id == 9)
        #expect(interner.find("abcdefgX") == -1)
        #expect(interner.find("abcdefghX") == -1)
    }

    @Test func emptyValue() {
        let interner = KeyInterner()
        #expect(interner.find("") == -1)
        #expect(interner.intern(UnsafeBufferPointer(start: nil, count: 0)) == 0)
        #expect(interner.insert("") == (id: 0, isNew: false))
        #expect(interner.find("") == 0)
        #expect(interner.value(0).count == 0)
        #expect(interner.insert("\0") == (id: 1, isNew: true))
        #expect(interner.strings == ["", "\0"])
    }

    @Test func growsPastTheLoadFactorKeepingEveryCode() {
        // Both tables start small (64 short and 1,024 long slots) and double at 3/4 full; 60,000
        // values of each kind force many resizes, after which every value must still be found.
        let interner = KeyInterner()
        let short = (0..<60_000).map { "s\($0)" }  // 2-6 bytes
        let long = (0..<60_000).map { "long value \($0)" }  // 12-16 bytes
        for (i, value) in zip(short, long).enumerated() {
            #expect(interner.insert(value.0) == (id: Int32(2 &* i), isNew: true))
            #expect(interner.insert(value.1) == (id: Int32(2 &* i &+ 1), isNew: true))
        }
        #expect(interner.count == 120_000)
        for (i, value) in zip(short, long).enumerated() {
            #expect(interner.find(value.0) == Int32(2 &* i))
            #expect(interner.find(value.1) == Int32(2 &* i &+ 1))
            #expect(interner.insert(value.1) == (id: Int32(2 &* i &+ 1), isNew: false))
        }
        #expect(interner.count == 120_000)
        #expect(interner.strings == zip(short, long).flatMap { [$0.0, $0.1] })
    }

    @Test func longValuesWithCollidingHashTagsStayDistinct() throws {
        // Two equally long values whose hashes share the 24-bit tag kept in the table and the
        // first slot of the initial 1,024-slot table: the second probe meets the first's entry,
        // the tags match, and only the byte comparison tells them apart.
        var seen: [UInt64: [UInt8]] = [:]
        var pair: ([UInt8], [UInt8])?
        for i in 0..<2_000_000 {
            let value = Array("key-\(10_000_000 + i)".utf8)
            let h = value.withUnsafeBufferPointer { hashBytes($0.baseAddress!, $0.count) }
            let key = (h >> 40) << 10 | h & 1023
            if let other = seen[key] {
                pair = (other, value)
                break
            }
            seen[key] = value
        }
        let (first, second) = try #require(pair)
        let interner = KeyInterner()
        #expect(first.withUnsafeBufferPointer { interner.intern($0) } == 0)
        #expect(interner.find(String(decoding: second, as: UTF8.self)) == -1)
        #expect(second.withUnsafeBufferPointer { interner.intern($0) } == 1)
        #expect(first.withUnsafeBufferPointer { interner.intern($0) } == 0)
        #expect(Array(interner.value(1)) == second)
    }

    @Test func comparesBytesNotCanonicalEquivalence() {
        let interner = KeyInterner()
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed)  // Swift's String equality: the reason for byte keys
        #expect(interner.insert(composed).id == 0)
        #expect(interner.insert(decomposed).id == 1)
        #expect(interner.find(decomposed) == 1)
    }

    @Test func findDoesNotAdd() {
        let interner = KeyInterner()
        #expect(interner.find("short") == -1)
        #expect(interner.find("a longer value") == -1)
        #expect(interner.count == 0)
        #expect(interner.insert("short").id == 0)
        #expect(interner.find("a longer value") == -1)
        #expect(interner.find("shorts") == -1)
        #expect(interner.count == 1)
    }

    @Test func rejectsInvalidUTF8WhenValidating() {
        let interner = KeyInterner(validatesUTF8: true)
        #expect([UInt8]([0x61, 0xE9]).withUnsafeBufferPointer { interner.intern($0) } == -1)
        #expect([UInt8](repeating: 0xFF, count: 12).withUnsafeBufferPointer { interner.intern($0) } == -1)
        #expect([UInt8]([0x63, 0x61, 0x66, 0xC3, 0xA9]).withUnsafeBufferPointer { interner.intern($0) } == 0)
        #expect(interner.count == 1)
        let lenient = KeyInterner()
        #expect([UInt8]([0x61, 0xE9]).withUnsafeBufferPointer { lenient.intern($0) } == 0)
    }

    @Test func hashAndPackingReadOnlyTheValuesBytes() {
        // The same bytes at every alignment, surrounded by different bytes, must hash and pack
        // the same: the overlapping loads may not pick up a neighbour.
        var random = SplitMix64(seed: 3)
        for length in 0...40 {
            let value = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            var hashes = Set<UInt64>(), words = Set<UInt64>()
            for offset in 0..<8 {
                for fill: UInt8 in [0x00, 0xFF] {
                    let buffer = [UInt8](repeating: fill, count: offset) + value + [UInt8](repeating: fill, count: 8)
                    buffer.withUnsafeBufferPointer { b in
                        let p = b.baseAddress! + offset
                        hashes.insert(hashBytes(p, length))
                        if length <= 8 { words.insert(packShort(p, length)) }
                        #expect(bytesEqual(p, value.withUnsafeBufferPointer { $0.baseAddress ?? p }, length))
                    }
                }
            }
            #expect(hashes.count == 1, "length \(length)")
            if length <= 8 {
                // Zero-extended little-endian packing.
                let expected = value.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64($1.offset * 8) }
                #expect(words == [expected], "length \(length)")
            }
        }
    }

    @Test func bytesEqualFindsADifferenceAtEveryPosition() {
        for length in 1...40 {
            let value = (0..<length).map { UInt8($0 &* 7 & 0xFF) }
            for position in 0..<length {
                var other = value
                other[position] ^= 0x01
                value.withUnsafeBufferPointer { a in
                    other.withUnsafeBufferPointer { b in
                        #expect(!bytesEqual(a.baseAddress!, b.baseAddress!, length), "length \(length) at \(position)")
                    }
                }
            }
        }
    }
}
