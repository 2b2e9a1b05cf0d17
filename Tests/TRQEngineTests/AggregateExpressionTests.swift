import Testing
import TRQEngine

// Agg items that are expressions over aggregates. Expected values are computed by hand from
// Fixtures/plays.csv: ms by genre is pop [1000, null, 5000], rock [2000, 6000], jazz [4000, 7000];
// skipped is true in rows 2 (rock) and 5 (pop). scripts/check_agg_expressions.py compares a larger
// query with DuckDB on data/listening_2023.csv.

@Test func aggExpressionsPerGroup() {
    let r = run("""
        plays | groupby genre agg avg_s = round(mean(ms) / 3000, 2), share = sum(ms) / count(),
            skip_rate = mean(float(skipped)), range = max(ms) - min(ms), n = count()
        """)
    #expect(r.outcome == .success)
    #expect(lines(r.out) == [
        "genre,avg_s,share,skip_rate,range,n",
        // pop: mean 3000 / 3000 = 1.0; 6000 / 3 rows; 1 of 3 skipped; 5000 - 1000
        "pop,1.0,2000.0,0.3333333333333333,4000,3",
        // rock: 4000 / 3000 = 1.333...; 8000 / 2; 1 of 2; 6000 - 2000
        "rock,1.33,4000.0,0.5,4000,2",
        // jazz: 5500 / 3000 = 1.8333...; 11000 / 2; 0 of 2; 7000 - 4000
        "jazz,1.83,5500.0,0.0,3000,2",
    ])
}

@Test func aggExpressionsPropagateNullsAndNullKeysFormAGroup() {
    // count() - count(ms) is the number of null ms: 1 for u2, 0 elsewhere (division by zero is null).
    let r = run("plays | groupby user agg r = max(ms) - min(ms), per_null = sum(ms) / (count() - count(ms))")
    #expect(lines(r.out) == ["user,r,per_null", "u1,1000,", "u2,0,4000.0", "u3,1000,", ",0,"])
}

@Test func keyColumnsMayBeUsedOutsideAggregates() {
    let r = run(#"plays | groupby genre, skipped agg label = upper(genre) + ":" + string(count()), k = if(skipped, 1, 0) + sum(ms)"#)
    #expect(lines(r.out) == [
        "genre,skipped,label,k",
        "pop,false,POP:2,1000", "rock,true,ROCK:1,2001", "jazz,false,JAZZ:2,11000", "pop,true,POP:1,5001", "rock,false,ROCK:1,6000",
    ])
    // Only keys, no aggregate; a key named like the default count column.
    let keysOnly = run("plays | rename count = genre | groupby count agg c = lower(count) + \"!\"")
    #expect(lines(keysOnly.out) == ["count,c", "pop,pop!", "rock,rock!", "jazz,jazz!"])
}

@Test func wholeTableAggExpressions() {
    let r = run("plays | agg range = max(ms) - min(ms), share = sum(ms) / count(), m = mean(ms), twice = sum(ms) * 2, s = sum(ms)")
    // 6 non-null ms summing to 25000 over 7 rows.
    #expect(lines(r.out) == ["range,share,m,twice,s", "6000,\(25000.0 / 7),\(25000.0 / 6),50000,25000"])
    let empty = run("plays | filter ms > 99999 | agg r = max(ms) - min(ms), n = count() + 1")
    #expect(lines(empty.out) == ["r,n", ",1"])
}

@Test func bareColumnOutsideAnAggregateIsALocatedError() {
    let r = run("plays | groupby genre agg x = ms + 1")
    #expect(r.outcome == .failed)
    #expect(r.err == """
        test.trq:1:31: error: 'ms' must be inside an aggregate such as mean(ms), or be a groupby key
        plays | groupby genre agg x = ms + 1
                                      ^

        """)
    let whole = run("plays | agg share = sum(ms) / count() + genre")
    #expect(whole.err.hasPrefix("test.trq:1:41: error: 'genre' must be inside an aggregate such as mean(genre), or be a groupby key\n"))
}

@Test func nestedAggregateIsAnErrorNamingIt() {
    let r = run("plays | agg x = sum(mean(ms))")
    #expect(r.outcome == .failed)
    #expect(r.err.hasPrefix("test.trq:1:21: error: aggregate function 'mean' cannot be used inside 'sum'\n"))
}

@Test func errorsInTheOuterExpressionShowTheWrittenCalls() {
    let r = run("plays | agg x = sum(ms) + first(genre)")
    #expect(r.err.hasPrefix("test.trq:1:25: error: cannot apply '+' to int and string in 'sum(ms) + first(genre)'\n"))
    let noAggregate = run("plays | agg n = 1")
    #expect(noAggregate.err.hasPrefix("test.trq:1:17: error: agg item 'n' has no aggregate; use one of count,"))
}
