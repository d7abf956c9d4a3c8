"""Personal data (GDPR): the `--contacts keep|hash|drop` policy applied to a page's rows.

`keep` (the default) leaves every row as extracted. `drop` and `hash` cover every table and
column a page contributes to, before its rows are stored in the state or written:
- the contact columns (those schemas/ marks personal_data: contact_name, contact_email,
  contact_phone) become None, or their keyed token (`personal.ContactPolicy.token`);
- `page_fields` values under a contact label (a contact field of labels.csv, or a label
  `personal.is_contact_label` knows: Kontakt, Mobil, Projektkoordinator ...) and the evidence
  of issues about a contact field likewise; such issues' messages lose their quoted values;
- every other string (summary, background, objectives, issue messages and evidence, calls,
  regional plans, page reasons and kind evidence) has its e-mail addresses, phone numbers,
  web-address query strings and the page's contacts' names masked;
- `source_url` (every column named *_url) keeps scheme, host and path only.
The names are those the page gives for its contacts: the contact_name, person names under
contact labels in its fact block and in contact issues, the person a contact's first.last@
address names, and names right after a contact word in its text ('Kontakta projektledaren
Anna Berg'), except the page's own owner.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any, Iterator, cast

from pipeline.models import PageResult
from pipeline.tables.personal import POLICIES, SALT_ENV, ContactPolicy, DROPPED, find_personal, is_contact_label, \
    person_names_in
from pipeline.tables.schemas import load_schema

if TYPE_CHECKING:
    from pipeline.project.record import ProjectRow

__all__ = ["POLICIES", "SALT_ENV", "ContactPolicy", "apply_policy", "apply_to_result", "contact_fields",
           "page_names", "personal_columns"]

# identifiers: the state and the tables are keyed on them (a file name is the operator's to choose)
_IDS = frozenset({"source_file", "source_files", "page_sha256", "project_key"})
_FIELD_KIND = {"contact_name": "name", "contact_email": "email", "contact_phone": "phone"}
# a value quoted in an issue message (as repr() quotes it; the ' of "person's" opens none)
_QUOTED = re.compile(r"(?<!\w)(?:'[^'\n]*'|\"[^\"\n]*\")(?!\w)")
# an address of the form first.last@ names its person: 'anna.berg@...' -> 'Anna Berg'
_NAME_ADDRESS = re.compile(r"^([a-zåäöéü]{2,})(?:[._-]([a-zåäöéü]{2,}))?[._-]([a-zåäöéü]{2,})\s*(?:@|[(\[{<]\s*(?:at|a|@)\s*[)\]}>])",
                           re.IGNORECASE)


def personal_columns(table: str) -> set[str]:
    """The columns schemas/ marks as personal data in a table."""
    return {c.name for c in load_schema(table).columns if c.personal_data}


def contact_fields() -> set[str]:
    """The contact columns (those of project_pages that are personal data): the field names
    whose issue evidence and page_fields values are personal too."""
    return personal_columns("project_pages")


def _policy(policy: ContactPolicy | str) -> ContactPolicy:
    return policy if isinstance(policy, ContactPolicy) else ContactPolicy.from_env(policy)


def _is_contact_row(table: str, row: dict[str, Any]) -> bool:
    """A page_fields or issues row about a contact: its value or evidence is personal as a whole."""
    fld = row.get("field")
    if fld in _FIELD_KIND:
        return True
    return table == "page_fields" and is_contact_label(str(row.get("label") or ""))


def _kind(value: str, column: str | None = None, field: str | None = None) -> str:
    """How a whole value is hashed: by its column or field, else by its shape."""
    from pipeline.project.readers.contacts import person_name

    if column in _FIELD_KIND:
        return _FIELD_KIND[column]
    if field in ("contact_email", "contact_phone"):
        return _FIELD_KIND[field]
    spans = find_personal(value)
    if len(spans) == 1 and spans[0].start == 0 and spans[0].end == len(value.strip()) and spans[0].kind != "url":
        return spans[0].kind
    return "name" if person_name(value) == " ".join(value.split()) else "text"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, str))


def page_names(result: PageResult) -> set[str]:
    """The names of the people a page gives as contacts (see the module docstring)."""
    from pipeline.project.readers.contacts import person_name

    names: set[str] = set()
    owners: set[str] = set()
    texts: list[str] = []
    if result.project is not None:
        row = cast(dict[str, Any], result.project)
        if row.get("contact_name"):
            names.add(str(row["contact_name"]))
        owners.update(" ".join(str(row[k]).split()).casefold() for k in ("owner", "owner_unit") if row.get(k))
        texts.extend(s for k, v in row.items() if k not in _IDS for s in _strings(v))
        if row.get("contact_email"):
            names.update(_address_name(str(row["contact_email"])))
    for r in result.rows.get("page_fields", []):
        if _is_contact_row("page_fields", r) and r.get("value"):
            value = str(r["value"])
            names.update(n for n in (person_name(value), *_address_name(value)) if n)
    for i in result.issues:
        texts.extend(s for s in (i.message, i.evidence) if s)
        if i.field in _FIELD_KIND:
            for q in _QUOTED.findall(i.message):
                names.update(n for n in (person_name(q[1:-1]), *_address_name(q[1:-1])) if n)
    for t, rows in result.rows.items():
        texts.extend(s for r in rows for k, v in r.items() if k not in _IDS for s in _strings(v))
    texts.extend(s for s in (result.reason, result.kind_evidence) if s)
    for s in texts:
        names.update(person_names_in(s))
    return {n for n in names if " ".join(n.split()).casefold() not in owners}  # an owner is no person


def _address_name(value: str) -> list[str]:
    """The person a contact's e-mail address names ('anna.berg@kommun.se' -> 'Anna Berg'), if
    it has the first.last form."""
    m = _NAME_ADDRESS.match(value.strip())
    return [" ".join(w.capitalize() for w in m.groups() if w)] if m else []


def _mask_row(table: str, row: dict[str, Any], policy: ContactPolicy, names: tuple[str, ...]) -> dict[str, Any]:
    personal = personal_columns(table)
    contact_row = _is_contact_row(table, row)
    out: dict[str, Any] = {}
    for k, v in row.items():
        if v is None or k in _IDS:
            out[k] = v
        elif k in personal and (contact_row or table in ("project_pages", "projects")):
            out[k] = policy.whole(_kind(str(v), k, row.get("field")), str(v)) if isinstance(v, str) else None
        elif k.endswith("_url") and isinstance(v, str):
            out[k] = policy.url(v)
        elif isinstance(v, str):
            out[k] = policy.mask(v, names)
        elif isinstance(v, list):
            out[k] = [policy.mask(x, names) if isinstance(x, str) else x for x in v]
        else:
            out[k] = v
    if table == "issues" and contact_row and isinstance(row.get("message"), str):
        # the message quotes the contact's value: every quoted value goes, the rest is masked
        kind = _FIELD_KIND.get(str(row.get("field")), "text")
        message, parts, at = str(row["message"]), [], 0
        for m in _QUOTED.finditer(message):
            parts += [policy.mask(message[at:m.start()], names) or "", m.group(0)[0],
                      _quoted(policy, kind, m.group(0)[1:-1]), m.group(0)[0]]
            at = m.end()
        out["message"] = "".join(parts) + (policy.mask(message[at:], names) or "")
    return out


def _quoted(policy: ContactPolicy, kind: str, value: str) -> str:
    """A value quoted in a contact issue's message, masked as what it is (a contact_name that is
    an e-mail address is masked as one)."""
    if not value:
        return value
    shape = _kind(value)
    kind = shape if shape in ("email", "phone") else kind
    return DROPPED.get(kind, DROPPED["text"]) if policy.mode == "drop" else policy.token(kind, value)


def apply_policy(table: str, rows: list[dict[str, Any]], policy: ContactPolicy | str,
                 names: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Rows of a table with the policy applied (new dicts; the input is untouched). `names`:
    the page's contacts' names, masked wherever they occur."""
    pol = _policy(policy)
    if pol.mode == "keep" or not rows:
        return rows
    return [_mask_row(table, r, pol, names) for r in rows]


def apply_to_result(result: PageResult, policy: ContactPolicy | str) -> PageResult:
    """The page with the policy applied to all it contributes, before it is stored or written.

    Applied once per page where it is extracted, so the state under OUT_DIR/.state holds no
    more personal data than the tables (a change of policy or salt re-extracts every page)."""
    pol = _policy(policy)
    if pol.mode == "keep":
        return result
    names = tuple(sorted(page_names(result)))
    out = dataclasses.replace(result, source_url=pol.url(result.source_url), reason=pol.mask(result.reason, names),
                              kind_evidence=pol.mask(result.kind_evidence, names))
    if result.project is not None:
        out.project = cast("ProjectRow", _mask_row("project_pages", cast(dict[str, Any], result.project), pol, names))
    out.issues = []
    for i in result.issues:
        masked = _mask_row("issues", dataclasses.asdict(i), pol, names)
        out.issues.append(dataclasses.replace(i, message=masked["message"], evidence=masked["evidence"]))
    out.rows = {t: apply_policy(t, rows, pol, names) for t, rows in result.rows.items()}
    return out
