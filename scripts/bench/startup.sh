#!/usr/bin/env bash
# Start-up: the wall time from launch to a first answer, trq's release build (as scripts/run makes
# it) against Python starting DuckDB, polars and pandas and counting the rows of one bundled file.
# Usage: scripts/bench/startup.sh [RUNS]   (default 20; needs hyperfine)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-20}"
swift build -c release --static-swift-stdlib --product trq >&2
results=$(mktemp); trap 'rm -f "$results"' EXIT
hyperfine -N --runs "$runs" --warmup 3 --export-json "$results" \
    -n "trq -c '.help'" ".build/release/trq -c '.help'" \
    -n "trq: count data/users.csv" ".build/release/trq -c 'load \"data/users.csv\" | agg n = count()'" \
    -n "duckdb: count data/users.csv" "python3 -c 'import duckdb; duckdb.sql(\"select count(*) from \x27data/users.csv\x27\").fetchall()'" \
    -n "polars: count data/users.csv" "python3 -c 'import polars as pl; pl.read_csv(\"data/users.csv\").height'" \
    -n "pandas: count data/users.csv" "python3 -c 'import pandas as pd; len(pd.read_csv(\"data/users.csv\"))'" >&2
python3 - "$results" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["results"]
trq = sorted(rows[0]["times"])[len(rows[0]["times"]) // 2]
print("| command | median ms | mean ms | min ms | median / trq -c '.help' |")
print("|---|---:|---:|---:|---:|")
for r in rows:
    median = sorted(r["times"])[len(r["times"]) // 2]
    print(f"| `{r['command']}` | {median * 1e3:.1f} | {r['mean'] * 1e3:.1f} | {r['min'] * 1e3:.1f} | {median / trq:.2f} |")
PY
