import Foundation
import TRQFrame

/// Item-based k-nearest-neighbour recommender (Sarwar et al. 2001; the `implicit` library's
/// CosineRecommender): item similarity is the cosine of the items' binary user vectors,
/// |U_i & U_j| / sqrt(|U_i| |U_j|); each item keeps its `neighbours` most similar items; a user's
/// score for item j sums the similarities of j to the items the user has (as a neighbour of them).
public final class ItemKNNModel: Recommender, @unchecked Sendable {
    public var name: String { "item_knn" }
    public let userCount: Int
    public let itemCount: Int
    public let trainSeconds: Double
    public let neighbours: Int
    /// Neighbours of item i: neighbourItems[neighbourStart[i]..<neighbourStart[i + 1]], best first.
    let neighbourStart: [Int]
    let neighbourItems: [Int32]
    let neighbourSimilarity: [Float]
    let seen: SeenItems

    public static let defaultNeighbours = 20

    /// Throws `FrameError.cancelled` when Ctrl-C is requested (checked per block of items).
    public init(_ m: InteractionMatrix, neighbours: Int = defaultNeighbours, threads: Int = defaultThreadCount) throws {
        let clock = ContinuousClock.now
        let k = max(1, neighbours)
        let items = m.itemCount
        let block = 256
        let chunks = (items + block - 1) / block
        var perChunk = [[ScoredItem]](repeating: [], count: chunks)
        var perChunkCount = [[Int]](repeating: [], count: chunks)
        let workers = max(1, min(threads, chunks))
        let coCounts = (0..<workers).map { _ in UncheckedSendable(UnsafeMutablePointer<Int32>.allocate(capacity: max(1, items))) }
        for c in coCounts { c.value.initialize(repeating: 0, count: max(1, items)) }
        defer { for c in coCounts { c.value.deallocate() } }
        try perChunk.withUnsafeMutableBufferPointer { (lists) throws(FrameError) in
            try perChunkCount.withUnsafeMutableBufferPointer { (counts) throws(FrameError) in
                let out = UncheckedSendable((lists.baseAddress!, counts.baseAddress!))
                try parallelChunks(chunks, threads: workers) { chunk, worker in
                    let co = coCounts[worker].value
                    var touched: [Int32] = []
                    var list: [ScoredItem] = [], sizes: [Int] = []
                    for i in (chunk * block)..<min(items, (chunk + 1) * block) {
                        touched.removeAll(keepingCapacity: true)
                        for e in m.itemStart[i]..<m.itemStart[i + 1] {
                            let u = Int(m.itemUsers[e])
                            for f in m.userStart[u]..<m.userStart[u + 1] {
                                let j = Int(m.userItems[f])
                                if j == i { continue }
                                if co[j] == 0 { touched.append(Int32(j)) }
                                co[j] &+= 1
                            }
                        }
                        var top = TopK(k)
                        let ni = Float(m.itemStart[i + 1] - m.itemStart[i])
                        for j in touched.sorted() {
                            let nj = Float(m.itemStart[Int(j) + 1] - m.itemStart[Int(j)])
                            top.insert(item: j, score: Float(co[Int(j)]) / (ni * nj).squareRoot())
                            co[Int(j)] = 0
                        }
                        let best = top.sorted()
                        list += best
                        sizes.append(best.count)
                    }
                    out.value.0[chunk] = list
                    out.value.1[chunk] = sizes
                }
            }
        }
        var start = [0], ids: [Int32] = [], sims: [Float] = []
        for (list, sizes) in zip(perChunk, perChunkCount) {
            ids += list.map(\.item)
            sims += list.map(\.score)
            for size in sizes { start.append(start[start.count - 1] + size) }
        }
        userCount = m.userCount
        itemCount = items
        self.neighbours = k
        neighbourStart = start
        neighbourItems = ids
        neighbourSimilarity = sims
        seen = SeenItems(m)
        trainSeconds = clock.duration(to: .now).seconds
    }

    /// The neighbours of `item` with their cosine similarity, most similar first.
    public func similarItems(item: Int32, k: Int) throws -> [ScoredItem] {
        guard item >= 0, Int(item) < itemCount else {
            throw ModelError("item index \(item) is outside the trained items 0..<\(itemCount)")
        }
        let i = Int(item)
        return (neighbourStart[i]..<neighbourStart[i + 1]).prefix(max(0, k)).map {
            ScoredItem(item: neighbourItems[$0], score: neighbourSimilarity[$0])
        }
    }

    public func score(users: ArraySlice<Int32>, into out: UnsafeMutablePointer<Float>) {
        for (r, u) in users.enumerated() {
            let row = out + r * itemCount
            row.update(repeating: 0, count: itemCount)
            for i in seen.items(Int(u)) {
                for e in neighbourStart[Int(i)]..<neighbourStart[Int(i) + 1] {
                    row[Int(neighbourItems[e])] += neighbourSimilarity[e]
                }
            }
        }
    }

    public func seenItems(user: Int) -> ArraySlice<Int32> { seen.items(user) }

    public var memoryBytes: Int { neighbourItems.count * 8 + neighbourStart.count * 8 + seen.items.count * 4 }

    private static let magic = "TRQK"
    private static let version: UInt32 = 1

    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.writeHeader(magic: Self.magic, version: Self.version)
        w.write(itemCount); w.write(neighbours); w.write(trainSeconds)
        seen.write(to: &w)
        w.write(neighbourStart); w.write(neighbourItems); w.write(neighbourSimilarity)
        return w.bytes
    }

    public static func deserialize(_ bytes: [UInt8]) throws -> ItemKNNModel {
        var r = ByteReader(bytes, what: "item-kNN model")
        try r.readHeader(magic: magic, version: version)
        let items = try r.readCount(), k = try r.readCount(), seconds = try r.readDouble()
        let seen = try SeenItems(from: &r, items: items)
        let start = try r.readArray(Int.self), ids = try r.readArray(Int32.self), sims = try r.readArray(Float.self)
        try r.expectEnd()
        guard start.count == items + 1, start.first == 0, start.last == ids.count, ids.count == sims.count,
              zip(start, start.dropFirst()).allSatisfy({ $0 <= $1 }), ids.allSatisfy({ $0 >= 0 && Int($0) < items }) else {
            throw ModelError("cannot read item-kNN model: inconsistent neighbours; delete the cached file to retrain")
        }
        return ItemKNNModel(userCount: seen.userCount, itemCount: items, neighbours: k, trainSeconds: seconds,
                            start: start, ids: ids, sims: sims, seen: seen)
    }

    private init(userCount: Int, itemCount: Int, neighbours: Int, trainSeconds: Double, start: [Int], ids: [Int32],
                 sims: [Float], seen: SeenItems) {
        self.userCount = userCount
        self.itemCount = itemCount
        self.neighbours = neighbours
        self.trainSeconds = trainSeconds
        neighbourStart = start
        neighbourItems = ids
        neighbourSimilarity = sims
        self.seen = seen
    }
}
