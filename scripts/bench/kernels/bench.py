"""Times the kernel benchmark's queries in DuckDB, polars and pandas on the arrays main.swift wrote."""
import sys, time
import numpy as np, pandas as pd, polars as pl, duckdb

directory = sys.argv[1]
countries = np.array([f"C{i:02d}" for i in range(60)], dtype=object)
platforms = np.array(["android", "ios", "web", "desktop"], dtype=object)
ms = np.fromfile(f"{directory}/ms_played.f64")
df = pd.DataFrame({
    "country": countries[np.fromfile(f"{directory}/country.i32", dtype=np.int32)],
    "platform": platforms[np.fromfile(f"{directory}/platform.i32", dtype=np.int32)],
    "user_id": np.fromfile(f"{directory}/user_id.i64", dtype=np.int64),
    "track_id": np.fromfile(f"{directory}/track_id.i64", dtype=np.int64),
    "ms_played": ms,  # NaN marks null, which pandas skips like trq
})
pdf = pl.from_pandas(df).with_columns(pl.col("ms_played").fill_nan(None))
con = duckdb.connect()
con.execute("SET threads TO 2")
con.register("events_df", pdf.to_arrow())
con.execute("CREATE TABLE events AS SELECT * FROM events_df")

def best(label, fn):
    times = []
    for _ in range(3):
        start = time.perf_counter(); rows = fn(); times.append(time.perf_counter() - start)
    print(f"{label}: {min(times) * 1000:.0f} ms (best of 3, {rows} rows)")

queries = [
    ("groupby country, platform", ["country", "platform"], "user_id"),
    ("groupby user_id, platform", ["user_id", "platform"], "track_id"),
]
for label, keys, distinct in queries:
    k = ", ".join(keys)
    best(f"duckdb {label}", lambda: len(con.execute(
        f"SELECT {k}, count(*), avg(ms_played), count(DISTINCT {distinct}) FROM events GROUP BY {k}").fetchall()))
    best(f"polars {label}", lambda: pdf.group_by(keys).agg(
        pl.len(), pl.col("ms_played").mean(), pl.col(distinct).n_unique()).height)
    best(f"pandas {label}", lambda: len(df.groupby(keys, sort=False).agg(
        n=("ms_played", "size"), m=("ms_played", "mean"), d=(distinct, "nunique"))))
best("duckdb median by track_id", lambda: len(con.execute(
    "SELECT track_id, median(ms_played) FROM events GROUP BY track_id").fetchall()))
best("polars median by track_id", lambda: pdf.group_by("track_id").agg(pl.col("ms_played").median()).height)
best("duckdb sort by country, ms_played desc", lambda: con.execute(
    "SELECT count(*) FROM (SELECT * FROM events ORDER BY country, ms_played DESC NULLS LAST)").fetchall()[0][0])
best("polars sort by country, ms_played desc", lambda: pdf.sort(
    ["country", "ms_played"], descending=[False, True], nulls_last=True, maintain_order=True).height)
