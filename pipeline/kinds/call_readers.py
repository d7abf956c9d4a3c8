"""Readers for calls for proposals written in any layout: news items announcing one call, other
funds' call pages, grant-portal summaries, PDF transcripts with repeated page headers.

Cue words and phrase patterns live in data/call_cues.csv (one row per pattern, grouped by `cue`):
- `call_evidence` decides from the text whether a page is about ONE call (heading, sentences
  about "the call", a stated window/amount/number) and not about several calls or a project;
- `dated_points` reads the dates of a window sentence, also those whose year is written once
  ("öppnar 14 september och stänger 13 november 2017");
- `call_title` skips site names, logo alt texts and PDF page headers above the heading;
- `prose_call_ids`, `prose_regions`, `prose_programme_areas` read the values stated in prose.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Sequence

from pipeline.layout.segment import is_boilerplate
from pipeline.models import LabelValue
from pipeline.resources import data_file
from pipeline.text.prefilter import folded_needles, has_odd_folds
from pipeline.values.amounts import AmountMatch, find_amounts
from pipeline.values.dates import MONTHS, find_dates
from pipeline.values.regions import region_variants

# region names that also name a city or the whole country: never read from "i X" alone
_NOT_BARE = {"Stockholm", "Nationellt"}


@lru_cache(maxsize=1)
def cues() -> dict[str, tuple[re.Pattern[str], ...]]:
    """cue name -> compiled patterns (case-insensitive, ^/$ at line ends)."""
    variants = region_variants()
    every = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
    inner = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True)
                     if variants[v] not in _NOT_BARE and not v.startswith("esf "))
    out: dict[str, list[re.Pattern[str]]] = {}
    with open(data_file("call_cues.csv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pat = row["pattern"].replace("{regions_inner}", f"(?:{inner})").replace("{regions}", f"(?:{every})")
            out.setdefault(row["cue"], []).append(re.compile(pat, re.IGNORECASE | re.MULTILINE))
    return {k: tuple(v) for k, v in out.items()}


def first_hit(cue: str, text: str) -> re.Match[str] | None:
    """The leftmost match of any pattern of `cue` in `text`."""
    best: re.Match[str] | None = None
    for p in cues()[cue]:
        m = p.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best


@lru_cache(maxsize=None)
def cue_pattern(cue: str) -> re.Pattern[str]:
    """One alternation of a cue's patterns (their named groups dropped): one scan per test."""
    parts = [re.sub(r"\(\?P<\w+>", "(?:", p.pattern) for p in cues()[cue]]
    return re.compile("|".join(f"(?:{x})" for x in parts), re.IGNORECASE | re.MULTILINE)


# characters whose every case-insensitive partner str.lower() finds (with no ODD_FOLDS in the text)
_PLAIN_FOLDS = re.compile(r"[a-z0-9åäöéü ()\-]+")


@lru_cache(maxsize=None)
def _needles(cue: str) -> tuple[str, ...] | None:
    """Lower-case literals one of which every match of the cue contains (None: no shortcut)."""
    found = folded_needles(cue_pattern(cue))
    return found if found is not None and all(_PLAIN_FOLDS.fullmatch(n) for n in found) else None


def has(cue: str, text: str) -> bool:
    """Whether any pattern of `cue` occurs in `text` (a text without any of the cue's literals,
    lower-cased, is not searched: the same answer, at the cost of one lower())."""
    needles = _needles(cue)
    if needles is not None and not has_odd_folds(text):
        low = text.lower()
        for n in needles:
            if n in low:
                break
        else:
            return False
    return cue_pattern(cue).search(text) is not None


# ---------------------------------------------------------------- sentences
# what a PDF page header carries: a page number "2 (7)" / "Sida 2 av 7" or a case number "Dnr ..."
# (each pattern led by a literal, so a page without one is scanned at C speed)
_HEADER_MARKS = (re.compile(r"\(\s*\d{1,3}\s*\)"), re.compile(r"Dnr\b"), re.compile(r"Sid(?:a|an)?\.?\s*\d"))
_PAGE_NO = re.compile(r"\b(?:[Ss]id(?:a|an)?\.?\s*)?\d{1,3}\s*(?:\(\s*\d{1,3}\s*\)|av\s+\d{1,3})")


def header_lines(text: str) -> frozenset[str]:
    """Lines of a PDF transcript's page headers/footers (whitespace collapsed): short lines with
    a page or case number that come back on the page (page numbers aside), and bare page
    numbers. Only the lines with such a mark are looked at."""
    spans: set[tuple[int, int]] = set()
    for mark in _HEADER_MARKS:
        for m in mark.finditer(text):
            a = text.rfind("\n", 0, m.start()) + 1
            b = text.find("\n", m.end())
            spans.add((a, len(text) if b == -1 else b))
    if not spans:
        return frozenset()
    lines = [" ".join(text[a:b].split()) for a, b in spans]
    keyed = Counter(_PAGE_NO.sub("#", ln) for ln in lines if len(ln) < 150)
    return frozenset(ln for ln in lines if len(ln) < 150
                     and (keyed[_PAGE_NO.sub("#", ln)] > 1 or _PAGE_NO.fullmatch(ln)))


_WRAPPED_NEXT = re.compile(r"[a-zåäö0-9(]")


def body_text(text: str) -> str:
    """The page without its PDF page headers, with lines a PDF transcript wrapped inside a
    sentence joined again (a long line without an end mark, continued in lower case or digits)."""
    drop = header_lines(text)
    out: list[str] = []
    for ln in text.splitlines():
        ln = ln.strip()
        if drop and " ".join(ln.split()) in drop:
            continue
        if out and out[-1] and ln and len(out[-1]) >= 50 and out[-1][-1] not in ".!?:;" \
                and _WRAPPED_NEXT.match(ln):
            out[-1] = out[-1] + " " + ln
        else:
            out.append(ln)
    return "\n".join(out)


# a sentence ends at . ! ? before a capital or a digit, never after "kl." or "t.o.m."
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\bkl\.)(?<!\bt\.o\.m\.)(?<!\bfr\.o\.m\.)(?<!\bnr\.)(?<!\bca\.)\s+(?=[A-ZÅÄÖ0-9\"”])")


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs: paragraphs/lines split at sentence ends."""
    out: list[tuple[int, str]] = []
    for m in re.finditer(r"[^\n]+", text):
        line, base = m.group(0), m.start()
        start = 0
        for b in _SENTENCE_END.finditer(line):
            out.append((base + start, line[start:b.start()]))
            start = b.end()
        out.append((base + start, line[start:]))
    return [(o, s) for o, s in out if s.strip()]


_CLOCK = re.compile(r",?\s*(?:kl\.?|klockan)\s*\d{1,2}(?:[.:]\d{2})?", re.IGNORECASE)


def without_clock(sent: str) -> str:
    """'den 21 september kl. 16.00 2015' -> 'den 21 september 2015': a time never splits a date."""
    return _CLOCK.sub("", sent) if "kl" in sent.casefold() else sent


# ---------------------------------------------------------------- dates, year written once
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(
    r"(?<![\w\-–—/.:])(?P<day>\d{1,2})(?::?[ae])?\.?\s+(?P<month>" + _MONTH_RE + r")\.?(?![\wåäö])"
    r"(?:(?:\s+|,\s*)(?P<year>\d{4})(?!\d))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DatedPoint:
    start: int  # offset in the sentence
    value: date
    year_written: bool


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def dated_points(sent: str) -> list[DatedPoint]:
    """The full dates of a sentence, plus "14 september" dates whose year is the one written
    later in the same sentence ("öppnar 14 september och stänger 13 november 2017"). A day and
    month with no year anywhere after them give nothing."""
    full = [DatedPoint(d.start, d.value, True) for d in find_dates(sent)]
    taken = [(d.start, d.end) for d in find_dates(sent)]
    partial: list[tuple[int, int, int]] = []  # (start, month, day) without a year
    for m in _DAY_MONTH.finditer(sent):
        if m.group("year") or any(a <= m.start() < b for a, b in taken):
            continue
        partial.append((m.start(), MONTHS[m.group("month").lower()], int(m.group("day"))))
    out = list(full)
    for start, month, day in partial:
        later = [p for p in full if p.start > start]
        if not later:
            continue
        anchor = later[0].value
        d = _mk(anchor.year, month, day)
        if d is not None and d > anchor:
            d = _mk(anchor.year - 1, month, day)  # "1 december och stänger 31 januari 2020"
        if d is not None:
            out.append(DatedPoint(start, d, False))
    out.sort(key=lambda p: p.start)
    return out


def is_window(sent: str) -> bool:
    """A sentence about when the call is open, or a listing's status line ('Stängd 15 december 2022')."""
    return has("window", sent) or has("status_line", sent)


def has_day_month(sent: str) -> bool:
    """A day and a month ("30 augusti", "2015-06-18"): a deadline even when its year is missing."""
    return bool(_DAY_MONTH.search(sent) or find_dates(sent))


# ---------------------------------------------------------------- page kind
def listed_calls(pairs: Sequence[LabelValue]) -> str | None:
    """Why a page with call fields lists several calls (different call numbers or amounts in
    its fields), or None."""
    for name in ("call_id", "call_amount_sek"):
        values = {" ".join(p.value.split()) for p in pairs if p.field == name and p.value.strip()}
        if len(values) > 1:
            return f"lists several calls: {len(values)} different {name} values"
    return None


# a call page says "utlys-" or invites applications ("söker projekt", "Nu kan du söka", "Sök stöd")
_CALL_WORDS = ("tlys", "söker", "söka", "Sök ")
_PROJECT_FIELDS_VETO = {"owner", "eu_grant_sek", "other_fund_grant_sek", "total_budget_sek", "planned_participants"}


def call_evidence(text: str, head: list[str], fields: set[str]) -> str | None:
    """Why the page is about ONE call for proposals, or None when it is not shown to be.

    Needed: the heading names a call, or at least two sentences speak of "the call" or invite
    applications; and the page states a call fact (a window sentence with a date, a call amount
    after a cue word, the call's number). Never: a page about several calls, a project's fact
    block or prose about a project that got money (a project page quoting its call).
    """
    if fields & _PROJECT_FIELDS_VETO or not any(w in text for w in _CALL_WORDS):
        return None
    if has("several_calls", text) or has("project_side", text) or has("job_ad", text):
        return None
    body = body_text(text)
    if len({m.group(0).strip().casefold() for p in cues()["status_line"] for m in p.finditer(body)}) > 1:
        return None  # status lines of several calls: a listing
    labelled: dict[str, set[str]] = {}
    for p in cues()["call_label"]:
        for m in p.finditer(body):
            end = body.find("\n", m.end())
            labelled.setdefault(" ".join(m.group("label").casefold().split()), set()).add(
                body[m.end(): len(body) if end == -1 else end].strip())
    if any(len(v) > 1 for v in labelled.values()):
        return None  # one call label with several values: a listing
    heading = call_title("\n".join(head)) or ""
    above = head[:head.index(heading)] if heading in head else []  # label/site lines above the heading
    why: list[str] = []
    h = next((m for m in (first_hit("heading", ln) for ln in [heading, *above]) if m), None)
    score = 0
    if h:
        why.append(f"heading '{h.group(0).strip()}'")
        score += 2
    if labelled:
        why.append("call labels " + ", ".join(f"'{k}'" for k in sorted(labelled)))
        score += 2
    sents = sentences(body)
    talk = [s for _, s in sents if has("one_call", s)]
    if talk:
        why.append(f"about the call '{first_hit('one_call', talk[0]).group(0)}'")  # type: ignore[union-attr]
    score += len(talk)
    if any(has("invitation", s) for _, s in sents):
        why.append("invites applications")
        score += 1
    if score < 2:
        return None
    facts: list[str] = []
    if any(is_window(s) and has_day_month(s) for _, s in sents):
        facts.append("window")
    if any(call_amounts(s) for _, s in sents):
        facts.append("amount")
    if prose_call_ids(text, [heading]):
        facts.append("call number")
    if not facts:
        return None
    return "one call for proposals: " + "; ".join(why) + "; states its " + ", ".join(facts)


# ---------------------------------------------------------------- amounts
_MILJONER_AFTER_CUE = re.compile(
    r"(?<![\d,.])(?<!\d )(?P<num>\d{1,4}(?:,\d{1,2})?)\s+miljoner(?![\wåäö])"
    r"(?!\s*(?:€|\$|euro|eur\b|dollar|usd\b|nok\b|dkk\b|kronor|kr\b|sek\b|svenska\s+kronor))",
    re.IGNORECASE)


def call_amounts(sent: str, amounts: list[AmountMatch] | None = None) -> list[int]:
    """Amounts of a sentence stated as the call's money: after an amount cue, not after a part
    cue; "utlyser 80 miljoner" with no currency is kronor after such a cue."""
    out: list[int] = []
    for a in (find_amounts(sent) if amounts is None else amounts):
        if a.value is None:
            continue
        before = sent[max(0, a.start - 90): a.start]
        if has("amount", before) and not has("sub_amount", before):
            out.append(a.value)
    for m in (_MILJONER_AFTER_CUE.finditer(sent) if "miljon" in sent else ()):
        before = sent[max(0, m.start() - 40): m.start()]
        if has("amount", before) and not has("sub_amount", before) and not _APPROX.search(before[-25:]):
            out.append(round(float(m.group("num").replace(",", ".")) * 1_000_000))
    return out


_APPROX = re.compile(r"(?:cirka|ca\.?|drygt|nästan|över|knappt|omkring|runt|uppemot|upp\s+till|ungefär)\s*$", re.IGNORECASE)


# ---------------------------------------------------------------- call id, region, area, title
def prose_call_ids(text: str, title_lines: list[str]) -> set[str]:
    """Call numbers stated for the call: prose ("utlysningens diarienummer är ...") and a heading
    that ends with the number in parentheses."""
    ids: set[str] = set()
    for p in cues()["call_id"]:
        ids.update(m.group("id") for m in p.finditer(text))
    for line in title_lines:
        for p in cues()["heading_call_id"]:
            ids.update(m.group("id") for m in p.finditer(line))
    return ids


def prose_regions(text: str) -> set[str]:
    """ESF regions named as the call's ("programområde D – Mellersta Norrland", "i Övre Norrland")."""
    variants = region_variants()
    out: set[str] = set()
    for p in cues()["region"]:
        out.update(variants[m.group("r").casefold()] for m in p.finditer(text))
    return out


def prose_programme_areas(text: str) -> set[str]:
    """Programme areas named for the call ("inom programområde D")."""
    return {m.group("a").upper() for p in cues()["programme_area"] for m in p.finditer(text)}


_DATE_LINE = re.compile(r"^(?:publicerad|uppdaterad|senast uppdaterad|datum)\b", re.IGNORECASE)
def call_title(text: str, max_lines: int = 40) -> str | None:
    """The page heading: the first line that is not site chrome, a date, a site or fund name,
    a logo's alt text or a PDF page header (a line with a page or case number that comes back
    on the page)."""
    repeated: frozenset[str] | None = None
    for raw in text.splitlines()[:max_lines]:
        line = " ".join(raw.split())
        if not line or is_boilerplate(line):
            continue
        if find_dates(line) and len(line) <= 30:
            continue  # a publication date line
        if _DATE_LINE.match(line):
            continue
        if any(mark.search(line) for mark in _HEADER_MARKS):
            if repeated is None:
                repeated = header_lines(text)
            if line in repeated:
                continue
        if len(line) > 200 or len(line) < 3:
            continue
        if has("title_skip", line):
            continue
        return line
    return None
