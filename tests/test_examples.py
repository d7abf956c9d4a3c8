"""examples/questions.py runs on a fresh extraction and prints the tables' numbers."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.batch.run import run

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
SCRIPT = ROOT / "examples" / "questions.py"


@pytest.fixture(scope="module")
def extraction(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("examples")
    run(RAW, out)
    return out


def ask(out: Path) -> str:
    proc = subprocess.run([sys.executable, str(SCRIPT), str(out)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "disagrees" not in proc.stdout
    return proc.stdout


def section(text: str, number: str) -> list[str]:
    """The table lines of section `== <number>. ...` (header line first)."""
    for block in text.split("\n== ")[1:]:
        if block.startswith(number + "."):
            lines = block.splitlines()[1:]
            return [ln for ln in lines[: next((i for i, ln in enumerate(lines) if ln.startswith("DuckDB")), len(lines))]]
    raise AssertionError(f"no section {number} in:\n{text}")


def grants(s: pd.Series) -> int:
    return int(s.astype("Int64").fillna(0).sum())


def esf_only(projects: pd.DataFrame) -> pd.DataFrame:
    """eu_grant_sek as ESF money: another fund's grant is not (the report's rule)."""
    other = projects["fund"].notna() & ~projects["fund"].isin(["ESF", "ESF+"])
    return projects.assign(eu_grant_sek=projects["eu_grant_sek"].astype("Int64").mask(other))


def test_questions_agree_with_the_tables(extraction: Path) -> None:
    text = ask(extraction)
    projects = esf_only(pd.read_parquet(extraction / "projects.parquet"))
    assert f"{len(projects)} projects" in text
    assert f"total {grants(projects['eu_grant_sek'])} kr" in text
    assert text.count("DuckDB gives the same table.") >= 3

    # 1. per county: listed municipalities per page, else named ones; once per county
    pm = pd.read_parquet(extraction / "project_municipalities.parquet")
    listed = pm[pm["role"] == "listed"]
    named = pm[pm["role"] == "named"]
    named = named[~named.set_index(["project_key", "source_file"]).index.isin(
        listed.set_index(["project_key", "source_file"]).index)]
    pairs = pd.concat([listed, named])[["project_key", "lan"]].drop_duplicates()
    expected = pairs.merge(projects[["project_key", "eu_grant_sek"]]).groupby("lan").agg(
        projects=("project_key", "nunique"), grant=("eu_grant_sek", lambda s: s.sum(min_count=1)))
    if pairs.empty:
        assert "no municipality data" in text or "municipality_codes" in text
    else:
        shown = {}
        for line in section(text, "1")[1:]:
            m = re.fullmatch(r"\s*(.+?)\s+(\d+)\s+(\d+|<NA>)\s*", line)
            assert m, line
            shown[m[1]] = (int(m[2]), None if m[3] == "<NA>" else int(m[3]))
        assert shown == {k: (int(r.projects), None if pd.isna(r.grant) else int(r.grant))
                         for k, r in expected.iterrows()}

    # 2a. every project is in exactly one programme row
    counts = [int(re.findall(r"\s(\d+)\s+(?:\d+|<NA>)\s*$", ln)[0]) for ln in section(text, "2a")[1:]]
    assert sum(counts) == len(projects)

    # 3. the ten largest grants, in order
    top = projects.dropna(subset=["eu_grant_sek"]).sort_values("eu_grant_sek", ascending=False).head(10)
    lines = section(text, "3")[1:]
    assert len(lines) == len(top)
    for line, (_, row) in zip(lines, top.iterrows()):
        assert line.split()[0] == row["project_key"]
        assert str(int(row["eu_grant_sek"])) in line.split()


def test_runs_without_optional_tables(extraction: Path, tmp_path: Path) -> None:
    out = tmp_path / "bare"
    out.mkdir()
    for t in ("pages", "projects", "project_pages", "issues"):
        shutil.copy(extraction / f"{t}.parquet", out)
    text = ask(out)
    assert "project_objectives.parquet is missing or empty" in text


def test_runs_on_an_empty_dump(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    run(raw, tmp_path / "out")
    text = ask(tmp_path / "out")
    assert "0 projects" in text and "(no rows)" in text


def test_no_tables_is_a_usage_error(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "projects.parquet" in proc.stderr


def test_esf_questions_leave_other_funds_grants_out(tmp_path: Path) -> None:
    """eu_grant_sek holds an AMIF or Regionalfonden project's grant too: the ESF totals,
    counties and largest projects count ESF/ESF+ (and unknown-fund) projects only."""
    from pipeline.tables.write import to_arrow
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    out.mkdir()
    rows = [
        dict(project_key="e", source_files=["e"], fund="ESF", eu_grant_sek=100, title="E", municipalities=["Nacka"],
             municipality_codes=["0182"]),
        dict(project_key="p", source_files=["p"], fund="ESF+", eu_grant_sek=10, title="P", municipalities=["Nacka"],
             municipality_codes=["0182"]),
        dict(project_key="u", source_files=["u"], fund=None, eu_grant_sek=1, title="U"),
        dict(project_key="a", source_files=["a"], fund="AMIF", eu_grant_sek=5000, title="A", municipalities=["Nacka"],
             municipality_codes=["0182"]),
    ]
    pq.write_table(to_arrow("projects", rows), out / "projects.parquet")
    text = ask(out)
    assert "total 111 kr" in text
    county = section(text, "1")[1:]
    assert len(county) == 1 and county[0].split()[-2:] == ["3", "110"]  # 3 projects, ESF money of two
    top = [ln.split()[0] for ln in section(text, "3")[1:]]
    assert top == ["e", "p", "u"]
