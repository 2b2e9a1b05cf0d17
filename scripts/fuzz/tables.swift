// Checks shared by the libFuzzer targets that read tables (csv.swift, json.swift).

/// Requires a serial and a chunked parse to agree: the same table or the same error.
func requireSame<E: Error & Equatable>(_ serial: Result<Table, E>, _ chunked: Result<Table, E>, chunks: Int) {
    switch (serial, chunked) {
    case (.success(let a), .success(let b)):
        require(same(a, b), "serial and \(chunks)-chunk tables differ")
    case (.failure(let a), .failure(let b)):
        require(a == b, "serial error \(a) but \(chunks)-chunk error \(b)")
    case (.success, .failure(let e)):
        require(false, "only the \(chunks)-chunk parse failed: \(e)")
    case (.failure(let e), .success):
        require(false, "only the serial parse failed: \(e)")
    }
}

package func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// Tables equal in names, types, nulls and values (NaN equal to NaN, strings by bytes).
package func same(_ a: Table, _ b: Table) -> Bool {
    guard a.names == b.names, a.rowCount == b.rowCount else { return false }
    for (x, y) in zip(a.columns, b.columns) {
        guard x.type == y.type else { return false }
        for row in 0..<a.rowCount {
            switch (x[row], y[row]) {
            case (.float(let p), .float(let q)): if !(p == q || (p.isNaN && q.isNaN)) { return false }
            case (.string(let p), .string(let q)): if Array(p.utf8) != Array(q.utf8) { return false }
            case (let p, let q): if p != q { return false }
            }
        }
    }
    return true
}

/// False for timestamps outside years 0000-9999, whose ISO 8601 text does not read back
/// (a time zone offset can push a parsed time just outside that range).
func writable(_ table: Table) -> Bool {
    let low = Int64(daysFromCivil(year: 0, month: 1, day: 1)) * microsPerDay
    let high = Int64(daysFromCivil(year: 10000, month: 1, day: 1)) * microsPerDay
    for column in table.columns {
        if case .timestamp(let values) = column.data, values.contains(where: { $0 < low || $0 >= high }) { return false }
    }
    return true
}
