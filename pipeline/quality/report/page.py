"""The report page around its sections (CSS, header, navigation, footer), and writing it."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from pipeline.quality.report.load import Tables, load_tables
from pipeline.quality.report.markup import esc
from pipeline.quality.report.numbers import compute_numbers
from pipeline.quality.report.sections import (
    section_counties, section_fill, section_issues, section_other, section_overview, section_pages,
    section_record_fill, section_regions, section_rejected, section_runs, section_years,
)

REPORT_NAME = "report.html"

CSS = """
* { box-sizing: border-box; }
body { font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
       color: #1d2730; background: #f6f7f9; margin: 0; line-height: 1.45; font-size: 15px; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 60px; background: #fff; min-height: 100vh; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #d8dee4; }
h3 { font-size: 1.02em; margin: 20px 0 6px; }
.meta { color: #5a6570; font-size: 0.9em; margin: 0 0 12px; }
nav { font-size: 0.9em; margin: 8px 0 18px; }
nav a { margin-right: 14px; color: #2f6f9f; text-decoration: none; }
nav a:hover { text-decoration: underline; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 8px; }
.tile { border: 1px solid #d8dee4; border-radius: 6px; padding: 10px 16px; min-width: 150px; background: #fbfcfd; }
.tile-label { color: #5a6570; font-size: 0.85em; }
.tile-value { font-size: 1.35em; font-weight: 600; white-space: nowrap; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 0.9em; }
th, td { border: 1px solid #d8dee4; padding: 4px 9px; text-align: left; vertical-align: top; }
thead th { background: #eef1f4; font-weight: 600; }
tbody th { font-weight: normal; background: #fbfcfd; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td, tr.total th { font-weight: 600; background: #eef1f4; }
table.fill td.num { min-width: 64px; }
table.fill thead th { text-align: center; }
table.examples { width: 100%; table-layout: fixed; }
table.examples td { word-wrap: break-word; overflow-wrap: anywhere; }
table.examples th:nth-child(1) { width: 22%; } table.examples th:nth-child(2) { width: 14%; }
table.examples th:nth-child(3) { width: 30%; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
.muted, td.zero { color: #8a939c; }
.nowrap { white-space: nowrap; }
table.runs { font-size: 0.82em; }
.n { color: #5a6570; font-weight: normal; font-size: 0.85em; }
.note { color: #3d4852; font-size: 0.9em; max-width: 900px; }
.row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.scroll { overflow-x: auto; max-width: 100%; min-width: 0; }
.row > .scroll { flex: 0 1 auto; }
img.plot { max-width: 100%; height: auto; border: 1px solid #eef1f4; }
footer { margin-top: 40px; color: #5a6570; font-size: 0.85em; }
"""


def render_html(t: Tables, n: dict[str, Any], generated: datetime | None = None) -> str:
    """The whole page: header, overview, the sections (a section with nothing to say is left
    out, and so is its link), footer. `generated` defaults to now."""
    generated = generated or datetime.now(timezone.utc)
    versions = sorted(set(t.schema_versions.values()))
    sections: list[tuple[str, str, Callable[[], str]]] = [
        ("pages", "Pages", lambda: section_pages(n)),
        ("fill", "Fill rate", lambda: section_fill(t)),
        ("fill-records", "Calls &amp; plans fill", lambda: section_record_fill(t)),
        ("issues", "Issues", lambda: section_issues(t, n)),
        ("rejected", "Rejected", lambda: section_rejected(n)),
        ("regions", "Regions", lambda: section_regions(n)),
        ("counties", "Counties", lambda: section_counties(n)),
        ("years", "Over time", lambda: section_years(n)),
        ("runs", "Runs", lambda: section_runs(t)),
        ("other", "Calls &amp; plans", lambda: section_other(t)),
    ]
    bodies = [(sid, title, fn()) for sid, title, fn in sections]
    nav = "".join(f'<a href="#{sid}">{title}</a>' for sid, title, body in bodies if body)
    body = "".join(b for _, _, b in bodies)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ESF extraction – quality report</title>
<style>{CSS}</style>
</head>
<body>
<main>
<h1>ESF extraction – quality report</h1>
<p class="meta">Tables in <code>{esc(t.out_dir)}</code> · schema version {esc(", ".join(versions) or "–")} ·
generated {esc(generated.strftime("%Y-%m-%d %H:%M UTC"))}. Amounts in Swedish kronor; contact details are left out.</p>
<nav>{nav}</nav>
{section_overview(t, n)}
{body}
<footer>Made by <code>python -m pipeline.quality.report</code> from the Parquet tables; see <code>docs/data_dictionary.md</code> for the columns.</footer>
</main>
</body>
</html>
"""


def build_report(out_dir: Path, report_path: Path | None = None) -> Path:
    """Write the quality report of the tables in out_dir (default: out_dir/report.html)."""
    out_dir = Path(out_dir)
    report_path = Path(report_path) if report_path is not None else out_dir / REPORT_NAME
    t = load_tables(out_dir)
    page = render_html(t, compute_numbers(t))
    report_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=report_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the report is meant to be shared
        os.replace(tmp, report_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return report_path
