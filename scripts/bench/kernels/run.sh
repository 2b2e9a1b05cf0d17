#!/bin/sh
# Builds the kernel benchmark (release, the package's own flags) and compares with DuckDB, polars
# and pandas. Usage: scripts/bench/kernels/run.sh [ROWS]   (default 10000000)
set -e
cd "$(dirname "$0")/../../.."
rows=${1:-10000000}
out=out/bench/kernels
mkdir -p "$out/data"
swift build -c release --static-swift-stdlib --product trq-bench-kernels >&2
.build/release/trq-bench-kernels "$rows" "$out/data"
python3 scripts/bench/kernels/bench.py "$out/data"
