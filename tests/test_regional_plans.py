"""extract_regional_priorities: region/county blocks of the regional ESF plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.kinds.regional_plans import county_name, extract_regional_priorities, parse_counties

FX = Path(__file__).parent / "fixtures" / "issue4"
SEEDS = Path("/work/shared/seeds")

COUNTY_LINE_CASES = [
    ("(Hallands och Västragötalands län)", ["Hallands län", "Västra Götalands län"]),
    ("(Uppsala, Södermanlands, Östergötlands, Örebro, Västmanlands Län)",
     ["Uppsala län", "Södermanlands län", "Östergötlands län", "Örebro län", "Västmanlands län"]),
    ("(Värmlands, Dalarnas och Gävleborgs län)", ["Värmlands län", "Dalarnas län", "Gävleborgs län"]),
    ("(Blekinge och Skåne län)", ["Blekinge län", "Skåne län"]),
    ("(Skåne och Blekinge)", ["Skåne län", "Blekinge län"]),
    ("(Stockholms län)", ["Stockholms län"]),
    ("(Jönköpings, Kronobergs, Kalmar och Gotlands län)",
     ["Jönköpings län", "Kronobergs län", "Kalmar län", "Gotlands län"]),
    ("(se nedan)", []),
    ("(Hallands och Norges län)", []),
]


@pytest.mark.parametrize("line,expected", COUNTY_LINE_CASES)
def test_parse_counties(line: str, expected: list[str]) -> None:
    assert parse_counties(line) == expected


@pytest.mark.parametrize("text,expected", [
    ("Västmanlands län", "Västmanlands län"), ("Örebro län ", "Örebro län"), ("västmanland", "Västmanlands län"),
    ("Dalarna", "Dalarnas län"), ("Oslo", None),
])
def test_county_name(text: str, expected: str | None) -> None:
    assert county_name(text) == expected


# one row per page shape: (text, expected [(region, counties, target_groups, measures)])
BLOCK_CASES = [
    # plain region heading, inline Målgrupper, "Prioriterade åtgärder:" bullets
    ("Övre Norrland\n\n(Västerbottens och Norrbottens län)\n\nMålgrupper: kvinnor\nPrioriterade åtgärder:\n- validering\n- coachning",
     [("Övre Norrland", ["Västerbottens län", "Norrbottens län"], ["kvinnor"], ["validering", "coachning"])]),
    # heading glued to the previous block's "Läs mer om ..." link
    ("Stockholm\nMålgrupper: unga\nÅtgärder:\n- a\n\nLäs mer om Stockholms prioriteringarSydsverige\nMålgrupper: vuxna\nÅtgärder:\n- b",
     [("Stockholm", [], ["unga"], ["a"]), ("Sydsverige", [], ["vuxna"], ["b"])]),
    # Målgrupper value on the next line, wrapped bullet, trailing comma
    ("Småland & Öarna\nMålgrupper:\n personer i utanförskap\nPrioriterade åtgärder:\n- kontakter för personer som riskerar att\nhamna i utanförskap\n- entreprenörskap,",
     [("Småland och öarna", [], ["personer i utanförskap"],
       ["kontakter för personer som riskerar att hamna i utanförskap", "entreprenörskap"])]),
    # county blocks inside a region; the region's own intro block gives no row
    ("Östra Mellansverige\n(Uppsala, Örebro län)\nOlika län:\n\nUppsala län\nMålgrupper: a\nÅtgärder:\n- x\n\nÖrebro län\nMålgrupper: b\nÅtgärder:\n- y",
     [("Östra Mellansverige", ["Uppsala län"], ["a"], ["x"]), ("Östra Mellansverige", ["Örebro län"], ["b"], ["y"])]),
    # a project page's fact block: a lone region value line is not a plan block
    ("Region\nSydsverige\nProgramområde\n1\n\nProjektet ska hjälpa unga.", []),
    # a region named only in prose, no plan shape
    ("Ingen region nämns här.", []),
    ("", []),
]


@pytest.mark.parametrize("text,expected", BLOCK_CASES)
def test_blocks(text: str, expected: list[tuple[str, list[str], list[str], list[str]]]) -> None:
    rows = extract_regional_priorities(text)
    assert [(r["region"], r["counties"], r["target_groups"], r["measures"]) for r in rows] == expected


PLAN_CASES = [
    # single-region ESF+ action plan: objectives from definition lines
    ("Västsveriges regionala handlingsplan 2021-2027\nPlanen utgår från särskilda mål VI och VII.\n"
     "*VI. Främja livslångt lärande för alla.\n*VII. Uppmuntra aktiv inkludering.",
     "Västsverige", "2021-2027", ["VI: Främja livslångt lärande för alla.", "VII: Uppmuntra aktiv inkludering."]),
    # objectives only mentioned: names from the reference table
    ("Regional handlingsplan för Övre Norrland\nVi prioriterar särskilt mål VII.", "Övre Norrland", None,
     ["VII: Uppmuntra till aktiv inkludering"]),
    # two periods mentioned: no period
    ("Handlingsplan för Stockholm\nFörra perioden 2014-2020 och nu 2021–2027.", "Stockholm", None, []),
]


@pytest.mark.parametrize("text,region,period,objectives", PLAN_CASES)
def test_action_plans(text: str, region: str, period: str | None, objectives: list[str]) -> None:
    rows = extract_regional_priorities(text)
    assert len(rows) == 1
    assert (rows[0]["region"], rows[0]["programme_period"], rows[0]["specific_objectives"]) == (region, period, objectives)


@pytest.mark.parametrize("name", sorted(p.stem for p in FX.glob("regional_*.txt")))
def test_golden_regional_pages(name: str) -> None:
    expected = json.loads((FX / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert extract_regional_priorities((FX / f"{name}.txt").read_text(encoding="utf-8")) == expected


def test_overview_has_eight_regions_and_five_counties_in_ostra_mellansverige() -> None:
    rows = extract_regional_priorities((FX / "regional_overview.txt").read_text(encoding="utf-8"))
    assert len({r["region"] for r in rows}) == 8
    om = [r["counties"] for r in rows if r["region"] == "Östra Mellansverige"]
    assert sorted(c for cs in om for c in cs) == sorted(
        ["Västmanlands län", "Örebro län", "Östergötlands län", "Uppsala län", "Södermanlands län"])
    assert all(len(cs) == 1 for cs in om)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed pages not available")
def test_seed_pages() -> None:
    (s2,) = SEEDS.glob("002_*.txt")
    (s4,) = SEEDS.glob("004_*.txt")
    rows2 = extract_regional_priorities(s2.read_text(encoding="utf-8"))
    assert [(r["region"], r["programme_period"]) for r in rows2] == [("Västsverige", "2021-2027")]
    assert [o.split(":")[0] for o in rows2[0]["specific_objectives"]] == ["VI", "VII"]
    rows4 = extract_regional_priorities(s4.read_text(encoding="utf-8"))
    assert len({r["region"] for r in rows4}) == 8
    assert sum(1 for r in rows4 if r["region"] == "Östra Mellansverige") == 5


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_never_raises(text: str) -> None:
    for row in extract_regional_priorities(text):
        assert set(row) == {"region", "counties", "target_groups", "measures", "programme_period",
                            "specific_objectives"}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "Västsverige", "(Hallands län)", "Målgrupper:", "Åtgärder:", "- punkt", "Örebro län", "", "hamna i",
    "Läs mer om Xs prioriteringarStockholm", "särskilt mål VI", "*VI. Text här", "2021-2027",
]), max_size=20))
def test_never_raises_on_plan_like_lines(lines: list[str]) -> None:
    extract_regional_priorities("\n".join(lines))
