"""Validation: cross-field checks on a normalised project record.

A failed check drops the values it cannot trust (a wrong value is worse than a missing one)
and leaves an issue row saying which check failed on which values.
"""

from __future__ import annotations

from typing import Any

from pipeline.models import Issue, issue


def validate_project(rec: dict[str, Any]) -> list[Issue]:
    """Check the record in place; returns the issues (values it drops are set to None)."""
    issues: list[Issue] = []
    s, e = rec.get("start_date"), rec.get("end_date")
    if s and e and s > e:
        issues.append(issue("start_after_end", f"project starts {s} after it ends {e}; both dates dropped",
                            field="start_date", evidence=f"{s} > {e}"))
        rec["start_date"] = rec["end_date"] = None
    g, t = rec.get("eu_grant_sek"), rec.get("total_budget_sek")
    if g is not None and t is not None and g > t:
        issues.append(issue("grant_above_budget", f"ESF grant {g} kr is above the total budget {t} kr; both dropped",
                            field="eu_grant_sek", evidence=f"{g} > {t}"))
        rec["eu_grant_sek"] = rec["total_budget_sek"] = None
    r = rec.get("eu_cofinancing_rate_pct")
    if r is not None and not 0 <= r <= 100:
        issues.append(issue("rate_out_of_range", f"co-financing rate {r} % is outside 0-100; dropped",
                            field="eu_cofinancing_rate_pct", evidence=str(r)))
        rec["eu_cofinancing_rate_pct"] = None
    for fld in ("eu_grant_sek", "total_budget_sek", "planned_participants"):
        x = rec.get(fld)
        if x is not None and x <= 0:
            issues.append(issue("not_positive", f"{fld} is {x}; dropped", field=fld, evidence=str(x)))
            rec[fld] = None
    return issues
