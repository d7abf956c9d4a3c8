"""Merging: project_pages rows -> one projects row per project_key.

Per field, the value of the latest crawl wins (fetched_at), then the most complete page, then
the first source file; every disagreement between pages becomes an issue row listing the
values and their pages.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pipeline.models import Issue
from pipeline.schemas import load_schema

PAGE_ONLY = {"source_file", "page_sha256", "template", "source_url", "fetched_at"}


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
            merged[col] = values[0][1] if values else None
            distinct = {repr(v) for _, v in values} if len(values) > 1 else ()  # one page cannot disagree
            if len(distinct) > 1:
                issues.append(Issue(
                    source_file=values[0][0], project_key=key, field=col, severity="warning",
                    code="pages_disagree",
                    message=f"{len(distinct)} different values on {len(values)} pages; kept the one from {values[0][0]}",
                    evidence="; ".join(f"{src}: {v}" for src, v in values)[:500],
                ))
        if merged.get("municipalities") is not None:
            # codes travel with the names of the page they came from
            src = next(r for r in rows if r.get("municipalities") == merged["municipalities"])
            merged["municipality_codes"] = src.get("municipality_codes")
        out.append(merged)
    return out, issues
