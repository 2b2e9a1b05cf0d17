// Checks shared by the fuzz targets (compiled into module TRQFrame by scripts/fuzz/run-csv and
// scripts/fuzz/run-parquet).

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
