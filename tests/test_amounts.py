"""Table-driven tests for pipeline.values.amounts: one row per real-world shape of an amount.

Adding a case is one line in the table of the parser it exercises. Inputs are written for these
tests (they reproduce the shapes seen on the pages, not the pages' text). NBSP never reaches
these parsers: decoding normalises it to a plain space first.
"""

from __future__ import annotations

import sys
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.values.amounts import (
    _AMOUNT_IN_PROSE,
    _APPROX,
    _DIGIT,
    _NEGATIVE_BEFORE,
    _RANGE_BEFORE,
    _UNIT_SCALE,
    _WORD_AMOUNT,
    _WORD_UNIT,
    AmountMatch,
    _to_kronor,
    find_amounts,
    parse_amount,
    parse_amount_detailed,
)

P = pytest.param

# ---------------------------------------------------------------------------------------------
# parse_amount: the value of a labelled amount field ("Beviljat ESF-stöd: <value>")
# ---------------------------------------------------------------------------------------------
PARSE_AMOUNT = [
    # old project bank (glued labels): space-grouped kronor
    P("2 761 412 kr", 2761412, id="old-bank-space-groups-kr"),
    P("157 547 528", 157547528, id="old-bank-no-unit"),
    P("60 000 000 kr", 60000000, id="old-bank-round-millions"),
    P("38 600 000 kronor", 38600000, id="old-bank-kronor"),
    P("1 500 000:-", 1500000, id="old-bank-colon-dash"),
    P("1 500 000,- kr", 1500000, id="comma-dash-then-kr"),
    P("1 500 000,00 kr", 1500000, id="two-decimal-ore"),
    # new bank (Label: / next line)
    P("155 089 100 Sek", 155089100, id="new-bank-Sek-mixed-case"),
    P("1.861.135 kr", 1861135, id="new-bank-dot-groups"),
    P("12 345", 12345, id="new-bank-small-no-unit"),
    # ESF+ pages / regional summaries: scaled units
    P("32,6 MSEK", 32600000, id="esfplus-decimal-MSEK"),
    P("12,5 MSEK", 12500000, id="esfplus-12.5-MSEK"),
    P("100 mkr", 100000000, id="mkr"),
    P("1,5 miljoner kronor", 1500000, id="decimal-miljoner-kronor"),
    P("500 tusen kronor", 500000, id="tusen-kronor"),
    # owners' own sites: amounts in words
    P("Fem miljoner kronor", 5000000, id="owner-words-fem-miljoner"),
    P("tjugofem miljoner kronor", 25000000, id="owner-words-tjugofem"),
    P("en miljon kronor", 1000000, id="owner-words-en-miljon"),
    # Kohesio (English, EUR): foreign currency is never converted
    P("3 544 067,52 €", None, id="kohesio-euro-sign"),
    P("EUR 1 000", None, id="kohesio-EUR-prefix"),
    P("2 000 000 kr (ca 200 000 €)", None, id="kronor-and-euro-mixed"),
    # news/press releases (traps): approximate, not money, or unreadable -> None
    P("cirka 35 miljoner kronor", None, id="trap-cirka"),
    P("drygt 70 miljoner", None, id="trap-drygt"),
    P("nästan 2 miljoner kronor", None, id="trap-nastan"),
    P("ca 3 mkr", None, id="trap-ca"),
    P("50%", None, id="trap-percentage"),
    P("2020", None, id="trap-year"),
    P("212000-2882", None, id="trap-org-number"),
    P("", None, id="trap-empty"),
    P("1,5 kr", None, id="trap-odd-decimal"),
    P("3,5", None, id="trap-bare-decimal"),
    P("2 000 000 kr (varav 1 000 000 kr ESF)", None, id="trap-two-amounts"),
    P("3-5 miljoner kronor", None, id="trap-range-hyphen"),
    P("3–5 miljoner kronor", None, id="trap-range-en-dash"),
    P("tre till fem miljoner kronor", None, id="trap-range-in-words"),
    P("Två hundra miljoner kronor", None, id="trap-compound-words-not-100M"),
    P("tjugo fem miljoner kronor", None, id="trap-split-words-not-5M"),
    P("två komma fem miljoner kronor", None, id="trap-komma-not-5M"),
    P("0 kr", None, id="trap-zero"),
    P("-500 000 kr", None, id="trap-negative"),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_AMOUNT)
def test_parse_amount(text: str, expected: int | None) -> None:
    assert parse_amount(text) == expected


REASONS = [
    P("", "empty value", id="empty"),
    P("3 544 067,52 €", "amount not in kronor", id="euro"),
    P("cirka 35 miljoner kronor", "approximate amount", id="approximate"),
    P("50%", "percentage, not an amount", id="percentage"),
    P("2020", "a year, not an amount", id="year"),
    P("212000-2882", "looks like an organisation number or a range", id="org-number"),
    P("ingen uppgift", "no number", id="no-number"),
    P("2 000 000 kr 3 000 000 kr", "several different amounts", id="several"),
    P("tre till fem miljoner kronor", "range of amounts", id="range"),
    P("Två hundra miljoner kronor", "unreadable number words", id="compound-words"),
    P("0 kr", "not a positive amount", id="zero"),
]


@pytest.mark.parametrize(("text", "reason"), REASONS)
def test_parse_amount_reason(text: str, reason: str) -> None:
    assert parse_amount_detailed(text) == (None, reason)


def test_parse_amount_detailed_ok_has_no_reason() -> None:
    assert parse_amount_detailed("2 761 412 kr") == (2761412, None)


# ---------------------------------------------------------------------------------------------
# find_amounts: prose; only numbers with a currency unit. Expected: [(matched text, value, reason)]
# ---------------------------------------------------------------------------------------------
FIND_AMOUNTS = [
    # owners' own sites / news: plain amounts in prose
    P("Projektet beviljas 42 miljoner kronor från Socialfonden.",
      [("42 miljoner kronor", 42000000, None)], id="prose-miljoner-kronor"),
    P("Av budgeten är 27 000 000 kronor avser personal och 55 000 000 kronor övrigt.",
      [("27 000 000 kronor", 27000000, None), ("55 000 000 kronor", 55000000, None)], id="prose-two-amounts"),
    P("Regionen avsätter Fem miljoner kronor till satsningen.",
      [("Fem miljoner kronor", 5000000, None)], id="prose-words"),
    P("Budget 12,5 MSEK under tre år.", [("12,5 MSEK", 12500000, None)], id="prose-MSEK"),
    P("Stödet är 1 500 000:- per år.", [("1 500 000:-", 1500000, None)], id="prose-colon-dash"),
    # news/press releases (traps): no unit, or not money -> nothing
    P("Adress: Storgatan 1, 118 82 Stockholm", [], id="trap-postcode-stockholm"),
    P("Box 123, 851 86 Sundsvall", [], id="trap-box-postcode"),
    P("Organisationsnummer 212000-2882", [], id="trap-org-number"),
    P("Under 2015 300 000 kr till kompetensutveckling", [("300 000 kr", 300000, None)], id="trap-year-before-amount"),
    P("Sverige tog emot 10.000 nyanlända", [], id="trap-count-no-unit"),
    P("Andelen var 50% av 2 000 000 kr", [("2 000 000 kr", 2000000, None)], id="trap-percentage-then-amount"),
    P("Totalt 157 547 528 deltagare", [], id="trap-big-count"),
    P("drygt 70 miljoner", [], id="trap-bare-miljoner-no-currency"),
    P("3 544 067,52 €", [], id="kohesio-euro"),
    # approximate / range / unreadable: reported with value None and a reason
    P("ESF-rådet avsätter cirka 35 miljoner kronor", [("35 miljoner kronor", None, "approximate amount")], id="approx-cirka"),
    P("över 3 miljoner kronor", [("3 miljoner kronor", None, "approximate amount")], id="approx-over"),
    P("mellan 3 och 5 miljoner kronor", [("5 miljoner kronor", None, "range of amounts")], id="range-mellan-och"),
    P("projekt om 3–5 miljoner kronor", [("5 miljoner kronor", None, "range of amounts")], id="range-en-dash"),
    P("5 000 000 - 6 000 000 kr", [("6 000 000 kr", None, "range of amounts")], id="range-spaced-hyphen"),
    P("tre till fem miljoner kronor", [("fem miljoner kronor", None, "range of amounts")], id="range-words"),
    P("Två hundra miljoner kronor", [("hundra miljoner kronor", None, "unreadable number words")], id="compound-words"),
    P("Kostnad 1,5 kr", [("1,5 kr", None, "unreadable amount")], id="odd-decimal"),
    P("Saldo -500 000 kr", [("500 000 kr", None, "not a positive amount")], id="negative"),
]


@pytest.mark.parametrize(("text", "expected"), FIND_AMOUNTS)
def test_find_amounts(text: str, expected: list[tuple[str, int | None, str | None]]) -> None:
    found = find_amounts(text)
    assert [(a.text, a.value, a.reason) for a in found] == expected
    for a in found:
        assert isinstance(a, AmountMatch)
        assert text[a.start:a.end] == a.text


def test_find_amounts_in_text_order() -> None:
    found = find_amounts("Först fem miljoner kronor, sedan 2 000 000 kr och sist 3 mkr.")
    assert [a.value for a in found] == [5000000, 2000000, 3000000]



# --- fast paths equal what they replace ----------------------------------------------------

_DIGITS = st.text(alphabet=st.sampled_from("0123456789٣३൭"), min_size=1, max_size=25)


@settings(max_examples=400, deadline=None)
@given(_DIGITS, st.sampled_from([None, "-", "5", "50", "123"]), st.sampled_from([None, *_UNIT_SCALE, "MSEK", "Kr"]))
def test_to_kronor_whole_numbers_skip_decimal(num: str, dec: str | None, unit: str | None) -> None:
    """Whole kronor are read with int(); the result is the Decimal computation's."""
    value = Decimal(num) + (Decimal("0." + dec) if dec and dec != "-" else 0)
    scale = _UNIT_SCALE.get((unit or "").lower(), 1)
    expected = None if scale == 1 and dec and dec != "-" and len(dec) != 2 else int((value * scale).to_integral_value())
    assert _to_kronor(num, None, dec, unit) == expected


def test_int_reads_every_digit_like_decimal() -> None:
    for c in map(chr, range(sys.maxunicode + 1)):
        if c.isdecimal():
            assert int(c + "0" + c) == int(Decimal(c + "0" + c)), repr(c)


def test_text_before_an_amount_matters_only_when_there_is_some() -> None:
    """parse_amount_detailed skips these three searches when the amount starts the value."""
    assert not any(p.search("") for p in (_APPROX, _RANGE_BEFORE, _NEGATIVE_BEFORE))


_PROSE_BITS = st.sampled_from(["Fem", "miljoner", "MILJARD", "tusen", "kronor", "KR", "2 761 412", "٣", "\u0130", "\u0131",
                               "\u017f", "\u212a", "tuſen", "mİljon", " ", ",", "."])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PROSE_BITS, st.text(max_size=6)), max_size=12).map("".join))
def test_find_amounts_gates_never_hide_a_match(text: str) -> None:
    """find_amounts skips a pattern when its gate finds nothing; the gate must then be right."""
    if _AMOUNT_IN_PROSE.search(text):
        assert _DIGIT.search(text)
    if _WORD_AMOUNT.search(text):
        assert _WORD_UNIT.search(text)
