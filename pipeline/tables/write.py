"""Writing: rows -> Parquet tables with the schemas from schemas/, all-or-nothing.

Tables are first written into a temporary folder inside the output folder and moved into
place only when every table of the run is written, so an interrupted run (Ctrl-C, kill) leaves
the previous tables intact and readable. Files with nullable integer or date columns carry
pandas metadata so that `pd.read_parquet` gives Int64 and date columns, never float or object.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.batch.fingerprint import extraction_version
from pipeline.tables.publish import publish
from pipeline.tables.schemas import SCHEMA_VERSION, load_schema



def run_memory_pool() -> pa.MemoryPool:
    """The Arrow allocator for a run: jemalloc where pyarrow has it, else the system's."""
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        return pa.system_memory_pool()


def use_run_memory_pool() -> pa.MemoryPool:
    """Let Arrow allocate with `run_memory_pool()`; returns the pool that was in use.

    pyarrow 26 defaults to mimalloc, with which the main process of a 10,000-page run spent
    ~0.8 s more CPU (merging the projects alone: 0.45 s instead of 0.16 s); the system
    allocator is as fast but its peak RSS at 100k pages was 800 MB against jemalloc's 670 MB
    (bench/README.md). Buffers remember their pool, so switching is always safe."""
    old = pa.default_memory_pool()
    pa.set_memory_pool(run_memory_pool())
    return old


@contextmanager
def memory_pool_for_run() -> Iterator[None]:
    """`use_run_memory_pool` for the duration of a run, then the caller's pool again."""
    old = use_run_memory_pool()
    try:
        yield
    finally:
        pa.set_memory_pool(old)


def _ts(value: Any) -> Any:
    if value is None or isinstance(value, datetime):
        return value
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


@lru_cache(maxsize=None)
def arrow_schema(table: str) -> pa.Schema:
    """The table's Arrow schema with the pandas metadata that makes pandas read every integer
    column as Int64 and dates as dates (computed once from an empty frame), and the full
    pipeline version (as in runs.parquet: package version + fingerprint of code and data)."""
    schema = load_schema(table)
    base = schema.to_arrow()
    meta: dict[bytes, bytes] = {}
    if schema.needs_pandas_types:
        import pandas as pd  # only for the metadata; rows never go through pandas

        types = {pa.int64(): pd.Int64Dtype(), pa.date32(): pd.ArrowDtype(pa.date32())}
        empty = pa.Table.from_pylist([], schema=base).to_pandas(types_mapper=types.get)
        meta = dict(pa.Table.from_pandas(empty, schema=base, preserve_index=False).schema.metadata or {})
    meta.update({b"table": table.encode(), b"schema_version": SCHEMA_VERSION.encode(),
                 b"pipeline_version": extraction_version().encode()})
    return base.with_metadata(meta)


@lru_cache(maxsize=None)
def _column_names(table: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The table's column names in schema order, and its timestamp columns (in that order)."""
    columns = load_schema(table).columns
    return tuple(c.name for c in columns), tuple(c.name for c in columns if c.type == "timestamp")


@lru_cache(maxsize=None)
def _row_type(table: str) -> tuple[pa.StructType, tuple[int, ...], tuple[str, ...]]:
    """The table's columns as one Arrow struct type, except the timestamp columns (which go
    through `_ts`): where each struct field goes in the schema, and the timestamp columns."""
    schema = arrow_schema(table)
    ts = _column_names(table)[1]
    fields = [f for f in schema if f.name not in ts]
    return pa.struct(fields), tuple(schema.get_field_index(f.name) for f in fields), ts


def to_arrow(table: str, rows: Iterable[dict[str, Any]]) -> pa.Table:
    """Rows (dicts with the schema's column names) -> an Arrow table with the exact schema.

    Arrow converts the dicts itself (as one struct array: a missing key is null, an extra key
    is ignored), so no Python loop runs per row and column; only timestamps take `_ts`."""
    rows = rows if isinstance(rows, list) else list(rows)
    schema = arrow_schema(table)
    struct_type, positions, ts_cols = _row_type(table)
    struct = pa.array(rows, type=struct_type)
    if struct.null_count:
        raise TypeError(f"{table}: a row is None, not a dict")
    columns: list[Any] = [None] * len(schema)
    for pos, child in zip(positions, struct.flatten()):
        columns[pos] = child
    for c in ts_cols:
        columns[schema.get_field_index(c)] = pa.array([_ts(r.get(c)) for r in rows], type=schema.field(c).type)
    return pa.Table.from_arrays(columns, schema=schema)


def to_columns(table: str, rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Rows -> one list of values per column, in schema order (timestamps read by `_ts`).

    What pool workers send instead of row dicts: plain lists pickle and unpickle faster, and
    the workers need no Arrow (pyarrow imports pandas, ~0.3 s per process, on its first
    conversion from Python objects). `columns_to_arrow` makes the table of them."""
    names, ts = _column_names(table)
    return [[_ts(r.get(n)) for r in rows] if n in ts else [r.get(n) for r in rows] for n in names]


def columns_to_arrow(table: str, columns: list[list[Any]]) -> pa.Table:
    """`to_columns` output -> the same Arrow table as `to_arrow` of the rows."""
    schema = arrow_schema(table)
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema)], schema=schema)


class StreamingTables:
    """Tables written row group by row group into a staging folder, then moved into place.

    Memory stays flat however many pages a run has: rows are buffered per table, converted to
    Arrow every `convert_rows` rows (row dicts are large, and while they live the cyclic GC keeps
    rescanning them) and written as one row group every `flush_rows` rows. `commit()` moves
    every table into place at the end of a run, all at once (`tables/publish.py`).
    """

    def __init__(self, out_dir: Path, tables: Iterable[str], flush_rows: int = 5000, convert_rows: int = 1000,
                 metadata: dict[bytes, bytes] | None = None) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        self.metadata = metadata or {}  # added to every table's Parquet metadata (the personal-data policy)
        for stale in out_dir.glob(".tmp-run-*"):  # left by a killed run; we hold the lock now
            shutil.rmtree(stale, ignore_errors=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=".tmp-run-", dir=out_dir))
        self.flush_rows, self.convert_rows = flush_rows, convert_rows
        self.buffers: dict[str, list[dict[str, Any]]] = {t: [] for t in tables}
        self.converted: dict[str, list[pa.Table]] = {}  # buffered rows already in Arrow, in order
        self.n_converted: dict[str, int] = {}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.counts: dict[str, int] = {t: 0 for t in self.buffers}

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        buf = self.buffers.setdefault(table, [])
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        buf.extend(rows)
        if len(buf) + self.n_converted.get(table, 0) >= self.flush_rows:
            self._flush(table)
        elif len(buf) >= self.convert_rows:
            self._convert(table)

    def add_arrow(self, table: str, rows: pa.Table) -> None:
        """Rows already in Arrow (with `arrow_schema(table)`), after the rows added so far."""
        self.buffers.setdefault(table, [])
        self._convert(table)
        self.converted.setdefault(table, []).append(rows)
        self.n_converted[table] = self.n_converted.get(table, 0) + rows.num_rows
        self.counts[table] = self.counts.get(table, 0) + rows.num_rows
        if self.n_converted[table] >= self.flush_rows:
            self._flush(table)

    def _convert(self, table: str) -> None:
        rows = self.buffers[table]
        if rows:
            self.converted.setdefault(table, []).append(to_arrow(table, rows))
            self.n_converted[table] = self.n_converted.get(table, 0) + len(rows)
            self.buffers[table] = []

    def _flush(self, table: str, *, final: bool = False) -> None:
        """Write row groups of exactly `flush_rows` rows (at the end: the rest), so the file is
        the same however the rows arrived (page by page, or a chunk of pages at a time)."""
        self._convert(table)
        pieces = self.converted.pop(table, None) or [to_arrow(table, [])]
        self.n_converted.pop(table, None)
        # one chunk per column, as one conversion gives: the Parquet pages fall where they would
        t = pieces[0] if len(pieces) == 1 else pa.concat_tables(pieces).combine_chunks()
        w = self.writers.get(table)
        if w is None:
            if self.metadata:
                t = t.replace_schema_metadata({**(t.schema.metadata or {}), **self.metadata})
            w = pq.ParquetWriter(self.tmp / f"{table}.parquet", t.schema)
            self.writers[table] = w
        else:
            t = t.replace_schema_metadata(w.schema.metadata)
        start = 0
        while t.num_rows - start >= self.flush_rows:
            w.write_table(t.slice(start, self.flush_rows))
            start += self.flush_rows
        rest = t.num_rows - start
        if final and (rest or t.num_rows == 0):
            w.write_table(t.slice(start))  # the last row group (an empty table: its one empty group)
        elif rest:
            self.converted[table] = [t.slice(start)]  # waits for more rows
            self.n_converted[table] = rest

    def path(self, table: str) -> Path:
        """Where a table is staged (complete once `finish(table)` was called)."""
        return self.tmp / f"{table}.parquet"

    def finish(self, table: str) -> None:
        if self.buffers.get(table) or self.converted.get(table) or table not in self.writers:
            self._flush(table, final=True)
        self.writers.pop(table).close()

    def commit(self) -> dict[str, Path]:
        for table in list(self.buffers):
            if table in self.writers or self.buffers[table] or self.converted.get(table) or not self.path(table).exists():
                self.finish(table)
        return publish(self.out_dir, self.tmp, list(self.buffers))

    def abort(self) -> None:
        for w in self.writers.values():
            try:
                w.close()
            except Exception:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)
