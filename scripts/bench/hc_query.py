#!/usr/bin/env python3
"""Times string-equality plus integer filters, then count, on a loaded listening table: trq
against DuckDB (its own table, loaded first), best of 3 runs of each query, and checks that
both count the same rows.

Usage: scripts/bench/hc_query.py FILE.csv [FILE.csv ...] (release trq as scripts/run builds it:
`swift build -c release --static-swift-stdlib --product trq`). Queries: `country == "US"` (12 distinct values) and `track_id == ID` (ID: the
first row's id; 500k-2M distinct), each `and ms_played > 30000`.
"""
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRQ = os.path.join(ROOT, ".build", "release", "trq")
REPEAT = 3


def queries(path):
    with open(path) as f:
        f.readline()
        track = f.readline().split(",")[1]
    return [("country", "country", "US"), ("track_id", "track_id", track)]


def run_trq(path):
    script = [".timer on", f'let t = load "{path}"']
    for _, column, value in queries(path):
        script += [f't | filter {column} == "{value}" and ms_played > 30000 | agg n = count()'] * REPEAT
    out = subprocess.run([TRQ, "-"], input="\n".join(script) + "\n", capture_output=True, text=True, check=True)
    times = [float(x) for x in re.findall(r"Run Time: ([0-9.]+) s", out.stderr)][1:]
    counts = [int(x) for x in re.findall(r"^│\s*(\d+)\s*│$", out.stdout, re.M)]
    return times, counts


def run_duckdb(path):
    import duckdb
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"create table t as select * from read_csv('{path}')")
    times, counts = [], []
    for _, column, value in queries(path):
        for _ in range(REPEAT):
            start = time.perf_counter()
            n = con.execute(f"select count(*) from t where {column} = ? and ms_played > 30000", [value]).fetchone()[0]
            times.append(time.perf_counter() - start)
            counts.append(n)
    return times, counts


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        trq_times, trq_counts = run_trq(path)
        duck_times, duck_counts = run_duckdb(path)
        print(os.path.basename(path))
        print(f"{'filter':<34}{'trq s':>8}{'duckdb s':>10}{'trq / duckdb':>14}{'rows':>10}")
        for k, (name, _, _) in enumerate(queries(path)):
            t = min(trq_times[k * REPEAT:(k + 1) * REPEAT])
            d = min(duck_times[k * REPEAT:(k + 1) * REPEAT])
            n, m = trq_counts[k * REPEAT], duck_counts[k * REPEAT]
            if n != m:
                sys.exit(f"{name}: trq counts {n}, DuckDB {m}")
            print(f"{name + ' == ... and ms_played > 30000':<34}{t:>8.4f}{d:>10.4f}{t / d:>14.2f}{n:>10}")


if __name__ == "__main__":
    main()
