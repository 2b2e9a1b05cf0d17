#!/bin/sh
# Builds the kernel benchmark with release flags (no SwiftPM rebuild needed) and compares with
# DuckDB, polars and pandas. Usage: scripts/bench/kernels/run.sh [ROWS]   (default 10000000)
set -e
cd "$(dirname "$0")/../../.."
rows=${1:-10000000}
out=out/bench/kernels
mkdir -p "$out/data"
sources="$(find "$PWD/Sources/TRQFrame" -name '*.swift') $PWD/scripts/bench/kernels/main.swift"
# Compiled in the output folder, where swiftc leaves its module files.
(cd "$out" && swiftc -Ounchecked -wmo -module-name TRQFrameBench -o bench $sources)
"$out/bench" "$rows" "$out/data"
python3 scripts/bench/kernels/bench.py "$out/data"
