"""Merging: project_pages rows -> one projects row per project_key.

Per field, the value of the latest crawl wins (fetched_at), then the most complete page, then
the first source file; every disagreement between pages becomes an issue row listing the
values and their pages.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.models import Issue, issue
from pipeline.tables.schemas import load_schema

# the columns a page row has and a project row does not (source_file, page_sha256, template, ...)
PAGE_ONLY = frozenset(load_schema("project_pages").names) - frozenset(load_schema("projects").names)
CODES_WITH_NAMES = ("municipality_codes", "municipalities")  # codes come from the page whose names won


def _completeness(row: dict[str, Any]) -> int:
    return sum(1 for k, v in row.items() if k not in PAGE_ONLY and v not in (None, [], ""))


def _ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Latest crawl first (pages without fetched_at last), then the most complete page, then
    source file: three stable sorts, least important key first."""
    if len(rows) == 1:
        return list(rows)
    out = sorted(rows, key=lambda r: r["source_file"])
    out.sort(key=_completeness, reverse=True)
    dated = sorted((r for r in out if r.get("fetched_at") is not None), key=lambda r: r["fetched_at"], reverse=True)
    return dated + [r for r in out if r.get("fetched_at") is None]


def merge_projects(page_rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Issue]]:
    columns = [c for c in load_schema("projects").names]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in page_rows:
        groups[r["project_key"]].append(r)
    out: list[dict[str, Any]] = []
    issues: list[Issue] = []
    for key in sorted(groups):
        rows = _ordered(groups[key])
        merged: dict[str, Any] = {"project_key": key, "source_files": [r["source_file"] for r in rows],
                                  "n_pages": len(rows)}
        fetched = [r["fetched_at"] for r in rows if r.get("fetched_at") is not None]
        merged["last_fetched_at"] = max(fetched) if fetched else None
        for col in columns:
            if col in merged:
                continue
            values = [(r["source_file"], r.get(col)) for r in rows if r.get(col) not in (None, [], "")]
            if values:
                merged[col] = values[0][1]
            else:  # a list no page fills: [] when a page names none, null when no page knows
                merged[col] = [] if any(r.get(col) == [] for r in rows) else None
            distinct = {repr(v) for _, v in values} if len(values) > 1 else ()  # one page cannot disagree
            if len(distinct) > 1:
                issues.append(issue(
                    "pages_disagree",
                    f"{len(distinct)} different values on {len(values)} pages; kept the one from {values[0][0]}",
                    source_file=values[0][0], project_key=key, field=col,
                    evidence="; ".join(f"{src}: {v}" for src, v in values)[:500],
                ))
        codes, names = CODES_WITH_NAMES
        if merged.get(names) is not None:
            # codes travel with the names of the page they came from
            src = next(r for r in rows if r.get(names) == merged[names])
            merged[codes] = src.get(codes)
        out.append(merged)
    return out, issues


def _blank_to_null(col: pa.Array) -> pa.Array:
    """Null where the value is "" (what `merge_projects` skips as missing); a list keeps its []
    (the page names none; null is unknown)."""
    if pa.types.is_string(col.type):
        empty = pc.equal(col, "")
    else:
        return col  # no other Arrow type holds a value equal to "", and [] stays []
    return pc.if_else(empty, pa.scalar(None, col.type), col)


def single_page_projects(pages: pa.RecordBatch, schema: pa.Schema) -> pa.Table:
    """What `merge_projects` makes of project_pages rows whose projects have one page each,
    computed column-wise in Arrow: one projects row per page row, in the same order.

    Most projects have one page, and for them the merge is only a renaming: no ordering,
    no disagreement, "" becomes null (the municipality codes stay with their names)."""
    n = pages.num_rows
    available = set(pages.schema.names)
    cols: dict[str, pa.Array] = {
        "project_key": pages.column("project_key"),
        "source_files": pa.ListArray.from_arrays(pa.array(range(n + 1), pa.int32()), pages.column("source_file")),
        "n_pages": pa.array([1] * n, pa.int64()),
        "last_fetched_at": pages.column("fetched_at"),
    }
    for f in schema:
        if f.name not in cols:
            cols[f.name] = _blank_to_null(pages.column(f.name)) if f.name in available else pa.nulls(n, f.type)
    codes, names = CODES_WITH_NAMES
    if codes in available and names in cols:
        cols[codes] = pc.if_else(pc.is_valid(cols[names]), pages.column(codes), cols[codes])
    for f in schema:
        if cols[f.name].type != f.type:  # `!=` ignores list item names, which the cast below sets
            raise TypeError(f"projects.{f.name} is {f.type} but project_pages has {cols[f.name].type}")
    return pa.Table.from_arrays([cols[f.name].cast(f.type) for f in schema], schema=schema)
