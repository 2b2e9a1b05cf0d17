import Synchronization
import Testing
@testable import TRQFrame

/// A token stops only the work it is bound to: tests share the process and run in parallel.
@Suite struct CancellationTests {
    private let left = try! table(["k": ints([1, 2, 2, 3]), "l": ints([10, 20, 21, 30])])
    private let right = try! table(["k": ints([2, 3, 3, 4]), "r": ints([200, 300, 301, 400])])

    @Test func joinStopsUnderACancelledTokenOnly() throws {
        let stopped = CancellationToken()
        stopped.cancel()
        #expect(throws: FrameError.cancelled) {
            try stopped.whileCurrent { () throws(FrameError) in try join(left, right, kind: .inner, on: [("k", "k")]) }
        }
        // Another owner's work, and work with no token, go on while that one is set.
        let running = CancellationToken()
        let joined = try running.whileCurrent { () throws(FrameError) in try join(left, right, kind: .inner, on: [("k", "k")]) }
        #expect(values(joined, "r") == [200, 200, 300, 301].map { .int($0) })
        #expect(try join(left, right, kind: .inner, on: [("k", "k")]).rowCount == 4)
        stopped.reset()
        #expect(try stopped.whileCurrent { () throws(FrameError) in try join(left, right, kind: .inner, on: [("k", "k")]) }.rowCount == 4)
    }

    @Test func parallelWorkersSeeTheCallersToken() {
        let token = CancellationToken()
        let seen = Mutex([Bool](repeating: false, count: 8))
        token.whileCurrent {
            parallelFor(8) { i in
                let same = CancellationToken.current === token
                seen.withLock { $0[i] = same }
            }
        }
        #expect(seen.withLock { $0 } == [Bool](repeating: true, count: 8))
        #expect(CancellationToken.current == nil)
    }

    /// The CSV parsers run on worker threads: a cancelled load says so (not a parse error), and
    /// the same bytes load under a token that is not set.
    @Test func aCSVLoadStopsWithACancelledError() throws {
        let text = "id,name\n" + String(repeating: "123456,abcdefgh\n", count: 300_000)
        let bytes = Array(text.utf8)
        let stopped = CancellationToken()
        stopped.cancel()
        do {
            _ = try stopped.whileCurrent { () throws(CSVError) in try CSVReader.read(bytes: bytes, name: "big.csv") }
            Issue.record("a cancelled load returned a table")
        } catch {
            #expect(error.isCancelled)
            #expect(error.file == "big.csv")
        }
        let table = try CancellationToken().whileCurrent { () throws(CSVError) in try CSVReader.read(bytes: bytes, name: "big.csv") }
        #expect(table.rowCount == 300_000)
    }
}
