"""Normalisation: raw strings as written -> typed, canonical values of a project record.

Every value that cannot be read unambiguously becomes None plus an Issue that names the
field, the reason and the text: precision before recall.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from typing import Any

from pipeline.values.amounts import parse_amount_detailed
from pipeline.values.dates import date_problem, parse_date, parse_period
from pipeline.project.fields import RawProject
from pipeline.models import Issue
from pipeline.values.period import infer_period
from pipeline.values.regions import canonical_region, region_nuts2

DNR = re.compile(r"^(?:\d{4}/\d{5}|\d{2}-\d{3}-[A-Z]\d{2})$")
AREA_CODE = re.compile(r"^(?:Programområde\s*)?(?P<code>[1-4]|[A-F])(?:\.\d+)?(?:\s|$|[,:])", re.IGNORECASE)
OBJECTIVE_CODE = re.compile(r"^(?:\d\.\d|[A-F]\d[A-Z]?)$")
_OBJECTIVE_LEAD = re.compile(r"^(\d\.\d)\s+[A-ZÅÄÖ]")
PCT = re.compile(r"(?P<n>\d{1,3}(?:[.,]\d+)?)\s*(?:%|procent)")
UNIT_WORDS = re.compile(
    r"\b(förvaltning\w*|\w*förvaltningen|\w*kontor(et)?|\w*avdelning\w*|\w*enhet(en)?|\w*nämnd(en)?|"
    r"sektion\w*|\w*museum|institution\w*|\w*verksamhet(en)?|\w*centrum|\w*center)\b",
    re.IGNORECASE,
)
# Precompiled: re.fullmatch(str, ...) looks the pattern up in re's cache on every call.
_INT = re.compile(r"\d{1,9}")
_NON_DIGIT = re.compile(r"\D")
_DIGIT_OR_AT = re.compile(r"\d|@")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_INTERVENTION = re.compile(r"\d{1,4}")
_SPACE = re.compile(r"\s")
_POSTCODE = re.compile(r"\d{5}")
FUND_NAMES = [
    (re.compile(r"ESF\+|Social Fund Plus|socialfonden\+|ESF-plus", re.IGNORECASE), "ESF+"),
    (re.compile(r"\bAMIF\b|Asyl-, migrations- och integrationsfonden"), "AMIF"),
    (re.compile(r"\bInterreg\b"), "Interreg"),
    (re.compile(r"\bERUF\b|regionala utvecklingsfonden|EU:s regionala fond\b|Regionalfonden|Regional Development Fund", re.IGNORECASE), "ERUF"),
    (re.compile(r"\bESF\b|[Ss]ocialfonden|Social Fund"), "ESF"),
]


def programme_area_code(text: str) -> str | None:
    """'Programområde 2 Ökat arbetskraftsutbud' -> '2'; '1.1 Kompetensförsörjning' -> '1'; 'C' -> 'C'."""
    m = AREA_CODE.match(" ".join(text.split()) + " ")
    return m.group("code").upper() if m else None


def clean_owner(text: str) -> tuple[str | None, str | None]:
    """Owner as written with a repeated name collapsed, and a department after a comma split off.

    'Samordningsförbundet RAR Sörmland, Samordningsförbundet RAR' -> ('Samordningsförbundet RAR Sörmland', None)
    'Region Västmanland, Regionala utvecklingsförvaltningen' -> ('Region Västmanland', 'Regionala utvecklingsförvaltningen')
    'SKL, Sveriges kommuner och landsting' stays whole: the second part is no department.
    """
    s = " ".join(text.split()).strip(" ,")
    if not s:
        return None, None
    parts = [p.strip() for p in s.split(",") if p.strip()]
    if len(parts) == 2:
        a, b = parts
        if b.casefold() in a.casefold() or a.casefold() in b.casefold():
            return (a if len(a) >= len(b) else b), None
        if UNIT_WORDS.search(b) and not UNIT_WORDS.search(a):
            return a, b
    return s, None


def project_key(diarienummer: str | None, title: str | None, owner: str | None) -> str:
    """The diarienummer when known, else a stable hash of normalised title + owner."""
    if diarienummer:
        return diarienummer
    norm = "|".join(
        " ".join(unicodedata.normalize("NFKC", x or "").casefold().split()) for x in (title, owner)
    )
    return "h:" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def _issue(field: str, code: str, message: str, evidence: str | None, severity: str = "warning") -> Issue:
    return Issue("", None, field, severity, code, message, evidence)


def _int(text: str) -> int | None:
    s = text.replace(" ", "")
    return int(s) if _INT.fullmatch(s) else None


def normalise_project(raw: RawProject, page_text: str = "") -> tuple[dict[str, Any], list[Issue]]:
    """Typed project record (project_pages columns) and the issues met on the way."""
    v = raw.values
    ev = raw.evidence
    issues: list[Issue] = list(raw.issues)
    rec: dict[str, Any] = {}

    dnr = (v.get("diarienummer") or "").strip()
    if dnr and not DNR.match(dnr):
        issues.append(_issue("diarienummer", "malformed_diarienummer", f"not a diarienummer: {dnr!r}", ev.get("diarienummer")))
        dnr = ""
    rec["diarienummer"] = dnr or None
    rec["title"] = v.get("title") or None
    owner, unit = clean_owner(v.get("owner", ""))
    rec["owner"], rec["owner_unit"] = owner, unit
    org = _NON_DIGIT.sub("", v.get("owner_org_number", ""))
    rec["owner_org_number"] = (org[:6] + "-" + org[6:]) if len(org) == 10 else None
    if v.get("owner_org_number") and rec["owner_org_number"] is None:
        issues.append(_issue("owner_org_number", "malformed_org_number", "not a 10-digit organisation number", ev.get("owner_org_number")))
    name = (v.get("contact_name") or "").strip()
    if name and (_DIGIT_OR_AT.search(name) or len(name.split()) > 5):
        issues.append(_issue("contact_name", "not_a_name", f"contact is not a person's name: {name!r}", ev.get("contact_name")))
        name = ""
    rec["contact_name"] = name or None
    email = v.get("contact_email", "").strip()
    if email and not _EMAIL.fullmatch(email):
        issues.append(_issue("contact_email", "malformed_email", f"not an e-mail address: {email!r}", ev.get("contact_email")))
        email = ""
    rec["contact_email"] = email or None
    rec["contact_phone"] = v.get("contact_phone") or None

    region = None
    if v.get("region"):
        region = canonical_region(v["region"])
        if region is None:
            issues.append(_issue("region", "unknown_region", f"not one of the nine ESF regions: {v['region']!r}", ev.get("region")))
    rec["region"] = region
    rec["nuts2"] = region_nuts2(region) if region else None

    area_text = v.get("programme_area")
    fund = _fund(raw, page_text)
    rec["fund"] = fund
    area = programme_area_code(area_text) if area_text else None
    if area_text and area is None:
        if fund in {"ESF", "ESF+"}:
            issues.append(_issue("programme_area", "unknown_programme_area", f"no programme area code in {area_text!r}", ev.get("programme_area")))
        else:
            area = area_text  # another fund's priority area, kept as written
    rec["programme_area"] = area
    so = (v.get("specific_objective") or "").strip()
    lead = _OBJECTIVE_LEAD.match(so)
    if lead:
        so = lead.group(1)  # the code before the objective's name: "1.1 Stärka ställningen ..."
    if so and not OBJECTIVE_CODE.match(so) and fund in {"ESF", "ESF+"}:
        issues.append(_issue("specific_objective", "unknown_specific_objective", f"not an objective code: {so!r}", ev.get("specific_objective")))
        so = ""
    rec["specific_objective"] = so or None
    rec["phase"] = v.get("phase") or None

    for fld in ("eu_grant_sek", "total_budget_sek"):
        rec[fld] = None
        if v.get(fld):
            amount, why = parse_amount_detailed(v[fld])
            if amount is None:
                issues.append(_issue(fld, "unreadable_amount", f"amount dropped: {why}", ev.get(fld)))
            rec[fld] = amount

    _other_fund_grant(rec, v, ev, fund, issues)

    rate = None
    for fld in ("eu_cofinancing_rate_pct", "eu_contribution"):
        if rate is None and v.get(fld):
            m = PCT.search(v[fld])
            if m:
                rate = float(m.group("n").replace(",", "."))
            elif fld == "eu_cofinancing_rate_pct":
                issues.append(_issue(fld, "unreadable_rate", "no percentage in the value", ev.get(fld)))
    rec["eu_cofinancing_rate_pct"] = rate

    start, end = _dates(v, ev, issues)
    rec["start_date"], rec["end_date"] = start, end

    pp = v.get("planned_participants")
    rec["planned_participants"] = _int(pp) if pp else None
    if pp and rec["planned_participants"] is None:
        issues.append(_issue("planned_participants", "unreadable_number", "not a whole number", ev.get("planned_participants")))
    it = (v.get("intervention_type") or "").strip()
    rec["intervention_type"] = it if _INTERVENTION.fullmatch(it) else None
    if it and rec["intervention_type"] is None:
        issues.append(_issue("intervention_type", "unreadable_code", "not an intervention code", ev.get("intervention_type")))
    pc = _SPACE.sub("", v.get("beneficiary_postcode", ""))
    rec["beneficiary_postcode"] = pc if _POSTCODE.fullmatch(pc) else None

    rec["programme_period"] = None  # set by assign_programme_period, after validation
    rec["summary"] = None
    rec["call_id"] = v.get("call_id") if v.get("call_id") and DNR.match(v["call_id"]) else None
    return rec, issues


def assign_programme_period(rec: dict[str, Any], raw: RawProject) -> list[Issue]:
    """The programme period from codes, names and dates, once validation has dropped the
    values it could not trust (a dropped date is no evidence)."""
    fund, start, end = rec.get("fund"), rec.get("start_date"), rec.get("end_date")
    area = rec.get("programme_area")
    esf = fund in ("ESF", "ESF+")
    period, problem = infer_period(
        diarienummer=rec.get("diarienummer"), programme_area=area if area and len(area) == 1 else None,
        programme_area_text=raw.values.get("programme_area"), specific_objective=rec.get("specific_objective"),
        fund=fund, programme_period_label=raw.values.get("programme_period"),
        # dates only say which ESF programme when the page is known to be about the ESF
        start=start if esf else None, end=end if esf else None,
    )
    issues = []
    if problem:
        issues.append(_issue("programme_period", "ambiguous_programme_period", problem, None, "info"))
    if fund not in (None, "ESF", "ESF+"):
        period = None  # the ESF programme periods do not apply to other funds
    rec["programme_period"] = period
    if fund == "ESF" and period == "2021-2027":
        rec["fund"] = "ESF+"
    return issues


def _other_fund_grant(rec: dict[str, Any], v: dict[str, str], ev: dict[str, str], fund: str | None,
                      issues: list[Issue]) -> None:
    """Another EU fund's grant ('Beviljat AMIF-stöd', 'Regionalfonden finansierar med ...') is the
    grant of the page's fund: it goes to eu_grant_sek (the `fund` column says which fund) when
    the page has no ESF grant and the grant's own words name the page's fund."""
    text = v.get("other_fund_grant_sek")
    if not text or rec.get("eu_grant_sek") is not None or v.get("eu_grant_sek") or fund in (None, "ESF", "ESF+"):
        return
    said = ev.get("other_fund_grant_sek", "")
    if not any(name == fund and pat.search(said) for pat, name in FUND_NAMES):
        return
    amount, why = parse_amount_detailed(text)
    if amount is None:
        issues.append(_issue("eu_grant_sek", "unreadable_amount", f"{fund} grant dropped: {why}", said))
    rec["eu_grant_sek"] = amount


def _fund(raw: RawProject, page_text: str) -> str | None:
    """The EU fund: the 'Berörd fond'/'Fund' label, the grant label, else the page's words."""
    label = raw.values.get("fund")
    if label:
        for pat, name in FUND_NAMES:
            if pat.search(label):
                return name
    if raw.values.get("eu_grant_sek"):
        ev = raw.evidence.get("eu_grant_sek", "")
        return "ESF+" if "ESF+" in ev else "ESF"
    if raw.values.get("other_fund_grant_sek"):
        ev = raw.evidence.get("other_fund_grant_sek", "")
        for pat, name in FUND_NAMES:
            if pat.search(ev):
                return name
    named = {name for pat, name in FUND_NAMES if pat.search(page_text)}
    if named == {"ESF+", "ESF"}:
        named = {"ESF+"}  # "ESF+" also matches the ESF patterns
    return named.pop() if len(named) == 1 else None  # several funds named: not ours to pick


def _dates(v: dict[str, str], ev: dict[str, str], issues: list[Issue]) -> tuple[date | None, date | None]:
    start = end = None
    p_start = p_end = None
    if v.get("period"):
        p_start, p_end = parse_period(v["period"])
        if p_start is None or p_end is None:
            problem = date_problem(v["period"]) or "unreadable period"
            issues.append(_issue("start_date" if p_start is None else "end_date", "unreadable_date", problem, ev.get("period")))
    for fld in ("start_date", "end_date"):
        if v.get(fld):
            d = parse_date(v[fld])
            if d is None:
                problem = date_problem(v[fld]) or "unreadable date"
                code = "month_only_date" if problem == "month-only date" else "unreadable_date"
                issues.append(_issue(fld, code, problem, ev.get(fld)))
            if fld == "start_date":
                start = d
            else:
                end = d
    for name, single, from_period in (("start_date", start, p_start), ("end_date", end, p_end)):
        if single and from_period and single != from_period:
            issues.append(_issue(name, "conflicting_values", f"{single} (own label) vs {from_period} (period)", ev.get("period")))
    if start is None:
        start = p_start
    elif p_start and p_start != start:
        start = None
    if end is None:
        end = p_end
    elif p_end and p_end != end:
        end = None
    return start, end
