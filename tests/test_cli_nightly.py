"""The command line as a scheduler and a data team use it: defaults, contradictions, exit
codes, JSON logs and the nightly job's one command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import RAW, ROOT
from pipeline.batch.lock import OutputLock
from pipeline.cli import EXIT_LOCKED, EXIT_OK, EXIT_SCHEDULER, EXIT_USAGE, build_parser, main, usable_cpus


def test_workers_default_to_every_usable_cpu(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build_parser().parse_args(["extract"]).workers == "auto"
    assert main(["extract", str(RAW / "esfplus"), "--out", str(tmp_path / "out")]) == EXIT_OK
    assert f"engine local x{usable_cpus()}" in capsys.readouterr().out
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert runs["engine"].iloc[-1] == f"local x{usable_cpus()}"


@pytest.mark.parametrize(
    "argv",
    [
        ["--workers", "0"],
        ["--workers", "many"],
        ["--scheduler", "tcp://127.0.0.1:8786"],  # without --engine dask it would be ignored
        ["--engine", "dask"],  # without a scheduler
    ],
)
def test_contradictory_or_bad_options_are_usage_errors(tmp_path: Path, argv: list[str]) -> None:
    assert main(["extract", str(RAW), "--out", str(tmp_path / "out"), *argv]) == EXIT_USAGE
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_has_its_own_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import pipeline.batch.engine as engine

    monkeypatch.setattr(engine, "SCHEDULER_TIMEOUT", "2s")
    code = main(["extract", str(RAW / "esfplus"), "--out", str(tmp_path / "out"), "--engine", "dask",
                 "--scheduler", "tcp://127.0.0.1:9"])
    assert code == EXIT_SCHEDULER
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler" in err and "cannot write" not in err


def test_json_logs_are_one_object_per_line_errors_included(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ok = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(RAW), "--out", str(out),
                         "--log-format", "json", "--quiet", "--workers", "1"], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == EXIT_OK
    events = [json.loads(line)["event"] for line in ok.stderr.splitlines()]
    assert events[0] == "start" and events[-1] == "end"
    with OutputLock(out):
        busy = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(RAW), "--out", str(out),
                               "--log-format", "json"], cwd=ROOT, capture_output=True, text=True)
    assert busy.returncode == EXIT_LOCKED
    lines = [json.loads(line) for line in busy.stderr.splitlines()]
    assert lines[-1]["event"] == "error" and lines[-1]["exit_code"] == EXIT_LOCKED
    assert "another run" in lines[-1]["message"]


def test_the_nightly_command_writes_the_report_and_keeps_exit_codes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(RAW), "--out", str(out),
                           "--log-format", "json", "--quiet", "--report"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == EXIT_OK, done.stderr
    assert (out / "report.html").is_file()
    assert any(json.loads(line)["event"] == "report" for line in done.stderr.splitlines())
    missing = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(tmp_path / "nowhere"), "--out",
                              str(out), "--report"], cwd=ROOT, capture_output=True, text=True)
    assert missing.returncode == EXIT_USAGE  # the code itself, not make's 2 for any failure


def test_a_new_policy_says_why_everything_was_extracted_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    main(["extract", str(RAW / "esfplus"), "--out", str(out), "--workers", "1"])
    capsys.readouterr()
    main(["extract", str(RAW / "esfplus"), "--out", str(out), "--workers", "1", "--keep-removed"])
    text = capsys.readouterr().out
    assert "extracted again because keep_removed changed" in text


def test_an_output_folder_inside_the_input_folder_is_not_read(tmp_path: Path) -> None:
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(RAW / "esfplus", raw / "esfplus")
    out = raw / "extracted"
    assert main(["extract", str(raw), "--out", str(out), "--workers", "1", "--quiet", "--report"]) == EXIT_OK
    assert main(["extract", str(raw), "--out", str(out), "--workers", "1", "--quiet", "--full"]) == EXIT_OK
    pages = pd.read_parquet(out / "pages.parquet")
    assert not any(p.startswith("extracted") for p in pages["source_file"])
