import Testing
import TRQEngine

@Test func engineIsLocalUntilConnected() {
    #expect(run(".engine").out == "local\n")
    // .disconnect on the local engine changes nothing.
    let r = run(".disconnect\n.engine\nplays | agg n = count()")
    #expect(r.outcome == .success)
    #expect(lines(r.out).first == "local")
}

@Test func connectWithoutTheSparkEngineSaysHowToBuildIt() {
    // TRQEngineTests links no Spark engine (the trq executable sets one when built with the trait).
    let r = run(".connect \"sc://127.0.0.1:15002\"")
    #expect(r.outcome == .failed)
    #expect(r.err.hasPrefix("test.trq:1:1: error: this trq was built without the Spark engine"), "\(r.err)")
    #expect(r.err.contains("swift build --traits Spark"), "\(r.err)")
    #expect(run(".connect").err.contains("'.connect' needs an argument (usage: .connect sc://HOST:PORT)"))
}
