"""Where the package's own data files are: the one place that knows the package layout.

Every vocabulary, gazetteer table, schema and sample page ships inside the package
(`pipeline/data/`, `pipeline/places/data/`, `pipeline/schemas/`), so an installed wheel (a Dask
worker's environment) reads exactly what a checkout reads.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# The package is installed as plain files (never zipped), so its resources have real paths.
PACKAGE_DIR = Path(str(files("pipeline")))
DATA_DIR = PACKAGE_DIR / "data"
PLACES_DATA_DIR = PACKAGE_DIR / "places" / "data"
SCHEMA_DIR = PACKAGE_DIR / "schemas"


def data_file(name: str) -> Path:
    """A vocabulary or sample file of `pipeline/data/`."""
    return DATA_DIR / name


def places_file(name: str) -> Path:
    """A gazetteer table of `pipeline/places/data/`."""
    return PLACES_DATA_DIR / name


def schema_file(table: str) -> Path:
    """The JSON schema of one output table."""
    return SCHEMA_DIR / f"{table}.json"
