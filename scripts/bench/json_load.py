#!/usr/bin/env python3
"""Times loading JSON and NDJSON with trq against DuckDB (read_json) and polars, in one run.

Usage: scripts/bench/json_load.py [--repeat N] [--records 1000000]
Writes /tmp/trq-bench/records-N.ndjson and the same records as one JSON array, records-N.json
(if missing; seed 7, about 200 bytes a record: an ISO 8601 UTC timestamp, ints, a bool, a float,
short and long strings, a nested object and an array), then loads each file in every tool, each
in its own process, best of N, timing only the load with the timestamps parsed:
trq `.build/release/trq-bench load` (build it with `swift build -c release --static-swift-stdlib --product trq-bench`),
DuckDB `CREATE TABLE t AS SELECT * FROM read_json(p)` (which detects the timestamps), polars
`read_ndjson`/`read_json` followed by parsing `played_at` as a datetime. Ratios are the other
tool's time over trq's (above 1: trq is faster); the target is trq <= 0.5x the faster of them.
"""
import argparse, json, os, random, re, subprocess, sys, time

from load import PYTHON_TIMER  # the same best-of-N timer the CSV load benchmark runs

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TRQ = os.path.join(ROOT, ".build/release/trq-bench")

TOOLS = {
    "duckdb": ("import duckdb\ncon = duckdb.connect()\ncon.execute('SET enable_progress_bar = false')\n"
               "load = lambda p: con.execute(f\"CREATE OR REPLACE TABLE t AS SELECT * FROM read_json('{p}')\")"),
    "polars": ("import polars as pl\n"
               "read = lambda p: pl.read_ndjson(p) if p.endswith('.ndjson') else pl.read_json(p)\n"
               "load = lambda p: read(p).with_columns(pl.col('played_at').str.to_datetime('%Y-%m-%dT%H:%M:%SZ', time_zone='UTC'))"),
}


PLATFORMS = ["android", "ios", "windows", "osx", "web_player", "cast_to_device"]
COUNTRIES = ["US", "BR", "DE", "GB", "MX", "FR", "SE", "JP", "IN", "KR", "ES", "PT"]


def make(records, folder="/tmp/trq-bench"):
    os.makedirs(folder, exist_ok=True)
    ndjson = f"{folder}/records-{records}.ndjson"
    array = f"{folder}/records-{records}.json"
    if os.path.exists(ndjson) and os.path.exists(array):
        return ndjson, array
    rng = random.Random(7)
    artists = [f"Artist {i:05d} " + "".join(rng.choice("abcdefghij") for _ in range(6)) for i in range(20000)]
    start = 1672531200  # 2023-01-01T00:00:00Z
    with open(ndjson + ".tmp", "w") as nd, open(array + ".tmp", "w") as ar:
        ar.write("[\n")
        for i in range(records):
            t = start + rng.randrange(365 * 86400)
            a = min(int(rng.paretovariate(1.1)) - 1, len(artists) - 1)
            record = {
                "played_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)),
                "user_id": rng.randrange(100000),
                "track": f"t{rng.randrange(2000000):07d}",
                "artist": artists[a],
                "ms_played": rng.randrange(1000, 400000),
                "skipped": rng.random() < 0.25,
                "score": round(rng.random() * 100, 3),
                "device": {"platform": rng.choice(PLATFORMS), "country": rng.choice(COUNTRIES)},
                "tags": [rng.choice(["chill", "focus", "party", "run"]) for _ in range(rng.randrange(3))],
            }
            text = json.dumps(record, ensure_ascii=False)
            nd.write(text + "\n")
            ar.write(("," if i else "") + text + "\n")
        ar.write("]\n")
    os.replace(ndjson + ".tmp", ndjson)
    os.replace(array + ".tmp", array)
    return ndjson, array


def timed(command):
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {out.stderr.strip()[-500:]}")
    return float(re.search(r"best_seconds=([0-9.e-]+)", out.stdout).group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    for path in make(args.records):
        size = os.path.getsize(path) / 1e6
        trq = timed([TRQ, "load", "--repeat", str(args.repeat), path])
        others = {name: timed([sys.executable, "-c", PYTHON_TIMER.format(setup=setup), path, str(args.repeat)])
                  for name, setup in TOOLS.items()}
        fastest = min(others.values())
        print(f"{os.path.basename(path)} ({size:.0f} MB), best of {args.repeat}:")
        print(f"  trq     {trq:7.3f} s")
        for name, seconds in others.items():
            print(f"  {name:7s} {seconds:7.3f} s   {seconds / trq:5.2f}x trq's time")
        print(f"  trq / fastest other = {trq / fastest:.2f} (target <= 0.5)")


if __name__ == "__main__":
    main()
