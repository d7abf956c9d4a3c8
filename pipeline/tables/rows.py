"""Pages' results as table rows.

The main process writes the `pages` table itself: it alone sees every page in order, so it
decides which pages are duplicates of earlier ones. Every other table's rows are turned into
columns where the pages were extracted (a pool worker or a Dask worker), a chunk of pages at
a time (`extracted_chunk`), so the main process makes one Arrow table per chunk and table and
only slices and appends it: unpickling each page's row dicts and converting them one page at a
time was the largest part of its work.

A chunk travels from a worker to the main process pickled (`ExtractedChunk.packed`, loaded
with an unpickler that knows only the few classes a chunk holds); those bytes never reach the
disk. The incremental state stores data, not code: `ExtractedChunk.stored` writes the chunk as
Arrow IPC (the Arrow tables the main process makes for writing anyway, plus one small table of
the pages' heads), and `load_chunk` reads it back, checking every part against the schemas,
so stored bytes that are damaged or tampered with are refused as `DamagedChunk`.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Iterator, cast

import pyarrow as pa

from pipeline.models import Issue, PageResult
from pipeline.tables.schemas import table_names
from pipeline.tables.write import arrow_schema, columns_to_arrow, to_columns


def page_row(r: PageResult) -> dict[str, Any]:
    return {
        "source_file": r.source_file, "page_sha256": r.page_sha256, "n_bytes": r.n_bytes,
        "page_kind": r.page_kind, "template": r.template, "status": r.status, "reason": r.reason,
        "source_url": r.source_url, "fetched_at": r.fetched_at, "kind_evidence": r.kind_evidence,
    }


_ISSUE_FIELDS = tuple(f.name for f in dataclasses.fields(Issue))


def issue_row(i: Issue) -> dict[str, Any]:
    """An issue as a table row (its fields are plain strings: no deep copy as in `asdict`)."""
    return {name: getattr(i, name) for name in _ISSUE_FIELDS}


def table_rows(r: PageResult) -> dict[str, list[dict[str, Any]]]:
    """The page's rows for every table but `pages`, in the order they are written."""
    out: dict[str, list[dict[str, Any]]] = {}
    if r.project is not None:
        out["project_pages"] = [cast(dict[str, Any], r.project)]  # a TypedDict is a plain dict
    if r.issues:
        out["issues"] = [issue_row(i) for i in r.issues]
    for t, rows in r.rows.items():
        if rows:
            out.setdefault(t, []).extend(rows)
    return out


def head(r: PageResult) -> PageResult:
    """The page without its rows: what the main process needs besides them."""
    return PageResult(source_file=r.source_file, page_sha256=r.page_sha256, n_bytes=r.n_bytes,
                      page_kind=r.page_kind, template=r.template, status=r.status, reason=r.reason,
                      source_url=r.source_url, fetched_at=r.fetched_at, timings=r.timings,
                      kind_evidence=r.kind_evidence)


@dataclass
class ExtractedChunk:
    """Consecutive pages as they come back from the per-page stages.

    `columns` holds, per table, the rows of all pages as columns (`write.to_columns`; the main
    process makes them Arrow) and where each page's rows start: page p has rows
    offsets[p]:offsets[p + 1] (offsets has one entry per page, plus one). A chunk read from the
    state (`load_chunk`) or cut by `subset` has its tables in Arrow already: its `columns` are
    empty and `_offsets` says where each page's rows start.
    """

    heads: list[PageResult]  # each page without its rows (see `head`)
    project_keys: list[str | None]  # each page's project_key, None without a project row
    issue_codes: list[list[str]]  # each page's issue codes, for the run summary
    columns: dict[str, tuple[list[list[Any]], list[int]]]
    _arrow: dict[str, pa.Table] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    _offsets: dict[str, list[int]] | None = dataclasses.field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.heads)

    def offsets(self) -> dict[str, list[int]]:
        """Per table with rows: where each page's rows start (one entry per page, plus one)."""
        if self._offsets is not None:
            return self._offsets
        return {t: offsets for t, (_, offsets) in self.columns.items()}

    def packed(self) -> bytes:
        """The chunk pickled, to travel from a worker to the main process (never stored)."""
        if self._offsets is not None:
            raise TypeError("a chunk read from the state or cut from another one is not sent anywhere")
        return pickle.dumps((self.heads, self.project_keys, self.issue_codes, self.columns),
                            protocol=pickle.HIGHEST_PROTOCOL)

    def stored(self) -> bytes:
        """The chunk as the incremental state keeps it: Arrow IPC (see `load_chunk`)."""
        parts: list[tuple[str, pa.Table, list[int] | None]] = [("", _heads_table(self), None)]
        # (without the schema metadata: the same for every chunk, and put back by `load_chunk`)
        parts.extend((t, self.table(t).replace_schema_metadata(None), offsets) for t, offsets in self.offsets().items())
        outer = pa.table({"part": [p for p, _, _ in parts], "offsets": [o for _, _, o in parts],
                          "data": [_ipc(t) for _, t, _ in parts]}, schema=_OUTER)
        return _ipc(outer)

    def subset(self, pages: list[int]) -> ExtractedChunk:
        """The chunk of only the given pages (ascending indices), with the tables
        `extracted_chunk` of their results would give: the state re-stores a chunk's remaining
        pages this way once most of its pages were extracted again or removed."""
        arrow: dict[str, pa.Table] = {}
        offsets: dict[str, list[int]] = {}
        for t, offs in self.offsets().items():
            spans = [(offs[p], offs[p + 1]) for p in pages]
            if not any(a < b for a, b in spans):
                continue  # no rows of this table left (extracted_chunk has only tables with rows)
            rows = self.table(t)
            arrow[t] = pa.concat_tables([rows.slice(a, b - a) for a, b in spans if a < b]).combine_chunks()
            offsets[t] = list(accumulate((b - a for a, b in spans), initial=0))
        return ExtractedChunk(heads=[self.heads[p] for p in pages],
                              project_keys=[self.project_keys[p] for p in pages],
                              issue_codes=[self.issue_codes[p] for p in pages], columns={},
                              _arrow=arrow, _offsets=offsets)

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        """Pickled as `packed()`, so that only the classes a chunk holds are unpickled."""
        return unpack_chunk, (self.packed(),)

    def table(self, name: str) -> pa.Table:
        """The chunk's rows of a table as Arrow, converted once (the main process's work)."""
        if name not in self._arrow:
            self._arrow[name] = columns_to_arrow(name, self.columns[name][0])
        return self._arrow[name]

    def tables(self) -> Iterator[tuple[str, pa.Table, list[int]]]:
        """(table, its rows as Arrow, row offsets per page) for every table with rows."""
        for name, offsets in self.offsets().items():
            yield name, self.table(name), offsets


def extracted_chunk(results: list[PageResult]) -> ExtractedChunk:
    """Consecutive pages' results -> an `ExtractedChunk` (one Arrow conversion per table)."""
    per_table: dict[str, list[tuple[int, list[dict[str, Any]]]]] = {}
    for p, r in enumerate(results):
        for t, rows in table_rows(r).items():
            per_table.setdefault(t, []).append((p, rows))
    tables: dict[str, tuple[list[list[Any]], list[int]]] = {}
    for t, parts in per_table.items():
        counts = [0] * len(results)
        flat: list[dict[str, Any]] = []
        for p, rows in parts:
            counts[p] = len(rows)
            flat.extend(rows)
        tables[t] = (to_columns(t, flat), list(accumulate(counts, initial=0)))
    return ExtractedChunk(
        heads=[head(r) for r in results],
        project_keys=[r.project["project_key"] if r.project is not None else None for r in results],
        issue_codes=[[i.code for i in r.issues] for r in results],
        columns=tables,
    )


# the only classes `ExtractedChunk.packed` refers to: pages' heads and the date/time values
_CHUNK_CLASSES = frozenset({("pipeline.models", "PageResult"), ("datetime", "date"), ("datetime", "datetime"),
                            ("datetime", "timezone"), ("datetime", "timedelta")})


class DamagedChunk(ValueError):
    """Bytes that are not a chunk `stored` (or `packed`) wrote: a damaged or tampered state."""


class _ChunkUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _CHUNK_CLASSES:
            raise DamagedChunk(f"a chunk names {module}.{name}, which no chunk holds")
        return super().find_class(module, name)


def unpack_chunk(data: bytes) -> ExtractedChunk:
    """`ExtractedChunk.packed` bytes (from a worker) -> the chunk; DamagedChunk for anything else."""
    try:
        heads, project_keys, issue_codes, columns = _ChunkUnpickler(io.BytesIO(data)).load()
    except DamagedChunk:
        raise
    except Exception as exc:  # truncated, garbage, or the wrong shape
        raise DamagedChunk(f"a chunk cannot be read: {type(exc).__name__}: {exc}"[:300]) from None
    if not (isinstance(heads, list) and isinstance(columns, dict) and len(project_keys) == len(issue_codes) == len(heads)
            and all(isinstance(h, PageResult) for h in heads)):
        raise DamagedChunk("a chunk does not have the shape of one")
    return ExtractedChunk(heads, project_keys, issue_codes, columns)


# --- the chunk as stored data (Arrow IPC) ------------------------------------------------

# The outer table of a stored chunk: one row per part, "" for the pages' heads, else a table
# name with its rows (an Arrow IPC stream of `arrow_schema(table)`) and where each page's start.
_OUTER = pa.schema([("part", pa.string()), ("offsets", pa.list_(pa.int64())), ("data", pa.large_binary())],
                   metadata={"format": "pipeline.chunk/1"})
# The pages without their rows (`head`), their project keys and issue codes.
_HEADS = pa.schema([
    ("source_file", pa.string()), ("page_sha256", pa.string()), ("n_bytes", pa.int64()),
    ("page_kind", pa.string()), ("template", pa.string()), ("status", pa.string()), ("reason", pa.string()),
    ("source_url", pa.string()), ("fetched_at", pa.string()), ("kind_evidence", pa.string()),
    ("timings", pa.map_(pa.string(), pa.float64())), ("project_key", pa.string()),
    ("issue_codes", pa.list_(pa.string())),
])  # fmt: skip
_HEAD_FIELDS = _HEADS.names[:10]


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return cast(bytes, sink.getvalue().to_pybytes())


def _read_ipc(data: Any) -> pa.Table:
    with pa.ipc.open_stream(data) as r:
        table = r.read_all()
    table.validate(full=True)  # offsets and UTF-8 checked: bad bytes are refused, never read out of bounds
    return table


def _heads_table(chunk: ExtractedChunk) -> pa.Table:
    columns: dict[str, list[Any]] = {f: [getattr(h, f) for h in chunk.heads] for f in _HEAD_FIELDS}
    columns["timings"] = [list(h.timings.items()) for h in chunk.heads]
    columns["project_key"] = chunk.project_keys
    columns["issue_codes"] = chunk.issue_codes
    return pa.table(columns, schema=_HEADS)


def load_chunk(data: bytes) -> ExtractedChunk:
    """`ExtractedChunk.stored` bytes -> the chunk; DamagedChunk for anything else (bytes that
    are not Arrow IPC, parts that are not the tables' schemas, offsets that do not fit)."""
    try:
        return _load_chunk(data)
    except DamagedChunk:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever Arrow says about bytes that are not a chunk
        raise DamagedChunk(f"a stored chunk cannot be read: {type(exc).__name__}: {exc}"[:300]) from None


def _load_chunk(data: bytes) -> ExtractedChunk:
    outer = _read_ipc(pa.py_buffer(data))
    if not outer.schema.equals(_OUTER, check_metadata=True) or outer.num_rows < 1:
        raise DamagedChunk("a stored chunk does not have the shape of one")
    names = outer.column("part").to_pylist()
    blobs = outer.column("data").combine_chunks()
    heads_table = _read_ipc(blobs[0].as_buffer())
    if names[0] != "" or not heads_table.schema.equals(_HEADS):
        raise DamagedChunk("a stored chunk's pages are not in the shape of pages")
    n = heads_table.num_rows
    known = set(table_names())
    arrow: dict[str, pa.Table] = {}
    offsets: dict[str, list[int]] = {}
    for i, (name, offs) in enumerate(zip(names[1:], outer.column("offsets").to_pylist()[1:]), start=1):
        if name not in known or name in arrow or name in ("pages", "runs"):
            raise DamagedChunk(f"a stored chunk holds rows of {name!r}, which no chunk holds")
        table = _read_ipc(blobs[i].as_buffer())
        schema = arrow_schema(name)
        if not table.schema.equals(schema):
            raise DamagedChunk(f"a stored chunk's {name} rows are not in the table's schema")
        if not (offs and len(offs) == n + 1 and offs[0] == 0 and offs[-1] == table.num_rows
                and all(a <= b for a, b in zip(offs, offs[1:]))):
            raise DamagedChunk(f"a stored chunk's {name} offsets do not fit its pages")
        arrow[name] = table.replace_schema_metadata(schema.metadata)
        offsets[name] = offs
    rows = heads_table.to_pylist()
    heads = [PageResult(**{f: r[f] for f in _HEAD_FIELDS}, timings=dict(r["timings"])) for r in rows]
    return ExtractedChunk(heads=heads, project_keys=[r["project_key"] for r in rows],
                          issue_codes=[r["issue_codes"] for r in rows], columns={}, _arrow=arrow, _offsets=offsets)


def page_spans(offsets: list[int], start: int, stop: int, dropped: list[int]) -> list[tuple[int, int]]:
    """Row spans (first row, row count) of pages start..stop-1 except the `dropped` ones,
    contiguous pages merged into one span."""
    spans: list[tuple[int, int]] = []
    a = start
    for p in [*sorted(dropped), stop]:
        if p >= a and offsets[p] > offsets[a]:
            spans.append((offsets[a], offsets[p] - offsets[a]))
        a = max(a, p + 1)
    return spans
