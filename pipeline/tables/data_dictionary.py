"""Generate docs/data_dictionary.md from schemas/ (`make docs`): one section per table, then
the issue codes (data/issue_codes.csv)."""

from __future__ import annotations

from pipeline.models import issue_codes
from pipeline.tables.schemas import SCHEMA_VERSION, load_schema, table_names


def render() -> str:
    out = [
        "# Data dictionary",
        "",
        f"Generated from `schemas/*.json` by `make docs` (schema version {SCHEMA_VERSION}); do not edit by hand.",
        "Columns marked **personal data** hold contact details (GDPR).",
        "",
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
