#!/usr/bin/env python3
"""Cross-checks trq's agg expressions and date_trunc against DuckDB on data/listening_2023.csv.

Usage: python3 scripts/check_agg_expressions.py [TRQ_BINARY]   (default .build/debug/trq)
Run from anywhere after `swift build`. Prints each mismatch and exits 1 if there is any.
Not part of CI; Tests/TRQEngineTests/AggregateExpressionTests.swift checks hand-computed cases.
"""
import csv
import io
import math
import os
import subprocess
import sys

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "listening_2023.csv")

TRQ_QUERY = f"""
load "{DATA}"
| derive week = date_trunc("week", played_at), quarter = date_trunc("quarter", date(played_at))
| groupby country, platform agg plays = count(),
    avg_s = round(mean(ms_played) / 1000, 1),
    share = sum(ms_played) / count(),
    skip_rate = mean(float(skipped)),
    range = max(ms_played) - min(ms_played),
    weeks = count_distinct(week),
    first_week = min(week),
    last_quarter = max(quarter),
    label = coalesce(country, "?") + "/" + string(count(ms_played))
"""

DUCKDB_QUERY = f"""
SET TimeZone = 'UTC';
SELECT country, platform,
    count(*) AS plays,
    round(avg(ms_played) / 1000, 1) AS avg_s,
    sum(ms_played) / count(*) AS share,
    avg(skipped::DOUBLE) AS skip_rate,
    max(ms_played) - min(ms_played) AS range,
    count(DISTINCT date_trunc('week', played_at::TIMESTAMP)) AS weeks,
    strftime(min(date_trunc('week', played_at::TIMESTAMP)), '%Y-%m-%dT%H:%M:%SZ') AS first_week,
    strftime(max(date_trunc('quarter', played_at::TIMESTAMP)), '%Y-%m-%d') AS last_quarter,
    coalesce(country, '?') || '/' || count(ms_played)::VARCHAR AS label
FROM read_csv('{DATA}', nullstr = '', types = {{'played_at': 'TIMESTAMP'}})
GROUP BY country, platform
"""


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-9)
    return str(a) == str(b)


def main():
    trq = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "trq")
    out = subprocess.run([trq, "--format", "csv", "-c", TRQ_QUERY], capture_output=True, text=True, check=True).stdout
    trq_rows = {(r["country"] or None, r["platform"] or None): r for r in csv.DictReader(io.StringIO(out))}
    con = duckdb.connect()
    statements = [s for s in DUCKDB_QUERY.split(";") if s.strip()]
    for s in statements[:-1]:
        con.execute(s)
    result = con.execute(statements[-1])
    names = [d[0] for d in result.description]
    duck_rows = {(row[0], row[1]): dict(zip(names, row)) for row in result.fetchall()}

    failures = 0
    if set(trq_rows) != set(duck_rows):
        print(f"FAIL groups differ: trq only {set(trq_rows) - set(duck_rows)}, duckdb only {set(duck_rows) - set(trq_rows)}")
        failures += 1
    for key in sorted(set(trq_rows) & set(duck_rows), key=str):
        for name in names[2:]:
            mine = trq_rows[key][name]
            theirs = duck_rows[key][name]
            if not same(mine if mine != "" else None, theirs):
                print(f"FAIL {key} {name}: trq {mine!r}, duckdb {theirs!r}")
                failures += 1
    print(f"{len(duck_rows)} groups x {len(names) - 2} columns compared, {failures} mismatches")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
