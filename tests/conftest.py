"""Shared fixtures: paths to the sample dump, the shared folders and a fresh extraction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DEV = SHARED / "dev-pages"


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample dump in raw/ extracted once for the whole test session."""
    from pipeline.batch.run import run

    out = tmp_path_factory.mktemp("extracted")
    run(RAW, out)
    return out


def plain(v: Any) -> Any:
    """A table value as plain JSON-able Python: arrays to lists, NA to None, dates to ISO."""
    if hasattr(v, "tolist"):
        v = v.tolist()
    if isinstance(v, list):
        return [plain(x) for x in v]
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v
