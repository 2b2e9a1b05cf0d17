#!/usr/bin/env python3
"""Independent check (pandas) of the structure data/README.md promises for the bundled dataset.

Usage: python3 scripts/check_data.py [DATA_DIR [--scaled]]
DATA_DIR defaults to the repository's data/; --scaled skips the checks tied to the default size
(row counts, 5-8 emerging artists) for output of `trq-datagen --listens N` with N != 10,000.
Prints each property with its measured value and exits 1 if any check fails. Optional extras
run when scipy / scikit-learn are installed (chi-square test, genre classifier accuracy).
Not part of CI; the Swift tests in Tests/DatagenTests check the same properties.
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


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "data")
    big = len(sys.argv) > 2 and sys.argv[2] == "--scaled"
    opts = dict(keep_default_na=False, na_values=[""])
    listens = pd.read_csv(os.path.join(d, "listening_2023.csv"), **opts)
    tracks = pd.read_csv(os.path.join(d, "tracks.csv"), **opts)
    artists = pd.read_csv(os.path.join(d, "artists.csv"), **opts)
    users = pd.read_csv(os.path.join(d, "users.csv"), **opts)

    # --- Schema and domains.
    check("listening columns", list(listens.columns),
          list(listens.columns) == ["user_id", "track_id", "played_at", "ms_played", "skipped", "platform", "country"])
    check("tracks columns", len(tracks.columns), list(tracks.columns) == (
        "track_id,track_name,artist_id,artist_name,genre,release_date,duration_ms,explicit,popularity,danceability,"
        "energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature"
    ).split(","))
    check("artists columns", list(artists.columns),
          list(artists.columns) == ["artist_id", "artist_name", "genre", "country", "debut_year", "followers"])
    check("users columns", list(users.columns),
          list(users.columns) == ["user_id", "country", "age_group", "subscription", "signup_date"])
    if not big:
        check("listening rows", len(listens), len(listens) == 10_000)
        check("users / tracks / artists", (len(users), len(tracks), len(artists)),
              900 <= len(users) <= 1100 and 2500 <= len(tracks) <= 3500 and 250 <= len(artists) <= 350)
    played = pd.to_datetime(listens.played_at, format="%Y-%m-%dT%H:%M:%SZ")
    check("played_at within 2023", (played.min(), played.max()), played.dt.year.eq(2023).all())
    check("skipped is true/false", sorted(listens.skipped.unique().tolist()), set(listens.skipped.unique()) <= {True, False})
    check("platforms", listens.platform.value_counts(normalize=True).round(3).to_dict(),
          set(listens.platform.dropna()) == {"mobile", "desktop", "web", "smart_speaker"})
    check("genres", tracks.genre.nunique(), tracks.genre.nunique() >= 12)
    check("countries", listens.country.nunique(), 18 <= listens.country.nunique() <= 22)
    in01 = ["danceability", "energy", "speechiness", "acousticness", "instrumentalness", "liveness", "valence"]
    check("0-1 features in [0, 1]", "", ((tracks[in01] >= 0) & (tracks[in01] <= 1)).all().all())
    check("key 0-11, mode 0/1, time_signature 3-5, popularity 0-100", "",
          tracks.key.between(0, 11).all() and tracks["mode"].isin([0, 1]).all()
          and tracks.time_signature.between(3, 5).all() and tracks.popularity.between(0, 100).all())
    check("loudness -60..0, tempo", (tracks.loudness.min(), tracks.tempo.min(), tracks.tempo.max()),
          tracks.loudness.between(-60, 0).all() and tracks.tempo.between(40, 250).all())

    # --- Referential integrity.
    check("listens' tracks and users exist", "",
          listens.track_id.isin(tracks.track_id).all() and listens.user_id.isin(users.user_id).all())
    check("tracks' artists exist", "", tracks.artist_id.isin(artists.artist_id).all())
    lu = listens.merge(users, on="user_id", suffixes=("", "_user"))
    known = lu.country.notna()
    check("listen country is the user's", "", (lu.country[known] == lu.country_user[known]).all())
    lt = listens.merge(tracks[["track_id", "release_date", "genre", "artist_id"]], on="track_id")
    lt["played"] = pd.to_datetime(lt.played_at, format="%Y-%m-%dT%H:%M:%SZ")
    check("no play before release", "", (lt.played.dt.normalize() >= pd.to_datetime(lt.release_date)).all())
    check("no play before signup", "",
          (pd.to_datetime(lu.played_at, format="%Y-%m-%dT%H:%M:%SZ").dt.normalize()
           >= pd.to_datetime(lu.signup_date)).all())

    # --- Dirt.
    dup = listens.duplicated().mean()
    check("exact duplicate rows", f"{dup:.2%}", 0.01 <= dup <= 0.02)
    null_ms = listens.ms_played.isna().mean()
    check("missing ms_played", f"{null_ms:.2%}", 0.005 <= null_ms <= 0.015)
    check("missing platform / country", (int(listens.platform.isna().sum()), int(listens.country.isna().sum())),
          listens.platform.isna().sum() > 0 and listens.country.isna().sum() > 0)
    huge = (listens.ms_played > 86_400_000).sum()
    check("absurd ms_played (> 1 day)", int(huge), 1 <= huge <= 0.002 * len(listens) + 5)
    clean = listens.drop_duplicates().dropna(subset=["ms_played"])
    clean = clean[clean.ms_played <= 3_600_000]
    check("clean rows after distinct/dropna/filter", len(clean), len(clean) > 0.95 * len(listens))

    # --- Country and genre.
    g = lt.merge(users[["user_id", "country"]], on="user_id", suffixes=("", "_u"))
    latin_c = ["MX", "BR", "ES", "AR", "CO"]
    share = lambda m, genre: (g[m].genre == genre).mean()
    lat_in, lat_out = share(g.country_u.isin(latin_c), "latin"), share(~g.country_u.isin(latin_c), "latin")
    check("latin share MX/BR/ES/AR/CO vs elsewhere", f"{lat_in:.3f} vs {lat_out:.3f} (x{lat_in / lat_out:.1f})",
          lat_in > 2.5 * lat_out)
    kp_in, kp_out = share(g.country_u.isin(["KR", "JP"]), "k-pop"), share(~g.country_u.isin(["KR", "JP"]), "k-pop")
    check("k-pop share KR/JP vs elsewhere", f"{kp_in:.3f} vs {kp_out:.3f} (x{kp_in / kp_out:.1f})", kp_in > 3 * kp_out)
    try:
        from scipy.stats import chi2_contingency
        table = pd.crosstab(g.country_u, g.genre)
        chi2, p, dof, _ = chi2_contingency(table)
        check("country x genre chi-square", f"chi2={chi2:.0f} dof={dof} p={p:.1e}", p < 1e-6)
    except ImportError:
        pass

    # --- Popularity concentration.
    plays = lt.track_id.value_counts()
    plays = plays.reindex(tracks.track_id, fill_value=0).sort_values(ascending=False)
    top = plays.iloc[: len(tracks) // 10].sum() / plays.sum()
    check("top 10% of tracks' share of plays", f"{top:.1%}", top > 0.5)
    check("popularity column follows plays (Spearman)",
          f"{tracks.set_index('track_id').popularity.corr(plays, method='spearman'):.2f}",
          tracks.set_index("track_id").popularity.corr(plays, method="spearman") > 0.4)

    # --- Emerging artists.
    emerging = artists[artists.debut_year == 2023].artist_id
    em = lt[lt.artist_id.isin(emerging)]
    h1, h2 = (em.played.dt.month <= 6).sum(), (em.played.dt.month > 6).sum()
    check("emerging artists (debut 2023)", len(emerging), 5 <= len(emerging) <= 8 or big)
    check("emerging plays H1 -> H2", f"{h1} -> {h2}", h2 > 2 * h1)
    per = em.groupby([em.artist_id, em.played.dt.month > 6]).size().unstack(fill_value=0)
    grows = int((per.get(True, 0) > per.get(False, 0)).sum())
    check("emerging artists each growing H1 -> H2", f"{grows}/{len(emerging)}", grows >= len(emerging) - 1)

    # --- Seasonality.
    monthly = lt.played.dt.month.value_counts().sort_index()
    check("December vs February volume", f"{monthly[12] / monthly[2]:.2f}", monthly[12] / monthly[2] > 1.05)
    summer = lt.played.dt.month.isin([6, 7, 8])
    s_l, w_l = (lt[summer].genre == "latin").mean(), (lt[~summer].genre == "latin").mean()
    check("latin share in Jun-Aug vs rest", f"{s_l:.3f} vs {w_l:.3f}", s_l > w_l)

    # --- Skips: far from the listener's own taste -> more skips.
    own = lt.groupby(["user_id", "genre"]).size().rename("n").reset_index()
    tot = lt.groupby("user_id").size().rename("total")
    own = own.merge(tot, on="user_id")
    lt2 = lt.merge(own, on=["user_id", "genre"])
    lt2["share"] = (lt2.n - 1) / (lt2.total - 1).clip(lower=1)  # leave this play out
    lt2 = lt2[lt2.total >= 10]
    near, far = lt2[lt2.share >= 0.3].skipped.mean(), lt2[lt2.share < 0.05].skipped.mean()
    check("skip rate: genre the user plays a lot vs rarely", f"{near:.3f} vs {far:.3f}", far > near + 0.05)
    check("overall skip rate", f"{listens.skipped.mean():.3f}", 0.1 < listens.skipped.mean() < 0.45)

    # --- Collaborative filtering vs popularity (item-kNN, leave-last-20%-out per user).
    if tracks.shape[0] <= 5_000:  # dense item-item similarity
        cf, pop = cf_vs_popularity(listens.drop_duplicates())
        check("item-kNN hit rate@10 vs popularity", f"{cf:.3f} vs {pop:.3f}", cf > pop)

    # --- Genre overlap: a random forest on the audio features.
    try:
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.model_selection import StratifiedKFold, cross_val_score
        feats = ["duration_ms", "danceability", "energy", "key", "loudness", "mode", "speechiness",
                 "acousticness", "instrumentalness", "liveness", "valence", "tempo", "time_signature"]
        rf = RandomForestClassifier(200, random_state=0, n_jobs=2)
        y = np.asarray(tracks.genre, dtype=str)
        acc = cross_val_score(rf, tracks[feats].values, y, cv=StratifiedKFold(3, shuffle=True, random_state=0)).mean()
        check("genre random-forest accuracy (real 14-genre subset: 0.49)", f"{acc:.3f}", 0.35 < acc < 0.7)
    except ImportError:
        pass

    print(f"\n{len(failures)} failed" if failures else "\nall checks passed")
    return 1 if failures else 0


def cf_vs_popularity(listens, k=10):
    """Hit rate@k on each user's last 20% of distinct tracks (users with >= 5), excluding
    tracks already played: item-item cosine neighbourhoods vs most-played tracks."""
    from scipy.sparse import csr_matrix
    l = listens.sort_values("played_at")
    users = l.user_id.astype("category")
    items = l.track_id.astype("category")
    l = l.assign(u=users.cat.codes.values, i=items.cat.codes.values)
    first = l.drop_duplicates(["u", "i"])
    counts = first.groupby("u").size()
    eligible = counts[counts >= 5].index
    first = first.assign(rank=first.groupby("u").cumcount(), n=first.u.map(counts))
    test = first[first.u.isin(eligible) & (first["rank"] >= (first.n * 0.8).astype(int))]
    test_pairs = set(zip(test.u, test.i))
    train = l[[(u, i) not in test_pairs for u, i in zip(l.u, l.i)]]
    nu, ni = users.cat.categories.size, items.cat.categories.size
    m = csr_matrix((np.ones(len(train)), (train.u, train.i)), shape=(nu, ni))
    m.data = np.log1p(m.data)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(0))).ravel() + 1e-9
    sim = (m.T @ m).toarray() / norms[:, None] / norms[None, :]
    np.fill_diagonal(sim, 0)
    popularity = np.asarray((m > 0).sum(0)).ravel().astype(float)
    truth = test.groupby("u").i.apply(set)
    hits_cf = hits_pop = 0
    for u, items_u in truth.items():
        row = m.getrow(u)
        seen = row.indices
        scores = row @ sim
        scores = np.asarray(scores).ravel()
        scores[seen] = -np.inf
        pop = popularity.copy()
        pop[seen] = -np.inf
        hits_cf += len(set(np.argsort(-scores)[:k]) & items_u) > 0
        hits_pop += len(set(np.argsort(-pop)[:k]) & items_u) > 0
    return hits_cf / len(truth), hits_pop / len(truth)


if __name__ == "__main__":
    sys.exit(main())
