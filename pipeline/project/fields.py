"""Field extraction: raw field values (strings as written) from a segmented project page.

Bank templates give their values through the label/value pairs; owners' own sites, Kohesio
and decision letters add the readers of project/readers/ (prose patterns, English labels,
contact blocks), whose candidates project/resolve.py settles field by field. Nothing here converts
types: that is normalise.py's job, so that every dropped value can be reported with the text
it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.layout.classify import Classification
from pipeline.layout.kind_evidence import not_a_title, page_heading, strip_id
from pipeline.models import Issue, issue
from pipeline.project.readers import Candidate, Outcome, read_candidates
from pipeline.project.readers.contacts import PHONE
from pipeline.project.readers.contacts import read as read_contacts
from pipeline.project.readers.prose import prose_finders, prose_patterns  # noqa: F401 (the patterns' home)
from pipeline.project.resolve import resolve_candidates, resolve_contacts
from pipeline.layout.segment import Segmented, is_boilerplate

HEADING_ID = re.compile(r"^(?P<id>\d{4}/\d{5}|\d{2}-\d{3}-[A-Z]\d{2})\s+[-–]\s+(?P<title>.+)$")
BANK_TEMPLATES = {"bank_glued", "bank_colon", "bank_esfplus", "bank_plain"}


@dataclass
class RawProject:
    """Field -> value as written, plus where each came from (for evidence in issues)."""

    values: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    extra: list[tuple[str, str, str]] = field(default_factory=list)  # (field, label, value): the rest of the block
    list_items: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class FieldTrace:
    """Where each raw value came from and what became of every candidate, filled in by
    `extract_fields` only when asked (`python -m pipeline show`)."""

    rules: dict[str, str] = field(default_factory=dict)  # field -> the rule that gave its value
    outcomes: list[Outcome] = field(default_factory=list)  # the candidates, taken or lost, and why


def _first_content_line(lines: list[str], start: int = 0, stop: int | None = None, max_len: int = 150) -> str | None:
    for ln in lines[start:stop]:
        s = ln.strip()
        if s and not is_boilerplate(s) and len(s) <= max_len:
            return s
    return None


def _title(seg: Segmented, cls: Classification) -> str | None:
    if cls.title:
        return cls.title  # the name the page-kind evidence found (classify.py)
    lines = seg.lines
    if cls.template in {"bank_glued", "bank_plain"} and seg.first_fact_line is not None:
        for ln in reversed(lines[: seg.first_fact_line]):
            s = ln.strip()
            if s and not is_boilerplate(s):
                if not_a_title(s):  # a page header or a generic heading over the facts
                    head = _first_content_line(lines, stop=seg.first_fact_line)
                    return head if head and not not_a_title(head) else None
                return s
        return None
    if cls.template == "kohesio" and seg.last_fact_line is not None:
        # skip Kohesio's empty label headings and 'Managing authority: ...' lines
        for ln in lines[seg.last_fact_line + 1:]:
            s = ln.strip()
            if not s or is_boilerplate(s) or len(s) > 120:
                continue
            if not_a_title(s) or _SHORT_LABEL.match(s):
                continue
            return strip_id(s)
        return None
    first = _first_content_line(lines)
    if first and not_a_title(first):  # 'Om projektet', a question: the heading under it, if any
        return page_heading(lines)
    return first


_SHORT_LABEL = re.compile(r"^[A-Za-z][A-Za-z ]{0,30}: \S")  # 'Managing authority: ...'


def extract_fields(text: str, seg: Segmented, cls: Classification, trace: FieldTrace | None = None) -> RawProject:
    """All raw values of a project page, as written (with `trace`, also where each came from)."""
    raw = RawProject(list_items=dict(seg.lists))
    values, evidence, extra = raw.values, raw.evidence, raw.extra
    # 1. label/value pairs
    for p in seg.pairs:
        fld, value = p.field, p.value
        if fld not in _KNOWN_FIELDS or fld.startswith("other:"):
            extra.append((fld, p.label, value))
            continue
        if not value:
            continue
        old = values.get(fld)
        if old is None:  # (values and evidence are only set together here)
            values[fld] = value
            evidence[fld] = f"{p.label}: {value}"
            if trace is not None:
                trace.rules[fld] = f"fact block line {p.line + 1}: {p.label}"
        elif old != value:
            if trace is not None:
                trace.outcomes.append(Outcome(
                    Candidate(fld, value, f"{p.label}: {value}", f"fact block line {p.line + 1}: {p.label}"),
                    False, "a second, different id on the page: the field is left empty" if fld == "diarienummer"
                    else f"a second value for the field; the first, {old!r}, is kept"))
            if fld == "diarienummer":
                raw.issues.append(issue("conflicting_values", f"two different ids on the page: {old!r} and {value!r}",
                                        field="diarienummer", evidence=f"{p.label}: {value}"))
                values[fld] = ""  # ambiguous: normalise drops it
            continue
        if fld not in _CORE_FIELDS:
            extra.append((fld, p.label, value))
    # 2. title and the id written in the heading ("2020/00701 - Livslångt lärande")
    for ln in seg.lines[:12]:
        m = HEADING_ID.match(ln.strip())
        if m:
            if trace is not None:
                for fld in ("diarienummer", "title"):
                    if fld not in raw.values:
                        trace.rules[fld] = f"the id and name in the page's heading (line {seg.lines.index(ln) + 1})"
            raw.values.setdefault("diarienummer", m.group("id"))
            raw.evidence.setdefault("diarienummer", ln.strip())
            raw.values.setdefault("title", m.group("title").strip())
            break
    if "title" not in raw.values and cls.template != "decision_letter":
        t = _title(seg, cls)
        if t:
            raw.values["title"] = t
            raw.evidence["title"] = t
            if trace is not None:
                trace.rules["title"] = ("the project's name the page-kind evidence found" if cls.title
                                        else f"the page's heading (the {cls.template} layout's place for it)")
    # 3. readers for sites without a full fact block (prose, English labels, contact blocks):
    #    candidates with evidence, one resolver per field (project/resolve.py)
    outcomes = trace.outcomes if trace is not None else None
    if cls.template not in BANK_TEMPLATES:
        raw.issues.extend(resolve_candidates(raw.values, raw.evidence, read_candidates(text, seg, cls.template), outcomes))
    elif "contact_name" in raw.values:  # the block's contact: phone and e-mail on the lines below the name
        resolve_contacts(raw.values, raw.evidence, read_contacts(seg), outcomes)
    # the contact's phone may be written on the label's line with a second number: keep the first
    if "contact_phone" in raw.values:
        pm = PHONE.search(raw.values["contact_phone"])
        if pm and pm.group(0).strip() != raw.values["contact_phone"].strip():
            raw.values["contact_phone"] = pm.group(0).strip()
            if trace is not None:
                trace.rules["contact_phone"] = trace.rules.get("contact_phone", "") + " (its first phone number)"
    return raw


_CORE_FIELDS = {
    "diarienummer", "title", "owner", "owner_org_number", "contact_name", "contact_email",
    "contact_phone", "region", "nuts2", "programme_area", "specific_objective", "phase",
    "eu_grant_sek", "total_budget_sek", "eu_cofinancing_rate_pct", "start_date", "end_date",
    "period", "planned_participants", "intervention_type", "beneficiary_postcode", "fund",
    "programme_period", "eu_contribution", "other_fund_grant_sek", "call_id",
}
_KNOWN_FIELDS = _CORE_FIELDS | {
    "beneficiary_address", "beneficiary_town", "country", "programme_cci", "call_amount_sek",
    "secondary_theme_child_poverty", "strategic_importance", "owner_role", "theme",
}
