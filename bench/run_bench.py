"""End-to-end benchmark of the extraction: pages/s, time per stage and peak memory.

    python bench/run_bench.py                   # 10,000 text + 2,000 HTML pages, 1 and 2 workers
    python bench/run_bench.py --pages 100000    # + a streaming memory run over 100k text pages
    python bench/run_bench.py --workers 2 --only text

The corpus is generated once by bench/generate.py into bench/out/corpus (re-generated only when
missing or made with other sizes/seed). Every measurement runs `pipeline.batch.run.run(..., full=True)`
in a fresh subprocess (so peak-memory figures of different runs never mix) into a fresh output
folder, and includes reading the files and writing the Parquet tables.

Columns (seconds unless named otherwise):
  pages/s      pages / summary.seconds (the run itself, after `import pipeline`; includes loading
               spaCy in the workers, reading, the per-page stages, merging and writing Parquet)
  decode, segment+classify, extract, normalise+validate, places, sections+objectives
               summary.stage_seconds: seconds summed over pages. With N workers they are summed
               over N processes, so they can add up to more than the wall time.
  read         pulling documents out of the reader (wrapping the iterator: `run(progress=...)`)
  merge        _write_projects: read back project_pages, merge into projects
  write        StreamingTables.add/add_arrow/finish/commit and ExtractedChunk.table: the workers' columns
               to Arrow, Parquet writing, moving into place
  state        PageState.store/load/commit: the incremental-run state (chunks stored and loaded)
  rest         seconds minus all of the above (with N workers: minus read/merge/write/state
               only, so it is mostly waiting for the pool)
  RSS main MB  peak resident memory of the main process (getrusage RUSAGE_SELF ru_maxrss)
  RSS worker MB
               peak resident memory of the largest worker process (RUSAGE_CHILDREN: the
               largest reaped child; '-' when everything ran in-process)
This is not a timed test: it prints figures, it never fails on them.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

ROOT = Path(__file__).resolve().parent.parent
BENCH_OUT = ROOT / "bench" / "out"
STAGES = ("decode", "segment+classify", "extract", "normalise+validate", "places", "sections+objectives")
TARGETS = {"text": 1200.0, "html": 250.0}  # pages/s with 2 workers
RSS_TARGET_MB = 1024.0

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _mb(kb: int) -> float:
    return kb / 1024.0  # ru_maxrss is in KiB on Linux


# --------------------------------------------------------------------------- one measurement (subprocess)


class _Clock:
    """Exclusive time per label: a timed call nested in another counts only for the inner one."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stack: list[list[float]] = []  # [start, time spent in nested timed calls]

    def wrap(self, label: str, fn: Any) -> Any:
        clock = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = [time.perf_counter(), 0.0]
            clock._stack.append(frame)
            try:
                return fn(*args, **kwargs)
            finally:
                clock._stack.pop()
                total = time.perf_counter() - frame[0]
                clock.seconds[label] = clock.seconds.get(label, 0.0) + total - frame[1]
                if clock._stack:
                    clock._stack[-1][1] += total

        return timed


# Per-page work that summary.stage_seconds does not time, and the main process's own work.
# Wrapped by name in pipeline.batch.run (names missing in this version of the pipeline are skipped).
MAIN_PROCESS = {"_write_projects": "merge"}
WRITE_METHODS = ("add", "add_arrow", "finish", "commit", "abort")


def measure(raw_dir: Path, out_dir: Path, workers: int) -> dict[str, Any]:
    """Run the pipeline once; called in a fresh interpreter (see `_measure_in_subprocess`).

    The per-page stages are timed by the pipeline itself (summary.stage_seconds, summed over
    the workers); the main process's read/merge/write/state are timed here by wrapping.
    """
    import pipeline.batch.run as prun

    clock = _Clock()
    for name, label in MAIN_PROCESS.items():
        if hasattr(prun, name):
            setattr(prun, name, clock.wrap(label, getattr(prun, name)))
    tables_cls = prun.StreamingTables
    for meth in WRITE_METHODS:
        if hasattr(tables_cls, meth):
            setattr(tables_cls, meth, clock.wrap("write", getattr(tables_cls, meth)))
    chunk_cls = getattr(prun, "ExtractedChunk", None)
    if chunk_cls is not None and hasattr(chunk_cls, "table"):  # the workers' columns -> Arrow
        chunk_cls.table = clock.wrap("write", chunk_cls.table)
    state_cls = prun.PageState
    for meth in ("store", "load", "commit", "remove"):
        if hasattr(state_cls, meth):
            setattr(state_cls, meth, clock.wrap("state", getattr(state_cls, meth)))

    def timed_read(docs: Iterable[Any]) -> Iterator[Any]:
        pull = clock.wrap("read", next)
        it = iter(docs)
        while True:
            try:
                d = pull(it)
            except StopIteration:
                return
            yield d

    if out_dir.exists():
        shutil.rmtree(out_dir)
    t0 = time.perf_counter()
    s = prun.run(raw_dir, out_dir, workers=workers, full=True, progress=timed_read)
    wall = time.perf_counter() - t0
    self_ru = resource.getrusage(resource.RUSAGE_SELF)
    child_ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    extras: dict[str, float | None] = {}
    return {
        "pages": s.n_pages, "seconds": s.seconds, "wall": wall,
        "stages": dict(s.stage_seconds), "extras": extras,
        "main": {k: clock.seconds.get(k, 0.0) for k in ("read", "merge", "write", "state")},
        "records": dict(s.records),
        "rss_main_mb": _mb(self_ru.ru_maxrss), "rss_worker_mb": _mb(child_ru.ru_maxrss),
        "cpu_main_s": self_ru.ru_utime + self_ru.ru_stime, "cpu_workers_s": child_ru.ru_utime + child_ru.ru_stime,
        "by_kind_status": {f"{k}/{st}": n for (k, st), n in sorted(s.by_kind_status.items())},
    }


def _measure_in_subprocess(raw_dir: Path, out_dir: Path, workers: int) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_measure", str(raw_dir), str(out_dir), str(workers)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"measurement failed ({' '.join(cmd)}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- corpus


def ensure_corpus(corpus: Path, n_text: int, n_html: int, seed: int) -> None:
    manifest = corpus / ".manifest.json"
    if manifest.exists():
        m = json.loads(manifest.read_text(encoding="utf-8"))
        if (m.get("text_pages"), m.get("html_pages"), m.get("seed")) == (n_text, n_html, seed):
            return
        shutil.rmtree(corpus)
    from generate import generate

    t = time.perf_counter()
    print(f"generating {n_text} text + {n_html} HTML pages (seed {seed}) into {corpus} ...", flush=True)
    generate(corpus, n_text, n_html, seed)
    print(f"  done in {time.perf_counter() - t:.1f} s", flush=True)


# --------------------------------------------------------------------------- report


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def _row(name: str, workers: int, r: dict[str, Any]) -> str:
    st, ex, mn = r["stages"], r["extras"], r["main"]
    per_page = sum(st.values()) + sum(v for v in ex.values() if v is not None)
    rest = r["seconds"] - sum(mn.values()) - (per_page if workers == 1 else 0.0)
    worker = "-" if workers == 1 else f"{r['rss_worker_mb']:.0f}"
    cells = ([name, str(workers), str(r["pages"]), f"{r['seconds']:.1f}", f"{r['pages'] / r['seconds']:.0f}"]
             + [_f(st.get(s, 0.0)) for s in STAGES] + [_f(ex.get(k)) for k in EXTRAS]
             + [_f(mn[k]) for k in ("read", "merge", "write", "state")]
             + [_f(rest), f"{r['rss_main_mb']:.0f}", worker])
    return "| " + " | ".join(cells) + " |"


EXTRAS: tuple[str, ...] = ()
HEADER = ("| corpus | workers | pages | seconds | pages/s | decode | segment+classify | extract | normalise+validate "
          "| places | sections+objectives | read | merge | write | state | rest | RSS main MB | RSS worker MB |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the extraction (prints a table; never fails on figures).")
    ap.add_argument("--corpus", type=Path, default=BENCH_OUT / "corpus")
    ap.add_argument("--text", type=int, default=10_000, help="text pages in the default corpus")
    ap.add_argument("--html", type=int, default=2_000, help="HTML pages in the default corpus")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--only", choices=["text", "html"], nargs="+", default=["text", "html"])
    ap.add_argument("--pages", type=int, default=0,
                    help="also run a streaming memory run over N generated text pages with 2 workers")
    ap.add_argument("--skip-default", action="store_true", help="only the --pages memory run")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per cell (a shared or virtual machine varies run to run): the table shows "
                         "the median run, the lines below it the range")
    ap.add_argument("--_measure", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    if a._measure:
        raw, out, workers = a._measure
        print(json.dumps(measure(Path(raw), Path(out), int(workers))))
        return 0

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
    # The package's bytecode, as any installed or once-run copy has it (an environment with
    # PYTHONDONTWRITEBYTECODE=1, like this sandbox, would compile every module in every run).
    compileall.compile_dir(str(ROOT / "pipeline"), quiet=1)
    results: list[tuple[str, int, dict[str, Any]]] = []
    spreads: dict[tuple[str, int], list[float]] = {}
    if not a.skip_default:
        ensure_corpus(a.corpus, a.text, a.html, a.seed)
        for sub in a.only:
            for w in a.workers:
                out = BENCH_OUT / f"extracted_{sub}_w{w}"
                runs = []
                for _ in range(max(1, a.repeat)):
                    r = _measure_in_subprocess(a.corpus / sub, out, w)
                    shutil.rmtree(out, ignore_errors=True)
                    runs.append(r)
                    print(f"  {sub:<5} x{w}: {r['pages']} pages in {r['seconds']:.1f} s = {r['pages'] / r['seconds']:.0f} pages/s", flush=True)
                runs.sort(key=lambda x: x["pages"] / x["seconds"])
                results.append((sub, w, runs[len(runs) // 2]))
                spreads[(sub, w)] = [x["pages"] / x["seconds"] for x in runs]
    if a.pages:
        big = BENCH_OUT / f"corpus_{a.pages}"
        ensure_corpus(big, a.pages, 0, a.seed)
        out = BENCH_OUT / "extracted_memory"
        r = _measure_in_subprocess(big / "text", out, 2)
        shutil.rmtree(out, ignore_errors=True)
        results.append((f"text {a.pages // 1000}k", 2, r))
        print(f"  memory run: {r['pages']} pages in {r['seconds']:.1f} s, peak RSS main {r['rss_main_mb']:.0f} MB, "
              f"worker {r['rss_worker_mb']:.0f} MB", flush=True)

    print()
    print(HEADER)
    print("|" + "---|" * HEADER.count(" | ") + "---|")
    for name, w, r in results:
        print(_row(name, w, r))
    print()
    for (name, w), rates in spreads.items():
        if len(rates) > 1:
            print(f"{name} x{w}: pages/s over {len(rates)} runs: min {rates[0]:.0f}, median {rates[len(rates) // 2]:.0f}, max {rates[-1]:.0f}")
    for name, w, r in results:
        target = TARGETS.get(name)
        if target and w == 2:
            rate = r["pages"] / r["seconds"]
            print(f"{name} x2: {rate:.0f} pages/s (target >= {target:.0f}: {'met' if rate >= target else 'NOT met'})")
        if name.startswith("text ") and name.endswith("k"):
            peak = max(r["rss_main_mb"], r["rss_worker_mb"])
            print(f"{name}: peak RSS main {r['rss_main_mb']:.0f} MB, worker {r['rss_worker_mb']:.0f} MB "
                  f"(target < {RSS_TARGET_MB:.0f} MB: {'met' if peak < RSS_TARGET_MB else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
