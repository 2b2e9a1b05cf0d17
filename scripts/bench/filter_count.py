#!/usr/bin/env python3
"""Filter and count straight from a CSV: trq as a whole process against DuckDB and polars.

Usage: scripts/bench/filter_count.py [--rows 10000000] [--repeat 3] [--trq .build/release/trq]

The file (/tmp/trq-bench/listening-ROWS.csv, made if missing) is parquet.py's 10-column
listening log written as CSV by DuckDB (ISO 8601 timestamps). The query:
`load F | filter country == "US" and ms_played > 30000 | agg n = count()`, timed as a whole trq
process (start-up, reading only the two columns the plan uses, filtering, counting) against
DuckDB's `SELECT count(*) FROM read_csv(F) WHERE country = 'US' AND ms_played > 30000` timed
in-process around the query, and polars' `scan_csv(F).filter(...).select(pl.len())` likewise.
Every tool must report the same count. Best of --repeat runs each.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parquet import listening_file, process_best, python_best  # noqa: E402

QUERY = {
    "duckdb": ("import duckdb\ncon = duckdb.connect()\n"
               "run = lambda p: print('count=%d' % con.execute(f\"SELECT count(*) FROM read_csv('{p}') "
               "WHERE country = 'US' AND ms_played > 30000\").fetchone()[0], file=sys.stderr)"),
    "polars": ("import polars as pl\n"
               "run = lambda p: print('count=%d' % pl.scan_csv(p).filter((pl.col('country') == 'US') & "
               "(pl.col('ms_played') > 30000)).select(pl.len()).collect().item(), file=sys.stderr)"),
}


def main():
    args, parquet = listening_file()
    csv = f"/tmp/trq-bench/listening-{args.rows}.csv"
    if not os.path.exists(csv):
        import duckdb
        duckdb.connect().execute(f"COPY (SELECT * FROM read_parquet('{parquet}')) TO '{csv}' "
                                 "(HEADER, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ')")
    script = f'load "{csv}" | filter country == "US" and ms_played > 30000 | agg n = count()'
    counts = {}
    out = subprocess.run([args.trq, "--format", "csv", "-c", script], capture_output=True, text=True, check=True)
    counts["trq"] = int(out.stdout.split()[-1])
    for name, setup in QUERY.items():
        out = subprocess.run([sys.executable, "-c", "import sys\n" + setup + "\nrun(sys.argv[1])", csv],
                             capture_output=True, text=True, check=True)
        counts[name] = int(out.stderr.split("count=")[-1])
    if len(set(counts.values())) != 1:
        sys.exit(f"the counts differ: {counts}")
    times = {"trq (whole process)": process_best([args.trq, "-c", script], args.repeat)}
    for name, setup in QUERY.items():
        times[f"{name} (query in process)"] = python_best(setup, csv, args.repeat)
    base = times["trq (whole process)"]
    print(f"{os.path.basename(csv)}: {args.rows:,} rows, {os.path.getsize(csv) / 1e6:.0f} MB, count {counts['trq']:,}")
    print("\n| tool | seconds | time / trq's |\n|---|---:|---:|")
    for name, seconds in times.items():
        print(f"| {name} | {seconds:.3f} | {seconds / base:.2f} |")


if __name__ == "__main__":
    main()
