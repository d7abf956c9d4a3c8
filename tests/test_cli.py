"""The command line as the data team uses it: exit codes, outputs, manifest, determinism."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import RAW
from pipeline.cli import EXIT_OK, EXIT_OUTPUT, EXIT_USAGE, main
from pipeline.batch.run import CORE_TABLES


def test_extract_writes_every_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(RAW), "--out", str(tmp_path)]) == EXIT_OK
    for t in CORE_TABLES:
        assert (tmp_path / f"{t}.parquet").is_file()
    summary = capsys.readouterr().out
    assert "Pages:" in summary and "Records written:" in summary


def test_every_input_file_is_in_the_manifest(sample_run: Path) -> None:
    pages = pd.read_parquet(sample_run / "pages.parquet")
    files = sorted(p.relative_to(RAW).as_posix() for p in RAW.rglob("*") if p.is_file() and not p.name.startswith("."))
    # one row per file, or per record of an archive ("crawl.warc.gz#0", "#1", ...)
    assert sorted(set(pages["source_file"].str.split("#").str[0])) == files
    assert pages["source_file"].is_unique
    not_extracted = pages[pages["status"] != "extracted"]
    assert not_extracted["reason"].notna().all(), "every page not extracted says why"


def test_two_runs_give_equal_tables(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["extract", str(RAW), "--out", str(a), "--quiet"]) == EXIT_OK
    assert main(["extract", str(RAW), "--out", str(b), "--quiet"]) == EXIT_OK
    for t in CORE_TABLES:
        pd.testing.assert_frame_equal(pd.read_parquet(a / f"{t}.parquet"), pd.read_parquet(b / f"{t}.parquet"))


def test_typed_columns_read_back_typed(sample_run: Path) -> None:
    df = pd.read_parquet(sample_run / "project_pages.parquet")
    assert str(df["eu_grant_sek"].dtype) == "Int64"
    assert str(df["planned_participants"].dtype) == "Int64"
    assert "date32" in str(df["start_date"].dtype)
    assert df["eu_cofinancing_rate_pct"].dtype == "float64"


def test_missing_raw_dir_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["extract", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == EXIT_USAGE


def test_unknown_option_is_a_usage_error() -> None:
    assert main(["extract", "--no-such-option"]) == EXIT_USAGE


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "--help"]) == EXIT_OK
    assert "RAW_DIR" in capsys.readouterr().out


def test_unwritable_output_exits_3(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["extract", str(RAW), "--out", str(blocker / "out"), "--quiet"]) == EXIT_OUTPUT


def test_bad_page_does_not_stop_the_run(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "broken.bin").write_bytes(b"\x00\x01\x02" * 100)
    out = tmp_path / "out"
    assert main(["extract", str(raw), "--out", str(out), "--quiet"]) == EXIT_OK
    pages = pd.read_parquet(out / "pages.parquet")
    row = pages[pages["source_file"] == "broken.bin"].iloc[0]
    assert row["status"] == "rejected" and row["reason"]
