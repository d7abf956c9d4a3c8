"""Shared fixtures: paths to the sample dump, the shared folders and a fresh extraction."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DEV = SHARED / "dev-pages"


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample dump in raw/ extracted once for the whole test session."""
    from pipeline.run import run

    out = tmp_path_factory.mktemp("extracted")
    run(RAW, out)
    return out
