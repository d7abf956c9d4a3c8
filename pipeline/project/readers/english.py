"""English-label reader: Kohesio and other English pages (data/english_labels.csv).

- 'Beneficiary: X', or a 'beneficiary' heading with the name on the very next line (a blank
  line or another section heading right below it means the page shows no name);
- an EU contribution written in euro ('EU contribution: 705 592,60 € (40%)') gives no grant,
  but a candidate with its problem, so the page's issues say why the grant is empty.
Start/End date, Total budget, Fund and Programming period are ordinary labels of
data/labels.csv (read with the fact block).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from pipeline.layout.segment import Segmented
from pipeline.project.readers import Candidate
from pipeline.resources import data_file

_EURO = re.compile(r"€|\bEUR\b|\beuros?\b", re.IGNORECASE)
_INLINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]{2,30}?)\s*:\s*(?P<value>\S.*)$")


@lru_cache(maxsize=1)
def english_labels() -> tuple[dict[str, str], frozenset[str]]:
    """(lower-cased label -> field, lower-cased section headings that are never values)."""
    fields: dict[str, str] = {}
    headings: set[str] = set()
    with open(data_file("english_labels.csv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            label = row["label"].strip().lower()
            if row["field"].strip():
                fields[label] = row["field"].strip()
            headings.add(label)
    return fields, frozenset(headings)


# every English owner label holds one of these (any case of the first letter): pages without
# them are not scanned line by line
_NEEDLES = ("eneficiary", "ENEFICIARY", "artner", "ARTNER", "romoter", "ROMOTER")


def read(seg: Segmented) -> list[Candidate]:
    fields, headings = english_labels()
    out: list[Candidate] = []
    lines = seg.lines
    text = "\n".join(lines)
    if not any(n in text for n in _NEEDLES):
        lines = []
    for i, ln in enumerate(lines):
        s = ln.strip()
        if not s or len(s) > 200 or not s[0].isalpha() or not s[0].isascii():
            continue
        low = s.lower()
        if low in fields:  # a heading: the value is the very next line
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if nxt and nxt.lower() not in headings and ":" not in nxt:
                out.append(Candidate(fields[low], nxt, f"{s}\n{nxt}", f"english_heading:{low}"))
            continue
        if ":" in s:
            m = _INLINE.match(s)
            if m and m.group("label").strip().lower() in fields:
                out.append(Candidate(fields[m.group("label").strip().lower()], m.group("value").strip(), s,
                                     f"english_label:{m.group('label').strip().lower()}"))
    for p in seg.pairs:
        if p.field in {"eu_contribution", "eu_grant_sek"} and p.value and _EURO.search(p.value):
            out.append(Candidate("eu_grant_sek", None, f"{p.label}: {p.value}", "english_eu_contribution",
                                 "amount in euro, not converted"))
    return out
