"""Resolvers: one per field, each keeps the candidate the page supports or none.

The rules, precision first (a wrong value is worse than a missing one):
- a value of the page's fact block (already in `RawProject.values`) outranks every candidate;
  candidates that say otherwise are reported (info), never taken;
- otherwise the field takes the readers' value when all usable candidates agree on it
  (compared as the field's type: kronor, dates, counts, names without case and spacing);
  when they disagree the field stays empty with an issue naming the candidates;
- a candidate the readers could not use (an approximate amount, an amount in euro, a month-only
  date) leaves an issue saying why; so does a candidate a field's check rejects (an owner that
  is a managing authority, a generic word or the page's contact person).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Hashable
from functools import lru_cache

from pipeline.models import Issue, issue
from pipeline.project.readers import Candidate, Outcome
from pipeline.project.readers.contacts import PERSON_NAME, contact_cues
from pipeline.resources import data_file
from pipeline.values.amounts import parse_amount
from pipeline.values.dates import parse_date, parse_period

_PCT = re.compile(r"\d{1,3}(?:[.,]\d+)?")
_DIGITS = re.compile(r"\d+")
# an owner as written in prose may go on with a clause: 'X, vars medlemmar är ...'
_OWNER_CLAUSE = re.compile(r",\s+(?:vars|som|där|med|och)\s.*$", re.DOTALL)


@lru_cache(maxsize=1)
def owner_rejects() -> dict[str, str]:
    """Casefolded text -> kind of names that are never an owner: 'authority' (a managing
    authority or the fund), 'generic' (a whole name that names nobody: 'Kommunen'),
    'first_word' (a subject that starts no organisation's name: 'Vi', 'Projektet')."""
    with open(data_file("owner_rejects.csv"), encoding="utf-8", newline="") as fh:
        return {row["text"].strip().casefold(): row["kind"] for row in csv.DictReader(fh)}


def owner_problem(name: str, persons: frozenset[str] = frozenset()) -> str | None:
    """Why a name read as the owner cannot be the owner, or None. `persons`: the casefolded
    names of the people the page gives as contacts."""
    s = " ".join(name.split())
    rejects = owner_rejects()
    kind = rejects.get(s.casefold())
    if kind == "authority":
        return "a managing authority or the fund, not the project's owner"
    if kind == "generic" or rejects.get(s.split(" ", 1)[0].casefold()) == "first_word":
        return "a generic word, not an organisation's name"
    if any(s.casefold().startswith(t + " ") for t, k in rejects.items() if k == "authority" and len(t) > 3):
        return "a managing authority or the fund, not the project's owner"
    if len(s) > 120 or len(s.split()) > 12:
        return "too long for an organisation's name"
    if s.casefold() in persons and PERSON_NAME.match(s) and not any(w in s.lower() for w in contact_cues()["org_word"] if len(w) > 3):
        return "a person's name (the page's contact), not an organisation"
    return None


def _text_key(v: str) -> Hashable:
    return " ".join(v.split()).casefold()


def _amount_key(v: str) -> Hashable:
    return parse_amount(v)


def _date_key(v: str) -> Hashable:
    return parse_date(v)


def _period_key(v: str) -> Hashable:
    return parse_period(v)


def _count_key(v: str) -> Hashable:
    s = v.replace(" ", "").replace("\u00a0", "")
    return int(s) if s.isdigit() else None


def _rate_key(v: str) -> Hashable:
    m = _PCT.search(v)
    return float(m.group(0).replace(",", ".")) if m else None


KEYS: dict[str, Callable[[str], Hashable]] = {
    "eu_grant_sek": _amount_key, "other_fund_grant_sek": _amount_key, "total_budget_sek": _amount_key,
    "start_date": _date_key, "end_date": _date_key, "period": _period_key,
    "planned_participants": _count_key, "eu_cofinancing_rate_pct": _rate_key,
}


def _problem(fld: str, c: Candidate) -> Issue:
    """The issue of a value a reader found but could not use (its `problem`): one code each."""
    message, evidence = f"{fld} left empty: {c.problem} ({c.rule})", c.evidence
    if c.problem == "approximate amount":
        return issue("approximate_amount", message, field=fld, evidence=evidence)
    if c.problem == "approximate count":
        return issue("approximate_count", message, field=fld, evidence=evidence)
    if c.problem == "amount in euro, not converted":
        return issue("amount_in_euro", message, field=fld, evidence=evidence)
    if c.problem == "month-only date":
        return issue("month_only_date", message, field=fld, evidence=evidence)
    if c.problem == "year-only date":
        return issue("unreadable_date", message, field=fld, evidence=evidence)
    return issue("unusable_value", message, field=fld, evidence=evidence)


def _unusable(c: Candidate, issues: list[Issue], persons: frozenset[str]) -> str | None:
    """Why a candidate with a value fails its field's check (an issue says so for an owner), or
    None when it passes."""
    if c.field == "owner" and c.value is not None:
        why = owner_problem(c.value, persons)
        if why:
            issues.append(issue("rejected_candidate", f"{c.value!r} not taken as owner: {why} ({c.rule})",
                                field="owner", evidence=c.evidence))
            return why
    if c.value is not None and c.field in KEYS and KEYS[c.field](c.value) in (None, (None, None)):
        return "unreadable as the field's type"  # normalise would drop it anyway
    return None


def resolve(values: dict[str, str], evidence: dict[str, str], candidates: list[Candidate],
            outcomes: list[Outcome] | None = None) -> list[Issue]:
    """Fill `values`/`evidence` (in place) from the candidates, one field at a time; with
    `outcomes`, also say there what became of every candidate and why."""
    issues: list[Issue] = []

    def lost(c: Candidate, reason: str) -> None:
        if outcomes is not None:
            outcomes.append(Outcome(c, False, reason))

    by_field: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_field.setdefault(c.field, []).append(c)
    if "owner" in values:  # a fact-block owner that goes on with a clause
        cut = _OWNER_CLAUSE.sub("", values["owner"]).strip()
        if cut and cut != values["owner"]:
            values["owner"] = cut
    persons = frozenset(" ".join(n.split()).casefold() for n in
                        [values.get("contact_name", ""), *(c.value or "" for c in by_field.get("contact_name", []))] if n)
    for fld, cands in by_field.items():
        key = KEYS.get(fld, _text_key)
        from_block = fld in values
        if not from_block:
            for c in cands:
                if c.problem:
                    issues.append(_problem(fld, c))
        good = []
        for c in cands:
            if c.value is None:
                lost(c, f"no usable value: {c.problem}")
                continue
            why = _unusable(c, issues, persons)
            if why is None:
                good.append(c)
            else:
                lost(c, why)
        if not good:
            continue
        if from_block:
            if fld in KEYS or fld == "owner":
                kept = key(values[fld])
                others = sorted({c.value for c in good if c.value is not None and key(c.value) != kept})
                if others:
                    issues.append(issue("other_candidates",
                                        f"fact block value {values[fld]!r} kept; the prose says {', '.join(map(repr, others))}",
                                        field=fld, evidence=evidence.get(fld)))
            for c in good:
                lost(c, f"the fact block gives {values[fld]!r}, which outranks every reader")
            continue
        keys = {key(c.value) for c in good if c.value is not None}
        if len(keys) > 1:
            named = "; ".join(f"{c.value!r} ({c.rule})" for c in good)
            issues.append(issue("conflicting_candidates", f"{fld} left empty: the page gives different values: {named}",
                                field=fld, evidence=good[0].evidence))
            for c in good:
                lost(c, "the candidates disagree, so the field stays empty")
            continue
        first = good[0]
        assert first.value is not None
        values[fld] = first.value
        evidence[fld] = first.evidence
        if outcomes is not None:
            outcomes.append(Outcome(first, True, "the only usable candidate" if len(good) == 1
                                    else f"all {len(good)} usable candidates agree; the first is kept"))
            for c in good[1:]:
                lost(c, "agrees with the kept candidate (the first in reader order)")
    return issues


def resolve_contacts(values: dict[str, str], evidence: dict[str, str], candidates: list[Candidate],
                     outcomes: list[Outcome] | None = None) -> None:
    """Phone and e-mail of a contact block only go with the block's own name."""
    name = values.get("contact_name")
    for c in candidates:
        if c.field in {"contact_phone", "contact_email"} and c.value and c.field not in values:
            if name and c.evidence.split("\n", 1)[0] == name:
                values[c.field] = c.value
                evidence[c.field] = c.evidence
                if outcomes is not None:
                    outcomes.append(Outcome(c, True, f"written under the contact's name {name!r}"))
            elif outcomes is not None:
                outcomes.append(Outcome(c, False, f"not written under the contact's name {name!r}" if name
                                        else "the page gives no contact name for it to go with"))
        elif outcomes is not None and c.field in {"contact_phone", "contact_email"}:
            outcomes.append(Outcome(c, False, f"no usable value: {c.problem or 'empty'}" if not c.value
                                    else f"the field already has {values[c.field]!r}"))


def resolve_candidates(values: dict[str, str], evidence: dict[str, str], candidates: list[Candidate],
                       outcomes: list[Outcome] | None = None) -> list[Issue]:
    """All fields: names, amounts, dates ... first, then the contact's phone and e-mail."""
    contact = {"contact_phone", "contact_email"}
    issues = resolve(values, evidence, [c for c in candidates if c.field not in contact], outcomes)
    resolve_contacts(values, evidence, candidates, outcomes)
    return issues
