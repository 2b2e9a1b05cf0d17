#!/usr/bin/env python3
"""Writes the small Parquet files Tests/TRQParquetTests/Fixtures holds (with pyarrow), so the
Swift suite checks the reader without Python. The expected cells are typed by hand in
Tests/TRQParquetTests; rerun this only to add fixtures.
Usage: scripts/make_parquet_fixtures.py [OUT_DIR]
"""
import datetime
import decimal
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq

out = sys.argv[1] if len(sys.argv) > 1 else "Tests/TRQParquetTests/Fixtures"
os.makedirs(out, exist_ok=True)
utc = datetime.timezone.utc
types = pa.table({
    "id": pa.array([1, None, 3, -4], pa.int64()),
    "small": pa.array([1, 2, None, -32768], pa.int16()),
    "score": pa.array([1.5, None, float("nan"), -2.25]),
    "liked": pa.array([True, False, None, True]),
    "genre": pa.array(["pop", "hip hop", None, "pop"]),
    "day": pa.array([datetime.date(2020, 1, 1), None, datetime.date(1600, 5, 6), datetime.date(2999, 12, 31)]),
    "ts_ms": pa.array([datetime.datetime(2024, 1, 1, 12, 0, 0, 123000), None, datetime.datetime(1900, 1, 1), datetime.datetime(2200, 2, 3)], pa.timestamp("ms")),
    "ts_us": pa.array([datetime.datetime(2024, 1, 1, 12, 0, 0, 123456, utc), None, datetime.datetime(1800, 1, 1, tzinfo=utc), datetime.datetime(2262, 1, 1, tzinfo=utc)], pa.timestamp("us", tz="UTC")),
    "ts_ns": pa.array([datetime.datetime(2024, 1, 1, 12, 0, 0, 123456), None, datetime.datetime(1678, 1, 1), datetime.datetime(2262, 4, 11)], pa.timestamp("ns")),
    "price": pa.array([decimal.Decimal("1.23"), None, decimal.Decimal("-4.56"), decimal.Decimal("100.00")], pa.decimal128(10, 2)),
    "raw": pa.array([b"abc", None, b"\xff\x00", b""], pa.binary()),
})
for codec in ["snappy", "gzip", "zstd", "lz4", "brotli", "none"]:
    pq.write_table(types, f"{out}/types-{codec}.parquet", compression=codec)
pq.write_table(types, f"{out}/types-v2-plain.parquet", data_page_version="2.0", use_dictionary=False, write_page_checksum=True)
pq.write_table(types.select(["ts_us", "ts_ns", "day"]), f"{out}/int96.parquet", use_deprecated_int96_timestamps=True)
pq.write_table(types.select(["id", "small"]), f"{out}/delta.parquet", use_dictionary=False, column_encoding="DELTA_BINARY_PACKED")
pq.write_table(types.select(["genre", "raw"]), f"{out}/delta-strings.parquet", use_dictionary=False, column_encoding="DELTA_BYTE_ARRAY")
pq.write_table(types.select(["score"]), f"{out}/split.parquet", use_dictionary=False, column_encoding="BYTE_STREAM_SPLIT")
nested = pa.table({
    "id": pa.array([1, 2, 3]),
    "tags": pa.array([["a", None], None, []], pa.list_(pa.string())),
    "artist": pa.array([{"name": "x", "origin": {"country": "SE"}}, None, {"name": None, "origin": None}]),
    "counts": pa.array([[("k", 1)], None, [("a", 2), ("b", None)]], pa.map_(pa.string(), pa.int64())),
})
pq.write_table(nested, f"{out}/nested.parquet")
# Three row groups of ids 0-9, 10-19, 20-29 with their statistics, for pushdown.
groups = pa.table({"n": pa.array(range(30), pa.int64()), "word": pa.array([f"w{i:02d}" for i in range(30)])})
pq.write_table(groups, f"{out}/groups.parquet", row_group_size=10)
for year, month in [(2023, "07"), (2023, "08"), (2024, "01")]:
    os.makedirs(f"{out}/hive/year={year}/month={month}", exist_ok=True)
    part = pa.table({"plays": pa.array([int(month), int(month) * 10])})
    pq.write_table(part, f"{out}/hive/year={year}/month={month}/part-0.parquet")
open(f"{out}/hive/_SUCCESS", "w").close()
