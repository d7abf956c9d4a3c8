"""What forces a re-extraction and what only rebuilds the tables (batch/fingerprint.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import RAW
from pipeline.batch import run as run_module
from pipeline.batch.fingerprint import extraction_version, tables_version
from pipeline.batch.run import CORE_TABLES, run
from pipeline.resources import PACKAGE_DIR


@pytest.fixture()
def package_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "pipeline"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("edited", "extraction_changes", "tables_change"),
    [
        # per-page stages and their data: every page is extracted again
        ("values/amounts.py", True, False),
        ("layout/segment.py", True, False),
        ("places/recognise.py", True, False),
        ("data/labels.csv", True, False),
        ("places/data/municipalities.csv", True, False),
        ("process.py", True, False),
        # the row format the state stores, and the schemas: both
        ("tables/rows.py", True, True),
        ("schemas/projects.json", True, True),
        # turning stored results into tables: rebuilt from the state, nothing extracted
        ("tables/merge.py", False, True),
        ("tables/write.py", False, True),
        ("batch/run.py", False, True),
        # neither
        ("cli.py", False, False),
        ("quality/evaluate.py", False, False),
        ("batch/engine.py", False, False),
        ("batch/lock.py", False, False),
    ],
)
def test_what_an_edit_forces(package_copy: Path, edited: str, extraction_changes: bool, tables_change: bool) -> None:
    before = extraction_version(package_copy), tables_version(package_copy)
    extraction_version.cache_clear()
    tables_version.cache_clear()
    _edit(package_copy / edited)
    after = extraction_version(package_copy), tables_version(package_copy)
    extraction_version.cache_clear()
    tables_version.cache_clear()
    assert (before[0] != after[0], before[1] != after[1]) == (extraction_changes, tables_change)


def test_the_checkout_fingerprints_like_a_copy_of_itself(package_copy: Path) -> None:
    assert extraction_version(package_copy) == extraction_version()
    assert tables_version(package_copy) == tables_version()


def test_new_table_code_rebuilds_the_tables_without_extracting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW / "esfplus", raw / "esfplus")
    shutil.copytree(RAW / "projektbanken", raw / "projektbanken")
    out = tmp_path / "out"
    run(raw, out)
    before = {t: pd.read_parquet(out / f"{t}.parquet") for t in CORE_TABLES}
    assert not run(raw, out).tables_rebuilt  # same code: the tables stay as they are
    monkeypatch.setattr(run_module, "tables_version", lambda: "other table code")
    again = run(raw, out)
    assert again.tables_rebuilt
    assert again.pages_unchanged == again.n_pages and again.pages_new == again.pages_changed == 0
    for t, df in before.items():
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{t}.parquet"), df)
