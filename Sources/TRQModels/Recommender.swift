import Foundation

/// A recommended (or similar) item and its score.
public struct ScoredItem: Equatable, Sendable {
    public let item: Int32
    public let score: Float
    public init(item: Int32, score: Float) {
        self.item = item
        self.score = score
    }
}

/// A trained recommender over dense user and item indices.
public protocol Recommender: AnyObject, Sendable {
    /// The model's row name in `recommend eval` ("als", "popularity").
    var name: String { get }
    var userCount: Int { get }
    var itemCount: Int { get }
    var trainSeconds: Double { get }
    /// Approximate memory held by the model, for `.models`.
    var memoryBytes: Int { get }
    /// Writes `users.count` rows of `itemCount` scores (row-major) for the given in-range users.
    func score(users: ArraySlice<Int32>, into: UnsafeMutablePointer<Float>)
    /// The user's training items, sorted (empty for users without any or out of range).
    func seenItems(user: Int) -> ArraySlice<Int32>
    func serialized() -> [UInt8]
}

extension Recommender {
    /// The `k` best items for `user`, best first; ties go to the lower item index. With
    /// `excludeSeen`, the user's training items are left out. A user index beyond the training
    /// data is an error; a user without training interactions gets the most popular items.
    public func recommend(user: Int32, k: Int, excludeSeen: Bool = true) throws -> [ScoredItem] {
        guard user >= 0, Int(user) < userCount else {
            throw ModelError("user index \(user) is outside the trained users 0..<\(userCount)")
        }
        guard k > 0, itemCount > 0 else { return [] }
        var scores = [Float](repeating: 0, count: itemCount)
        scores.withUnsafeMutableBufferPointer { score(users: [user][...], into: $0.baseAddress!) }
        return scores.withUnsafeBufferPointer { scores in
            topItems(scores, k: k, excluding: excludeSeen ? seenItems(user: Int(user)) : [])
        }
    }
}

/// The `k` highest scores, skipping the sorted `excluded` indices.
func topItems(_ scores: UnsafeBufferPointer<Float>, k: Int, excluding excluded: ArraySlice<Int32>) -> [ScoredItem] {
    var top = TopK(k)
    var e = excluded.startIndex
    // Items arrive in ascending index order, so once the heap is full a candidate must beat the
    // current k-th score strictly (a tie loses on index): most items are rejected by one compare.
    var bar = -Float.infinity
    for j in 0..<scores.count {
        if e < excluded.endIndex, Int(excluded[e]) == j {
            e &+= 1
            continue
        }
        let s = scores[j]
        if top.isFull, !(s > bar) { continue }
        top.insert(item: Int32(truncatingIfNeeded: j), score: s)
        if top.isFull { bar = top.worstScore }
    }
    return top.sorted()
}

/// Bounded selection of the k best (score desc, item asc) with a binary min-heap.
struct TopK {
    private let k: Int
    private var heap: [ScoredItem] = []

    init(_ k: Int) {
        self.k = max(0, k)
        heap.reserveCapacity(self.k)
    }

    /// True when a ranks below b (lower score, or same score and higher item index). NaN ranks last.
    @inline(__always) private static func worse(_ a: ScoredItem, _ b: ScoredItem) -> Bool {
        if a.score.isNaN != b.score.isNaN { return a.score.isNaN }
        return a.score < b.score || (a.score == b.score && a.item > b.item)
    }

    @inline(__always) mutating func insert(item: Int32, score: Float) {
        let candidate = ScoredItem(item: item, score: score)
        if heap.count < k {
            heap.append(candidate)
            var c = heap.count - 1
            while c > 0 {
                let parent = (c - 1) / 2
                guard Self.worse(heap[c], heap[parent]) else { break }
                heap.swapAt(c, parent)
                c = parent
            }
        } else if k > 0, Self.worse(heap[0], candidate) {
            heap[0] = candidate
            var c = 0
            while true {
                let l = 2 * c + 1, r = l + 1
                var m = c
                if l < heap.count, Self.worse(heap[l], heap[m]) { m = l }
                if r < heap.count, Self.worse(heap[r], heap[m]) { m = r }
                if m == c { break }
                heap.swapAt(c, m)
                c = m
            }
        }
    }

    func sorted() -> [ScoredItem] { heap.sorted { Self.worse($1, $0) } }

    var isFull: Bool { heap.count >= k }

    /// The score of the k-th best so far (only meaningful when full).
    var worstScore: Float { heap.first?.score ?? -Float.infinity }
}

/// Each user's training items (sorted), kept with a model to exclude them from recommendations.
struct SeenItems: Sendable {
    let start: [Int]
    let items: [Int32]

    init(_ m: InteractionMatrix) {
        start = m.userStart
        items = m.userItems
    }

    private init(start: [Int], items: [Int32]) {
        self.start = start
        self.items = items
    }

    @inline(__always) func count(_ u: Int) -> Int { start[u &+ 1] &- start[u] }

    var userCount: Int { start.count - 1 }

    func items(_ u: Int) -> ArraySlice<Int32> {
        guard u >= 0, u &+ 1 < start.count else { return [] }
        return items[start[u]..<start[u &+ 1]]
    }

    func write(to w: inout ByteWriter) {
        w.write(start)
        w.write(items)
    }

    init(from r: inout ByteReader, items itemCount: Int) throws {
        let start = try r.readArray(Int.self), items = try r.readArray(Int32.self)
        guard start.first == 0, start.last == items.count,
              zip(start, start.dropFirst()).allSatisfy({ $0 <= $1 }),
              items.allSatisfy({ $0 >= 0 && Int($0) < itemCount }) else {
            throw ModelError("cannot read model: training items are inconsistent; delete the cached file to retrain")
        }
        self.init(start: start, items: items)
    }
}

/// The popularity baseline: every user gets the items with the most distinct training users.
public final class PopularityModel: Recommender, @unchecked Sendable {
    public var name: String { "popularity" }
    public let userCount: Int
    public let itemCount: Int
    public let trainSeconds: Double
    /// Distinct training users per item.
    public let itemPopularity: [Float]
    let seen: SeenItems

    public init(_ m: InteractionMatrix) {
        let clock = ContinuousClock.now
        userCount = m.userCount
        itemCount = m.itemCount
        itemPopularity = (0..<m.itemCount).map { Float(m.itemStart[$0 + 1] - m.itemStart[$0]) }
        seen = SeenItems(m)
        trainSeconds = clock.duration(to: .now).seconds
    }

    public func score(users: ArraySlice<Int32>, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<users.count { (out + r &* itemCount).update(from: itemPopularity, count: itemCount) }
    }

    public func seenItems(user: Int) -> ArraySlice<Int32> { seen.items(user) }

    /// Approximate memory held by the model, for `.models`.
    public var memoryBytes: Int { itemPopularity.count * 4 + seen.items.count * 4 + seen.start.count * 8 }

    private static let magic = "TRQP"
    private static let version: UInt32 = 1

    /// The fields after `seen` (also embedded in the ALS model as its cold-user fallback).
    func write(to w: inout ByteWriter) {
        w.write(trainSeconds)
        w.write(itemPopularity)
    }

    init(from r: inout ByteReader, seen: SeenItems) throws {
        trainSeconds = try r.readDouble()
        itemPopularity = try r.readArray(Float.self)
        userCount = seen.userCount
        itemCount = itemPopularity.count
        self.seen = seen
    }

    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.writeHeader(magic: Self.magic, version: Self.version)
        w.write(itemCount)
        seen.write(to: &w)
        write(to: &w)
        return w.bytes
    }

    public static func deserialize(_ bytes: [UInt8]) throws -> PopularityModel {
        var r = ByteReader(bytes, what: "popularity model")
        try r.readHeader(magic: magic, version: version)
        let items = try r.readCount()
        let model = try PopularityModel(from: &r, seen: try SeenItems(from: &r, items: items))
        guard model.itemCount == items else { throw ModelError("cannot read popularity model: item count mismatch; delete the cached file to retrain") }
        try r.expectEnd()
        return model
    }
}
