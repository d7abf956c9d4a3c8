"""The place gazetteer: Sweden's 290 municipalities, 21 counties and 9 ESF regions, as data.

Everything here is read from CSV files shipped with the package, so a new variant or a
renamed municipality is a one-line data change, not a code change:

* `data/municipalities.csv` – kommunkod, kommun, lanskod, lan (SCB codes, zero-padded strings)
* `data/counties.csv` – lanskod, lan, esf_region, nuts2
* `data/variants.csv` – written forms real pages use (kind, code, variant, note):
  `municipality` (denotes the municipality on its own: spellings, old names, exonyms),
  `municipality_genitive` (only valid before `kommun`/`stad`: "Stenungsunds", "Falu"),
  `municipality_long` (a full name that already is the organisation: "Region Gotland"),
  `county` (denotes the county on its own: "Sörmland", "Stockholms län", "Region Skåne")
* `data/risky.csv` – municipality names that are also ordinary words or people's names;
  the recogniser only accepts them with place context
* `pipeline/data/esf_regions.csv` – the nine ESF regions (eight plus Nationellt) and variants

The official short name of each municipality is always a `municipality` variant; it is not
repeated in variants.csv.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.resources import PLACES_DATA_DIR as DATA_DIR
from pipeline.resources import data_file

ESF_REGIONS_CSV = data_file("esf_regions.csv")

# Words that turn a municipality name into its organisation ("Lunds kommun", "Västerås stad").
MUNICIPALITY_WORDS = ("kommun", "stad")

VARIANT_KINDS = ("municipality", "municipality_genitive", "municipality_long", "county")


@dataclass(frozen=True)
class Municipality:
    kommunkod: str
    kommun: str
    lanskod: str
    lan: str
    esf_region: str
    nuts2: str


@dataclass(frozen=True)
class County:
    lanskod: str
    lan: str
    esf_region: str
    nuts2: str


@dataclass(frozen=True)
class Variant:
    """One written form of a place: `code` is a kommunkod or a lanskod depending on `kind`."""

    kind: str
    code: str
    variant: str
    note: str


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


@lru_cache(maxsize=1)
def counties() -> tuple[County, ...]:
    """The 21 counties in SCB code order, each with its ESF region and NUTS 2 code."""
    return tuple(
        County(lanskod=r["lanskod"], lan=r["lan"], esf_region=r["esf_region"], nuts2=r["nuts2"])
        for r in _read_csv(DATA_DIR / "counties.csv")
    )


@lru_cache(maxsize=1)
def _county_index() -> dict[str, County]:
    return {c.lanskod: c for c in counties()}


def county_by_code(code: str) -> County | None:
    """County for a 2-digit lanskod ("04"), or None."""
    return _county_index().get(code.strip()) if isinstance(code, str) else None


@lru_cache(maxsize=1)
def municipalities() -> tuple[Municipality, ...]:
    """The 290 municipalities in SCB code order, joined with their county's region data."""
    by_code = _county_index()
    out = []
    for r in _read_csv(DATA_DIR / "municipalities.csv"):
        county = by_code[r["lanskod"]]
        out.append(
            Municipality(
                kommunkod=r["kommunkod"],
                kommun=r["kommun"],
                lanskod=r["lanskod"],
                lan=r["lan"],
                esf_region=county.esf_region,
                nuts2=county.nuts2,
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def _municipality_index() -> dict[str, Municipality]:
    return {m.kommunkod: m for m in municipalities()}


def municipality_by_code(code: str) -> Municipality | None:
    """Municipality for a 4-digit kommunkod ("1415"), or None."""
    return _municipality_index().get(code.strip()) if isinstance(code, str) else None


@lru_cache(maxsize=1)
def variants() -> tuple[Variant, ...]:
    """All written forms: the official short names first, then the rows of variants.csv."""
    out = [Variant("municipality", m.kommunkod, m.kommun, "official short name") for m in municipalities()]
    for r in _read_csv(DATA_DIR / "variants.csv"):
        if r["kind"] not in VARIANT_KINDS:
            raise ValueError(f"variants.csv: unknown kind {r['kind']!r}")
        out.append(Variant(kind=r["kind"], code=r["code"], variant=r["variant"], note=r.get("note", "")))
    return tuple(out)


@lru_cache(maxsize=1)
def risky_names() -> frozenset[str]:
    """kommunkoder of municipalities whose name is also a common word or a person's name."""
    by_name = {m.kommun: m.kommunkod for m in municipalities()}
    return frozenset(by_name[r["kommun"]] for r in _read_csv(DATA_DIR / "risky.csv"))


def _norm_space(text: str) -> str:
    """Whitespace runs -> one space, stripped (str.split() splits exactly where regex \\s does)."""
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _municipality_lookup() -> dict[str, str]:
    """Exact written form -> kommunkod, including the `X kommun` / `Xs stad` combinations."""
    table: dict[str, str] = {}
    for v in variants():
        if v.kind == "municipality":
            table[v.variant] = v.code
            for w in MUNICIPALITY_WORDS:
                table[f"{v.variant} {w}"] = v.code
        elif v.kind == "municipality_genitive":
            for w in MUNICIPALITY_WORDS:
                table[f"{v.variant} {w}"] = v.code
        elif v.kind == "municipality_long":
            table[v.variant] = v.code
    return table


@lru_cache(maxsize=1)
def _county_lookup() -> dict[str, str]:
    return {v.variant: v.code for v in variants() if v.kind == "county"} | {c.lan: c.lanskod for c in counties()}


def _lookup(name: str, table: dict[str, str], words: tuple[str, ...]) -> str | None:
    if not isinstance(name, str):
        return None
    text = _norm_space(name).strip(" \t•*·-–,.;:")
    if not text:
        return None
    caps = text.isupper()
    # The generic word may be capitalised ("Borås Stad", "BOTKYRKA KOMMUN"); the name may not.
    parts = text.rsplit(" ", 1)
    if len(parts) == 2 and parts[1].lower() in words:
        text = f"{parts[0]} {parts[1].lower()}"
    if text in table:
        return table[text]
    if caps:  # all-caps headings and owner strings: "BOTKYRKA KOMMUN"
        return _upper(id(table), table).get(text.upper())
    return None


_UPPER_CACHE: dict[int, dict[str, str]] = {}


def _upper(key: int, table: dict[str, str]) -> dict[str, str]:
    """All-caps copy of a (cached, never mutated) lookup table."""
    if key not in _UPPER_CACHE:
        _UPPER_CACHE[key] = {k.upper(): v for k, v in table.items()}
    return _UPPER_CACHE[key]


def lookup_municipality(name: str) -> Municipality | None:
    """Exact lookup of one written form ("Stenungsunds kommun", "Falu kommun", "Malung").

    Exact because it is used on values that are already isolated (Kommun-list items, owner
    strings): capitalisation and diacritics must match ("Håbo" is not "Habo"), only surrounding
    whitespace/bullets and the case of the trailing `kommun`/`stad` are forgiven.
    """
    code = _lookup(name, _municipality_lookup(), MUNICIPALITY_WORDS)
    return municipality_by_code(code) if code else None


def lookup_county(name: str) -> County | None:
    """Exact lookup of a county form ("Sörmland", "Västragötalands län", "Region Skåne")."""
    code = _lookup(name, _county_lookup(), ("län",))
    return county_by_code(code) if code else None


@lru_cache(maxsize=1)
def _regions() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(exact variant -> region, casefolded variant -> region, region -> nuts2)."""
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    nuts: dict[str, str] = {}
    for r in _read_csv(ESF_REGIONS_CSV):
        region = r["region"]
        nuts[region] = r["nuts2"]
        for v in [region, *r["variants"].split("|")]:
            v = _norm_space(v)
            if v:
                exact[v] = region
                folded.setdefault(v.casefold(), region)
    return exact, folded, nuts


def esf_region_variants() -> dict[str, str]:
    """Every written form of the nine ESF regions -> canonical region name."""
    return dict(_regions()[0])


def canonical_region(text: str) -> str | None:
    """Canonical ESF region for a written form ("ESF Nationellt" -> "Nationellt"), else None.

    Only the variants in esf_regions.csv count (case and spacing forgiven, "ESF+" and a hyphen
    after "ESF" read as "ESF "); county names such as "Stockholms län" are deliberately not regions.
    """
    if not isinstance(text, str):
        return None
    exact, folded, _ = _regions()
    t = _norm_space(text)
    if t in exact:
        return exact[t]
    f = t.casefold()
    if f.startswith("esf+ "):
        f = "esf " + f[5:]
    elif f.startswith(("esf-", "esf+-")):
        f = "esf " + f.split("-", 1)[1]  # "ESF-nationellt", as on esf.se call pages
    return folded.get(f)


def region_nuts2(region: str) -> str | None:
    """NUTS 2 code of an ESF region (any variant accepted); "SE0" for Nationellt."""
    canon = canonical_region(region)
    return _regions()[2].get(canon) if canon else None
