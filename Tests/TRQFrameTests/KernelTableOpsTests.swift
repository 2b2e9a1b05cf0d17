import Testing
@testable import TRQFrame

@Suite struct KernelTableOpsTests {
    @Test func filterTreatsNullAsFalse() throws {
        let t = try table(["x": ints([1, 2, 3, 4])])
        let kept = try filter(t, mask: bools([true, nil, false, true]))
        #expect(values(kept, "x") == [.int(1), .int(4)])
        #expect(throws: FrameError.self) { _ = try filter(t, mask: ints([1, 0, 1, 0])) }
        #expect(throws: FrameError.self) { _ = try filter(t, mask: bools([true])) }
    }

    @Test func takeByIndexAndOrNull() throws {
        let t = try table(["s": strings(["a", nil, "c"]), "x": floats([1, 2, nil])])
        let taken = t.take([2, 0, 0])
        #expect(values(taken, "s") == [.string("c"), .string("a"), .string("a")])
        #expect(values(taken, "x") == [.null, .float(1), .float(1)])
        #expect(values(t.column("x")!.take(orNull: [1, -1, 2])) == [.float(2), .null, .null])
    }

    @Test func distinctKeepsFirstRows() throws {
        let t = try table([
            "a": strings(["x", "y", "x", nil, nil, "x"]),
            "b": ints([1, 1, 1, 2, 2, 2]),
            "c": ints([1, 2, 3, 4, 5, 6]),
        ])
        #expect(values(try distinct(t, columns: ["a", "b"]), "c") == [1, 2, 4, 6].map { .int($0) })
        #expect(values(try distinct(t, columns: ["a"]), "c") == [1, 2, 4].map { .int($0) })
        #expect(try distinct(t).rowCount == 6)
        let dup = try table(["a": ints([1, 1, nil, nil]), "b": floats([.nan, .nan, 0.0, -0.0])])
        #expect(try distinct(dup).rowCount == 2)
        #expect(throws: FrameError.self) { _ = try distinct(t, columns: ["nope"]) }
    }

    @Test func dropNullsInAnyOrChosenColumns() throws {
        let t = try table([
            "a": ints([1, nil, 3, 4]), "b": floats([nil, 2, 3, .nan]), "c": ints([1, 2, 3, 4]),
        ])
        #expect(values(try dropNulls(t), "c") == [.int(3), .int(4)])
        #expect(values(try dropNulls(t, columns: ["a"]), "c") == [.int(1), .int(3), .int(4)])
        #expect(values(try dropNulls(t, columns: ["c"]), "c").count == 4)
    }

    @Test func fillNullsChecksTypes() throws {
        let t = try table([
            "i": ints([1, nil]), "f": floats([nil, 2.5]), "s": strings([nil, "b"]), "d": dates([nil, 3]),
        ])
        let filled = try fillNulls(t, [("i", .int(0)), ("f", .int(7)), ("s", .string("none")), ("d", .string("1970-01-02"))])
        #expect(values(filled, "i") == [.int(1), .int(0)])
        #expect(values(filled, "f") == [.float(7), .float(2.5)])
        #expect(values(filled, "s") == [.string("none"), .string("b")])
        #expect(values(filled, "d") == [.date(1), .date(3)])
        #expect(filled.column("i")?.validity == nil)
        #expect {
            _ = try fillNulls(t, [("i", .float(2.5))])
        } throws: { error in
            let message = (error as? FrameError)?.message ?? ""
            return message.contains("'i'") && message.contains("2.5")
        }
        #expect(throws: FrameError.self) { _ = try fillNulls(t, [("s", .int(1))]) }
        #expect(throws: FrameError.self) { _ = try fillNulls(t, [("d", .string("yesterday"))]) }
    }

    @Test func describeSummarizesEachColumn() throws {
        let t = try table([
            "x": ints([4, 1, nil, 3, 2, 2]),
            "s": strings(["b", "a", nil, nil, "b", "c"]),
        ])
        let d = try describe(t)
        #expect(d.names == ["name", "type", "count", "nulls", "distinct", "mean", "std", "min", "p25", "p50", "p75", "max"])
        #expect(values(d, "name") == [.string("x"), .string("s")])
        #expect(values(d, "type") == [.string("int"), .string("string")])
        #expect(values(d, "count") == [.int(5), .int(4)])
        #expect(values(d, "nulls") == [.int(1), .int(2)])
        #expect(values(d, "distinct") == [.int(4), .int(3)])
        // x = [1, 2, 2, 3, 4]: mean 2.4, sample var (1.96+0.16+0.16+0.36+2.56)/4 = 1.3
        #expect(close(values(d, "mean")[0], 2.4) && values(d, "mean")[1] == .null)
        #expect(close(values(d, "std")[0], 1.3.squareRoot()) && values(d, "std")[1] == .null)
        #expect(values(d, "p25") == [.float(2), .null])
        #expect(values(d, "p50") == [.float(2), .null])
        #expect(values(d, "p75") == [.float(3), .null])
        #expect(values(d, "min") == [.string("1"), .string("a")])
        #expect(values(d, "max") == [.string("4"), .string("c")])
    }

    @Test func describeAllNullAndEmptyColumns() throws {
        let t = try table(["f": floats([nil, nil]), "s": strings([nil, nil])])
        let d = try describe(t)
        #expect(values(d, "count") == [.int(0), .int(0)])
        #expect(values(d, "nulls") == [.int(2), .int(2)])
        #expect(values(d, "distinct") == [.int(0), .int(0)])
        #expect(values(d, "mean") == [.null, .null] && values(d, "p50") == [.null, .null])
        #expect(values(d, "min") == [.null, .null] && values(d, "max") == [.null, .null])
        let empty = Column(.string(codes: [], dictionary: StringDictionary([])))
        let m = try aggregate(try table(["s": empty]), [AggregateRequest(name: "m", function: .min, input: empty)])
        #expect(values(m, "m") == [.null])
        if case .string(let codes, let dictionary)? = m.column("m")?.data {
            #expect(codes.allSatisfy { Int($0) < dictionary.values.count })
        }
    }

    @Test func concatenateByNameWidensTypes() throws {
        let a = try table(["id": ints([1, 2]), "name": strings(["x", "y"]), "when": dates([0, 1])])
        let b = try table([
            "name": strings(["y", "z"], dictionary: ["z", "y"]), "id": floats([2.5, nil]),
            "extra": bools([true, false]), "when": Column(.timestamp([5, 6])),
        ])
        let c = try concatenate([a, b])
        #expect(c.names == ["id", "name", "when", "extra"])
        #expect(values(c, "id") == [.float(1), .float(2), .float(2.5), .null])
        #expect(values(c, "name") == ["x", "y", "y", "z"].map { .string($0) })
        #expect(values(c, "when") == [.timestamp(0), .timestamp(microsPerDay), .timestamp(5), .timestamp(6)])
        #expect(values(c, "extra") == [.null, .null, .bool(true), .bool(false)])
        if case .string(_, let dictionary) = c.column("name")?.data {
            #expect(dictionary.values.sorted() == ["x", "y", "z"])
        }
        let mixed = try concatenate([try table(["v": ints([1, nil])]), try table(["v": bools([true])])])
        #expect(values(mixed, "v") == [.string("1"), .null, .string("true")])
    }

    @Test func widenedConvertsOrRefuses() throws {
        #expect(values(try ints([3, nil]).widened(to: .float)) == [.float(3), .null])
        #expect(values(try floats([0.5, 2, 0.5]).widened(to: .string)) == ["0.5", "2.0", "0.5"].map { .string($0) })
        #expect(values(try dates([0]).widened(to: .string)) == [.string("1970-01-01")])
        #expect(throws: FrameError.self) { _ = try floats([1]).widened(to: .int) }
    }
}
