#!/usr/bin/env python3
"""Independent check (pandas) of the tables scripts/trends_2023.trq writes to out/.

Usage: python3 scripts/check_trends.py [OUT_DIR]
Run `trq scripts/trends_2023.trq` from the repository root first (or `scripts/run`); OUT_DIR
defaults to the repository's out/. Recomputes every table from data/*.csv with the script's
cleaning rules, prints the key numbers and each comparison, and exits 1 if any differs.
Not part of CI; Tests/TRQEngineTests/TrendsScriptTests.swift checks the same in plain Swift.
"""
import os
import sys

import numpy as np
import pandas as pd

failures = []


def check(name, value, ok):
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {value}")
    if not ok:
        failures.append(name)


def same_numbers(a, b, tolerance):
    return len(a) == len(b) and bool(np.all(np.abs(np.asarray(a, float) - np.asarray(b, float)) <= tolerance + 1e-9))


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "out")
    data = os.path.join(root, "data")
    opts = dict(keep_default_na=False, na_values=[""])
    raw = pd.read_csv(os.path.join(data, "listening_2023.csv"), **opts)
    tracks = pd.read_csv(os.path.join(data, "tracks.csv"), **opts)
    artists = pd.read_csv(os.path.join(data, "artists.csv"), **opts)
    users = pd.read_csv(os.path.join(data, "users.csv"), **opts)

    def written(name):
        return pd.read_csv(os.path.join(out, name), **opts)

    # --- Cleaning: exact duplicates, empty and absurd ms_played; a missing country is the user's.
    deduped = raw.drop_duplicates()
    plays = deduped[deduped.ms_played.notna() & (deduped.ms_played <= 3_600_000)].copy()
    filled = plays.country.isna().sum()
    plays["country"] = plays.country.fillna(plays.user_id.map(users.set_index("user_id").country))
    cleaning = written("cleaning.csv").iloc[0]
    expected = dict(raw_rows=len(raw), duplicates_removed=len(raw) - len(deduped), after_distinct=len(deduped),
                    empty_ms_played=deduped.ms_played.isna().sum(),
                    absurd_ms_played=(deduped.ms_played > 3_600_000).sum(), clean_rows=len(plays),
                    countries_filled=filled, country_missing=plays.country.isna().sum(),
                    platform_missing=plays.platform.isna().sum())
    for key, value in expected.items():
        check(f"cleaning {key}", value, cleaning[key] == value)
    check("outliers.csv rows", len(written("outliers.csv")), len(written("outliers.csv")) == expected["absurd_ms_played"])

    listens = plays.merge(tracks[["track_id", "artist_id", "genre"]], on="track_id")
    listens["month"] = pd.to_datetime(listens.played_at).dt.month

    # --- Genres by plays and by listeners.
    g = listens.groupby("genre").agg(plays=("user_id", "size"), listeners=("user_id", "nunique"),
                                     skip_rate=("skipped", "mean")).sort_values("plays", ascending=False)
    g["share_pct"] = 100 * g.plays / len(listens)
    got = written("genres.csv").set_index("genre")
    check("top 3 genres by plays", list(g.plays.head(3).items()), list(got.index) == list(g.index))
    check("top 3 genres by listeners", list(g.listeners.sort_values(ascending=False).head(3).items()),
          (got.listeners == g.listeners.reindex(got.index)).all())
    check("genre plays", "all 14", (got.plays == g.plays.reindex(got.index)).all())
    check("genre share_pct", "within 0.05", same_numbers(got.share_pct, g.share_pct.reindex(got.index), 0.05))
    check("genre skip_rate", "within 0.0005", same_numbers(got.skip_rate, g.skip_rate.reindex(got.index), 0.0005))

    # --- Emerging artists: H2 / H1 plays among artists with at least 20.
    a = listens.assign(h1=listens.month <= 6, h2=listens.month > 6).groupby("artist_id")[["h1", "h2"]].sum()
    a = a[a.h1 + a.h2 >= 20].assign(growth=lambda t: t.h2 / t.h1.clip(lower=1)).sort_values("growth", ascending=False)
    got = written("emerging_artists.csv")
    names = artists.set_index("artist_id").artist_name
    check("fastest growing artist", (names[a.index[0]], int(a.h1.iloc[0]), int(a.h2.iloc[0]), round(float(a.growth.iloc[0]), 2)),
          got.artist_id.iloc[0] == a.index[0])
    check("emerging growth ratios", "top 10",
          same_numbers(sorted(got.h2 / got.h1.clip(lower=1), reverse=True), a.growth.head(10), 1e-12)
          and (got.h1.values == a.h1.reindex(got.artist_id).values).all())
    debut = set(artists[artists.debut_year == 2023].artist_id)
    check("debut-2023 artists lead", sorted(names[list(debut)]), set(got.artist_id.head(len(debut))) == debut)

    # --- Countries: top 3 genres each, and the country x genre share table.
    cg = listens.dropna(subset=["country"]).groupby(["country", "genre"]).size()
    got = written("country_top_genres.csv")
    ok = True
    for country, rows in got.groupby("country"):
        top = cg[country].sort_values(ascending=False)
        ok &= list(rows.plays) == list(top.head(3)) and all(cg[country][g_] == p for g_, p in zip(rows.genre, rows.plays))
        ok &= (rows.country_plays == top.sum()).all()
    check("top 3 genres per country", f"{got.country.nunique()} countries", ok and got.country.nunique() == cg.index.levels[0].size)
    share = cg.unstack(fill_value=0)
    share = 100 * share.div(share.sum(axis=1), axis=0)
    got = written("country_genre_share.csv").set_index("listener_country")
    # A country without plays of a genre has an empty cell (the pivot's null).
    check("country x genre shares", f"{share.shape[0]} x {share.shape[1]}",
          all(same_numbers(got[c].fillna(0), share[c].reindex(got.index), 0.05)
              and (got[c].isna() == (share[c].reindex(got.index) == 0)).all() for c in share.columns))
    for country, genre in [("MX", "latin"), ("KR", "k-pop"), ("US", "country")]:
        print(f"     {genre} share in {country}: {share.loc[country, genre]:.1f}%")

    # --- Months and seasons.
    gm = listens.groupby(["genre", "month"]).size()
    got = written("monthly_genre.csv")
    check("monthly plays by genre", f"{len(gm)} rows",
          len(got) == len(gm) and (got.plays.values == gm.reindex(list(zip(got.genre, got.month))).values).all())
    summer = listens.month.isin([6, 7, 8])
    s_share = 100 * listens[summer].genre.value_counts() / summer.sum()
    r_share = 100 * listens[~summer].genre.value_counts() / (~summer).sum()
    got = written("seasonality.csv").set_index("genre")
    check("summer shares", f"latin {s_share['latin']:.1f}% vs {r_share['latin']:.1f}%",
          same_numbers(got.summer_pct, s_share.reindex(got.index), 0.05)
          and same_numbers(got.not_summer_pct, r_share.reindex(got.index), 0.05))

    # --- Skip rate by platform.
    p = plays.dropna(subset=["platform"]).groupby("platform").skipped.agg(["size", "sum", "mean"])
    got = written("skip_rate_by_platform.csv").set_index("platform")
    check("skip rate by platform", {k: round(v, 4) for k, v in p["mean"].items()},
          (got.plays == p["size"].reindex(got.index)).all() and (got.skipped == p["sum"].reindex(got.index)).all()
          and same_numbers(got.skip_rate, p["mean"].reindex(got.index), 0.00005))

    print(f"{len(failures)} failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
