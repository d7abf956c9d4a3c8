"""Table-driven tests for pipeline.segment: each page layout as a small page string."""

from __future__ import annotations

import pytest

from pipeline.segment import find_lists, is_boilerplate, segment

P = pytest.param

GLUED = "\n".join([
    "Jobbvägen Sörmland",
    "Diarienummer2016/00123",
    "ProjektägareRegionförbundet Sörmland",
    "RegionÖstra Mellansverige",
    "Beviljat ESF-stöd2 761 412 kr",
    "Regionförbundet Sörmland driver projektet tillsammans med kommunerna.",
])
COLON_EMPTY = "\n".join([
    "Stärkt lärande",
    "Projektnummer:",
    "22-017-S04",
    "Projektägare:",
    "Kommunförbundet Norrbotten",
    "Startdatum:",
    "Slutdatum:",
    "Beviljat ESF+-stöd:",
    "3 000 000 kr",
])
PLAIN = "\n".join([
    "Unga i arbete",
    "Diarienummer",
    "2018/00456",
    "Projektägare",
    "Arbetsförmedlingen",
    "Region",
    "Västsverige",
])
INLINE_BULLETS = "\n".join([
    "Projekt Framtid",
    "• Specifikt mål: A1",
    "• Projektägare: Göteborgs stad",
    "• Projektperiod: 2022-01-01 till 2024-12-31",
])
PROSE_ONLY = "\n".join([
    "Nyheter",
    "Regionförbundet Sörmland har fått pengar för ett nytt projekt.",
    "Region Sörmland välkomnar beslutet.",
])

SEGMENT = [
    # old project bank (glued labels); the prose line 'Regionförbundet ...' is no Region field
    P(GLUED, "glued", [
        ("diarienummer", "2016/00123"), ("owner", "Regionförbundet Sörmland"),
        ("region", "Östra Mellansverige"), ("eu_grant_sek", "2 761 412 kr"),
    ], id="old-bank-glued"),
    # new bank (Label: / next line); empty 'Startdatum:'/'Slutdatum:' directly followed by the next label
    P(COLON_EMPTY, "colon", [
        ("diarienummer", "22-017-S04"), ("owner", "Kommunförbundet Norrbotten"),
        ("start_date", ""), ("end_date", ""), ("eu_grant_sek", "3 000 000 kr"),
    ], id="new-bank-colon-empty-labels"),
    # bank pages with colon-less labels
    P(PLAIN, "plain", [
        ("diarienummer", "2018/00456"), ("owner", "Arbetsförmedlingen"), ("region", "Västsverige"),
    ], id="plain-labels"),
    # owners' own sites: inline 'Label: value' in bullets
    P(INLINE_BULLETS, "inline", [
        ("specific_objective", "A1"), ("owner", "Göteborgs stad"),
        ("period", "2022-01-01 till 2024-12-31"),
    ], id="owner-inline-bullets"),
    # news/press releases (traps): prose that starts with a label word
    P(PROSE_ONLY, None, [], id="trap-prose-region-words"),
    P("", None, [], id="trap-empty-page"),
]


@pytest.mark.parametrize(("page", "layout", "pairs"), SEGMENT)
def test_segment(page: str, layout: str | None, pairs: list[tuple[str, str]]) -> None:
    seg = segment(page)
    assert seg.layout == layout
    assert [(p.field, p.value) for p in seg.pairs] == pairs


def test_prose_regionforbundet_line_stays_prose() -> None:
    seg = segment(GLUED)
    assert seg.values("region") == ["Östra Mellansverige"]
    prose = [ln for _, ln in seg.prose_lines()]
    assert any(ln.startswith("Regionförbundet Sörmland driver") for ln in prose)


def test_empty_colon_labels_do_not_steal_the_next_value() -> None:
    seg = segment(COLON_EMPTY)
    assert seg.has("start_date") and seg.has("end_date")
    assert seg.values("start_date") == [] and seg.values("end_date") == []
    assert seg.values("eu_grant_sek") == ["3 000 000 kr"]


FIND_LISTS = [
    P(["Kommun", "• Eskilstuna", "• Flen", "• Katrineholm", "Slut."],
      {"Kommun": ["Eskilstuna", "Flen", "Katrineholm"]}, id="kommun-bullets"),
    P(["Kommuner:", "", "- Luleå", "- Piteå"], {"Kommuner": ["Luleå", "Piteå"]}, id="colon-heading-dash-bullets"),
    P(["Vi arbetar med många.", "• Eskilstuna"], {}, id="trap-sentence-is-no-heading"),
    P(["Ingen lista här", "bara text"], {}, id="trap-no-bullets"),
]


@pytest.mark.parametrize(("lines", "expected"), FIND_LISTS)
def test_find_lists(lines: list[str], expected: dict[str, list[str]]) -> None:
    assert find_lists(lines) == expected


def test_segment_exposes_kommun_list() -> None:
    page = "Projekt X\nKommun\n• Eskilstuna\n• Flen\n• Katrineholm\n"
    assert segment(page).lists["Kommun"] == ["Eskilstuna", "Flen", "Katrineholm"]


BOILERPLATE = [
    P("Vi använder cookies för att förbättra webbplatsen", True, id="cookie-consent"),
    P("Cookies", True, id="cookie-banner"),
    P("Planerat driftstopp lördag 12 maj kl 8-12", True, id="driftstopp-banner"),
    P("Gå direkt till huvudinnehållet", True, id="skip-link"),
    P("Sidan senast uppdaterad: 2023-05-01", True, id="update-stamp"),
    P("Kohesio: discover EU projects", True, id="kohesio-header"),
    P("Projektet startar 2023", False, id="prose"),
    P("Regionförbundet Sörmland", False, id="owner-name"),
]


@pytest.mark.parametrize(("line", "expected"), BOILERPLATE)
def test_is_boilerplate(line: str, expected: bool) -> None:
    assert is_boilerplate(line) is expected
