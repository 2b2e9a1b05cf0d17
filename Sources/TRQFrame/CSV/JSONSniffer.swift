/// Tells whether a file given to the CSV reader is really JSON, to say so instead of reading it
/// as a one-line CSV with thousands of columns.
enum JSONSniffer {
    private enum State { case value, key, afterValue }

    /// Whether `start..<end` holds one or more JSON values separated by white space (a JSON
    /// document, or NDJSON). A loop with an explicit stack, so deep nesting cannot overflow the
    /// call stack; linear in the length.
    static func isJSON(_ base: UnsafePointer<UInt8>, start: Int, end: Int) -> Bool {
        var p = start
        var open: [UInt8] = []
        var state = State.value
        var values = 0
        func skipSpace() {
            while p < end, base[p] == 0x20 || base[p] == 0x09 || base[p] == asciiLF || base[p] == asciiCR { p &+= 1 }
        }
        while true {
            skipSpace()
            guard p < end else { return open.isEmpty && (state == .afterValue || values > 0) }
            let b = base[p]
            switch state {
            case .value:
                if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
                    p &+= 1
                    skipSpace()
                    let close = b == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
                    if p < end, base[p] == close {
                        p &+= 1
                        state = .afterValue
                    } else {
                        open.append(b)
                        state = b == UInt8(ascii: "[") ? .value : .key
                    }
                } else {
                    guard skipScalar(base, &p, end) else { return false }
                    state = .afterValue
                }
            case .key:
                guard b == asciiQuote, skipScalar(base, &p, end) else { return false }
                skipSpace()
                guard p < end, base[p] == UInt8(ascii: ":") else { return false }
                p &+= 1
                state = .value
            case .afterValue:
                guard let container = open.last else {
                    values &+= 1
                    state = .value
                    continue
                }
                p &+= 1
                if b == UInt8(ascii: ",") {
                    state = container == UInt8(ascii: "[") ? .value : .key
                } else if b == (container == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")) {
                    open.removeLast()
                    state = .afterValue
                } else {
                    return false
                }
            }
        }
    }

    /// Skips a string, number, `true`, `false` or `null` at `p`; false if there is none.
    private static func skipScalar(_ base: UnsafePointer<UInt8>, _ p: inout Int, _ end: Int) -> Bool {
        let b = base[p]
        if b == asciiQuote {
            var i = p &+ 1
            while i < end {
                let c = base[i]
                if c == asciiQuote {
                    p = i &+ 1
                    return true
                }
                if c < 0x20 { return false }
                i &+= c == UInt8(ascii: "\\") ? 2 : 1
            }
            return false
        }
        for word in ["true", "false", "null"] where b == word.utf8.first! {
            let bytes = Array(word.utf8)
            guard end &- p >= bytes.count else { return false }
            for k in 0..<bytes.count where base[p &+ k] != bytes[k] { return false }
            p &+= bytes.count
            return true
        }
        var i = p
        var digits = 0
        while i < end {
            let c = base[i]
            if c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                digits &+= 1
            } else if c != UInt8(ascii: "-"), c != UInt8(ascii: "+"), c != UInt8(ascii: "."), c | 0x20 != UInt8(ascii: "e") {
                break
            }
            i &+= 1
        }
        guard digits > 0 else { return false }
        p = i
        return true
    }
}
