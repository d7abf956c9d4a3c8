"""Contact-block reader: a heading ('Kontaktperson', 'Kontaktuppgifter', 'Projektledare' ...,
data/contact_cues.csv), a person's name on the next line (a role after a dash or comma is
dropped: 'Anna Berg - Projektledare, Skolan'), then a phone number and an e-mail address on
the following lines. A block without a person's name right below its heading gives nothing.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from pipeline.layout.segment import Segmented
from pipeline.project.readers import Candidate
from pipeline.resources import data_file

PHONE = re.compile(r"(?<![\d-])(?:\+46[ -]?|0)\d{1,3}[ ]?[-–][ ]?\d[\d ]{3,9}\d(?![\d])|(?<!\d)0\d{2,3}[-–]\d{5,8}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NAME_WORD = r"[A-ZÅÄÖÉ][a-zåäöéüø]+"
PERSON_NAME = re.compile(r"^" + _NAME_WORD + r"(?:[ -](?:" + _NAME_WORD + r"|[A-ZÅÄÖ]\.)){1,3}$")
# a name followed by its role: 'Anna Berg - Projektledare', 'Anna Berg, projektledare'
_NAME_ROLE = re.compile(r"^(?P<name>" + _NAME_WORD + r"(?:[ -](?:" + _NAME_WORD + r"|[A-ZÅÄÖ]\.)){1,3})\s*(?:[-–,]\s+\S.*)$")
LOOKAHEAD_LINES = 8  # a block's lines after its heading
VALUE_LINES = 3  # non-empty lines after the name that may hold its phone and e-mail


@lru_cache(maxsize=1)
def contact_cues() -> dict[str, frozenset[str]]:
    """kind -> lower-cased cue words (heading, org_word)."""
    out: dict[str, set[str]] = {}
    with open(data_file("contact_cues.csv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["kind"], set()).add(row["text"].strip().lower())
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _heading_max() -> int:
    return max(map(len, contact_cues()["heading"]))


def person_name(line: str) -> str | None:
    """The person's name a contact line starts with, or None (an organisation is no person)."""
    s = " ".join(line.split())
    m = PERSON_NAME.match(s)
    name = s if m else None
    if name is None:
        r = _NAME_ROLE.match(s)
        name = r.group("name") if r else None
    if name is None:
        return None
    low = name.lower()
    if any(w in low for w in contact_cues()["org_word"] if len(w) > 3):
        return None
    return name


def read(seg: Segmented) -> list[Candidate]:
    headings = contact_cues()["heading"]
    hmax = _heading_max()
    lines = seg.lines
    for i, ln in enumerate(lines):
        head = ln.strip().rstrip(":")
        if len(head) > hmax or head.lower() not in headings:
            continue
        nxt = [x.strip() for x in lines[i + 1: i + 1 + LOOKAHEAD_LINES] if x.strip()]
        if not nxt:
            continue
        name = person_name(nxt[0])
        if name is None:
            continue
        out = [Candidate("contact_name", name, f"{head}\n{nxt[0]}", "contact_block")]
        phone = email = None
        for x in nxt[1: 1 + VALUE_LINES]:
            if person_name(x) is not None or x.rstrip(":").lower() in headings:
                break  # the next person's block
            pm = PHONE.search(x)
            if pm and phone is None:
                phone = pm.group(0).strip()
                out.append(Candidate("contact_phone", phone, f"{name}\n{x}", "contact_block"))
            em = EMAIL.search(x)
            if em and email is None:
                email = em.group(0)
                out.append(Candidate("contact_email", email, f"{name}\n{x}", "contact_block"))
        return out
    return []
