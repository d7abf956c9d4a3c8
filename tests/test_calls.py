"""extract_call: labelled fields first, prose through cue words, traps left alone."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.kinds.calls import CALL_KEYS, canonical_region, extract_call, first_title_line
from pipeline.models import LabelValue

ROOT = Path(__file__).resolve().parent.parent
FX = Path(__file__).parent / "fixtures" / "issue4"
DEV = Path("/work/shared/dev-pages")

_LABELS = {r["label"].casefold(): r["field"]
           for r in csv.DictReader((ROOT / "pipeline" / "data" / "labels.csv").open(encoding="utf-8"))}


def pairs_of(text: str) -> list[LabelValue]:
    """A stand-in for the segmenter: 'Label' line followed by its value line."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines[:-1]):
        key = line.strip().rstrip(":").casefold()
        if key in _LABELS:
            out.append(LabelValue(_LABELS[key], line.strip().rstrip(":"), lines[i + 1].strip(), i))
    return out


def lv(field: str, value: str, label: str = "x") -> LabelValue:
    return LabelValue(field=field, label=label, value=value, line=0)


def call(text: str, pairs: list[LabelValue] | None = None) -> tuple[dict[str, Any], list[str]]:
    rec, issues = extract_call(text, pairs or [])
    return rec, [i.code for i in issues]


# ------------------------------------------------------------------ amounts
AMOUNT_CASES = [
    # labelled (esf.se call template)
    ("", [lv("call_amount_sek", "60 000 000 kr")], 60_000_000),
    # 2014-2020 call summaries
    ("Svenska ESF-rådet utlyser 50 miljoner kronor till projekt.", [], 50_000_000),
    ("Svenska ESF-rådet avsätter 42 miljoner kronor för projekt.", [], 42_000_000),
    ("Utlysningen omfattar 60 000 000 kronor.", [], 60_000_000),
    # 2021-2027 press releases
    ("ESF-rådet öppnade möjligheten att ansöka om socialfondsmedel för 82 500 000 kr.", [], 82_500_000),
    # total with sub-amounts
    ("Totalt 30 000 000 kronor. 10 000 000 kronor avser A. 20 000 000 kronor avser B.", [], 30_000_000),
    ("Här finns 30 000 000 kronor. 10 000 000 kronor till A och 20 000 000 kronor till B.", [], 30_000_000),
    # traps: only sub-amounts / approximate / unrelated amounts
    ("10 000 000 kronor avser A. 20 000 000 kronor är avsedda för B.", [], None),
    ("ESF-rådet utlyser cirka 50 miljoner kronor.", [], None),
    ("Projektet Fem fick 2 000 000 kr i fjol.", [], None),
    ("Utlysningen omfattar 10 miljoner kronor. ESF-rådet utlyser även 25 miljoner kronor.", [], None),
]


@pytest.mark.parametrize("text,pairs,expected", AMOUNT_CASES)
def test_amount(text: str, pairs: list[LabelValue], expected: int | None) -> None:
    assert call(text, pairs)[0]["amount_sek"] == expected


def test_ambiguous_amount_is_an_issue() -> None:
    rec, codes = call("Utlysningen omfattar 10 miljoner kronor. ESF-rådet utlyser även 25 miljoner kronor.")
    assert rec["amount_sek"] is None and "ambiguous_call_amount" in codes


# ------------------------------------------------------------------ call window
WINDOW_CASES = [
    # year written once
    ("Utlysningen pågår mellan den 1 januari till den 28 april 2011.", date(2011, 1, 1), date(2011, 4, 28)),
    ("Ansökningstiden är 27 juni till 14 september 2023.", date(2023, 6, 27), date(2023, 9, 14)),
    # year written twice
    ("Utlysningen pågår mellan 13 november 2017 och 8 januari 2018.", date(2017, 11, 13), date(2018, 1, 8)),
    ("Utlysningen pågår mellan den 3 februari 2015 och den 31 mars 2015.", date(2015, 2, 3), date(2015, 3, 31)),
    # separate open/close words
    ("Utlysningen öppnar den 1 mars 2016 och stänger den 15 april 2016.", date(2016, 3, 1), date(2016, 4, 15)),
    ("Sista ansökningsdag är 2 maj 2019.", None, date(2019, 5, 2)),
    # traps: publication date, decision date, meeting days, project window
    ("28 juni 2023\n\nEn nyhet om socialfonden.", None, None),
    ("Svenska ESF-rådet har den 2 februari 2015 beslutat att genomföra en utlysning.", None, None),
    ("16–17 augusti anordnas tillfälle för information.", None, None),
    ("Prioriteringsmötet den 30- 31 mars avgör.", None, None),
    ("Projekten kan tidigast starta den 1 juli 2015 och sluta senast den 31 december 2017.", None, None),
]


@pytest.mark.parametrize("text,opens,closes", WINDOW_CASES)
def test_call_window(text: str, opens: date | None, closes: date | None) -> None:
    rec = call(text)[0]
    assert (rec["opens"], rec["closes"]) == (opens, closes)


PROJECT_WINDOW_CASES = [
    ("Projekten kan tidigast starta den 1 juli 2015 och sluta senast den 31 december 2017.",
     (date(2015, 7, 1), None, date(2017, 12, 31))),
    ("Projekten kan starta tidigast 1 maj 2018 och senast 1 augusti 2018. Maximal projekttid är två år.",
     (date(2018, 5, 1), date(2018, 8, 1), None)),
    ("Projekten ska vara avslutade senast den 31 december 2013.", (None, None, date(2013, 12, 31))),
    ("Utlysningen pågår mellan 1 maj 2018 och 1 juni 2018.", (None, None, None)),
]


@pytest.mark.parametrize("text,expected", PROJECT_WINDOW_CASES)
def test_project_window(text: str, expected: tuple[date | None, date | None, date | None]) -> None:
    rec = call(text)[0]
    assert (rec["project_start_earliest"], rec["project_start_latest"], rec["project_end_latest"]) == expected


def test_labelled_dates_win_and_disagreement_is_recorded() -> None:
    text = "Utlysningen pågår mellan den 3 februari 2015 och den 31 mars 2015."
    rec, codes = call(text, [lv("start_date", "2015-02-03"), lv("end_date", "2015-04-01")])
    assert (rec["opens"], rec["closes"]) == (date(2015, 2, 3), date(2015, 4, 1))
    assert codes == ["call_dates_disagree"]


def test_unreadable_labelled_date_is_an_issue() -> None:
    rec, codes = call("", [lv("end_date", "april 2015")])
    assert rec["closes"] is None and "unreadable_call_date" in codes


# ------------------------------------------------------------------ other fields
FIELD_CASES = [
    ("cofinancing_required_pct", "Medfinansieringen ska uppgå till 33 procent.", [], 33.0),
    ("cofinancing_required_pct", "Medfinansieringen ska vara minst 40 %.", [], 40.0),
    ("cofinancing_required_pct", "Unionens medfinansieringsgrad 50%.", [], None),
    ("region", "", [lv("region", "ESF Sydsverige")], "Sydsverige"),
    ("region", "Projekt som ska bedrivas i region Västsverige (Hallands län och Västra Götalands län).", [],
     "Västsverige"),
    ("region", "projekt som ska bedrivas i Småland och öarna.", [], "Småland och öarna"),
    ("region", "Emma, Regionchef Övre Norrland, svarar på frågor.", [], None),
    ("call_id", "", [lv("call_id", "2015/00080")], "2015/00080"),
    ("call_id", "Utlysningen har tilldelats diarienummer 2015/00080 och omfattar 1 kr.", [], "2015/00080"),
    ("call_id", "Medel från den förra utlysningen inom PO3 (2014-5040001).", [], None),
    ("programme_area", "", [lv("programme_area", "3.1 Sysselsättningsinitiativet för unga")], "3"),
]


# the programme columns of a call, as projects have them: codes, and verified names only
# (call id or pair of labels -> area, area name, objective, objective name)
PROGRAMME_CASES = [
    # 2014-2020 call template: the objective's code before the area's name
    ("2016/00321", [lv("programme_area", "3.1 Sysselsättningsinitiativet för unga")],
     ("3", "Sysselsättningsinitiativet för unga", "3.1", "Sysselsättningsinitiativet för unga")),
    ("2019/00111", [lv("programme_area", "2.3 Öka övergångarna till arbete")],
     ("2", "Öka övergångarna till arbete", "2.3",
      "Kvinnor och män som står särskilt långt från arbetsmarknaden ska komma i arbete, utbildning eller "
      "närmare arbetsmarknaden")),
    # a bare area code whose name differs between periods: the call id pins the period down
    ("2015/00999", [lv("programme_area", "Programområde 2")], ("2", "Öka övergångarna till arbete", None, None)),
    (None, [lv("programme_area", "2")], ("2", None, None, None)),
    # both labels; a code without a verified name keeps its code only
    ("23-017", [lv("programme_area", "C"), lv("specific_objective", "C1")],
     ("C", "Minska risken för ekonomisk utsatthet", "C1", None)),
    ("24-030", [lv("programme_area", "POA1: Kompetensutveckling för yrkesverksamma")],
     ("A", None, "A1", None)),  # the words are no wording of A or A1: no names
    ("24-030", [lv("specific_objective", "A1 Främja livslångt lärande")],
     ("A", "Öka möjligheten till ett inkluderande och hållbart arbetsliv för alla", "A1", "Främja livslångt lärande")),
    # another fund's area: a code with words that name no ESF area gets no name
    (None, [lv("programme_area", "1 Forskning och innovation")], ("1", None, None, None)),
    # no code at all
    (None, [lv("programme_area", "Hållbar tillväxt")], (None, None, None, None)),
    ("23-017", [lv("programme_area", "C"), lv("specific_objective", "A1")],
     ("C", "Minska risken för ekonomisk utsatthet", None, None)),  # A1 is no objective of area C
    # the two labels disagree: no objective
    ("2016/00321", [lv("programme_area", "2.1 Öka övergångarna till arbete"), lv("specific_objective", "2.2")],
     ("2", "Öka övergångarna till arbete", None, None)),
]


@pytest.mark.parametrize("call_id,pairs,expected", PROGRAMME_CASES)
def test_programme_columns(call_id: str | None, pairs: list[LabelValue], expected: tuple[Any, ...]) -> None:
    pairs = pairs + ([lv("call_id", call_id)] if call_id else [])
    rec, _ = call("", pairs)
    assert (rec["programme_area"], rec["programme_area_name"], rec["specific_objective"],
            rec["specific_objective_name"]) == expected


@pytest.mark.parametrize("key,text,pairs,expected", FIELD_CASES)
def test_fields(key: str, text: str, pairs: list[LabelValue], expected: Any) -> None:
    assert call(text, pairs)[0][key] == expected


TITLE_CASES = [
    ("Logotyp på utskrifter\n\nRegional utlysning för unga\n\nUtlysning\n2015/00080", "Regional utlysning för unga"),
    ("Meny\nGå direkt till huvudinnehållet\n82 500 000 kronor till Norrbotten\n\n28 juni 2023", "82 500 000 kronor till Norrbotten"),
    ("Information med anledning av covid-19\nStärkt kompetens i vården\nProgramområde", "Stärkt kompetens i vården"),
    ("", None),
]


@pytest.mark.parametrize("text,expected", TITLE_CASES)
def test_title(text: str, expected: str | None) -> None:
    assert first_title_line(text) == expected


@pytest.mark.parametrize("value,expected", [
    ("Småland & Öarna", "Småland och öarna"), ("ESF Nationellt", "Nationellt"), ("Östra mellansverige", "Östra Mellansverige"),
    ("Skåne", None),
])
def test_canonical_region(value: str, expected: str | None) -> None:
    assert canonical_region(value) == expected


# ------------------------------------------------------------------ golden fixture pages
def _iso(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in rec.items()}


@pytest.mark.parametrize("name", sorted(p.stem for p in FX.glob("call_*.txt")))
def test_golden_call_pages(name: str) -> None:
    text = (FX / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((FX / f"{name}.expected.json").read_text(encoding="utf-8"))
    rec, issues = extract_call(text, pairs_of(text))
    assert _iso(rec) == expected["record"]
    assert sorted(i.code for i in issues) == expected["issue_codes"]


# ------------------------------------------------------------------ real dev pages, when present
DEV_CALLS = [
    ("003.txt", 60_000_000, date(2015, 2, 3), date(2015, 4, 1)),
    ("013.txt", 82_500_000, date(2023, 6, 27), date(2023, 9, 14)),
    ("027.txt", 50_000_000, date(2017, 11, 13), date(2018, 1, 8)),
]


@pytest.mark.skipif(not DEV.is_dir(), reason="dev pages not available")
@pytest.mark.parametrize("name,amount,opens,closes", DEV_CALLS)
def test_dev_call_pages(name: str, amount: int, opens: date, closes: date) -> None:
    text = (DEV / "pages" / name).read_text(encoding="utf-8")
    rec, _ = extract_call(text, pairs_of(text))
    assert (rec["amount_sek"], rec["opens"], rec["closes"]) == (amount, opens, closes)


# ------------------------------------------------------------------ never raises
_FIELDS = st.sampled_from(["call_id", "call_amount_sek", "start_date", "end_date", "region", "programme_area",
                           "diarienummer", "title", "specific_objective"])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600), st.lists(st.builds(lv, _FIELDS, st.text(max_size=40)), max_size=5))
def test_extract_call_never_raises(text: str, pairs: list[LabelValue]) -> None:
    rec, issues = extract_call(text, pairs)
    assert set(rec) == set(CALL_KEYS)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "Utlysningen pågår mellan den 1 januari till den 28 april 2011.", "utlyser 5 miljoner kronor",
    "Projekten kan tidigast starta den 1 juli 2015", "Medfinansieringen ska uppgå till 33 procent",
    "region Västsverige", "31 december 2017", "Ansökningstiden är 27 juni till", "2015/00080", "\n", " ",
]), max_size=12))
def test_extract_call_never_raises_on_call_like_text(parts: list[str]) -> None:
    extract_call(" ".join(parts), [])
