"""The nightly batch: incremental runs, the lock, safe writes under kill, personal data."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import RAW, ROOT
from pipeline.cli import EXIT_LOCKED, EXIT_OK, main
from pipeline.batch.lock import OutputLock
from pipeline.batch.run import CORE_TABLES, run


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(out / f"{t}.parquet") for t in CORE_TABLES}


@pytest.fixture()
def raw_copy(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    return raw


def test_second_run_reuses_everything(raw_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run(raw_copy, out)
    second = run(raw_copy, out)
    assert first.pages_new == first.n_pages
    assert second.pages_unchanged == second.n_pages and second.pages_new == second.pages_changed == 0
    assert not second.tables_rebuilt
    runs = pd.read_parquet(out / "runs.parquet")
    assert list(runs["pages_unchanged"]) == [0, first.n_pages]


def test_a_new_page_is_the_only_one_extracted(raw_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(raw_copy, out)
    page = (raw_copy / "projektbanken" / "2016_00412.txt").read_text(encoding="utf-8")
    (raw_copy / "ny_sida.txt").write_text(page.replace("2016/00412", "2016/00999"), encoding="utf-8")
    s = run(raw_copy, out)
    assert (s.pages_new, s.pages_changed) == (1, 0)
    projects = pd.read_parquet(out / "projects.parquet")
    assert "2016/00999" in set(projects["project_key"])
    # the incremental tables equal a full extraction of the same dump
    full = tmp_path / "full"
    run(raw_copy, full, full=True)
    for t, df in _tables(out).items():
        pd.testing.assert_frame_equal(df, _tables(full)[t], obj=t)


def test_changed_and_removed_pages(raw_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(raw_copy, out)
    p = raw_copy / "projektbanken" / "fler_svetsare.txt"
    p.write_text(p.read_text(encoding="utf-8").replace("95", "96"), encoding="utf-8")
    (raw_copy / "kohesio" / "Q1234567.txt").unlink()
    s = run(raw_copy, out)
    assert (s.pages_changed, s.pages_removed) == (1, 1)
    pages = pd.read_parquet(out / "pages.parquet")
    assert "kohesio/Q1234567.txt" not in set(pages["source_file"])
    pp = pd.read_parquet(out / "project_pages.parquet").set_index("source_file")
    assert pp.loc["projektbanken/fler_svetsare.txt", "planned_participants"] == 96


def test_keep_removed(raw_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(raw_copy, out)
    (raw_copy / "kohesio" / "Q1234567.txt").unlink()
    run(raw_copy, out, keep_removed=True)
    assert "kohesio/Q1234567.txt" in set(pd.read_parquet(out / "pages.parquet")["source_file"])


def test_second_run_while_locked_exits_with_lock_code_and_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["extract", str(RAW), "--out", str(out), "--quiet"]) == EXIT_OK
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name != ".lock"}
    with OutputLock(out):  # another run holds the folder
        code = subprocess.run(
            [sys.executable, "-m", "pipeline", "extract", str(RAW), "--out", str(out), "--full"],
            cwd=ROOT, capture_output=True, text=True,
        )
    assert code.returncode == EXIT_LOCKED, code.stderr
    assert "another run" in code.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name != ".lock"} == before


def _big_dump(raw: Path, n: int) -> None:
    """n pages: copies of the sample project pages with distinct ids, so each is extracted."""
    src = (RAW / "projektbanken" / "2016_00412.txt").read_text(encoding="utf-8")
    (raw / "big").mkdir(parents=True)
    for i in range(n):
        (raw / "big" / f"p{i:05d}.txt").write_text(src.replace("2016/00412", f"2016/{i:05d}"), encoding="utf-8")


def test_killed_run_leaves_previous_tables_intact(raw_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(raw_copy, out)
    before = _tables(out)
    _big_dump(raw_copy, 4000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "extract", str(raw_copy), "--out", str(out), "--quiet"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    # kill it once it is busy extracting (its staging folder exists), before it finishes
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(out.glob(".tmp-run-*")):
        time.sleep(0.02)
    time.sleep(0.3)
    assert proc.poll() is None, "the run finished before it could be killed; make the dump bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = _tables(out)
    for t in CORE_TABLES:
        pd.testing.assert_frame_equal(after[t], before[t], obj=t)
    # and the next run completes normally, with the new pages
    s = run(raw_copy, out)
    assert s.n_pages == len(before["pages"]) + 4000


@pytest.mark.parametrize("policy", ["hash", "drop"])
def test_contacts_policy_reaches_every_table(tmp_path: Path, policy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_CONTACT_SALT", "a-salt-for-the-batch-test")  # hash refuses to run without one
    out = tmp_path / "out"
    run(RAW, out, contacts=policy)
    kept = tmp_path / "kept"
    run(RAW, kept)
    kept_names = pd.read_parquet(kept / "project_pages.parquet")["contact_name"]
    names = set(kept_names.dropna())
    emails = set(pd.read_parquet(kept / "project_pages.parquet")["contact_email"].dropna())
    assert names and emails
    for f in out.glob("*.parquet"):
        text = pd.read_parquet(f).astype(str).to_csv()
        for secret in names | emails:
            assert secret not in text, f"{secret!r} left in {f.name} with --contacts {policy}"
    pp = pd.read_parquet(out / "project_pages.parquet")
    if policy == "hash":
        assert pp["contact_name"].dropna().str.startswith("hmac:").all()
        assert pp["contact_name"].notna().sum() == kept_names.notna().sum()
        assert pp["contact_name"].nunique() == len(names)  # stable: one token per person
    else:
        assert pp["contact_name"].isna().all()
