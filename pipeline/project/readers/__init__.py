"""Readers: small, independent finders of field values, each giving candidates with evidence.

A reader never decides: it says "this text on the page looks like field F with value V (rule
R)", or "this text is about field F but its value cannot be used (problem P)". One resolver per
field (`pipeline/project/resolve.py`) keeps the candidate the page supports, or leaves the
field empty with an issue naming the candidates that disagree.

Reader families, one module each:
- `prose`    phrase patterns of data/prose_patterns.csv ("Projektägare är X", "varav Y från ESF")
- `english`  Kohesio and other English pages' labels ("Beneficiary", "EU contribution" in euro)
- `contacts` contact blocks ("Kontaktperson", a name, then phone and e-mail lines)
The fact block (label/value pairs) is read by `pipeline.project.fields.extract_fields` before
these readers run; its values outrank every candidate here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.layout.segment import Segmented


@dataclass(frozen=True)
class Candidate:
    """One reading of one field: the value as written (None when unusable), where it came from."""

    field: str
    value: str | None
    evidence: str
    rule: str
    problem: str | None = None  # why the value cannot be used ("approximate amount", ...)


@dataclass(frozen=True)
class Outcome:
    """What a resolver did with one candidate (recorded only when asked: `python -m pipeline show`)."""

    candidate: Candidate
    chosen: bool
    reason: str  # why it was taken or why it lost, readable


def read_candidates(text: str, seg: Segmented, template: str) -> list[Candidate]:
    """Every reader's candidates for one page, in reader order (prose, English, contacts)."""
    from pipeline.project.readers import contacts, english, prose

    return [*prose.read(seg, template), *english.read(seg), *contacts.read(seg)]
