"""Table-driven tests for pipeline.values.dates: one row per real-world shape of a date or period.

dateparser must never invent a part: a month-only or year-only value gives None (and
date_problem says why), and today's date never comes out of text that does not say it.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.values.dates import MONTHS, date_problem, find_dates, find_ranges, parse_date, parse_period

P = pytest.param
D = date

# ---------------------------------------------------------------------------------------------
# parse_period: the value of 'Projektperiod' / 'Projekttid'
# ---------------------------------------------------------------------------------------------
PARSE_PERIOD = [
    # old project bank (glued labels)
    P("2014-01-02 till 2014-12-31", (D(2014, 1, 2), D(2014, 12, 31)), id="old-bank-till"),
    P("2016-08-01-2019-03-31", (D(2016, 8, 1), D(2019, 3, 31)), id="old-bank-hyphen-glued"),
    # new bank (Label: / next line)
    P("2023-05-01–2023-09-30", (D(2023, 5, 1), D(2023, 9, 30)), id="new-bank-en-dash"),
    P("2021-02-01 - 2021-10-30", (D(2021, 2, 1), D(2021, 10, 30)), id="new-bank-spaced-hyphen"),
    P("2014-01-02 t.o.m. 2014-12-31", (D(2014, 1, 2), D(2014, 12, 31)), id="tom-abbreviation"),
    # ESF+ pages / owners' own sites: written-out months
    P("1 sept 2023 - 31 aug 2026", (D(2023, 9, 1), D(2026, 8, 31)), id="abbreviated-months"),
    P("1 september - 31 december 2023", (D(2023, 9, 1), D(2023, 12, 31)), id="year-once"),
    P("1 jan 2015 – 2016-12-31", (D(2015, 1, 1), D(2016, 12, 31)), id="word-then-iso"),
    P("16–17 augusti 2023", (D(2023, 8, 16), D(2023, 8, 17)), id="day-range-with-year"),
    # Kohesio (English)
    P("Dec 1, 2023 - Jun 30, 2026", (D(2023, 12, 1), D(2026, 6, 30)), id="kohesio-english"),
    # half readable: the readable half is kept on its own side
    P("2023-09-01 - 2026", (D(2023, 9, 1), None), id="end-year-only"),
    P("2015-01-01 –", (D(2015, 1, 1), None), id="open-end"),
    P("1 oktober 2023 - mars 2025", (D(2023, 10, 1), None), id="to-inside-oktober-not-a-separator"),
    P("2021-13-45 - 2022-01-01", (None, D(2022, 1, 1)), id="invalid-start"),
    # traps: programme periods, year ranges and month ranges give nothing
    P("Programperiod: 2021-2027", (None, None), id="trap-programme-period"),
    P("2015 - 2017", (None, None), id="trap-years-only"),
    P("jan 2015 - dec 2017", (None, None), id="trap-months-only"),
    P("16–17 augusti", (None, None), id="trap-info-day-no-year"),
    P("", (None, None), id="trap-empty"),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_PERIOD)
def test_parse_period(text: str, expected: tuple[date | None, date | None]) -> None:
    assert parse_period(text) == expected


# ---------------------------------------------------------------------------------------------
# parse_date: a single date field ('Startdatum', 'Start date', a prose capture)
# ---------------------------------------------------------------------------------------------
PARSE_DATE = [
    # project banks
    P("2014-01-02", D(2014, 1, 2), id="bank-iso"),
    # owners' own sites / news
    P("1 September 2023", D(2023, 9, 1), id="owner-capital-month"),
    P("den 3 februari 2015", D(2015, 2, 3), id="owner-den"),
    P("3:e mars 2021", D(2021, 3, 3), id="owner-ordinal-e"),
    P("1:a april 2017", D(2017, 4, 1), id="owner-ordinal-a"),
    P("1 sept. 2023", D(2023, 9, 1), id="owner-abbrev-dot"),
    P("3 maj 2023 kl 10", D(2023, 5, 3), id="news-with-time"),
    # Kohesio (English)
    P("September 1, 2023", D(2023, 9, 1), id="kohesio-month-first"),
    # traps: invalid or partial dates never become a date
    P("2021-13-45", None, id="trap-invalid-iso"),
    P("31 feb 2023", None, id="trap-invalid-word"),
    P("september 2023", None, id="trap-month-only"),
    P("2023-09", None, id="trap-iso-month-only"),
    P("2020", None, id="trap-year-only"),
    P("15 maj", None, id="trap-no-year"),
    P("1/9/2023", None, id="trap-ambiguous-slashes"),
    P("idag", None, id="trap-today-word"),
    P("", None, id="trap-empty"),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_DATE)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


DATE_PROBLEM = [
    P("2021-13-45", "invalid date '2021-13-45'", id="invalid-iso"),
    P("31 feb 2023", "invalid date '31 feb 2023'", id="invalid-word"),
    P("september 2023", "month-only date", id="month-only"),
    P("maj 2020", "month-only date", id="month-only-short"),
    P("2023-09", "month-only date", id="iso-month-only"),
    P("2020", "year-only date", id="year-only"),
    P("sommaren 2023", "year-only date", id="season-year-only"),
    P("2023-09-01", None, id="fine-iso"),
    P("1 September 2023", None, id="fine-word"),
]


@pytest.mark.parametrize(("text", "problem"), DATE_PROBLEM)
def test_date_problem(text: str, problem: str | None) -> None:
    assert date_problem(text) == problem


# dateparser reads relative words as today's date: none of these may give a date at all.
NO_INVENTED_DATE = [
    P("idag 2026", id="idag"),
    P("2023 imorgon", id="imorgon"),
    P("tomorrow 2023", id="tomorrow"),
    P("yesterday 2023", id="yesterday"),
    P("2023 now", id="now"),
    P("1 2026 now", id="now-with-number"),
    P("in 2 days 2023", id="in-2-days"),
    P("nästa fredag 2026", id="next-friday"),
    P("september 2023", id="month-only"),
    P("mars", id="month-alone"),
    P("15 maj", id="no-year"),
    P("vecka 34 2023", id="week-number"),
    P("Q3 2023", id="quarter"),
]


@pytest.mark.parametrize("text", NO_INVENTED_DATE)
def test_parse_date_never_invents_parts(text: str) -> None:
    d = parse_date(text)
    assert d is None
    assert d != date.today()


# ---------------------------------------------------------------------------------------------
# find_ranges: ranges in prose; the year may be written once at the end
# ---------------------------------------------------------------------------------------------
FIND_RANGES = [
    # owners' own sites
    P("Projektet pågår mellan den 1 januari till den 28 april 2011.", [(D(2011, 1, 1), D(2011, 4, 28))], id="owner-den-till-den"),
    P("Kursen går 27 juni till 14 september 2023 i Umeå.", [(D(2023, 6, 27), D(2023, 9, 14))], id="owner-till"),
    P("mellan 13 november 2017 och 8 januari 2018", [(D(2017, 11, 13), D(2018, 1, 8))], id="owner-och-both-years"),
    P("från 1 december till 31 januari 2020", [(D(2019, 12, 1), D(2020, 1, 31))], id="year-once-across-new-year"),
    P("Projekttid 2019-08-01 till 2022-06-30.", [(D(2019, 8, 1), D(2022, 6, 30))], id="iso-range-in-prose"),
    # news/press releases (traps)
    P("Informationsdag 16–17 augusti i Luleå.", [], id="trap-info-day-no-year"),
    P("Programperioden 2021-2027 har startat.", [], id="trap-programme-period"),
    P("Ansök senast 1 mars 2024.", [], id="trap-single-date"),
]


@pytest.mark.parametrize(("text", "expected"), FIND_RANGES)
def test_find_ranges(text: str, expected: list[tuple[date, date]]) -> None:
    found = find_ranges(text)
    assert [(r.first, r.last) for r in found] == expected
    for r in found:
        assert text[r.start:r.end] == r.text


FIND_DATES = [
    P("Projektet startade 1 mars 2019 och slutar 2021-12-31.", [D(2019, 3, 1), D(2021, 12, 31)], id="word-and-iso"),
    P("Beslut 2021-13-45 och sedan i september 2023.", [], id="invalid-and-month-only-skipped"),
    P("Öppet 16–17 augusti.", [], id="no-year"),
]


@pytest.mark.parametrize(("text", "expected"), FIND_DATES)
def test_find_dates(text: str, expected: list[date]) -> None:
    assert [d.value for d in find_dates(text)] == expected


def test_months_table_covers_swedish_and_english() -> None:
    assert MONTHS["sept"] == MONTHS["september"] == 9
    assert MONTHS["maj"] == MONTHS["may"] == 5
    assert MONTHS["okt"] == MONTHS["oct"] == 10
