"""Command line: `python -m pipeline extract|evaluate ...`.

Exit codes: 0 the run completed (even if some pages were rejected); 2 usage error (bad
arguments, RAW_DIR missing); 3 the output could not be written; 4 another run holds the
output folder (nothing was touched); 1 the evaluation fell below its floors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

EXIT_OK, EXIT_USAGE, EXIT_OUTPUT, EXIT_LOCKED = 0, 2, 3, 4
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
        elif event != "progress" and not sys.stderr.isatty():
            print(f"[pipeline] {event}: " + ", ".join(f"{k}={v}" for k, v in data.items()), file=sys.stderr, flush=True)
        elif event == "progress" and not sys.stderr.isatty() and data.get("pages", 0) % 5000 < 256:
            print(f"[pipeline] progress: pages={data['pages']}", file=sys.stderr, flush=True)

    return log


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Extract normalised records from scraped Swedish pages about EU-funded (ESF/ESF+) projects.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ex = sub.add_parser(
        "extract",
        help="read every file under RAW_DIR and write Parquet tables to OUT_DIR",
        description=(
            "Read every file under RAW_DIR (recursively; text, HTML, JSON lines, WARC, gzip), "
            "classify each page, extract project records and write pages, project_pages, projects, "
            "issues and page_fields as Parquet to OUT_DIR. Every input file gets a row in "
            "pages.parquet with its status and, if it was not extracted, the reason. Tables are "
            "replaced only when the whole run succeeded. Exit 0 when the run completed (even with "
            "rejected pages), 2 on usage errors, 3 when the output cannot be written."
        ),
    )
    ex.add_argument("raw_dir", nargs="?", default="raw", type=Path, help="folder of page dumps (default: raw/)")
    ex.add_argument("--out", dest="out_dir", default="extracted", type=Path, help="output folder (default: extracted/)")
    ex.add_argument("--max-bytes", type=int, default=20 * 1024 * 1024,
                    help="files larger than this are rejected unread (default: 20 MB)")
    ex.add_argument("--workers", type=int, default=1, help="worker processes for the local engine (default: 1)")
    ex.add_argument("--engine", choices=["local", "dask"], default="local",
                    help="local (default) or dask: run the per-page stages on a Dask cluster")
    ex.add_argument("--scheduler", default=None, help="Dask scheduler address for --engine dask, e.g. tcp://10.0.0.5:8786")
    ex.add_argument("--full", action="store_true",
                    help="re-extract every page (default: only new or changed pages; a new pipeline version re-extracts all)")
    ex.add_argument("--keep-removed", action="store_true",
                    help="keep pages deleted from RAW_DIR since the last run in the tables (default: they disappear)")
    ex.add_argument("--contacts", choices=["keep", "hash", "drop"], default="keep",
                    help="personal data (contact names, e-mails, phones): keep (default), hash (salted with "
                         "$PIPELINE_CONTACT_SALT) or drop from every table")
    ex.add_argument("--log-format", choices=["text", "json"], default="text",
                    help="log lines on stderr: text (default) or json (one object per line, for schedulers)")
    ex.add_argument("--quiet", action="store_true", help="no summary")
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
        from pipeline.evaluate import main_evaluate

        return main_evaluate(args.raw_dir, args.gold, floors=args.floors, json_out=args.json_out)
    if args.command == "text":
        return _text(args)
    if args.command == "report":
        from pipeline.report import main as report_main

        return report_main([str(args.out_dir)] + (["--output", str(args.output)] if args.output else []))
    parser.print_help()
    return EXIT_USAGE


def _extract(args: argparse.Namespace) -> int:
    raw_dir: Path = args.raw_dir
    if not raw_dir.is_dir():
        print(f"error: RAW_DIR {raw_dir} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.engine == "dask" and not args.scheduler:
        print("error: --engine dask needs --scheduler ADDRESS", file=sys.stderr)
        return EXIT_USAGE
    from pipeline.lock import Locked
    from pipeline.run import run

    logger = _logger(args.log_format)
    try:
        summary = run(
            raw_dir, args.out_dir, max_bytes=args.max_bytes, workers=args.workers, engine=args.engine,
            scheduler=args.scheduler, full=args.full, keep_removed=args.keep_removed, contacts=args.contacts,
            progress=_progress if args.log_format == "text" else None, log=logger,
        )
    except Locked as exc:
        print(f"error: {exc}; try again when it has finished", file=sys.stderr)
        return EXIT_LOCKED
    except OSError as exc:
        print(f"error: cannot write the tables to {args.out_dir}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    if not args.quiet:
        print(summary.render())
    return EXIT_OK


def _read_one(path: Path, max_bytes: int, read_file: Any, error_doc: Any) -> Iterable[Any]:
    """The documents of one file, as `read.iter_documents` yields them for a file of RAW_DIR
    (named relative to the file's folder); a file that fails midway ends with an error document."""
    rel = path.name
    if path.is_dir():
        yield error_doc(rel, f"cannot read {rel}: is a directory")
        return
    yielded = 0
    try:
        for doc in read_file(str(path), rel, max_bytes):
            yielded += 1
            yield doc
    except Exception as exc:  # noqa: BLE001 - same guard as iter_documents
        yield error_doc(rel if yielded == 0 else f"{rel}#error", f"cannot read {rel}: {type(exc).__name__}: {exc}")


def _text(args: argparse.Namespace) -> int:
    """`python -m pipeline text FILE...`: the read + decode path of the run, one page at a time."""
    import json

    from pipeline.decode import DecodeError, decode
    from pipeline.read import _error_doc, _read_file

    for path in args.files:
        for doc in _read_one(path, args.max_bytes, _read_file, _error_doc):
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
