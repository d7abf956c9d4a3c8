"""Execution engines for the per-page stages: in-process, a local process pool, or Dask.

All engines take batches of documents and return results in input order, so every engine
writes identical tables. Heavy state (spaCy, the gazetteer) is loaded once per process (for a
local pool: once, before it forks).
"""

from __future__ import annotations

import gc
import multiprocessing as mp
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Protocol, cast

from pipeline.models import PageResult, RawDocument
from pipeline.resources import data_file

if TYPE_CHECKING:
    from pipeline.tables.personal import ContactPolicy
    from pipeline.tables.rows import ExtractedChunk


Batch = tuple[list[RawDocument], list[RawDocument]]  # (all documents of a batch, those to extract)
Chunks = list["ExtractedChunk"]  # the extracted documents of a batch, in order, a chunk at a time
ChunkFn = Callable[[list[RawDocument]], "ExtractedChunk"]

CHUNK_PAGES = 64  # pages per task: Arrow conversion and pickling cost less per page in bulk


def chunked(docs: list[RawDocument], workers: int) -> list[list[RawDocument]]:
    """Consecutive chunks of at most CHUNK_PAGES documents; a small batch is cut into about
    four chunks per worker, so each gets some. The tables never depend on the chunking."""
    size = max(1, min(CHUNK_PAGES, -(-len(docs) // (workers * 4))))
    return [docs[i:i + size] for i in range(0, len(docs), size)]


class Engine(Protocol):
    def map_batches(self, fn: ChunkFn, batches: Iterable[Batch]) -> Iterator[tuple[list[RawDocument], list[RawDocument], Chunks]]: ...
    def close(self, abort: bool = False) -> None: ...


PIPELINE_DEPTH = 2  # batches queued on the workers while the caller writes the one before


class _Pipelined:
    """Keeps the next batches running on the workers while the caller writes the current one.

    Two batches ahead, not one: the main process's first batch takes longest to write (it
    imports pandas and opens the Parquet writers), and with one batch queued the workers ran
    out of work meanwhile."""

    def submit(self, fn: ChunkFn, docs: list[RawDocument]) -> Any:
        raise NotImplementedError

    def result(self, handle: Any) -> Chunks:
        raise NotImplementedError

    def map_batches(self, fn: ChunkFn, batches: Iterable[Batch]) -> Iterator[tuple[list[RawDocument], list[RawDocument], Chunks]]:
        pending: deque[tuple[list[RawDocument], list[RawDocument], Any]] = deque()
        for batch, todo in batches:
            pending.append((batch, todo, self.submit(fn, todo)))
            if len(pending) > PIPELINE_DEPTH:
                done = pending.popleft()
                yield done[0], done[1], self.result(done[2])
        while pending:
            done = pending.popleft()
            yield done[0], done[1], self.result(done[2])


def extract_chunk(docs: list[RawDocument], contacts: str | ContactPolicy = "keep",
                  page_timeout: float | None = None) -> ExtractedChunk:
    """The per-page stages for consecutive documents, importing them (spaCy included) on first
    use; each page within `page_timeout` seconds; the contacts policy is applied here, before
    anything is stored or written."""
    from pipeline.tables.contacts import apply_to_result
    from pipeline.tables.rows import extracted_chunk

    return extracted_chunk([apply_to_result(_extract_page(d, page_timeout), contacts) for d in docs])


def _extract_page(doc: RawDocument, page_timeout: float | None) -> PageResult:
    from pipeline.batch.limits import page_time_limit
    from pipeline.process import PageTimeout, process_document

    try:
        with page_time_limit(page_timeout):
            return process_document(doc)
    except PageTimeout as exc:  # the time ran out between the stages' own handlers
        return PageResult(source_file=doc.source_file, page_sha256=doc.sha256, n_bytes=doc.n_bytes,
                          page_kind=None, template=None, status="rejected", reason=str(exc),
                          source_url=doc.source_url, fetched_at=doc.fetched_at)


_frozen = False  # set by warm_up; inherited by forked workers with the frozen objects

# The main process's cyclic-collector thresholds while workers extract (Python's default: 700,
# 10, 10). It unpickles and holds a few batches of chunks, millions of small containers that
# reference counting frees; at the default it spent ~0.45 s per 10,000 pages in ~500
# collections, ~40 ms per full one. The workers keep the caller's thresholds: in them, HTML
# parse trees are cyclic garbage, and collecting less often made them slower.
RUN_GC_THRESHOLDS = (50_000, 20, 10)
_caller_gc: tuple[int, int, int] | None = None  # the thresholds before `gc_for_run`, for the workers


@contextmanager
def gc_for_run(main_only: bool) -> Iterator[None]:
    """RUN_GC_THRESHOLDS in this process for the duration of a run when it does not extract
    pages itself (`main_only`), then the caller's thresholds again."""
    global _caller_gc
    old = _caller_gc = gc.get_threshold()
    if main_only:
        gc.set_threshold(*RUN_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        _caller_gc = None


WARM_UP_PAGE = data_file("warm_up_page.txt")


def warm_up(sample_page: bool = False) -> None:
    """Load what every page needs once per process (not once per page).

    With `sample_page` (before a pool forks, and on Dask workers), a small page of our own
    (data/warm_up_page.txt) goes through every stage as well: the stage modules and their lazily
    compiled patterns are then loaded once before the fork instead of once in every worker,
    where their first pages took ~0.5 s more CPU each while the other worker competed for the
    cores. Not dateparser: its dates are all read by the fast paths, as most corpora's are
    (the bench's never reach dateparser), and loading it here cost the serial start 0.1-0.3 s.

    Then `gc.freeze()`: the loaded models and tables (hundreds of thousands of objects) move
    to a permanent generation, so the cyclic collector stops rescanning them on every full
    collection during the run. They live as long as the worker anyway.
    """
    from pipeline.text.nlp import get_nlp
    from pipeline.tables.write import use_run_memory_pool

    use_run_memory_pool()  # as the main process does during a run (a Dask worker: from now on)
    get_nlp()
    try:
        from pipeline.places.recognise import find_places

        find_places("Botkyrka kommun")
    except ImportError:  # places not installed in this build
        pass
    if sample_page and WARM_UP_PAGE.is_file():  # (only a head start: without it, each worker loads on its own)
        from pipeline.process import process_document

        data = WARM_UP_PAGE.read_bytes()
        process_document(RawDocument(source_file=WARM_UP_PAGE.name, data=data, n_bytes=len(data), sha256=""))
    global _frozen
    if not _frozen:  # once per process: later runs in the same process add nothing to freeze
        gc.freeze()  # (no collect first: it cost 45 ms before the fork, and little is garbage)
        _frozen = True


class InProcess:
    def __init__(self) -> None:
        self._warm = False

    def map_batches(self, fn: ChunkFn, batches: Iterable[Batch]) -> Iterator[tuple[list[RawDocument], list[RawDocument], Chunks]]:
        for batch, todo in batches:
            if todo and not self._warm:
                warm_up()  # as a pool worker would: load once, then freeze for the GC
                self._warm = True
            yield batch, todo, [fn(c) for c in chunked(todo, 1)]

    def close(self, abort: bool = False) -> None:
        pass


def _worker_init(thresholds: tuple[int, int, int]) -> None:
    """A pool worker: the caller's GC thresholds; Ctrl-C is the parent's to handle (it stops
    the pool), and the worker dies with its parent instead of living on as an orphan."""
    import signal

    gc.set_threshold(*thresholds)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler: terminate() ends a worker
    _die_with_parent()


def _die_with_parent() -> None:
    """Linux: SIGTERM this process when its parent exits (prctl PR_SET_PDEATHSIG)."""
    import ctypes
    import os
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's terminate() still stops it
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


class ProcessPool(_Pipelined):
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: Any = None

    @property
    def pool(self) -> Any:
        """Started on first use: a run with nothing to extract forks no workers.

        spaCy and the gazetteer are loaded here before the fork, so every worker starts with
        them in place (copy-on-write, frozen out of the GC's way) instead of each spending a
        second of CPU loading its own copy."""
        if self._pool is None:
            warm_up(sample_page=True)
            self._pool = mp.get_context("fork").Pool(self.workers, initializer=_worker_init,
                                                     initargs=(_caller_gc or gc.get_threshold(),))
        return self._pool

    def submit(self, fn: ChunkFn, docs: list[RawDocument]) -> Any:
        if not docs:
            return None
        return self.pool.map_async(fn, chunked(docs, self.workers), chunksize=1)

    def result(self, handle: Any) -> Chunks:
        results: Chunks = handle.get() if handle is not None else []
        return results

    def close(self, abort: bool = False) -> None:
        """Wait for the workers; with `abort` (an error or Ctrl-C), stop them at once."""
        if self._pool is not None:
            if abort:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()


SCHEDULER_TIMEOUT = "20s"  # to connect to the scheduler before the run gives up


class SchedulerUnreachable(Exception):
    """The Dask scheduler did not answer: nothing was read or written."""


class DaskEngine(_Pipelined):
    """Runs the per-page stages on a Dask distributed cluster; the merge runs on the client."""

    def __init__(self, scheduler: str | Any) -> None:
        from distributed import Client

        self.own_client = not isinstance(scheduler, Client)
        try:
            self.client: Client = Client(scheduler, timeout=SCHEDULER_TIMEOUT) if self.own_client \
                else cast(Client, scheduler)
        except (OSError, TimeoutError) as exc:
            raise SchedulerUnreachable(f"cannot reach the Dask scheduler {scheduler} ({type(exc).__name__}: {exc})") from None
        self._warm = False
        self._threads = 1

    def submit(self, fn: ChunkFn, docs: list[RawDocument]) -> Any:
        if not docs:
            return []
        if not self._warm:
            self.client.run(warm_up, sample_page=True)
            self._threads = max(1, sum(self.client.nthreads().values()))
            self._warm = True
        return self.client.map(fn, chunked(docs, self._threads), pure=False)

    def result(self, handle: Any) -> Chunks:
        results: Chunks = self.client.gather(handle) if handle else []
        return results

    def close(self, abort: bool = False) -> None:
        if self.own_client:
            self.client.close()


def extracts_in_process(engine: str, workers: int) -> bool:
    """Whether `make_engine(engine, workers)` runs the per-page stages in the calling process."""
    return engine == "local" and workers <= 1


def make_engine(engine: str = "local", workers: int = 1, scheduler: str | Any | None = None) -> Engine:
    if engine == "dask":
        if scheduler is None:
            raise ValueError("--engine dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
        return DaskEngine(scheduler)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r} (local or dask)")
    return InProcess() if extracts_in_process(engine, workers) else ProcessPool(workers)
