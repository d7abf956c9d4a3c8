"""Command line: `python -m pipeline extract|evaluate ...`.

Exit codes: 0 the run completed (even if some pages were rejected); 1 the evaluation fell below
its floors; 2 usage error (bad arguments, RAW_DIR missing); 3 the output could not be written;
4 another run holds the output folder (nothing was touched); 5 RAW_DIR is empty or has lost most
of its known pages (tables left as they were); 6 the Dask scheduler cannot be reached; 130/143
interrupted by SIGINT/SIGTERM (tables left as they were).
"""

from __future__ import annotations

import argparse
import signal
import textwrap
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

EXIT_OK, EXIT_FLOOR, EXIT_USAGE, EXIT_OUTPUT, EXIT_LOCKED, EXIT_INPUT, EXIT_SCHEDULER = 0, 1, 2, 3, 4, 5, 6
EXIT_SIGINT, EXIT_SIGTERM = 130, 143
T = TypeVar("T")


def _progress(it: Iterable[T]) -> Iterable[T]:
    """A progress bar on a terminal; nothing when the output is a log file."""
    if not sys.stderr.isatty():
        return it
    from tqdm import tqdm

    return tqdm(it, desc="pages", unit="page", file=sys.stderr)


def _logger(fmt: str) -> Callable[[str, dict[str, Any]], None]:
    """Log lines on stderr: readable text, or one JSON object per line for a scheduler."""
    import json
    from datetime import datetime, timezone

    def log(event: str, data: dict[str, Any]) -> None:
        if fmt == "json":
            rec = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "event": event, **data}
            print(json.dumps(rec, ensure_ascii=False, default=str), file=sys.stderr, flush=True)
        elif event == "warning":  # always shown, on a terminal too
            print(f"[pipeline] warning: {data.get('message', data)}", file=sys.stderr, flush=True)
        elif event != "progress" and not sys.stderr.isatty():
            print(f"[pipeline] {event}: " + ", ".join(f"{k}={v}" for k, v in data.items()), file=sys.stderr, flush=True)
        elif event == "progress" and not sys.stderr.isatty() and data.get("pages", 0) % 5000 < 256:
            print(f"[pipeline] progress: pages={data['pages']}", file=sys.stderr, flush=True)

    return log


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so the run unwinds as it does on Ctrl-C."""


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    def on_term(signum: int, frame: Any) -> None:
        raise _Terminated()

    old = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


EXIT_CODES = (  # every exit code of every command (README's table says the same; a test checks)
    (EXIT_OK, "completed (extract: even if some pages were rejected, see pages.parquet)"),
    (EXIT_FLOOR, "evaluate: a figure fell below its floor"),
    (EXIT_USAGE, "usage error (bad or contradictory arguments, RAW_DIR missing, report: no tables)"),
    (EXIT_OUTPUT, "the output could not be written"),
    (EXIT_LOCKED, "another run holds the output folder (nothing touched)"),
    (EXIT_INPUT, "RAW_DIR is empty or lost most of its known pages (tables left as they were)"),
    (EXIT_SCHEDULER, "the Dask scheduler cannot be reached (nothing read or written)"),
    (EXIT_SIGINT, "interrupted by SIGINT (tables left as they were)"),
    (EXIT_SIGTERM, "interrupted by SIGTERM (tables left as they were)"),
)
EPILOG = "exit codes:\n" + "\n".join(f"  {code:<4} {what}" for code, what in EXIT_CODES)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Extract normalised records from scraped Swedish pages about EU-funded (ESF/ESF+) projects.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ex = sub.add_parser(
        "extract",
        help="read every file under RAW_DIR and write Parquet tables to OUT_DIR",
        description=textwrap.fill(
            "Read every file under RAW_DIR (recursively; text, HTML, JSON lines, WARC, gzip), "
            "classify each page, extract project records and write the tables as Parquet to OUT_DIR: "
            "pages, project_pages, projects, issues, page_fields, project_municipalities, project_objectives, "
            "calls, regional_priorities, and runs (one row per run). Every input file gets a row in "
            "pages.parquet with its status and, if it was not extracted, the reason. Tables are replaced all "
            "at once, only when the whole run succeeded. An output folder inside RAW_DIR is not read.", 79),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    ex.add_argument("raw_dir", nargs="?", default="raw", type=Path, help="folder of page dumps (default: raw/)")
    ex.add_argument("--out", dest="out_dir", default="extracted", type=Path, help="output folder (default: extracted/)")
    ex.add_argument("--max-bytes", type=int, default=20 * 1024 * 1024,
                    help="files larger than this are rejected unread (default: 20 MB)")
    ex.add_argument("--workers", type=_workers, default="auto",
                    help="worker processes for the local engine: a number, or auto (default) for every CPU this "
                         "process may use; the tables are the same for any number")
    ex.add_argument("--engine", choices=["local", "dask"], default="local",
                    help="local (default) or dask: run the per-page stages on a Dask cluster")
    ex.add_argument("--scheduler", default=None, help="Dask scheduler address for --engine dask, e.g. tcp://10.0.0.5:8786")
    ex.add_argument("--full", action="store_true",
                    help="re-extract every page (default: only new or changed pages; a new pipeline version re-extracts all)")
    ex.add_argument("--page-timeout", type=float, default=10.0, metavar="SECONDS",
                    help="a page whose extraction takes longer is rejected ('timed out after ... in <stage>') "
                         "and the run goes on (default: 10; 0 for no limit)")
    ex.add_argument("--allow-removals", action="store_true",
                    help="accept an empty RAW_DIR, or one that lost more than half of the pages of earlier "
                         "runs (default: such a run exits 5 and leaves the tables as they were)")
    ex.add_argument("--keep-removed", action="store_true",
                    help="keep pages deleted from RAW_DIR since the last run in the tables (default: they disappear); "
                         "switching it on or off re-extracts every page, and the summary says so")
    ex.add_argument("--contacts", choices=["keep", "hash", "drop"], default="keep",
                    help="personal data (contact names, e-mail addresses, phone numbers, address query strings): "
                         "keep (default), hash (HMAC with the secret salt in $PIPELINE_CONTACT_SALT; exit 2 without "
                         "one) or drop, in every table, the state, the report and the logs (README: Personal data); "
                         "changing the policy or the salt re-extracts every page, and the summary says so")
    ex.add_argument("--log-format", choices=["text", "json"], default="text",
                    help="log lines on stderr: text (default) or json (one object per line, for schedulers)")
    ex.add_argument("--quiet", action="store_true", help="no summary")
    ex.add_argument("--report", action="store_true",
                    help="after a completed run, also write OUT_DIR/report.html (the nightly job's one command)")
    ev = sub.add_parser(
        "evaluate",
        help="run the pipeline on RAW_DIR and score it against hand labels",
        description=(
            "Run the extraction on RAW_DIR (into a temporary folder) and print per-field precision "
            "and recall against GOLD.jsonl (the format of ../shared/dev-pages/gold.jsonl). "
            "With --floors FILE, exit 1 if any figure falls below the floor recorded there."
        ),
    )
    ev.add_argument("raw_dir", type=Path, help="folder of pages named as in the gold file")
    ev.add_argument("gold", type=Path, help="hand labels, one JSON object per line")
    ev.add_argument("--floors", type=Path, default=None, help="JSON file of minimum figures (a ratchet)")
    ev.add_argument("--json", dest="json_out", type=Path, default=None, help="also write the figures as JSON")
    rp = sub.add_parser(
        "report",
        help="write OUT_DIR/report.html, a one-file HTML quality report of the tables",
        description=(
            "Read the Parquet tables in OUT_DIR and write one self-contained HTML page (plots embedded): "
            "pages by kind and status, field fill rate per template, issues with examples, rejected reasons, "
            "projects and ESF money by region, county and start year, last runs. Contact details are left out."
        ),
    )
    rp.add_argument("out_dir", nargs="?", default="extracted", type=Path, help="folder of tables (default: extracted/)")
    rp.add_argument("-o", "--output", type=Path, default=None, help="report file (default: OUT_DIR/report.html)")
    tx = sub.add_parser(
        "text",
        help="print the text the pipeline reads from each FILE (after decoding and HTML reading)",
        description=(
            "Read each FILE the way `extract` reads RAW_DIR (sniffing, gzip, JSON lines, WARC), decode it "
            "and, for HTML, keep the page's own content: print exactly the text the later stages see. "
            "A file that cannot be read gets an empty text and its reason (never a traceback)."
        ),
    )
    tx.add_argument("files", nargs="+", type=Path, metavar="FILE", help="page files")
    tx.add_argument("--json", dest="json_lines", action="store_true",
                    help='one JSON object per line: {"file": ..., "text": ...} (plus "reason" when unreadable)')
    tx.add_argument("--max-bytes", type=int, default=20 * 1024 * 1024,
                    help="files larger than this are rejected unread (default: 20 MB)")
    sh = sub.add_parser(
        "show",
        help="explain one page: how it was read, its kind and why, every field with its rule and evidence",
        description=(
            "Run one page through the same stages as `extract` and say what each decided: how the file was read "
            "(format, archive record, encoding, repairs), the text the later stages saw (its first lines), the "
            "page kind and the evidence for it, the fact block's label/value pairs, every field with its value, "
            "evidence and rule, the readers' candidates that lost and why, and the page's issues. A file holding "
            "several pages (JSON lines, WARC) lists them: choose one with FILE#N or --record N. Rejected files "
            "say why. Exit codes: 0 shown, 2 no such file or record."
        ),
    )
    sh.add_argument("file", metavar="FILE", help="a page file, or FILE#N for record N of an archive")
    sh.add_argument("--record", default=None, metavar="N", help="the record of a JSON-lines or WARC file (as in FILE#N)")
    sh.add_argument("--text", dest="full_text", action="store_true", help="all of the text, not only its first lines")
    sh.add_argument("--json", dest="as_json", action="store_true",
                    help="one JSON object for tools (structure: README, 'When a value looks wrong')")
    sh.add_argument("--max-bytes", type=int, default=20 * 1024 * 1024,
                    help="files larger than this are rejected unread (default: 20 MB)")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    if args.command == "extract":
        return _extract(args)
    if args.command == "evaluate":
        from pipeline.quality.evaluate import main_evaluate

        return main_evaluate(args.raw_dir, args.gold, floors=args.floors, json_out=args.json_out)
    if args.command == "text":
        return _text(args)
    if args.command == "report":
        return _report(args)
    if args.command == "show":
        from pipeline.quality.explain import main_show

        return main_show(args.file, args.record, full_text=args.full_text, as_json=args.as_json, max_bytes=args.max_bytes)
    parser.print_help()
    return EXIT_USAGE


def _report(args: argparse.Namespace) -> int:
    out_dir: Path = args.out_dir
    if not out_dir.is_dir():
        print(f"error: OUT_DIR {out_dir} is not a folder (run `python -m pipeline extract` first)", file=sys.stderr)
        return EXIT_USAGE
    if not (out_dir / "pages.parquet").exists():
        print(f"error: no tables in {out_dir} (run `python -m pipeline extract` first)", file=sys.stderr)
        return EXIT_USAGE
    from pipeline.quality.report import build_report

    try:
        path = build_report(out_dir, args.output)
    except OSError as exc:
        print(f"error: cannot write the report: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    print(path)
    return EXIT_OK


def _extract(args: argparse.Namespace) -> int:
    from pipeline.tables.personal import SALT_ENV, SHORT_SALT, ContactPolicy, MissingSalt, masked_log, masked_warnings

    policy = ContactPolicy()
    log = _logger(args.log_format)

    def fail(code: int, message: str) -> int:
        """One line on stderr (a JSON object under --log-format json) and the exit code."""
        if args.log_format == "json":
            log("error", {"message": message, "exit_code": code})
        else:
            print(policy.mask(message), file=sys.stderr, flush=True)
        return code

    try:  # before anything is read or written
        policy = ContactPolicy.from_env(args.contacts)
    except MissingSalt as exc:
        return fail(EXIT_USAGE, f"error: {exc}; nothing was read or written")
    log = masked_log(log, policy)  # no e-mail address or phone number in a log line either
    if policy.short_salt:
        log("warning", {"message": f"${SALT_ENV} is shorter than {SHORT_SALT} characters: a short salt can be guessed"})
    raw_dir: Path = args.raw_dir
    if not raw_dir.is_dir():
        return fail(EXIT_USAGE, f"error: RAW_DIR {raw_dir} is not a folder")
    workers = usable_cpus() if args.workers == "auto" else args.workers
    if workers < 1:
        return fail(EXIT_USAGE, "error: --workers must be at least 1 (or auto)")
    if args.engine == "dask" and not args.scheduler:
        return fail(EXIT_USAGE, "error: --engine dask needs --scheduler ADDRESS")
    if args.scheduler and args.engine != "dask":
        return fail(EXIT_USAGE, "error: --scheduler needs --engine dask (the local engine has no scheduler)")
    if args.engine == "dask" and args.workers != "auto":
        return fail(EXIT_USAGE, "error: --workers is for the local engine (a Dask cluster has its own workers)")
    from pipeline.batch.engine import SchedulerUnreachable
    from pipeline.batch.lock import Locked
    from pipeline.batch.run import InputVanished, run

    try:
        with _terminate_as_interrupt(), _library_messages_as_log(args.log_format, log), masked_warnings(policy):
            summary = run(
                raw_dir, args.out_dir, max_bytes=args.max_bytes, workers=workers, engine=args.engine,
                scheduler=args.scheduler, full=args.full, keep_removed=args.keep_removed,
                allow_removals=args.allow_removals, contacts=policy, page_timeout=args.page_timeout or None,
                progress=_progress if args.log_format == "text" else None, log=log,
            )
    except Locked as exc:
        return fail(EXIT_LOCKED, f"error: {exc}; try again when it has finished")
    except InputVanished as exc:
        return fail(EXIT_INPUT, f"error: {exc}")
    except SchedulerUnreachable as exc:
        return fail(EXIT_SCHEDULER, f"error: {exc}; the tables were left as they were")
    except _Terminated:
        return fail(EXIT_SIGTERM, "interrupted (SIGTERM); tables unchanged")
    except KeyboardInterrupt:
        return fail(EXIT_SIGINT, "interrupted; tables unchanged")
    except (OSError, sqlite3.Error) as exc:  # disk full, read-only, permissions
        what = "the incremental state" if isinstance(exc, sqlite3.Error) else "the tables"
        return fail(EXIT_OUTPUT, f"error: cannot write {what} to {args.out_dir}: {exc}; the tables were left as they were")
    if not args.quiet:
        print(policy.mask(summary.render()))
    if args.report:
        from pipeline.quality.report import build_report

        try:
            log("report", {"path": str(build_report(args.out_dir))})
        except OSError as exc:
            return fail(EXIT_OUTPUT, f"error: the tables were written, but not the report: {exc}")
    return EXIT_OK


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity, which containers and taskset narrow)."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _workers(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', got {value!r}") from None


@contextmanager
def _library_messages_as_log(fmt: str, log: Callable[[str, dict[str, Any]], None]) -> Iterator[None]:
    """Under --log-format json, Python warnings and library log records (Dask's, say) become
    one JSON object per line too, instead of multi-line text on stderr."""
    if fmt != "json":
        yield
        return
    import logging
    import warnings

    class _ToLog(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            log("library", {"logger": record.name, "level": record.levelname, "message": record.getMessage()})

    def show(message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
        log("warning", {"message": f"{category.__name__}: {message}", "where": f"{filename}:{lineno}"})

    root = logging.getLogger()
    handler, old_handlers, old_show = _ToLog(level=logging.WARNING), root.handlers[:], warnings.showwarning
    loggers = [root] + [logging.getLogger(n) for n in ("distributed", "dask")]
    old = [(lg, lg.handlers[:], lg.propagate) for lg in loggers]
    for lg in loggers[1:]:
        lg.handlers, lg.propagate = [], True
    root.handlers = [handler]
    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = old_show
        for lg, handlers, propagate in old:
            lg.handlers, lg.propagate = handlers, propagate
        root.handlers = old_handlers


def _text(args: argparse.Namespace) -> int:
    """`python -m pipeline text FILE...`: the read + decode path of the run, one page at a time."""
    import json

    from pipeline.ingest.decode import DecodeError, decode
    from pipeline.ingest.read import read_path

    for path in args.files:
        for doc in read_path(path, max_bytes=args.max_bytes):
            name = str(path.parent / doc.source_file)
            text, reason = "", None
            try:
                text = decode(doc).text
            except DecodeError as exc:
                reason = str(exc)
            except Exception as exc:  # noqa: BLE001 - the run rejects such pages too; no traceback
                reason = f"decoding failed: {type(exc).__name__}: {exc}"[:500]
            if args.json_lines:
                rec: dict[str, Any] = {"file": name, "text": text}
                if reason is not None:
                    rec["reason"] = reason
                print(json.dumps(rec, ensure_ascii=False), flush=False)
            else:
                print(f"==> {name} <==" + (f" ({reason})" if reason is not None else ""))
                if text:
                    print(text)
    sys.stdout.flush()
    return EXIT_OK
