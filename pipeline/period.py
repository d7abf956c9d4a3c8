"""Which ESF programme period a project belongs to, from its codes, names and dates.

Every piece of evidence narrows the set of possible periods; the answer is the one period
left, or None (with the evidence) when nothing or too much is left. The page layout is never
evidence: the old project bank shows 2007-2013 projects in the same layout as newer ones.
"""

from __future__ import annotations

import re
from datetime import date

from pipeline.programmes import lookup_area, lookup_objective

P0713, P1420, P2127 = "2007-2013", "2014-2020", "2021-2027"
ALL = frozenset({P0713, P1420, P2127})

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
        m = re.search(r"(2007|2014|2021)\s*[-–]\s*(2013|2020|2027)", programme_period_label)
        if m:
            evidence.append((f"programme period {m.group(0)}", frozenset({f"{m.group(1)}-{m.group(2)}"})))
    if diarienummer:
        if re.fullmatch(r"\d{2}-\d{3}-[A-Z]\d{2}", diarienummer):
            evidence.append((f"diarienummer {diarienummer}", frozenset({P2127})))
        elif re.fullmatch(r"20(1[4-9]|2[0-3])/\d{5}", diarienummer):
            evidence.append((f"diarienummer {diarienummer}", frozenset({P1420})))
    if programme_area:
        if re.fullmatch(r"[A-F]", programme_area):
            evidence.append((f"programme area {programme_area}", frozenset({P2127})))
        elif programme_area == "3":
            evidence.append(("programme area 3", frozenset({P1420})))
        elif programme_area in {"1", "2"}:
            evidence.append((f"programme area {programme_area}", frozenset({P0713, P1420})))
    if programme_area_text and programme_area_text.strip() != programme_area:
        found = lookup_area(programme_area_text)
        if found:  # the reference table knows which programmes use this code + name
            evidence.append((f"programme area {programme_area_text!r}", frozenset(a.period for a in found)))
    if specific_objective:
        objs = lookup_objective(specific_objective)
        if objs:
            evidence.append((f"specific objective {specific_objective}", frozenset(o.period for o in objs)))
        elif re.fullmatch(r"\d\.\d", specific_objective):
            evidence.append((f"specific objective {specific_objective}", frozenset({P1420})))
        elif re.fullmatch(r"[A-F]\d[A-Z]?", specific_objective):
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
