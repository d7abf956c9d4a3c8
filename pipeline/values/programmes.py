"""ESF programme reference data: programme areas and specific objectives of the three periods.

The table lives in `data/programme_objectives.csv` (period, kind, code, name, long_name, area,
eu_objective, verified, source, variants, note); this module only reads it and answers look-ups.
Names are facts only when verified: a row has a name only with `verified` = yes and a source
(the loader blanks any other; a test checks the file), so the tables never carry a name from
memory. `variants` are other attested wordings, used to recognise a name, never written.
Codes are reused across periods
("1 Kompetensförsörjning" exists in 2007-2013 and 2014-2020), so look-ups return candidate
lists (`values.period.infer_period` answers only when the evidence pins one period down).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.resources import data_file

DATA = data_file("programme_objectives.csv")

PERIODS = ("2007-2013", "2014-2020", "2021-2027")


@dataclass(frozen=True)
class Objective:
    period: str
    kind: str  # "programme_area" | "specific_objective"
    code: str
    name: str  # the verified short name, "" when no source names the code
    area: str | None
    eu_objective: str | None = None  # the EU numeral (VI, VII) where a Swedish source prints it
    note: str | None = None
    long_name: str | None = None
    verified: bool = False
    source: str | None = None
    variants: tuple[str, ...] = ()

    @property
    def wordings(self) -> tuple[str, ...]:
        """Every attested wording of the name (what a page may write after the code)."""
        return tuple(w for w in (self.name, self.long_name or "", *self.variants) if w)


@lru_cache(maxsize=1)
def objectives() -> tuple[Objective, ...]:
    """All rows of the reference table."""
    with DATA.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        verified = r["verified"] == "yes" and bool(r["source"].strip())
        out.append(Objective(
            period=r["period"],
            kind=r["kind"],
            code=r["code"],
            name=r["name"] if verified else "",
            area=r["area"] or None,
            eu_objective=r["eu_objective"] or None,
            note=r["note"] or None,
            long_name=(r["long_name"] or None) if verified else None,
            verified=verified,
            source=r["source"] or None,
            variants=tuple(v.strip() for v in r["variants"].split("|") if v.strip()) if verified else (),
        ))
    return tuple(out)


def _norm(s: str) -> str:
    s = s.casefold().replace("–", "-").replace("—", "-")
    s = re.sub(r"[^\wåäö\s.-]", " ", s)
    return " ".join(s.split())


# "Programområde 2 Ökat arbetskraftsutbud", "PO 3", "Särskilt mål VI", "mål 1.1", "(g)"
_PREFIX = re.compile(
    r"^\s*(?:programområde|programomrade|po|insatsområde|prioriteringsaxel|"
    r"specifikt mål|särskilt mål|särskilda mål|mål)\s*:?\s*",
    re.IGNORECASE,
)
_ROMAN = r"(?:XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_CODE = re.compile(
    r"^\s*(?P<code>\d\.\d|\d|[A-F]\d?[A-Z]?|" + _ROMAN + r")(?=$|[\s.:,)–-])\s*[.:)–-]?\s*(?P<rest>.*)$",
)


def _split_code(text: str) -> tuple[str | None, str]:
    """('2', 'Ökat arbetskraftsutbud') from 'Programområde 2 Ökat arbetskraftsutbud'."""
    s = " ".join(text.split())
    s = _PREFIX.sub("", s, count=1)
    s = s.lstrip("*•- ")
    m = _CODE.match(s)
    if not m:
        return None, s.strip()
    return m.group("code"), m.group("rest").strip(" .:-–")


def _name_matches(o: Objective, text: str) -> bool:
    """`text` is (or starts with, or is a long enough start of) one of `o`'s attested wordings."""
    t = _norm(text) if text else ""
    if not t:
        return False
    for name in o.wordings:
        n = _norm(name)
        if n == t or (t.startswith(n) and not t[len(n)].isalnum()) or (len(t) >= 8 and n.startswith(t)):
            return True
    return False


def _filter(rows: list[Objective], period: str | None) -> list[Objective]:
    return [o for o in rows if period is None or o.period == period]


def lookup_area(code_or_text: str, period: str | None = None) -> list[Objective]:
    """Programme-area candidates for "2", "Programområde 2 Ökat arbetskraftsutbud", "C",
    "1.1 Kompetensförsörjning" (an objective code names its area), or a name alone."""
    if not code_or_text or not code_or_text.strip():
        return []
    code, rest = _split_code(code_or_text)
    areas = [o for o in objectives() if o.kind == "programme_area"]
    if code is not None and re.fullmatch(r"\d\.\d|[A-F]\d[A-Z]?", code):
        objs = [o for o in objectives() if o.kind == "specific_objective" and o.code == code]
        keys = {(o.period, o.area) for o in objs}
        cands = [a for a in areas if (a.period, a.code) in keys]
    elif code is not None:
        cands = [a for a in areas if a.code == code]
    else:
        cands = [a for a in areas if _name_matches(a, rest)]
    if rest and code is not None:
        named = [a for a in cands if _name_matches(a, rest)]
        if named:
            cands = named
        elif cands and all(a.wordings for a in cands) and any(
            _name_matches(a, rest) for a in areas
        ):
            # the name belongs to another area: a contradiction, no candidates
            return []
    return _filter(cands, period)


def lookup_objective(code_or_text: str, period: str | None = None) -> list[Objective]:
    """Specific-objective candidates for "2.2", "A2A", "C1", "VI", "Särskilt mål VII"."""
    if not code_or_text or not code_or_text.strip():
        return []
    code, rest = _split_code(code_or_text)
    objs = [o for o in objectives() if o.kind == "specific_objective"]
    if code is not None:
        cands = [o for o in objs if o.code.upper() == code.upper()]
    else:
        cands = [o for o in objs if _name_matches(o, rest)]
    return _filter(cands, period)


_OBJECTIVE_FORM = re.compile(r"\d\.\d|[A-F]\d[A-Z]?")
_AREA_FORM = re.compile(r"\d|[A-F]")


@dataclass(frozen=True)
class ProgrammeCodes:
    """The codes a programme-area or objective value carries, and the words after them."""

    area: str | None
    objective: str | None
    written: str


def programme_codes(text: str) -> ProgrammeCodes:
    """'3.1 Sysselsättningsinitiativet för unga' -> area 3, objective 3.1 (call pages print the
    objective's code before its area's name); 'Programområde D' -> area D; 'A1A' -> area A,
    objective A1A; 'Särskilt mål VI' -> objective VI (an EU numeral names no area)."""
    code, rest = _split_code(text or "")
    if code is None:
        return ProgrammeCodes(None, None, rest)
    if _OBJECTIVE_FORM.fullmatch(code):
        return ProgrammeCodes(code[0], code, rest)
    if _AREA_FORM.fullmatch(code):
        return ProgrammeCodes(code, None, rest)
    return ProgrammeCodes(None, code, rest)  # a roman numeral


def _rows_of(kind: str, code: str, period: str | None) -> list[Objective]:
    return [o for o in objectives() if o.kind == kind and o.code == code and (period is None or o.period == period)]


def verified_name(kind: str, code: str | None, period: str | None = None) -> str | None:
    """The verified name of a programme area or objective code: only when every programme that
    has the code (in `period`, when known) names it, and all the same way; else None."""
    if not code:
        return None
    rows = _rows_of(kind, code, period)
    names = {o.name for o in rows}
    if not rows or "" in names or len(names) != 1:
        return None
    return names.pop()


def wording_matches(kind: str, code: str, written: str, period: str | None = None) -> bool:
    """`written` is an attested wording of the name of `code` (in `period`, when known)."""
    return any(_name_matches(o, written) for o in _rows_of(kind, code, period))
