"""The fast paths of the writer give exactly the tables of the straightforward ones.

`to_arrow` lets Arrow convert the row dicts, and `_write_projects` merges projects seen on one
page column-wise in Arrow. Both are compared here with a plain construction (a Python list per
column, every project through `merge_projects`): same rows, same order, same schema and metadata.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.tables.merge import merge_projects, single_page_projects
from pipeline.tables.rows import issue_row
from pipeline.batch.run import _write_projects
from pipeline.tables.schemas import load_schema, table_names
from pipeline.tables.write import StreamingTables, _ts, arrow_schema, to_arrow


def reference_table(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    """One Python list per column, `dict.get` per row and column (the writer before Arrow did it)."""
    schema = load_schema(table)
    columns = {n: [r.get(n) for r in rows] for n in schema.names}
    for c in schema.columns:
        if c.type == "timestamp":
            columns[c.name] = [_ts(v) for v in columns[c.name]]
    return pa.Table.from_pydict(columns, schema=arrow_schema(table))


def assert_same(a: pa.Table, b: pa.Table) -> None:
    assert a.schema == b.schema and a.schema.metadata == b.schema.metadata
    assert [f.type for f in a.schema] == [f.type for f in b.schema]
    assert a.equals(b)


CEST = timezone(timedelta(hours=2))
TIMESTAMPS = [
    None, "2024-05-01T03:00:00Z", "2024-05-01T03:00:00+02:00", "2024-05-01T03:00:00", "2024-05-01",
    "2024-05-01 03:00:00.123456", "igår", "", 20240501, datetime(2024, 5, 1, 3, 0, tzinfo=CEST),
    datetime(2024, 5, 1, 3, 0), datetime(2024, 5, 1, 3, 0, 0, 7, tzinfo=timezone.utc),
]


def _value(type_: str, i: int) -> Any:
    """The i-th test value of a column type: None, empty and odd values included."""
    values: dict[str, list[Any]] = {
        "string": [None, "", "a", "åäö ÅÄÖ", "x" * 300, "\x00nul"],
        "int64": [None, 0, -1, 2**62, 7],
        "float64": [None, 0.0, -0.0, 33.5, math.inf, 1],
        "bool": [None, True, False],
        "date32": [None, date(2024, 1, 31), date(1, 1, 1)],
        "timestamp": TIMESTAMPS,
        "list<string>": [None, [], ["a"], ["", None, "b"]],
        "list<int64>": [None, [], [1, None, 3]],
    }
    options = values[type_]
    return options[i % len(options)]


@pytest.mark.parametrize("table", table_names())
def test_to_arrow_equals_the_plain_construction(table: str) -> None:
    columns = load_schema(table).columns
    rows: list[dict[str, Any]] = []
    for i in range(40):
        row = {c.name: _value(c.type, i + j) for j, c in enumerate(columns)}
        if i % 3 == 1:  # missing keys are nulls
            row = {k: v for j, (k, v) in enumerate(row.items()) if (i + j) % 4}
        if i % 5 == 2:  # keys outside the schema are ignored
            row["not_a_column"] = [1, 2]
        rows.append(row)
    assert_same(to_arrow(table, rows), reference_table(table, rows))
    assert_same(to_arrow(table, []), reference_table(table, []))
    assert_same(to_arrow(table, iter(rows[:3])), reference_table(table, rows[:3]))
    assert_same(to_arrow(table, [{}] + rows), reference_table(table, [{}] + rows))


UTC_3AM = datetime(2024, 5, 1, 3, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("ts,expected", [
    (None, None), ("2024-05-01T03:00:00Z", UTC_3AM), ("2024-05-01T05:00:00+02:00", UTC_3AM),
    ("2024-05-01T03:00:00", UTC_3AM), ("2024-05-01", UTC_3AM.replace(hour=0)), ("igår", None), ("", None),
    (datetime(2024, 5, 1, 5, 0, tzinfo=CEST), UTC_3AM), (datetime(2024, 5, 1, 3, 0), UTC_3AM),
])
def test_timestamps_keep_the_iso_rules(ts: Any, expected: datetime | None) -> None:
    """A timestamp without zone is UTC, "Z" is UTC, an unparseable one is null."""
    got = to_arrow("pages", [{"source_file": "a", "fetched_at": ts}]).column("fetched_at").to_pylist()[0]
    assert got == expected


def test_a_row_that_is_not_a_dict_fails() -> None:
    with pytest.raises(Exception):
        to_arrow("issues", [{"source_file": "a"}, None])  # type: ignore[list-item]


TEXT: st.SearchStrategy[str | None] = st.one_of(st.none(), st.just(""), st.text(max_size=6))
NAMES: st.SearchStrategy[list[str | None] | None] = st.one_of(st.none(), st.just([]), st.lists(st.one_of(st.none(), st.sampled_from(["", "Nacka", "Laxå"])), max_size=3))


def page_strategy(key: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    """project_pages rows where "" and [] (what a merge drops) are frequent."""
    cols: dict[str, st.SearchStrategy[Any]] = {}
    for c in load_schema("project_pages").columns:
        cols[c.name] = {
            "string": TEXT, "int64": st.one_of(st.none(), st.integers(-5, 5)),
            "float64": st.one_of(st.none(), st.floats(allow_nan=False)),
            "date32": st.one_of(st.none(), st.dates()),
            "timestamp": st.one_of(st.none(), st.datetimes(timezones=st.just(timezone.utc))),
            "list<string>": NAMES,
        }[c.type]
    cols["project_key"] = key
    cols["source_file"] = st.text(min_size=1, max_size=5)
    return st.fixed_dictionaries(cols)


def _read_back(table: str, rows: list[dict[str, Any]], tmp: Path) -> pa.Table:
    """Rows as `_write_projects` sees them: written to Parquet and read again."""
    pq.write_table(to_arrow(table, rows), tmp)
    return pq.read_table(tmp)


@settings(max_examples=60, deadline=None)
@given(st.lists(page_strategy(st.text(max_size=4)), max_size=12))
def test_single_page_projects_equal_merge_projects(tmp_path_factory: pytest.TempPathFactory,
                                                   pages: list[dict[str, Any]]) -> None:
    tmp = tmp_path_factory.mktemp("single") / "pp.parquet"
    batch = _read_back("project_pages", pages, tmp).combine_chunks().to_batches()
    got = single_page_projects(batch[0], arrow_schema("projects")) if batch else None
    expected_rows = [merge_projects([r])[0][0] for r in pq.read_table(tmp).to_pylist()]
    expected = reference_table("projects", expected_rows)
    if got is None:
        assert not pages
    else:
        assert_same(got, expected)


def test_codes_travel_with_the_names(tmp_path: Path) -> None:
    """Codes come from the page whose names they are ([] names included: the page names none);
    without names (null: unknown) they are the page's codes as they are."""
    rows: list[dict[str, Any]] = [
        dict(project_key="a", source_file="a", municipalities=["Nacka"], municipality_codes=[]),
        dict(project_key="b", source_file="b", municipalities=[], municipality_codes=[]),
        dict(project_key="c", source_file="c", municipalities=[], municipality_codes=["0182"]),
        dict(project_key="d", source_file="d", municipalities=None, municipality_codes=[""]),
        dict(project_key="e", source_file="e", municipalities=["", None], municipality_codes=None)]
    batch = _read_back("project_pages", rows, tmp_path / "pp.parquet").to_batches()[0]
    got = single_page_projects(batch, arrow_schema("projects"))
    assert got.column("municipality_codes").to_pylist() == [[], [], ["0182"], [""], None]
    assert got.column("municipalities").to_pylist() == [["Nacka"], [], [], None, ["", None]]
    assert got.column("source_files").to_pylist() == [["a"], ["b"], ["c"], ["d"], ["e"]]
    assert got.column("n_pages").to_pylist() == [1] * 5


def _reference_projects(path: Path, pages_per_key: Counter[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every project through `merge_projects`, in the order its last page was read."""
    waiting: dict[str, list[dict[str, Any]]] = {}
    projects: list[dict[str, Any]] = []
    issues: list[dict[str, Any]] = []
    for row in pq.read_table(path).to_pylist():
        group = waiting.setdefault(row["project_key"], [])
        group.append(row)
        if len(group) == pages_per_key[row["project_key"]]:
            merged, found = merge_projects(waiting.pop(row["project_key"]))
            projects += merged
            issues += [issue_row(i) for i in found]
    return projects, issues


@pytest.mark.parametrize("n_pages,every", [(10, 3), (4500, 7), (4500, 1), (4500, 10_000), (30, 2)])
def test_write_projects_keeps_the_order(tmp_path: Path, n_pages: int, every: int) -> None:
    """Single-page and multi-page projects interleave, groups span read batches of 2000 rows."""
    rows: list[dict[str, Any]] = []
    for i in range(n_pages):
        key = f"k{i // 3 % 997}" if i % every == 0 else f"s{i}"  # every `every`-th page a shared key
        rows.append(dict(source_file=f"p{i:05}.txt", project_key=key, title=f"T{i % 5 or ''}",
                         fetched_at=datetime(2024, 1, 1 + i % 3, tzinfo=timezone.utc) if i % 4 else None,
                         municipalities=["Nacka"] if i % 2 else [], municipality_codes=[] if i % 3 else ["0182"],
                         eu_grant_sek=i if i % 6 else None, summary="" if i % 5 == 0 else "text"))
    pages_per_key = Counter(r["project_key"] for r in rows)
    tables = StreamingTables(tmp_path / "out", ["project_pages", "projects", "issues"], flush_rows=1500)
    tables.add("project_pages", rows)
    tables.finish("project_pages")
    expected, expected_issues = _reference_projects(tables.path("project_pages"), pages_per_key)
    codes: Counter[str] = Counter()
    _write_projects(tables, codes, pages_per_key)
    assert tables.counts["projects"] == len(expected)
    final = tables.commit()
    got = pq.read_table(final["projects"])
    assert_same(got, reference_table("projects", expected))
    assert_same(pq.read_table(final["issues"]), reference_table("issues", expected_issues))
    assert codes["pages_disagree"] == len(expected_issues)


@pytest.mark.parametrize("convert_rows", [1, 7, 400, 10_000])
def test_arrow_and_dict_rows_flush_alike(tmp_path: Path, convert_rows: int) -> None:
    """Rows converted early or added as Arrow tables give the same file, byte for byte, as
    the same rows added as dicts and converted only when a row group is written."""
    rows = [dict(source_file=f"f{i}", code=f"c{i % 7}", evidence=None if i % 3 else "å" * (i % 50))
            for i in range(2300)]
    a = StreamingTables(tmp_path / "a", ["issues"], flush_rows=1000, convert_rows=10**9)
    b = StreamingTables(tmp_path / "b", ["issues"], flush_rows=1000, convert_rows=convert_rows)
    for start, size in [(0, 10), (10, 990), (1000, 5), (1005, 700), (1705, 595)]:
        part = rows[start:start + size]
        a.add("issues", part)
        if start % 2:
            b.add("issues", part)
        else:
            b.add_arrow("issues", to_arrow("issues", part))
    assert a.counts == b.counts == {"issues": 2300}
    path_a, path_b = a.commit()["issues"], b.commit()["issues"]
    assert path_a.read_bytes() == path_b.read_bytes()
    meta = pq.ParquetFile(path_b).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [1000, 1000, 300]


def test_a_table_without_rows_is_written_empty(tmp_path: Path) -> None:
    tables = StreamingTables(tmp_path, ["calls", "issues"], convert_rows=1)
    tables.add("issues", [])
    tables.add_arrow("calls", to_arrow("calls", []))
    final = tables.commit()
    for t in ("calls", "issues"):
        assert_same(pq.read_table(final[t]), reference_table(t, []))


def test_a_run_gives_the_callers_arrow_memory_pool_back(tmp_path: Path) -> None:
    from pipeline.batch.run import run

    before = pa.default_memory_pool().backend_name
    seen: list[str] = []
    run(Path(__file__).resolve().parent.parent / "raw" / "esfplus", tmp_path / "out", full=True,
        log=lambda event, data: seen.append(pa.default_memory_pool().backend_name))
    from pipeline.tables.write import run_memory_pool

    assert seen and set(seen) == {run_memory_pool().backend_name} and seen[0] in ("jemalloc", "system")
    assert pa.default_memory_pool().backend_name == before


def test_columns_give_the_same_table_as_rows() -> None:
    """Workers send `to_columns`; the main process's `columns_to_arrow` equals `to_arrow`."""
    from pipeline.tables.schemas import table_names
    from pipeline.tables.write import columns_to_arrow, to_columns

    for table in table_names():
        schema = arrow_schema(table)
        rows: list[dict[str, Any]] = []
        for i in range(5):
            row: dict[str, Any] = {}
            for f in schema:
                if i == 0:
                    continue  # every column missing: nulls
                if pa.types.is_string(f.type):
                    row[f.name] = f"{f.name}-{i}" if i % 2 else ""
                elif pa.types.is_integer(f.type):
                    row[f.name] = i * 1000
                elif pa.types.is_floating(f.type):
                    row[f.name] = i / 3
                elif pa.types.is_boolean(f.type):
                    row[f.name] = i % 2 == 0
                elif pa.types.is_date(f.type):
                    row[f.name] = date(2020, 1, i)
                elif pa.types.is_timestamp(f.type):
                    row[f.name] = "2024-05-06T07:08:09Z" if i % 2 else datetime(2024, 1, i, tzinfo=timezone.utc)
                elif pa.types.is_list(f.type):
                    row[f.name] = [f"x{i}", ""] if i % 2 else []
            rows.append(row)
        rows.append({"unknown_column": 1})
        got = columns_to_arrow(table, to_columns(table, rows))
        assert got.equals(to_arrow(table, rows)), table
        assert got.schema.equals(schema, check_metadata=True)
