#!/usr/bin/env python3
"""Times trq's Parquet reader and writer against polars and DuckDB on the same file.

Usage: scripts/bench/parquet.py [--rows 10000000] [--repeat 3] [--trq .build/release/trq]

The file (/tmp/trq-bench/listening-ROWS.parquet, made if missing) is a listening log of 10
columns written by pyarrow with snappy and 1M-row groups: user_id (int, 100k distinct),
track_id (22-character id, 50k distinct, Zipf), played_at (timestamp µs), ms_played (int),
skipped (bool), platform, country, genre (5, 12 and 20 distinct strings), artist_id (int),
shuffle (bool). Deterministic (seed 7).

Three measurements, each the best of --repeat runs, printed with ratios:
1. load: the whole file into memory. trq: `.timer on` around `let t = load F` (the statement's
   time, in the trq process); polars: `pl.read_parquet(F)`; DuckDB: `CREATE TABLE t AS SELECT *
   FROM read_parquet(F)`; both timed around the call in Python. polars' and DuckDB's best of
   --repeat runs in one process reuse the memory of the run before (their allocators keep it),
   while each trq run is a fresh process whose column memory the kernel must zero first, so
   "polars (fresh process)" is also timed: one read a process (after a tiny read that loads its
   code), best of --repeat processes.
2. query: `load F | groupby country, genre agg n = count(), users = count_distinct(user_id)`
   as a whole process (start-up included) against DuckDB's `SELECT country, genre, count(*),
   count(DISTINCT user_id) ... GROUP BY ALL` on read_parquet in a whole `python3 -c` process.
3. save: trq's `t | save "x.parquet"` statement (snappy) against DuckDB's `COPY t TO
   'x.parquet' (FORMAT parquet)` (snappy) after the table is loaded, and polars' write_parquet.
"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def make_file(rows, path):
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    rng = np.random.default_rng(7)
    alphabet = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
    tracks = np.array(["".join(x) for x in rng.choice(alphabet, size=(50_000, 22))])
    platforms = np.array(["ios", "android", "web", "desktop", "smart_speaker"])
    countries = np.array(["US", "GB", "DE", "FR", "BR", "SE", "JP", "IN", "MX", "PL", "ES", "NL"])
    genres = np.array([f"genre_{i:02d}" for i in range(20)])
    start = np.datetime64("2024-01-01T00:00:00", "us")
    writer = None
    block = 1_000_000
    for lo in range(0, rows, block):
        n = min(block, rows - lo)
        table = pa.table({
            "user_id": rng.integers(1, 100_001, n),
            "track_id": pa.array(tracks[np.minimum(rng.zipf(1.3, n), 50_000) - 1]),
            "played_at": pa.array(start + rng.integers(0, 365 * 86400, n).astype("timedelta64[s]"), pa.timestamp("us", tz="UTC")),
            "ms_played": rng.integers(1_000, 400_000, n),
            "skipped": rng.random(n) < 0.3,
            "platform": pa.array(platforms[rng.integers(0, 5, n)]),
            "country": pa.array(countries[rng.integers(0, 12, n)]),
            "genre": pa.array(genres[rng.integers(0, 20, n)]),
            "artist_id": rng.integers(1, 20_001, n),
            "shuffle": rng.random(n) < 0.5,
        })
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema, compression="snappy")
        writer.write_table(table, row_group_size=block)
    writer.close()


PY_LOAD = {
    "polars": "import polars as pl\nrun = lambda p: pl.read_parquet(p)",
    "duckdb": ("import duckdb\ncon = duckdb.connect()\n"
               "run = lambda p: con.execute(f\"CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet('{p}')\")"),
}
PY_SAVE = {
    "polars": "import polars as pl\ndf = None\ndef run(p):\n    global df\n    df = df if df is not None else pl.read_parquet(p); t = time.perf_counter(); df.write_parquet('/tmp/trq-bench/polars-out.parquet', compression='snappy'); return t",
    "duckdb": ("import duckdb\ncon = duckdb.connect()\nloaded = False\ndef run(p):\n    global loaded\n"
               "    if not loaded: con.execute(f\"CREATE TABLE t AS SELECT * FROM read_parquet('{p}')\"); loaded = True\n"
               "    t = time.perf_counter(); con.execute(\"COPY t TO '/tmp/trq-bench/duckdb-out.parquet' (FORMAT parquet, COMPRESSION snappy)\"); return t"),
}
TIMER = """
import sys, time
{setup}
best = float("inf")
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    began = run(sys.argv[1])
    if isinstance(began, float): start = began
    best = min(best, time.perf_counter() - start)
print(f"best_seconds={{best}}")
"""


def python_best(setup, path, repeat):
    out = subprocess.run([sys.executable, "-c", TIMER.format(setup=setup), path, str(repeat)], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-800:])
    return float(re.search(r"best_seconds=([0-9.e-]+)", out.stdout).group(1))


POLARS_FIRST_READ = """
import io, sys, time
import polars as pl
tiny = io.BytesIO()
pl.DataFrame({"a": [1, 2], "s": ["x", "y"]}).write_parquet(tiny)
tiny.seek(0)
pl.read_parquet(tiny)
start = time.perf_counter()
pl.read_parquet(sys.argv[1])
print(f"seconds={time.perf_counter() - start}")
"""


def polars_first_read_best(path, repeat):
    """polars' first read of the file in a fresh process, best of `repeat` processes."""
    best = float("inf")
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", POLARS_FIRST_READ, path], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-800:])
        best = min(best, float(re.search(r"seconds=([0-9.e-]+)", out.stdout).group(1)))
    return best


def trq_statement_best(trq, script, repeat, index):
    """The `.timer` time of statement `index` (0-based among timed statements), best of runs."""
    best = float("inf")
    for _ in range(repeat):
        out = subprocess.run([trq, "-c", ".timer on\n" + script], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-800:])
        times = [float(x) for x in re.findall(r"Run Time: ([0-9.]+) s", out.stderr)]
        best = min(best, times[index])
    return best


def process_best(command, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-800:])
        best = min(best, elapsed)
    return best


def table(title, rows):
    base = rows[0][1]
    print(f"\n{title}\n\n| tool | seconds | time / trq's |\n|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} | {seconds / base:.2f} |")


def listening_file():
    """Parses --rows, --repeat and --trq; returns them with the listening log's Parquet path,
    made first if missing."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--trq", default=os.path.join(ROOT, ".build/release/trq"))
    args = parser.parse_args()
    os.makedirs("/tmp/trq-bench", exist_ok=True)
    path = f"/tmp/trq-bench/listening-{args.rows}.parquet"
    if not os.path.exists(path):
        make_file(args.rows, path)
    return args, path


def main():
    args, path = listening_file()
    print(f"file: {path} ({os.path.getsize(path) / 1e6:.0f} MB, {args.rows:,} rows), best of {args.repeat}")

    load = [("trq", trq_statement_best(args.trq, f'let t = load "{path}"', args.repeat, 0))]
    load += [(name, python_best(setup, path, args.repeat)) for name, setup in PY_LOAD.items()]
    load.append(("polars (fresh process)", polars_first_read_best(path, args.repeat)))
    table("load (whole file into memory)", load)

    query = "groupby country, genre agg n = count(), users = count_distinct(user_id)"
    sql = ("import duckdb; duckdb.sql(\"SELECT country, genre, count(*) AS n, count(DISTINCT user_id) AS users "
           f"FROM read_parquet('{path}') GROUP BY ALL\").fetchall()")
    table("query as a whole process: load F | " + query, [
        ("trq", process_best([args.trq, "-c", f'load "{path}" | {query}'], args.repeat)),
        ("duckdb (python3 -c)", process_best([sys.executable, "-c", sql], args.repeat)),
    ])

    save = [("trq", trq_statement_best(args.trq, f'let t = load "{path}"\nt | save "/tmp/trq-bench/trq-out.parquet"', args.repeat, 1))]
    save += [(name, python_best(setup, path, args.repeat)) for name, setup in PY_SAVE.items()]
    table("save (snappy, table already in memory)", save)


if __name__ == "__main__":
    main()
