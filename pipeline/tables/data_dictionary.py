"""Generate docs/data_dictionary.md from schemas/ (`make docs`): one section per table."""

from __future__ import annotations

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
    return "\n".join(out)


if __name__ == "__main__":
    print(render())
