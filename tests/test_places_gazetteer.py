"""The place gazetteer: the data files are complete and consistent, lookups are exact."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from pipeline.places import gazetteer as gz
from pipeline.places import (
    canonical_region,
    counties,
    county_by_code,
    lookup_county,
    lookup_municipality,
    municipalities,
    municipality_by_code,
    region_nuts2,
    risky_names,
    variants,
)

EIGHT_REGIONS = {
    "Stockholm",
    "Östra Mellansverige",
    "Småland och öarna",
    "Sydsverige",
    "Västsverige",
    "Norra Mellansverige",
    "Mellersta Norrland",
    "Övre Norrland",
}

# --- the facts ---------------------------------------------------------------------------


def test_exactly_290_municipalities_with_unique_4_digit_codes() -> None:
    ms = municipalities()
    assert len(ms) == 290
    codes = [m.kommunkod for m in ms]
    assert len(set(codes)) == 290
    assert all(len(c) == 4 and c.isdigit() for c in codes)
    assert len({m.kommun for m in ms}) == 290


def test_every_code_starts_with_its_county_code() -> None:
    known = {c.lanskod for c in counties()}
    for m in municipalities():
        assert m.kommunkod[:2] == m.lanskod, m
        assert m.lanskod in known
        assert county_by_code(m.lanskod) is not None
        assert county_by_code(m.lanskod).lan == m.lan  # type: ignore[union-attr]


def test_exactly_21_counties_each_in_one_of_the_8_esf_regions() -> None:
    cs = counties()
    assert len(cs) == 21
    assert len({c.lanskod for c in cs}) == 21
    assert all(len(c.lanskod) == 2 and c.lanskod.isdigit() for c in cs)
    assert {c.esf_region for c in cs} == EIGHT_REGIONS
    for c in cs:
        assert region_nuts2(c.esf_region) == c.nuts2


def test_every_county_has_municipalities_and_counts_match_scb() -> None:
    per_county = Counter(m.lanskod for m in municipalities())
    assert set(per_county) == {c.lanskod for c in counties()}
    # counts from SCB's "Län och kommuner i kodnummerordning"
    assert per_county["01"] == 26 and per_county["14"] == 49 and per_county["09"] == 1
    assert per_county["12"] == 33 and per_county["04"] == 9


def test_municipalities_carry_their_county_region() -> None:
    m = municipality_by_code("0330")
    assert m is not None and (m.kommun, m.lan, m.esf_region, m.nuts2) == (
        "Knivsta",
        "Uppsala län",
        "Östra Mellansverige",
        "SE12",
    )
    assert municipality_by_code("9999") is None
    assert municipality_by_code(" 1480 ").kommun == "Göteborg"  # type: ignore[union-attr]


def test_data_files_keep_codes_as_zero_padded_strings() -> None:
    with (gz.DATA_DIR / "municipalities.csv").open(encoding="utf-8") as f:
        first = next(csv.DictReader(f))
    assert first["kommunkod"] == "0114" and first["lanskod"] == "01"
    with (gz.DATA_DIR / "counties.csv").open(encoding="utf-8") as f:
        assert next(csv.DictReader(f))["lanskod"] == "01"


# --- variants ----------------------------------------------------------------------------


def test_variant_codes_are_valid() -> None:
    for v in variants():
        assert v.kind in gz.VARIANT_KINDS
        if v.kind.startswith("municipality"):
            assert municipality_by_code(v.code) is not None, v
        else:
            assert county_by_code(v.code) is not None, v


def test_no_written_form_means_two_municipalities() -> None:
    seen: dict[str, str] = {}
    for v in variants():
        if v.kind.startswith("municipality"):
            key = v.variant.lower()
            assert seen.setdefault(key, v.code) == v.code, v


def test_genitives_never_equal_a_base_name() -> None:
    bases = {m.kommun for m in municipalities()}
    gens = {v.variant for v in variants() if v.kind == "municipality_genitive"}
    assert not (gens & bases)


def test_every_county_has_its_official_and_region_forms() -> None:
    for c in counties():
        assert lookup_county(c.lan) == c
    for name, code in [("Region Skåne", "12"), ("Region Stockholm", "01"), ("Västra Götalandsregionen", "14")]:
        assert lookup_county(name).lanskod == code  # type: ignore[union-attr]


def test_risky_list_is_data_driven_and_about_60_names() -> None:
    risky = risky_names()
    assert 50 <= len(risky) <= 80
    names = {municipality_by_code(c).kommun for c in risky}  # type: ignore[union-attr]
    assert {"Vara", "Mark", "Ale", "Lund", "Berg", "Kil", "Boden", "Mora", "Sala", "Nora", "Trosa"} <= names
    assert "Stockholm" not in names and "Göteborg" not in names


# --- lookups -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, code",
    [
        # official short names and their organisation forms
        ("Stenungsund", "1415"),
        ("Stenungsunds kommun", "1415"),
        ("Hallstahammars kommun", "1961"),
        ("Sala kommun", "1981"),
        ("Ale kommun", "1440"),
        # irregular long forms
        ("Falu kommun", "2080"),
        ("Region Gotland", "0980"),
        ("Göteborgs stad", "1480"),
        ("Västerås stad", "1980"),
        ("Stockholms stad", "0180"),
        ("Malmö stad", "1280"),
        ("Borås Stad", "1490"),
        # spelling variants of multi-word names
        ("Upplands Väsby", "0114"),
        ("Upplands-Väsby", "0114"),
        ("Upplands-Bro", "0139"),
        ("Upplands Bro", "0139"),
        ("Dals-Ed", "1438"),
        ("Dals-Eds kommun", "1438"),
        ("Lilla Edet", "1462"),
        ("Lilla Edets kommun", "1462"),
        ("Östra Göinge", "1256"),
        ("Malung-Sälen", "2023"),
        ("Malung", "2023"),  # old name
        # all-caps owner strings, surrounding bullets/whitespace
        ("BOTKYRKA KOMMUN", "0127"),
        ("  • Eskilstuna ", "0484"),
        ("Gothenburg", "1480"),
    ],
)
def test_lookup_municipality_finds_written_forms(written: str, code: str) -> None:
    m = lookup_municipality(written)
    assert m is not None and m.kommunkod == code


@pytest.mark.parametrize(
    "written",
    [
        "Stockholms",  # bare genitive
        "Stockholms län",  # a county
        "Region Stockholm",  # the county's region
        "habo",  # lowercase
        "Habo kommun ",  # fine, but check accent twin below
        "Ange",  # not Ånge
        "Malmo",  # no accent folding
        "Sörmland",
        "",
        "Uppsalas",  # genitive needs kommun/stad
    ],
)
def test_lookup_municipality_is_exact(written: str) -> None:
    m = lookup_municipality(written)
    if written.strip() == "Habo kommun":
        assert m is not None and m.kommunkod == "0643"
    else:
        assert m is None


def test_habo_and_habo_with_ring_are_different() -> None:
    assert lookup_municipality("Habo").kommunkod == "0643"  # type: ignore[union-attr]
    assert lookup_municipality("Håbo").kommunkod == "0305"  # type: ignore[union-attr]


def test_every_official_name_looks_up_to_itself() -> None:
    for m in municipalities():
        assert lookup_municipality(m.kommun) == m
        assert lookup_municipality(f"{m.kommun} kommun") == m


@pytest.mark.parametrize(
    "written, code",
    [
        ("Södermanlands län", "04"),
        ("Sörmland", "04"),
        ("Västra Götalands län", "14"),
        ("Västragötalands län", "14"),
        ("Gävleborg", "21"),
        ("Gävleborgs län", "21"),
        ("Skåne", "12"),
        ("Norrbotten", "25"),
        ("Västerbotten", "24"),
        ("Halland", "13"),
        ("Kopparbergs län", "20"),
        ("Region Jämtland Härjedalen", "23"),
        ("Kalmar län", "08"),
        ("HALLANDS LÄN", "13"),
    ],
)
def test_lookup_county(written: str, code: str) -> None:
    c = lookup_county(written)
    assert c is not None and c.lanskod == code


@pytest.mark.parametrize("written", ["Kalmar", "Stockholm", "Gotland", "Småland", "Östra Mellansverige"])
def test_lookup_county_rejects_municipalities_and_regions(written: str) -> None:
    assert lookup_county(written) is None


# --- ESF regions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, region, nuts",
    [
        ("ESF Nationellt", "Nationellt", "SE0"),
        ("Nationellt", "Nationellt", "SE0"),
        ("Småland & Öarna", "Småland och öarna", "SE21"),
        ("Småland med öarna", "Småland och öarna", "SE21"),
        ("Östra mellansverige", "Östra Mellansverige", "SE12"),
        ("ÖSTRA MELLANSVERIGE", "Östra Mellansverige", "SE12"),
        ("ESF+ Västsverige", "Västsverige", "SE23"),
        ("  Övre   Norrland ", "Övre Norrland", "SE33"),
        ("Skåne-Blekinge", "Sydsverige", "SE22"),
        ("Stockholm", "Stockholm", "SE11"),
    ],
)
def test_canonical_region(written: str, region: str, nuts: str) -> None:
    assert canonical_region(written) == region
    assert region_nuts2(written) == nuts


@pytest.mark.parametrize("written", ["Stockholms län", "Region Stockholm", "Gävleborg", "", "Norrland"])
def test_canonical_region_is_none_for_non_regions(written: str) -> None:
    assert canonical_region(written) is None
    assert region_nuts2(written) is None
