"""Golden tests: each sample page in raw/ gives exactly the record in tests/golden/.

The golden files were checked by hand against the pages. To refresh them after a deliberate
change: `UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py`, then review `git diff`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import RAW, ROOT, plain

GOLDEN = ROOT / "tests" / "golden"
SKIP_COLS = {"page_sha256", "fetched_at", "source_url"}


def _records(out: Path) -> dict[str, dict[str, Any]]:
    pages = pd.read_parquet(out / "pages.parquet").to_dict("records")
    projects = {r["source_file"]: r for r in pd.read_parquet(out / "project_pages.parquet").to_dict("records")}
    recs = {}
    for p in pages:
        rec: dict[str, Any] = {"page": {k: plain(v) for k, v in p.items() if k not in SKIP_COLS}}
        proj = projects.get(p["source_file"])
        if proj is not None:
            rec["project"] = {k: plain(v) for k, v in proj.items() if k not in SKIP_COLS}
        recs[p["source_file"]] = rec
    return recs


def _golden_path(source_file: str) -> Path:
    return GOLDEN / (source_file.replace("/", "__") + ".json")


SAMPLE_FILES = sorted(str(p.relative_to(RAW).as_posix()) for p in RAW.rglob("*") if p.is_file() and not p.name.startswith("."))


@pytest.mark.parametrize("source_file", SAMPLE_FILES)
def test_sample_page_matches_golden(sample_run: Path, source_file: str) -> None:
    """One golden record per file; an archive (JSON lines, WARC) has one per record, keyed 'file#N'."""
    records = _records(sample_run)
    got: Any = records.get(source_file) or {k: v for k, v in records.items() if k.startswith(source_file + "#")}
    path = _golden_path(source_file)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got == expected


def test_every_golden_file_has_a_sample_page() -> None:
    names = {_golden_path(f).name for f in SAMPLE_FILES}
    stale = [p.name for p in GOLDEN.glob("*.json") if p.name not in names]
    assert not stale, f"golden files without a page in raw/: {stale}"
