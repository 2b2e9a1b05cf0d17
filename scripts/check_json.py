#!/usr/bin/env python3
"""Checks trq's JSON and NDJSON sources against DuckDB and pandas, cell by cell.

Usage: scripts/check_json.py [TRQ_BINARY]   (default .build/debug/trq)

Reads the bundled synthetic Spotify export (data/spotify_export_sample) raw (`with spotify =
false`) as .json, as .ndjson and as .ndjson.gz, and compares every cell with DuckDB's read_json;
checks a pushed filter and projection against DuckDB's SQL; the export mapping's aggregates
against DuckDB over the raw keys; and the flattening of nested objects against pandas'
json_normalize. Prints one line per check and a summary; exits 1 on any difference.
"""
import datetime
import glob
import gzip
import json
import math
import os
import subprocess
import sys
import tempfile

import duckdb
import pandas

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SAMPLE = os.path.join(ROOT, "data", "spotify_export_sample")
EXTENDED = os.path.join(SAMPLE, "Spotify Extended Streaming History", "Streaming_History_Audio_2023_0.json")
ACCOUNT = os.path.join(SAMPLE, "Spotify Account Data", "StreamingHistory_music_0.json")
NESTED = os.path.join(ROOT, "Tests", "TRQFrameTests", "Fixtures", "json", "nested.json")


def trq_rows(trq, statement):
    run = subprocess.run([trq, "--format", "json", "-c", statement], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr.strip())
    return json.loads(run.stdout) if run.stdout.strip() else []


def normal(value):
    """A cell as trq prints it in JSON: timestamps as ISO 8601 UTC, whole floats as floats."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        text = value.isoformat()
        return text + "Z"
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b and type(a) is type(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def compare(rows, names, expected):
    """trq's JSON rows against (names, tuples); the first differences."""
    if len(rows) != len(expected):
        return [f"{len(rows)} rows, expected {len(expected)}"]
    if rows and list(rows[0].keys()) != names:
        return [f"columns {list(rows[0].keys())}, expected {names}"]
    problems = []
    for i, (row, want) in enumerate(zip(rows, expected)):
        for name, value in zip(names, want):
            if not same(row[name], normal(value)):
                problems.append(f"row {i} column {name}: trq {row[name]!r}, expected {normal(value)!r}")
    return problems[:10]


def duck(sql):
    result = duckdb.sql(sql)
    return result.columns, result.fetchall()


def main():
    trq = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "trq")
    duckdb.sql("SET TimeZone = 'UTC'")
    work = tempfile.mkdtemp(prefix="trq-check-json-")
    records = json.load(open(EXTENDED))
    ndjson = os.path.join(work, "history.ndjson")
    with open(ndjson, "w") as out:
        out.writelines(json.dumps(r) + "\n" for r in records)
    with open(ndjson, "rb") as src, gzip.open(ndjson + ".gz", "wb") as out:
        out.write(src.read())

    failures = 0
    checks = 0

    def check(name, problems):
        nonlocal failures, checks
        checks += 1
        if problems:
            failures += 1
            print(f"FAIL   {name}")
            for p in problems:
                print(f"  {p}")
        else:
            print(f"ok     {name}")

    # Raw keys, every cell: one array, NDJSON, NDJSON.gz.
    for path, layout in [(EXTENDED, "array"), (ndjson, "newline_delimited"), (ndjson + ".gz", "newline_delimited")]:
        names, expected = duck(f"SELECT * FROM read_json('{path}', format = '{layout}', sample_size = -1)")
        rows = trq_rows(trq, f'load "{path}" with spotify = false')
        check(f"raw cells of {os.path.basename(path)} ({len(expected)} records)", compare(rows, names, expected))

    # A pushed filter and projection.
    names, expected = duck(f"SELECT master_metadata_track_name, ms_played FROM read_json('{ndjson}', sample_size = -1) "
                           "WHERE ms_played > 30000 AND platform = 'android'")
    rows = trq_rows(trq, f'load "{ndjson}" with spotify = false | filter ms_played > 30000 and platform == "android" '
                         "| select master_metadata_track_name, ms_played")
    check("filter and projection", compare(rows, names, expected))

    # The export mapping, aggregated, against DuckDB over the raw keys.
    names, expected = duck(f"""
        SELECT count(*) AS n, sum(ms_played) AS ms, count(DISTINCT spotify_track_uri) AS tracks,
               count(DISTINCT master_metadata_album_artist_name) AS artists,
               sum(CASE WHEN skipped THEN 1 ELSE 0 END) AS skips
        FROM read_json('{EXTENDED}', sample_size = -1)""")
    rows = trq_rows(trq, f'load "{EXTENDED}" | agg n = count(), ms = sum(ms_played), tracks = count_distinct(track_id), '
                         "artists = count_distinct(artist_name), skips = sum(if(skipped, 1, 0))")
    check("extended history mapped: count, sums, distinct counts", compare(rows, names, expected))
    names, expected = duck(f"""
        SELECT platform, count(*) AS n FROM read_json('{EXTENDED}', sample_size = -1) GROUP BY platform ORDER BY platform""")
    rows = trq_rows(trq, f'load "{EXTENDED}" | groupby platform agg n = count() | sort platform')
    check("extended history mapped: plays per platform", compare(rows, names, expected))
    names, expected = duck(f"""
        SELECT count(*) AS n, sum(msPlayed) AS ms, count(DISTINCT artistName) AS artists
        FROM read_json('{ACCOUNT}', sample_size = -1)""")
    rows = trq_rows(trq, f'load "{ACCOUNT}" | agg n = count(), ms = sum(ms_played), artists = count_distinct(artist_name)')
    check("account history mapped: count, sum, distinct artists", compare(rows, names, expected))

    # Nested objects flatten to parent.child (pandas' json_normalize), arrays stay JSON text.
    frame = pandas.json_normalize(json.load(open(NESTED)), sep=".")
    rows = trq_rows(trq, f'load "{NESTED}" | select id, `user.name`, `user.geo.country`, score')
    expected = [tuple(None if pandas.isna(v) else v for v in r)
                for r in frame[["id", "user.name", "user.geo.country", "score"]].itertuples(index=False)]
    check("nested objects flatten as json_normalize", compare(rows, ["id", "user.name", "user.geo.country", "score"], expected))

    print(f"{checks} checks, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
