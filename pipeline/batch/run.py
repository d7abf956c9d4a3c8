"""Orchestration: read -> (per-page stages in `process.py`) -> merge -> write.

`run` is the I/O edge. It walks RAW_DIR in batches and sends only new or changed pages to an
engine (in-process, a process pool or Dask), storing each result in the incremental state.
From the first change on, every page's result is streamed in RAW_DIR order into the tables
(de-duplicating identical content) while the workers go on; when nothing changed the tables
are left as they are. The projects are merged and the tables moved into place only when
everything succeeded.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pyarrow as pa

from pipeline.batch.limits import DEFAULT_PAGE_TIMEOUT
from pipeline.batch.fingerprint import extraction_version, tables_version
from pipeline.batch.engine import extract_chunk, extracts_in_process, gc_for_run, make_engine
from pipeline.batch.lock import OutputLock
from pipeline.tables.merge import merge_projects, single_page_projects
from pipeline.models import Issue, PageResult, RawDocument
from pipeline.ingest.read import DEFAULT_MAX_BYTES, iter_documents
from pipeline.tables.rows import ExtractedChunk, issue_row, page_row, page_spans
from pipeline.tables.schemas import table_names
from pipeline.batch.state import STATE_DIR, PageState, is_damage, set_aside
from pipeline.tables.personal import ContactPolicy
from pipeline.tables.publish import write_new_file
from pipeline.tables.write import StreamingTables, arrow_schema, memory_pool_for_run, to_arrow

CORE_TABLES = ("pages", "project_pages", "projects", "issues", "page_fields")
# More than this share of the pages known from earlier runs gone from RAW_DIR looks like an
# unmounted or half-copied dump, not like pages deleted on purpose.
MAX_REMOVED_SHARE = 0.5
# the stored settings that say under which personal-data policy the stored results were made
PERSONAL_SETTINGS = ("contacts", "contact_salt")


class InputVanished(Exception):
    """RAW_DIR holds no pages, or has lost most of the pages known from earlier runs: the run
    stops before anything is replaced (`allow_removals` accepts it)."""


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
    engine: str = ""  # how the pages were extracted, e.g. "local x2" (two worker processes)
    notes: list[str] = field(default_factory=list)  # what the reader should know about this run
    out_dir: Path | None = None

    def render(self) -> str:
        lines = [
            f"Pages: {self.n_pages} in {self.seconds:.1f} s "
            f"(new {self.pages_new}, changed {self.pages_changed}, unchanged {self.pages_unchanged}, "
            f"removed {self.pages_removed})" + (f", engine {self.engine}" if self.engine else "")
        ]
        lines.extend(f"Note: {n}" for n in self.notes)
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


def as_duplicate(r: PageResult, first: str) -> PageResult:
    return PageResult(
        source_file=r.source_file, page_sha256=r.page_sha256, n_bytes=r.n_bytes,
        page_kind=r.page_kind, template=r.template, status="skipped",
        reason=f"duplicate of {first}", source_url=r.source_url, fetched_at=r.fetched_at,
        kind_evidence=r.kind_evidence,
    )


# Bytes of pages in one batch: a run holds a few batches at once (queued on the workers and
# being written), so 512 pages just under --max-bytes each must not make one batch.
BATCH_BYTES = 32 * 1024 * 1024


def batches(docs: Iterable[RawDocument], size: int, max_bytes: int = BATCH_BYTES) -> Iterator[list[RawDocument]]:
    """Consecutive documents, at most `size` pages and (past its first page) `max_bytes` of
    page bytes a batch; the tables never depend on where batches end."""
    batch: list[RawDocument] = []
    n_bytes = 0
    for doc in docs:
        weight = len(doc.data) if doc.data is not None else 0  # (a rejected page holds no bytes)
        if batch and n_bytes + weight > max_bytes:
            yield batch
            batch, n_bytes = [], 0
        batch.append(doc)
        n_bytes += weight
        if len(batch) >= size:
            yield batch
            batch, n_bytes = [], 0
    if batch:
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
    allow_removals: bool = False,
    contacts: str | ContactPolicy = "keep",
    page_timeout: float | None = DEFAULT_PAGE_TIMEOUT,
    progress: Callable[[Iterable[RawDocument]], Iterable[RawDocument]] | None = None,
    log: Callable[[str, dict[str, Any]], None] | None = None,
    batch_size: int = 512,
) -> RunSummary:
    """Extract every page under raw_dir into out_dir (all or nothing). Raises Locked if busy,
    MissingSalt (before anything is touched) for `contacts="hash"` without a salt."""
    policy = contacts if isinstance(contacts, ContactPolicy) else ContactPolicy.from_env(contacts)
    main_only = not extracts_in_process(engine, workers)
    with OutputLock(out_dir), memory_pool_for_run(), gc_for_run(main_only=main_only):
        def attempt(full: bool) -> RunSummary:
            return _run_locked(raw_dir, out_dir, max_bytes=max_bytes, workers=workers, engine=engine,
                               scheduler=scheduler, full=full, keep_removed=keep_removed,
                               allow_removals=allow_removals, policy=policy, page_timeout=page_timeout,
                               progress=progress, log=log, batch_size=batch_size)

        try:
            return attempt(full)
        except Exception as exc:
            if not is_damage(exc):
                raise
            aside = set_aside(out_dir)  # the tables are as the last run left them: start afresh
            (log or (lambda event, data: None))("warning", {
                "message": f"the incremental state could not be read ({exc}); moved to {aside.name}, "
                           "every page is extracted again"})
            return attempt(True)


def _run_locked(raw_dir: Path, out_dir: Path, *, max_bytes: int, workers: int, engine: str, scheduler: Any,
                full: bool, keep_removed: bool, allow_removals: bool, policy: ContactPolicy, page_timeout: float | None,
                progress: Callable[[Iterable[RawDocument]], Iterable[RawDocument]] | None,
                log: Callable[[str, dict[str, Any]], None] | None, batch_size: int) -> RunSummary:
    started = _now()
    t0 = time.monotonic()
    emit = log or (lambda event, data: None)
    version = extraction_version()
    state = PageState(out_dir, version)
    # what shaped the stored results besides the code: another value re-extracts every page
    settings = {**policy.settings(), "keep_removed": keep_removed, "page_timeout": page_timeout}
    stored = state.settings()
    if stored != settings:
        full = True  # a different personal-data policy or removal rule: rebuild everything
    if stored and any(stored.get(k) != settings.get(k) for k in PERSONAL_SETTINGS):
        # results stored under another policy or salt are never read again, nor left behind
        state.close()
        for d in [out_dir / STATE_DIR, *out_dir.glob(f"{STATE_DIR}.damaged-*")]:
            shutil.rmtree(d, ignore_errors=True)
        state = PageState(out_dir, version)
    changed = sorted(k for k in settings if k in stored and stored[k] != settings[k])
    summary_notes = [f"every page was extracted again because {', '.join(changed)} changed since the last run "
                     f"({', '.join(_change(k, stored, settings) for k in changed)})"] if changed else []
    state.set_settings(settings)
    tables_code: dict[str, object] = {"version": tables_version()}
    rebuild = state.settings("tables") != tables_code  # the tables were built by other table code
    state.set_settings(tables_code, "tables")
    summary = RunSummary(out_dir=out_dir, engine=f"{engine} x{workers}" if engine == "local" else engine,
                         notes=summary_notes)
    emit("start", {"raw_dir": str(raw_dir), "out_dir": str(out_dir), "version": version})
    executor = make_engine(engine, workers, scheduler)  # starts workers only when a page needs them
    order: list[str] = []  # every page of RAW_DIR, in reading order
    issues_by_code: Counter[str] = Counter()
    builder: _TableBuilder | None = None
    failed = False
    try:
        # extract new and changed pages, store every result in the state
        # a file whose stat is as it was is not read: its pages are those stored (not on --full)
        state.trust_files = not full
        docs: Iterable[RawDocument] = iter_documents(
            raw_dir, max_bytes=max_bytes, skip=out_dir,
            unchanged=lambda path, st: state.unchanged_pages(path, st, max_bytes))
        if progress is not None:
            docs = progress(docs)

        def planned() -> Iterator[tuple[list[RawDocument], list[RawDocument]]]:
            for batch in batches(docs, batch_size):
                for d in batch:
                    state.saw(d.source_file)
                order.extend(d.source_file for d in batch)
                yield batch, [d for d in batch if full or not state.is_current(d.source_file, d.sha256)]

        names = list(CORE_TABLES) + [t for t in table_names() if t not in CORE_TABLES and t != "runs"]
        builder = _TableBuilder(out_dir, names, state, summary, issues_by_code, policy.table_metadata())
        extract = partial(extract_chunk, contacts=policy, page_timeout=page_timeout)
        for batch, todo, chunks in executor.map_batches(extract, planned()):
            fresh: dict[str, tuple[ExtractedChunk, int]] = {}
            pages = ((chunk, p) for chunk in chunks for p in range(len(chunk)))
            for doc, (chunk, p) in zip(todo, pages):
                if doc.source_file in state.known:
                    summary.pages_changed += 1
                else:
                    summary.pages_new += 1
                fresh[doc.source_file] = (chunk, p)
            for chunk in chunks:  # stored as the bytes the workers sent them in
                state.store(chunk)
            if fresh or full:
                builder.start()  # the tables will change: write while the workers go on
            for doc in batch:
                got = fresh.get(doc.source_file)
                if got is None:
                    builder.add(doc.source_file)
                else:
                    builder.add_extracted(*got)
            builder.end_run()
            emit("progress", {"pages": len(order)})
        summary.pages_unchanged = len(order) - summary.pages_new - summary.pages_changed
        seen = set(order)
        removed = sorted(sf for sf in state.known if sf not in seen)
        summary.pages_removed = len(removed)
        if not allow_removals:
            _check_input(raw_dir, len(order), len(removed), len(state.known), keep_removed)
        if rebuild or removed or not all((out_dir / f"{t}.parquet").exists() for t in names):
            builder.start()
        if keep_removed:
            for sf in removed:
                builder.add(sf)
        else:
            state.remove(removed)
        builder.end_run()
        if builder.tables is None:
            # nothing changed: the tables on disk are exactly what this run would write again
            summary.tables_rebuilt = False
            _summarise_existing(out_dir, names, summary, issues_by_code)
        else:
            tables = builder.tables
            tables.finish("project_pages")
            _write_projects(tables, issues_by_code, builder.pages_per_key)
            summary.records = dict(tables.counts)
            tables.commit()
        state.commit()
    except BaseException:
        failed = True
        if builder is not None and builder.tables is not None:
            builder.tables.abort()
        raise
    finally:
        executor.close(abort=failed)
        state.close()
    summary.issues_by_code = issues_by_code
    summary.seconds = time.monotonic() - t0
    _append_run(out_dir, raw_dir, started, version, summary, summary.engine)
    emit("end", {"pages": summary.n_pages, "seconds": round(summary.seconds, 3), "new": summary.pages_new,
                 "changed": summary.pages_changed, "unchanged": summary.pages_unchanged,
                 "removed": summary.pages_removed, "records": summary.records})
    return summary


def _change(key: str, stored: dict[str, object], settings: dict[str, object]) -> str:
    if key == "contact_salt":  # an identifier of the salt says nothing to the reader
        return "a new salt for --contacts hash"
    return f"{key}: {stored[key]} -> {settings.get(key)}"


def _check_input(raw_dir: Path, n_pages: int, n_removed: int, n_known: int, keep_removed: bool) -> None:
    """Refuse an input that would wipe the tables by accident (an empty or unmounted folder).
    A first run over an empty folder has nothing to lose: it writes empty tables."""
    if n_pages == 0 and n_known:
        raise InputVanished(f"no pages under {raw_dir} (empty, or not mounted?); the tables were left as they "
                            "were (--allow-removals to write empty tables)")
    if not keep_removed and n_known and n_removed / n_known > MAX_REMOVED_SHARE:
        raise InputVanished(f"{n_removed} of the {n_known} pages of earlier runs are gone from {raw_dir} "
                            f"(more than {MAX_REMOVED_SHARE:.0%}: a partial copy?); the tables were left as "
                            "they were (--allow-removals to remove them from the tables)")


class _TableBuilder:
    """Writes every page's result into the tables in RAW_DIR order, but only once the run
    knows the tables must change: until then it only remembers which pages it has passed.

    A page arrives as part of an `ExtractedChunk`, extracted in this run or stored in the state
    by an earlier one: its pages row is written at once, its other rows when the run of
    consecutive pages of that chunk ends, as slices of the chunk's Arrow tables without the
    duplicate pages."""

    def __init__(self, out_dir: Path, names: list[str], state: PageState, summary: RunSummary,
                 issues_by_code: Counter[str], metadata: dict[bytes, bytes] | None = None) -> None:
        self.out_dir, self.names, self.state = out_dir, names, state
        self.metadata = metadata or {}
        self.summary, self.issues_by_code = summary, issues_by_code
        self.tables: StreamingTables | None = None
        self.deferred: list[str] = []
        self.first_by_sha: dict[str, str] = {}
        self.pages_per_key: Counter[str] = Counter()
        self._run: tuple[ExtractedChunk, int, int, list[int]] | None = None  # chunk, start, stop, duplicates

    def start(self) -> None:
        if self.tables is None:
            self.tables = StreamingTables(self.out_dir, self.names, metadata=self.metadata)
            for sf in self.deferred:
                self.add_extracted(*self.state.load(sf))
            self.deferred = []

    def add(self, source_file: str) -> None:
        """A page in reading order whose result is in the state (unchanged, or kept removed)."""
        if self.tables is None:
            self.deferred.append(source_file)
        else:
            self.add_extracted(*self.state.load(source_file))

    def add_extracted(self, chunk: ExtractedChunk, p: int) -> None:
        """Page p of a chunk, in reading order (the tables are started)."""
        run = self._run
        if run is None or run[0] is not chunk or run[2] != p:
            self.end_run()
            run = self._run = (chunk, p, p, [])
        written = _emit_page(chunk.heads[p], chunk.project_keys[p], chunk.issue_codes[p], self.first_by_sha,
                             self._tables(), self.summary, self.issues_by_code, self.pages_per_key)
        self._run = (chunk, run[1], p + 1, run[3] if written else [*run[3], p])

    def end_run(self) -> None:
        """Write the other rows of the pages added by `add_extracted` since the last call."""
        if self._run is None:
            return
        chunk, start, stop, dropped = self._run
        self._run = None
        tables = self._tables()
        for t, rows, offsets in chunk.tables():
            spans = page_spans(offsets, start, stop, dropped)
            if len(spans) == 1 and spans[0] == (0, rows.num_rows):
                tables.add_arrow(t, rows)
            elif spans:
                tables.add_arrow(t, pa.concat_tables([rows.slice(a, n) for a, n in spans]))

    def _tables(self) -> StreamingTables:
        assert self.tables is not None
        return self.tables


def _emit_page(result: PageResult, project_key: str | None, issue_codes: list[str], first_by_sha: dict[str, str],
               tables: StreamingTables, summary: RunSummary, issues_by_code: Counter[str],
               pages_per_key: Counter[str]) -> bool:
    """Write one page's pages row and count it; False when it is a duplicate of an earlier page
    with the same content (then its other rows must not be written)."""
    duplicate = result.status != "rejected" and result.page_sha256 in first_by_sha
    if duplicate:
        result = as_duplicate(result, first_by_sha[result.page_sha256])
    elif result.status != "rejected":
        first_by_sha[result.page_sha256] = result.source_file
    summary.n_pages += 1
    summary.by_kind_status[(result.page_kind or "unreadable", result.status)] += 1
    if result.status == "rejected" and result.reason:
        summary.rejected_reasons[reason_kind(result.reason, result.source_file)] += 1
    tables.add("pages", [page_row(result)])
    if duplicate:
        return False
    for stage, s in result.timings.items():
        summary.stage_seconds[stage] = summary.stage_seconds.get(stage, 0.0) + s
    if project_key is not None:
        pages_per_key[project_key] += 1
    issues_by_code.update(issue_codes)
    return True


def _write_projects(tables: StreamingTables, issues_by_code: Counter[str], pages_per_key: Counter[str]) -> None:
    """Merge the staged project_pages into projects, streaming.

    Rows are read back in batches; a project seen on one page is written at once, a project
    seen on several pages is held only until its last page has been read. Memory therefore
    follows the number of multi-page projects in flight, not the size of the dump. Projects
    with one page (most) stay in Arrow; only the pages of the others become Python rows.
    """
    import pyarrow.parquet as pq

    schema = arrow_schema("projects")
    waiting: dict[str, list[dict[str, Any]]] = {}
    for batch in pq.ParquetFile(tables.path("project_pages")).iter_batches(batch_size=2000):
        keys = batch.column("project_key").to_pylist()
        single = [i for i, key in enumerate(keys) if pages_per_key[key] == 1]
        if len(single) == len(keys):
            tables.add_arrow("projects", single_page_projects(batch, schema))
            continue
        several = [i for i, key in enumerate(keys) if pages_per_key[key] != 1]
        merged_rows: list[dict[str, Any]] = []
        merged_at: list[int] = []  # the batch row that completed each merged project
        merge_issues: list[Issue] = []
        for i, row in zip(several, batch.take(pa.array(several, pa.int64())).to_pylist()):
            key = row["project_key"]
            group = waiting.setdefault(key, [])
            group.append(row)
            if len(group) == pages_per_key[key]:
                merged, issues = merge_projects(waiting.pop(key))
                merged_rows.extend(merged)
                merged_at.extend([i] * len(merged))
                merge_issues.extend(issues)
        # single-page projects, then the merged ones, put back in the order of their last page
        both = pa.concat_tables([single_page_projects(batch.take(pa.array(single, pa.int64())), schema),
                                 to_arrow("projects", merged_rows)])
        at = single + merged_at
        tables.add_arrow("projects", both.take(pa.array(sorted(range(len(at)), key=at.__getitem__), pa.int64())))
        if merge_issues:
            issues_by_code.update(i.code for i in merge_issues)
            tables.add("issues", [issue_row(i) for i in merge_issues])
    for key in sorted(waiting):  # cannot happen unless counts and rows disagree; never lose a row
        merged, issues = merge_projects(waiting[key])
        tables.add("projects", merged)
        tables.add("issues", [issue_row(i) for i in issues])


def _summarise_existing(out_dir: Path, names: list[str], summary: RunSummary, issues_by_code: Counter[str]) -> None:
    """The summary of a run that left the tables as they were, read from the tables."""
    import pyarrow.parquet as pq

    summary.records = {t: pq.ParquetFile(out_dir / f"{t}.parquet").metadata.num_rows for t in names}
    pages = pq.ParquetFile(out_dir / "pages.parquet").read(columns=["source_file", "page_kind", "status", "reason"]).to_pylist()
    summary.n_pages = len(pages)
    for p in pages:
        summary.by_kind_status[(p["page_kind"] or "unreadable", p["status"])] += 1
        if p["status"] == "rejected" and p["reason"]:
            summary.rejected_reasons[reason_kind(p["reason"], p["source_file"])] += 1
    issues_by_code.update(pq.ParquetFile(out_dir / "issues.parquet").read(columns=["code"]).column("code").to_pylist())


def _append_run(out_dir: Path, raw_dir: Path, started: datetime, version: str, s: RunSummary, engine: str) -> None:
    """Append this run to runs.parquet (small: read, append, replace atomically)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = out_dir / "runs.parquet"
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
    new = to_arrow("runs", [row])
    table = new
    old = None
    if path.is_file() and not path.is_symlink():  # a link planted there is replaced, never read
        try:
            old = pq.ParquetFile(path).read()
        except (OSError, pa.ArrowInvalid):  # damaged: the run log starts again
            old = None
    if old is not None:
        try:  # stay in Arrow: converting old rows to Python would import pandas for timestamps
            table = pa.concat_tables([old.select(new.schema.names).cast(new.schema), new]).replace_schema_metadata(
                new.schema.metadata)  # this run's version and pandas types, not the first run's
        except (pa.ArrowInvalid, KeyError, ValueError):  # an older runs schema: rebuild the rows
            table = to_arrow("runs", old.to_pylist() + [row])
    write_new_file(out_dir, "runs.parquet", lambda fh: pq.write_table(table, fh))
