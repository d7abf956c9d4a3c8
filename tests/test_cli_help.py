"""The command line through `python -m pipeline`: help texts that list every table and every exit
code, contradictory options, `report` without tables, what forces a full re-extraction."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import RAW, ROOT
from pipeline.cli import EXIT_CODES, EXIT_USAGE
from pipeline.tables.schemas import table_names


def pipeline(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *argv], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def _readme_exit_codes() -> set[int]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    codes: set[int] = set()
    for m in re.finditer(r"^\| ([\d /]+) \|", text, re.MULTILINE):
        codes.update(int(c) for c in m.group(1).split("/") if c.strip())
    return codes


@pytest.mark.parametrize("argv", [["--help"], ["extract", "--help"]])
def test_help_lists_every_exit_code(argv: list[str]) -> None:
    done = pipeline(*argv)
    assert done.returncode == 0
    listed = {int(c) for c in re.findall(r"^  (\d+) ", done.stdout.split("exit codes:")[1], re.MULTILINE)}
    assert listed == {code for code, _ in EXIT_CODES} == _readme_exit_codes()


def test_extract_help_lists_every_table() -> None:
    text = " ".join(pipeline("extract", "--help").stdout.split())
    for table in table_names():
        assert re.search(rf"\b{table}\b", text), table


@pytest.mark.parametrize("argv,says", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --engine dask"),
    (["--engine", "dask", "--scheduler", "tcp://127.0.0.1:8786", "--workers", "3"], "--workers is for the local engine"),
    (["--engine", "dask"], "--engine dask needs --scheduler"),
    (["--workers", "0"], "--workers must be at least 1"),
])
def test_contradictory_options_are_usage_errors(tmp_path: Path, argv: list[str], says: str) -> None:
    done = pipeline("extract", str(RAW), "--out", str(tmp_path / "out"), *argv)
    assert done.returncode == EXIT_USAGE and says in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("make", ["nothing", "empty folder", "other files"])
def test_report_without_tables_is_an_error(tmp_path: Path, make: str) -> None:
    folder = tmp_path / "out"
    if make != "nothing":
        folder.mkdir()
    if make == "other files":
        (folder / "notes.txt").write_text("x", encoding="utf-8")
    done = pipeline("report", str(folder))
    assert done.returncode == EXIT_USAGE
    assert "run `python -m pipeline extract` first" in done.stderr
    assert not (folder / "report.html").exists()


@pytest.mark.parametrize("option", [["--contacts", "drop"], ["--keep-removed"]])
def test_an_option_that_re_extracts_everything_says_so(tmp_path: Path, option: list[str]) -> None:
    out = tmp_path / "out"
    first = pipeline("extract", str(RAW / "esfplus"), "--out", str(out), "--workers", "1")
    assert first.returncode == 0, first.stderr
    again = pipeline("extract", str(RAW / "esfplus"), "--out", str(out), "--workers", "1", *option)
    assert again.returncode == 0, again.stderr
    name = option[0].lstrip("-").replace("-", "_")
    assert f"extracted again because {name} changed" in again.stdout


@pytest.fixture(scope="module")
def extraction(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "out"
    done = pipeline("extract", str(RAW), "--out", str(out), "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    return out


def test_every_table_of_a_run_reads_typed_with_the_runs_version(extraction: Path) -> None:
    """Through `python -m pipeline extract`: every integer column is Int64 in pandas and int64 in
    Arrow, dates are dates, and every file's metadata holds the version runs.parquet records."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.tables.schemas import load_schema

    out = extraction
    version = pd.read_parquet(out / "runs.parquet")["pipeline_version"].iloc[-1]
    assert "+" in version
    for table in table_names():
        path = out / f"{table}.parquet"
        df, schema = pd.read_parquet(path), pq.read_schema(path)
        assert schema.metadata[b"pipeline_version"].decode() == version, table
        for c in load_schema(table).columns:
            if c.type == "int64":
                assert str(df[c.name].dtype) == "Int64", (table, c.name)
                assert schema.field(c.name).type == pa.int64(), (table, c.name)
            elif c.type == "date32":
                assert str(df[c.name].dtype) == "date32[day][pyarrow]", (table, c.name)


def test_every_programme_name_written_is_a_verified_name(extraction: Path) -> None:
    import pandas as pd

    from pipeline.values.programmes import objectives

    verified = {(o.kind, o.code, o.name) for o in objectives() if o.verified and o.name}
    seen = 0
    for table in ("project_pages", "projects", "calls"):
        df = pd.read_parquet(extraction / f"{table}.parquet")
        for kind in ("programme_area", "specific_objective"):
            named = df[df[f"{kind}_name"].notna()]
            for code, name in zip(named[kind], named[f"{kind}_name"]):
                assert (kind, code, name) in verified, (table, code, name)
                seen += 1
    assert seen  # the sample pages have named codes


def test_runs_parquet_of_an_older_version_takes_this_runs_types_and_version(tmp_path: Path) -> None:
    """runs.parquet is appended to: a file an older version wrote (plain int64, its own version in
    the metadata) reads Int64 with this run's version once this run has appended its row."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    done = pipeline("extract", str(RAW / "esfplus"), "--out", str(out), "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    path = out / "runs.parquet"
    current = pq.read_table(path)
    old = pa.Table.from_pandas(current.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
                               .astype({c: "int64" for c in ("pages_total", "records")}), preserve_index=False)
    old = old.replace_schema_metadata({**(old.schema.metadata or {}), b"pipeline_version": b"0.0.1"})
    pq.write_table(old, path)
    done = pipeline("extract", str(RAW / "esfplus"), "--out", str(out), "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    runs = pd.read_parquet(path)
    assert len(runs) == 2 and str(runs["pages_total"].dtype) == "Int64" and str(runs["records"].dtype) == "Int64"
    assert pq.read_schema(path).metadata[b"pipeline_version"].decode() == runs["pipeline_version"].iloc[-1]
