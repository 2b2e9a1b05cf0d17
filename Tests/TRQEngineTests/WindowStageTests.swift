import Testing
import TRQEngine

// Windows, pivot, unpivot, union and cross join through the language. Expected values are
// computed by hand from Fixtures/plays.csv (rows in order):
//   u1 pop 1000 | u1 rock 2000 | u2 pop null | u2 jazz 4000 | u3 pop 5000 | u3 rock 6000 | null jazz 7000
// scripts/check_windows.py compares larger queries with DuckDB on data/listening_2023.csv.
@Suite struct WindowStageTests {
    @Test func partitionAggregatesKeepTheRows() {
        let r = run("plays | derive share = ms / sum(ms) per genre | select user, genre, share")
        #expect(r.outcome == .success, "\(r.err)")
        #expect(lines(r.out) == [
            "user,genre,share",
            "u1,pop,0.16666666666666666",  // pop sums to 6000 (the null skipped)
            "u1,rock,0.25",                // rock: 8000
            "u2,pop,",
            "u2,jazz,0.36363636363636365", // jazz: 11000
            "u3,pop,0.8333333333333334",
            "u3,rock,0.75",
            ",jazz,0.6363636363636364",
        ])
        // Null per keys form one partition.
        #expect(lines(run("plays | derive n = count() per user | select user, n").out)
            == ["user,n", "u1,2", "u1,2", "u2,2", "u2,2", "u3,2", "u3,2", ",1"])
    }

    @Test func windowFunctionsReadTheByOrderAndKeepInputOrder() {
        let r = run("""
            plays | derive r = row_number(), rk = rank(), prev = lag(ms, 1, 0), next = lead(ms), run = cumsum(ms) per genre by ms desc
            | select user, genre, ms, r, rk, prev, next, run
            """)
        #expect(r.outcome == .success, "\(r.err)")
        // pop by ms desc: 5000, 1000, null (last); rock: 6000, 2000; jazz: 7000, 4000.
        #expect(lines(r.out) == [
            "user,genre,ms,r,rk,prev,next,run",
            "u1,pop,1000,2,2,5000,,6000",
            "u1,rock,2000,2,2,6000,,8000",
            "u2,pop,,3,3,1000,,6000",
            "u2,jazz,4000,2,2,7000,,11000",
            "u3,pop,5000,1,1,0,1000,5000",
            "u3,rock,6000,1,1,0,2000,6000",
            ",jazz,7000,1,1,0,4000,7000",
        ])
    }

    @Test func rollingAndRankTies() {
        // The whole table by played_at (already in that order); the null is skipped.
        #expect(lines(run("plays | derive m = rolling_mean(ms, 2), s = rolling_sum(ms, 3) by played_at | select ms, m, s").out) == [
            "ms,m,s", "1000,1000.0,1000", "2000,1500.0,3000", ",2000.0,3000", "4000,4000.0,6000",
            "5000,4500.0,9000", "6000,5500.0,15000", "7000,6500.0,18000",
        ])
        // skipped false sorts first: five rows tie at 1, then true at 6 (dense: 2).
        #expect(lines(run("plays | derive r = rank(), d = dense_rank() by skipped | select skipped, r, d").out) == [
            "skipped,r,d", "false,1,1", "true,6,2", "false,1,1", "false,1,1", "true,6,2", "false,1,1", "false,1,1",
        ])
    }

    @Test func filterKeepsRowsAgainstTheirPartition() {
        #expect(lines(run("plays | filter ms == max(ms) per genre | select user, genre").out)
            == ["user,genre", "u3,pop", "u3,rock", ",jazz"])
        // first/last follow the by order.
        #expect(lines(run("plays | filter ms == first(ms) per user by ms desc | select user, ms").out)
            == ["user,ms", "u1,2000", "u2,4000", "u3,6000", ",7000"])
    }

    @Test func pivotMakesOneColumnPerValue() {
        #expect(lines(run("plays | pivot genre per user").out)
            == ["user,jazz,pop,rock", "u1,,1,1", "u2,1,1,", "u3,,1,1", ",1,,"])
        // Without per, the rows are keyed by the columns the pivot does not read.
        #expect(lines(run("plays | select user, genre, ms | pivot genre using sum(ms)").out)
            == ["user,jazz,pop,rock", "u1,,1000,2000", "u2,4000,,", "u3,,5000,6000", ",7000,,"])
        #expect(lines(run("plays | pivot skipped using n = count(), ms = max(ms) per genre").out)
            == ["genre,false_n,false_ms,true_n,true_ms", "pop,2,1000,1,5000", "rock,1,6000,1,2000", "jazz,2,7000,,"])
    }

    @Test func unpivotUnionAndCrossJoin() {
        #expect(lines(run("plays | limit 2 | select user, ms, s = int(skipped) | unpivot ms, s into k, v").out)
            == ["user,k,v", "u1,ms,1000", "u1,s,0", "u1,ms,2000", "u1,s,1"])
        #expect(lines(run("let a = plays | filter genre == \"jazz\" | select ms, genre\nplays | limit 1 | select user, ms | union a").out)
            == ["user,ms,genre", "u1,1000,", ",4000,jazz", ",7000,jazz"])
        #expect(lines(run("let f = plays | limit 1 | select ms = float(ms) + 0.5\nplays | limit 1 | select ms | union f").out)
            == ["ms", "1000.0", "1000.5"])
        #expect(lines(run("let g = tracks | select genre | distinct\nplays | select user | distinct | dropna | join cross g | limit 4").out)
            == ["user,genre", "u1,pop", "u1,rock", "u1,folk", "u2,pop"])
    }

    @Test func errorsNameTheProblemAndTheFix() {
        #expect(run("plays | derive s = sum(ms) per genra").err.contains("unknown column 'genra' (did you mean 'genre'?)"))
        #expect(run("plays | derive r = rank() by mss").err.contains("unknown column 'mss' (did you mean 'ms'?)"))
        #expect(run("plays | unpivot ms, genre into k, v").err.contains("unpivot cannot put 'ms' (int) and 'genre' (string) in one column"))
        #expect(run("plays | union playz").err.contains("unknown table 'playz' (did you mean 'plays'?)"))
        #expect(run("let s = plays | select ms = string(ms)\nplays | select ms | union s").err
            .contains("union: column 'ms' is int in this table but string in 's'"))
        #expect(run("plays | derive p = lag(ms, 1, \"none\") by ms").err.contains("the default is string but the values are int"))
        #expect(run("plays | derive c = cumsum(genre) by ms").err.contains("1:27: error: cumsum() expects a number as argument 1, but 'genre' is string"))
    }
}
