"""Writes the Arrow IPC fixtures of Tests/TRQArrowTests with pyarrow. The tests type the expected
cells by hand from the values below; rerun after changing them: python3 scripts/spark/make_arrow_fixtures.py"""
import datetime as dt
import decimal
import os

import pyarrow as pa

out = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "TRQArrowTests", "Fixtures")
os.makedirs(out, exist_ok=True)

# Every flat type Spark returns, with nulls, in two record batches of one stream.
schema = pa.schema([
    ("i8", pa.int8()), ("i16", pa.int16()), ("i32", pa.int32()), ("i64", pa.int64()),
    ("f32", pa.float32()), ("f64", pa.float64()), ("b", pa.bool_()), ("s", pa.string()),
    ("d", pa.date32()), ("ts", pa.timestamp("us", tz="UTC")), ("dec", pa.decimal128(10, 2)),
    ("nothing", pa.null()),
])
batches = [
    pa.record_batch([
        pa.array([-128, None, 7], pa.int8()), pa.array([-32768, 2, None], pa.int16()),
        pa.array([None, -5, 2147483647], pa.int32()), pa.array([-(2**63), 0, 2**62], pa.int64()),
        pa.array([1.5, None, -0.25], pa.float32()), pa.array([None, 3.125, -1e300], pa.float64()),
        pa.array([True, None, False], pa.bool_()), pa.array(["héllo", None, ""], pa.string()),
        pa.array([dt.date(1969, 12, 31), dt.date(2023, 3, 1), None], pa.date32()),
        pa.array([dt.datetime(2023, 1, 2, 3, 4, 5, 6), None, dt.datetime(1969, 12, 31, 23, 59, 59)], pa.timestamp("us", tz="UTC")),
        pa.array([decimal.Decimal("12.34"), decimal.Decimal("-0.01"), None], pa.decimal128(10, 2)),
        pa.nulls(3),
    ], schema=schema),
    pa.record_batch([
        pa.array([1], pa.int8()), pa.array([None], pa.int16()), pa.array([3], pa.int32()), pa.array([None], pa.int64()),
        pa.array([None], pa.float32()), pa.array([2.0], pa.float64()), pa.array([True], pa.bool_()),
        pa.array(["héllo"], pa.string()), pa.array([dt.date(1970, 1, 1)], pa.date32()),
        pa.array([None], pa.timestamp("us", tz="UTC")), pa.array([decimal.Decimal("1.00")], pa.decimal128(10, 2)),
        pa.nulls(1),
    ], schema=schema),
]
with pa.OSFile(os.path.join(out, "flat.arrows"), "wb") as f, pa.ipc.new_stream(f, schema) as w:
    for b in batches:
        w.write_batch(b)

# Other units and widths: large strings, date64, timestamps in s, ms, ns (no time zone).
other = pa.table({
    "ls": pa.array(["a", None, "ccc"], pa.large_string()),
    "d64": pa.array([dt.date(2000, 2, 29), None, dt.date(1960, 1, 1)], pa.date64()),
    "ts_s": pa.array([0, 1, -1], pa.timestamp("s")),
    "ts_ms": pa.array([1, None, -1], pa.timestamp("ms")),
    "ts_ns": pa.array([1999, 1000, -1], pa.timestamp("ns")),
    "u16": pa.array([65535, 0, 1], pa.uint16()),
})
with pa.OSFile(os.path.join(out, "units.arrows"), "wb") as f, pa.ipc.new_stream(f, other.schema) as w:
    w.write_table(other)

# A nested column, which trq refuses by name.
nested = pa.table({"ok": [1], "tags": pa.array([["x"]], pa.list_(pa.string()))})
with pa.OSFile(os.path.join(out, "nested.arrows"), "wb") as f, pa.ipc.new_stream(f, nested.schema) as w:
    w.write_table(nested)
