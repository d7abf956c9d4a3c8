"""Table-driven tests of the readers and resolvers (pipeline/project/readers, resolve.py).

Every page here is made up for the test: one row per shape the readers know and one per trap,
several sentences per shape. A page goes through segment -> extract_fields -> normalise ->
validate as an owner-site page, and the row names the field, the value expected (None: left
empty) and, where the page must say why, the issue code.
"""

from __future__ import annotations

import dataclasses

from datetime import date
from typing import Any

import pytest

from pipeline.layout.classify import Classification
from pipeline.layout.segment import segment
from pipeline.models import Issue
from pipeline.project.fields import extract_fields
from pipeline.project.normalise import normalise_project
from pipeline.project.readers import read_candidates
from pipeline.project.resolve import owner_problem
from pipeline.project.validate import validate_project
from pipeline.values.dates import parse_period

P = pytest.param
OWNER_SITE = Classification("project", "owner_site", "test")


def record(text: str, template: str = "owner_site") -> tuple[dict[str, Any], list[Issue]]:
    seg = segment(text)
    raw = extract_fields(text, seg, Classification("project", template, "test"))
    values, issues = normalise_project(raw, text)
    values, checked = validate_project(values)
    return dataclasses.asdict(values), issues + checked


ROWS = [
    # --- owner -------------------------------------------------------------------------------
    P("Snickarglädje\n\nProjektägare är Hälsinglands Utbildningsförbund. Projektet vänder sig till unga.",
      "owner", "Hälsinglands Utbildningsförbund", None, id="owner-projektagare-ar"),
    P("Vägval\n\nProjektägare var föreningen Bygdekraft Väst, vars medlemmar är tre byalag.",
      "owner", "Bygdekraft Väst", None, id="owner-projektagare-var-foreningen"),
    P("Nya steg\n\nLjusdals kommun är projektägare och samverkar med Arbetsförmedlingen.",
      "owner", "Ljusdals kommun", None, id="owner-x-ar-projektagare"),
    P("Gröna jobb\n\nStudieförbundet Framåt har beviljats 3 miljoner kronor från Europeiska socialfonden för projektet.",
      "owner", "Studieförbundet Framåt", None, id="owner-has-been-granted"),
    P("Trygg start\n\nIdrottsalliansen Norr har beviljats medel från Svenska ESF-rådet för en förstudie.",
      "owner", "Idrottsalliansen Norr", None, id="owner-granted-by-authority"),
    P("Möten\n\nKulturförvaltningen i Region Halland driver projektet tillsammans med Falkenbergs kommun och två föreningar.",
      "owner", "Kulturförvaltningen i Region Halland", None, id="owner-drives-not-partner"),
    P("Fiberlyftet\n\nBudgeten för hela projektet är 40 miljoner kronor som Region Dalarna och Region Gävleborg äger gemensamt.",
      "owner", "Region Dalarna och Region Gävleborg", None, id="owner-joint-owners-own"),
    P("Fiberlyftet\n\nDet treåriga projektet, som Hjo kommun och Tibro kommun driver gemensamt, startar i maj.",
      "owner", "Hjo kommun och Tibro kommun", None, id="owner-joint-owners-drive"),
    P("Fiberlyftet\n\nProjektet bygger på en metod som Arbetsförmedlingen driver i hela landet.",
      "owner", None, None, id="trap-owner-method-someone-drives"),
    P("Fiberlyftet\n\nI projektet ingår två skolor som kommunerna äger gemensamt.",
      "owner", None, None, id="trap-owner-generic-joint-owners"),
    P("Steget\n\nProjektet drivs av Samordningsförbundet Älvdal i samarbete med Försäkringskassan.",
      "owner", "Samordningsförbundet Älvdal", None, id="owner-drivs-av"),
    P("Steget\n\nProjektet ägs av Samordningsförbundet Älvdal och har en budget på 4 miljoner kronor.",
      "owner", "Samordningsförbundet Älvdal", None, id="owner-stops-at-clause"),
    P("Bridges\n\nBridges, run by Nordic Learning Association with collaboration from two schools, aims to help.",
      "owner", "Nordic Learning Association", None, id="owner-en-run-by"),
    P("Bridges\n\nThe project will be led by Coastal Skills Foundation.",
      "owner", "Coastal Skills Foundation", None, id="owner-en-led-by"),
    P("Bridges\n\nThe Lakeside region as a project promoter will support the work.",
      "owner", "Lakeside region", None, id="owner-en-promoter"),
    P("Bridges\n\nproject info\nbeneficiary\nRiverside Adult Education Centre\nEuropean Commission Topic\n",
      "owner", "Riverside Adult Education Centre", None, id="owner-en-beneficiary-heading"),
    P("Bridges\n\nBeneficiary: Hillside Training Partnership\n", "owner", "Hillside Training Partnership", None,
      id="owner-en-beneficiary-label"),
    # traps: a managing authority, a generic subject, a person, a heading without a name
    P("Lyft\n\nTillväxtverket är projektägare enligt beslutet.", "owner", None, "rejected_candidate",
      id="trap-owner-managing-authority"),
    P("Lyft\n\nSvenska ESF-rådet har beviljats medel från ESF.", "owner", None, "rejected_candidate",
      id="trap-owner-esf-council"),
    P("Lyft\n\nVi driver projektet tillsammans med kommunen.", "owner", None, "rejected_candidate",
      id="trap-owner-generic-we"),
    P("Lyft\n\nKommunen har beviljats pengar från Europeiska socialfonden.", "owner", None, "rejected_candidate",
      id="trap-owner-generic-noun"),
    P("Lyft\n\nKarin Holmgren är projektägare.\n\nKontaktperson\nKarin Holmgren\nTel: 070-111 22 33\n", "owner", None,
      "rejected_candidate", id="trap-owner-person"),
    P("Bridges\n\nbeneficiary\n\nBridges, Diary No: 2019/00001\n", "owner", None, None, id="trap-owner-empty-heading"),
    P("Lyft\n\nProjektet genomförs i samverkan med Sandvikens kommun och Arbetsförmedlingen.", "owner", None, None,
      id="trap-owner-partner-only"),
    # --- money ---------------------------------------------------------------------------------
    P("Vidga\n\nProjektet har en budget på 12 miljoner kronor varav 7,4 miljoner kronor kommer från ESF.",
      "eu_grant_sek", 7_400_000, None, id="grant-varav-kommer-fran-esf"),
    P("Vidga\n\nProjektet har en budget på 12 miljoner kronor varav 7,4 miljoner kronor kommer från ESF.",
      "total_budget_sek", 12_000_000, None, id="budget-beside-varav"),
    P("Vidga\n\nSatsningen omfattar 60 miljoner, varav ESF-rådet bidrar med 32,6 MSEK.",
      "eu_grant_sek", 32_600_000, None, id="grant-varav-esf-bidrar-msek"),
    P("Vidga\n\nProjektet finansierades av ESF (Europeiska socialfonden) med 9,2 miljoner kronor.",
      "eu_grant_sek", 9_200_000, None, id="grant-financed-by-esf-with"),
    P("Vidga\n\nFöreningen har beviljats 850 000 kronor från Europeiska socialfonden.",
      "eu_grant_sek", 850_000, None, id="grant-granted-from-esf"),
    P("Vidga\n\nDen totala budgeten för hela projektet är 18,5 miljoner kronor.",
      "total_budget_sek", 18_500_000, None, id="budget-total-is"),
    P("Vidga\n\nProjektets budget uppgår till 2 400 000 kr.", "total_budget_sek", 2_400_000, None,
      id="budget-project-budget-is"),
    # traps: approximate amounts (an issue each), euro, two different grants, postcodes and org numbers
    P("Vidga\n\nProjektet har en budget på ca 45 miljoner kr varav 20 miljoner kr är från ESF.",
      "total_budget_sek", None, "approximate_amount", id="trap-budget-ca"),
    P("Vidga\n\nProjektet har en budget på drygt 8 miljoner kronor.", "total_budget_sek", None,
      "approximate_amount", id="trap-budget-drygt"),
    P("Vidga\n\nEtt projekt med en budget på över 150 miljoner kronor.", "total_budget_sek", None,
      "approximate_amount", id="trap-budget-over"),
    P("Vidga\n\nProjektet finansieras av Europeiska socialfonden och har beviljats cirka 30 miljoner kronor.",
      "eu_grant_sek", None, "approximate_amount", id="trap-grant-cirka"),
    P("Vidga\n\nProjektet har beviljats nästan 5 miljoner kronor från ESF.", "eu_grant_sek", None,
      "approximate_amount", id="trap-grant-nastan"),
    P("Vidga\n\nProjektet har beviljats knappt 2 miljoner kronor från ESF.", "eu_grant_sek", None,
      "approximate_amount", id="trap-grant-knappt"),
    P("Bridges\n\nEU contribution: 1 250 000,00 € (40%)\nTotal budget: 3 125 000,00 €\nStart date: 1 March 2024\n",
      "eu_grant_sek", None, "amount_in_euro", id="trap-grant-euro-label"),
    P("Bridges\n\nEU budget\n€2.1M\nTotal project cost\n€4.2M\n", "total_budget_sek", None, "amount_in_euro",
      id="trap-budget-euro-mirror"),
    P("Vidga\n\nProjektet har beviljats 3 miljoner kronor från ESF. I ett senare beslut står att projektet har beviljats 4 miljoner kronor från ESF.",
      "eu_grant_sek", None, "conflicting_candidates", id="trap-grant-two-values"),
    P("Vidga\n\nBesök oss på Storgatan 3, 831 30 Östersund. Org.nr 212000-2411.", "total_budget_sek", None, None,
      id="trap-postcode-orgnr-not-amounts"),
    # --- period --------------------------------------------------------------------------------
    P("Ny väg\n\nProjektet startade den 15 augusti 2016 och pågår fram till och med den 31 december 2017.",
      "start_date", date(2016, 8, 15), None, id="start-startade-den"),
    P("Ny väg\n\nProjektet startade den 15 augusti 2016 och pågår fram till och med den 31 december 2017.",
      "end_date", date(2017, 12, 31), None, id="end-fram-till-och-med"),
    P("Ny väg\n\nProjektet pågår 1 sept 2023 - 31 aug 2026 i hela länet.", "end_date", date(2026, 8, 31), None,
      id="period-abbreviated-months"),
    P("Ny väg\n\nProjektet pågår från 21 juni till 23 augusti 2022.", "start_date", date(2022, 6, 21), None,
      id="period-year-written-once"),
    P("Ny väg\n\nProjektperiod\n20230201-20231231\n", "end_date", date(2023, 12, 31), None, id="period-compact"),
    P("Ny väg\n\nTidsperiod\n\n2021-03-01 — 2023-02-28\n\nBeskrivning", "start_date", date(2021, 3, 1), None,
      id="period-label-in-prose"),
    P("Ny väg\n\nProjektet avslutades i sin helhet den 30 april 2021.", "end_date", date(2021, 4, 30), None,
      id="end-avslutades"),
    P("Bridges\n\nThe project runs between 1 September 2023 and ends on 31 August 2026.", "start_date",
      date(2023, 9, 1), None, id="start-en-runs-between"),
    # traps: month or season only, the programme period, banner and news dates
    P("Ny väg\n\nProjektet startade i februari 2016 och pågår fortfarande.", "start_date", None, "month_only_date",
      id="trap-start-month-only"),
    P("Ny väg\n\nProjektet startar hösten 2024.", "start_date", None, "month_only_date", id="trap-start-season"),
    P("Ny väg\n\nProjektet pågår t.o.m. 2025 i tre kommuner.", "end_date", None, "unreadable_date", id="trap-end-year-only"),
    P("Ny väg\n\nProgramperiod: 2021-2027\nProjektet arbetar med unga.", "start_date", None, None,
      id="trap-programme-period"),
    P("3 december - Webbinarium om arbetsmarknaden\n\nNy väg\n\nKommunerna antog 6 april 2010 en strategi.",
      "start_date", None, None, id="trap-banner-and-news-dates"),
    P("Ny väg\n\nUppdaterad: 3 april 2024\n\nProjektet arbetar med unga.", "end_date", None, None,
      id="trap-page-date"),
    # --- planned participants -----------------------------------------------------------------
    P("Kliv\n\nProjektet ska ta emot 120 deltagare under två år.", "planned_participants", 120, None,
      id="participants-ta-emot"),
    P("Kliv\n\nUngefär 40 handledare och 1 500 deltagare kommer att delta i aktiviteterna.",
      "planned_participants", 1500, None, id="participants-will-take-part"),
    P("Kliv\n\nProjektet ska nå ut till cirka 300 deltagare.", "planned_participants", None, "approximate_count",
      id="trap-participants-approx"),
    # --- contact blocks -----------------------------------------------------------------------
    P("Kliv\n\nKontaktuppgifter\n\nJohan Ek - Projektledare, Norraskolan\njohan.ek@example.se\n\n0611-12345\n",
      "contact_name", "Johan Ek", None, id="contact-name-with-role"),
    P("Kliv\n\nKontaktuppgifter\n\nJohan Ek - Projektledare, Norraskolan\njohan.ek@example.se\n\n0611-12345\n",
      "contact_email", "johan.ek@example.se", None, id="contact-email-below-name"),
    P("Kliv\n\nKontaktperson\nMaja Lind\nTel: 070-123 45 67\nE-post: maja.lind@example.se\n",
      "contact_phone", "070-123 45 67", None, id="contact-phone-tel"),
    P("Kliv\n\nKontakt\nKultur och fritid\nTel: 0611-12345\n", "contact_name", None, None,
      id="trap-contact-not-a-person"),
    # --- English labels -----------------------------------------------------------------------
    P("Bridges\n\nStart date: 2 September 2024\nEnd date: 31 August 2026\nFund: European Social Fund Plus (ESF+)\n",
      "end_date", date(2026, 8, 31), None, id="en-end-date-label"),
    P("Bridges\n\nPeriod\n2019-07-01 → 2022-06-30\n", "end_date", date(2022, 6, 30), None, id="en-period-arrow"),
    P("Bridges\n\nproject info\nStart date: 1 May 2016\n\nRiverbank, Diary No: 2016/00042\n\nThe project helps.",
      "diarienummer", "2016/00042", None, id="en-diary-no-in-heading"),
    P("Bygdelyft\n\nProjektperiod\n20230101-20231231\n\nProjektägare\nBygdens Leaderförening\n\nTotal finansiering\n250 000 k\n",
      "total_budget_sek", 250_000, None, id="leader-total-financing-label"),
    # --- other funds: the fund's own grant in kronor --------------------------------------------
    P("Gröna noder\n\nProjektet pågår under 2024. Regionalfonden finansierar projektet med 14 miljoner kronor.",
      "eu_grant_sek", 14_000_000, None, id="other-fund-grant-eruf"),
    P("Gröna noder\n\nProjektet pågår under 2024. Regionalfonden finansierar projektet med 14 miljoner kronor.",
      "fund", "ERUF", None, id="other-fund-named"),
    P("Bridges\n\nThe EU contributes toward the project — a co-funding rate of 50%, the rest national.",
      "eu_cofinancing_rate_pct", 50.0, None, id="en-cofunding-rate"),
]


@pytest.mark.parametrize("text,field,expected,issue", ROWS)
def test_reader_rows(text: str, field: str, expected: Any, issue: str | None) -> None:
    rec, issues = record(text)
    assert rec.get(field) == expected
    if issue is not None:
        assert issue in {i.code for i in issues if i.field == field}, [(i.field, i.code, i.message) for i in issues]


def test_pre_study_keeps_zero_participants() -> None:
    page = "Förstudie Nya vägar\n\nPlanerat antal deltagare: 0\nProjektägare: Exempels kommun\nStartdatum: 2022-01-01\n"
    rec, _ = record(page)
    assert rec["planned_participants"] == 0
    rec, issues = record(page.replace("Förstudie ", ""))
    assert rec["planned_participants"] is None
    assert "not_positive" in {i.code for i in issues}


def test_candidates_carry_evidence_and_rule() -> None:
    text = "Vidga\n\nProjektet har en budget på 12 miljoner kronor varav 7,4 miljoner kronor kommer från ESF."
    cands = read_candidates(text, segment(text), "owner_site")
    grant = [c for c in cands if c.field == "eu_grant_sek"]
    assert grant and grant[0].value == "7,4 miljoner kronor" and "varav" in grant[0].evidence and grant[0].rule


def test_fact_block_outranks_prose() -> None:
    page = ("Vidga\n\nProjektägare: Östra Skolförbundet\nStartdatum: 2020-01-01\nSlutdatum: 2021-12-31\n\n"
            "Västra Bygdeföreningen driver projektet.\n")
    rec, issues = record(page)
    assert rec["owner"] == "Östra Skolförbundet"
    assert "other_candidates" in {i.code for i in issues}


@pytest.mark.parametrize("name,ok", [
    ("Tillväxtverket", False), ("Jordbruksverket", False), ("Europeiska kommissionen", False),
    ("Rådet för Europeiska socialfonden i Sverige", False), ("Vi", False), ("Projektet", False),
    ("Bygdekraft Väst", True), ("Astrid Lindgrens Hembygd", True), ("Umeå kommun", True),
    ("KFUM District East", True), ("Samordningsförbundet RAR", True),
])
def test_owner_checks(name: str, ok: bool) -> None:
    assert (owner_problem(name) is None) == ok
    assert owner_problem("Anna Svensson", frozenset({"anna svensson"})) is not None  # the page's contact


@pytest.mark.parametrize("text,expected", [
    ("20230201-20231231", (date(2023, 2, 1), date(2023, 12, 31))),
    ("20230201 – 20231231", (date(2023, 2, 1), date(2023, 12, 31))),
    ("20231301-20231231", (None, date(2023, 12, 31))),
])
def test_compact_period(text: str, expected: tuple[date | None, date | None]) -> None:
    assert parse_period(text) == expected
