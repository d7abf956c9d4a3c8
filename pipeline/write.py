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
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import __version__
from pipeline.schemas import SCHEMA_VERSION, load_schema



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
    """The table's Arrow schema with the pandas metadata that makes pandas read nullable
    integers as Int64 and dates as dates (computed once from an empty frame)."""
    schema = load_schema(table)
    base = schema.to_arrow()
    meta: dict[bytes, bytes] = {}
    if schema.needs_pandas_types:
        import pandas as pd  # only for the metadata; rows never go through pandas

        types = {pa.int64(): pd.Int64Dtype(), pa.date32(): pd.ArrowDtype(pa.date32())}
        empty = pa.Table.from_pylist([], schema=base).to_pandas(types_mapper=types.get)
        meta = dict(pa.Table.from_pandas(empty, schema=base, preserve_index=False).schema.metadata or {})
    meta.update({b"table": table.encode(), b"schema_version": SCHEMA_VERSION.encode(),
                 b"pipeline_version": __version__.encode()})
    return base.with_metadata(meta)


def to_arrow(table: str, rows: Iterable[dict[str, Any]]) -> pa.Table:
    """Rows (dicts with the schema's column names) -> an Arrow table with the exact schema."""
    schema = load_schema(table)
    ts_cols = [c.name for c in schema.columns if c.type == "timestamp"]
    names = schema.names
    columns: dict[str, list[Any]] = {n: [] for n in names}
    for r in rows:
        for n in names:
            columns[n].append(r.get(n))
    for c in ts_cols:
        columns[c] = [_ts(v) for v in columns[c]]
    return pa.Table.from_pydict(columns, schema=arrow_schema(table))


class StreamingTables:
    """Tables written row group by row group into a staging folder, then moved into place.

    Memory stays flat however many pages a run has: rows are buffered per table and flushed
    every `flush_rows` rows. `commit()` moves every file into `out_dir` at the end of a run.
    """

    def __init__(self, out_dir: Path, tables: Iterable[str], flush_rows: int = 5000) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        for stale in out_dir.glob(".tmp-run-*"):  # left by a killed run; we hold the lock now
            shutil.rmtree(stale, ignore_errors=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=".tmp-run-", dir=out_dir))
        self.flush_rows = flush_rows
        self.buffers: dict[str, list[dict[str, Any]]] = {t: [] for t in tables}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.counts: dict[str, int] = {t: 0 for t in self.buffers}

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        buf = self.buffers.setdefault(table, [])
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        buf.extend(rows)
        if len(buf) >= self.flush_rows:
            self._flush(table)

    def _flush(self, table: str) -> None:
        rows = self.buffers[table]
        t = to_arrow(table, rows)
        w = self.writers.get(table)
        if w is None:
            w = pq.ParquetWriter(self.tmp / f"{table}.parquet", t.schema)
            self.writers[table] = w
        else:
            t = t.replace_schema_metadata(w.schema.metadata)
        w.write_table(t)
        self.buffers[table] = []

    def path(self, table: str) -> Path:
        """Where a table is staged (complete once `finish(table)` was called)."""
        return self.tmp / f"{table}.parquet"

    def finish(self, table: str) -> None:
        if self.buffers.get(table) or table not in self.writers:
            self._flush(table)
        self.writers.pop(table).close()

    def commit(self) -> dict[str, Path]:
        for table in list(self.buffers):
            if table in self.writers or self.buffers[table] or not self.path(table).exists():
                self.finish(table)
        final = {}
        for table in self.buffers:
            dest = self.out_dir / f"{table}.parquet"
            os.replace(self.path(table), dest)
            final[table] = dest
        shutil.rmtree(self.tmp, ignore_errors=True)
        return final

    def abort(self) -> None:
        for w in self.writers.values():
            try:
                w.close()
            except Exception:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)
