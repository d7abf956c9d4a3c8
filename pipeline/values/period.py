"""Which ESF programme period a project belongs to, from its codes, names and dates.

Every piece of evidence narrows the set of possible periods; the answer is the one period
left, or None (with the evidence) when nothing or too much is left. The page layout is never
evidence: the old project bank shows 2007-2013 projects in the same layout as newer ones.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from pipeline.values.programmes import lookup_area, lookup_objective

P0713, P1420, P2127 = "2007-2013", "2014-2020", "2021-2027"
ALL = frozenset({P0713, P1420, P2127})
_PERIOD_LABEL = re.compile(r"(2007|2014|2021)\s*[-–]\s*(2013|2020|2027)")
_DNR_2127 = re.compile(r"\d{2}-\d{3}-[A-Z]\d{2}")
_DNR_1420 = re.compile(r"20(1[4-9]|2[0-3])/\d{5}")
_AREA_2127 = re.compile(r"[A-F]")
_OBJECTIVE_1420 = re.compile(r"\d\.\d")
_OBJECTIVE_2127 = re.compile(r"[A-F]\d[A-Z]?")

@lru_cache(maxsize=4096)
def area_periods(text: str) -> frozenset[str]:
    """Periods whose programme areas the reference table matches to `text` (cached: pages
    repeat the same few area names)."""
    return frozenset(a.period for a in lookup_area(text))


@lru_cache(maxsize=4096)
def objective_periods(code: str) -> frozenset[str]:
    """Periods that have the specific objective `code` in the reference table (cached)."""
    return frozenset(o.period for o in lookup_objective(code))


def _by_dates(start: date | None, end: date | None) -> frozenset[str]:
    s: set[str] = set(ALL)
    if start:
        if start < date(2014, 1, 1):
            s &= {P0713}
        elif start < date(2016, 1, 1):
            s &= {P0713, P1420}
        elif start < date(2022, 1, 1):
            s &= {P1420}
        else:
            s &= {P1420, P2127}
    if end:
        if end < date(2014, 1, 1):
            s &= {P0713}
        elif end > date(2024, 12, 31):
            s &= {P2127}
    return frozenset(s)


def infer_period(
    *,
    diarienummer: str | None = None,
    programme_area: str | None = None,
    programme_area_text: str | None = None,
    specific_objective: str | None = None,
    fund: str | None = None,
    programme_period_label: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> tuple[str | None, str | None]:
    """Returns (period, problem). problem explains a None when the evidence disagrees."""
    evidence: list[tuple[str, frozenset[str]]] = []
    if programme_period_label:
        m = _PERIOD_LABEL.search(programme_period_label)
        if m:
            evidence.append((f"programme period {m.group(0)}", frozenset({f"{m.group(1)}-{m.group(2)}"})))
    if diarienummer:
        if _DNR_2127.fullmatch(diarienummer):
            evidence.append((f"diarienummer {diarienummer}", frozenset({P2127})))
        elif _DNR_1420.fullmatch(diarienummer):
            evidence.append((f"diarienummer {diarienummer}", frozenset({P1420})))
    if programme_area:
        if _AREA_2127.fullmatch(programme_area):
            evidence.append((f"programme area {programme_area}", frozenset({P2127})))
        elif programme_area == "3":
            evidence.append(("programme area 3", frozenset({P1420})))
        elif programme_area in {"1", "2"}:
            evidence.append((f"programme area {programme_area}", frozenset({P0713, P1420})))
    if programme_area_text and programme_area_text.strip() != programme_area:
        found = area_periods(programme_area_text)
        if found:  # the reference table knows which programmes use this code + name
            evidence.append((f"programme area {programme_area_text!r}", found))
    if specific_objective:
        objs = objective_periods(specific_objective)
        if objs:
            evidence.append((f"specific objective {specific_objective}", objs))
        elif _OBJECTIVE_1420.fullmatch(specific_objective):
            evidence.append((f"specific objective {specific_objective}", frozenset({P1420})))
        elif _OBJECTIVE_2127.fullmatch(specific_objective):
            evidence.append((f"specific objective {specific_objective}", frozenset({P2127})))
    if fund == "ESF+":
        evidence.append(("fund ESF+", frozenset({P2127})))
    if start or end:
        evidence.append(("project dates", _by_dates(start, end)))
    informative = [e for e in evidence if e[1] != ALL]
    if not informative:
        return None, None
    left = set(ALL)
    for _, periods in informative:
        left &= periods
    if len(left) == 1:
        return left.pop(), None
    if not left:
        return None, "evidence disagrees: " + "; ".join(f"{w} -> {'/'.join(sorted(p))}" for w, p in informative)
    return None, None
