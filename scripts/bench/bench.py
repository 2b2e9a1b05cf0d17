#!/usr/bin/env python3
"""trq against pandas (pyarrow engine), polars and DuckDB on the same listening CSV, in one run.

Each tool runs in its own process: load the file, then filter+count, a two-key groupby with count,
mean and count_distinct, a top-10, a summary of every column (trq `describe`, pandas
`describe(include='all')`, polars `describe()`, DuckDB `SUMMARIZE`) and a filter that keeps its rows
followed by a one-key groupby count, then two window queries whose results are kept as tables
(each play's share of its country's ms_played; each play's number in its listener's history by
played_at). Times are wall-clock seconds of each step inside the process
(trq reports them with `.timer on`); memory is the process's peak resident set. Ratios are the other
tool's time over trq's (above 1 means trq is faster).

usage: scripts/bench/bench.py [--baseline OTHER_TRQ] FILE.csv [FILE.csv ...]

--baseline adds another trq binary (e.g. the previous commit's release build) as a column, so a
change is checked for regressions in the same run; its ratio above 1 means the baseline is slower.
"""
import json, os, re, resource, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRQ = os.path.join(ROOT, ".build", "release", "trq")
STEPS = ["load", "filter+count", "groupby2", "top10", "describe", "filter+groupby", "window share", "row_number"]

PY = {
"pandas": """
import pandas as pd
df = step('load', lambda: pd.read_csv(F, engine='pyarrow'))
step('filter+count', lambda: int((df['ms_played'] > 60000).sum()))
step('groupby2', lambda: df.groupby(['country', 'platform']).agg(n=('user_id', 'size'), avg=('ms_played', 'mean'), users=('user_id', 'nunique')))
step('top10', lambda: df.nlargest(10, 'ms_played'))
step('describe', lambda: df.describe(include='all'))
step('filter+groupby', lambda: df[df['ms_played'] > 60000].groupby('country', dropna=False).size())
step('window share', lambda: df.assign(share=df['ms_played'] / df.groupby('country', dropna=False)['ms_played'].transform('sum')))
step('row_number', lambda: df.assign(r=df.sort_values('played_at', kind='stable').groupby('user_id', dropna=False).cumcount() + 1))
""",
"polars": """
import polars as pl
df = step('load', lambda: pl.read_csv(F))
step('filter+count', lambda: df.filter(pl.col('ms_played') > 60000).height)
step('groupby2', lambda: df.group_by(['country', 'platform']).agg(pl.len().alias('n'), pl.col('ms_played').mean().alias('avg'), pl.col('user_id').n_unique().alias('users')))
step('top10', lambda: df.top_k(10, by='ms_played'))
step('describe', lambda: df.describe())
step('filter+groupby', lambda: df.filter(pl.col('ms_played') > 60000).group_by('country').agg(pl.len().alias('n')))
step('window share', lambda: df.with_columns((pl.col('ms_played') / pl.col('ms_played').sum().over('country')).alias('share')))
step('row_number', lambda: df.with_columns(pl.col('played_at').rank('ordinal').over('user_id').alias('r')))
""",
"duckdb": """
import duckdb
con = duckdb.connect()
con.execute('SET enable_progress_bar = false')
step('load', lambda: con.execute(f"create table t as select * from read_csv('{F}')"))
step('filter+count', lambda: con.execute('select count(*) from t where ms_played > 60000').fetchall())
step('groupby2', lambda: con.execute('select country, platform, count(*), avg(ms_played), count(distinct user_id) from t group by all').fetchall())
step('top10', lambda: con.execute('select * from t order by ms_played desc limit 10').fetchall())
step('describe', lambda: con.execute('summarize t').fetchall())
step('filter+groupby', lambda: con.execute('select country, count(*) as n from t where ms_played > 60000 group by country').fetchall())
step('window share', lambda: con.execute('create table w1 as select *, ms_played / sum(ms_played) over (partition by country) as share from t'))
step('row_number', lambda: con.execute('create table w2 as select *, row_number() over (partition by user_id order by played_at) as r from t'))
""",
}

HARNESS = """
import json, sys, time
F = sys.argv[1]
times = {}
def step(name, f):
    t = time.perf_counter(); r = f(); times[name] = time.perf_counter() - t; return r
""" 

TRQ_SCRIPT = """.timer on
let t = load "{f}"
t | filter ms_played > 60000 | agg n = count()
t | groupby country, platform agg n = count(), avg = mean(ms_played), users = count_distinct(user_id)
t | top 10 by ms_played
t | describe
t | filter ms_played > 60000 | groupby country agg n = count()
let w1 = t | derive share = ms_played / sum(ms_played) per country
let w2 = t | derive r = row_number() per user_id by played_at
"""


def measured(cmd, stdin_text=None):
    """Runs cmd; returns (stdout, stderr, returncode, peak RSS in MB) of that one process."""
    import tempfile
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        inp.write((stdin_text or "").encode()); inp.seek(0)
        proc = subprocess.Popen(cmd, stdin=inp, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0); err.seek(0)
        return out.read().decode(), err.read().decode(), proc.returncode, usage.ru_maxrss / 1024


def run_python(tool, path):
    code = HARNESS + PY[tool] + "\nprint(json.dumps(times))\n"
    out, err, rc, rss = measured([sys.executable, "-c", code, path])
    if rc != 0:
        sys.exit(f"{tool} failed:\n{err}")
    # The timings are the last JSON object printed; libraries may print progress before it.
    return json.loads(re.findall(r'\{"load".*?\}', out)[-1]), rss


def run_trq(path, binary=TRQ):
    out, err, rc, rss = measured([binary, "-"], TRQ_SCRIPT.format(f=path))
    if rc != 0:
        sys.exit("trq failed:\n" + err)
    secs = [float(x) for x in re.findall(r"Run Time: ([0-9.]+) s", err)]
    return dict(zip(STEPS, secs)), rss


def main():
    if not os.path.exists(TRQ):
        subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "trq"], cwd=ROOT, check=True)
    args = sys.argv[1:]
    baseline = None
    if args[:1] == ["--baseline"]:
        baseline, args = os.path.abspath(args[1]), args[2:]
    tools = ["trq"] + (["baseline"] if baseline else []) + ["pandas", "polars", "duckdb"]
    for path in args:
        path = os.path.abspath(path)
        size = os.path.getsize(path) / 1e6
        rows = sum(1 for _ in open(path, "rb")) - 1
        print(f"\n{os.path.basename(path)}: {rows:,} rows, {size:.0f} MB")
        results = {}
        for tool in tools:
            # A second, timed run: the first warms the page cache for every tool alike.
            if tool == "trq":
                runner = lambda: run_trq(path)
            elif tool == "baseline":
                runner = lambda: run_trq(path, baseline)
            else:
                runner = lambda t=tool: run_python(t, path)
            runner()
            results[tool] = runner()
        header = f"{'step':<14}" + "".join(f"{t:>10}" for t in results) + "   ratios (other / trq)"
        print(header)
        for step in STEPS:
            row = f"{step:<14}" + "".join(f"{results[t][0].get(step, float('nan')):>10.3f}" for t in results)
            base = results["trq"][0].get(step)
            ratios = "  ".join(f"{t} {results[t][0][step] / base:.2f}x" for t in results if t != "trq" and base)
            print(row + "   " + ratios)
        print(f"{'peak RSS MB':<14}" + "".join(f"{results[t][1]:>10.0f}" for t in results))


if __name__ == "__main__":
    main()
