"""Quality report: one self-contained HTML page about the tables of an extraction.

`build_report(out_dir)` reads the Parquet tables in OUT_DIR and writes `OUT_DIR/report.html`:
pages by kind and status, per-field fill rate per template (and of calls per template and regional
plans per region), issues by code with examples,
rejected reasons, projects and ESF money by region, by county and by start year, and the last
runs. Everything is in the one file (CSS inline, plots as base64 PNGs drawn with matplotlib's
Agg canvas), so it can be mailed or opened from a share without a web server.

`report_numbers(out_dir)` returns the totals the page shows; every total cell of the page
carries them in `data-metric`/`data-key`/`data-value` attributes so tests can compare the page
with the tables.

Personal data stays out: contact columns are dropped on reading, issue evidence for contact
fields is withheld, and e-mail addresses and phone numbers in the other issue texts are masked.

By job: `load` reads the tables, `numbers` computes the totals, `plots` draws the figures,
`markup` escapes and formats, `sections` and `page` render the HTML. The command line
(`python -m pipeline report [OUT_DIR] [--output FILE]`) is in pipeline.cli.
"""

from __future__ import annotations

from pipeline.quality.report.load import OPTIONAL_TABLES, REQUIRED_TABLES, Tables, load_tables
from pipeline.quality.report.numbers import NO_REGION, NO_VALUE, compute_numbers, report_numbers
from pipeline.quality.report.page import REPORT_NAME, build_report, render_html

__all__ = [
    "NO_REGION", "NO_VALUE", "OPTIONAL_TABLES", "REPORT_NAME", "REQUIRED_TABLES", "Tables", "build_report",
    "compute_numbers", "load_tables", "render_html", "report_numbers",
]
