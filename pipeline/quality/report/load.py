"""Reading the tables of an OUT_DIR for the report, without the personal data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from pipeline.resources import places_file
from pipeline.tables.contacts import contact_fields, personal_columns
from pipeline.tables.personal import TOKEN_PREFIX
from pipeline.tables.write import to_arrow

REQUIRED_TABLES = ("pages", "project_pages", "projects", "issues")
OPTIONAL_TABLES = (
    "calls", "project_municipalities", "project_objectives", "regional_priorities", "page_fields", "runs",
)


@dataclass
class Tables:
    """The tables of one OUT_DIR; a missing table is an empty frame and listed in `missing`."""

    out_dir: Path
    frames: dict[str, pd.DataFrame]
    missing: list[str] = field(default_factory=list)
    schema_versions: dict[str, str] = field(default_factory=dict)
    contact_names: frozenset[str] = frozenset()  # masked wherever the report quotes the tables

    def get(self, name: str) -> pd.DataFrame:
        return self.frames.get(name, pd.DataFrame())

    def has(self, name: str) -> bool:
        return name in self.frames and name not in self.missing


def left_out_columns() -> set[str]:
    """Columns the report never shows: the contact fields and whatever the projects and
    project_pages schemas mark as personal data (one definition, in pipeline.tables.contacts)."""
    cols = contact_fields()
    for table in ("projects", "project_pages"):
        cols |= personal_columns(table)
    return cols


def _empty_table(name: str) -> pd.DataFrame:
    """A zero-row frame with the schema's columns and dtypes, for a missing required table."""
    return to_arrow(name, []).to_pandas()


def load_tables(out_dir: Path) -> Tables:
    """Every known table in out_dir; contact columns are dropped as they are read."""
    personal = left_out_columns()
    frames: dict[str, pd.DataFrame] = {}
    missing: list[str] = []
    versions: dict[str, str] = {}
    names: set[str] = set()
    for name in REQUIRED_TABLES + OPTIONAL_TABLES:
        path = out_dir / f"{name}.parquet"
        if not path.is_file():
            if name in REQUIRED_TABLES:
                frames[name] = _empty_table(name)
                missing.append(name)
            continue
        meta = pq.read_schema(path).metadata or {}
        if b"schema_version" in meta:
            versions[name] = meta[b"schema_version"].decode("utf-8", "replace")
        df = pd.read_parquet(path)
        if name in ("projects", "project_pages"):
            if "contact_name" in df:  # (hash and drop tables hold tokens or nothing here)
                names |= {str(n) for n in df["contact_name"].dropna() if not str(n).startswith(TOKEN_PREFIX)}
            df = df.drop(columns=[c for c in df.columns if c in personal])
        frames[name] = df
    return Tables(out_dir=out_dir, frames=frames, missing=missing, schema_versions=versions,
                  contact_names=frozenset(names))


def county_names() -> dict[str, str]:
    """County code -> county name from the places data (empty if it cannot be read)."""
    path = places_file("counties.csv")
    try:
        df = pd.read_csv(path, dtype=str)
        return dict(zip(df["lanskod"], df["lan"]))
    except Exception:
        return {}
