"""Generate docs/data_dictionary.md from schemas/ (`make docs`): one section per table, then
the issue codes (data/issue_codes.csv)."""

from __future__ import annotations

from pipeline.models import issue_codes
from pipeline.tables.schemas import SCHEMA_VERSION, load_schema, table_names

# How to read the tables: what every table has in common. Each snippet runs as shown on a
# pandas frame `df` of projects.parquet (tests/test_data_dictionary.py runs them).
DATE_SNIPPETS = (
    ("rows from a date on (a null date is left out)", "df[df.start_date >= datetime.date(2020, 1, 1)]"),
    ("rows in a date range", "df[df.start_date.between(datetime.date(2020, 1, 1), datetime.date(2022, 12, 31))]"),
    ("by year", "df[df.start_date.dt.year == 2021]"),
    ("as pandas Timestamps (to compare with a Timestamp or a string)",
     'df[pd.to_datetime(df.start_date) >= pd.Timestamp("2020-01-01")]'),
)
COMMON = [
    "## Reading the tables",
    "",
    "- **List columns** (`municipalities`, `counties`, `target_groups`, ...) have one meaning in every",
    "  table: `[]` = the page names none; `null` = unknown (the page is cut off before the list its",
    "  layout always has, or no page of a project says). `projects` keeps a page's `[]`: a list no page",
    "  fills is `[]` when a page names none, `null` when no page knows.",
    "- **Integers** are nullable `Int64` in pandas in every table (`runs.parquet` included), and `null`",
    "  is a missing value, never 0.",
    "- **Dates** (`date32`) read as `date32[day][pyarrow]`: compare them with `datetime.date`, not",
    "  with `pd.Timestamp` or a string (pandas raises `TypeError: Invalid comparison`):",
    "",
    "```python",
    "import datetime",
    "import pandas as pd",
    'df = pd.read_parquet("extracted/projects.parquet")',
    *(f"{code}  # {what}" for what, code in DATE_SNIPPETS),
    "```",
    "",
    "  Timestamps (`timestamp`, UTC) read as `datetime64[us, UTC]` and compare with",
    '  `pd.Timestamp("2024-01-01", tz="UTC")`.',
    "- **Metadata:** every file's Parquet metadata holds `table`, `schema_version` and",
    "  `pipeline_version`, the full version of the run that wrote it (as in `runs.parquet`: package",
    '  version + a fingerprint of code and data, e.g. `0.1.0+5988a201e5`): `pyarrow.parquet.read_schema(path).metadata[b"pipeline_version"]`.',
    "  Each page table also holds `contacts_policy` (`keep`, `hash` or `drop`: what `--contacts` did to",
    "  personal data in it; see the README's Personal data section).",
    "- **Programme names** (`programme_area_name`, `specific_objective_name`) are the verified official",
    "  names of `pipeline/data/programme_objectives.csv` (with their sources); a code no source names",
    "  has a null name.",
    "",
]


def render() -> str:
    out = [
        "# Data dictionary",
        "",
        f"Generated from `schemas/*.json` by `make docs` (schema version {SCHEMA_VERSION}); do not edit by hand.",
        "Columns marked **personal data** hold contact details (GDPR).",
        "",
        *COMMON,
    ]
    for name in table_names():
        s = load_schema(name)
        out += [f"## `{name}.parquet`", "", s.description, "", "| column | type | description | example |", "|---|---|---|---|"]
        for c in s.columns:
            desc = c.description + (" **personal data**" if c.personal_data else "")
            out.append(f"| `{c.name}` | {c.type} | {desc.replace('|', '/')} | `{c.example.replace('|', '/')}` |")
        out.append("")
    out += [
        "## Issue codes",
        "",
        "The `code` column of `issues.parquet`: what each code means, and its `severity`",
        "(from `pipeline/data/issue_codes.csv`, the one list of them).",
        "",
        "| code | severity | meaning |",
        "|---|---|---|",
    ]
    for ic in issue_codes().values():
        out.append(f"| `{ic.code}` | {ic.severity} | {ic.meaning.replace('|', '/')} |")
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(render())
