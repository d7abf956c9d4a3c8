"""The label vocabulary: which label text means which canonical field (data/labels.csv)."""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def label_table() -> dict[str, str]:
    """Lower-cased label -> canonical field name."""
    with open(DATA_DIR / "labels.csv", encoding="utf-8", newline="") as fh:
        return {row["label"].strip().lower(): row["field"].strip() for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def max_label_words() -> int:
    """Words in the longest label: a line with more words cannot be a label."""
    return max(len(label.split()) for label in label_table())


@lru_cache(maxsize=1)
def labels_longest_first() -> tuple[str, ...]:
    """Labels as written in the CSV (original case), longest first, for glued-label matching."""
    with open(DATA_DIR / "labels.csv", encoding="utf-8", newline="") as fh:
        labels = [row["label"].strip() for row in csv.DictReader(fh)]
    return tuple(sorted(labels, key=len, reverse=True))


@lru_cache(maxsize=1)
def glued_pattern() -> re.Pattern[str]:
    """A line that starts with a known label glued to its value: 'ProjektägareRegionförbundet'.

    The value must start with a capital letter or a digit (or be an e-mail address), so that
    prose such as 'Regionförbundet ...' is never read as 'Region' + 'förbundet ...'.
    """
    alts = "|".join(re.escape(lbl) for lbl in labels_longest_first())
    return re.compile(r"^(?P<label>" + alts + r")(?P<value>[A-ZÅÄÖÉ0-9+(].*|[\w.+-]+@[\w-]+\.[\w.-]+.*)$")


def field_for(label: str) -> str | None:
    """Canonical field for a label as written (case-insensitive, trailing colon ignored)."""
    return label_table().get(" ".join(label.strip().rstrip(":").split()).lower())
