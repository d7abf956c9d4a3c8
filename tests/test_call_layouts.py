"""Calls for proposals in every layout (issue 15): the call decision by evidence and the values
read from news items, other funds' call pages, grant-portal summaries and PDF transcripts with
repeated page headers. Every page below is written for these tests (no scraped text)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.kinds.call_readers import call_evidence, cue_pattern, cues, dated_points, has
from pipeline.kinds.calls import extract_call
from pipeline.layout.classify import classify
from pipeline.layout.segment import segment

P = pytest.param


def page(*lines: str) -> str:
    return "\n".join(lines)


# ------------------------------------------------------------------ pages, one per shape
NEWS_ONE_CALL = page(
    "Socialfonden utlyser 45 miljoner för unga utan jobb",
    "",
    "ESF-rådets utlysning ”Första steget” öppnar 2 mars och stänger 20 april 2026.",
    "",
    "Svenska ESF-rådet utlyser 45 miljoner kronor till projekt som hjälper unga till arbete. "
    "Medfinansieringen ska vara 30 procent.",
    "",
    "Publicerad:",
)
NEWS_ONE_CALL_2 = page(
    "Ny utlysning: stöd till språkinsatser på arbetsplatser",
    "12 januari 2025",
    "Nu kan du söka projektmedel för språkstöd. Utlysningen omfattar 25 MSEK och riktar sig till arbetsgivare.",
    "Ansökningstiden är 15 januari till 14 mars 2025.",
)
NEWS_ONE_CALL_3 = page(
    "Länets första utlysning öppnar den 4 maj",
    "Utlysningsperioden sträcker sig från 4 maj till 30 juni 2026. Programmet 2021–2027 prioriterar gröna jobb.",
    "Den 12-13 maj hålls informationsträffar.",
)
OTHER_FUND_STATUS = page(
    "Tillväxtverket",
    "eu-logotyp",
    "",
    "Hållbara transporter i Norra Mellansverige",
    "",
    "  • Stängd 10 oktober 2023",
    "  • Region Dalarna",
    "",
    "Sök EU-finansiering för insatser som minskar utsläppen från godstrafiken.",
    "I utlysningen fördelas 60 miljoner kronor",
    "Maximalt 50 procent av projektets budget.",
    "Inom denna utlysning går det att söka stöd för samverkansprojekt i Norra Mellansverige.",
)
OTHER_FUND_AMIF = page(
    "Integrationsfonden söker utvecklingsprojekt för mottagande",
    "",
    "Fondenheten utlyser 15 miljoner kronor ur Asyl-, migrations- och integrationsfonden (AMIF). "
    "Utlysningen pågår mellan den 2 september – 30 september 2024.",
    "AMIF kan medfinansiera projekt med upp till 75 procent.",
)
OTHER_FUND_NO_YEAR = page(
    "Regionalfonden",
    "",
    "Omställning i turistnäringen",
    "",
    "Nu kan du söka stöd för att ställa om verksamheten. Din ansökan ska senast vara inskickad 15 oktober.",
    "Utlysningen riktar sig till regioner och kommuner. Det är regionalfondsprogrammet som ansvarar för utlysningen.",
)
PORTAL_SUMMARY = page(
    "Stärkt kompetens i besöksnäringen i Västsverige (24-011)",
    "Bidragsgivare ESF-rådet",
    "Sammanfattning av vad utlysningen handlar om: Utlysningen gäller projekt inom programområde A – Västsverige.",
    "Finansieringsgrad: Projekten ska medfinansieras med 40 %.",
    "Tillgänglig finansiering (budget): 31 250 000 kronor.",
)
PDF_TRANSCRIPT = page(
    "Svenska ESF-rådet 2016-02-10 Dnr 2016/00412 1 (3)",
    "Utlysning",
    "Kompetensutveckling för anställda inom handeln",
    "Svenska ESF-rådet utlyser 35 miljoner kronor för projekt som ska bedrivas i region Sydsverige. Utlysningen",
    "öppnar den 1 mars 2016 och stänger den 12 april 2016 kl. 23.59.",
    "Svenska ESF-rådet 2016-02-10 Dnr 2016/00412 2 (3)",
    "Projekten kan tidigast starta den 1 september 2016.",
    "Svenska ESF-rådet 2016-02-10 Dnr 2016/00412 3 (3)",
)

# ------------------------------------------------------------------ traps
LIST_OF_CALLS = page(
    "Socialfonden utlyser 90 miljoner kronor",
    "Regionen öppnar nu tre utlysningar som stänger den 30 april 2025.",
    "40 miljoner kronor utlyses i ”Vägar till jobb”. 50 miljoner kronor utlyses i ”Kompetens i vården”.",
)
LIST_OF_CALLS_STATUS = page(
    "Utlysningar",
    "Grön industri i norr",
    "  • Stängd 1 mars 2023",
    "Digital handel",
    "  • Stängd 15 maj 2023",
    "I utlysningen fördelas 20 miljoner kronor. Inom denna utlysning kan företag söka.",
)
PROJECT_CITES_CALL = page(
    "Vägen vidare",
    "Vägen vidare har beviljats medel inom utlysningen ”Första steget” (2016/00412).",
    "Utlysningen pågick mellan 1 mars 2016 och 12 april 2016. Projektet startade 1 september 2016.",
)
NEWS_GRANTED_PROJECT = page(
    "Kommunen får 6 miljoner för nytt ESF-projekt",
    "Kommunen har beviljats 6 miljoner kronor från socialfonden efter förra årets utlysning. "
    "Utlysningen stängde den 3 maj 2024.",
)
CALL_WITHOUT_FACTS = page(
    "Ny utlysning på gång",
    "Under hösten öppnar en utlysning om kompetens. Mer information kommer.",
)
JOB_AD = page(
    "Vi söker projektledare",
    "Vi söker en projektledare till ett ESF-projekt. Sista ansökningsdag är 1 juni 2025. "
    "Projektet finansieras efter en utlysning från ESF-rådet.",
)
INFO_PAGE = page(
    "Så söker du pengar från socialfonden",
    "Svenska ESF-rådet publicerar utlysningar flera gånger per år. Programperiod 2021-2027.",
)

NEWS_ONE_CALL_4 = page(
    "Leader Mittland söker projekt för levande byar",
    "Föreningen avsätter 3 miljoner kronor till lokala projekt. Sista dag att ansöka är 31 oktober 2025.",
    "I förra omgången beviljades elva projekt.",
)
CALL_PDF_FLAT = page(
    "Sid 1 (4) Utlysning Dnr 2019/00220",
    "Stöd till validering inom vården",
    "Svenska ESF-rådet avsätter 22 miljoner kronor. Ansökningsperioden är 4 mars till 30 april 2019.",
    "Sid 2 (4) Utlysning Dnr 2019/00220",
)
FIELD_LISTING = page(
    "Utlysningar i Västsverige",
    "Hälsa i arbetslivet",
    "Utlysning",
    "2019/00301",
    "Utlyst belopp",
    "20 000 000 kr",
    "Språk på jobbet",
    "Utlysning",
    "2019/00302",
    "Utlyst belopp",
    "35 000 000 kr",
)
OPENING_SEVERAL = page(
    "ESF-rådet öppnar utlysningar för unga och äldre",
    "Utlysningen för unga omfattar 30 miljoner kronor och utlysningen för äldre 20 miljoner kronor. "
    "Båda stänger den 2 juni 2025.",
)
OWNER_PROJECT_PAGE = page(
    "Språkvägen",
    "Projektet drivs av Vuxenutbildningen och finansieras av Europeiska socialfonden.",
    "Utlysningen som projektet söktes i pågick mellan 1 februari och 15 mars 2023.",
)

LABELLED_CALL = page(
    "Kompetenslyft för glesbygden",
    "Utlysningsperiod: 5 juni 2024 - 19 september 2024",
    "Utlysningens budget: 42 000 000 kronor",
    "Programområde: D",
    "Region: Övre Norrland",
    "Maximalt 60 procent av projektets budget: 3 000 000 kronor.",
)
LABELLED_LISTING = page(
    "Aktuellt",
    "Kompetenslyft för glesbygden",
    "Sista ansökningsdag: 19 september 2024",
    "Digital omställning",
    "Sista ansökningsdag: 3 oktober 2024",
    "Nu kan du söka stöd.",
)

CLASSIFY_CASES = [
    P(LABELLED_CALL, "call", id="call-with-own-labels"),
    P(LABELLED_LISTING, "other", id="trap-listing-same-label-twice"),
    P(NEWS_ONE_CALL_4, "call", id="leader-call-earlier-round-granted"),
    P(CALL_PDF_FLAT, "call", id="pdf-flat-headers"),
    P(FIELD_LISTING, "other", id="trap-listing-with-call-fields"),
    P(OPENING_SEVERAL, "other", id="trap-opens-several-calls"),
    P(OWNER_PROJECT_PAGE, "project", id="trap-owner-project-page"),  # its own call named in passing: a project page
    P(NEWS_ONE_CALL, "call", id="news-one-call"),
    P(NEWS_ONE_CALL_2, "call", id="news-one-call-msek"),
    P(NEWS_ONE_CALL_3, "call", id="news-first-call-opens"),
    P(OTHER_FUND_STATUS, "call", id="regional-fund-status-line"),
    P(OTHER_FUND_AMIF, "call", id="amif-call"),
    P(OTHER_FUND_NO_YEAR, "call", id="regional-fund-deadline-no-year"),
    P(PORTAL_SUMMARY, "call", id="portal-summary-id-in-heading"),
    P(PDF_TRANSCRIPT, "call", id="pdf-transcript"),
    P(LIST_OF_CALLS, "other", id="trap-three-calls"),
    P(LIST_OF_CALLS_STATUS, "other", id="trap-call-listing"),
    P(PROJECT_CITES_CALL, "other", id="trap-project-cites-call"),
    P(NEWS_GRANTED_PROJECT, "other", id="trap-news-granted-project"),
    P(CALL_WITHOUT_FACTS, "other", id="trap-call-without-facts"),
    P(JOB_AD, "other", id="trap-job-ad"),
    P(INFO_PAGE, "other", id="trap-info-page"),
]


@pytest.mark.parametrize(("text", "kind"), CLASSIFY_CASES)
def test_call_decision(text: str, kind: str) -> None:
    c = classify(text, segment(text))
    assert c.page_kind == kind, c.reason
    if kind == "call":
        assert c.reason


def test_call_decision_says_why() -> None:
    why = call_evidence(NEWS_ONE_CALL, NEWS_ONE_CALL.splitlines()[:3], set())
    assert why is not None and "heading" in why and "window" in why and "amount" in why


def test_project_fields_are_never_a_call() -> None:
    assert call_evidence(NEWS_ONE_CALL, NEWS_ONE_CALL.splitlines()[:3], {"owner"}) is None


# ------------------------------------------------------------------ values per page
def values(text: str) -> dict[str, Any]:
    rec, _ = extract_call(text, segment(text).pairs)
    return rec


EXTRACT_CASES = [
    P(LABELLED_CALL, {"title": "Kompetenslyft för glesbygden", "amount_sek": 42_000_000, "programme_area": "D",
                      "region": "Övre Norrland", "opens": date(2024, 6, 5), "closes": date(2024, 9, 19)},
      id="own-labels"),
    P(NEWS_ONE_CALL_4, {"amount_sek": 3_000_000, "opens": None, "closes": date(2025, 10, 31)}, id="leader"),
    P(CALL_PDF_FLAT, {"title": "Stöd till validering inom vården", "call_id": "2019/00220",
                      "amount_sek": 22_000_000, "opens": date(2019, 3, 4), "closes": date(2019, 4, 30)},
      id="pdf-flat"),
    P(NEWS_ONE_CALL, {"title": "Socialfonden utlyser 45 miljoner för unga utan jobb", "call_id": None,
                      "amount_sek": 45_000_000, "opens": date(2026, 3, 2), "closes": date(2026, 4, 20),
                      "region": None}, id="news-year-once"),
    P(NEWS_ONE_CALL_2, {"amount_sek": 25_000_000, "opens": date(2025, 1, 15), "closes": date(2025, 3, 14)},
      id="news-msek"),
    P(NEWS_ONE_CALL_3, {"title": "Länets första utlysning öppnar den 4 maj", "opens": date(2026, 5, 4),
                        "closes": date(2026, 6, 30), "amount_sek": None}, id="news-period-programme-2021-2027"),
    P(OTHER_FUND_STATUS, {"title": "Hållbara transporter i Norra Mellansverige", "opens": None,
                          "closes": date(2023, 10, 10), "amount_sek": 60_000_000,
                          "region": "Norra Mellansverige"}, id="status-line-close"),
    P(OTHER_FUND_AMIF, {"amount_sek": 15_000_000, "opens": date(2024, 9, 2), "closes": date(2024, 9, 30)},
      id="amif-range-dash"),
    P(OTHER_FUND_NO_YEAR, {"title": "Omställning i turistnäringen", "opens": None, "closes": None}, id="no-year"),
    P(PORTAL_SUMMARY, {"call_id": "24-011", "region": "Västsverige", "programme_area": "A",
                       "amount_sek": 31_250_000, "opens": None, "closes": None}, id="portal"),
    P(PDF_TRANSCRIPT, {"title": "Kompetensutveckling för anställda inom handeln", "call_id": "2016/00412",
                       "amount_sek": 35_000_000, "opens": date(2016, 3, 1), "closes": date(2016, 4, 12),
                       "region": "Sydsverige", "project_start_earliest": date(2016, 9, 1)}, id="pdf-headers"),
]


@pytest.mark.parametrize(("text", "expected"), EXTRACT_CASES)
def test_call_values(text: str, expected: dict[str, Any]) -> None:
    rec = values(text)
    assert {k: rec[k] for k in expected} == expected


# ------------------------------------------------------------------ one shape, several wordings
YEAR_ONCE = [
    ("Utlysningen öppnar 14 oktober och stänger 2 december 2024.", date(2024, 10, 14), date(2024, 12, 2)),
    ("Ansökningstiden öppnar 1 december och stänger 31 januari 2021.", date(2020, 12, 1), date(2021, 1, 31)),
    ("Utlysningen är öppen från 3 februari fram till 27 mars 2025.", date(2025, 2, 3), date(2025, 3, 27)),
    ("Utlysningen pågår mellan den 5 maj och den 16 juni 2022.", date(2022, 5, 5), date(2022, 6, 16)),
    ("Utlysningen pågår mellan den 8 april 2019 och den 20 maj kl. 16.00 2019.", date(2019, 4, 8), date(2019, 5, 20)),
    ("Utlysningsperioden sträcker sig från 9 augusti till 1 oktober 2023.", date(2023, 8, 9), date(2023, 10, 1)),
    # a day and month with no year anywhere after them stay empty
    ("Utlysningen öppnar 14 oktober. Mer information kommer.", None, None),
    ("Sista ansökningsdag är 30 september.", None, None),
]


@pytest.mark.parametrize(("text", "opens", "closes"), YEAR_ONCE)
def test_year_written_once(text: str, opens: date | None, closes: date | None) -> None:
    rec, _ = extract_call(text, [])
    assert (rec["opens"], rec["closes"]) == (opens, closes)


def test_dated_points_take_the_later_year() -> None:
    pts = dated_points("öppnar 3 mars och stänger 9 maj 2027")
    assert [(p.value, p.year_written) for p in pts] == [(date(2027, 3, 3), False), (date(2027, 5, 9), True)]


AMOUNTS = [
    ("ESF-rådet utlyser 80 miljoner kronor till projekt.", 80_000_000),
    ("Regionen utlyser 12,5 MSEK för förstudier.", 12_500_000),
    ("Fonden utlyser 40 miljoner för nya metoder.", 40_000_000),  # no currency after the cue: kronor
    ("I utlysningen fördelas 9 miljoner kronor.", 9_000_000),
    ("Tillgänglig finansiering: 7 300 000 kronor.", 7_300_000),
    # traps
    ("Fonden utlyser 5 miljoner euro.", None),
    ("Fonden utlyser cirka 30 miljoner.", None),
    ("Högst 2 miljoner kronor per projekt kan beviljas.", None),
    ("Utlysningen omfattar 20 miljoner kronor, högst 4 miljoner kronor per projekt.", 20_000_000),
]


@pytest.mark.parametrize(("text", "amount"), AMOUNTS)
def test_call_amounts(text: str, amount: int | None) -> None:
    assert extract_call(text, [])[0]["amount_sek"] == amount


CALL_IDS = [
    ("Bättre matchning i Småland (23-004)\nUtlysningen gäller matchning.", "23-004"),
    ("Digitala vägar (2017/00120)\nUtlysningen gäller digital kompetens.", "2017/00120"),
    ("ESF-rådet 2015-01-20 Dnr 2015/00301 1 (2)\nUtlysning om hälsa\nESF-rådet 2015-01-20 Dnr 2015/00301 2 (2)",
     "2015/00301"),
    ("Utlysningens diarienummer är 2018/00077.", "2018/00077"),
    # traps: another call's number cited in prose, a project number
    ("Förra årets utlysning (2014/00099) gav många ansökningar.", None),
    ("Projektet 2016/00555 visade vägen.", None),
]


@pytest.mark.parametrize(("text", "call_id"), CALL_IDS)
def test_call_ids(text: str, call_id: str | None) -> None:
    assert extract_call(text, [])[0]["call_id"] == call_id


TITLES = [
    ("Tillväxtverket\nfonds-logotyp\nGröna jobb i norr\n", "Gröna jobb i norr"),
    ("Region 2020-01-05 Dnr 2020/00011 1 (4)\nUtlysning\nHälsa på jobbet\nRegion 2020-01-05 Dnr 2020/00011 2 (4)",
     "Hälsa på jobbet"),
    ("Sida 1 av 3\nLärcentra i glesbygd\nSida 2 av 3", "Lärcentra i glesbygd"),
    ("Jordbruksverket\nLeader i Västerbotten söker projekt\n", "Leader i Västerbotten söker projekt"),
    # a heading that repeats (not a page header) stays the title
    ("Vägar till jobb\nUtlysningen gäller unga.\nVägar till jobb", "Vägar till jobb"),
]


@pytest.mark.parametrize(("text", "title"), TITLES)
def test_call_titles(text: str, title: str) -> None:
    assert extract_call(text, [])[0]["title"] == title


REGIONS = [
    ("Utlysningen gäller projekt inom programområde B – Övre Norrland.", "Övre Norrland"),
    ("Satsningen ska stärka företagen i Småland och öarna.", "Småland och öarna"),
    # traps: a person's title, a city, two regions, county names
    ("Frågor besvaras av regionchef Övre Norrland.", None),
    ("Informationsmöte i Stockholm den 3 maj.", None),
    ("Projekt i Västsverige och i Sydsverige kan söka.", None),
    ("Region Norrbotten och Region Västerbotten deltar.", None),
]


@pytest.mark.parametrize(("text", "region"), REGIONS)
def test_call_regions(text: str, region: str | None) -> None:
    assert extract_call(text, [])[0]["region"] == region


BANNERS = [
    # banner and publication dates, programme periods and event days are not the call window
    "3 december - Webbinarium om arbetsmarknaden\nMer information och anmälan.\nUtlysningen gäller unga.",
    "Publicerad 12 mars 2024\nUtlysningen gäller unga.",
    "Programperiod 2021-2027\nUtlysningen gäller unga.",
    "Den 14–15 maj 2024 hålls informationsdagar om utlysningen.",
    "Svenska ESF-rådet 2016-02-10 Dnr 2016/00412 1 (3)\nUtlysningen gäller unga.\n"
    "Svenska ESF-rådet 2016-02-10 Dnr 2016/00412 2 (3)",
]


@pytest.mark.parametrize("text", BANNERS)
def test_banner_dates_are_not_the_window(text: str) -> None:
    rec = extract_call(text, [])[0]
    assert (rec["opens"], rec["closes"]) == (None, None)


COFINANCING = [
    ("Medfinansieringen ska vara 30 procent.", 30.0),
    ("Projektets medfinansieringsgrad ska i denna satsning uppgå till 25 procent.", 25.0),
    ("Finansieringsgrad: Projekten ska medfinansieras med 45 %.", 45.0),
    # traps: a ceiling of the support, the fund's maximum rate, the Union rate
    ("Maximalt 40 procent av projektets budget.", None),
    ("Fonden kan medfinansiera projekt med upp till 75 procent.", None),
    ("Unionens medfinansieringsgrad är 60 procent.", None),
]


@pytest.mark.parametrize(("text", "pct"), COFINANCING)
def test_required_cofinancing(text: str, pct: float | None) -> None:
    assert extract_call(text, [])[0]["cofinancing_required_pct"] == pct


# ------------------------------------------------------------------ the literal shortcut of `has`


_CUE_WORDS = ["utlysningar", "UTLYSNINGARNA", "Utlysningen", "projektägare", "Vi söker", "samordnare", "beviljades",
              "öppnar", "Stängd", "söka stöd", "(", "İ", "ı", "ſ", "\u212a", "Ä", "é", "ß", "\n", " ", "2 nya"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_CUE_WORDS) | st.text(max_size=6), max_size=12).map(" ".join),
       st.sampled_from(sorted(cues())))
def test_has_answers_as_the_plain_search(text: str, cue: str) -> None:
    assert has(cue, text) == (cue_pattern(cue).search(text) is not None)
