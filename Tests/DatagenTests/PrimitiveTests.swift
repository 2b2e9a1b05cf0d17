import Foundation
import Testing
import TRQRandom
@testable import trq_datagen

@Suite struct PrimitiveTests {
    @Test func splitMixAndXoshiroMatchTheReferenceAlgorithms() {
        // SplitMix64 from state 0 (Vigna's splitmix64.c): first output 0xE220A8397B1DCDAF.
        var splitMix = SplitMix64(seed: 0)
        #expect(splitMix.next() == 0xE220_A839_7B1D_CDAF)
        #expect(splitMix.next() == 0x6E78_9E6A_A1B9_65F4)
        // xoshiro256** seeded by SplitMix64(0), values from a transliteration of xoshiro256starstar.c.
        var rng = Xoshiro(seed: 0)
        #expect(rng.next() == 11_091_344_671_253_066_420)
        #expect(rng.next() == 13_793_997_310_169_335_082)
        #expect(rng.next() == 1_900_383_378_846_508_768)
    }

    @Test func deterministicExpAndLogAgreeWithLibm() {
        var rng = Xoshiro(seed: 1)
        for _ in 0..<20_000 {
            let x = (rng.uniform() - 0.5) * 1_400
            let e = exp(x)
            #expect(abs(detExp(x) - e) <= 4 * e.ulp, "exp(\(x))")
            let y = detExp((rng.uniform() - 0.5) * 1_400)
            #expect(abs(detLog(y) - log(y)) <= 4 * max(abs(log(y)).ulp, Double.ulpOfOne), "log(\(y))")
        }
        #expect(detExp(0) == 1 && detLog(1) == 0)
        #expect(detExp(800) == .infinity && detExp(-800) == 0 && detLog(0) == -.infinity)
    }

    @Test func normalDrawsHaveUnitMoments() {
        var rng = Xoshiro(seed: 2)
        let n = 200_000
        var sum = 0.0, squares = 0.0, beyond2 = 0
        for _ in 0..<n {
            let z = rng.normal()
            sum += z
            squares += z * z
            if abs(z) > 2 { beyond2 += 1 }
        }
        #expect(abs(sum / Double(n)) < 0.01)
        #expect(abs(squares / Double(n) - 1) < 0.015)
        // P(|Z| > 2) = 0.0455.
        #expect(abs(Double(beyond2) / Double(n) - 0.0455) < 0.003)
    }

    @Test func aliasTableDrawsInProportion() {
        let weights = [1.0, 0, 3, 6]
        let table = AliasTable(weights)
        var rng = Xoshiro(seed: 3)
        var counts = [0, 0, 0, 0]
        let n = 100_000
        for _ in 0..<n { counts[table.draw(&rng)] += 1 }
        #expect(counts[1] == 0)
        for (i, w) in weights.enumerated() {
            #expect(abs(Double(counts[i]) / Double(n) - w / 10) < 0.01, "weight \(w)")
        }
    }

    @Test func fixedDecimalFormatting() {
        func text(_ x: Double, _ d: Int) -> String {
            var b = CSVBytes()
            b.fixed(x, decimals: d)
            return String(decoding: b.bytes, as: UTF8.self)
        }
        #expect(text(0.5, 3) == "0.5")
        #expect(text(1, 3) == "1.0")
        #expect(text(0, 6) == "0.0")
        #expect(text(-6.25, 3) == "-6.25")
        #expect(text(-5.9344, 3) == "-5.934")
        #expect(text(0.0001234, 6) == "0.000123")
        #expect(text(171.0054, 3) == "171.005")
        #expect(text(-0.0001, 3) == "0.0")
    }

    @Test func fieldsAreQuotedOnlyWhenNeeded() {
        func text(_ s: String) -> String {
            var b = CSVBytes()
            b.field(s)
            return String(decoding: b.bytes, as: UTF8.self)
        }
        #expect(text("Corazón de Fuego") == "Corazón de Fuego")
        #expect(text("Oh, Darling") == "\"Oh, Darling\"")
        #expect(text("Love (From \"Blue\")") == "\"Love (From \"\"Blue\"\")\"")
        #expect(text("two\nlines") == "\"two\nlines\"")
    }

    @Test func calendarArithmetic() {
        // 2023-01-01T00:00:00Z is Unix time 1672531200 = 19358 days.
        #expect(daysFromCivil(2023, 1, 1) == 19_358)
        #expect(daysFromCivil(1970, 1, 1) == 0)
        #expect(daysFromCivil(2024, 3, 1) - daysFromCivil(2024, 2, 1) == 29)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Foundation switches to the Julian calendar before 1582; compare from 1601 on.
        for day in stride(from: daysFromCivil(1601, 1, 1), through: daysFromCivil(2400, 12, 31), by: 97) {
            let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(day) * 86_400))
            let mine = civilFromDays(day)
            #expect(mine.year == c.year && mine.month == c.month && mine.day == c.day, "day \(day)")
            #expect(daysFromCivil(mine.year, mine.month, mine.day) == day)
        }
    }

    @Test func largestRemainderKeepsTheTotal() {
        #expect(largestRemainder(total: 10, weights: [1, 1, 1]) == [4, 3, 3])
        #expect(largestRemainder(total: 7, weights: [0.5, 0.25, 0.25]).reduce(0, +) == 7)
        #expect(largestRemainder(total: 5, weights: [0, 0]) == [0, 0])
    }
}
