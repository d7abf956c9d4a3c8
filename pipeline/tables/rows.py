"""Pages' results as table rows.

The main process writes the `pages` table itself: it alone sees every page in order, so it
decides which pages are duplicates of earlier ones. Every other table's rows are turned into
columns where the pages were extracted (a pool worker or a Dask worker), a chunk of pages at
a time (`extracted_chunk`), so the main process makes one Arrow table per chunk and table and
only slices and appends it: unpickling each page's row dicts and converting them one page at a
time was the largest part of its work.

A chunk is pickled once, where it was extracted (`ExtractedChunk.packed`): the same bytes
carry it to the main process and are stored there as the pages' incremental state. They are
loaded with an unpickler that knows only the few classes a chunk holds, so a stored chunk that
was tampered with cannot run code; it is refused as damaged.
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
from pipeline.tables.write import columns_to_arrow, to_columns


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
    offsets[p]:offsets[p + 1] (offsets has one entry per page, plus one).
    """

    heads: list[PageResult]  # each page without its rows (see `head`)
    project_keys: list[str | None]  # each page's project_key, None without a project row
    issue_codes: list[list[str]]  # each page's issue codes, for the run summary
    columns: dict[str, tuple[list[list[Any]], list[int]]]
    _arrow: dict[str, pa.Table] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    _packed: bytes | None = dataclasses.field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.heads)

    def packed(self) -> bytes:
        """The chunk pickled: the bytes it arrived in from a worker, or pickled now (in-process)."""
        if self._packed is None:
            self._packed = pickle.dumps((self.heads, self.project_keys, self.issue_codes, self.columns),
                                        protocol=pickle.HIGHEST_PROTOCOL)
        return self._packed

    def subset(self, pages: list[int]) -> ExtractedChunk:
        """The chunk of only the given pages (ascending indices), as `extracted_chunk` of their
        results would make it: the state re-stores a chunk's remaining pages this way once
        most of its pages were extracted again or removed."""
        columns: dict[str, tuple[list[list[Any]], list[int]]] = {}
        for t, (cols, offsets) in self.columns.items():
            spans = [(offsets[p], offsets[p + 1]) for p in pages]
            if not any(a < b for a, b in spans):
                continue  # no rows of this table left (extracted_chunk has only tables with rows)
            picked = [[v for a, b in spans for v in col[a:b]] for col in cols]
            columns[t] = (picked, list(accumulate((b - a for a, b in spans), initial=0)))
        return ExtractedChunk(heads=[self.heads[p] for p in pages],
                              project_keys=[self.project_keys[p] for p in pages],
                              issue_codes=[self.issue_codes[p] for p in pages], columns=columns)

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        """Pickled as `packed()`, so the receiver keeps the bytes to store (see `unpack_chunk`)."""
        return unpack_chunk, (self.packed(),)

    def table(self, name: str) -> pa.Table:
        """The chunk's rows of a table as Arrow, converted once (the main process's work)."""
        if name not in self._arrow:
            self._arrow[name] = columns_to_arrow(name, self.columns[name][0])
        return self._arrow[name]

    def tables(self) -> Iterator[tuple[str, pa.Table, list[int]]]:
        """(table, its rows as Arrow, row offsets per page) for every table with rows."""
        for name, (_, offsets) in self.columns.items():
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
    """Bytes that are not a chunk `packed` wrote (a damaged or tampered state)."""


class _ChunkUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _CHUNK_CLASSES:
            raise DamagedChunk(f"a stored chunk names {module}.{name}, which no chunk holds")
        return super().find_class(module, name)


def unpack_chunk(data: bytes) -> ExtractedChunk:
    """`ExtractedChunk.packed` bytes -> the chunk (keeping the bytes); DamagedChunk for
    anything else."""
    try:
        heads, project_keys, issue_codes, columns = _ChunkUnpickler(io.BytesIO(data)).load()
    except DamagedChunk:
        raise
    except Exception as exc:  # truncated, garbage, or the wrong shape
        raise DamagedChunk(f"a stored chunk cannot be read: {type(exc).__name__}: {exc}"[:300]) from None
    if not (isinstance(heads, list) and isinstance(columns, dict) and len(project_keys) == len(issue_codes) == len(heads)
            and all(isinstance(h, PageResult) for h in heads)):
        raise DamagedChunk("a stored chunk does not have the shape of one")
    return ExtractedChunk(heads, project_keys, issue_codes, columns, _packed=data)


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
