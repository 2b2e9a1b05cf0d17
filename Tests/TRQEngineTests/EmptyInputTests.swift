import Testing
import TRQEngine

@Test func computedColumnsOnNoRowsHaveTheBoundType() {
    // Row-by-row functions cannot tell a type from no values; the binder's type holds.
    let r = run("plays | filter ms > 99999999 | derive x = if(skipped, 1.0, 0.0), y = float(genre), z = if(skipped, 1, 0) | select x, y, z | describe | select name, type")
    #expect(lines(r.out) == ["name,type", "x,float", "y,float", "z,int"], "\(r.err)")
}
