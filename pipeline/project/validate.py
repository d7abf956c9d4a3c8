"""Validation: cross-field checks on a normalised project record.

A failed check drops the values it cannot trust (a wrong value is worse than a missing one)
and leaves an issue row saying which check failed on which values.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.models import Issue

# a pre-study (förstudie) plans no participants of its own
PRE_STUDY = re.compile(r"förstudie|forstudie|pre-?study|feasibility study", re.IGNORECASE)


def validate_project(rec: dict[str, Any]) -> list[Issue]:
    """Check the record in place; returns the issues (values it drops are set to None)."""
    issues: list[Issue] = []
    s, e = rec.get("start_date"), rec.get("end_date")
    if s and e and s > e:
        issues.append(Issue("", None, "start_date", "error", "start_after_end",
                            f"project starts {s} after it ends {e}; both dates dropped", f"{s} > {e}"))
        rec["start_date"] = rec["end_date"] = None
    g, t = rec.get("eu_grant_sek"), rec.get("total_budget_sek")
    if g is not None and t is not None and g > t:
        issues.append(Issue("", None, "eu_grant_sek", "error", "grant_above_budget",
                            f"ESF grant {g} kr is above the total budget {t} kr; both dropped", f"{g} > {t}"))
        rec["eu_grant_sek"] = rec["total_budget_sek"] = None
    r = rec.get("eu_cofinancing_rate_pct")
    if r is not None and not 0 <= r <= 100:
        issues.append(Issue("", None, "eu_cofinancing_rate_pct", "error", "rate_out_of_range",
                            f"co-financing rate {r} % is outside 0-100; dropped", str(r)))
        rec["eu_cofinancing_rate_pct"] = None
    for fld in ("eu_grant_sek", "total_budget_sek", "planned_participants"):
        x = rec.get(fld)
        if fld == "planned_participants" and x == 0 and PRE_STUDY.search(f"{rec.get('title') or ''} {rec.get('phase') or ''}"):
            continue  # a pre-study plans no participants: 0 is a real value
        if x is not None and x <= 0:
            issues.append(Issue("", None, fld, "error", "not_positive", f"{fld} is {x}; dropped", str(x)))
            rec[fld] = None
    return issues
