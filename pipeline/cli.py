"""Command line: `python -m pipeline extract|evaluate ...`.

Exit codes: 0 the run completed (even if some pages were rejected); 2 usage error (bad
arguments, RAW_DIR missing); 3 the output could not be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterable, TypeVar

EXIT_OK, EXIT_USAGE, EXIT_OUTPUT = 0, 2, 3
T = TypeVar("T")


def _progress(it: Iterable[T]) -> Iterable[T]:
    """A progress bar on a terminal; nothing when the output is a log file."""
    if not sys.stderr.isatty():
        return it
    from tqdm import tqdm

    return tqdm(it, desc="pages", unit="page", file=sys.stderr)


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
    parser.print_help()
    return EXIT_USAGE


def _extract(args: argparse.Namespace) -> int:
    raw_dir: Path = args.raw_dir
    if not raw_dir.is_dir():
        print(f"error: RAW_DIR {raw_dir} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    from pipeline.run import run

    try:
        summary = run(raw_dir, args.out_dir, max_bytes=args.max_bytes, progress=_progress)
    except OSError as exc:
        print(f"error: cannot write the tables to {args.out_dir}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    if not args.quiet:
        print(summary.render())
    return EXIT_OK
