"""bench/generate.py: deterministic, realistic, and the pipeline finds what it generated."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_generate():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = mod
    spec.loader.exec_module(mod)
    return mod


generate_mod = _load_generate()


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate_mod.generate(out, 120, 12, seed=7)
    return out


def test_same_seed_gives_byte_identical_corpus(small_corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate_mod.generate(again, 120, 12, seed=7)
    assert _digest(again) == _digest(small_corpus)
    other = tmp_path / "other"
    generate_mod.generate(other, 120, 12, seed=8)
    assert _digest(other) != _digest(small_corpus)


def test_corpus_shape(small_corpus: Path) -> None:
    m = json.loads((small_corpus / ".manifest.json").read_text(encoding="utf-8"))
    text_files = [p for p in (small_corpus / "text").rglob("*") if p.is_file()]
    html_files = [p for p in (small_corpus / "html").rglob("*") if p.is_file()]
    assert len(text_files) == 120 and len(html_files) == 12
    assert sum(m["text_kinds"].values()) == 120
    for p in text_files:
        if p.parent.name != "trasigt":
            assert 1500 <= p.stat().st_size <= 8 * 1024 + 256, p
    for p in html_files:
        assert 40_000 <= p.stat().st_size <= 80 * 1024 + 512, p
    # every text layout of the sample dump is there (120 pages is enough for the weights)
    assert {"projektbanken_limmad", "projektbanken_kolon", "projektbanken_utan_kolon", "esfplus",
            "kohesio", "agarsidor", "utlysningar", "nyheter"} <= set(m["text_layouts"])


def test_pages_carry_the_traps(tmp_path: Path) -> None:
    generate_mod.generate(tmp_path, 400, 0, seed=3)
    blob = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted((tmp_path / "text").rglob("*.txt")))
    for needle in ("Programperiod:\n2021-2027", "Startdatum:\nSlutdatum:", "Utlysning\n", "€ (",
                   "driftstopp", "MSEK", "organisationsnummer:", "Stödmottagare postnr:", "Insatserna genomförs i"):
        assert needle in blob, needle


def test_pipeline_extracts_the_generated_project_pages(small_corpus: Path, tmp_path: Path) -> None:
    from pipeline.batch.run import run

    m = json.loads((small_corpus / ".manifest.json").read_text(encoding="utf-8"))
    s = run(small_corpus, tmp_path / "out", full=True)
    pages = pd.read_parquet(tmp_path / "out" / "pages.parquet")
    assert s.n_pages == len(pages) == 132
    kind = pages["page_kind"].fillna("unreadable")
    expected_projects = m["text_kinds"]["project"] + m["html_kinds"]["project"]
    assert ((kind == "project") & (pages["status"] == "extracted")).sum() == expected_projects
    assert s.records["project_pages"] == expected_projects
    assert (pages["status"] == "rejected").sum() == m["text_kinds"]["bad"]
    assert (kind == "call").sum() == m["text_kinds"]["call"] + m["html_kinds"]["call"]
    assert (kind == "regional_plan").sum() == m["text_kinds"]["regional_plan"]
