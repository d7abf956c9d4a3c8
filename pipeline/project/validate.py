"""Validation: cross-field checks on a project's normalised values.

A failed check drops the values it cannot trust (a wrong value is worse than a missing one)
and leaves an issue row saying which check failed on which values.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from pipeline.models import Issue, issue
from pipeline.project.normalise import ProjectValues

# a pre-study (förstudie) plans no participants of its own
PRE_STUDY = re.compile(r"förstudie|forstudie|pre-?study|feasibility study", re.IGNORECASE)


def validate_project(values: ProjectValues) -> tuple[ProjectValues, list[Issue]]:
    """The values with those that fail a check set to None, and the issues saying why."""
    issues: list[Issue] = []
    dropped: dict[str, Any] = {}
    s, e = values.start_date, values.end_date
    if s and e and s > e:
        issues.append(issue("start_after_end", f"project starts {s} after it ends {e}; both dates dropped",
                            field="start_date", evidence=f"{s} > {e}"))
        dropped["start_date"] = dropped["end_date"] = None
    g, t = values.eu_grant_sek, values.total_budget_sek
    if g is not None and t is not None and g > t:
        issues.append(issue("grant_above_budget", f"ESF grant {g} kr is above the total budget {t} kr; both dropped",
                            field="eu_grant_sek", evidence=f"{g} > {t}"))
        dropped["eu_grant_sek"] = dropped["total_budget_sek"] = None
    r = values.eu_cofinancing_rate_pct
    if r is not None and not 0 <= r <= 100:
        issues.append(issue("rate_out_of_range", f"co-financing rate {r} % is outside 0-100; dropped",
                            field="eu_cofinancing_rate_pct", evidence=str(r)))
        dropped["eu_cofinancing_rate_pct"] = None
    for fld in ("eu_grant_sek", "total_budget_sek", "planned_participants"):
        x = None if fld in dropped else getattr(values, fld)
        if fld == "planned_participants" and x == 0 and PRE_STUDY.search(f"{values.title or ''} {values.phase or ''}"):
            continue  # a pre-study plans no participants: 0 is a real value
        if x is not None and x <= 0:
            issues.append(issue("not_positive", f"{fld} is {x}; dropped", field=fld, evidence=str(x)))
            dropped[fld] = None
    return (dataclasses.replace(values, **dropped) if dropped else values), issues
