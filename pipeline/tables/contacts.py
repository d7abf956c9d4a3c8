"""Personal data (GDPR): contact names, e-mail addresses and phone numbers.

`--contacts keep|hash|drop` (default keep). `hash` replaces each value by a stable salted
hash (salt from the environment variable PIPELINE_CONTACT_SALT), so the same person gets the
same token across runs and tables; `drop` leaves them out of every table, issue evidence about
contact fields included. The columns concerned are those marked personal_data in schemas/.
"""

from __future__ import annotations

import hashlib
import os
import dataclasses
from typing import TYPE_CHECKING, Any, cast

from pipeline.models import PageResult

from pipeline.tables.schemas import load_schema

if TYPE_CHECKING:
    from pipeline.project.record import ProjectRow

POLICIES = ("keep", "hash", "drop")
SALT_ENV = "PIPELINE_CONTACT_SALT"


def _hash(value: str, salt: str) -> str:
    return "sha256:" + hashlib.sha256((salt + "\x00" + value).encode("utf-8")).hexdigest()[:20]


def personal_columns(table: str) -> set[str]:
    """The columns schemas/ marks as personal data in a table."""
    return {c.name for c in load_schema(table).columns if c.personal_data}


def contact_fields() -> set[str]:
    """The contact columns (those of project_pages that are personal data): the field names
    whose issue evidence and page_fields values are personal too."""
    return personal_columns("project_pages")


def apply_policy(table: str, rows: list[dict[str, Any]], policy: str) -> list[dict[str, Any]]:
    """Rows with the personal columns kept, hashed or dropped (new dicts; input untouched)."""
    if policy == "keep" or not rows:
        return rows
    if policy not in POLICIES:
        raise ValueError(f"--contacts must be one of {', '.join(POLICIES)}, not {policy!r}")
    salt = os.environ.get(SALT_ENV, "")
    cols = personal_columns(table)
    contacts = contact_fields()
    out = []
    for r in rows:
        r = dict(r)
        for c in cols:
            if c not in r or r[c] in (None, ""):
                continue
            # issue evidence and page_fields values are personal only when they concern a contact
            if table == "issues" and r.get("field") not in contacts:
                continue
            if table == "page_fields" and r.get("field") not in contacts:
                continue
            r[c] = None if policy == "drop" else _hash(str(r[c]), salt)
        out.append(r)
    return out


def apply_to_result(result: PageResult, policy: str) -> PageResult:
    """The page's rows with the policy applied, before they are stored or written.

    Applied once per page when it is extracted, so the stored state under OUT_DIR/.state holds
    no more personal data than the tables (a change of policy re-extracts every page).
    """
    if policy == "keep":
        return result
    out = dataclasses.replace(result)
    if result.project is not None:
        # the same columns with contact values hashed or None: still a project row
        out.project = cast("ProjectRow", apply_policy("project_pages", [cast(dict[str, Any], result.project)], policy)[0])
    issue_rows = apply_policy("issues", [dataclasses.asdict(i) for i in result.issues], policy)
    out.issues = [type(i)(**r) for i, r in zip(result.issues, issue_rows)]
    out.rows = {t: apply_policy(t, rows, policy) for t, rows in result.rows.items()}
    return out
