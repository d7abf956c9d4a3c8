"""Every Python snippet of README.md, examples/README.md and the data dictionary runs as shown
(with the pinned pandas and DuckDB) on a fresh extraction of raw/ in `extracted/`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.batch.run import run

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "examples" / "README.md", ROOT / "docs" / "data_dictionary.md"]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _snippets() -> list[tuple[str, int, str]]:
    out = []
    for doc in DOCS:
        for i, m in enumerate(BLOCK.finditer(doc.read_text(encoding="utf-8"))):
            out.append((doc.relative_to(ROOT).as_posix(), i, m.group(1)))
    return out


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wd = tmp_path_factory.mktemp("snippets")
    run(ROOT / "raw", wd / "extracted")
    return wd


def test_the_docs_have_snippets() -> None:
    assert {d for d, _, _ in _snippets()} == {p.relative_to(ROOT).as_posix() for p in DOCS}


@pytest.mark.parametrize("doc,index,code", _snippets(), ids=lambda v: str(v)[:30] if isinstance(v, str) else str(v))
def test_snippet_runs(workdir: Path, monkeypatch: pytest.MonkeyPatch, doc: str, index: int, code: str) -> None:
    monkeypatch.chdir(workdir)
    exec(compile(code, f"{doc}#{index}", "exec"), {"__name__": "snippet"})
