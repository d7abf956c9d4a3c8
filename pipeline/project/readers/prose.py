"""Prose reader: the phrase patterns of data/prose_patterns.csv, with the shared building
blocks of data/prose_parts.csv ({AMOUNT}, {DATE}, {ORGTAIL} ...) filled in.

Every pattern has a `v` group (the value as written). A row with a `problem` names a shape that
is recognised but never usable (a month-only date, an amount in euro): its matches become
candidates without a value, so the resolver can say why the field stays empty. Amounts and
counts preceded by an approximate word ("drygt", "cirka", "över" ...) become such candidates
too.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.layout.segment import Segmented
from pipeline.project.readers import Candidate
from pipeline.resources import data_file
from pipeline.text.prefilter import Finder, finder

_PART = re.compile(r"\{([A-Z]+)\}")
# the words that make an amount or a count approximate, right before it
APPROX_BEFORE = re.compile(
    r"(?:^|\s)(?:cirka|ca\.?|c:a|drygt|dryga|knappt|nästan|över|omkring|runt|ungefär|närmare|uppemot|"
    r"minst|mer än|upp till|approximately|about|around|over|almost|nearly)\s*$",
    re.IGNORECASE,
)
EVIDENCE_MAX = 200


@dataclass(frozen=True)
class ProseRule:
    field: str
    templates: frozenset[str]  # '*' = every layout the readers run on
    rule: str
    problem: str | None
    cues: tuple[str, ...]  # literals of which every match holds one (empty: the prefilter's needles)
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def parts() -> dict[str, str]:
    """Building blocks of the patterns: name -> regex (data/prose_parts.csv)."""
    with open(data_file("prose_parts.csv"), encoding="utf-8", newline="") as fh:
        return {row["name"]: row["pattern"] for row in csv.DictReader(fh)}


def expand(pattern: str) -> str:
    """A pattern with its {PART} names replaced by their (non-capturing) regexes."""
    table = parts()
    return _PART.sub(lambda m: "(?:" + table[m.group(1)] + ")" if m.group(1) in table else m.group(0), pattern)


@lru_cache(maxsize=1)
def prose_rules() -> list[ProseRule]:
    with open(data_file("prose_patterns.csv"), encoding="utf-8", newline="") as fh:
        return [
            ProseRule(row["field"], frozenset(row["templates"].split()), row["rule"], row["problem"] or None,
                      tuple(c for c in row["cues"].split("|") if c), re.compile(expand(row["pattern"]), re.MULTILINE))
            for row in csv.DictReader(fh)
        ]


@lru_cache(maxsize=1)
def prose_patterns() -> list[tuple[str, frozenset[str], re.Pattern[str]]]:
    """(field, templates, compiled pattern) per row: the patterns as data, for tests and tools."""
    return [(r.field, r.templates, r.pattern) for r in prose_rules()]


@lru_cache(maxsize=1)
def prose_finders() -> list[Finder]:
    """Per prose pattern (same order), the pattern with the literal shortcuts of prefilter.py."""
    return [finder(r.pattern) for r in prose_rules()]


def applies(rule: ProseRule, template: str) -> bool:
    return template in rule.templates or ("*" in rule.templates and template != "decision_letter")


NUMERIC = {"eu_grant_sek", "other_fund_grant_sek", "total_budget_sek", "planned_participants"}


# how far a match may reach before / after its cue (a sentence): the search window around a cue
WINDOW_BACK = 130
WINDOW_AHEAD = 170
# windows searched per rule and page: a page that repeats one statement more often adds nothing
# (a conflict shows in the first few), and each window costs a regex search
MAX_WINDOWS = 6


_MAX_SPANS = 4 * MAX_WINDOWS


def _occurrences(text: str, cue: str) -> list[int]:
    """Where `cue` stands in `text` (the first _MAX_SPANS places)."""
    found: list[int] = []
    i = text.find(cue)
    while i != -1 and len(found) < _MAX_SPANS:
        found.append(i)
        i = text.find(cue, i + 1)
    return found


def _windows(text: str, cues: tuple[str, ...], seen: dict[str, list[int]] | None = None) -> list[tuple[int, int]]:
    """Merged spans of `text` around every occurrence of a cue, in text order. `seen` keeps each
    cue's places for the page: the rules share many cues, and each is looked up once."""
    spans: list[tuple[int, int]] = []
    for cue in cues:
        places = seen.get(cue) if seen is not None else None
        if places is None:
            places = _occurrences(text, cue)
            if seen is not None:
                seen[cue] = places
        for i in places:
            if len(spans) >= _MAX_SPANS:
                break
            spans.append((max(0, i - WINDOW_BACK), min(len(text), i + len(cue) + WINDOW_AHEAD)))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _matches(rule: ProseRule, find: Finder, text: str, seen: dict[str, list[int]] | None = None) -> list[re.Match[str]]:
    """The rule's matches in `text`. With cues, only the windows around the cues are searched
    (a page-wide search of a pattern that starts with a common word costs ~10x more); without
    cues, the prefilter's search finds the first match."""
    pattern = rule.pattern
    out: list[re.Match[str]] = []
    if rule.cues:
        for lo, hi in _windows(text, rule.cues, seen)[:MAX_WINDOWS]:
            m = pattern.search(text, lo, hi)
            while m is not None:
                out.append(m)
                m = pattern.search(text, m.end(), hi) if m.end() > m.start() else None
        return out
    m = find.search(text)
    while m is not None:
        out.append(m)
        m = pattern.search(text, m.end()) if m.end() > m.start() else None
    return out


def read(seg: Segmented, template: str) -> list[Candidate]:
    """Candidates of every pattern that applies to the layout, from the page's prose lines."""
    prose = "\n".join(ln for _, ln in seg.prose_lines())
    out: list[Candidate] = []
    cue_places: dict[str, list[int]] = {}
    for rule, find in zip(prose_rules(), prose_finders()):
        if not applies(rule, template):
            continue
        seen: set[str] = set()
        for m in _matches(rule, find, prose, cue_places):
            value = " ".join(m.group("v").split()).strip(" ,;:")
            evidence = " ".join(m.group(0).split())[:EVIDENCE_MAX]
            problem = rule.problem
            if problem is None and rule.field in NUMERIC and APPROX_BEFORE.search(prose[max(0, m.start("v") - 20): m.start("v")]):
                problem = "approximate amount" if rule.field != "planned_participants" else "approximate count"
            if value and value not in seen:
                seen.add(value)
                out.append(Candidate(rule.field, None if problem else value, evidence, rule.rule, problem))
    return out
