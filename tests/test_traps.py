"""Whole pages built around traps: each wrong value must be dropped with an issue, never kept.

One row per (page, check); the pages are in tests/fixtures/traps/.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import ROOT
from pipeline.models import PageResult, RawDocument
from pipeline.process import process_document

TRAPS = ROOT / "tests" / "fixtures" / "traps"


def _result(name: str) -> PageResult:
    data = (TRAPS / name).read_bytes()
    return process_document(RawDocument(source_file=name, data=data, n_bytes=len(data), sha256=name))


PARTIAL = "colon_partial_period_grant_above_budget.txt"
GLUED = "glued_approximate_grant_dates_reversed.txt"
NEWS = "news_with_one_label.txt"

VALUES: list[tuple[str, str, Any]] = [
    # Label:/next line page: a period with a year-only end, a grant above the budget
    (PARTIAL, "start_date", date(2021, 9, 1)),
    (PARTIAL, "end_date", None),
    (PARTIAL, "eu_grant_sek", None),
    (PARTIAL, "total_budget_sek", None),
    (PARTIAL, "owner", "Lunds kommun"),
    (PARTIAL, "owner_unit", "Arbetsmarknadsavdelningen"),
    (PARTIAL, "municipalities", ["Lund", "Malmö", "Eslöv"]),
    # glued page: approximate grant written in lower case, start after end, two phone numbers
    (GLUED, "eu_grant_sek", None),
    (GLUED, "total_budget_sek", 3_500_000),
    (GLUED, "start_date", None),
    (GLUED, "end_date", None),
    (GLUED, "programme_period", None),  # dropped dates are no evidence; "1 Kompetensförsörjning" is in two programmes
    (GLUED, "contact_phone", "0512-310 00"),
    (GLUED, "municipalities", ["Vara"]),
]


@pytest.mark.parametrize("page, column, expected", VALUES)
def test_trap_values(page: str, column: str, expected: Any) -> None:
    rec = _result(page).project
    assert rec is not None
    assert rec[column] == expected


ISSUES = [
    (PARTIAL, "end_date", "unreadable_date"),
    (PARTIAL, "eu_grant_sek", "grant_above_budget"),
    (PARTIAL, "municipalities", "doubtful_place"),  # "Berg och Mark är vanliga ord"
    (GLUED, "eu_grant_sek", "unreadable_amount"),
    (GLUED, "start_date", "start_after_end"),
]


@pytest.mark.parametrize("page, field, code", ISSUES)
def test_trap_issues(page: str, field: str, code: str) -> None:
    assert (field, code) in {(i.field, i.code) for i in _result(page).issues}


def test_kommun_list_items_are_not_doubtful_prose() -> None:
    doubtful = [i for i in _result(GLUED).issues if i.code == "doubtful_place"]
    assert doubtful == []


def test_a_single_label_does_not_make_a_project() -> None:
    r = _result(NEWS)
    assert r.project is None and r.page_kind == "other" and r.status == "skipped"

