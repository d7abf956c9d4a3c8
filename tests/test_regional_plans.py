"""read_regional_plan / extract_regional_priorities: region/county blocks of the regional ESF
plans, one table row per page shape (the sentences are our own)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.kinds.regional_plans import (
    counties_in_prose, county_name, extract_regional_priorities, parse_counties, read_regional_plan, split_items,
)
from pipeline.models import Page
from pipeline.process import process_page

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
    ("Jämtlands och Västernorrlands län", ["Jämtlands län", "Västernorrlands län"]),
    ("Sörmlands och Östergötlands län", ["Södermanlands län", "Östergötlands län"]),
    ("(se nedan)", []),
    ("(Hallands och Norges län)", []),
]


@pytest.mark.parametrize("line,expected", COUNTY_LINE_CASES)
def test_parse_counties(line: str, expected: list[str]) -> None:
    assert parse_counties(line) == expected


@pytest.mark.parametrize("text,expected", [
    ("Västmanlands län", "Västmanlands län"), ("Örebro län ", "Örebro län"), ("västmanland", "Västmanlands län"),
    ("Dalarna", "Dalarnas län"), ("Sörmland", "Södermanlands län"), ("Jämtland Härjedalen", "Jämtlands län"),
    ("Oslo", None),
])
def test_county_name(text: str, expected: str | None) -> None:
    assert county_name(text) == expected


# a label's value written on one line: split into items only when it is clearly a list
SPLIT_CASES = [
    ("a, b och c", ["a", "b", "c"]),
    ("långtidsarbetslösa, nyanlända kvinnor och unga vuxna", ["långtidsarbetslösa", "nyanlända kvinnor", "unga vuxna"]),
    ("pendlare, deltidsanställda, egenföretagare", ["pendlare", "deltidsanställda", "egenföretagare"]),
    ("kartläggning, handledning samt kortare kurser.", ["kartläggning", "handledning", "kortare kurser"]),
    ("äldre arbetslösa; personer med sjukersättning", ["äldre arbetslösa", "personer med sjukersättning"]),
    # "och" inside an item after a preposition: not a cut
    ("kortutbildade, utrikes födda, anställda inom vård och omsorg",
     ["kortutbildade", "utrikes födda", "anställda inom vård och omsorg"]),
    ("unga, personer med funktionsnedsättning och nyanlända", ["unga", "personer med funktionsnedsättning och nyanlända"]),
    ("anställda inom vård, skola och omsorg", ["anställda inom vård, skola och omsorg"]),
    ("chefer i handeln, industrin och skogen", ["chefer i handeln, industrin och skogen"]),
    # not a list: no comma, an explanation after the comma, long clauses, commas inside parentheses
    ("kvinnor och män i glesbygd", ["kvinnor och män i glesbygd"]),
    ("utrikes födda, särskilt de som saknar gymnasieutbildning", ["utrikes födda, särskilt de som saknar gymnasieutbildning"]),
    ("nyanlända, allt från flyktingar till anhöriginvandrare", ["nyanlända, allt från flyktingar till anhöriginvandrare"]),
    ("arbetslösa, bland annat unga", ["arbetslösa, bland annat unga"]),
    ("unga (16, 17 och 18 år) i gymnasiet", ["unga (16, 17 och 18 år) i gymnasiet"]),
    ("personer som varit sjukskrivna länge och som behöver stöd för att återgå i arbete, deras chefer",
     ["personer som varit sjukskrivna länge och som behöver stöd för att återgå i arbete, deras chefer"]),
]


@pytest.mark.parametrize("value,expected", SPLIT_CASES)
def test_split_items(value: str, expected: list[str]) -> None:
    assert split_items(value) == expected


def H(region: str, period: str = "2021-2027") -> str:
    """The title line of one region's action plan."""
    return f"Regional handlingsplan för {region} {period}\n\n"


Row = tuple[str, Any, Any, Any]  # (region, counties, target_groups, measures)

# one row per page shape: (id, text, expected rows)
LAYOUT_CASES: list[tuple[str, str, list[Row]]] = [
    # --- overview pages: a heading per region -------------------------------------------
    ("overview-parens-inline-bullets",
     "Övre Norrland\n\n(Västerbottens och Norrbottens län)\n\nMålgrupper: kvinnor\nPrioriterade åtgärder:\n- validering\n- coachning",
     [("Övre Norrland", ["Västerbottens län", "Norrbottens län"], ["kvinnor"], ["validering", "coachning"])]),
    ("overview-glued-link",
     "Stockholm\nMålgrupper: unga\nÅtgärder:\n- a\n\nLäs mer om Stockholms prioriteringarSydsverige\nMålgrupper: vuxna\nÅtgärder:\n- b",
     [("Stockholm", None, ["unga"], ["a"]), ("Sydsverige", None, ["vuxna"], ["b"])]),
    ("overview-next-line-value-wrapped-bullet",
     "Småland & Öarna\nMålgrupper:\n personer i utanförskap\nPrioriterade åtgärder:\n- kontakter för personer som riskerar att\nhamna i utanförskap\n- entreprenörskap,",
     [("Småland och öarna", None, ["personer i utanförskap"],
       ["kontakter för personer som riskerar att hamna i utanförskap", "entreprenörskap"])]),
    ("overview-county-blocks",
     "Östra Mellansverige\n(Uppsala, Örebro län)\nOlika län:\n\nUppsala län\nMålgrupper: a\nÅtgärder:\n- x\n\nÖrebro län\nMålgrupper: b\nÅtgärder:\n- y",
     [("Östra Mellansverige", ["Uppsala län"], ["a"], ["x"]), ("Östra Mellansverige", ["Örebro län"], ["b"], ["y"])]),
    ("overview-bare-county-line",
     "Mellersta Norrland\nJämtlands och Västernorrlands län\nMålgrupper: unga, nyanlända och äldre\nInsatser:\n• mentorskap",
     [("Mellersta Norrland", ["Jämtlands län", "Västernorrlands län"], ["unga", "nyanlända", "äldre"], ["mentorskap"])]),
    # --- one region's action plan: inline labels ----------------------------------------
    ("plan-inline-list-genitive-prose",
     H("Norra Mellansverige", "2014-2020") + "Planen gäller för Värmlands, Dalarnas och Gävleborgs län.\n\n"
     "Målgrupper: långtidsarbetslösa, unga vuxna och kortutbildade\n\nPrioriterade åtgärder:\n- språkstöd\n- praktik",
     [("Norra Mellansverige", ["Värmlands län", "Dalarnas län", "Gävleborgs län"],
       ["långtidsarbetslösa", "unga vuxna", "kortutbildade"], ["språkstöd", "praktik"])]),
    ("plan-inline-commas-only",
     H("Småland och öarna") + "Medlen används i Jönköpings, Kronobergs, Kalmar, Gotlands län.\n"
     "Målgrupper: nyanlända, pendlare, egenföretagare\nInsatser: validering, mentorskap och studiebesök",
     [("Småland och öarna", ["Jönköpings län", "Kronobergs län", "Kalmar län", "Gotlands län"],
       ["nyanlända", "pendlare", "egenföretagare"], ["validering", "mentorskap", "studiebesök"])]),
    ("plan-inline-one-item",
     H("Övre Norrland") + "Målgrupp: unga som saknar fullständiga betyg\nPrioriterade insatser: tidiga insatser i skolan",
     [("Övre Norrland", None, ["unga som saknar fullständiga betyg"], ["tidiga insatser i skolan"])]),
    # --- labels with the value on the next line(s) --------------------------------------
    ("plan-next-line-list",
     H("Västsverige") + "Målgrupper:\nsjukskrivna, nyanlända och anställda i handeln\n\nÅtgärder:\n- coachning",
     [("Västsverige", None, ["sjukskrivna", "nyanlända", "anställda i handeln"], ["coachning"])]),
    ("plan-next-line-after-blank-wrapped",
     H("Sydsverige") + "Målgrupper:\n\npersoner som står långt\nfrån arbetsmarknaden\n\nDetta är en mening efteråt.",
     [("Sydsverige", None, ["personer som står långt från arbetsmarknaden"], None)]),
    ("plan-intro-with-colon-then-bullets",
     H("Stockholm") + "Prioriterade åtgärder:\nFöljande insatser prioriteras:\n- handledarutbildning\n- arbetsträning",
     [("Stockholm", None, None, ["handledarutbildning", "arbetsträning"])]),
    # --- bullets of every kind, blank lines between them --------------------------------
    ("plan-bullet-kinds",
     H("Östra Mellansverige") + "Insatser:\n\n• yrkessvenska\n\n* digital kompetens\n\n1. arbetsplatslärande\n2) uppsökande arbete",
     [("Östra Mellansverige", None, None, ["yrkessvenska", "digital kompetens", "arbetsplatslärande", "uppsökande arbete"])]),
    ("plan-bullets-two-lists",
     H("Mellersta Norrland") + "Prioriterade målgrupper:\n- unga\n- äldre\nÅtgärder:\n– samverkan\n– validering\n\nMer text här.",
     [("Mellersta Norrland", None, ["unga", "äldre"], ["samverkan", "validering"])]),
    # --- headings without colon, after an introductory sentence -------------------------
    ("plan-heading-intro-bullets",
     H("Mellersta Norrland") + "Prioriterade områden\n\nTre områden har pekats ut som särskilt viktiga för regionen de kommande åren.\n\n"
     "  • Område 1: Kompetens i vården\n  • Område 2: Inkludering\n\nSlutligen en avslutande mening om planen.",
     [("Mellersta Norrland", None, None, ["Område 1: Kompetens i vården", "Område 2: Inkludering"])]),
    ("plan-heading-directly-bullets",
     H("Västsverige") + "Målgrupper\n- unga\n- nyanlända\n\nInsatser\n- matchning",
     [("Västsverige", None, ["unga", "nyanlända"], ["matchning"])]),
    ("plan-heading-then-other-heading",
     H("Sydsverige") + "Prioriteringar\n\nAktuellt\n- Ny utlysning öppnar i höst\n- Seminarium om planen",
     [("Sydsverige", None, None, None)]),
    # --- counties: authorities, whole region, partial, outside ---------------------------
    ("plan-counties-region-authorities",
     H("Norra Mellansverige") + "Planen togs fram med Region Värmland, Region Dalarna och Region Gävleborg.\n"
     "Målgrupper: unga",
     [("Norra Mellansverige", ["Värmlands län", "Dalarnas län", "Gävleborgs län"], ["unga"], None)]),
    ("plan-counties-single-county-region",
     H("Stockholm") + "Insatserna ska göras i Stockholms län.\nMålgrupper: nyanlända",
     [("Stockholm", ["Stockholms län"], ["nyanlända"], None)]),
    ("plan-counties-two-sentences",
     H("Västsverige") + "I Hallands län är många unga arbetslösa. I Västra Götalands län saknas vårdpersonal.\n"
     "Målgrupper: unga",
     [("Västsverige", ["Hallands län", "Västra Götalands län"], ["unga"], None)]),
    ("plan-counties-partial",
     H("Västsverige") + "Arbetslösheten har ökat i Västra Götalands län.\nMålgrupper: unga",
     [("Västsverige", None, ["unga"], None)]),
    ("plan-counties-other-region-ignored",
     H("Övre Norrland") + "Planen gäller Västerbottens och Norrbottens län, men inte Stockholms län.\nMålgrupper: unga",
     [("Övre Norrland", ["Västerbottens län", "Norrbottens län"], ["unga"], None)]),
    ("overview-county-line-outside-region",
     "Sydsverige\n(Hallands och Västra Götalands län)\nMålgrupper: unga",
     [("Sydsverige", None, ["unga"], None)]),
    # --- what is not a plan block ---------------------------------------------------------
    ("project-fact-block", "Region\nSydsverige\nProgramområde\n1\n\nProjektet ska hjälpa unga.", []),
    ("prose-only", "Ingen region nämns här.", []),
    ("empty", "", []),
]


@pytest.mark.parametrize("text,expected", [pytest.param(t, e, id=i) for i, t, e in LAYOUT_CASES])
def test_layouts(text: str, expected: list[Row]) -> None:
    rows = extract_regional_priorities(text)
    assert [(r["region"], r["counties"], r["target_groups"], r["measures"]) for r in rows] == expected


# sections: [] when the section is there and empty, None when the page has none
SECTION_CASES = [
    (H("Västsverige") + "Målgrupper:\n\nÅtgärder:\n- praktik", [], ["praktik"]),
    (H("Västsverige") + "Målgrupper:\nÅtgärder:", [], []),
    (H("Västsverige") + "Åtgärder:\n- praktik", None, ["praktik"]),
    (H("Västsverige") + "Här finns ingen lista alls.", None, None),
    (H("Västsverige") + "Insatser\n\nKontakt", None, None),  # a heading without anything under it
]


@pytest.mark.parametrize("text,targets,measures", SECTION_CASES)
def test_empty_versus_absent(text: str, targets: list[str] | None, measures: list[str] | None) -> None:
    (row,) = extract_regional_priorities(text)
    assert (row["target_groups"], row["measures"]) == (targets, measures)


# nothing from menus, news teasers or banners around the plan's own content
NOISE_CASES = [
    # a menu of the regions above the plan does not move its content to the last menu item
    ("Stockholm\nÖstra Mellansverige\nSydsverige\n\n" + H("Övre Norrland") + "Målgrupper: unga",
     [("Övre Norrland", None, ["unga"], None)]),
    # a sentence starting like a label above the title does not hide the title
    ("Insatser för unga i hela landet\n" + H("Västsverige") + "Målgrupper: unga",
     [("Västsverige", None, ["unga"], None)]),
    # a list label before any title: the page is read as an overview, a plan title below does not count
    ("Stockholm\nMålgrupper: unga\n\nRegional handlingsplan för Sydsverige",
     [("Stockholm", None, ["unga"], None)]),
    # news teasers after the plan, under their own heading
    (H("Västsverige") + "Åtgärder:\n- praktik\n\nNyheter\n- Ny utlysning om kompetens\n- Beviljade projekt 2023",
     [("Västsverige", None, None, ["praktik"])]),
    # a cookie banner and a share line do not become items
    ("Vi använder kakor för att förbättra webbplatsen.\n" + H("Sydsverige") + "Insatser:\n- mentorskap\nDela sidan\n- Facebook",
     [("Sydsverige", None, None, ["mentorskap"])]),
    # "Insatser för unga" is a sentence, not the label
    (H("Sydsverige") + "Insatser för unga är viktiga i regionen.\n- inte en åtgärd",
     [("Sydsverige", None, None, None)]),
]


@pytest.mark.parametrize("text,expected", NOISE_CASES)
def test_noise_is_not_read(text: str, expected: list[Row]) -> None:
    rows = extract_regional_priorities(text)
    assert [(r["region"], r["counties"], r["target_groups"], r["measures"]) for r in rows] == expected


PROSE_COUNTY_CASES = [
    ("Planen omfattar Uppsala, Södermanlands, Östergötlands, Örebro och Västmanlands län.", "Östra Mellansverige",
     ["Uppsala län", "Södermanlands län", "Östergötlands län", "Örebro län", "Västmanlands län"], None),
    ("Region Skåne och Region Blekinge står bakom planen.", "Sydsverige", ["Skåne län", "Blekinge län"], None),
    ("Västra Götalandsregionen och Region Halland har skrivit planen.", "Västsverige",
     ["Västra Götalands län", "Hallands län"], None),
    ("Region Jämtland Härjedalen och Region Västernorrland deltar.", "Mellersta Norrland",
     ["Jämtlands län", "Västernorrlands län"], None),
    ("Många pendlar till Örebro län.", "Östra Mellansverige", None, "plan_counties_partial"),
    ("Många pendlar till Örebro län.", "Stockholm", None, None),  # another region's county: a passing mention
    ("Ingen län nämns.", "Stockholm", None, None),
]


@pytest.mark.parametrize("text,region,expected,code", PROSE_COUNTY_CASES)
def test_counties_in_prose(text: str, region: str, expected: list[str] | None, code: str | None) -> None:
    counties, problem = counties_in_prose(text, region)
    assert counties == expected
    assert (problem.code if problem else None) == code


PERIOD_CASES = [
    (H("Västsverige", "2021–2027"), "2021-2027"),
    (H("Västsverige", "2014 - 2020"), "2014-2020"),
    (H("Västsverige", "2021–27"), "2021-2027"),
    ("Handlingsplan för Stockholm\nFörra perioden 2014-2020 och nu 2021–2027.", None),
    ("Handlingsplan för Stockholm\nPlanen antogs 2022.", None),
    ("Handlingsplan för Stockholm\nAndelen ökade 2019-20 med 2015-20%.", None),
]


@pytest.mark.parametrize("text,period", PERIOD_CASES)
def test_period(text: str, period: str | None) -> None:
    (row,) = extract_regional_priorities(text)
    assert row["programme_period"] == period


PLAN_CASES = [
    # single-region ESF+ action plan: objectives from definition lines, as written
    ("Västsveriges regionala handlingsplan 2021-2027\nPlanen utgår från särskilda mål VI och VII.\n"
     "*VI. Främja livslångt lärande för alla.\n*VII. Uppmuntra aktiv inkludering.",
     "Västsverige", "2021-2027", ["VI: Främja livslångt lärande för alla.", "VII: Uppmuntra aktiv inkludering."]),
    # objectives only mentioned: the code (named from the reference table where it has a name)
    ("Regional handlingsplan för Övre Norrland\nVi prioriterar särskilt mål VII.", "Övre Norrland", None, ["VII"]),
    ("Handlingsplan för Sydsverige\nInsatser inom särskilda mål IV, V och VII.", "Sydsverige", None, ["IV", "V", "VII"]),
    # a definition line without any mention of "särskilt mål", or nothing at all: None
    ("Handlingsplan för Stockholm\n*VI. Något som ser ut som en rubrik.", "Stockholm", None, None),
    ("Handlingsplan för Stockholm\nFörra perioden 2014-2020 och nu 2021–2027.", "Stockholm", None, None),
]


@pytest.mark.parametrize("text,region,period,objectives", PLAN_CASES)
def test_action_plans(text: str, region: str, period: str | None, objectives: list[str] | None) -> None:
    (row,) = extract_regional_priorities(text)
    assert (row["region"], row["programme_period"]) == (region, period)
    got = row["specific_objectives"]
    if objectives is None or ":" in objectives[0]:
        assert got == objectives
    else:
        assert [o.split(":")[0] for o in got] == objectives


def test_issues_of_a_page_reach_the_issue_table() -> None:
    text = H("Västsverige") + "Arbetslösheten har ökat i Västra Götalands län.\nMålgrupper: unga\n"
    result = process_page(Page("planer/vast.txt", "0" * 64, len(text), text))
    assert result.page_kind == "regional_plan"
    assert [(i.source_file, i.code, i.field) for i in result.issues] == [
        ("planer/vast.txt", "plan_counties_partial", "counties")]
    (row,) = result.rows["regional_priorities"]
    assert (row["source_file"], row["counties"], row["target_groups"]) == ("planer/vast.txt", None, ["unga"])


def test_county_line_outside_region_gives_an_issue() -> None:
    rows, issues = read_regional_plan("Sydsverige\n(Hallands och Västra Götalands län)\nMålgrupper: unga")
    assert rows[0]["counties"] is None
    assert [(i.code, i.evidence) for i in issues] == [
        ("plan_counties_outside_region", "(Hallands och Västra Götalands län)")]


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
    assert rows2[0]["counties"] is None  # the page names the region's strategy, not its counties
    rows4 = extract_regional_priorities(s4.read_text(encoding="utf-8"))
    assert len({r["region"] for r in rows4}) == 8
    assert sum(1 for r in rows4 if r["region"] == "Östra Mellansverige") == 5
    assert all(r["counties"] and r["measures"] for r in rows4)


LIST_COLUMNS = ("counties", "target_groups", "measures", "specific_objectives")


def _check_row(row: dict[str, Any]) -> None:
    assert set(row) == {"region", "programme_period", *LIST_COLUMNS}
    for c in LIST_COLUMNS:
        assert row[c] is None or (isinstance(row[c], list) and all(isinstance(x, str) and x for x in row[c]))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_never_raises(text: str) -> None:
    for row in extract_regional_priorities(text):
        _check_row(row)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "Västsverige", "(Hallands län)", "Målgrupper:", "Åtgärder:", "- punkt", "Örebro län", "", "hamna i",
    "Läs mer om Xs prioriteringarStockholm", "särskilt mål VI", "*VI. Text här", "2021-2027",
    "Regional handlingsplan för Sydsverige", "Insatser", "Målgrupper: a, b och c", "• punkt två",
    "Region Skåne och Region Blekinge", "Jämtlands och Västernorrlands län", "En inledande mening.",
]), max_size=20))
def test_never_raises_on_plan_like_lines(lines: list[str]) -> None:
    for row in extract_regional_priorities("\n".join(lines)):
        _check_row(row)
