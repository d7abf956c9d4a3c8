"""Table-driven tests for pipeline.values.period.infer_period: evidence -> one programme period or None."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pipeline.values.period import _area_periods, _objective_periods, infer_period
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
    assert _objective_periods(text) == frozenset(o.period for o in lookup_objective(text))
    assert _area_periods(text) == frozenset(a.period for a in lookup_area(text))
