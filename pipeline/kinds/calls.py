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

from pipeline.values.amounts import find_amounts, parse_amount_detailed
from pipeline.values.dates import find_dates, find_ranges, parse_date
from pipeline.models import Issue, LabelValue, issue
from pipeline.values.regions import canonical_region, region_variants
from pipeline.layout.segment import is_boilerplate

CALL_KEYS = (
    "call_id", "title", "region", "programme_area", "specific_objective", "amount_sek", "opens",
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
_DATE_LINE = re.compile(r"^(?:publicerad|uppdaterad|senast uppdaterad|datum)\b", re.IGNORECASE)


def first_title_line(text: str, max_lines: int = 40) -> str | None:
    """The page heading: the first line that is not navigation/cookie boilerplate, a date,
    or a label of the fact block."""
    for raw in text.splitlines()[:max_lines]:
        line = " ".join(raw.split())
        if not line or is_boilerplate(line):
            continue
        if find_dates(line) and len(line) <= 30:
            continue  # a publication date line
        if _DATE_LINE.match(line):
            continue
        if len(line) > 200 or len(line) < 3:
            continue
        return line
    return None


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs: paragraphs/lines split at sentence ends."""
    out: list[tuple[int, str]] = []
    for m in re.finditer(r"[^\n]+", text):
        line, base = m.group(0), m.start()
        start = 0
        for b in re.finditer(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"”])", line):
            out.append((base + start, line[start:b.start()]))
            start = b.end()
        out.append((base + start, line[start:]))
    return [(o, s) for o, s in out if s.strip()]


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
_CALL_ID = r"(\d{4}/\d{4,5}|\d{2}-\d{3}-[A-Z]?\d{1,3})"
_CALL_ID_PROSE = re.compile(
    r"(?:utlysningen\s+har\s+(?:tilldelats|fått)\s+diarienummer|utlysningens\s+diarienummer\s+(?:är)?|"
    r"diarienummer\s+för\s+utlysningen\s+(?:är)?)\s*:?\s*" + _CALL_ID,
    re.IGNORECASE,
)


def _call_id(by: dict[str, LabelValue], text: str, issues: list[Issue]) -> str | None:
    for f in ("call_id", "diarienummer"):
        p = by.get(f)
        if p:
            m = re.fullmatch(r"\s*" + _CALL_ID + r"\s*", p.value)
            if m:
                return m.group(1)
            issues.append(issue("unreadable_call_id",
                                f"{p.label} value is not a call diarienummer",
                                field="call_id", evidence=_clip(p.value)))
    ids = {m.group(1) for m in _CALL_ID_PROSE.finditer(text)}
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
    found = {variants[m.group(1).casefold()] for m in _region_pattern().finditer(text)}
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        issues.append(issue("ambiguous_region",
                            "several regions named for the call",
                            field="region", evidence=_clip(", ".join(sorted(found)))))
    return None


# ---------------------------------------------------------------- amount
_AMOUNT_CUE = re.compile(
    r"(?:utlyser|utlyses|avsätter|avsätts|omfattar|uppgår\s+till|utlyst\s+belopp|"
    r"(?:ansöka|söka)\s+om\s+[\wåäö-]*medel\s+för|totalt|sammanlagt|att\s+fördela)",
    re.IGNORECASE,
)
_SUB_CUE = re.compile(r"(?:varav|avser|avsedda|är\s+avsatta\s+för|går\s+till|av\s+dessa)", re.IGNORECASE)


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
        for a in find_amounts(sent):
            if a.value is None:
                continue
            all_values.append(a.value)
            before = sent[max(0, a.start - 90): a.start]
            if _AMOUNT_CUE.search(before) and not _SUB_CUE.search(before):
                cued.append((a.value, sent))
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
_WINDOW_CUE = re.compile(
    r"(?:utlysningen\s+(?:pågår|är\s+öppen|öppnar|stänger|pågick)|ansökningstiden|ansökningsperioden|"
    r"ansökningsomgången\s+pågår|pågår\s+mellan|går\s+att\s+söka|kan\s+sökas|är\s+öppen\s+för\s+ansökan|"
    r"sista\s+(?:ansökningsdag(?:en)?|dag\s+att\s+(?:ansöka|söka|lämna\s+in)))",
    re.IGNORECASE,
)
_OPEN_WORD = re.compile(r"(?:öppnar|öppnade|från\s+och\s+med|fr\.?o\.?m\.?)", re.IGNORECASE)
_CLOSE_WORD = re.compile(r"(?:stänger|stängde|sista\s+(?:ansökningsdag(?:en)?|dag)|senast|till\s+och\s+med|t\.?o\.?m\.?)",
                         re.IGNORECASE)


def _project_window(sentences: list[tuple[int, str]]) -> tuple[dict[str, date | None], set[str]]:
    out: dict[str, date | None] = {"project_start_earliest": None, "project_start_latest": None,
                                   "project_end_latest": None}
    used: set[str] = set()
    for _, sent in sentences:
        if not _PROJECT_WINDOW.search(sent) or _WINDOW_CUE.search(sent):
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


def _prose_window(sentences: list[tuple[int, str]], skip: set[str]) -> tuple[date | None, date | None, str | None]:
    opens: date | None = None
    closes: date | None = None
    evidence: str | None = None
    for _, sent in sentences:
        if sent in skip or not _WINDOW_CUE.search(sent):
            continue
        ranges = find_ranges(sent)
        if ranges:
            r = ranges[0]
            if opens is None and closes is None:
                return r.first, r.last, sent
            continue
        for d in find_dates(sent):
            before = sent[max(0, d.start - 40): d.start]
            if _OPEN_WORD.search(before) and opens is None:
                opens, evidence = d.value, sent
            elif _CLOSE_WORD.search(before) and closes is None:
                closes, evidence = d.value, sent
    return opens, closes, evidence


_COFIN = re.compile(
    r"medfinansiering(?:en|sgraden)?\s+(?:ska|skall|måste|bör)\s+(?:uppgå\s+till|vara|motsvara)\s+"
    r"(?:minst\s+)?(?P<pct>\d{1,3}(?:[,.]\d+)?)\s*(?:%|procent)|"
    r"krav\s+på\s+(?:minst\s+)?(?P<pct2>\d{1,3}(?:[,.]\d+)?)\s*(?:%|procent)\s+medfinansiering",
    re.IGNORECASE,
)


def _cofinancing(text: str, issues: list[Issue]) -> float | None:
    vals = set()
    for m in _COFIN.finditer(text):
        v = float((m.group("pct") or m.group("pct2")).replace(",", "."))
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
    rec["call_id"] = _call_id(by, text, issues)
    rec["region"] = _region(by, text, issues)
    for f in ("programme_area", "specific_objective"):
        p = by.get(f)
        rec[f] = " ".join(p.value.split()) if p else None
    sentences = _sentences(text)  # read by the amount, the project window and the call window
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
