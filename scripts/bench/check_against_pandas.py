#!/usr/bin/env python3
"""Checks trq's CSV reader against pandas on the real data sets, cell by cell.

Usage: scripts/bench/check_against_pandas.py [TRQ_BENCH] [DATA_DIR]
  TRQ_BENCH defaults to .build/release/trq-bench (build it with
  `swift build -c release --static-swift-stdlib --product trq-bench`), DATA_DIR to ../shared/data.
Each file is read by `trq-bench dump` (JSON) and by pandas.read_csv with the separator and
encoding pandas needs; row counts, column names, inferred kinds and every value must agree.
A synthetic 50,000-row listening file (make_listening.py) checks timestamps, which the real
data sets lack. Exits 1 on any difference; the real data is skipped when its folder is absent.
"""
import glob
import json
import math
import os
import subprocess
import sys

import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/trq-bench")
DATA = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "../shared/data")


def trq(path, *options):
    out = subprocess.run([BENCH, "dump", *options, path], capture_output=True, check=True)
    return json.loads(out.stdout)


def same(a, b):
    """trq's JSON value a against pandas' value b."""
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None
    if isinstance(b, pd.Timestamp):
        text = b.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S")
        fraction = b.microsecond
        if fraction:
            text += ("." + f"{fraction:06d}").rstrip("0")
        return a == text + "Z"
    if isinstance(b, bool):
        return a is b
    if isinstance(b, float):
        return isinstance(a, (int, float)) and not isinstance(a, bool) and float(a) == b
    if isinstance(b, int):
        return isinstance(a, int) and not isinstance(a, bool) and a == b
    return a == b


def compare(label, rows, frame):
    problems = []
    if len(rows) != len(frame):
        problems.append(f"{len(rows)} rows, pandas {len(frame)}")
    names = list(rows[0].keys()) if rows else []
    if rows and names != list(frame.columns):
        problems.append(f"columns {names}, pandas {list(frame.columns)}")
    if not problems:
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        for i, (mine, theirs) in enumerate(zip(rows, records)):
            for name in names:
                if not same(mine[name], theirs[name]):
                    problems.append(f"row {i} {name}: trq {mine[name]!r}, pandas {theirs[name]!r}")
                    if len(problems) > 5:
                        break
            if len(problems) > 5:
                break
    status = "ok" if not problems else "DIFFERENT"
    print(f"{status:9s} {label}: {len(rows)} rows, {len(names)} columns")
    for p in problems:
        print("          ", p)
    return not problems


def main():
    if not os.path.exists(BENCH):
        print(f"{BENCH} not found; run `swift build -c release --static-swift-stdlib --product trq-bench`")
        return 1
    # Synthetic listening events: the real data sets have no timestamps.
    synthetic = "/tmp/trq-check-listening.csv"
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "make_listening.py"), "50000", synthetic], check=True)
    ok = compare("listening (50,000 synthetic rows)", trq(synthetic), pd.read_csv(synthetic, parse_dates=["played_at"]))
    if not os.path.isdir(DATA):
        print(f"skipped the real data: {DATA} not found")
        return 0 if ok else 1
    lastfm = os.path.join(DATA, "lastfm-2k")
    for name in ["artists.dat", "user_artists.dat", "user_friends.dat", "user_taggedartists.dat"]:
        path = os.path.join(lastfm, name)
        if os.path.exists(path):
            ok &= compare(name, trq(path), pd.read_csv(path, sep="\t"))
    tags = os.path.join(lastfm, "tags.dat")
    if os.path.exists(tags):
        failed = subprocess.run([BENCH, "load", tags], capture_output=True, text=True)
        expected = "encoding = \"latin1\""
        if failed.returncode == 0 or expected not in failed.stderr or "tags.dat:" not in failed.stderr:
            print(f"DIFFERENT tags.dat as UTF-8 should fail naming the line and latin1: {failed.stderr.strip()}")
            ok = False
        else:
            print(f"ok        tags.dat as UTF-8 fails: {failed.stderr.strip()}")
        ok &= compare("tags.dat (latin1)", trq(tags, "--encoding", "latin1"),
                      pd.read_csv(tags, sep="\t", encoding="latin-1"))
    genres = sorted(glob.glob(os.path.join(DATA, "spotify-tracks/by-genre/*.csv")))
    for path in genres:
        good = compare(os.path.basename(path), trq(path), pd.read_csv(path))
        ok &= good
    if genres:
        pattern = os.path.join(DATA, "spotify-tracks/by-genre/*.csv")
        stacked = pd.concat([pd.read_csv(p) for p in genres], ignore_index=True)
        ok &= compare("by-genre/*.csv stacked", trq(pattern), stacked)
    print("all files agree with pandas" if ok else "DIFFERENCES FOUND")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
