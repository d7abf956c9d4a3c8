"""The data dictionary's snippets run as shown on a table the writer wrote; every table's
integer columns read as Int64 and its metadata holds the full pipeline version."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.batch.fingerprint import extraction_version
from pipeline.tables.data_dictionary import DATE_SNIPPETS, render
from pipeline.tables.schemas import load_schema, table_names
from pipeline.tables.write import arrow_schema, to_arrow

PROJECTS = [  # (start_date, expected in: from 2020 on, 2020-2022, in 2021, Timestamp from 2020 on)
    dict(project_key="a", start_date=datetime.date(2019, 12, 31)),
    dict(project_key="b", start_date=datetime.date(2020, 1, 1)),
    dict(project_key="c", start_date=datetime.date(2021, 6, 1)),
    dict(project_key="d", start_date=None),
    dict(project_key="e", start_date=datetime.date(2023, 1, 1)),
]
EXPECTED = (["b", "c", "e"], ["b", "c"], ["c"], ["b", "c", "e"])


def _frame(tmp: Path, table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    path = tmp / f"{table}.parquet"
    pq.write_table(to_arrow(table, rows), path)
    return pd.read_parquet(path)


@pytest.mark.parametrize("snippet,expected", list(zip(DATE_SNIPPETS, EXPECTED)))
def test_date_snippets_run_as_documented(tmp_path: Path, snippet: tuple[str, str], expected: list[str]) -> None:
    df = _frame(tmp_path, "projects", PROJECTS)
    got = eval(snippet[1], {"df": df, "pd": pd, "datetime": datetime})
    assert sorted(got.project_key) == expected
    assert snippet[1] in render()


@pytest.mark.parametrize("table", table_names())
def test_every_integer_column_is_Int64_and_the_version_is_full(tmp_path: Path, table: str) -> None:
    df = _frame(tmp_path, table, [])
    ints = [c.name for c in load_schema(table).columns if c.type == "int64"]
    assert {c: str(df[c].dtype) for c in ints} == {c: "Int64" for c in ints}
    meta = pq.read_schema(tmp_path / f"{table}.parquet").metadata
    assert meta[b"pipeline_version"].decode() == extraction_version()
    assert "+" in extraction_version()
    assert arrow_schema(table).metadata[b"table"] == table.encode()
