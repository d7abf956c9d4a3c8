"""Find municipality and county mentions in a page's prose, each with a role.

Composed of two steps: `pipeline.places.scan` turns the text into tokens and candidate names
(every span written like a gazetteer name, capitalised as a proper noun or all-caps, keeping
its diacritics: "Habo" is not "Håbo", "Uppsala" never yields Sala, and "Region Stockholm" is
a county, not the municipality inside it), and `pipeline.places.roles` decides which
candidates are places and in which role (listed/named/owner/mentioned; the rules are
described there). This module adds what the caller knows - the page's Kommun list (`listed`)
and the owner string (`owner`: "Botkyrka kommun", "BOTKYRKA KOMMUN") - deduplicates, and
lets a listed/named/owner municipality imply its county with the same role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.places.gazetteer import (
    County,
    Municipality,
    county_by_code,
    lookup_county,
    lookup_municipality,
    municipality_by_code,
)
from pipeline.places.roles import (
    INDEXED_WORDS,
    ROLE_LISTED,
    ROLE_MENTIONED,
    ROLE_NAMED,
    ROLE_OWNER,
    ROLE_PARTNER,
    ROLES,
    assign_roles,
    owner_places,
)
from pipeline.places.scan import Scan, scan

__all__ = [
    "ROLES",
    "ROLE_LISTED",
    "ROLE_MENTIONED",
    "ROLE_NAMED",
    "ROLE_OWNER",
    "ROLE_PARTNER",
    "CountyMention",
    "Doubtful",
    "PlaceMention",
    "PlaceResult",
    "find_places",
    "find_places_strict",
    "project_municipalities",
]

CONTEXT_CHARS = 30


@dataclass(frozen=True)
class PlaceMention:
    kommunkod: str
    kommun: str
    lanskod: str
    lan: str
    esf_region: str
    nuts2: str
    role: str
    evidence: str  # the matched text with ~30 characters of context


@dataclass(frozen=True)
class CountyMention:
    lanskod: str
    lan: str
    role: str
    evidence: str


@dataclass(frozen=True)
class Doubtful:
    name: str
    reason: str
    evidence: str


@dataclass(frozen=True)
class PlaceResult:
    mentions: tuple[PlaceMention, ...]  # deduplicated per (kommunkod, role), page order
    counties: tuple[CountyMention, ...]  # deduplicated per (lanskod, role)
    unmatched_list_items: tuple[str, ...]  # Kommun-list items that are not a municipality
    doubtful: tuple[Doubtful, ...]


def _evidence(s: Scan, start: int, end: int) -> str:
    """The matched tokens with ~30 characters on each side."""
    if start >= end or end > s.n:
        return ""
    a, b = s.offset(start), s.offset(end - 1) + len(s.words[end - 1])
    return " ".join(s.text[max(0, a - CONTEXT_CHARS) : b + CONTEXT_CHARS].split())  # whitespace runs -> one space


def _mention(m: Municipality, role: str, evidence: str) -> PlaceMention:
    return PlaceMention(m.kommunkod, m.kommun, m.lanskod, m.lan, m.esf_region, m.nuts2, role, evidence)


def _county_mention(c: County, role: str, evidence: str) -> CountyMention:
    return CountyMention(c.lanskod, c.lan, role, evidence)


def _analyse_text(text: str, title: str | None = None) -> tuple[list[PlaceMention], list[CountyMention], list[Doubtful]]:
    """Scan the prose, assign roles, and turn the results into mentions with evidence."""
    s = scan(text, INDEXED_WORDS)
    roles = assign_roles(s, title)
    mentions: list[PlaceMention] = []
    counties: list[CountyMention] = []
    for f in roles.found:
        if f.kind == "muni":
            m = municipality_by_code(f.code)
            if m is not None:
                mentions.append(_mention(m, f.role, _evidence(s, f.start, f.end)))
        else:
            c = county_by_code(f.code)
            if c is not None:
                counties.append(_county_mention(c, f.role, _evidence(s, f.start, f.end)))
    doubtful = [Doubtful(s.span_text(d.start, d.end), d.reason, _evidence(s, d.start, d.end)) for d in roles.doubtful]
    return mentions, counties, doubtful


@lru_cache(maxsize=4096)
def _owner_places(owner: str) -> tuple[tuple[PlaceMention, ...], tuple[CountyMention, ...]]:
    """Municipal organisations (`X kommun`, `Xs stad`, `Region Gotland`) and counties in the owner.
    Cached: the same owners run many projects."""
    ev = re.sub(r"\s+", " ", owner).strip()[:120]
    munis: list[PlaceMention] = []
    counties: list[CountyMention] = []
    for kind, code in owner_places(scan(owner, INDEXED_WORDS)):
        if kind == "muni":
            m = municipality_by_code(code)
            if m is not None:
                munis.append(_mention(m, ROLE_OWNER, ev))
        else:
            c = county_by_code(code)
            if c is not None:
                counties.append(_county_mention(c, ROLE_OWNER, ev))
    return tuple(munis), tuple(counties)


def _clean_item(item: str) -> str:
    return re.sub(r"\s+", " ", item).strip(" \t•*·-–,.;:")


def _dedupe_mentions(ms: Iterable[PlaceMention]) -> tuple[PlaceMention, ...]:
    seen: set[tuple[str, str]] = set()
    out = []
    for m in ms:
        if (m.kommunkod, m.role) not in seen:
            seen.add((m.kommunkod, m.role))
            out.append(m)
    return tuple(out)


def _dedupe_counties(cs: Iterable[CountyMention]) -> tuple[CountyMention, ...]:
    seen: set[tuple[str, str]] = set()
    out = []
    for c in cs:
        if (c.lanskod, c.role) not in seen:
            seen.add((c.lanskod, c.role))
            out.append(c)
    return tuple(out)


def find_places_strict(text: str, *, listed_items: Sequence[str] = (), owner: str | None = None,
                       title: str | None = None) -> PlaceResult:
    """`find_places` without its guard: an unexpected failure raises (for tests)."""
    owner_munis: tuple[PlaceMention, ...] = ()
    owner_counties: tuple[CountyMention, ...] = ()
    if isinstance(owner, str) and owner.strip():
        owner_munis, owner_counties = _owner_places(owner)
    text_munis, text_counties, doubtful = _analyse_text(text if isinstance(text, str) else "",
                                                        title if isinstance(title, str) else None)

    listed: list[PlaceMention] = []
    listed_counties: list[CountyMention] = []
    unmatched: list[str] = []
    for raw in listed_items or ():
        if not isinstance(raw, str):
            continue
        item = _clean_item(raw)
        if not item:
            continue
        m = lookup_municipality(item)
        if m is not None:
            listed.append(_mention(m, ROLE_LISTED, f"Kommun: {item}"))
            continue
        unmatched.append(item)
        c = lookup_county(item)
        if c is not None:
            listed_counties.append(_county_mention(c, ROLE_LISTED, f"Kommun: {item}"))

    mentions = [*owner_munis, *text_munis, *listed]
    implied: list[CountyMention] = []
    for pm in mentions:
        if pm.role in (ROLE_LISTED, ROLE_NAMED, ROLE_OWNER):
            county = county_by_code(pm.lanskod)
            if county is not None:
                implied.append(_county_mention(county, pm.role, f"via {pm.kommun}: {pm.evidence}"))
    all_counties = [*owner_counties, *text_counties, *listed_counties, *implied]
    return PlaceResult(
        mentions=_dedupe_mentions(mentions),
        counties=_dedupe_counties(all_counties),
        unmatched_list_items=tuple(unmatched),
        doubtful=tuple(doubtful),
    )


def find_places(text: str, *, listed_items: Sequence[str] = (), owner: str | None = None,
                title: str | None = None) -> PlaceResult:
    """Municipality and county mentions of one page, with roles; never raises.

    `text` is the page prose (the fact block removed by the caller), `listed_items` the items of
    the page's Kommun list, `owner` the owning organisation as written and `title` the project's
    name (the subject of sentences naming where it works). An unexpected failure
    is reported as a single `Doubtful` (reason "internal error") so one odd page cannot stop a
    nightly run.
    """
    try:
        return find_places_strict(text, listed_items=listed_items, owner=owner, title=title)
    except Exception as exc:  # pragma: no cover - defensive; the property tests run find_places_strict
        return PlaceResult((), (), (), (Doubtful("", f"internal error: {type(exc).__name__}: {exc}", ""),))


def project_municipalities(result: PlaceResult) -> list[PlaceMention]:
    """The project's municipalities: the Kommun list if the page has one, else the prose-named
    ones. Owner and incidental mentions never count on their own (an owner works for others;
    a place in background text is not where the project runs)."""
    for role in (ROLE_LISTED, ROLE_NAMED):
        picked: list[PlaceMention] = []
        seen: set[str] = set()
        for m in result.mentions:
            if m.role == role and m.kommunkod not in seen:
                seen.add(m.kommunkod)
                picked.append(m)
        if picked:
            return picked
    return []
