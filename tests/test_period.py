"""Table-driven tests for pipeline.values.period.infer_period: evidence -> one programme period or None."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pipeline.values.period import area_periods, objective_periods, infer_period
from pipeline.values.programmes import lookup_area, lookup_objective

P = pytest.param

INFER = [
    # old project bank: 2007-2013 projects in the same layout as newer ones
    P(dict(programme_area="2", programme_area_text="Programområde 2 Ökat arbetskraftsutbud",
           start=date(2014, 3, 1), end=date(2014, 12, 31)), "2007-2013", id="0713-area-name-with-2014-dates"),
    P(dict(programme_area="1", programme_area_text="1 Kompetensförsörjning", start=date(2010, 1, 1)),
      "2007-2013", id="0713-kompetensforsorjning-2010-start"),
    # 2014-2020 bank
    P(dict(diarienummer="2016/00123"), "2014-2020", id="1420-dnr"),
    P(dict(specific_objective="2.2"), "2014-2020", id="1420-objective"),
    P(dict(programme_area="3"), "2014-2020", id="1420-area-3"),
    # ESF+ pages
    P(dict(diarienummer="22-017-S04"), "2021-2027", id="2127-dnr"),
    P(dict(programme_area="C"), "2021-2027", id="2127-letter-area"),
    P(dict(specific_objective="A1"), "2021-2027", id="2127-objective"),
    P(dict(fund="ESF+"), "2021-2027", id="2127-fund"),
    # Kohesio (English)
    P(dict(programme_period_label="Programming period: 2021-2027"), "2021-2027", id="kohesio-programming-period"),
    # too little evidence
    P(dict(), None, id="no-evidence"),
    P(dict(programme_area="1", programme_area_text="1 Kompetensförsörjning"), None, id="area-1-two-periods"),
    P(dict(start=date(2015, 3, 1)), None, id="2015-start-two-periods"),
]


@pytest.mark.parametrize(("kwargs", "expected"), INFER)
def test_infer_period(kwargs: dict[str, Any], expected: str | None) -> None:
    assert infer_period(**kwargs) == (expected, None)


CONFLICTS = [
    P(dict(diarienummer="2016/00123", fund="ESF+"), id="1420-dnr-vs-esfplus"),
    P(dict(diarienummer="22-017-S04", start=date(2010, 1, 1)), id="2127-dnr-vs-2010-start"),
    P(dict(programme_area_text="Programområde 2 Ökat arbetskraftsutbud", specific_objective="2.2"),
      id="0713-name-vs-1420-objective"),
]


@pytest.mark.parametrize("kwargs", CONFLICTS)
def test_infer_period_conflict(kwargs: dict[str, Any]) -> None:
    period, problem = infer_period(**kwargs)
    assert period is None
    assert problem is not None and problem.startswith("evidence disagrees")


@pytest.mark.parametrize("text", ["1.1", "2.2", "A1", "C1", "VI", "Särskilt mål VII", "x", "", "2", "C",
                                  "Programområde 2 Ökat arbetskraftsutbud", "1.1 Kompetensförsörjning"])
def test_cached_reference_lookups_are_the_lookups(text: str) -> None:
    assert objective_periods(text) == frozenset(o.period for o in lookup_objective(text))
    assert area_periods(text) == frozenset(a.period for a in lookup_area(text))


# Area/objective cases, formerly of programmes.infer_period (an unused second version): the
# area as written is the area text, its code (one character) the area code, as normalise passes them.
AREA_OBJECTIVE = [
    # (area, objective, area_text, expected)
    ("2 Ökat arbetskraftsutbud", None, None, "2007-2013"),
    (None, None, "Programområde 2 Ökat arbetskraftsutbud", "2007-2013"),
    ("2", "2.2", None, "2014-2020"),
    ("1", "1.1", None, "2014-2020"),
    ("1.1 Kompetensförsörjning", None, None, "2014-2020"),
    ("3.1 Sysselsättningsinitiativet för unga", None, None, "2014-2020"),
    ("C", "C1", None, "2021-2027"),
    ("A", "A2B", None, "2021-2027"),
    (None, "D1", None, "2021-2027"),  # a letter code not in the table still names the period
    (None, "VI", None, "2021-2027"),
    # ambiguous or contradictory
    ("1 Kompetensförsörjning", None, None, None),
    ("2", None, None, None),
    pytest.param("2", "1.1", None, None, marks=pytest.mark.xfail(
        strict=True, reason="period.infer_period does not check that the objective belongs to the area "
                            "(the removed programmes.infer_period did): it answers 2014-2020")),
    ("C", "2.2", None, None),
    (None, None, None, None),
    ("okänt", None, None, None),
]


@pytest.mark.parametrize(("area", "objective", "area_text", "expected"), AREA_OBJECTIVE)
def test_area_and_objective_cases(area: str | None, objective: str | None, area_text: str | None,
                                  expected: str | None) -> None:
    period, _ = infer_period(programme_area=area if area and len(area) == 1 else None,
                             programme_area_text=area or area_text, specific_objective=objective)
    assert period == expected
