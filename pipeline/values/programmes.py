"""ESF programme reference data: programme areas and specific objectives of the three periods.

The table lives in `data/programme_objectives.csv` (period, kind, code, name, area, eu_code,
note); this module only reads it and answers look-ups. Codes are reused across periods
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
    name: str
    area: str | None
    eu_code: str | None = None
    note: str | None = None


@lru_cache(maxsize=1)
def objectives() -> tuple[Objective, ...]:
    """All rows of the reference table."""
    with DATA.open(encoding="utf-8", newline="") as fh:
        return tuple(
            Objective(
                period=r["period"],
                kind=r["kind"],
                code=r["code"],
                name=r["name"],
                area=r["area"] or None,
                eu_code=r["eu_code"] or None,
                note=r["note"] or None,
            )
            for r in csv.DictReader(fh)
        )


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


def _name_matches(name: str, text: str) -> bool:
    if not name or not text:
        return False
    n, t = _norm(name), _norm(text)
    if not t:
        return False
    return n == t or t.startswith(n) or (len(t) >= 8 and n.startswith(t))


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
        cands = [a for a in areas if _name_matches(a.name, rest)]
    if rest and code is not None:
        named = [a for a in cands if _name_matches(a.name, rest)]
        if named:
            cands = named
        elif cands and all(a.name for a in cands) and any(
            _name_matches(a.name, rest) for a in areas
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
        cands = [o for o in objs if _name_matches(o.name, rest)]
    return _filter(cands, period)
