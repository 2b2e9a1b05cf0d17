/// A sparse user x item interaction matrix in two compressed layouts: rows by user (CSR) and rows
/// by item (the transpose), with repeated (user, item) pairs summed and each row sorted by index.
///
/// Users and items are dense indices `0..<userCount`, `0..<itemCount`; the engine maps ids to indices.
/// Pairs whose summed weight is 0 are dropped: they carry no preference (Hu et al. set p = 0 there).
public struct InteractionMatrix: Sendable, Equatable {
    public let userCount: Int
    public let itemCount: Int
    /// Row `u` is `userItems[userStart[u]..<userStart[u + 1]]` (items ascending), same for weights.
    public let userStart: [Int]
    public let userItems: [Int32]
    public let userWeights: [Float]
    /// Row `i` is `itemUsers[itemStart[i]..<itemStart[i + 1]]` (users ascending).
    public let itemStart: [Int]
    public let itemUsers: [Int32]
    public let itemWeights: [Float]

    /// The number of distinct (user, item) pairs.
    public var count: Int { userItems.count }

    /// Builds the matrix from parallel arrays, one entry per interaction row.
    /// - Parameters:
    ///   - weights: one per row, finite and >= 0; `nil` means 1 per row.
    ///   - userCount, itemCount: the index ranges; `nil` means max index + 1.
    /// - Throws: `ModelError` naming the first bad row (0-based) and value.
    public init(users: [Int32], items: [Int32], weights: [Float]? = nil,
                userCount: Int? = nil, itemCount: Int? = nil) throws {
        guard users.count == items.count else {
            throw ModelError("interactions need one item per user entry: got \(users.count) users and \(items.count) items")
        }
        if let weights, weights.count != users.count {
            throw ModelError("interactions need one weight per row: got \(weights.count) weights for \(users.count) rows")
        }
        var maxUser: Int32 = -1, maxItem: Int32 = -1
        for r in 0..<users.count {
            let u = users[r], i = items[r]
            guard u >= 0 else { throw ModelError("interaction row \(r): user index \(u) is negative") }
            guard i >= 0 else { throw ModelError("interaction row \(r): item index \(i) is negative") }
            if u > maxUser { maxUser = u }
            if i > maxItem { maxItem = i }
            if let weights {
                let w = weights[r]
                guard w.isFinite, w >= 0 else {
                    throw ModelError("interaction row \(r): weight \(w) must be a finite number >= 0; filter such rows out or use fillna")
                }
            }
        }
        let nUsers = try Self.checkedCount(userCount, maxIndex: maxUser, what: "user")
        let nItems = try Self.checkedCount(itemCount, maxIndex: maxItem, what: "item")
        self.init(unchecked: users, items: items, weights: weights, userCount: nUsers, itemCount: nItems)
    }

    private static func checkedCount(_ given: Int?, maxIndex: Int32, what: String) throws -> Int {
        guard let given else { return Int(maxIndex) + 1 }
        guard given >= 0, given <= Int(Int32.max) else {
            throw ModelError("\(what) count \(given) is outside 0...\(Int32.max)")
        }
        guard Int(maxIndex) < given else {
            throw ModelError("\(what) index \(maxIndex) is outside 0..<\(given); pass a larger \(what) count")
        }
        return given
    }

    /// Inputs already validated: two stable counting sorts (by item, then by user) leave each user's
    /// entries sorted by item, so duplicates are adjacent and summed in one sweep: O(rows + users + items).
    init(unchecked users: [Int32], items: [Int32], weights: [Float]?, userCount: Int, itemCount: Int) {
        let n = users.count
        var byItem = [Int32](repeating: 0, count: n)
        var itemCursor = Self.prefixCounts(items, buckets: itemCount)
        for r in 0..<n {
            let i = Int(items[r])
            byItem[itemCursor[i]] = Int32(truncatingIfNeeded: r)
            itemCursor[i] &+= 1
        }
        var order = [Int32](repeating: 0, count: n)
        var userCursor = Self.prefixCounts(users, buckets: userCount)
        for r in byItem {
            let u = Int(users[Int(r)])
            order[userCursor[u]] = r
            userCursor[u] &+= 1
        }
        byItem = []

        var start = [Int](repeating: 0, count: userCount + 1)
        var rowItems: [Int32] = []
        var rowWeights: [Float] = []
        rowItems.reserveCapacity(n)
        rowWeights.reserveCapacity(n)
        var k = 0
        for u in 0..<userCount {
            let end = userCursor[u]
            while k < end {
                let item = items[Int(order[k])]
                var sum = 0.0
                while k < end, items[Int(order[k])] == item {
                    sum += Double(weights?[Int(order[k])] ?? 1)
                    k &+= 1
                }
                if sum > 0 {
                    rowItems.append(item)
                    // A sum beyond Float's range saturates rather than becoming inf.
                    rowWeights.append(Float(min(sum, Double(Float.greatestFiniteMagnitude))))
                }
            }
            start[u + 1] = rowItems.count
        }
        self.init(userCount: userCount, itemCount: itemCount, userStart: start, userItems: rowItems, userWeights: rowWeights)
    }

    /// From a CSR by user whose rows are sorted and free of duplicates; builds the transpose.
    init(userCount: Int, itemCount: Int, userStart: [Int], userItems: [Int32], userWeights: [Float]) {
        self.userCount = userCount
        self.itemCount = itemCount
        self.userStart = userStart
        self.userItems = userItems
        self.userWeights = userWeights
        let firstSlot = Self.prefixCounts(userItems, buckets: itemCount)
        var cursor = firstSlot
        var tUsers = [Int32](repeating: 0, count: userItems.count)
        var tWeights = [Float](repeating: 0, count: userItems.count)
        for u in 0..<userCount {
            for k in userStart[u]..<userStart[u + 1] {
                let i = Int(userItems[k])
                tUsers[cursor[i]] = Int32(truncatingIfNeeded: u)
                tWeights[cursor[i]] = userWeights[k]
                cursor[i] &+= 1
            }
        }
        itemStart = firstSlot + [userItems.count]
        itemUsers = tUsers
        itemWeights = tWeights
    }

    /// Exclusive prefix sums of bucket sizes: the first slot of each bucket.
    private static func prefixCounts(_ keys: [Int32], buckets: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: buckets + 1)
        for key in keys { counts[Int(key) + 1] &+= 1 }
        for b in 0..<buckets { counts[b + 1] &+= counts[b] }
        counts.removeLast()
        return counts
    }

    /// The items of user `u` (sorted). `u` must be in range.
    public func items(ofUser u: Int) -> ArraySlice<Int32> { userItems[userStart[u]..<userStart[u + 1]] }

    /// The stable content hash of the matrix (for a model cache key with the options).
    public func hash(into h: inout ContentHash) {
        h.combine("interactions")
        h.combine(userCount); h.combine(itemCount)
        h.combine(userStart); h.combine(userItems); h.combine(userWeights)
    }

    /// The cache key of a model trained on this matrix: its content, then what `options` feeds in.
    func cacheKey(_ options: (inout ContentHash) -> Void) -> ContentHash {
        var h = ContentHash()
        hash(into: &h)
        options(&h)
        return h
    }

    /// The number of users with at least one interaction.
    public var activeUserCount: Int { (0..<userCount).reduce(0) { $0 + (userStart[$1 + 1] > userStart[$1] ? 1 : 0) } }

    /// The number of items with at least one interaction.
    public var activeItemCount: Int { (0..<itemCount).reduce(0) { $0 + (itemStart[$1 + 1] > itemStart[$1] ? 1 : 0) } }
}
