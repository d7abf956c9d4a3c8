"""Places through the whole page pipeline: list columns, project_municipalities rows, issues."""

from __future__ import annotations

from pipeline.models import Page
from pipeline.places import municipalities
from pipeline.process import process_page

HEAD = """Ett projekt i hela landet

ProgramområdeProgramområde 1 Kompetensförsörjning
ProjektägareExempelförbundet
Beviljat ESF-stöd1 000 000 kr
Total projektbudget2 000 000 kr
Projektperiod2012-01-01 till 2013-12-31
Region{region}

Sammanfattning

Projektet arbetar med kompetens. Personalen på arbetsmarknaden i Uppsala får stöd.

Kommun

"""


def _page(items: list[str], region: str = "Nationellt") -> Page:
    text = HEAD.format(region=region) + "\n".join(f"  • {i}" for i in items)
    return Page(source_file="p.txt", sha256="x", n_bytes=len(text), text=text)


def test_a_kommun_list_of_all_290_gives_exactly_the_290_codes() -> None:
    names = [m.kommun for m in municipalities()]
    r = process_page(_page(names))
    assert r.project is not None
    assert r.project["municipality_codes"] == [m.kommunkod for m in municipalities()]
    assert len(set(r.project["county_codes"])) == 21
    listed = [row for row in r.rows["project_municipalities"] if row["role"] == "listed"]
    assert len(listed) == 290


def test_prose_traps_are_not_municipalities() -> None:
    r = process_page(_page(["Eskilstuna"], region="Östra Mellansverige"))
    assert r.project is not None and r.project["municipalities"] == ["Eskilstuna"]
    codes = {row["kommunkod"] for row in r.rows["project_municipalities"]}
    assert "1440" not in codes  # Ale inside "Personalen"
    assert "1463" not in codes  # Mark inside "arbetsmarknaden"
    assert "1981" not in codes  # Sala inside "Uppsala"


def test_listed_municipality_outside_the_region_is_an_issue() -> None:
    r = process_page(_page(["Eskilstuna", "Kiruna"], region="Östra Mellansverige"))
    codes = [(i.code, i.field) for i in r.issues]
    assert ("municipality_outside_region", "municipalities") in codes
    assert any("Kiruna" in i.message for i in r.issues if i.code == "municipality_outside_region")


def test_unknown_list_item_is_an_issue_not_a_municipality() -> None:
    r = process_page(_page(["Eskilstuna", "Järvafältet"], region="Östra Mellansverige"))
    assert r.project is not None and r.project["municipalities"] == ["Eskilstuna"]
    assert any(i.code == "unknown_municipality" and "Järvafältet" in i.message for i in r.issues)


# The list columns' one meaning: [] = the page names none, None = unknown (the page is cut off
# before the Kommun list its layout always ends with).
COLON_PAGE = """Projekt Vägen framåt

Projektägare: Exempelföreningen
Diarienummer: 2016/00123
Beviljat ESF-stöd: 1 000 000 kr
Projektperiod: 2016-01-01 till 2017-12-31
Region: Nationellt

Sammanfattning

Projektet arbetar med kompetens för {who}.
"""


def _list_columns(text: str) -> tuple[object, ...]:
    r = process_page(Page(source_file="p.txt", sha256="x", n_bytes=len(text), text=text))
    assert r.project is not None
    return tuple(r.project[c] for c in ("municipalities", "municipality_codes", "counties", "county_codes"))


def test_a_page_cut_off_before_its_kommun_list_has_null_lists() -> None:
    text = HEAD.format(region="Östra Mellansverige").rsplit("Kommun", 1)[0]
    assert _list_columns(text) == (None, None, None, None)


def test_a_page_naming_no_place_has_empty_lists() -> None:
    assert _list_columns(COLON_PAGE.format(who="anställda")) == ([], [], [], [])
    assert _list_columns(COLON_PAGE.format(who="unga i Norrköping")) == (["Norrköping"], ["0581"], ["Östergötlands län"], ["05"])
