"""Normalisation: raw strings as written -> typed, canonical values of a project record.

Every value that cannot be read unambiguously becomes None plus an Issue that names the
field, the reason and the text: precision before recall.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from pipeline.values.amounts import parse_amount_detailed
from pipeline.values.dates import date_problem, parse_date, parse_period
from pipeline.project.fields import RawProject
from pipeline.models import Issue, issue
from pipeline.places.gazetteer import counties, variants
from pipeline.resources import data_file
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
    'Kommunförbundet Skåne, Kommunförbundet Skåne' -> ('Kommunförbundet Skåne', 'Kommunförbundet Skåne'):
    the bank's 'organisation, unit' where the unit carries the organisation's own name; the
    owner is the organisation, and the unit is kept as written (the labels keep it).
    'Region Västmanland, Regionala utvecklingsförvaltningen' -> ('Region Västmanland', 'Regionala utvecklingsförvaltningen')
    'SKL, Sveriges kommuner och landsting' stays whole: the second part is no department.
    """
    s = " ".join(text.split()).strip(" ,")
    if not s:
        return None, None
    parts = [p.strip() for p in s.split(",") if p.strip()]
    if len(parts) == 2:
        a, b = parts
        if a.casefold() == b.casefold():
            return a, b
        if b.casefold() in a.casefold() or a.casefold() in b.casefold():
            return (a if len(a) >= len(b) else b), None
        if UNIT_WORDS.search(b) and not UNIT_WORDS.search(a):
            return a, b
    return s, None


@lru_cache(maxsize=1)
def _name_words() -> dict[str, str]:
    """Upper-case word -> its spelling in organisation names: the gazetteer's place words (with
    their genitive, "Botkyrkas") and `data/owner_words.csv` (organisation and function words)."""
    words: dict[str, str] = {}
    places = [v.variant for v in variants()] + [c.lan for c in counties()]
    for name in places:
        for w in re.split(r"[\s-]+", name):
            if w and w[0].isupper():
                words.setdefault(w.upper(), w)
                if not w.endswith("s"):
                    words.setdefault((w + "s").upper(), w + "s")
    with data_file("owner_words.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            words[r["word"].upper()] = r["word"]
    return words


_SUFFIX_WORDS = frozenset({"kommun", "stad", "län"})
_LETTERS = re.compile(r"[^\W\d_]")


def owner_name(owner: str | None) -> str | None:
    """The owner's canonical spelling, for grouping: one form however a page writes it.

    'BOTKYRKA KOMMUN' -> 'Botkyrka kommun'; 'Göteborgs Stad' -> 'Göteborgs stad' (kommun, stad,
    län in lower case after a name); 'arbetsmarknadsförvaltningen i Malmö stad' -> 'Arbetsmarknads...'
    (a name starts with a capital); 'Lunds kommun Lunds kommun' -> 'Lunds kommun' (a repeated
    name collapsed). A name in capitals is re-cased word by word from the gazetteer and
    data/owner_words.csv (short unknown words, or a name of one word, stay as acronyms: 'ABF',
    'KFUM'); with a longer unknown
    word there is no telling its spelling, and the result is None (the owner column keeps it).
    """
    if not owner or not owner.strip():
        return None
    words = owner.split()
    half = len(words) // 2
    if half and len(words) % 2 == 0 and [w.casefold() for w in words[:half]] == [w.casefold() for w in words[half:]]:
        words = words[half:] if words[:half] == [w.upper() for w in words[:half]] else words[:half]
    letters = "".join(_LETTERS.findall(" ".join(words)))
    if letters.isupper() and any(len(w) >= 4 for w in words):
        known = _name_words()
        out = []
        for w in words:
            parts = []
            for part in w.split("-"):
                core = part.strip(".,()&/")
                if not _LETTERS.search(core):
                    parts.append(part)
                elif core in known or core.upper() in known:
                    parts.append(part.replace(core, known.get(core, known.get(core.upper(), core))))
                elif len(core) <= 3 or len(words) == 1:
                    parts.append(part)  # an acronym ("ABF", a one-word "KFUM")
                else:
                    return None  # no telling how the word is spelt
            out.append("-".join(parts))
        words = out
    words[0] = words[0][:1].upper() + words[0][1:]  # a name starts with a capital
    return " ".join([words[0]] + [w.lower() if w.lower() in _SUFFIX_WORDS else w for w in words[1:]])


def project_key(diarienummer: str | None, title: str | None, owner: str | None) -> str:
    """The diarienummer when known, else a stable hash of normalised title + owner."""
    if diarienummer:
        return diarienummer
    norm = "|".join(
        " ".join(unicodedata.normalize("NFKC", x or "").casefold().split()) for x in (title, owner)
    )
    return "h:" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def _int(text: str) -> int | None:
    s = text.replace(" ", "")
    return int(s) if _INT.fullmatch(s) else None


@dataclass(frozen=True)
class ProjectValues:
    """A project page's values as normalised (typed, canonical; None where unreadable).

    The project_pages columns the fact block gives; `record.project_row` adds the page's,
    the places', the sections' and the programme period's. Every field defaults to None so
    that a test can give only the values it checks.
    """

    diarienummer: str | None = None
    title: str | None = None
    owner: str | None = None
    owner_name: str | None = None
    owner_unit: str | None = None
    owner_org_number: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    region: str | None = None
    nuts2: str | None = None
    fund: str | None = None
    programme_area: str | None = None
    specific_objective: str | None = None
    phase: str | None = None
    eu_grant_sek: int | None = None
    total_budget_sek: int | None = None
    eu_cofinancing_rate_pct: float | None = None
    start_date: date | None = None
    end_date: date | None = None
    planned_participants: int | None = None
    intervention_type: str | None = None
    beneficiary_postcode: str | None = None
    call_id: str | None = None


class Programme(NamedTuple):
    """The programme period a page belongs to, and its fund once the period is known."""

    period: str | None
    fund: str | None


def normalise_project(raw: RawProject, page_text: str = "") -> tuple[ProjectValues, list[Issue]]:
    """Typed project values and the issues met on the way."""
    v = raw.values
    ev = raw.evidence
    issues: list[Issue] = list(raw.issues)

    dnr = (v.get("diarienummer") or "").strip()
    if dnr and not DNR.match(dnr):
        issues.append(issue("malformed_diarienummer", f"not a diarienummer: {dnr!r}",
                            field="diarienummer", evidence=ev.get("diarienummer")))
        dnr = ""
    owner, unit = clean_owner(v.get("owner", ""))
    canonical = owner_name(owner)
    if owner and canonical is None:
        issues.append(issue("owner_spelling_unknown", f"no canonical spelling of {owner!r}: a word of it is unknown",
                            field="owner_name", evidence=ev.get("owner")))
    org = _NON_DIGIT.sub("", v.get("owner_org_number", ""))
    org_number = (org[:6] + "-" + org[6:]) if len(org) == 10 else None
    if v.get("owner_org_number") and org_number is None:
        issues.append(issue("malformed_org_number", "not a 10-digit organisation number",
                            field="owner_org_number", evidence=ev.get("owner_org_number")))
    name = (v.get("contact_name") or "").strip()
    if name and (_DIGIT_OR_AT.search(name) or len(name.split()) > 5):
        issues.append(issue("not_a_name", f"contact is not a person's name: {name!r}",
                            field="contact_name", evidence=ev.get("contact_name")))
        name = ""
    email = v.get("contact_email", "").strip()
    if email and not _EMAIL.fullmatch(email):
        issues.append(issue("malformed_email", f"not an e-mail address: {email!r}",
                            field="contact_email", evidence=ev.get("contact_email")))
        email = ""

    region = None
    if v.get("region"):
        region = canonical_region(v["region"])
        if region is None:
            issues.append(issue("unknown_region", f"not one of the nine ESF regions: {v['region']!r}",
                                field="region", evidence=ev.get("region")))

    area_text = v.get("programme_area")
    fund = _fund(raw, page_text)
    area = programme_area_code(area_text) if area_text else None
    if area_text and area is None:
        if fund in {"ESF", "ESF+"}:
            issues.append(issue("unknown_programme_area", f"no programme area code in {area_text!r}",
                                field="programme_area", evidence=ev.get("programme_area")))
        else:
            area = area_text  # another fund's priority area, kept as written
    so = (v.get("specific_objective") or "").strip()
    lead = _OBJECTIVE_LEAD.match(so)
    if lead:
        so = lead.group(1)  # the code before the objective's name: "1.1 Stärka ställningen ..."
    if so and not OBJECTIVE_CODE.match(so) and fund in {"ESF", "ESF+"}:
        issues.append(issue("unknown_specific_objective", f"not an objective code: {so!r}",
                            field="specific_objective", evidence=ev.get("specific_objective")))
        so = ""

    amounts: dict[str, int | None] = {}
    for fld in ("eu_grant_sek", "total_budget_sek"):
        amounts[fld] = None
        if v.get(fld):
            amount, why = parse_amount_detailed(v[fld])
            if amount is None:
                issues.append(issue("unreadable_amount", f"amount dropped: {why}", field=fld, evidence=ev.get(fld)))
            amounts[fld] = amount

    _other_fund_grant(amounts, v, ev, fund, issues)

    rate = None
    for fld in ("eu_cofinancing_rate_pct", "eu_contribution"):
        if rate is None and v.get(fld):
            m = PCT.search(v[fld])
            if m:
                rate = float(m.group("n").replace(",", "."))
            elif fld == "eu_cofinancing_rate_pct":
                issues.append(issue("unreadable_rate", "no percentage in the value", field=fld, evidence=ev.get(fld)))

    start, end = _dates(v, ev, issues)

    pp = v.get("planned_participants")
    participants = _int(pp) if pp else None
    if pp and participants is None:
        issues.append(issue("unreadable_number", "not a whole number",
                            field="planned_participants", evidence=ev.get("planned_participants")))
    it = (v.get("intervention_type") or "").strip()
    intervention = it if _INTERVENTION.fullmatch(it) else None
    if it and intervention is None:
        issues.append(issue("unreadable_code", "not an intervention code",
                            field="intervention_type", evidence=ev.get("intervention_type")))
    pc = _SPACE.sub("", v.get("beneficiary_postcode", ""))

    values = ProjectValues(
        diarienummer=dnr or None,
        title=v.get("title") or None,
        owner=owner,
        owner_name=canonical,
        owner_unit=unit,
        owner_org_number=org_number,
        contact_name=name or None,
        contact_email=email or None,
        contact_phone=v.get("contact_phone") or None,
        region=region,
        nuts2=region_nuts2(region) if region else None,
        fund=fund,
        programme_area=area,
        specific_objective=so or None,
        phase=v.get("phase") or None,
        eu_grant_sek=amounts["eu_grant_sek"],
        total_budget_sek=amounts["total_budget_sek"],
        eu_cofinancing_rate_pct=rate,
        start_date=start,
        end_date=end,
        planned_participants=participants,
        intervention_type=intervention,
        beneficiary_postcode=pc if _POSTCODE.fullmatch(pc) else None,
        call_id=v.get("call_id") if v.get("call_id") and DNR.match(v["call_id"]) else None,
    )
    return values, issues


def assign_programme_period(values: ProjectValues, raw: RawProject) -> tuple[Programme, list[Issue]]:
    """The programme period from codes, names and dates, once validation has dropped the
    values it could not trust (a dropped date is no evidence); and the fund it implies."""
    fund, start, end = values.fund, values.start_date, values.end_date
    area = values.programme_area
    esf = fund in ("ESF", "ESF+")
    period, problem = infer_period(
        diarienummer=values.diarienummer, programme_area=area if area and len(area) == 1 else None,
        programme_area_text=raw.values.get("programme_area"), specific_objective=values.specific_objective,
        fund=fund, programme_period_label=raw.values.get("programme_period"),
        # dates only say which ESF programme when the page is known to be about the ESF
        start=start if esf else None, end=end if esf else None,
    )
    issues = []
    if problem:
        issues.append(issue("ambiguous_programme_period", problem, field="programme_period"))
    if fund not in (None, "ESF", "ESF+"):
        period = None  # the ESF programme periods do not apply to other funds
    if fund == "ESF" and period == "2021-2027":
        fund = "ESF+"
    return Programme(period, fund), issues


def _other_fund_grant(amounts: dict[str, int | None], v: dict[str, str], ev: dict[str, str], fund: str | None,
                      issues: list[Issue]) -> None:
    """Another EU fund's grant ('Beviljat AMIF-stöd', 'Regionalfonden finansierar med ...') is the
    grant of the page's fund: it goes to eu_grant_sek (the `fund` column says which fund) when
    the page has no ESF grant and the grant's own words name the page's fund."""
    text = v.get("other_fund_grant_sek")
    if not text or amounts.get("eu_grant_sek") is not None or v.get("eu_grant_sek") or fund in (None, "ESF", "ESF+"):
        return
    said = ev.get("other_fund_grant_sek", "")
    if not any(name == fund and pat.search(said) for pat, name in FUND_NAMES):
        return
    amount, why = parse_amount_detailed(text)
    if amount is None:
        issues.append(issue("unreadable_amount", f"{fund} grant dropped: {why}", field="eu_grant_sek", evidence=said))
    amounts["eu_grant_sek"] = amount


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
            issues.append(issue("unreadable_date", problem,
                                field="start_date" if p_start is None else "end_date", evidence=ev.get("period")))
    for fld in ("start_date", "end_date"):
        if v.get(fld):
            d = parse_date(v[fld])
            if d is None:
                problem = date_problem(v[fld]) or "unreadable date"
                issues.append(issue("month_only_date" if problem == "month-only date" else "unreadable_date",
                                    problem, field=fld, evidence=ev.get(fld)))
            if fld == "start_date":
                start = d
            else:
                end = d
    for name, single, from_period in (("start_date", start, p_start), ("end_date", end, p_end)):
        if single and from_period and single != from_period:
            issues.append(issue("conflicting_values", f"{single} (own label) vs {from_period} (period)",
                                field=name, evidence=ev.get("period")))
    if start is None:
        start = p_start
    elif p_start and p_start != start:
        start = None
    if end is None:
        end = p_end
    elif p_end and p_end != end:
        end = None
    return start, end
