#!/usr/bin/env python3
"""Times loading a CSV file with trq against pandas (pyarrow engine), polars and DuckDB.

Usage: scripts/bench/load.py [--repeat N] [--rows 1000000,10000000] [--baseline TRQ_BENCH] [FILE ...]
Without files, listening-event CSVs of the given row counts are generated into /tmp/trq-bench/
by make_listening.py (if missing). trq is timed with .build/release/trq-bench (build it with
`swift build -c release --static-swift-stdlib --product trq-bench`). Each tool runs in its own process, timing only
the load call, best of N runs. Peak RSS comes from a separate process that loads once (so
memory an allocator keeps between repeated loads does not count); it is the whole process's
(/usr/bin/time), interpreter and libraries included. --baseline adds another trq-bench binary
(e.g. the previous commit's release build) as the row "trq (baseline)", so a change is measured
against its parent in the same run.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TRQ = os.path.join(ROOT, ".build/release/trq-bench")

PYTHON_TOOLS = {
    "pandas (pyarrow)": "import pandas as pd\nload = lambda p: pd.read_csv(p, engine='pyarrow')",
    "polars": "import polars as pl\nload = lambda p: pl.read_csv(p)",
    "polars (dates)": "import polars as pl\nload = lambda p: pl.read_csv(p, try_parse_dates=True)",
    "duckdb": ("import duckdb\ncon = duckdb.connect()\n"
               "load = lambda p: con.execute(f\"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{p}')\")"),
}

PYTHON_TIMER = """
import sys, time
{setup}
path, repeat = sys.argv[1], int(sys.argv[2])
best = float("inf")
for _ in range(repeat):
    start = time.perf_counter()
    result = load(path)
    best = min(best, time.perf_counter() - start)
    del result
print(f"best_seconds={{best}}")
"""


def timed(command):
    """Runs command under /usr/bin/time; returns (best seconds, peak RSS MB)."""
    out = subprocess.run(["/usr/bin/time", "-f", "maxrss_kb=%M", *command], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {out.stderr.strip()[-500:]}")
    seconds = float(re.search(r"best_seconds=([0-9.e-]+)", out.stdout).group(1))
    rss = int(re.search(r"maxrss_kb=(\d+)", out.stderr).group(1)) / 1024
    return seconds, rss


def bench(path, repeat, baseline=None):
    """{tool: (best seconds of `repeat` loads, peak RSS MB of one load)}."""
    def command(name, n):
        if name in ("trq", "trq (baseline)"):
            return [TRQ if name == "trq" else baseline, "load", "--repeat", str(n), path]
        return [sys.executable, "-c", PYTHON_TIMER.format(setup=PYTHON_TOOLS[name]), path, str(n)]
    results = {}
    for name in ["trq", *(["trq (baseline)"] if baseline else []), *PYTHON_TOOLS]:
        seconds, _ = timed(command(name, repeat))
        _, rss = timed(command(name, 1))
        results[name] = (seconds, rss)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", default="1000000,10000000")
    parser.add_argument("--baseline")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    if not os.path.exists(TRQ):
        sys.exit(f"{TRQ} not found: run `swift build -c release --static-swift-stdlib --product trq-bench`")
    files = args.files
    if not files:
        os.makedirs("/tmp/trq-bench", exist_ok=True)
        for rows in [int(r) for r in args.rows.split(",")]:
            path = f"/tmp/trq-bench/listening-{rows}.csv"
            if not os.path.exists(path):
                subprocess.run([sys.executable, os.path.join(HERE, "make_listening.py"), str(rows), path], check=True)
            files.append(path)
    for path in files:
        size = os.path.getsize(path) / 1e6
        results = bench(path, args.repeat, args.baseline)
        trq_seconds = results["trq"][0]
        fastest_other = min(seconds for name, (seconds, _) in results.items() if not name.startswith("trq"))
        print(f"\n{os.path.basename(path)} ({size:.0f} MB), best of {args.repeat}, {os.cpu_count()} cores")
        print("| tool | seconds | MB/s | time / trq's | peak RSS MB |")
        print("|---|---:|---:|---:|---:|")
        for name, (seconds, rss) in results.items():
            print(f"| {name} | {seconds:.3f} | {size / seconds:.0f} | {seconds / trq_seconds:.2f} | {rss:.0f} |")
        print(f"trq vs fastest other: {fastest_other / trq_seconds:.2f}x "
              f"({'trq faster' if trq_seconds <= fastest_other else 'trq SLOWER'})")


if __name__ == "__main__":
    main()
