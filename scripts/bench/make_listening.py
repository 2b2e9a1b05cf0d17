#!/usr/bin/env python3
"""Writes a synthetic listening-events CSV for the load benchmark.

Usage: make_listening.py ROWS OUT.csv
Columns: user_id,track_id,played_at,ms_played,skipped,platform,country
(int, 22-char base62 string, ISO 8601 UTC timestamp, int, bool, string, string).
Deterministic (seed 7). Written in blocks so 10M rows need little memory.
"""
import sys
import numpy as np

def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    rng = np.random.default_rng(7)
    alphabet = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
    tracks = np.array(["".join(x) for x in rng.choice(alphabet, size=(50_000, 22))])
    platforms = np.array(["ios", "android", "web", "desktop", "smart_speaker"])
    countries = np.array(["US", "GB", "DE", "FR", "BR", "SE", "JP", "IN", "MX", "PL", "ES", "NL"])
    start = np.datetime64("2024-01-01T00:00:00")
    block = 1_000_000
    with open(out, "w", newline="") as f:
        f.write("user_id,track_id,played_at,ms_played,skipped,platform,country\n")
        for lo in range(0, rows, block):
            n = min(block, rows - lo)
            user = rng.integers(1, 100_001, n)
            track = tracks[np.minimum(rng.zipf(1.3, n), 50_000) - 1]
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
