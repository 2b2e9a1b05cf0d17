#!/usr/bin/env python3
"""Checks trq's Parquet reader and writer against pyarrow, cell by cell.

Usage: scripts/check_parquet.py TRQ_BINARY [WORK_DIR]

Reader: writes files with pyarrow covering every codec, encoding, page version, nulls, nested
data, INT96 far from 1970, decimals and timestamps in ms/us/ns, loads each with
`trq --format json`, and compares every cell with what pyarrow holds.
Writer: saves tables with trq (`save "x.parquet" with compression = ...`) and reads them back
with pyarrow, DuckDB and polars (those installed), comparing every cell with the source.
Prints one line per file and ends with `N files checked, N failed`; exits 1 on a failure.
"""
import datetime
import decimal
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
ROWS = 3000


def micros(value, unit):
    """A timestamp's integer value in `unit` as microseconds, floored."""
    return {"s": value * 1_000_000, "ms": value * 1000, "us": value, "ns": value // 1000}[unit]


def parse_trq_timestamp(text):
    """trq prints `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (or a date for midnight-free values)."""
    date, _, clock = text.rstrip("Z").partition("T")
    negative_year = date.startswith("-")
    y, m, d = (int(x) for x in date.lstrip("-").split("-"))
    if negative_year:
        y = -y
    days = days_from_civil(y, m, d)
    seconds, _, fraction = (clock or "00:00:00").partition(".")
    hh, mm, ss = (int(x) for x in seconds.split(":"))
    us = int((fraction + "000000")[:6]) if fraction else 0
    return ((days * 86400 + hh * 3600 + mm * 60 + ss) * 1_000_000) + us


def days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def expected_cells(column, field_type):
    """The column's values as trq should print them in JSON (before nested JSON parsing)."""
    if pa.types.is_timestamp(field_type):
        ints = column.cast(pa.int64()).to_pylist()
        return [None if v is None else ("ts", micros(v, field_type.unit)) for v in ints]
    if pa.types.is_date32(field_type):
        return [None if v is None else ("date", v) for v in column.cast(pa.int32()).to_pylist()]
    if pa.types.is_decimal(field_type):
        return [None if v is None else ("float", float(v)) for v in column.to_pylist()]
    if pa.types.is_floating(field_type):
        return [None if v is None else ("float", float(v)) for v in column.to_pylist()]
    if pa.types.is_binary(field_type) or pa.types.is_fixed_size_binary(field_type):
        out = []
        for v in column.to_pylist():
            if v is None:
                out.append(None)
                continue
            try:
                out.append(v.decode("utf-8"))
            except UnicodeDecodeError:
                out.append("0x" + v.hex())
        return out
    if pa.types.is_list(field_type) or pa.types.is_map(field_type) or pa.types.is_large_list(field_type):
        return [None if v is None else ("json", to_json_value(v, field_type)) for v in column.to_pylist()]
    return column.to_pylist()


def to_json_value(v, t):
    if v is None:
        return None
    if pa.types.is_map(t):
        return {str(k): to_json_value(x, t.item_type) for k, x in v}
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return [to_json_value(x, t.value_type) for x in v]
    if pa.types.is_struct(t):
        return {f.name: to_json_value(v[f.name], f.type) for f in t}
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    return v


def flat_fields(schema):
    """trq's columns: structs flatten to parent.child; lists and maps stay whole."""
    out = []

    def walk(prefix, field, path):
        if pa.types.is_struct(field.type):
            for child in field.type:
                walk(prefix + field.name + ".", child, path + [child.name])
        else:
            out.append((prefix + field.name, field.type, path))

    for field in schema:
        walk("", field, [field.name])
    return out


def column_values(table, path):
    col = table.column(path[0]).combine_chunks()
    for name in path[1:]:
        # A null parent makes its children null.
        parent_valid = col.is_valid()
        col = col.field(name)
        col = pa.compute.if_else(parent_valid, col, pa.nulls(len(col), col.type))
    return col


def same(a, b):
    """Cell equality: typed expectations against trq's JSON values."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, tuple):
        kind, value = a
        if kind == "ts":
            return isinstance(b, str) and parse_trq_timestamp(b) == value
        if kind == "date":
            return isinstance(b, str) and days_from_civil(*(int(x) for x in b.split("-"))) == value
        if kind == "float":
            if isinstance(b, str):
                return (math.isnan(value) and b == "NaN") or (math.isinf(value) and b in ("inf", "-inf", "Infinity", "-Infinity"))
            return isinstance(b, (int, float)) and (b == value or abs(b - value) <= 1e-12 * max(1.0, abs(value)))
        if kind == "json":
            return isinstance(b, str) and json_equal(json.loads(b), value)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def json_equal(x, y):
    if isinstance(x, float) or isinstance(y, float):
        return x is not None and y is not None and abs(x - y) <= 1e-12 * max(1.0, abs(y))
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(json_equal(a, b) for a, b in zip(x, y))
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(json_equal(x[k], y[k]) for k in x)
    return x == y


def trq_rows(trq, statement):
    run = subprocess.run([trq, "--format", "json", "-c", statement], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr.strip())
    return json.loads(run.stdout) if run.stdout.strip() else []


def compare(name, table, rows):
    """Every cell of `table` (pyarrow) against trq's JSON rows; the first differences."""
    problems = []
    fields = flat_fields(table.schema)
    if len(rows) != table.num_rows:
        return [f"{len(rows)} rows, expected {table.num_rows}"]
    if rows and list(rows[0].keys()) != [f[0] for f in fields]:
        return [f"columns {list(rows[0].keys())}, expected {[f[0] for f in fields]}"]
    for column, field_type, path in fields:
        expected = expected_cells(column_values(table, path), field_type)
        for i, (want, row) in enumerate(zip(expected, rows)):
            if not same(want, row[column]):
                problems.append(f"column {column} row {i}: trq {row[column]!r}, expected {want!r}")
                break
    return problems


def source_table(rng, rows):
    def maybe(values, p=0.1):
        return [None if rng.random() < p else v for v in values]
    words = ["pop", "rock", "jazz", "hip hop", "ünïcode", "", "a" * 40, "x\"q\\n"]
    return pa.table({
        "i64": pa.array(maybe([rng.randint(-2**62, 2**62) for _ in range(rows)]), pa.int64()),
        "i32": pa.array(maybe([rng.randint(-2**31, 2**31 - 1) for _ in range(rows)]), pa.int32()),
        "i16": pa.array(maybe([rng.randint(-2**15, 2**15 - 1) for _ in range(rows)]), pa.int16()),
        "u32": pa.array(maybe([rng.randint(0, 2**32 - 1) for _ in range(rows)]), pa.uint32()),
        "f64": pa.array(maybe([rng.uniform(-1e6, 1e6) for _ in range(rows)]), pa.float64()),
        "f32": pa.array(maybe([float(rng.randint(-1000, 1000)) / 4 for _ in range(rows)]), pa.float32()),
        "flag": pa.array(maybe([rng.random() < 0.5 for _ in range(rows)]), pa.bool_()),
        "genre": pa.array(maybe([rng.choice(words) for _ in range(rows)]), pa.string()),
        "track": pa.array(maybe([f"track-{rng.randint(0, rows * 10)}" for _ in range(rows)]), pa.string()),
        "day": pa.array(maybe([datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randint(-200000, 200000)) for _ in range(rows)]), pa.date32()),
        "ts_ms": pa.array(maybe([rng.randint(-2**40, 2**42) for _ in range(rows)]), pa.timestamp("ms")),
        "ts_us": pa.array(maybe([rng.randint(-2**55, 2**55) for _ in range(rows)]), pa.timestamp("us", tz="UTC")),
        "ts_ns": pa.array(maybe([rng.randint(-2**62, 2**62) for _ in range(rows)]), pa.timestamp("ns")),
        "price": pa.array(maybe([decimal.Decimal(rng.randint(-10**8, 10**8)) / 100 for _ in range(rows)]), pa.decimal128(12, 2)),
        "big": pa.array(maybe([decimal.Decimal(rng.randint(-10**30, 10**30)) / 10**4 for _ in range(rows)]), pa.decimal128(38, 4)),
        "raw": pa.array(maybe([bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 6))) for _ in range(rows)]), pa.binary()),
    })


def nested_table(rng, rows):
    def maybe(v, p=0.15):
        return None if rng.random() < p else v
    return pa.table({
        "id": pa.array(range(rows), pa.int64()),
        "tags": pa.array([maybe([maybe(rng.choice(["a", "b", "c"])) for _ in range(rng.randint(0, 3))]) for _ in range(rows)], pa.list_(pa.string())),
        "scores": pa.array([maybe([[rng.randint(0, 9) for _ in range(rng.randint(0, 2))] for _ in range(rng.randint(0, 2))]) for _ in range(rows)], pa.list_(pa.list_(pa.int64()))),
        "artist": pa.array([maybe({"name": maybe(rng.choice(["x", "y"])), "plays": maybe(rng.randint(0, 99)), "origin": maybe({"country": rng.choice(["SE", "US"])})}) for _ in range(rows)],
                           pa.struct([("name", pa.string()), ("plays", pa.int64()), ("origin", pa.struct([("country", pa.string())]))])),
        "counts": pa.array([maybe([(rng.choice(["k1", "k2", "k3"]) + str(j), maybe(rng.randint(0, 5))) for j in range(rng.randint(0, 3))]) for _ in range(rows)], pa.map_(pa.string(), pa.int64())),
        "events": pa.array([maybe([{"at": rng.randint(0, 9), "what": maybe(rng.choice(["play", "skip"]))} for _ in range(rng.randint(0, 2))]) for _ in range(rows)],
                           pa.list_(pa.struct([("at", pa.int64()), ("what", pa.string())]))),
    })


def reader_cases(rng):
    flat = source_table(rng, ROWS)
    nested = nested_table(rng, ROWS)
    base = dict(row_group_size=1000, data_page_size=2048)
    cases = []
    for codec in ["none", "snappy", "gzip", "zstd", "lz4", "brotli"]:
        for version in ["1.0", "2.0"]:
            cases.append((f"{codec}-page{version}", flat, dict(base, compression=codec, data_page_version=version)))
    cases.append(("plain-no-dictionary", flat, dict(base, use_dictionary=False)))
    # Dictionaries that fill up part-way through a chunk: dictionary and plain pages mixed.
    cases.append(("dictionary-fallback", flat, dict(base, dictionary_pagesize_limit=300)))
    cases.append(("checksums", flat, dict(base, write_page_checksum=True)))
    cases.append(("int96", flat.select(["ts_us", "ts_ns", "day"]), dict(base, use_deprecated_int96_timestamps=True)))
    cases.append(("nested", nested, dict(base)))
    cases.append(("nested-page2-zstd", nested, dict(base, data_page_version="2.0", compression="zstd")))
    ints = flat.select(["i64", "i32", "i16", "ts_us", "day"])
    cases.append(("delta-binary-packed", ints, dict(base, use_dictionary=False, column_encoding="DELTA_BINARY_PACKED")))
    strings = flat.select(["genre", "track", "raw"])
    for encoding in ["DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY"]:
        for version in ["1.0", "2.0"]:
            cases.append((f"{encoding.lower()}-page{version}", strings, dict(base, use_dictionary=False, column_encoding=encoding, data_page_version=version)))
    floats = flat.select(["f64", "f32", "i32", "i64"])
    cases.append(("byte-stream-split", floats, dict(base, use_dictionary=False, column_encoding="BYTE_STREAM_SPLIT")))
    cases.append(("bool-rle-page2", flat.select(["flag"]), dict(base, use_dictionary=False, data_page_version="2.0")))
    cases.append(("empty", flat.slice(0, 0), dict(base)))
    # PLAIN pages that trq decompresses straight into the column: several pages a chunk, of
    # optional columns without nulls, a required column, and a column with a null every 300
    # rows (its pages with one null look like pages without nulls until their levels are read).
    dense = pa.table({
        "req": pa.array([rng.randint(-2**62, 2**62) for _ in range(ROWS)], pa.int64()),
        "i64": pa.array([rng.randint(-2**62, 2**62) for _ in range(ROWS)], pa.int64()),
        "f64": pa.array([rng.uniform(-1e6, 1e6) for _ in range(ROWS)], pa.float64()),
        "ts_us": pa.array([rng.randint(-2**55, 2**55) for _ in range(ROWS)], pa.timestamp("us", tz="UTC")),
        "rare": pa.array([None if i % 300 == 7 else rng.randint(0, 2**40) for i in range(ROWS)], pa.int64()),
    }, schema=pa.schema([pa.field("req", pa.int64(), nullable=False), ("i64", pa.int64()), ("f64", pa.float64()),
                         ("ts_us", pa.timestamp("us", tz="UTC")), ("rare", pa.int64())]))
    for codec in ["snappy", "zstd"]:
        for version in ["1.0", "2.0"]:
            cases.append((f"plain-dense-{codec}-page{version}", dense, dict(base, use_dictionary=False, compression=codec, data_page_version=version)))
    # Dictionary indices of 17 bits (100k distinct values), past what the small tables reach.
    many = 200_000
    order = list(range(many))
    rng.shuffle(order)
    wide = pa.table({"id": pa.array([i % 100_003 for i in order], pa.int64()),
                     "name": pa.array([None if i % 97 == 0 else f"v{i % 70_001}" for i in order], pa.string())})
    cases.append(("wide-dictionary-indices", wide, dict(row_group_size=many, dictionary_pagesize_limit=1 << 23)))
    return cases


def check_reader(trq, work, rng):
    failures = 0
    checked = 0
    for name, table, options in reader_cases(rng):
        path = os.path.join(work, f"read-{name}.parquet")
        try:
            pq.write_table(table, path, **options)
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid, ValueError) as error:
            print(f"skip   {name}: pyarrow cannot write it ({error})")
            continue
        checked += 1
        try:
            problems = compare(name, table, trq_rows(trq, f'load "{path}"'))
        except Exception as error:  # trq failed or printed something unparsable
            problems = [str(error)]
        failures += bool(problems)
        print(("FAIL   " if problems else "ok     ") + f"read {name}" + ("".join("\n       " + p for p in problems[:5])))
    return checked, failures


def check_writer(trq, work, rng):
    """trq saves, other engines read back; every cell compared with the source."""
    source = source_table(rng, ROWS).drop_columns(["raw", "u32", "f32", "i16", "ts_ns", "ts_ms", "big"])
    source_path = os.path.join(work, "writer-source.parquet")
    pq.write_table(source, source_path)
    expected = trq_rows(trq, f'load "{source_path}"')
    readers = {"pyarrow": lambda p: pq.read_table(p).to_pylist()}
    try:
        import duckdb
        readers["duckdb"] = lambda p: [dict(zip([d[0] for d in r.description], row)) for r in [duckdb.sql(f"select * from read_parquet('{p}')")] for row in r.fetchall()]
    except ImportError:
        print("note: duckdb not installed; the writer is checked with pyarrow only")
    try:
        import polars
        readers["polars"] = lambda p: polars.read_parquet(p).to_dicts()
    except ImportError:
        print("note: polars not installed")
    checked = failures = 0
    for codec in ["snappy", "zstd", "gzip", "none"]:
        path = os.path.join(work, f"written-{codec}.parquet")
        option = "" if codec == "snappy" else f' with compression = "{codec}"'
        checked += 1
        run = subprocess.run([trq, "-c", f'load "{source_path}" | save "{path}"{option}'], capture_output=True, text=True)
        if run.returncode != 0:
            failures += 1
            print(f"FAIL   write {codec}: {run.stderr.strip()}")
            continue
        meta = pq.ParquetFile(path).metadata
        problems = []
        actual_codec = meta.row_group(0).column(0).compression.lower() if meta.num_row_groups else codec
        if actual_codec != {"none": "uncompressed"}.get(codec, codec):
            problems.append(f"codec {actual_codec}, expected {codec}")
        # pyarrow must see each column's min and max (it ignores them without column orders).
        written = pq.read_table(path)
        for i, name in enumerate(written.column_names if meta.num_row_groups else []):
            column, stats = written.column(name), meta.row_group(0).column(i).statistics
            if meta.num_row_groups != 1 or column.null_count == len(column):
                continue
            if stats is None or not stats.has_min_max:
                problems.append(f"pyarrow sees no min/max statistics for {name}")
            elif (stats.min, stats.max) != tuple(pc.min_max(column).as_py().values()):
                problems.append(f"statistics of {name}: {stats.min!r}..{stats.max!r}, values {pc.min_max(column).as_py()}")
        for reader, read in readers.items():
            rows = read(path)
            if len(rows) != len(expected):
                problems.append(f"{reader}: {len(rows)} rows, expected {len(expected)}")
                continue
            for i, (want, got) in enumerate(zip(expected, rows)):
                bad = [k for k in want if not written_same(want[k], got.get(k))]
                if bad:
                    problems.append(f"{reader} row {i} column {bad[0]}: {got.get(bad[0])!r}, trq had {want[bad[0]]!r}")
                    break
        failures += bool(problems)
        print(("FAIL   " if problems else "ok     ") + f"write {codec} (read back by {', '.join(readers)})" + "".join("\n       " + p for p in problems[:5]))
    return checked, failures


def written_same(trq_value, other):
    """trq's JSON cell against a value another engine read from trq's file."""
    if trq_value is None or other is None:
        return trq_value is None and other is None
    if isinstance(other, datetime.datetime):
        if other.tzinfo is None:
            other = other.replace(tzinfo=datetime.timezone.utc)
        delta = other - EPOCH
        return parse_trq_timestamp(trq_value) == (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(other, datetime.date):
        return trq_value == other.isoformat()
    if isinstance(other, bool) or isinstance(trq_value, bool):
        return trq_value is other
    if isinstance(other, float):
        return isinstance(trq_value, (int, float)) and (trq_value == other or abs(trq_value - other) <= 1e-12 * max(1.0, abs(other)))
    return trq_value == other


def main():
    trq = sys.argv[1]
    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="trq-parquet-")
    os.makedirs(work, exist_ok=True)
    rng = random.Random(13)
    read_checked, read_failed = check_reader(trq, work, rng)
    write_checked, write_failed = check_writer(trq, work, rng)
    checked, failed = read_checked + write_checked, read_failed + write_failed
    print(f"{checked} files checked, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
