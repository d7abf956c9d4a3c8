"""The label vocabulary: which label text means which canonical field (data/labels.csv)."""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from pipeline.resources import data_file


@lru_cache(maxsize=1)
def label_table() -> dict[str, str]:
    """Lower-cased label -> canonical field name."""
    with open(data_file("labels.csv"), encoding="utf-8", newline="") as fh:
        return {row["label"].strip().lower(): row["field"].strip() for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def max_label_words() -> int:
    """Words in the longest label: a line with more words cannot be a label."""
    return max(len(label.split()) for label in label_table())


@lru_cache(maxsize=1)
def labels_longest_first() -> tuple[str, ...]:
    """Labels as written in the CSV (original case), longest first, for glued-label matching."""
    with open(data_file("labels.csv"), encoding="utf-8", newline="") as fh:
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


@lru_cache(maxsize=1)
def glued_heads() -> tuple[int, dict[str, tuple[str, ...]]]:
    """(k, first k characters -> the labels that start so), k = 3 or the shortest label's length.

    A line that starts with none of the labels cannot match `glued_pattern`; segment() tests
    that with one dict lookup and one `str.startswith` instead of the 70-way alternation.
    """
    labels = labels_longest_first()
    k = min([3, *(len(label) for label in labels)])
    heads: dict[str, tuple[str, ...]] = {}
    for label in labels:
        heads[label[:k]] = (*heads.get(label[:k], ()), label)
    return k, heads


@lru_cache(maxsize=65536)
def field_for(label: str) -> str | None:
    """Canonical field for a label as written (case-insensitive, trailing colon ignored).

    Cached: segment() asks about the same label and value lines on every page of a site.
    """
    return label_table().get(" ".join(label.strip().rstrip(":").split()).lower())
