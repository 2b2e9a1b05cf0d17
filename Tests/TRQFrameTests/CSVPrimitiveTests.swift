import Testing
import TestSupport
@testable import TRQFrame

/// The byte-level building blocks against plain Swift oracles.
@Suite("CSV primitives")
struct CSVPrimitiveTests {
    @Test func utf8ValidationMatchesTheStandardLibrary() {
        var random = SplitMix64(seed: 5)
        let pieces: [[UInt8]] = [[0x61], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x8E, 0xB5], [0xC0, 0x80],
                                 [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE9], [0x80], [0xFF], [0xEF, 0xBB]]
        for _ in 0..<5000 {
            let bytes = (0..<Int.random(in: 0...12, using: &random)).flatMap { _ in pieces.randomElement(using: &random)! }
            let mine = bytes.withUnsafeBufferPointer { firstInvalidUTF8($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            #expect((mine == nil) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
    }

    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: "|")])
    func fieldEndSearchMatchesAByteLoop(_ delimiter: UInt8) {
        var random = SplitMix64(seed: UInt64(delimiter))
        let alphabet: [UInt8] = [delimiter, 10, 13, 34, 97, 0, 0xFF, 0x80]
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 1...40, using: &random)).map { _ in
                Int.random(in: 0..<10, using: &random) < 8 ? UInt8(ascii: "x") : alphabet.randomElement(using: &random)!
            }
            bytes.withUnsafeBufferPointer { b in
                let scanner = CSVScanner(base: b.baseAddress!, end: b.count, delimiter: delimiter)
                for start in 0..<b.count {
                    let expected = b[start...].firstIndex { $0 == delimiter || $0 == 10 || $0 == 13 } ?? b.count
                    #expect(scanner.endOfUnquoted(from: start) == expected)
                }
            }
        }
    }

    @Test func integerScanning() {
        let cases: [(String, Int64?)] = [("0", 0), ("-0", 0), ("+7", 7), ("9223372036854775807", .max),
                                         ("-9223372036854775808", .min), ("9223372036854775808", nil),
                                         ("-9223372036854775809", nil), ("99999999999999999999", nil), ("-", nil), ("", nil)]
        for (text, expected) in cases {
            let bytes = Array(text.utf8) + [0]
            let result = bytes.withUnsafeBufferPointer { scanInt($0.baseAddress!, 0, text.utf8.count) }
            #expect(result?.value == expected, "\(text)")
            if expected != nil { #expect(result?.next == text.utf8.count) }
        }
    }
}
