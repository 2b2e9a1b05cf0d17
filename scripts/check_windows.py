#!/usr/bin/env python3
"""Cross-checks trq's window functions, pivot and unpivot against DuckDB on the bundled data.

Usage: python3 scripts/check_windows.py [TRQ_BINARY]   (default .build/debug/trq)
Covers SQL's rank ties, nulls last in `by`, ROWS n-1 PRECEDING rolling frames, running
statistics, lag/lead with defaults, partition aggregates in derive and filter, PIVOT and UNPIVOT
INCLUDE NULLS. Prints each mismatch and exits 1 if there is any. scripts/test runs it when duckdb
is importable. Rows tied in `by` keep their input order in trq; DuckDB's row_number, lag, lead and
running frames get the input row number as a last order key so that both sides agree.
"""
import csv
import io
import math
import os
import subprocess
import sys

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYS = os.path.join(ROOT, "data", "listening_2023.csv")
TRACKS = os.path.join(ROOT, "data", "tracks.csv")

# DuckDB's view of the files, with the input row number `rid` (read_csv keeps file order).
SETUP = f"""
SET TimeZone = 'UTC';
CREATE TABLE plays AS SELECT row_number() OVER () AS rid, *
    FROM read_csv('{PLAYS}', nullstr = '', types = {{'played_at': 'TIMESTAMP'}});
CREATE TABLE tracks AS SELECT row_number() OVER () AS rid, * FROM read_csv('{TRACKS}', nullstr = '');
"""

# (name, trq pipeline, DuckDB query, how rows are matched: "ordered" in input order, or the key
# columns whose values identify a row and the suffixes of named aggregates). A pivot cell without rows is null in trq, also for
# count(); DuckDB counts 0 there, hence its nullif. DuckDB's pivot leaves null values out, so
# its queries turn them into the text 'null', which names trq's column for them.
CASES = [
    ("partition aggregates", f"""
load "{PLAYS}" | derive share = ms_played / sum(ms_played), n = count(), q = quantile(ms_played, 0.9),
    sd = std(ms_played), first_ms = first(ms_played) per country
| select share, n, q, sd, first_ms
""", """
SELECT ms_played / sum(ms_played) OVER w AS share, count(*) OVER w AS n,
    quantile_cont(ms_played, 0.9) OVER w AS q, stddev_samp(ms_played) OVER w AS sd,
    first(ms_played IGNORE NULLS) OVER (PARTITION BY country ORDER BY rid
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS first_ms
FROM plays WINDOW w AS (PARTITION BY country) ORDER BY rid
""", "ordered"),
    ("ranks, offsets and running statistics per user by played_at", f"""
load "{PLAYS}" | derive r = row_number(), rk = rank(), dr = dense_rank(), lg = lag(ms_played),
    ld = lead(ms_played, 2, -1), cs = cumsum(ms_played), cc = cumcount(), cmin = cummin(ms_played),
    cmax = cummax(ms_played), rm = rolling_mean(ms_played, 3), rs = rolling_sum(ms_played, 7) per user_id by played_at
| select r, rk, dr, lg, ld, cs, cc, cmin, cmax, rm, rs
""", """
SELECT row_number() OVER o AS r, rank() OVER t AS rk, dense_rank() OVER t AS dr,
    lag(ms_played) OVER o AS lg, lead(ms_played, 2, -1) OVER o AS ld,
    sum(ms_played) OVER (o ROWS UNBOUNDED PRECEDING) AS cs, count(*) OVER (o ROWS UNBOUNDED PRECEDING) AS cc,
    min(ms_played) OVER (o ROWS UNBOUNDED PRECEDING) AS cmin, max(ms_played) OVER (o ROWS UNBOUNDED PRECEDING) AS cmax,
    avg(ms_played) OVER (o ROWS 2 PRECEDING) AS rm, sum(ms_played) OVER (o ROWS 6 PRECEDING) AS rs
FROM plays
WINDOW t AS (PARTITION BY user_id ORDER BY played_at ASC NULLS LAST),
       o AS (PARTITION BY user_id ORDER BY played_at ASC NULLS LAST, rid)
ORDER BY rid
""", "ordered"),
    ("ranks by a column with nulls, descending, and by two keys", f"""
load "{PLAYS}" | derive rk = rank(), dr = dense_rank(), r = row_number(), lg = lag(played_at, 1) per country by ms_played desc, platform
| select rk, dr, r, lg
""", """
SELECT rank() OVER t AS rk, dense_rank() OVER t AS dr, row_number() OVER o AS r,
    strftime(lag(played_at, 1) OVER o, '%Y-%m-%dT%H:%M:%SZ') AS lg
FROM plays
WINDOW t AS (PARTITION BY country ORDER BY ms_played DESC NULLS LAST, platform ASC NULLS LAST),
       o AS (PARTITION BY country ORDER BY ms_played DESC NULLS LAST, platform ASC NULLS LAST, rid)
ORDER BY rid
""", "ordered"),
    ("whole-table window without per", f"""
load "{PLAYS}" | derive rm = rolling_mean(ms_played, 30), cmax = cummax(played_at), r = rank() by date(played_at)
| select rm, cmax, r
""", """
SELECT avg(ms_played) OVER (ORDER BY played_at::DATE, rid ROWS 29 PRECEDING) AS rm,
    strftime(max(played_at) OVER (ORDER BY played_at::DATE, rid ROWS UNBOUNDED PRECEDING), '%Y-%m-%dT%H:%M:%SZ') AS cmax,
    rank() OVER (ORDER BY played_at::DATE) AS r
FROM plays ORDER BY rid
""", "ordered"),
    ("filter against the partition", f"""
load "{PLAYS}" | filter ms_played >= quantile(ms_played, 0.9) per country | select user_id, played_at, ms_played
""", """
SELECT user_id, strftime(played_at, '%Y-%m-%dT%H:%M:%SZ') AS played_at, ms_played FROM plays
QUALIFY ms_played >= quantile_cont(ms_played, 0.9) OVER (PARTITION BY country) ORDER BY rid
""", "ordered"),
    ("pivot", f"""
load "{PLAYS}" | pivot platform using n = count(), ms = sum(ms_played) per country
""", """
PIVOT (SELECT country, coalesce(platform, 'null') AS platform, ms_played FROM plays) ON platform
USING nullif(count(*), 0) AS n, sum(ms_played) AS ms GROUP BY country
""", (["country"], ["_n", "_ms"])),
    ("pivot with one unnamed aggregate", f"""
load "{TRACKS}" | pivot genre using round(mean(energy), 4) per explicit
""", """
PIVOT (SELECT explicit, genre, energy FROM tracks) ON genre USING round(avg(energy), 4) GROUP BY explicit
""", (["explicit"], [])),
    ("unpivot include nulls", f"""
load "{PLAYS}" | select user_id, ms_played, secs = ms_played / 1000 | unpivot ms_played, secs into k, v
""", """
SELECT user_id, k, v FROM (SELECT rid, user_id, ms_played::DOUBLE AS ms_played, ms_played / 1000 AS secs FROM plays)
UNPIVOT INCLUDE NULLS (v FOR k IN (ms_played, secs)) ORDER BY rid, k = 'secs'
""", "ordered"),
]


def same(mine, theirs):
    """trq's CSV text against DuckDB's value; numbers to a relative 1e-9 (summation order differs)."""
    if mine == "":
        mine = None
    if mine is None or theirs is None:
        return mine is None and theirs is None
    if isinstance(theirs, bool):
        return mine == ("true" if theirs else "false")
    if isinstance(theirs, (int, float)):
        try:
            return math.isclose(float(mine), float(theirs), rel_tol=1e-9, abs_tol=1e-9)
        except ValueError:
            return False
    return str(mine) == str(theirs)


def pivot_names(names):
    """DuckDB leaves null values out of a pivot; the queries turn them into the text 'null'."""
    return names


def check(trq, con, name, pipeline, query, match):
    out = subprocess.run([trq, "--format", "csv", "-c", pipeline], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"FAIL {name}: trq exited {out.returncode}: {out.stderr.strip()}")
        return 1
    mine = list(csv.reader(io.StringIO(out.stdout)))
    header, rows = mine[0], mine[1:]
    result = con.execute(query)
    names = [d[0] for d in result.description]
    theirs = result.fetchall()
    failures = 0
    if match == "ordered":
        if header != names or len(rows) != len(theirs):
            print(f"FAIL {name}: trq {header} x {len(rows)}, duckdb {names} x {len(theirs)}")
            return 1
        pairs = list(zip(rows, theirs))
    else:
        names = pivot_names(names)
        if sorted(header) != sorted(names):
            print(f"FAIL {name}: columns differ: trq {header}, duckdb {names}")
            return 1
        match, suffixes = match
        # trq orders the value columns ascending (text by code point, null last).
        values = []
        for column in header[len(match):]:
            value = next((column[: -len(x)] for x in suffixes if column.endswith(x)), column)
            if value not in values:
                values.append(value)
        expected = sorted((v for v in values if v != "null"), key=lambda v: v.encode()) + ["null"] * ("null" in values)
        if values != expected:
            print(f"FAIL {name}: value columns not ascending: {values}")
            failures += 1
        index = [header.index(n) for n in names]
        keyed = {tuple((r[header.index(k)] or "").lower() or None for k in match): [r[i] for i in index] for r in rows}
        pairs = []
        for row in theirs:
            key = tuple(None if row[names.index(k)] is None else str(row[names.index(k)]).lower() for k in match)
            if key not in keyed:
                print(f"FAIL {name}: no trq row for {key}")
                failures += 1
                continue
            pairs.append((keyed.pop(key), row))
        if keyed:
            print(f"FAIL {name}: trq rows DuckDB lacks: {list(keyed)[:5]}")
            failures += 1
    for number, (a, b) in enumerate(pairs):
        for column, x, y in zip(names, a, b):
            if not same(x, y):
                failures += 1
                if failures <= 10:
                    print(f"FAIL {name}: row {number} {column}: trq {x!r}, duckdb {y!r}")
    print(f"{name}: {len(pairs)} rows x {len(names)} columns, {failures} mismatches")
    return failures


def main():
    trq = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "trq")
    con = duckdb.connect()
    for statement in SETUP.split(";"):
        if statement.strip():
            con.execute(statement)
    failures = sum(check(trq, con, *case) for case in CASES)
    print(f"windows: {len(CASES)} queries against DuckDB, {failures} mismatches")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
