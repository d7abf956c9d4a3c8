"""Table-driven tests for pipeline.project.validate: a failed check drops the values and leaves an issue."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pipeline.project.normalise import ProjectValues
from pipeline.project.validate import validate_project

P = pytest.param

# (record, record after validation (subset), issue codes)
VALIDATE = [
    P(dict(start_date=date(2020, 1, 1), end_date=date(2019, 1, 1)),
      dict(start_date=None, end_date=None), ["start_after_end"], id="start-after-end"),
    P(dict(start_date=date(2019, 1, 1), end_date=date(2019, 1, 1)),
      dict(start_date=date(2019, 1, 1), end_date=date(2019, 1, 1)), [], id="one-day-project"),
    P(dict(eu_grant_sek=6_000_000, total_budget_sek=5_000_000),
      dict(eu_grant_sek=None, total_budget_sek=None), ["grant_above_budget"], id="grant-above-budget"),
    P(dict(eu_grant_sek=2_000_000, total_budget_sek=5_000_000),
      dict(eu_grant_sek=2_000_000, total_budget_sek=5_000_000), [], id="grant-below-budget"),
    P(dict(eu_cofinancing_rate_pct=120.0), dict(eu_cofinancing_rate_pct=None), ["rate_out_of_range"], id="rate-120"),
    P(dict(eu_cofinancing_rate_pct=49.58), dict(eu_cofinancing_rate_pct=49.58), [], id="rate-ok"),
    P(dict(planned_participants=0), dict(planned_participants=None), ["not_positive"], id="zero-participants"),
    P(dict(), dict(), [], id="empty-record"),
]


@pytest.mark.parametrize(("rec", "after", "codes"), VALIDATE)
def test_validate_project(rec: dict[str, Any], after: dict[str, Any], codes: list[str]) -> None:
    values, issues = validate_project(ProjectValues(**rec))
    assert [i.code for i in issues] == codes
    assert {k: getattr(values, k) for k in after} == after
    for i in issues:
        assert i.severity == "error" and i.message
