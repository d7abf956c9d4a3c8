"""Calls for proposals (utlysningar): id, amount, call window, region, co-financing, project window.

Labelled fields (the segmenter's LabelValue pairs) win; prose is read only through cue words,
so the many other dates and amounts on a call page are not taken by mistake:
- the call amount follows "utlyser", "avsätter", "omfattar", "ansöka om ... medel för", ...;
  sub-amounts that add up to it are ignored, several different amounts give no value;
- the call window comes from a sentence about the call being open ("Utlysningen pågår
  mellan ...", "Ansökningstiden är ..."), never from the publication date, a decision date
  ("har den 2 februari 2015 beslutat"), meeting dates or the project window;
- the project window ("Projekten kan tidigast starta den 1 juli 2015 och sluta senast den
  31 december 2017") fills project_start_earliest / project_start_latest / project_end_latest.
When unsure a value stays None and an Issue says why (source_file "" is filled in later).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any, Sequence

from pipeline.kinds.call_readers import (
    body_text, call_amounts, call_title, cues, dated_points, has, is_window, prose_call_ids, prose_programme_areas,
    prose_regions, without_clock,
)
from pipeline.kinds.call_readers import sentences as _sentences
from pipeline.values.amounts import find_amounts, parse_amount_detailed
from pipeline.values.dates import find_dates, find_ranges, parse_date
from pipeline.models import Issue, LabelValue, issue
from pipeline.values.period import infer_period
from pipeline.values.programmes import programme_codes, verified_name, wording_matches
from pipeline.values.regions import canonical_region, region_variants

CALL_KEYS = (
    "call_id", "title", "region", "programme_area", "programme_area_name", "specific_objective",
    "specific_objective_name", "amount_sek", "opens",
    "closes", "cofinancing_required_pct", "project_start_earliest", "project_start_latest",
    "project_end_latest",
)


@lru_cache(maxsize=1)
def _region_pattern() -> re.Pattern[str]:
    """A region named for the call: "i region Västsverige", "ska bedrivas i Norra Mellansverige"."""
    alt = "|".join(re.escape(n) for n in sorted(region_variants(), key=len, reverse=True))
    return re.compile(
        r"(?:(?<![\wåäö])region(?:en)?\s+|ska\s+bedrivas\s+i\s+(?:region(?:en)?\s+)?)(" + alt + r")(?![\wåäö])",
        re.IGNORECASE,
    )


# ---------------------------------------------------------------- small helpers
def first_title_line(text: str, max_lines: int = 40) -> str | None:
    """The page heading (see call_readers.call_title: chrome, dates, site names, page headers skipped)."""
    return call_title(text, max_lines)


def _pairs_by_field(pairs: Sequence[LabelValue]) -> dict[str, LabelValue]:
    out: dict[str, LabelValue] = {}
    for p in pairs:
        if p.field not in out and p.value.strip():
            out[p.field] = p
    return out


def _clip(evidence: str | None) -> str | None:
    """A call's evidence is a sentence or a list of values: 300 characters say enough."""
    return evidence[:300] if evidence else None


# ---------------------------------------------------------------- call id
_CALL_ID = r"(\d{4}/\d{4,5}|\d{2}-\d{3}-[A-Z]?\d{1,3}|\d{2}-\d{3})"


def _call_id(by: dict[str, LabelValue], text: str, title: str | None, issues: list[Issue]) -> str | None:
    for f in ("call_id", "diarienummer"):
        p = by.get(f)
        if p:
            m = re.fullmatch(r"\s*" + _CALL_ID + r"\s*", p.value)
            if m:
                return m.group(1)
            issues.append(issue("unreadable_call_id",
                                f"{p.label} value is not a call diarienummer",
                                field="call_id", evidence=_clip(p.value)))
    ids = prose_call_ids(text, [title] if title else [])
    if len(ids) == 1:
        return ids.pop()
    if len(ids) > 1:
        issues.append(issue("ambiguous_call_id",
                            "several call diarienummer in prose",
                            field="call_id", evidence=_clip(", ".join(sorted(ids)))))
    return None


# ---------------------------------------------------------------- region
def _region(by: dict[str, LabelValue], text: str, issues: list[Issue]) -> str | None:
    p = by.get("region")
    if p:
        r = canonical_region(p.value)
        if r:
            return r
        issues.append(issue("unknown_region",
                            "Region value is not an ESF region",
                            field="region", evidence=_clip(p.value)))
        return None
    variants = region_variants()
    found = {variants[m.group(1).casefold()] for m in _region_pattern().finditer(text)} | prose_regions(text)
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        issues.append(issue("ambiguous_region",
                            "several regions named for the call",
                            field="region", evidence=_clip(", ".join(sorted(found)))))
    return None


def _prose_area(text: str, issues: list[Issue]) -> str | None:
    """'inom programområde D': the area when the page names exactly one."""
    areas = prose_programme_areas(text)
    if len(areas) == 1:
        return areas.pop()
    if len(areas) > 1:
        issues.append(issue("ambiguous_programme_area", "several programme areas named for the call",
                            field="programme_area", evidence=_clip(", ".join(sorted(areas)))))
    return None


_CALL_ID_2127 = re.compile(r"\d{2}-\d{3}(?:-[A-Z]?\d{1,3})?")


def _programme(by: dict[str, LabelValue], text: str, call_id: str | None, issues: list[Issue]) -> dict[str, Any]:
    """Programme area and specific objective as codes, with their verified names (as projects).

    The Programområde value of a call carries the objective's code before the area's name
    ("3.1 Sysselsättningsinitiativet för unga"), so it gives both codes. A name is written
    only when the programme period pins it down (or every period names the code alike), and
    only when the words after the code, if any, are an attested wording of the area's or the
    objective's name: another fund's "1 Forskning och innovation" gets no ESF name."""
    area = objective = None
    written: list[str] = []
    p = by.get("programme_area")
    if p:
        c = programme_codes(p.value)
        area, objective = c.area, c.objective
        if c.written:
            written.append(c.written)
        if area is None and objective is None:
            issues.append(issue("unknown_programme_area", "no programme area code in the Programområde value",
                                field="programme_area", evidence=_clip(p.value)))
    else:
        area = _prose_area(text, issues)
    p = by.get("specific_objective")
    if p:
        c = programme_codes(p.value)
        if c.objective is None:
            issues.append(issue("unknown_specific_objective", "no objective code in the Specifikt mål value",
                                field="specific_objective", evidence=_clip(p.value)))
        elif (objective is not None and c.objective != objective) or (area and c.area and c.area != area):
            issues.append(issue("conflicting_values",
                                f"{objective or 'area ' + str(area)} in the Programområde value, objective "
                                f"{c.objective} labelled; the objective left empty",
                                field="specific_objective", evidence=_clip(p.value)))
            objective = None
        else:
            objective = c.objective
            area = area or c.area
            if c.written:
                written.append(c.written)
    label = "2021-2027" if call_id and _CALL_ID_2127.fullmatch(call_id) else None
    period, _ = infer_period(diarienummer=call_id, programme_area=area, specific_objective=objective,
                             programme_period_label=label)
    named = all(
        (area and wording_matches("programme_area", area, w, period))
        or (objective and wording_matches("specific_objective", objective, w, period))
        for w in written
    )
    return {
        "programme_area": area,
        "programme_area_name": verified_name("programme_area", area, period) if named else None,
        "specific_objective": objective,
        "specific_objective_name": verified_name("specific_objective", objective, period) if named else None,
    }


# ---------------------------------------------------------------- amount
def _amount(by: dict[str, LabelValue], sentences: list[tuple[int, str]], issues: list[Issue]) -> int | None:
    labelled: int | None = None
    p = by.get("call_amount_sek")
    if p:
        labelled, why = parse_amount_detailed(p.value)
        if labelled is None:
            issues.append(issue("unreadable_call_amount",
                                f"Utlyst belopp not read: {why}",
                                field="amount_sek", evidence=_clip(p.value)))
    all_values: list[int] = []
    cued: list[tuple[int, str]] = []
    for _off, sent in sentences:
        found = find_amounts(sent)
        all_values.extend(a.value for a in found if a.value is not None)
        cued.extend((v, sent) for v in call_amounts(sent, found))
    if labelled is not None:
        others = {v for v, _ in cued if v != labelled}
        if others:
            issues.append(issue("call_amount_disagree",
                                "prose states another call amount than the Utlyst belopp field",
                                field="amount_sek", evidence=_clip("; ".join(s for v, s in cued if v in others))))
        return labelled
    values = {v for v, _ in cued}
    if len(values) == 1:
        return values.pop()
    if len(values) > 1:
        top = max(values)
        rest = sorted(values - {top})
        if sum(rest) == top:
            return top  # the others are its parts
        issues.append(issue("ambiguous_call_amount",
                            "several different call amounts in prose",
                            field="amount_sek", evidence=_clip(", ".join(str(v) for v in sorted(values)))))
        return None
    distinct = sorted(set(all_values))
    if len(distinct) >= 3 and sum(distinct[:-1]) == distinct[-1]:
        return distinct[-1]  # a total with its parts, no cue word
    if distinct:
        issues.append(issue("uncued_call_amount",
                            "amounts in prose but none stated as the call amount",
                            field="amount_sek", evidence=_clip(", ".join(str(v) for v in distinct))))
    return None


# ---------------------------------------------------------------- dates
_PROJECT_WINDOW = re.compile(
    r"projekt(?:en|et)?\s+(?:kan|får|ska|måste)\s+(?:\w+\s+){0,2}?(?:starta|påbörjas|börja|inledas|"
    r"avslutas|sluta|vara\s+avslutade)|projektstart|projektets?\s+slut|projekttid(?:en)?\s+(?:är|ska)",
    re.IGNORECASE,
)
def _project_window(sentences: list[tuple[int, str]]) -> tuple[dict[str, date | None], set[str]]:
    out: dict[str, date | None] = {"project_start_earliest": None, "project_start_latest": None,
                                   "project_end_latest": None}
    used: set[str] = set()
    for _, sent in sentences:
        if not _PROJECT_WINDOW.search(sent) or is_window(sent):
            continue
        used.add(sent)
        prev = 0
        mode: str | None = None
        for d in find_dates(sent):
            between = sent[prev:d.start].casefold()
            prev = d.end
            if re.search(r"slut|avslut|avslutade|avslutas", between):
                mode = "project_end_latest"
            elif re.search(r"start|påbörj|börja|inled", between) or mode is None:
                mode = "project_start_latest" if "senast" in between and "tidigast" not in between \
                    else "project_start_earliest"
            elif "senast" in between and mode == "project_start_earliest":
                mode = "project_start_latest"
            elif "tidigast" in between:
                mode = "project_start_earliest"
            if out.get(mode) is None:
                out[mode] = d.value
    return out, used


def _role(before: str) -> str | None:
    """'opens' or 'closes': the open or close word nearest before a date."""
    best: tuple[int, str] | None = None
    for cue, role in (("open_word", "opens"), ("close_word", "closes")):
        for p in cues()[cue]:
            for m in p.finditer(before):
                if best is None or m.end() > best[0]:
                    best = (m.end(), role)
    return best[1] if best else None


def _prose_window(sentences: list[tuple[int, str]], skip: set[str]) -> tuple[date | None, date | None, str | None]:
    """The call window from the sentences about it: a range, else dates after open/close words
    (a day and month take the year written later in the sentence)."""
    opens: date | None = None
    closes: date | None = None
    evidence: str | None = None
    for _, sent in sentences:
        if sent in skip or not is_window(sent):
            continue
        sent = without_clock(sent)
        ranges = find_ranges(sent)
        if ranges:
            r = ranges[0]
            if opens is None and closes is None:
                return r.first, r.last, sent
            continue
        for d in dated_points(sent):
            role = _role(sent[max(0, d.start - 40): d.start])
            if role == "opens" and opens is None:
                opens, evidence = d.value, sent
            elif role == "closes" and closes is None:
                closes, evidence = d.value, sent
    return opens, closes, evidence


def _cofinancing(text: str, issues: list[Issue]) -> float | None:
    vals = set()
    for m in (m for p in cues()["cofinancing"] for m in p.finditer(text)):
        v = float(m.group("pct").replace(",", "."))
        if 0 <= v <= 100:
            vals.add(v)
    if len(vals) == 1:
        return vals.pop()
    if len(vals) > 1:
        issues.append(issue("ambiguous_cofinancing",
                            "several co-financing requirements",
                            field="cofinancing_required_pct", evidence=_clip(", ".join(str(v) for v in sorted(vals)))))
    return None


def _labelled_date(by: dict[str, LabelValue], field: str, out_field: str, issues: list[Issue]) -> date | None:
    p = by.get(field)
    if not p:
        return None
    d = parse_date(p.value)
    if d is None:
        issues.append(issue("unreadable_call_date",
                            f"{p.label} value is not a full date",
                            field=out_field, evidence=_clip(p.value)))
    return d


# ---------------------------------------------------------------- entry point
def extract_call(text: str, pairs: Sequence[LabelValue]) -> tuple[dict[str, Any], list[Issue]]:
    """One call record (keys CALL_KEYS) and the issues met while reading it."""
    issues: list[Issue] = []
    by = _pairs_by_field(pairs)
    rec: dict[str, Any] = {k: None for k in CALL_KEYS}
    title_pair = by.get("title")
    rec["title"] = " ".join(title_pair.value.split()) if title_pair else first_title_line(text)
    rec["call_id"] = _call_id(by, text, rec["title"], issues)
    rec["region"] = _region(by, text, issues)
    rec.update(_programme(by, text, rec["call_id"], issues))
    sentences = _sentences(body_text(text))  # read by the amount, the project window and the call window
    rec["amount_sek"] = _amount(by, sentences, issues)
    rec["cofinancing_required_pct"] = _cofinancing(text, issues)

    window, used = _project_window(sentences)
    rec.update(window)

    lab_open = _labelled_date(by, "start_date", "opens", issues)
    lab_close = _labelled_date(by, "end_date", "closes", issues)
    p_open, p_close, evidence = _prose_window(sentences, used)
    rec["opens"] = lab_open if lab_open is not None else p_open
    rec["closes"] = lab_close if lab_close is not None else p_close
    for name, lab, prose in (("opens", lab_open, p_open), ("closes", lab_close, p_close)):
        if lab is not None and prose is not None and lab != prose:
            issues.append(issue("call_dates_disagree",
                                f"labelled {name} {lab.isoformat()} but the text says {prose.isoformat()}; "
                                "kept the labelled date",
                                field=name, evidence=_clip(evidence)))
    if rec["opens"] and rec["closes"] and rec["opens"] > rec["closes"]:
        issues.append(issue("call_dates_inverted",
                            "the call closes before it opens; both dropped",
                            field="closes", evidence=_clip(f"{rec['opens']} > {rec['closes']}")))
        rec["opens"] = rec["closes"] = None
    return rec, issues
