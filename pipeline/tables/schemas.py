"""Table schemas: loaded once from `schemas/<table>.json`, turned into pyarrow schemas.

Each table's schema lives in exactly one file (name, type, description, example per
column); the writer, the data dictionary and the tests all read it from there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from pipeline.resources import SCHEMA_DIR, schema_file

SCHEMA_VERSION = "1"

_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date32": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "list<string>": pa.list_(pa.string()),
    "list<int64>": pa.list_(pa.int64()),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    example: str
    personal_data: bool = False
    nullable: bool = True


@dataclass(frozen=True)
class TableSchema:
    table: str
    description: str
    columns: tuple[Column, ...]

    @property
    def needs_pandas_types(self) -> bool:
        """Integer or nullable date columns: pandas reads them as float/int64/object unless the
        file carries pandas metadata asking for Int64 / Arrow dates (every integer column is
        Int64, nullable or not, so that a column's dtype never depends on its table)."""
        return any(c.type == "int64" or (c.nullable and c.type == "date32") for c in self.columns)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]  # small: a dozen or two columns

    def to_arrow(self) -> pa.Schema:
        fields = [pa.field(c.name, _TYPES[c.type], nullable=c.nullable) for c in self.columns]
        return pa.schema(fields, metadata={"table": self.table, "schema_version": SCHEMA_VERSION})


def table_names() -> list[str]:
    return sorted(p.stem for p in SCHEMA_DIR.glob("*.json"))


@lru_cache(maxsize=None)
def load_schema(table: str) -> TableSchema:
    """Read `schemas/<table>.json`; unknown column types fail loudly here, not in the writer."""
    raw = json.loads(schema_file(table).read_text(encoding="utf-8"))
    cols = []
    for c in raw["columns"]:
        if c["type"] not in _TYPES:
            raise ValueError(f"schemas/{table}.json: column {c['name']!r} has unknown type {c['type']!r}")
        cols.append(
            Column(
                name=c["name"],
                type=c["type"],
                description=c["description"],
                example=str(c.get("example", "")),
                personal_data=bool(c.get("personal_data", False)),
                nullable=bool(c.get("nullable", True)),
            )
        )
    return TableSchema(table=raw["table"], description=raw["description"], columns=tuple(cols))
