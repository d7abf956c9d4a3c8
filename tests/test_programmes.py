"""Reference table of ESF programme areas / specific objectives and the look-ups over it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from pipeline.values.programmes import DATA, PERIODS, lookup_area, lookup_objective, objectives


def test_table_is_well_formed() -> None:
    with DATA.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and set(rows[0]) == {"period", "kind", "code", "name", "long_name", "area", "eu_objective",
                                     "verified", "source", "variants", "note"}
    keys = [(r["period"], r["kind"], r["code"]) for r in rows]
    assert len(keys) == len(set(keys)), "duplicate code within a period"
    areas = {(r["period"], r["code"]) for r in rows if r["kind"] == "programme_area"}
    for r in rows:
        assert r["period"] in PERIODS
        assert r["kind"] in {"programme_area", "specific_objective"}
        if r["area"]:
            assert (r["period"], r["area"]) in areas, r
        assert r["verified"] in {"yes", "no"}, r
        if not r["name"]:
            assert r["note"], f"blank name needs a note: {r}"
            assert not r["long_name"] and not r["variants"], f"wordings of an unnamed code: {r}"


def test_no_name_without_verification() -> None:
    """A name, long name or variant is written only with verified = yes and a source URL."""
    with DATA.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["name"] or r["long_name"] or r["variants"]:
                assert r["verified"] == "yes", r
                assert all(u.strip().startswith("http") for u in r["source"].split("|")), r
            if r["verified"] == "no":
                assert not r["name"], r
    for o in objectives():
        assert o.verified or not (o.name or o.long_name or o.variants), o


REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "programme_objectives.csv"


@pytest.mark.skipif(not REFERENCE.exists(), reason="no ../shared/reference")
def test_names_are_the_reference_names() -> None:
    """Every code of the verified reference table is here, with its name, long name, EU numeral
    and verification; codes the reference does not have carry no name (except the EU numerals of
    a verified objective, named as it)."""
    with REFERENCE.open(encoding="utf-8", newline="") as fh:
        ref = {(r["period"], r["level"], r["code"]): r for r in csv.DictReader(fh)}
    ours = {(o.period, o.kind, o.code): o for o in objectives()}
    for key, r in ref.items():
        o = ours[key]
        assert (o.name, o.long_name or "", o.eu_objective or "", o.verified) == (
            r["name_sv"], r["long_name_sv"], r["eu_objective"], r["verified"] == "yes"), key
    by_numeral = {(r["period"], r["eu_objective"]): r for r in ref.values() if r["eu_objective"]}
    for key, o in ours.items():
        if key in ref or not o.name:
            continue
        named_as = by_numeral.get((o.period, o.code))
        assert named_as is not None and o.name == named_as["name_sv"], f"unverified name for {key}: {o.name}"


# a page's wording of a name -> the verified name written (or nothing)
NAME_CASES = [
    ("Programområde 2 Ökade övergångar till arbete", "2014-2020", ("2", "Öka övergångarna till arbete")),
    ("2.3 Öka övergångarna till arbete", "2014-2020", ("2", "Öka övergångarna till arbete")),
    ("Programområde D: Öka kapaciteten i glesbygden", None, ("D", "Öka kapaciteten i den glesa geografin")),
    ("F Fast Care", None, ("F", "Fast-Care")),
    ("4", "2014-2020", ("4", "")),  # the code is known, its name is not
    ("Careers", None, None),  # a name is matched as whole words
]


@pytest.mark.parametrize("text,period,expected", NAME_CASES)
def test_area_names_are_verified_names(text: str, period: str | None, expected: tuple[str, str] | None) -> None:
    got = lookup_area(text, period)
    if expected is None:
        assert got == []
    else:
        assert [(o.code, o.name) for o in got] == [expected]


# (input, period filter, expected (period, code) candidates)
AREA_CASES = [
    # 2007-2013 bank pages ("ProgramområdeProgramområde 2 Ökat arbetskraftsutbud", value part)
    ("Programområde 2 Ökat arbetskraftsutbud", None, [("2007-2013", "2")]),
    ("Programområde 1 Kompetensförsörjning", None, [("2007-2013", "1"), ("2014-2020", "1")]),
    # 2014-2020 bank pages: bare codes
    ("2", None, [("2007-2013", "2"), ("2014-2020", "2")]),
    ("2", "2014-2020", [("2014-2020", "2")]),
    ("3", None, [("2014-2020", "3")]),
    # call pages write the objective as the area
    ("1.1 Kompetensförsörjning", None, [("2014-2020", "1")]),
    ("3.1 Sysselsättningsinitiativet för unga", None, [("2014-2020", "3")]),
    # 2021-2027 letters
    ("C", None, [("2021-2027", "C")]),
    ("Programområde B", None, [("2021-2027", "B")]),
    # names alone
    ("Sysselsättningsinitiativet för unga", None, [("2014-2020", "3")]),
    ("Ökade övergångar till arbete", None, [("2014-2020", "2")]),
    # contradictions and noise
    ("2 Sysselsättningsinitiativet för unga", None, []),
    ("", None, []),
    ("okänt område", None, []),
]


@pytest.mark.parametrize("text,period,expected", AREA_CASES)
def test_lookup_area(text: str, period: str | None, expected: list[tuple[str, str]]) -> None:
    got = sorted((o.period, o.code) for o in lookup_area(text, period))
    assert got == sorted(expected)


OBJECTIVE_CASES = [
    ("2.2", None, [("2014-2020", "2.2")]),
    ("Specifikt mål 2.1", None, [("2014-2020", "2.1")]),
    ("A2A", None, [("2021-2027", "A2A")]),
    ("C1", None, [("2021-2027", "C1")]),
    # regional action plans: roman numerals
    ("VI", None, [("2021-2027", "VI")]),
    ("Särskilt mål VII", None, [("2021-2027", "VII")]),
    ("*VI. Främja livslångt lärande, särskilt ...", None, [("2021-2027", "VI")]),
    ("IX", None, [("2021-2027", "IX")]),
    ("2.2", "2021-2027", []),
    ("9.9", None, []),
]


@pytest.mark.parametrize("text,period,expected", OBJECTIVE_CASES)
def test_lookup_objective(text: str, period: str | None, expected: list[tuple[str, str]]) -> None:
    got = sorted((o.period, o.code) for o in lookup_objective(text, period))
    assert got == sorted(expected)


# the cases of programmes.infer_period (removed: period.infer_period is the one) are in
# test_period.py, test_area_and_objective_cases


def test_roman_objectives_are_numbered_one_to_eleven() -> None:
    romans = [o.code for o in objectives() if re.fullmatch(r"[IVX]+", o.code)]
    assert romans == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI"]
