"""Orchestration: read -> decode -> classify -> segment -> extract -> normalise -> validate -> write.

`process_page` is pure (a decoded page in, a PageResult out) and never raises: an exception in
any stage becomes a rejected page whose reason names the stage and the error. `run` is the
I/O edge: it walks RAW_DIR, de-duplicates identical content, merges and writes the tables.
"""

from __future__ import annotations

import dataclasses
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from pipeline.classify import classify
from pipeline.decode import DecodeError, decode
from pipeline.extract import extract_fields
from pipeline.merge import merge_projects
from pipeline.models import Issue, Page, PageResult, RawDocument
from pipeline.normalise import normalise_project, project_key
from pipeline.read import DEFAULT_MAX_BYTES, iter_documents
from pipeline.segment import segment
from pipeline.validate import validate_project
from pipeline.write import write_tables

TABLES = ("pages", "project_pages", "projects", "issues", "page_fields")


def _with(issue: Issue, source_file: str, key: str | None) -> Issue:
    return dataclasses.replace(issue, source_file=source_file, project_key=key)


def process_page(page: Page) -> PageResult:
    """Everything one decoded page contributes to the tables. Never raises."""
    try:
        return _process(page)
    except Exception as exc:  # one page failing never stops the run
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return PageResult(
            source_file=page.source_file, page_sha256=page.sha256, n_bytes=page.n_bytes,
            page_kind=None, template=None, status="rejected",
            reason=f"extraction failed in {Path(where.filename).stem}.{where.name}: {type(exc).__name__}: {exc}"[:500],
            source_url=page.source_url, fetched_at=page.fetched_at,
        )


def _process(page: Page) -> PageResult:
    text = page.text
    seg = segment(text)
    cls = classify(text, seg)
    result = PageResult(
        source_file=page.source_file, page_sha256=page.sha256, n_bytes=page.n_bytes,
        page_kind=cls.page_kind, template=cls.template, status="extracted", reason=None,
        source_url=page.source_url, fetched_at=page.fetched_at,
    )
    result.issues.extend(_with(i, page.source_file, None) for i in page.issues)
    if cls.page_kind != "project":
        result.status, result.reason = "skipped", f"{cls.page_kind} page: {cls.reason}"
        return result
    raw = extract_fields(text, seg, cls)
    rec, issues = normalise_project(raw, text)
    issues += validate_project(rec)
    key = project_key(rec["diarienummer"], rec["title"], rec["owner"])
    rec.update(
        source_file=page.source_file, page_sha256=page.sha256, template=cls.template,
        source_url=page.source_url, fetched_at=page.fetched_at, project_key=key,
        municipalities=[], municipality_codes=[],
    )
    result.project = rec
    result.issues.extend(_with(i, page.source_file, key) for i in issues)
    result.rows["page_fields"] = [
        {"source_file": page.source_file, "project_key": key, "field": p.field, "label": p.label, "value": p.value}
        for p in seg.pairs
    ]
    return result


def process_document(doc: RawDocument) -> PageResult:
    """Decode then process one document; unreadable input becomes a rejected page."""
    base = dict(source_file=doc.source_file, page_sha256=doc.sha256, n_bytes=doc.n_bytes,
                page_kind=None, template=None, status="rejected",
                source_url=doc.source_url, fetched_at=doc.fetched_at)
    if doc.error is not None or doc.data is None:
        return PageResult(reason=doc.error or "no data", **base)  # type: ignore[arg-type]
    try:
        page = decode(doc)
    except DecodeError as exc:
        return PageResult(reason=str(exc), **base)  # type: ignore[arg-type]
    except Exception as exc:  # a decoder bug must not stop the run either
        return PageResult(reason=f"decoding failed: {type(exc).__name__}: {exc}"[:500], **base)  # type: ignore[arg-type]
    return process_page(page)


@dataclass
class RunSummary:
    n_pages: int = 0
    by_kind_status: Counter[tuple[str, str]] = field(default_factory=Counter)
    records: dict[str, int] = field(default_factory=dict)
    issues_by_code: Counter[str] = field(default_factory=Counter)
    rejected_reasons: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    out_dir: Path | None = None

    def render(self) -> str:
        lines = [f"Pages: {self.n_pages} in {self.seconds:.1f} s"]
        kinds = sorted({k for k, _ in self.by_kind_status})
        statuses = ["extracted", "skipped", "rejected"]
        lines.append(f"  {'kind':<15}" + "".join(f"{s:>11}" for s in statuses))
        for k in kinds:
            lines.append(f"  {k:<15}" + "".join(f"{self.by_kind_status[(k, s)]:>11}" for s in statuses))
        lines.append("Records written:")
        for t, n in self.records.items():
            lines.append(f"  {t + '.parquet':<26}{n:>7}")
        if self.issues_by_code:
            lines.append("Issues by type:")
            for code, n in self.issues_by_code.most_common(12):
                lines.append(f"  {code:<32}{n:>6}")
        if self.rejected_reasons:
            lines.append("Rejected pages, by reason:")
            for reason, n in self.rejected_reasons.most_common(8):
                lines.append(f"  {n:>4}  {reason[:90]}")
        if self.out_dir:
            lines.append(f"Tables in {self.out_dir}/")
        return "\n".join(lines)


def page_row(r: PageResult) -> dict[str, Any]:
    return {
        "source_file": r.source_file, "page_sha256": r.page_sha256, "n_bytes": r.n_bytes,
        "page_kind": r.page_kind, "template": r.template, "status": r.status, "reason": r.reason,
        "source_url": r.source_url, "fetched_at": r.fetched_at,
    }


def issue_row(i: Issue) -> dict[str, Any]:
    return dataclasses.asdict(i)


def dedupe(results: Iterable[PageResult]) -> list[PageResult]:
    """Identical content is extracted once: later copies become skipped duplicates."""
    seen: dict[str, str] = {}
    out = []
    for r in results:
        if r.status != "rejected" and r.page_sha256 in seen:
            r = PageResult(
                source_file=r.source_file, page_sha256=r.page_sha256, n_bytes=r.n_bytes,
                page_kind=r.page_kind, template=r.template, status="skipped",
                reason=f"duplicate of {seen[r.page_sha256]}", source_url=r.source_url, fetched_at=r.fetched_at,
            )
        elif r.status != "rejected":
            seen[r.page_sha256] = r.source_file
        out.append(r)
    return out


def build_tables(results: list[PageResult]) -> tuple[dict[str, list[dict[str, Any]]], list[Issue]]:
    """All output tables from the per-page results (pure: no I/O)."""
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    issues: list[Issue] = []
    for r in results:
        tables["pages"].append(page_row(r))
        if r.project is not None:
            tables["project_pages"].append(r.project)
        issues.extend(r.issues)
        for t, rows in r.rows.items():
            tables.setdefault(t, []).extend(rows)
    projects, merge_issues = merge_projects(tables["project_pages"])
    tables["projects"] = projects
    issues.extend(merge_issues)
    tables["issues"] = [issue_row(i) for i in issues]
    return tables, issues


def run(
    raw_dir: Path,
    out_dir: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[Iterable[RawDocument]], Iterable[RawDocument]] | None = None,
) -> RunSummary:
    """Extract every page under raw_dir and write the tables to out_dir (all or nothing)."""
    t0 = time.monotonic()
    docs: Iterable[RawDocument] = iter_documents(raw_dir, max_bytes=max_bytes)
    if progress is not None:
        docs = progress(docs)
    results = dedupe(process_document(d) for d in docs)
    tables, issues = build_tables(results)
    write_tables(out_dir, tables)
    summary = RunSummary(n_pages=len(results), out_dir=out_dir)
    for r in results:
        summary.by_kind_status[(r.page_kind or "unreadable", r.status)] += 1
        if r.status == "rejected" and r.reason:
            summary.rejected_reasons[r.reason.split(":")[0]] += 1
    summary.records = {t: len(rows) for t, rows in tables.items()}
    summary.issues_by_code = Counter(i.code for i in issues)
    summary.seconds = time.monotonic() - t0
    return summary


def log(msg: str) -> None:
    print(msg, file=sys.stderr)
