#!/usr/bin/env python3
"""Wide inputs (issue 17): trq against polars and DuckDB on a file of many columns, in one run.

Files (written to /tmp/trq-bench if missing):
  wide-100000x10.csv  a header c0..c99999 and 10 rows; every third column text, the rest ints
  line-1000000.csv    one line of 1,000,000 fields (a header only), half of them repeated names
Steps for the wide file, inside each tool's process: load; describe (trq `describe`, polars
`describe()`, DuckDB `SUMMARIZE`); save as CSV. For the one-line file: the whole process of
`load | agg n = count()` (trq) or the load (others). Every tool runs twice and the second run
counts (the first warms the page cache).

usage: scripts/bench/wide.py
"""
import os, re, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRQ = os.path.join(ROOT, ".build", "release", "trq")
DIR = "/tmp/trq-bench"
WIDE = os.path.join(DIR, "wide-100000x10.csv")
LINE = os.path.join(DIR, "line-1000000.csv")
STEPS = ["load", "describe", "save"]

PY = {
"polars": """
import polars as pl
df = step('load', lambda: pl.read_csv(F))
step('describe', lambda: df.describe())
step('save', lambda: df.write_csv(OUT))
""",
"duckdb": """
import duckdb
con = duckdb.connect()
con.execute('SET enable_progress_bar = false')
step('load', lambda: con.execute(f"create table t as select * from read_csv('{F}')"))
step('describe', lambda: con.execute('summarize t').fetchall())
step('save', lambda: con.execute(f"copy t to '{OUT}' (header)"))
""",
}

HARNESS = """
import json, sys, time
F, OUT = sys.argv[1], sys.argv[2]
times = {}
def step(name, f):
    t = time.perf_counter(); r = f(); times[name] = time.perf_counter() - t; return r
"""

TRQ_SCRIPT = """.timer on
let t = load "{f}"
let d = t | describe
t | save "{out}"
"""


def write_files():
    os.makedirs(DIR, exist_ok=True)
    if not os.path.exists(WIDE):
        columns = 100_000
        with open(WIDE, "w") as f:
            f.write(",".join(f"c{c}" for c in range(columns)) + "\n")
            for row in range(10):
                f.write(",".join(f"s{row}" if c % 3 == 0 else str(c * 10 + row) for c in range(columns)) + "\n")
    if not os.path.exists(LINE):
        with open(LINE, "w") as f:
            f.write(",".join(f"f{i // 2}" for i in range(1_000_000)) + "\n")


def run(cmd, stdin_text=None):
    started = time.perf_counter()
    proc = subprocess.run(cmd, input=stdin_text, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed:\n{proc.stderr[:2000]}")
    return proc, elapsed


def run_trq(out):
    proc, _ = run([TRQ, "-"], TRQ_SCRIPT.format(f=WIDE, out=out))
    secs = [float(x) for x in re.findall(r"Run Time: ([0-9.]+) s", proc.stderr)]
    return dict(zip(STEPS, secs))


def run_python(tool, out):
    import json
    proc, _ = run([sys.executable, "-c", HARNESS + PY[tool] + "\nprint(json.dumps(times))\n", WIDE, out])
    return json.loads(re.findall(r'\{"load".*?\}', proc.stdout)[-1])


def main():
    if not os.path.exists(TRQ):
        subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "trq"], cwd=ROOT, check=True)
    write_files()
    out = os.path.join(DIR, "wide-out.csv")
    print(f"{os.path.basename(WIDE)}: 100,000 columns x 10 rows, {os.path.getsize(WIDE) / 1e6:.1f} MB")
    results = {}
    for tool in ["trq", "polars", "duckdb"]:
        runner = (lambda: run_trq(out)) if tool == "trq" else (lambda t=tool: run_python(t, out))
        runner()
        results[tool] = runner()
    print(f"{'step':<10}" + "".join(f"{t:>10}" for t in results) + "   ratios (other / trq)")
    for step in STEPS:
        base = results["trq"][step]
        row = f"{step:<10}" + "".join(f"{results[t][step]:>10.3f}" for t in results)
        print(row + "   " + "  ".join(f"{t} {results[t][step] / base:.2f}x" for t in results if t != "trq"))

    print(f"\n{os.path.basename(LINE)}: one line of 1,000,000 fields, {os.path.getsize(LINE) / 1e6:.1f} MB (whole process)")
    script = f'load "{LINE}" | agg n = count()'
    loaders = {
        "trq": [TRQ, "-c", script],
        "polars": [sys.executable, "-c", f"import polars as pl; pl.read_csv('{LINE}')"],
        "duckdb": [sys.executable, "-c", f"import duckdb; duckdb.sql(\"select count(*) from read_csv('{LINE}')\").fetchall()"],
    }
    for tool, cmd in loaders.items():
        try:
            run(cmd)
            _, seconds = run(cmd)
            print(f"{tool:<10}{seconds:>10.3f}")
        except SystemExit as failure:
            print(f"{tool:<10}    failed: {str(failure).splitlines()[-1][:100]}")


if __name__ == "__main__":
    main()
