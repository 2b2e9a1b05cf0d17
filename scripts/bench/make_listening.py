#!/usr/bin/env python3
"""Writes a synthetic listening-events CSV for the load benchmark.

Usage: make_listening.py ROWS OUT.csv [--tracks N] [--track-length L] [--users N] [--zipf A] [--seed S]
Columns: user_id,track_id,played_at,ms_played,skipped,platform,country
(int, base-62 string, ISO 8601 UTC timestamp, int, bool, string, string).
--tracks: distinct track ids (50,000), each --track-length characters (22, like Spotify ids);
--users: distinct user ids (100,000); --zipf: the exponent of the track popularity (1.3), or 0
for uniformly drawn tracks (then nearly every id occurs: 10M rows over 2M ids use 99% of them).
Deterministic for a given seed (7). Written in blocks so 10M rows need little memory.
The defaults give the id distribution of RESULTS.md's load table; issue 16's
high-cardinality files are `--tracks 500000 --track-length 7 --zipf 0` and
`--tracks 2000000 --users 200000 --zipf 0`.
"""
import argparse
import numpy as np

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("out")
    parser.add_argument("--tracks", type=int, default=50_000)
    parser.add_argument("--track-length", type=int, default=22)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--zipf", type=float, default=1.3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    alphabet = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    # Random ids as fixed-width byte strings; a repeat (rare at these lengths) is redrawn.
    ids = set()
    while len(ids) < args.tracks:
        draw = alphabet[rng.integers(0, 62, size=(args.tracks - len(ids), args.track_length))]
        ids.update(draw.view(f"S{args.track_length}").ravel().tolist())
    tracks = np.array(sorted(ids)).astype(str)
    rng.shuffle(tracks)
    platforms = np.array(["ios", "android", "web", "desktop", "smart_speaker"])
    countries = np.array(["US", "GB", "DE", "FR", "BR", "SE", "JP", "IN", "MX", "PL", "ES", "NL"])
    start = np.datetime64("2024-01-01T00:00:00")
    block = 1_000_000
    with open(args.out, "w", newline="") as f:
        f.write("user_id,track_id,played_at,ms_played,skipped,platform,country\n")
        for lo in range(0, args.rows, block):
            n = min(block, args.rows - lo)
            user = rng.integers(1, args.users + 1, n)
            if args.zipf > 0:
                track = tracks[np.minimum(rng.zipf(args.zipf, n), args.tracks) - 1]
            else:
                track = tracks[rng.integers(0, args.tracks, n)]
            played = (start + rng.integers(0, 365 * 86400, n).astype("timedelta64[s]"))
            played = np.datetime_as_string(played, unit="s")
            ms = rng.integers(1_000, 400_000, n)
            skipped = np.where(rng.random(n) < 0.3, "true", "false")
            plat = platforms[rng.integers(0, len(platforms), n)]
            country = countries[rng.integers(0, len(countries), n)]
            lines = [f"{u},{t},{p}Z,{m},{s},{pl},{c}\n" for u, t, p, m, s, pl, c in
                     zip(user, track, played, ms, skipped, plat, country)]
            f.write("".join(lines))

if __name__ == "__main__":
    main()
