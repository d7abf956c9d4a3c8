"""split_sections / section_texts: known headings only, unheaded text is 'description'."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.layout.sections import KINDS, Section, section_texts, split_sections

# (heading line as written, expected kind) -- grouped by page family
HEADING_CASES = [
    # 2007-2013 / 2014-2020 esf.se bank pages
    ("Sammanfattning", "summary"),
    ("Bakgrund", "background"),
    ("Syfte", "purpose"),
    ("Mål", "objectives"),
    ("Målsättning", "objectives"),
    ("Målgrupp", "target_groups"),
    ("Målgrupper:", "target_groups"),
    ("Tillgänglighet för personer med funktionsnedsättning", "accessibility"),
    ("Transnationellt samarbete", "transnational"),
    ("Jämställdhet och likabehandling", "other"),
    ("Kommun", "other"),
    ("In English", "other"),
    # owner sites
    ("Syfte och mål", "objectives"),
    ("Projektets målgrupp", "target_groups"),
    ("Om projektet", "description"),
    ("  BAKGRUND  ", "background"),
]


@pytest.mark.parametrize("line,kind", HEADING_CASES)
def test_heading_starts_section(line: str, kind: str) -> None:
    secs = split_sections(f"{line}\nNågon text här.")
    assert [(s.kind, s.text) for s in secs] == [(kind, "Någon text här.")]


# lines that look short but are not headings: they stay inside the current section
NOT_HEADINGS = [
    "Nulägesanalys",  # sub-heading under Bakgrund
    "Målet är att fler ska få arbete.",
    "Mål 1 lyder så här",
    "Jämställdhet är viktigt för projektet och genomsyrar allt arbete vi gör i alla delar.",
]


@pytest.mark.parametrize("line", NOT_HEADINGS)
def test_other_lines_do_not_split(line: str) -> None:
    secs = split_sections(f"Bakgrund\nFörsta raden.\n{line}\nSista raden.")
    assert len(secs) == 1 and secs[0].kind == "background"
    assert line in secs[0].text


def test_unheaded_text_is_description() -> None:
    secs = split_sections("Projektet ska göra saker.\n\nMålgrupp\nUnga vuxna.")
    assert [(s.kind, s.heading) for s in secs] == [("description", None), ("target_groups", "Målgrupp")]


def test_inline_heading_is_one_line_section() -> None:
    # call/owner pages: "Målgrupp: ..." inline, followed by more prose of the same section
    secs = split_sections("Sammanfattning\nEtt.\nMålgrupp: Alla anställda.\nTvå.")
    assert [(s.kind, s.text) for s in secs] == [
        ("summary", "Ett."), ("target_groups", "Alla anställda."), ("summary", "Två."),
    ]


def test_empty_sections_are_dropped() -> None:
    assert split_sections("In English\n\nSammanfattning\n\nText.") == [Section("Sammanfattning", "summary", "Text.")]


@pytest.mark.parametrize(
    "body,expected",
    [
        ("Sammanfattning\nS.\nBakgrund\nB.\nSyfte\nP.\nMål\nM.\nMålgrupp\nT.",
         {"summary": "S.", "background": "B.", "objectives_text": "P.\n\nM.", "target_groups_text": "T."}),
        # newer pages: no headings at all -> the description is the summary
        ("Bara en beskrivning.", {"summary": "Bara en beskrivning.", "background": None,
                                  "objectives_text": None, "target_groups_text": None}),
        ("", {"summary": None, "background": None, "objectives_text": None, "target_groups_text": None}),
    ],
)
def test_section_texts(body: str, expected: dict[str, str | None]) -> None:
    assert section_texts(split_sections(body)) == expected


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_split_sections_never_raises(text: str) -> None:
    secs = split_sections(text)
    assert all(s.kind in KINDS and s.text for s in secs)
    section_texts(secs)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Sammanfattning", "Mål", "Målgrupp: x", "- punkt", "1) ett", "", "Text."]) | st.text()))
def test_split_sections_never_raises_on_page_like_lines(lines: list[str] | str) -> None:
    text = "\n".join(lines) if isinstance(lines, list) else lines
    split_sections(text)
