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
                      re.compile(expand(row["pattern"]), re.MULTILINE))
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


def read(seg: Segmented, template: str) -> list[Candidate]:
    """Candidates of every pattern that applies to the layout, from the page's prose lines."""
    prose = "\n".join(ln for _, ln in seg.prose_lines())
    out: list[Candidate] = []
    for rule, find in zip(prose_rules(), prose_finders()):
        if not applies(rule, template):
            continue
        m = find.search(prose)
        seen: set[str] = set()
        while m is not None:
            value = " ".join(m.group("v").split()).strip(" ,;:")
            evidence = " ".join(m.group(0).split())[:EVIDENCE_MAX]
            problem = rule.problem
            if problem is None and rule.field in NUMERIC and APPROX_BEFORE.search(prose[max(0, m.start("v") - 20): m.start("v")]):
                problem = "approximate amount" if rule.field != "planned_participants" else "approximate count"
            if value and value not in seen:
                seen.add(value)
                out.append(Candidate(rule.field, None if problem else value, evidence, rule.rule, problem))
            m = rule.pattern.search(prose, m.end()) if m.end() > m.start() else None
    return out
