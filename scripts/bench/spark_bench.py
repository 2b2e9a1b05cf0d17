"""trq on Spark (local[2], Spark Connect) against trq's local engine and DuckDB, on one listening log,
plus the round-trip cost of a small query. Every engine runs the same queries in one run; each
figure is the median of the repeats, timed inside trq by `.timer on` (statement run time, after
the connection is open) and around DuckDB's query.

  python3 scripts/bench/spark_bench.py --local-trq .build/release/trq \\
      --spark-trq PATH/TO/trq-built-with---traits-Spark --remote sc://127.0.0.1:15002 [--rows 10000000]

The file is data/listening_2023.csv's rows repeated to --rows (written once to --out)."""
import argparse
import os
import re
import statistics
import subprocess
import time

parser = argparse.ArgumentParser()
parser.add_argument("--local-trq", required=True)
parser.add_argument("--spark-trq", required=True)
parser.add_argument("--remote", default="sc://127.0.0.1:15002")
parser.add_argument("--rows", type=int, default=10_000_000)
parser.add_argument("--repeats", type=int, default=3)
parser.add_argument("--out", default="/tmp/bench/spark")
args = parser.parse_args()

root = os.path.join(os.path.dirname(__file__), "..", "..")
small = os.path.abspath(os.path.join(root, "data", "listening_2023.csv"))
os.makedirs(args.out, exist_ok=True)
big = os.path.join(args.out, f"listening_{args.rows}.csv")
if not os.path.exists(big):
    with open(small) as f:
        header, *body = f.read().splitlines(keepends=True)
    chunk = "".join(body)
    with open(big + ".tmp", "w") as f:
        f.write(header)
        for _ in range(args.rows // len(body)):
            f.write(chunk)
    os.rename(big + ".tmp", big)

queries = {
    "count rows": ("agg n = count()", "select count(*) from t"),
    "filter + count": ('filter country == "SE" and ms_played > 60000 | agg n = count()',
                       "select count(*) from t where country = 'SE' and ms_played > 60000"),
    "groupby country, mean": ("groupby country agg plays = count(), avg_ms = mean(ms_played)",
                              "select country, count(*), avg(ms_played) from t group by country"),
}


def trq_times(binary, connect, source, statement, repeats):
    """Run times of `statement` repeated in one trq process, as `.timer on` prints them."""
    script = ".timer on\n" + "\n".join([f'load "{source}" | {statement}'] * repeats) + "\n"
    command = [binary] + (["--connect", connect] if connect else []) + ["--format", "csv", "-c", script]
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed: {done.stderr[-2000:]}")
    return [float(t) for t in re.findall(r"Run Time: ([0-9.]+) s", done.stderr)]


def duckdb_times(source, sql, repeats):
    import duckdb
    con = duckdb.connect()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        con.execute(sql.replace("from t", f"from read_csv_auto('{source}')")).fetchall()
        times.append(time.perf_counter() - start)
    return times


print(f"{args.rows:,} rows, {os.path.getsize(big) / 1e6:.0f} MB CSV; median of {args.repeats} (first run in brackets)")
print(f"| query | trq local | trq on Spark local[2] | DuckDB |")
print(f"|---|---|---|---|")
for name, (statement, sql) in queries.items():
    local = trq_times(args.local_trq, None, big, statement, args.repeats)
    spark = trq_times(args.spark_trq, args.remote, big, statement, args.repeats)
    duck = duckdb_times(big, sql, args.repeats)
    cell = lambda ts: f"{statistics.median(ts):.2f} s ({ts[0]:.2f})"
    print(f"| {name} | {cell(local)} | {cell(spark)} | {cell(duck)} |", flush=True)

# The fixed cost of a query on Spark: a 10,000-row file, filter + count, repeated in one session.
rounds = 10
local = trq_times(args.local_trq, None, small, 'filter country == "SE" | agg n = count()', rounds)
spark = trq_times(args.spark_trq, args.remote, small, 'filter country == "SE" | agg n = count()', rounds)
print(f"\nround trip, 10,000-row file, filter + count, median of {rounds}: "
      f"trq local {statistics.median(local) * 1000:.1f} ms, trq on Spark {statistics.median(spark) * 1000:.0f} ms "
      f"(first {spark[0] * 1000:.0f} ms)")
