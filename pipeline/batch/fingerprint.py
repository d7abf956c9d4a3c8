"""What the stored results and the tables depend on, as two fingerprints.

A page is extracted again only when the code or data of the per-page stages change
(`extraction_version`); the tables are rebuilt from the stored results, without extracting
anything, when only the code that turns results into tables changes (`tables_version`).
Editing the report, the CLI, the engines or the benchmark changes neither.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from pipeline import __version__
from pipeline.resources import PACKAGE_DIR

# Paths relative to the package: the per-page stages, their data, and the row format that the
# state stores their results in.
EXTRACTION_PARTS = (
    "__init__.py", "models.py", "process.py", "resources.py", "data", "places", "ingest", "text",
    "layout", "values", "project", "kinds", "tables/rows.py", "tables/contacts.py", "tables/personal.py",
    "tables/schemas.py",
    "schemas",
)  # fmt: skip
# Turning stored results into tables: merging, writing, the run that streams them.
TABLE_PARTS = ("tables", "schemas", "batch/run.py")

_SUFFIXES = (".py", ".csv", ".json", ".txt")


def _digest(parts: tuple[str, ...], root: Path) -> str:
    h = hashlib.sha256()
    files = set()
    for part in parts:
        p = root / part
        if p.is_file():
            files.add(p)
        elif p.is_dir():
            files.update(f for f in p.rglob("*") if f.is_file() and f.suffix in _SUFFIXES)
    for f in sorted(files):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:10]


@lru_cache(maxsize=None)
def extraction_version(root: Path = PACKAGE_DIR) -> str:
    """Package version + a fingerprint of the per-page stages and their data."""
    return f"{__version__}+{_digest(EXTRACTION_PARTS, root)}"


@lru_cache(maxsize=None)
def tables_version(root: Path = PACKAGE_DIR) -> str:
    """A fingerprint of the code that builds the tables from stored results."""
    return _digest(TABLE_PARTS, root)
