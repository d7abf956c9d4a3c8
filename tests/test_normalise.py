"""Table-driven tests for pipeline.project.normalise: raw strings as written -> typed values + issues."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from pipeline.project.fields import RawProject
from pipeline.project.normalise import (
    assign_programme_period,
    clean_owner,
    normalise_project,
    owner_name,
    programme_area_code,
    project_key,
)

P = pytest.param

CLEAN_OWNER = [
    # old project bank (glued labels): name repeated after a comma
    P("Samordningsförbundet RAR Sörmland, Samordningsförbundet RAR",
      ("Samordningsförbundet RAR Sörmland", None), id="repeat-collapsed"),
    # the same name twice: organisation, and a unit named like it (kept as written)
    P("Kommunförbundet Halland, Kommunförbundet Halland",
      ("Kommunförbundet Halland", "Kommunförbundet Halland"), id="identical-repeat-unit"),
    P("Lunds kommun, LUNDS KOMMUN", ("Lunds kommun", "LUNDS KOMMUN"), id="identical-repeat-other-case"),
    P("Stiftelsen Ungt Forum,  Stiftelsen  Ungt Forum", ("Stiftelsen Ungt Forum", "Stiftelsen Ungt Forum"),
      id="identical-repeat-spacing"),
    # new bank: department after the organisation
    P("Region Västmanland, Regionala utvecklingsförvaltningen",
      ("Region Västmanland", "Regionala utvecklingsförvaltningen"), id="department-split"),
    # abbreviation + full name: no department, kept whole
    P("SKL, Sveriges kommuner och landsting", ("SKL, Sveriges kommuner och landsting", None), id="abbrev-kept-whole"),
    P("Göteborgs stad", ("Göteborgs stad", None), id="plain"),
    P("  Göteborgs   stad , ", ("Göteborgs stad", None), id="whitespace-and-trailing-comma"),
    P("", (None, None), id="empty"),
    P("Lunds kommun, Arbetsmarknadsavdelningen", ("Lunds kommun", "Arbetsmarknadsavdelningen"),
      id="compound-avdelning-split"),
]


@pytest.mark.parametrize(("text", "expected"), CLEAN_OWNER)
def test_clean_owner(text: str, expected: tuple[str | None, str | None]) -> None:
    assert clean_owner(text) == expected


# owner as written -> owner_name (the canonical spelling, for grouping), one row per shape
OWNER_NAME = [
    P("HUDDINGE KOMMUN", "Huddinge kommun", id="capitals-municipality"),
    P("Huddinge Kommun", "Huddinge kommun", id="capital-K"),
    P("Huddinge kommun", "Huddinge kommun", id="already-canonical"),
    P("Västerås Stad", "Västerås stad", id="capital-S"),
    P("ÖRNSKÖLDSVIKS KOMMUN", "Örnsköldsviks kommun", id="capitals-genitive"),
    P("SALA KOMMUN SALA KOMMUN", "Sala kommun", id="repeated-capitals"),
    P("Kalix kommun KALIX KOMMUN", "Kalix kommun", id="repeated-mixed-prefers-written-case"),
    P("REGION JÄMTLAND HÄRJEDALEN", "Region Jämtland Härjedalen", id="capitals-region"),
    P("SAMORDNINGSFÖRBUNDET ÖSTRA SÖDERTÖRN", None, id="capitals-unknown-long-word"),
    P("FOLKHÖGSKOLAN I KALMAR LÄN", "Folkhögskolan i Kalmar län", id="capitals-function-words"),
    P("ABF GÄVLE", "ABF Gävle", id="capitals-acronym-kept"),
    P("TCO", "TCO", id="one-word-acronym"),
    P("LÄNSSTYRELSEN I DALARNAS LÄN", "Länsstyrelsen i Dalarnas län", id="capitals-authority"),
    P("Stiftelsen Hemmet i Byn", "Stiftelsen Hemmet i Byn", id="mixed-case-kept"),
    P("socialförvaltningen i Kalmar kommun", "Socialförvaltningen i Kalmar kommun", id="first-letter-capital"),
    P("", None, id="empty"),
]


@pytest.mark.parametrize(("text", "expected"), OWNER_NAME)
def test_owner_name(text: str, expected: str | None) -> None:
    assert owner_name(text) == expected


AREA_CODE = [
    P("Programområde 2 Ökat arbetskraftsutbud", "2", id="0713-area-name"),
    P("1.1 Kompetensförsörjning", "1", id="1420-objective-prefix"),
    P("3 Sysselsättningsinitiativet för unga", "3", id="area-3"),
    P("C", "C", id="2127-letter"),
    P("Programområde C", "C", id="2127-programomrade-letter"),
    P("b Främja social inkludering", "B", id="lower-letter"),
    P("Ökade övergångar till arbete", None, id="name-only"),
    P("A1", None, id="objective-not-area"),
]


@pytest.mark.parametrize(("text", "expected"), AREA_CODE)
def test_programme_area_code(text: str, expected: str | None) -> None:
    assert programme_area_code(text) == expected


def test_project_key_is_the_diarienummer_when_known() -> None:
    assert project_key("2016/00123", "Jobbvägen", "Region X") == "2016/00123"


PROJECT_KEY_SAME = [
    P(("Jobb  Vägen", "Region X"), ("jobb vägen", "REGION X"), id="case-and-whitespace"),
    P(("Jobbvägen\n", " Region X "), ("Jobbvägen", "Region X"), id="newline-and-padding"),
]


@pytest.mark.parametrize(("a", "b"), PROJECT_KEY_SAME)
def test_project_key_stable_hash(a: tuple[str, str], b: tuple[str, str]) -> None:
    ka, kb = project_key(None, *a), project_key(None, *b)
    assert ka == kb
    assert ka.startswith("h:")
    assert ka == project_key(None, *a)  # deterministic


def test_project_key_differs_for_different_projects() -> None:
    assert project_key(None, "Jobbvägen", "Region X") != project_key(None, "Jobbvägen 2", "Region X")


def _normalise(values: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str | None, str]]]:
    """normalise_project then assign_programme_period, as the page stage runs them."""
    raw = RawProject(values=dict(values))
    values, issues = normalise_project(raw)
    programme, period_issues = assign_programme_period(values, raw)
    rec = {**dataclasses.asdict(values), "programme_period": programme.period, "fund": programme.fund}
    return rec, [(i.field, i.code) for i in issues + period_issues]


# (raw values, expected record subset, expected issues)
NORMALISE = [
    # identifiers
    P({"diarienummer": "2016/00123"}, {"diarienummer": "2016/00123", "programme_period": "2014-2020"}, [],
      id="dnr-1420"),
    P({"diarienummer": "22-017-S04"}, {"diarienummer": "22-017-S04", "programme_period": "2021-2027"}, [],
      id="dnr-2127"),
    P({"diarienummer": "2016/123"}, {"diarienummer": None}, [("diarienummer", "malformed_diarienummer")],
      id="dnr-malformed"),
    # regions
    P({"region": "ESF Nationellt"}, {"region": "Nationellt", "nuts2": "SE0"}, [], id="region-esf-nationellt"),
    P({"region": "Småland & Öarna"}, {"region": "Småland och öarna", "nuts2": "SE21"}, [], id="region-ampersand"),
    P({"region": "Östra mellansverige"}, {"region": "Östra Mellansverige"}, [], id="region-lower-case"),
    P({"region": "Gotland"}, {"region": None, "nuts2": None}, [("region", "unknown_region")], id="region-unknown"),
    # amounts
    P({"eu_grant_sek": "2 761 412 kr", "total_budget_sek": "5 000 000 kr"},
      {"eu_grant_sek": 2761412, "total_budget_sek": 5000000}, [], id="amounts-kr"),
    P({"total_budget_sek": "3 544 067,52 €"}, {"total_budget_sek": None},
      [("total_budget_sek", "unreadable_amount")], id="budget-eur"),
    P({"eu_grant_sek": "cirka 3 miljoner kronor"}, {"eu_grant_sek": None},
      [("eu_grant_sek", "unreadable_amount")], id="grant-approximate"),
    # co-financing rate
    P({"eu_cofinancing_rate_pct": "49,58 %"}, {"eu_cofinancing_rate_pct": 49.58}, [], id="rate-decimal-comma"),
    P({"eu_contribution": "EU contribution: 500 000,00 € (40%)"}, {"eu_cofinancing_rate_pct": 40.0}, [],
      id="kohesio-rate-in-parentheses"),
    P({"eu_cofinancing_rate_pct": "hög"}, {"eu_cofinancing_rate_pct": None},
      [("eu_cofinancing_rate_pct", "unreadable_rate")], id="rate-unreadable"),
    # dates
    P({"period": "2016-08-01-2019-03-31"}, {"start_date": date(2016, 8, 1), "end_date": date(2019, 3, 31)}, [],
      id="period"),
    P({"start_date": "september 2023"}, {"start_date": None}, [("start_date", "month_only_date")], id="month-only"),
]


@pytest.mark.parametrize(("values", "expected", "issues"), NORMALISE)
def test_normalise_project(values: dict[str, str], expected: dict[str, Any], issues: list[tuple[str, str]]) -> None:
    rec, got = _normalise(values)
    assert {k: rec[k] for k in expected} == expected
    assert got == issues


def test_an_owner_without_canonical_spelling_is_an_issue() -> None:
    for owner, codes in (("STIFTELSEN KRONOBERGSHUSET", ["owner_spelling_unknown"]), ("BOTKYRKA KOMMUN", [])):
        values, issues = normalise_project(RawProject(values={"owner": owner}, evidence={"owner": owner}))
        assert values.owner == owner
        assert [i.code for i in issues if i.field == "owner_name"] == codes
