"""extract_objectives: codes, goals and target groups from the sections of a project page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.project.objectives import extract_objectives
from pipeline.layout.sections import Section, section_texts, split_sections

FX = Path(__file__).parent / "fixtures" / "issue4"


def _rows(body: str, **kw: Any) -> list[tuple[str, str | None, str]]:
    args: dict[str, Any] = {"programme_area": None, "specific_objective": None, "period": None}
    args.update(kw)
    return [(r["kind"], r["code"], r["text"]) for r in extract_objectives(split_sections(body), **args)]


# (body, expected goal/target rows) -- one row per real-world shape
SENTENCE_CASES = [
    # aim sentences in a Sammanfattning (2014-2020 bank pages)
    ("Sammanfattning\nSyftet med förstudien är att samla aktörer. Det blir bra.",
     [("goal", None, "Syftet med förstudien är att samla aktörer.")]),
    ("Sammanfattning\nVi gör saker. Målet är att fler får jobb.", [("goal", None, "Målet är att fler får jobb.")]),
    # unheaded description with a glued connective ("Och dess Projektmålet är ...")
    ("Och dess Projektmålet är att nå 300 unga.", [("goal", None, "Och dess Projektmålet är att nå 300 unga.")]),
    ("Projektets övergripande mål är att minska avbrotten.",
     [("goal", None, "Projektets övergripande mål är att minska avbrotten.")]),
    ("Plug Ut syftar till att stärka skolorna.", [("goal", None, "Plug Ut syftar till att stärka skolorna.")]),
    # numbered directions (seed 003 shape) and bullets
    ("Arbetet har två inriktningar:\n1) Lära av andra.\n2) Bilda kluster.",
     [("goal", "1", "Lära av andra."), ("goal", "2", "Bilda kluster.")]),
    ("Det är viktigt att:\n• Öka fokus på jämställdhet\n• Sprida resultat",
     [("goal", None, "Öka fokus på jämställdhet"), ("goal", None, "Sprida resultat")]),
    # a bullet list introduced as target groups
    ("Projektets målgrupper:\n- Unga kvinnor\n- Unga män",
     [("target_group", None, "Unga kvinnor"), ("target_group", None, "Unga män")]),
    # target-group sentences
    ("Projektets målgrupp är anställda i kommunen.", [("target_group", None, "Projektets målgrupp är anställda i kommunen.")]),
    ("Målgruppen är unga 16-24 år.", [("target_group", None, "Målgruppen är unga 16-24 år.")]),
    ("Projektet riktar sig till arbetssökande ungdomar.",
     [("target_group", None, "Projektet riktar sig till arbetssökande ungdomar.")]),
    # Målgrupp section: each item, or the paragraph
    ("Målgrupp\n- Unga\n- Nyanlända", [("target_group", None, "Unga"), ("target_group", None, "Nyanlända")]),
    ("Målgrupp\nAnställda inom vården.", [("target_group", None, "Anställda inom vården.")]),
    # every sentence of a Målsättning section is a goal; quoted sentences stay whole
    ("Målsättning\nMål 1 lyder ”Alla ska lära. Alla ska jobba”. Vi tar fram en plan.",
     [("goal", None, "Mål 1 lyder ”Alla ska lära. Alla ska jobba”."), ("goal", None, "Vi tar fram en plan.")]),
    ("Mål\nArbetet sker i steg:\n1. Kartlägga\n2. Utbilda",
     [("goal", "1", "Kartlägga"), ("goal", "2", "Utbilda")]),
    # traps: aims in accessibility / transnational sections, Kommun lists, background prose
    ("Tillgänglighet\nMålet är att alla lokaler ska vara tillgängliga.", []),
    ("Transnationellt samarbete\nSyftet är att lära av Finland.", []),
    ("Kommun\n  • Flen\n  • Trosa", []),
    ("Bakgrund\nFör detta mål finns två strategier.", []),
    ("Arbetslösheten är hög.", []),
]


@pytest.mark.parametrize("body,expected", SENTENCE_CASES)
def test_goal_and_target_rows(body: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert _rows(body) == expected


_NAME_2_2 = "Underlätta etablering i arbetslivet och öka deltagandet för unga (15-24 år) kvinnor och män"
CODE_CASES = [
    # (programme_area, specific_objective, period, expected code rows)
    ("Programområde 2 Ökat arbetskraftsutbud", None, None, [("programme_area", "2", "Ökat arbetskraftsutbud")]),
    # the record's period decides; without it the pair is not used to guess one (the record
    # leaves the period empty when its evidence disagrees or the fund is not the ESF)
    # (2.2 exists in one programme only: its verified name needs no period)
    ("2", "2.2", None, [("programme_area", "2", None), ("specific_objective", "2.2", _NAME_2_2)]),
    ("2", "2.2", "2014-2020", [("programme_area", "2", "Öka övergångarna till arbete"),
                               ("specific_objective", "2.2", _NAME_2_2)]),
    ("2", None, None, [("programme_area", "2", None)]),  # period unknown: no name
    ("2", None, "2014-2020", [("programme_area", "2", "Öka övergångarna till arbete")]),
    ("A", "A1A", None, [("programme_area", "A", "Öka möjligheten till ett inkluderande och hållbart arbetsliv för alla"),
                        ("specific_objective", "A1A", None)]),  # A1A: code attested, no source names it
    ("1.1 Kompetensförsörjning", None, None, [("programme_area", "1", "Kompetensförsörjning")]),
    ("C", "C1", None, [("programme_area", "C", "Minska risken för ekonomisk utsatthet"),
                       ("specific_objective", "C1", None)]),
    (None, None, None, []),
]


@pytest.mark.parametrize("area,objective,period,expected", CODE_CASES)
def test_code_rows(area: str | None, objective: str | None, period: str | None,
                   expected: list[tuple[str, str | None, str | None]]) -> None:
    assert _rows("", programme_area=area, specific_objective=objective, period=period) == expected


def test_positions_are_page_order() -> None:
    rows = extract_objectives(split_sections("Målgruppen är unga.\n1) Ett.\n2) Två."),
                              programme_area="3", specific_objective="3.1", period=None)
    assert [r["position"] for r in rows] == list(range(len(rows)))
    assert [r["kind"] for r in rows] == ["programme_area", "specific_objective", "target_group", "goal", "goal"]


@pytest.mark.parametrize("name", ["project_bank_glued_body", "project_bank_colon_body"])
def test_golden_project_pages(name: str) -> None:
    expected = json.loads((FX / f"{name}.expected.json").read_text(encoding="utf-8"))
    secs = split_sections((FX / f"{name}.txt").read_text(encoding="utf-8"))
    assert [[s.kind, s.heading] for s in secs] == expected["sections"]
    assert section_texts(secs) == expected["section_texts"]
    assert extract_objectives(secs, **expected["input"]) == expected["rows"]


def test_glued_page_goal_rows_come_from_malsattning() -> None:
    secs = split_sections((FX / "project_bank_glued_body.txt").read_text(encoding="utf-8"))
    goals = [r["text"] for r in extract_objectives(secs, programme_area=None, specific_objective=None, period=None)
             if r["kind"] == "goal"]
    assert "Förstudien ska ta fram en plan för gemensamma ansökningar." in goals


_KINDS = st.sampled_from(["summary", "background", "purpose", "objectives", "target_groups",
                          "accessibility", "transnational", "description", "other"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.builds(Section, st.none() | st.text(max_size=20), _KINDS, st.text(max_size=300)), max_size=4),
       st.none() | st.text(max_size=30), st.none() | st.text(max_size=10),
       st.none() | st.sampled_from(["2007-2013", "2014-2020", "2021-2027"]))
def test_extract_objectives_never_raises(sections: list[Section], area: str | None, objective: str | None,
                                          period: str | None) -> None:
    rows = extract_objectives(sections, programme_area=area, specific_objective=objective, period=period)
    assert [r["position"] for r in rows] == list(range(len(rows)))
    assert all(r["kind"] in {"programme_area", "specific_objective", "goal", "target_group"} for r in rows)
