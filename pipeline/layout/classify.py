"""Classification: what kind of page this is (project, call, regional_plan, other) and which
layout (template) it uses. Signals are regular expressions in data/page_signals.csv.

The layout never decides the programme period; it only tells the extractor where to look.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.kinds.call_readers import call_evidence, listed_calls
from pipeline.models import PageKind, Template
from pipeline.resources import data_file
from pipeline.text.prefilter import Finder, any_line_matches, finder
from pipeline.layout.segment import Segmented, is_boilerplate
from pipeline.layout.kind_evidence import gather

PROJECT_FIELDS = {
    "diarienummer", "owner", "contact_name", "contact_email", "period", "start_date", "end_date",
    "total_budget_sek", "eu_grant_sek", "other_fund_grant_sek", "programme_area",
    "specific_objective", "planned_participants", "eu_cofinancing_rate_pct", "intervention_type",
    "eu_contribution", "phase",
}
ESFPLUS_LABELS = {"fund", "programme_cci", "nuts2", "country"}


@dataclass(frozen=True)
class Classification:
    page_kind: PageKind
    template: Template
    reason: str  # one line saying why, for the manifest of skipped pages
    evidence: str = ""  # what decided the kind, readable (pages.parquet kind_evidence)
    title: str | None = None  # the project's name, when the evidence found it


@lru_cache(maxsize=1)
def signals() -> dict[str, re.Pattern[str]]:
    with open(data_file("page_signals.csv"), encoding="utf-8", newline="") as fh:
        return {row["signal"]: re.compile(row["pattern"], re.MULTILINE) for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def signal_finders() -> dict[str, Finder]:
    """Per signal, its pattern with the literal shortcuts of prefilter.py."""
    return {name: finder(pat) for name, pat in signals().items()}


def _found(name: str, text: str) -> bool:
    """Whether signal `name` occurs in `text` (a page without its literals is not scanned)."""
    return signal_finders()[name].search(text) is not None


def _has_facts_heading(seg: Segmented) -> bool:
    """A line that is an owner site's fact box heading ('Projektfakta')."""
    f = signal_finders()["facts_heading"]
    return any_line_matches(f.pattern, f.needles, seg.lines)


def heading_lines(seg: Segmented, n: int = 4) -> list[str]:
    """The first few non-chrome lines: where a page says what it is."""
    out = []
    for ln in seg.lines:
        s = ln.strip()
        if s and not is_boilerplate(s):
            out.append(s)
            if len(out) >= n:
                break
    return out


FACT_GROUPS = (  # fields of a fact block, by the kind of fact they state
    ("owner", {"owner"}), ("period", {"period", "start_date", "end_date"}),
    ("money", {"total_budget_sek", "eu_grant_sek", "eu_contribution", "other_fund_grant_sek"}),
    ("participants", {"planned_participants"}),
)


def _with_facts(reason: str, fields: set[str]) -> str:
    """The template's reason and the kinds of facts its labels gave."""
    facts = [name for name, group in FACT_GROUPS if group & fields]
    return reason + (" (facts: " + ", ".join(facts) + ")" if facts else "")


def classify(text: str, seg: Segmented) -> Classification:
    cls = _classify(text, seg)
    if cls.evidence:
        return cls
    fields = {p.field for p in seg.pairs if p.value or p.field in {"start_date", "end_date"}}
    return Classification(cls.page_kind, cls.template, cls.reason, _with_facts(cls.reason, fields))


def _classify(text: str, seg: Segmented) -> Classification:
    fields = {p.field for p in seg.pairs if p.value or p.field in {"start_date", "end_date"}}
    project_fields = fields & PROJECT_FIELDS
    head = " ".join(heading_lines(seg, 3))
    has_call_amount = "call_amount_sek" in fields
    # cheap set tests before whole-page regex searches (same result, the searches are pure)
    if has_call_amount or (not {"owner", "eu_grant_sek"} & fields and _found("call_window", text)
                           and _found("call_heading", text)):
        listing = listed_calls(seg.pairs)
        if listing:
            return Classification("other", "call_list", listing)
        return Classification("call", "call_fields" if seg.layout else "call_prose",
                              "call for proposals (Utlyst belopp / application window)")
    if _found("regional_plan_heading", head):
        return Classification("regional_plan", "regional_plan", "regional action plan / priorities page")
    call_why = call_evidence(text, heading_lines(seg, 3), fields)
    if call_why:
        return Classification("call", "call_prose", call_why)
    if project_fields and _found("kohesio", text):
        return Classification("project", "kohesio", "Kohesio project page")
    if len(project_fields) >= 3:
        template: Template
        if seg.layout == "glued":
            template = "bank_glued"
        elif seg.layout == "colon":
            template = "bank_esfplus" if fields & ESFPLUS_LABELS else "bank_colon"
        elif seg.layout == "plain":
            template = "bank_plain"
        else:
            template = "owner_site" if _has_facts_heading(seg) else "fact_list"
        return Classification("project", template, "project fact block")
    labelled = {p.field for p in seg.pairs} & PROJECT_FIELDS
    if len(labelled) >= 3 and not project_fields - {"start_date", "end_date"}:
        return Classification("project", "empty_fact_block", "project fact block has labels but no values")
    if _found("decision_letter", text) and _found("decision_project", text):
        return Classification("project", "decision_letter", "funding decision letter naming one project")
    if _has_facts_heading(seg) and _found("project_started", text):
        return Classification("project", "owner_site", "owner's own page with a fact box")
    ev = gather(text, seg)
    if ev.decision == "project":
        return Classification("project", ev.template, "project page by evidence", ev.summary, ev.title)
    return Classification("other", ev.template, "not a project, call or regional plan page", ev.summary)
