"""Orchestration: read -> decode -> classify -> segment -> extract -> normalise -> validate -> write.

`process_page` is pure (a decoded page in, a PageResult out) and never raises: an exception in
any stage becomes a rejected page whose reason names the stage and the error. `run` is the
I/O edge: it walks RAW_DIR in batches, reuses stored results of unchanged pages, sends the
rest to an engine (in-process, a process pool or Dask), de-duplicates identical content,
streams the tables to a staging folder and moves them into place when everything succeeded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pipeline import __version__
from pipeline.calls import extract_call
from pipeline.classify import classify
from pipeline.contacts import apply_to_result
from pipeline.decode import DecodeError, decode
from pipeline.engine import make_engine
from pipeline.extract import extract_fields
from pipeline.lock import OutputLock
from pipeline.merge import merge_projects
from pipeline.models import Issue, Page, PageResult, RawDocument
from pipeline.normalise import normalise_project, project_key
from pipeline.objectives import extract_objectives
from pipeline.places import find_places, project_municipalities
from pipeline.programmes import lookup_area, lookup_objective
from pipeline.read import DEFAULT_MAX_BYTES, iter_documents
from pipeline.regional_plans import extract_regional_priorities
from pipeline.schemas import table_names
from pipeline.sections import section_texts, split_sections
from pipeline.segment import segment
from pipeline.state import PageState
from pipeline.validate import validate_project
from pipeline.write import StreamingTables

CORE_TABLES = ("pages", "project_pages", "projects", "issues", "page_fields")
TABLES = CORE_TABLES  # the tables every run writes; stages may add more (see table_names())


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """Package version + a fingerprint of the code and data, so any change re-extracts."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(list(root.rglob("*.py")) + list(root.rglob("*.csv")) + list((root.parent / "schemas").glob("*.json"))):
        h.update(p.relative_to(root.parent).as_posix().encode())
        h.update(p.read_bytes())
    return f"{__version__}+{h.hexdigest()[:10]}"


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
    t0 = time.perf_counter()
    text = page.text
    seg = segment(text)
    cls = classify(text, seg)
    t1 = time.perf_counter()
    result = PageResult(
        source_file=page.source_file, page_sha256=page.sha256, n_bytes=page.n_bytes,
        page_kind=cls.page_kind, template=cls.template, status="extracted", reason=None,
        source_url=page.source_url, fetched_at=page.fetched_at,
    )
    result.timings["segment+classify"] = t1 - t0
    result.issues.extend(_with(i, page.source_file, None) for i in page.issues)
    if cls.page_kind == "call":
        call, call_issues = extract_call(text, seg.pairs)
        result.rows["calls"] = [{"source_file": page.source_file, **call}]
        result.issues.extend(_with(i, page.source_file, call.get("call_id")) for i in call_issues)
        return result
    if cls.page_kind == "regional_plan":
        rows = extract_regional_priorities(text)
        result.rows["regional_priorities"] = [{"source_file": page.source_file, **r} for r in rows]
        if not rows:
            result.status, result.reason = "skipped", "regional plan page without a recognisable region"
        return result
    if cls.page_kind != "project" or cls.template == "empty_fact_block":
        result.status, result.reason = "skipped", f"{cls.page_kind} page: {cls.reason}"
        return result
    raw = extract_fields(text, seg, cls)
    t2 = time.perf_counter()
    rec, issues = normalise_project(raw, text)
    issues += validate_project(rec)
    t3 = time.perf_counter()
    result.timings["extract"] = t2 - t1
    result.timings["normalise+validate"] = t3 - t2
    key = project_key(rec["diarienummer"], rec["title"], rec["owner"])
    rec.update(
        source_file=page.source_file, page_sha256=page.sha256, template=cls.template,
        source_url=page.source_url, fetched_at=page.fetched_at, project_key=key,
        municipalities=[], municipality_codes=[],
    )
    t4 = time.perf_counter()
    _add_places(result, rec, seg, key, page.source_file, cls.template)
    t5 = time.perf_counter()
    body = seg.body()
    if rec.get("title") and body.startswith(rec["title"]):
        body = body[len(rec["title"]):].lstrip()  # the heading is the title, not the summary
    sections = split_sections(body)
    rec.update(section_texts(sections))
    rec["programme_area_name"] = _objective_name(lookup_area, rec["programme_area"], rec["programme_period"])
    rec["specific_objective_name"] = _objective_name(lookup_objective, rec["specific_objective"], rec["programme_period"])
    objectives = extract_objectives(sections, programme_area=rec["programme_area"],
                                    specific_objective=rec["specific_objective"], period=rec["programme_period"])
    result.rows["project_objectives"] = [
        {"project_key": key, "source_file": page.source_file, **o} for o in objectives
    ]
    result.timings["places"] = t5 - t4
    result.timings["sections+objectives"] = time.perf_counter() - t5
    result.project = rec
    result.issues.extend(_with(i, page.source_file, key) for i in issues)
    result.rows["page_fields"] = [
        {"source_file": page.source_file, "project_key": key, "field": p.field, "label": p.label, "value": p.value}
        for p in seg.pairs
    ]
    return result


LIST_HEADINGS = {"kommun", "kommuner", "kommuner som berörs", "berörda kommuner"}


LIST_TEMPLATES = {"bank_glued"}  # layouts whose pages end with a Kommun list


def _add_places(result: PageResult, rec: dict[str, Any], seg: Any, key: str, source_file: str, template: str) -> None:
    """Municipalities and counties of a project page: listed, named, owner, mentioned.

    On layouts that always end with a Kommun list, a page without the list was cut off: its
    prose is not allowed to stand in for the list (the list may say otherwise).
    """
    listed: list[str] = next((items for heading, items in seg.lists.items() if heading.strip().casefold() in LIST_HEADINGS), [])
    prose = "\n".join(ln for _, ln in seg.prose_lines())
    owner = ", ".join(x for x in (rec.get("owner"), rec.get("owner_unit")) if x) or None
    places = find_places(prose, listed_items=listed, owner=owner)
    result.rows["project_municipalities"] = [
        {"project_key": key, "source_file": source_file, "kommunkod": m.kommunkod, "kommun": m.kommun,
         "lanskod": m.lanskod, "lan": m.lan, "esf_region": m.esf_region, "nuts2": m.nuts2,
         "role": m.role, "evidence": m.evidence}
        for m in places.mentions
    ]
    chosen = project_municipalities(places)
    if template in LIST_TEMPLATES and not listed and chosen:
        result.issues.append(Issue(source_file, key, "municipalities", "info", "no_municipality_list",
                                   "the page has no Kommun list (cut off?); municipalities named in its prose "
                                   "are in project_municipalities but not taken as the project's",
                                   ", ".join(m.kommun for m in chosen)))
        chosen = []
        places = dataclasses.replace(places, counties=tuple(c for c in places.counties if c.role == "listed"))
    rec["municipalities"] = [m.kommun for m in chosen]
    rec["municipality_codes"] = [m.kommunkod for m in chosen]
    roles = {chosen[0].role} if chosen else {"listed", "named"}
    county_codes: list[str] = []
    county_names: list[str] = []
    for c in places.counties:
        if c.role in roles and c.lanskod not in county_codes:
            county_codes.append(c.lanskod)
            county_names.append(c.lan)
    rec["counties"], rec["county_codes"] = county_names, county_codes
    issues = result.issues
    for d in places.doubtful:
        issues.append(Issue(source_file, key, "municipalities", "info", "doubtful_place",
                            f"{d.name!r} left out: {d.reason}", d.evidence))
    for item in places.unmatched_list_items:
        issues.append(Issue(source_file, key, "municipalities", "warning", "unknown_municipality",
                            f"Kommun list item is not one of the 290 municipalities: {item!r}", item))
    region = rec.get("region")
    if region and region != "Nationellt":
        for m in chosen:
            if m.esf_region != region:
                issues.append(Issue(source_file, key, "municipalities", "warning", "municipality_outside_region",
                                    f"{m.kommun} ({m.lan}) is in {m.esf_region}, not in the page's region {region}",
                                    m.evidence))


def _objective_name(lookup: Callable[..., list[Any]], code: str | None, period: str | None) -> str | None:
    """The reference name of an area/objective code, only when the period pins one entry down."""
    if not code or not period:
        return None
    names = {o.name for o in lookup(code, period) if o.code == code and o.name}
    return names.pop() if len(names) == 1 else None


def process_document(doc: RawDocument) -> PageResult:
    """Decode then process one document; unreadable input becomes a rejected page."""
    base = dict(source_file=doc.source_file, page_sha256=doc.sha256, n_bytes=doc.n_bytes,
                page_kind=None, template=None, status="rejected",
                source_url=doc.source_url, fetched_at=doc.fetched_at)
    if doc.error is not None or doc.data is None:
        return PageResult(reason=doc.error or "no data", **base)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    try:
        page = decode(doc)
    except DecodeError as exc:
        return PageResult(reason=str(exc), **base)  # type: ignore[arg-type]
    except Exception as exc:  # a decoder bug must not stop the run either
        return PageResult(reason=f"decoding failed: {type(exc).__name__}: {exc}"[:500], **base)  # type: ignore[arg-type]
    t1 = time.perf_counter()
    result = process_page(page)
    result.timings["decode"] = t1 - t0
    return result


@dataclass
class RunSummary:
    n_pages: int = 0
    by_kind_status: Counter[tuple[str, str]] = field(default_factory=Counter)
    records: dict[str, int] = field(default_factory=dict)
    issues_by_code: Counter[str] = field(default_factory=Counter)
    rejected_reasons: Counter[str] = field(default_factory=Counter)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    pages_new: int = 0
    pages_changed: int = 0
    pages_unchanged: int = 0
    pages_removed: int = 0
    tables_rebuilt: bool = True
    seconds: float = 0.0
    out_dir: Path | None = None

    def render(self) -> str:
        lines = [
            f"Pages: {self.n_pages} in {self.seconds:.1f} s "
            f"(new {self.pages_new}, changed {self.pages_changed}, unchanged {self.pages_unchanged}, "
            f"removed {self.pages_removed})"
        ]
        kinds = sorted({k for k, _ in self.by_kind_status})
        statuses = ["extracted", "skipped", "rejected"]
        lines.append(f"  {'kind':<15}" + "".join(f"{s:>11}" for s in statuses))
        for k in kinds:
            lines.append(f"  {k:<15}" + "".join(f"{self.by_kind_status[(k, s)]:>11}" for s in statuses))
        if not self.tables_rebuilt:
            lines.append("Nothing changed since the last run: tables left as they were.")
        lines.append("Records written:")
        for t, n in self.records.items():
            lines.append(f"  {t + '.parquet':<34}{n:>7}")
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


def reason_kind(reason: str, source_file: str) -> str:
    """A reject reason without file names and numbers, so that the summary can group them."""
    base = source_file.split("#")[0]
    r = reason.replace(base, "FILE").replace(Path(base).name, "FILE")
    r = re.sub(r"\d+", "N", r)
    return re.split(r"[(;]", r, maxsplit=1)[0].strip(" :,")[:80]


def page_row(r: PageResult) -> dict[str, Any]:
    return {
        "source_file": r.source_file, "page_sha256": r.page_sha256, "n_bytes": r.n_bytes,
        "page_kind": r.page_kind, "template": r.template, "status": r.status, "reason": r.reason,
        "source_url": r.source_url, "fetched_at": r.fetched_at,
    }


def issue_row(i: Issue) -> dict[str, Any]:
    return dataclasses.asdict(i)


def as_duplicate(r: PageResult, first: str) -> PageResult:
    return PageResult(
        source_file=r.source_file, page_sha256=r.page_sha256, n_bytes=r.n_bytes,
        page_kind=r.page_kind, template=r.template, status="skipped",
        reason=f"duplicate of {first}", source_url=r.source_url, fetched_at=r.fetched_at,
    )


def _batches(it: Iterable[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    iterator = iter(it)
    while batch := list(islice(iterator, size)):
        yield batch


def _now() -> datetime:
    return datetime.now(timezone.utc)


def run(
    raw_dir: Path,
    out_dir: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
    engine: str = "local",
    scheduler: Any = None,
    full: bool = False,
    keep_removed: bool = False,
    contacts: str = "keep",
    progress: Callable[[Iterable[RawDocument]], Iterable[RawDocument]] | None = None,
    log: Callable[[str, dict[str, Any]], None] | None = None,
    batch_size: int = 512,
) -> RunSummary:
    """Extract every page under raw_dir into out_dir (all or nothing). Raises Locked if busy."""
    with OutputLock(out_dir):
        return _run_locked(raw_dir, out_dir, max_bytes=max_bytes, workers=workers, engine=engine,
                           scheduler=scheduler, full=full, keep_removed=keep_removed, contacts=contacts,
                           progress=progress, log=log, batch_size=batch_size)


def _run_locked(raw_dir: Path, out_dir: Path, *, max_bytes: int, workers: int, engine: str, scheduler: Any,
                full: bool, keep_removed: bool, contacts: str,
                progress: Callable[[Iterable[RawDocument]], Iterable[RawDocument]] | None,
                log: Callable[[str, dict[str, Any]], None] | None, batch_size: int) -> RunSummary:
    started = _now()
    t0 = time.monotonic()
    emit = log or (lambda event, data: None)
    version = pipeline_version()
    state = PageState(out_dir, version)
    settings = {"contacts": contacts, "keep_removed": keep_removed}
    if state.settings() != settings:
        full = True  # a different personal-data policy or removal rule: rebuild everything
    state.set_settings(settings)
    summary = RunSummary(out_dir=out_dir)
    emit("start", {"raw_dir": str(raw_dir), "out_dir": str(out_dir), "version": version})
    executor = make_engine(engine, workers, scheduler)
    tables = StreamingTables(out_dir, list(CORE_TABLES) + [t for t in table_names() if t not in CORE_TABLES and t != "runs"])
    seen_files: set[str] = set()
    first_by_sha: dict[str, str] = {}
    issues_by_code: Counter[str] = Counter()
    pages_per_key: Counter[str] = Counter()
    try:
        docs: Iterable[RawDocument] = iter_documents(raw_dir, max_bytes=max_bytes)
        if progress is not None:
            docs = progress(docs)
        planned = (
            (batch, [d for d in batch if full or not state.is_current(d.source_file, d.sha256)])
            for batch in _batches(docs, batch_size)
        )
        for batch, todo, results in executor.map_batches(process_document, planned):
            fresh = iter(results)
            for doc in batch:
                seen_files.add(doc.source_file)
                if todo and doc is todo[0]:
                    todo.pop(0)
                    result = apply_to_result(next(fresh), contacts)
                    if doc.source_file in state.known:
                        summary.pages_changed += 1
                    else:
                        summary.pages_new += 1
                    state.store(result)
                else:
                    result = state.load(doc.source_file)
                    summary.pages_unchanged += 1
                _emit_result(result, first_by_sha, tables, summary, issues_by_code, pages_per_key)
            emit("progress", {"pages": len(seen_files)})
        removed = sorted(set(state.known) - seen_files)
        summary.pages_removed = len(removed)
        if keep_removed:
            for sf in removed:
                _emit_result(state.load(sf), first_by_sha, tables, summary, issues_by_code, pages_per_key)
        else:
            state.remove(removed)
        nothing_changed = (
            summary.pages_new == summary.pages_changed == summary.pages_removed == 0
            and all((out_dir / f"{t}.parquet").exists() for t in tables.buffers)
        )
        if nothing_changed and not full:
            tables.abort()
            summary.tables_rebuilt = False
            summary.records = _existing_counts(out_dir, list(tables.buffers))
        else:
            tables.finish("project_pages")
            _write_projects(tables, issues_by_code, pages_per_key)
            summary.records = dict(tables.counts)
            tables.commit()
        state.commit()
    except BaseException:
        tables.abort()
        raise
    finally:
        executor.close()
        state.close()
    summary.issues_by_code = issues_by_code
    summary.seconds = time.monotonic() - t0
    _append_run(out_dir, raw_dir, started, version, summary, f"{engine} x{workers}" if engine == "local" else engine)
    emit("end", {"pages": summary.n_pages, "seconds": round(summary.seconds, 3), "new": summary.pages_new,
                 "changed": summary.pages_changed, "unchanged": summary.pages_unchanged,
                 "removed": summary.pages_removed, "records": summary.records})
    return summary


def _emit_result(result: PageResult, first_by_sha: dict[str, str], tables: StreamingTables,
                 summary: RunSummary, issues_by_code: Counter[str], pages_per_key: Counter[str]) -> None:
    """Write one page's rows (or mark it a duplicate of an earlier page with the same content)."""
    if result.status != "rejected" and result.page_sha256 in first_by_sha:
        result = as_duplicate(result, first_by_sha[result.page_sha256])
    elif result.status != "rejected":
        first_by_sha[result.page_sha256] = result.source_file
    summary.n_pages += 1
    summary.by_kind_status[(result.page_kind or "unreadable", result.status)] += 1
    if result.status == "rejected" and result.reason:
        summary.rejected_reasons[reason_kind(result.reason, result.source_file)] += 1
    for stage, s in result.timings.items():
        summary.stage_seconds[stage] = summary.stage_seconds.get(stage, 0.0) + s
    tables.add("pages", [page_row(result)])
    if result.project is not None:
        tables.add("project_pages", [result.project])
        pages_per_key[result.project["project_key"]] += 1
    if result.issues:
        issues_by_code.update(i.code for i in result.issues)
        tables.add("issues", [issue_row(i) for i in result.issues])
    for t, rows in result.rows.items():
        if rows:
            tables.add(t, rows)


def _write_projects(tables: StreamingTables, issues_by_code: Counter[str], pages_per_key: Counter[str]) -> None:
    """Merge the staged project_pages into projects, streaming.

    Rows are read back in batches; a project seen on one page is written at once, a project
    seen on several pages is held only until its last page has been read. Memory therefore
    follows the number of multi-page projects in flight, not the size of the dump.
    """
    import pyarrow.parquet as pq

    waiting: dict[str, list[dict[str, Any]]] = {}
    for batch in pq.ParquetFile(tables.path("project_pages")).iter_batches(batch_size=2000):
        merged_rows: list[dict[str, Any]] = []
        merge_issues: list[Issue] = []
        for row in batch.to_pylist():
            key = row["project_key"]
            group = waiting.setdefault(key, [])
            group.append(row)
            if len(group) == pages_per_key[key]:
                merged, issues = merge_projects(waiting.pop(key))
                merged_rows.extend(merged)
                merge_issues.extend(issues)
        tables.add("projects", merged_rows)
        if merge_issues:
            issues_by_code.update(i.code for i in merge_issues)
            tables.add("issues", [issue_row(i) for i in merge_issues])
    for key in sorted(waiting):  # cannot happen unless counts and rows disagree; never lose a row
        merged, issues = merge_projects(waiting[key])
        tables.add("projects", merged)
        tables.add("issues", [issue_row(i) for i in issues])


def _existing_counts(out_dir: Path, names: list[str]) -> dict[str, int]:
    import pyarrow.parquet as pq

    return {t: pq.ParquetFile(out_dir / f"{t}.parquet").metadata.num_rows for t in names}


def _append_run(out_dir: Path, raw_dir: Path, started: datetime, version: str, s: RunSummary, engine: str) -> None:
    """Append this run to runs.parquet (small: read, append, replace atomically)."""
    import pyarrow.parquet as pq

    from pipeline.write import to_arrow

    path = out_dir / "runs.parquet"
    old = pq.read_table(path).to_pylist() if path.exists() else []
    row = {
        "run_id": started.strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}",
        "started_at": started, "ended_at": _now(), "pipeline_version": version, "raw_dir": str(raw_dir),
        "engine": engine, "pages_total": s.n_pages, "pages_new": s.pages_new, "pages_changed": s.pages_changed,
        "pages_unchanged": s.pages_unchanged, "pages_removed": s.pages_removed,
        "records": s.records.get("project_pages", 0), "projects": s.records.get("projects", 0),
        "issues": s.records.get("issues", 0),
        "rejected": sum(n for (k, st), n in s.by_kind_status.items() if st == "rejected"),
        "seconds": round(s.seconds, 3),
    }
    tmp = out_dir / ".runs.parquet.tmp"
    pq.write_table(to_arrow("runs", old + [row]), tmp)
    os.replace(tmp, path)
