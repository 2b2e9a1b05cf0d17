#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a JSON chunk stopped: a byte offset into the input and what is wrong there.
struct JSONFailure: Error, Sendable {
    var offset: Int
    var message: String
    var hint: String?

    /// The chunk's cancellation token was set: no place in the input is wrong.
    static let cancelled = JSONFailure(offset: -1, message: "cancelled")
    var isCancelled: Bool { offset < 0 }
}

/// The deepest nesting of objects and arrays accepted (the contract's limit).
let jsonMaximumDepth = 1000

/// One flattened key path (`parent.child`) as a chunk has seen it.
struct JSONNode {
    enum Role: UInt8 { case unseen, leaf, object, skipped }
    let path: String
    let key: UnsafeMutableBufferPointer<UInt8>
    /// The key has no byte that JSON must escape, so input bytes equal to it between quotes
    /// are this key (see `object`).
    let plainKey: Bool
    var role: Role
    /// Values load as their minified JSON text (the path held objects and scalars).
    let raw: Bool
    /// Values load as text: strings unescaped, other scalars as written (the path mixes kinds).
    let text: Bool
    var builder: Int = -1
    /// Children in order of first appearance.
    var children: [Int32] = []
    /// The children in the order the last object at this path listed its keys: the next
    /// object's keys are checked against it first, which saves a hash lookup per key.
    var predicted: [Int32] = []
    var childIndex: KeyInterner?
    var childByCode: [Int32] = []
}

/// Which paths a read wants, and which must load as text; shared by all chunks of an input.
struct JSONPathRules: Sendable {
    /// Requested column names; nil = every column.
    var columns: Set<String>?
    /// Prefixes (`parent.`) of the requested names, so that a parent object is read.
    var prefixes: Set<String> = []
    var rawPaths: Set<String> = []
    var textPaths: Set<String> = []

    init(columns: Set<String>?) {
        self.columns = columns
        for name in columns ?? [] {
            var prefix = ""
            for part in name.split(separator: ".", omittingEmptySubsequences: false).dropLast() {
                prefix += part + "."
                prefixes.insert(prefix)
            }
        }
    }

    func wants(_ path: String) -> Bool {
        guard let columns else { return true }
        return columns.contains(path) || prefixes.contains(path + ".")
    }
}

/// Parses the objects of one stretch of a JSON or NDJSON input into one `ColumnBuilder` per
/// flattened key path. Chunks run on separate threads; `stop` (where the next object starts)
/// lets the reader check that a guessed chunk start was a real object boundary.
final class JSONChunkParser {
    enum Layout { case lines, arrayElements, singleObject }

    let base: UnsafePointer<UInt8>
    let start: Int
    /// Objects that start before `limit` are this chunk's.
    let limit: Int
    let end: Int
    let layout: Layout
    let rules: JSONPathRules
    private(set) var nodes: [JSONNode] = []
    private(set) var builders: [UnsafeMutablePointer<ColumnBuilder>] = []
    /// By builder: the references to a high-cardinality string column's values (see `DeferredStrings`).
    private(set) var deferred: [UnsafeMutablePointer<GrowableBuffer<DeferredString>>?] = []
    /// Copies of deferred values of more than 8 bytes that are not in the input (unescaped
    /// strings, arrays' text), in blocks that never move.
    private var copyBlocks: [UnsafeMutablePointer<UInt8>] = []
    private var copyUsed = 0
    private var copyCapacity = 0
    /// Builders of paths that turned out to hold objects (only nulls before); not columns.
    private(set) var abandoned: Set<Int> = []
    private(set) var rowCount = 0
    private(set) var stop: Int
    /// Where the chunk's first object starts (or where it stopped, without one).
    private(set) var firstRow: Int
    /// The array's closing bracket was reached (array layout).
    private(set) var reachedEnd = false
    private(set) var failure: JSONFailure?
    /// Paths whose values need another read as JSON text or as text (see `JSONPathRules`).
    private(set) var rawConflicts: Set<String> = []
    private(set) var textConflicts: Set<String> = []
    private var scratch = GrowableBuffer<UInt8>()
    /// `walk`'s stack, kept so that each array value does not allocate one.
    private var walkStack: [(object: Bool, afterValue: Bool)] = []
    private var minified = GrowableBuffer<UInt8>()
    /// Captured where the parser is made: its worker thread has no binding of its own.
    private let cancel = CancellationToken.current

    init(base: UnsafePointer<UInt8>, start: Int, limit: Int, end: Int, layout: Layout, rules: JSONPathRules) {
        self.base = base
        self.start = start
        self.limit = limit
        self.end = end
        self.layout = layout
        self.rules = rules
        stop = start
        firstRow = start
        nodes.append(JSONNode(path: "", key: .allocate(capacity: 0), plainKey: false, role: .object, raw: false, text: false))
        nodes[0].childIndex = KeyInterner(validatesUTF8: true)
    }

    deinit {
        for node in nodes { node.key.deallocate() }
        for builder in builders {
            builder.pointee.release()
            builder.deinitialize(count: 1)
            builder.deallocate()
        }
        for case let lists? in deferred { DeferredStrings.release(lists) }
        for block in copyBlocks { block.deallocate() }
        scratch.release()
        minified.release()
    }

    func run() {
        do throws(JSONFailure) {
            switch layout {
            case .lines: try runLines()
            case .arrayElements: try runArray()
            case .singleObject:
                try row()
                skipWhitespace()
                stop = pos
            }
        } catch {
            failure = error
        }
        // A batched string found invalid was read before anything that stopped the parse.
        var firstInvalid: PendingString?
        for b in builders {
            b.pointee.flushPending()
            if let value = b.pointee.invalidValue, value.bytes < firstInvalid?.bytes ?? base + end { firstInvalid = value }
        }
        if let value = firstInvalid, failure?.isCancelled != true {
            failure = invalidUTF8(in: value.bytes, value.count, near: value.bytes - base)
        }
    }

    // MARK: - Rows

    private var pos = 0

    private func runLines() throws(JSONFailure) {
        pos = start
        while true {
            skipWhitespace()
            guard pos < end, pos < limit else { break }
            guard base[pos] == UInt8(ascii: "{") else {
                throw JSONFailure(offset: pos, message: "expected an object ({...}) at the start of the line",
                                  hint: "NDJSON has one JSON object per line")
            }
            try row()
            while pos < end, base[pos] == asciiSpace || base[pos] == asciiTab || base[pos] == asciiCR { pos &+= 1 }
            if pos < end, base[pos] != asciiLF {
                throw JSONFailure(offset: pos, message: "expected a line break after the object",
                                  hint: "NDJSON has one JSON object per line")
            }
        }
        stop = pos
    }

    private func runArray() throws(JSONFailure) {
        pos = start
        skipWhitespace()
        if pos < end, base[pos] == UInt8(ascii: "]") {
            pos &+= 1
            reachedEnd = true
            stop = pos
            return
        }
        while true {
            guard pos < end else { throw truncated() }
            guard base[pos] == UInt8(ascii: "{") else {
                throw JSONFailure(offset: pos, message: "expected an object ({...}) as an element of the top-level array",
                                  hint: "trq loads an array of objects, one row each")
            }
            try row()
            skipWhitespace()
            guard pos < end else { throw truncated() }
            let c = base[pos]
            if c == UInt8(ascii: "]") {
                pos &+= 1
                reachedEnd = true
                break
            }
            guard c == UInt8(ascii: ",") else { throw expected("',' or ']' after an array element") }
            pos &+= 1
            skipWhitespace()
            if pos < end, base[pos] == UInt8(ascii: "]") {
                throw JSONFailure(offset: pos, message: "trailing comma before ']'", hint: "remove the last comma")
            }
            if pos >= limit { break }
        }
        stop = pos
    }

    private func row() throws(JSONFailure) {
        if rowCount == 0 { firstRow = pos }
        if rowCount & 4095 == 0, cancel?.isCancelled == true {
            throw JSONFailure.cancelled
        }
        // The top-level array is a level of its own.
        try object(parent: 0, depth: layout == .arrayElements ? 2 : 1)
        rowCount &+= 1
        // Paths this object lacks are null in its row.
        for b in builders where b.pointee.rowCount < rowCount { b.pointee.appendNull() }
    }

    // MARK: - Values

    private func object(parent: Int, depth: Int) throws(JSONFailure) {
        guard depth <= jsonMaximumDepth else { throw tooDeep() }
        pos &+= 1  // {
        skipWhitespace()
        guard pos < end else { throw truncated() }
        if base[pos] == UInt8(ascii: "}") {
            pos &+= 1
            return
        }
        var k = 0
        while true {
            guard pos < end else { throw truncated() }
            guard base[pos] == UInt8(ascii: "\"") else { throw expected("a key in double quotes") }
            var child = predictedKey(of: parent, position: k)
            if child < 0 {
                let keyStart = pos
                let (key, keyLength) = try string()
                child = try self.child(of: parent, position: k, key: key, keyLength, at: keyStart)
            }
            skipWhitespace()
            guard pos < end else { throw truncated() }
            guard base[pos] == UInt8(ascii: ":") else { throw expected("':' after the key") }
            pos &+= 1
            skipWhitespace()
            guard pos < end else { throw truncated() }
            try value(child, depth: depth)
            k &+= 1
            skipWhitespace()
            guard pos < end else { throw truncated() }
            let c = base[pos]
            pos &+= 1
            if c == UInt8(ascii: "}") { return }
            guard c == UInt8(ascii: ",") else {
                pos &-= 1
                throw expected("',' or '}' after a value")
            }
            skipWhitespace()
            if pos < end, base[pos] == UInt8(ascii: "}") {
                throw JSONFailure(offset: pos, message: "trailing comma before '}'", hint: "remove the last comma")
            }
        }
    }

    /// The node of the key at `pos` (a quote) when it is the key the last object at this path
    /// had at position `k`, compared as written (no scan for the string's end, no hash), with
    /// `pos` moved past it; else -1 and `pos` unmoved.
    @inline(__always)
    private func predictedKey(of parent: Int, position k: Int) -> Int {
        guard k < nodes[parent].predicted.count else { return -1 }
        let guess = Int(nodes[parent].predicted[k])
        let key = nodes[guess].key
        let n = key.count
        guard nodes[guess].plainKey, pos &+ n &+ 1 < end, base[pos &+ n &+ 1] == UInt8(ascii: "\""),
              n == 0 || bytesEqual(base + (pos &+ 1), key.baseAddress!, n) else { return -1 }
        pos &+= n &+ 2
        return guess
    }

    /// The node of key `key` under `parent`, created on first sight.
    @inline(__always)
    private func child(of parent: Int, position k: Int, key: UnsafePointer<UInt8>, _ n: Int, at offset: Int) throws(JSONFailure) -> Int {
        if k < nodes[parent].predicted.count {
            let guess = Int(nodes[parent].predicted[k])
            let known = nodes[guess].key
            if known.count == n, n == 0 || bytesEqual(known.baseAddress!, key, n) { return guess }
        }
        let code = Int(nodes[parent].childIndex!.intern(key, n))
        guard code >= 0 else { throw invalidUTF8(in: key, n, near: offset) }
        let found: Int
        if code < nodes[parent].childByCode.count {
            found = Int(nodes[parent].childByCode[code])
        } else {
            found = addNode(parent: parent, key: key, n)
            nodes[parent].childByCode.append(Int32(found))
            nodes[parent].children.append(Int32(found))
        }
        if k < nodes[parent].predicted.count {
            nodes[parent].predicted[k] = Int32(found)
        } else {
            nodes[parent].predicted.append(Int32(found))
        }
        return found
    }

    private func addNode(parent: Int, key: UnsafePointer<UInt8>, _ n: Int) -> Int {
        let name = String(decoding: UnsafeBufferPointer(start: key, count: n), as: UTF8.self)
        let path = parent == 0 ? name : nodes[parent].path + "." + name
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: n)
        if n > 0 { copy.baseAddress!.initialize(from: key, count: n) }
        let raw = rules.rawPaths.contains(path)
        let plain = !UnsafeBufferPointer(copy).contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }
        let node = JSONNode(path: path, key: copy, plainKey: plain, role: rules.wants(path) ? .unseen : .skipped,
                            raw: raw, text: !raw && rules.textPaths.contains(path))
        nodes.append(node)
        return nodes.count &- 1
    }

    /// The builder of a leaf, created (with nulls for the rows before) on its first value.
    @inline(__always)
    private func leaf(_ node: Int) -> UnsafeMutablePointer<ColumnBuilder> {
        if nodes[node].builder >= 0 { return builders[nodes[node].builder] }
        let b = UnsafeMutablePointer<ColumnBuilder>.allocate(capacity: 1)
        b.initialize(to: ColumnBuilder(forced: nil, validatesUTF8: true))
        if nodes[node].raw || nodes[node].text { b.pointee.widen(to: .string) }
        for _ in 0..<rowCount { b.pointee.appendNull() }
        nodes[node].builder = builders.count
        nodes[node].role = .leaf
        builders.append(b)
        deferred.append(nil)
        return b
    }

    private func value(_ node: Int, depth: Int) throws(JSONFailure) {
        let c = base[pos]
        let role = nodes[node].role
        if role == .skipped {
            try walk(depth: depth, emit: false)
            return
        }
        if nodes[node].raw {
            if c == UInt8(ascii: "n") {
                try literal("null")
                try appendNull(node)
            } else {
                let valueStart = pos
                try walk(depth: depth, emit: true)
                try appendText(node, builderForValue(node), minified.buffer, at: valueStart)
            }
            return
        }
        if c == UInt8(ascii: "{") {
            if role == .leaf {
                let b = builders[nodes[node].builder]
                if b.pointee.nullCount < b.pointee.rowCount || nodes[node].text {
                    rawConflicts.insert(nodes[node].path)
                    try walk(depth: depth, emit: false)
                    return
                }
                // Only nulls so far: the path is an object after all.
                abandoned.insert(nodes[node].builder)
                nodes[node].builder = -1
            }
            nodes[node].role = .object
            if nodes[node].childIndex == nil { nodes[node].childIndex = KeyInterner(validatesUTF8: true) }
            try object(parent: node, depth: depth &+ 1)
            return
        }
        if role == .object {
            if c == UInt8(ascii: "n") {
                try literal("null")  // a null parent: its children are null
            } else {
                rawConflicts.insert(nodes[node].path)
                try walk(depth: depth, emit: false)
            }
            return
        }
        let b = try builderForValue(node)
        switch c {
        case UInt8(ascii: "\""):
            let valueStart = pos
            let (p, n) = try string()
            try appendString(node, b, p, n, at: valueStart)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number(node, b)
        case UInt8(ascii: "t"):
            try literal("true")
            try appendBool(node, b, true)
        case UInt8(ascii: "f"):
            try literal("false")
            try appendBool(node, b, false)
        case UInt8(ascii: "n"):
            try literal("null")
            b.pointee.appendNull()
        case UInt8(ascii: "["):
            let valueStart = pos
            if !stringArray(depth: depth) { try walk(depth: depth, emit: true) }
            try appendText(node, b, minified.buffer, at: valueStart)
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw notJSONNumber()
        default:
            throw expected("a value")
        }
    }

    private func appendNull(_ node: Int) throws(JSONFailure) {
        try builderForValue(node).pointee.appendNull()
    }

    /// The builder of a leaf for this row's value; a second value in one object is an error.
    @inline(__always)
    private func builderForValue(_ node: Int) throws(JSONFailure) -> UnsafeMutablePointer<ColumnBuilder> {
        let b = leaf(node)
        guard b.pointee.rowCount == rowCount else { throw duplicate(node) }
        return b
    }

    private func duplicate(_ node: Int) -> JSONFailure {
        JSONFailure(offset: pos, message: "key '\(nodes[node].path)' appears twice in one object",
                    hint: "each key may appear once per object")
    }

    /// Text kept as is: a string column's value.
    private func appendText(_ node: Int, _ b: UnsafeMutablePointer<ColumnBuilder>, _ text: UnsafeBufferPointer<UInt8>,
                            at offset: Int) throws(JSONFailure) {
        switch b.pointee.kind {
        case .string: break
        case .unknown: b.pointee.widen(to: .string)
        default:
            // Not interned, so checked here: the first error in the file must not depend on chunking.
            if let p = text.baseAddress, firstInvalidUTF8(p, text.count) != nil {
                throw invalidUTF8(in: p, text.count, near: offset)
            }
            conflict(node, b)
            return
        }
        let p = text.baseAddress ?? base
        let inInput = p >= base && p < base + end
        if let lists = deferred[nodes[node].builder] {
            if firstInvalidUTF8(p, text.count) != nil { throw invalidUTF8(in: p, text.count, near: offset) }
            DeferredStrings.append(inInput || text.count <= 8 ? p : stableCopy(p, text.count), text.count, row: b.pointee.rowCount, to: lists)
            b.pointee.append(code: 0)
            return
        }
        // Text in the input stays valid, so it can wait for a batch of lookups (see `run`).
        if b.pointee.batchesStrings, inInput {
            if DeferredStrings.defers(distinct: b.pointee.strings.count, rows: b.pointee.rowCount), startDeferring(nodes[node].builder) {
                return try appendText(node, b, text, at: offset)
            }
            b.pointee.appendPending(p, text.count)
            return
        }
        b.pointee.flushPending()
        let code = b.pointee.intern(p, text.count)
        guard code >= 0 else { throw invalidUTF8(in: p, text.count, near: offset) }
        b.pointee.append(code: code)
    }

    /// Keeps a string column's values from here on as references (see `DeferredStrings`), and
    /// those so far, by their codes' bytes in its dictionary (which no longer changes); false
    /// if a value read before is invalid (the parse then fails).
    private func startDeferring(_ index: Int) -> Bool {
        let b = builders[index]
        b.pointee.flushPending()
        guard b.pointee.invalidValue == nil else { return false }
        let lists = DeferredStrings.makeLists()
        let builder = b.pointee
        for row in 0..<builder.rowCount where !builder.isNull(row) {
            let value = builder.strings.value(Int(builder.codes[row]))
            DeferredStrings.append(value.baseAddress ?? base, value.count, row: row, to: lists)
        }
        deferred[index] = lists
        return true
    }

    /// A copy of `n` bytes that stays where it is until the parser is freed.
    private func stableCopy(_ p: UnsafePointer<UInt8>, _ n: Int) -> UnsafePointer<UInt8> {
        if copyUsed &+ n > copyCapacity {
            copyCapacity = Swift.max(1 << 16, n)
            copyBlocks.append(.allocate(capacity: copyCapacity))
            copyUsed = 0
        }
        let target = copyBlocks[copyBlocks.count &- 1] + copyUsed
        target.initialize(from: p, count: n)
        copyUsed &+= n
        return UnsafePointer(target)
    }

    /// A value of a kind the column's earlier values cannot widen to without their text.
    private func conflict(_ node: Int, _ b: UnsafeMutablePointer<ColumnBuilder>) {
        textConflicts.insert(nodes[node].path)
        b.pointee.appendNull()
    }

    private func appendString(_ node: Int, _ b: UnsafeMutablePointer<ColumnBuilder>,
                              _ p: UnsafePointer<UInt8>, _ n: Int, at offset: Int) throws(JSONFailure) {
        let kind = b.pointee.kind
        if kind != .string, !nodes[node].text, n >= 10, p[0] &- asciiZero <= 9 {
            let time = scanISO8601Fast(p, 0, n).flatMap { $0.next == n ? $0.value : nil }
                ?? parseISO8601(UnsafeBufferPointer(start: p, count: n))
            switch time {
            case .timestamp(let us):
                switch kind {
                case .timestamp: break
                case .unknown, .date: b.pointee.widen(to: .timestamp)
                default: return conflict(node, b)
                }
                b.pointee.append(bits: UInt64(bitPattern: us))
                return
            case .date(let days):
                switch kind {
                case .date: b.pointee.append(bits: UInt64(bitPattern: Int64(days)))
                case .unknown:
                    b.pointee.widen(to: .date)
                    b.pointee.append(bits: UInt64(bitPattern: Int64(days)))
                case .timestamp: b.pointee.append(bits: UInt64(bitPattern: Int64(days) &* microsPerDay))
                default: conflict(node, b)
                }
                return
            case nil: break
            }
        }
        try appendText(node, b, UnsafeBufferPointer(start: p, count: n), at: offset)
    }

    private func appendBool(_ node: Int, _ b: UnsafeMutablePointer<ColumnBuilder>, _ v: Bool) throws(JSONFailure) {
        switch b.pointee.kind {
        case .bool: b.pointee.append(bits: v ? 1 : 0)
        case .unknown where !nodes[node].text:
            b.pointee.widen(to: .bool)
            b.pointee.append(bits: v ? 1 : 0)
        case .string, .unknown:
            let text: StaticString = v ? "true" : "false"
            try appendText(node, b, UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount), at: pos)
        default: conflict(node, b)
        }
    }

    /// A number by the JSON grammar: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private func number(_ node: Int, _ b: UnsafeMutablePointer<ColumnBuilder>) throws(JSONFailure) {
        let numberStart = pos
        var i = pos
        if base[i] == asciiMinus {
            i &+= 1
            if i < end, base[i] == UInt8(ascii: "I") { throw notJSONNumber() }
        }
        guard i < end, base[i] &- asciiZero <= 9 else { pos = i; throw badNumber(numberStart) }
        var integral = true
        var digits = 0
        var magnitude: UInt64 = 0
        if base[i] == asciiZero {
            i &+= 1
            digits = 1
            if i < end, base[i] &- asciiZero <= 9 {
                pos = i
                throw leadingZero(numberStart)
            }
        } else {
            while i < end {
                let d = base[i] &- asciiZero
                if d > 9 { break }
                magnitude = magnitude &* 10 &+ UInt64(d)
                digits &+= 1
                i &+= 1
            }
        }
        // Fraction digits go on into `magnitude` while it has room, for the fast path below.
        var fractionDigits = 0
        if i < end, base[i] == asciiDot {
            integral = false
            i &+= 1
            let fractionStart = i
            while i < end {
                let d = base[i] &- asciiZero
                if d > 9 { break }
                magnitude = magnitude &* 10 &+ UInt64(d)
                i &+= 1
            }
            guard i > fractionStart else { throw badNumber(numberStart) }
            fractionDigits = i &- fractionStart
        }
        var exponentStart = -1
        if i < end, base[i] | 0x20 == UInt8(ascii: "e") {
            integral = false
            i &+= 1
            if i < end, base[i] == asciiPlus || base[i] == asciiMinus { i &+= 1 }
            exponentStart = i
            while i < end, base[i] &- asciiZero <= 9 { i &+= 1 }
            guard i > exponentStart else { throw badNumber(numberStart) }
        }
        pos = i
        let negative = base[numberStart] == asciiMinus
        if nodes[node].text || b.pointee.kind == .string {
            return try appendText(node, b, UnsafeBufferPointer(start: base + numberStart, count: i &- numberStart), at: numberStart)
        }
        let integer: Int64? = if !integral { nil } else if digits <= 18 {
            negative ? -Int64(magnitude) : Int64(magnitude)
        } else {
            scanInt(base, numberStart, i)?.value
        }
        if let v = integer {
            switch b.pointee.kind {
            case .int: b.pointee.append(bits: UInt64(bitPattern: v))
            case .float: b.pointee.append(bits: Double(v).bitPattern)
            case .unknown:
                b.pointee.widen(to: .int)
                b.pointee.append(bits: UInt64(bitPattern: v))
            default: conflict(node, b)
            }
            return
        }
        // Fractions, exponents and integers beyond Int64 are floats. A short decimal without an
        // exponent is its digits over a power of ten, both exact doubles (Clinger's fast path, as
        // in `scanDouble`, without scanning the digits again).
        let d: Double
        if exponentStart < 0, digits &+ fractionDigits <= 19, fractionDigits <= 22, magnitude <= 1 << 53 {
            let value = Double(magnitude) / exactPowersOfTen[fractionDigits]
            d = negative ? -value : value
        } else {
            guard let (scanned, _) = scanDouble(base, numberStart, i) else { throw badNumber(numberStart) }
            d = scanned
        }
        switch b.pointee.kind {
        case .float: break
        case .int, .unknown: b.pointee.widen(to: .float)
        default: return conflict(node, b)
        }
        b.pointee.append(bits: d.bitPattern)
    }

    /// The string starting at `pos` (a quote), unescaped; points into the input when it has no
    /// escapes, else into a scratch buffer valid until the next string.
    @inline(__always)
    private func string() throws(JSONFailure) -> (UnsafePointer<UInt8>, Int) {
        let open = pos
        let first = pos &+ 1
        let i = jsonStringStop(base, first, end)
        if i < end {
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                pos = i &+ 1
                return (base + first, i &- first)
            }
            if c == UInt8(ascii: "\\") { return try escapedString(open: open, from: first, escapeAt: i) }
            throw controlCharacter(at: i)
        }
        throw JSONFailure(offset: open, message: "string is never closed (it opens here)", hint: "the document may be cut short")
    }

    private func escapedString(open: Int, from first: Int, escapeAt: Int) throws(JSONFailure) -> (UnsafePointer<UInt8>, Int) {
        scratch.removeAll()
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + first, count: escapeAt &- first))
        var i = escapeAt
        while i < end {
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                pos = i &+ 1
                return (UnsafePointer(scratch.base ?? UnsafeMutablePointer(mutating: base)), scratch.count)
            }
            if c < 0x20 { throw controlCharacter(at: i) }
            guard c == UInt8(ascii: "\\") else {
                scratch.append(c)
                i &+= 1
                continue
            }
            guard i &+ 1 < end else { break }
            let e = base[i &+ 1]
            i &+= 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
            case UInt8(ascii: "b"): scratch.append(8)
            case UInt8(ascii: "f"): scratch.append(12)
            case UInt8(ascii: "n"): scratch.append(10)
            case UInt8(ascii: "r"): scratch.append(13)
            case UInt8(ascii: "t"): scratch.append(9)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(i) else { throw badEscape(i &- 2) }
                i &+= 4
                if scalar >= 0xD800, scalar < 0xDC00, i &+ 6 <= end, base[i] == UInt8(ascii: "\\"),
                   base[i &+ 1] == UInt8(ascii: "u"), let low = hex4(i &+ 2), low >= 0xDC00, low < 0xE000 {
                    scalar = 0x10000 &+ ((scalar &- 0xD800) << 10) &+ (low &- 0xDC00)
                    i &+= 6
                }
                // A lone surrogate has no UTF-8 form; it reads as U+FFFD, as in Python and DuckDB.
                appendUTF8(scalar >= 0xD800 && scalar < 0xE000 ? 0xFFFD : scalar)
            default: throw badEscape(i &- 2)
            }
        }
        throw JSONFailure(offset: open, message: "string is never closed (it opens here)", hint: "the document may be cut short")
    }

    private func hex4(_ i: Int) -> UInt32? {
        guard i &+ 4 <= end else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = base[i &+ k]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c &- 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c &- 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c &- 55
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    private func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80: scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    private func literal(_ word: StaticString) throws(JSONFailure) {
        let n = word.utf8CodeUnitCount
        guard pos &+ n <= end, memcmp(base + pos, word.utf8Start, n) == 0 else {
            if base[pos] == UInt8(ascii: "N") || base[pos] == UInt8(ascii: "I") { throw notJSONNumber() }
            throw expected("a value (true, false, null, a number, a string, an object or an array)")
        }
        pos &+= n
    }

    /// An array of strings without escapes (tags, genres) minified into `minified` without
    /// `walk`'s stack; false, with `pos` unmoved, for any other value, which `walk` then reads
    /// (and reports, if it is wrong).
    private func stringArray(depth: Int) -> Bool {
        let open = pos
        guard depth < jsonMaximumDepth else { return false }
        minified.removeAll()
        minified.append(UInt8(ascii: "["))
        pos &+= 1
        skipWhitespace()
        if pos < end, base[pos] == UInt8(ascii: "]") {
            pos &+= 1
            minified.append(UInt8(ascii: "]"))
            return true
        }
        while pos < end, base[pos] == UInt8(ascii: "\"") {
            let close = jsonStringStop(base, pos &+ 1, end)
            guard close < end, base[close] == UInt8(ascii: "\""),
                  firstInvalidUTF8(base + (pos &+ 1), close &- pos &- 1) == nil else { break }
            minified.append(contentsOf: UnsafeBufferPointer(start: base + pos, count: close &+ 1 &- pos))
            pos = close &+ 1
            skipWhitespace()
            guard pos < end else { break }
            let c = base[pos]
            pos &+= 1
            minified.append(c)
            if c == UInt8(ascii: "]") { return true }
            guard c == UInt8(ascii: ",") else { break }
            skipWhitespace()
        }
        pos = open
        return false
    }

    /// Checks the value at `pos` (with `depth` enclosing levels) and moves past it, without
    /// recursion; with `emit`, writes its minified JSON text to `minified`.
    private func walk(depth: Int, emit: Bool) throws(JSONFailure) {
        if emit { minified.removeAll() }
        var level = depth
        // Per open level: whether it is an object (keys expected) and whether a value came.
        // Empty again when a walk returns (a walk that throws ends the parse).
        var stack = walkStack
        walkStack = []
        defer { walkStack = stack }
        var expectingKey = false
        while true {
            skipWhitespace()
            guard pos < end else { throw truncated() }
            let c = base[pos]
            if var top = stack.last, top.afterValue {
                // After a value: ',' or the closing bracket.
                if c == UInt8(ascii: ",") {
                    if emit { minified.append(c) }
                    pos &+= 1
                    top.afterValue = false
                    stack[stack.count &- 1] = top
                    expectingKey = top.object
                    skipWhitespace()
                    if pos < end, base[pos] == (top.object ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        throw JSONFailure(offset: pos, message: "trailing comma before '\(top.object ? "}" : "]")'",
                                          hint: "remove the last comma")
                    }
                    continue
                }
                guard c == (top.object ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw expected(top.object ? "',' or '}' after a value" : "',' or ']' after an array element")
                }
                if emit { minified.append(c) }
                pos &+= 1
                stack.removeLast()
                level &-= 1
                if stack.isEmpty { return }
                stack[stack.count &- 1].afterValue = true
                continue
            }
            if expectingKey {
                guard c == UInt8(ascii: "\"") else { throw expected("a key in double quotes") }
                try rawString(emit: emit)
                skipWhitespace()
                guard pos < end else { throw truncated() }
                guard base[pos] == UInt8(ascii: ":") else { throw expected("':' after the key") }
                if emit { minified.append(UInt8(ascii: ":")) }
                pos &+= 1
                expectingKey = false
                continue
            }
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                level &+= 1
                guard level <= jsonMaximumDepth else { throw tooDeep() }
                if emit { minified.append(c) }
                pos &+= 1
                skipWhitespace()
                guard pos < end else { throw truncated() }
                if base[pos] == (c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    if emit { minified.append(base[pos]) }
                    pos &+= 1
                    level &-= 1
                    if stack.isEmpty { return }
                    stack[stack.count &- 1].afterValue = true
                    continue
                }
                stack.append((c == UInt8(ascii: "{"), false))
                expectingKey = c == UInt8(ascii: "{")
                continue
            case UInt8(ascii: "\""):
                try rawString(emit: emit)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let numberStart = pos
                try skipNumber()
                if emit { minified.append(contentsOf: UnsafeBufferPointer(start: base + numberStart, count: pos &- numberStart)) }
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                let literalStart = pos
                try literal(c == UInt8(ascii: "t") ? "true" : c == UInt8(ascii: "f") ? "false" : "null")
                if emit { minified.append(contentsOf: UnsafeBufferPointer(start: base + literalStart, count: pos &- literalStart)) }
            case UInt8(ascii: "N"), UInt8(ascii: "I"): throw notJSONNumber()
            default: throw expected("a value")
            }
            if stack.isEmpty { return }
            stack[stack.count &- 1].afterValue = true
        }
    }

    /// A string copied with its quotes and escapes (checked) as written.
    private func rawString(emit: Bool) throws(JSONFailure) {
        let open = pos
        var i = pos &+ 1
        while true {
            i = jsonStringStop(base, i, end)
            guard i < end else { break }
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                // Checked here as the parsed strings are, so the error points at the same byte either way.
                if firstInvalidUTF8(base + (open &+ 1), i &- open &- 1) != nil {
                    throw invalidUTF8(in: base + (open &+ 1), i &- open &- 1, near: open)
                }
                pos = i &+ 1
                if emit { minified.append(contentsOf: UnsafeBufferPointer(start: base + open, count: pos &- open)) }
                return
            }
            if c == UInt8(ascii: "\\") {
                guard i &+ 1 < end else { break }
                switch base[i &+ 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i &+= 2
                case UInt8(ascii: "u"):
                    guard hex4(i &+ 2) != nil else { throw badEscape(i) }
                    i &+= 6
                default: throw badEscape(i)
                }
                continue
            }
            throw controlCharacter(at: i)
        }
        throw JSONFailure(offset: open, message: "string is never closed (it opens here)", hint: "the document may be cut short")
    }

    private func skipNumber() throws(JSONFailure) {
        let numberStart = pos
        var i = pos
        if base[i] == asciiMinus { i &+= 1 }
        guard i < end, base[i] &- asciiZero <= 9 else {
            if i < end, base[i] == UInt8(ascii: "I") { throw notJSONNumber() }
            throw badNumber(numberStart)
        }
        if base[i] == asciiZero {
            i &+= 1
            if i < end, base[i] &- asciiZero <= 9 { throw leadingZero(numberStart) }
        } else {
            while i < end, base[i] &- asciiZero <= 9 { i &+= 1 }
        }
        if i < end, base[i] == asciiDot {
            i &+= 1
            let s = i
            while i < end, base[i] &- asciiZero <= 9 { i &+= 1 }
            guard i > s else { throw badNumber(numberStart) }
        }
        if i < end, base[i] | 0x20 == UInt8(ascii: "e") {
            i &+= 1
            if i < end, base[i] == asciiPlus || base[i] == asciiMinus { i &+= 1 }
            let s = i
            while i < end, base[i] &- asciiZero <= 9 { i &+= 1 }
            guard i > s else { throw badNumber(numberStart) }
        }
        pos = i
    }

    @inline(__always)
    private func skipWhitespace() {
        while pos < end {
            let c = base[pos]
            guard c == asciiSpace || c == asciiLF || c == asciiCR || c == asciiTab else { return }
            pos &+= 1
        }
    }

    // MARK: - Errors

    private func truncated() -> JSONFailure {
        JSONFailure(offset: end, message: "the document ends in the middle of a value", hint: "the file may be cut short")
    }

    private func expected(_ what: String) -> JSONFailure {
        guard pos < end else { return truncated() }
        let c = base[pos]
        let shown = c >= 0x20 && c < 0x7F ? "'\(String(UnicodeScalar(c)))'" : "byte 0x\(String(c, radix: 16, uppercase: true))"
        return JSONFailure(offset: pos, message: "expected \(what), found \(shown)")
    }

    private func tooDeep() -> JSONFailure {
        JSONFailure(offset: pos, message: "objects and arrays nest deeper than \(jsonMaximumDepth) levels")
    }

    private func notJSONNumber() -> JSONFailure {
        JSONFailure(offset: pos, message: "NaN and Infinity are not JSON values",
                    hint: "write null for a missing number, or the value as a string")
    }

    private func leadingZero(_ at: Int) -> JSONFailure {
        JSONFailure(offset: at, message: "number with a leading zero",
                    hint: "JSON numbers have no leading zeros; write the value as a string if the zeros matter")
    }

    private func badNumber(_ at: Int) -> JSONFailure {
        JSONFailure(offset: at, message: "malformed number", hint: "JSON numbers look like -12, 3.5 or 1e6")
    }

    private func badEscape(_ at: Int) -> JSONFailure {
        JSONFailure(offset: at, message: "invalid escape in a string", hint: "JSON escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX")
    }

    private func controlCharacter(at i: Int) -> JSONFailure {
        JSONFailure(offset: i, message: i < end && base[i] == asciiLF ? "line break inside a string" : "control character inside a string",
                    hint: "write it escaped (\\n, \\t, \\u0001)")
    }

    private func invalidUTF8(in p: UnsafePointer<UInt8>, _ n: Int, near offset: Int) -> JSONFailure {
        // Point at the bad byte when the text is the input itself, else at the value.
        var at = offset
        if p >= base, p < base + end, let bad = firstInvalidUTF8(p, n) { at = p - base + bad }
        return JSONFailure(offset: at, message: "invalid UTF-8", hint: "JSON text must be UTF-8; convert the file (iconv -f latin1 -t utf8)")
    }
}

let asciiTab = UInt8(ascii: "\t")

/// The offset of the first quote, backslash or control byte (below 0x20) in `base[i..<end]`,
/// or `end`; eight bytes at a time. Each byte test ((x - k) & ~x & 0x80) can also flag bytes
/// above a flagged one (the borrow), never below it, so the lowest flag is exact.
@inline(__always)
func jsonStringStop(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
    var i = start
    while i &+ 8 <= end {
        let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
        let hits = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (w &- ones &* 0x20) & ~w) & highs
        if hits != 0 { return i &+ hits.trailingZeroBitCount >> 3 }  // little-endian: byte 0 is lowest
        i &+= 8
    }
    while i < end {
        let c = base[i]
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { return i }
        i &+= 1
    }
    return end
}
