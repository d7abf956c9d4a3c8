"""ESF regions (NUTS 2) and their written variants, from data/esf_regions.csv."""

from __future__ import annotations

import csv
from functools import lru_cache

from pipeline.labels import DATA_DIR

REGIONS = (
    "Stockholm", "Östra Mellansverige", "Småland och öarna", "Sydsverige", "Västsverige",
    "Norra Mellansverige", "Mellersta Norrland", "Övre Norrland", "Nationellt",
)


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, str]]:
    variants: dict[str, str] = {}
    nuts: dict[str, str] = {}
    with open(DATA_DIR / "esf_regions.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            nuts[row["region"]] = row["nuts2"]
            for v in [row["region"], *row["variants"].split("|")]:
                variants[" ".join(v.split()).casefold()] = row["region"]
    return variants, nuts


def region_variants() -> dict[str, str]:
    """Casefolded written variant -> canonical ESF region name."""
    return _table()[0]


def canonical_region(text: str) -> str | None:
    """'ESF Nationellt' -> 'Nationellt', 'Småland & Öarna' -> 'Småland och öarna'; None if unknown."""
    return _table()[0].get(" ".join(text.split()).strip(" .,:;()").casefold())


def region_nuts2(region: str) -> str | None:
    return _table()[1].get(region)
