import Testing
@testable import TRQFrame

/// The cancellation flag is process-wide and tests run in parallel, so each test that sets it runs
/// in a child process of its own (an exit test) where no other test's kernel can see it.
@Suite struct CancellationTests {
    @Test func joinStopsWhileCancellationIsRequestedAndWorksAfterwards() async {
        await #expect(processExitsWith: .success) {
            let left = try table(["k": ints([1, 2, 2, 3]), "l": ints([10, 20, 21, 30])])
            let right = try table(["k": ints([2, 3, 3, 4]), "r": ints([200, 300, 301, 400])])
            cancellationRequested.store(true, ordering: .relaxed)
            #expect(throws: FrameError.cancelled) { try join(left, right, kind: .inner, on: [("k", "k")]) }
            cancellationRequested.store(false, ordering: .relaxed)
            let joined = try join(left, right, kind: .inner, on: [("k", "k")])
            #expect(values(joined, "r") == [200, 200, 300, 301].map { .int($0) })
        }
    }
}
