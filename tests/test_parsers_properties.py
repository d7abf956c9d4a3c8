"""Property tests: the parsers never raise on arbitrary text, and never return a wrong-typed value."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.values.amounts import find_amounts, parse_amount, parse_amount_detailed
from pipeline.layout.classify import classify
from pipeline.values.dates import MONTHS, date_problem, find_dates, find_ranges, parse_date, parse_period
from pipeline.layout.segment import segment

SETTINGS = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like the pages: digits, separators, month names, units and approximate words.
_TOKENS = st.sampled_from([
    " ", "  ", "\n", "-", "–", ",", ".", ":", ":-", "%", "€", "kr", "kronor", "MSEK", "mkr", "miljoner",
    "cirka", "till", "och", "den", "fem", "tjugo", "hundra", "Projektägare", "Region", "Startdatum:",
    "•", "2020", "2014-01-02", "2021-13-45", "idag", "tomorrow", *list(MONTHS)[:12],
])
PAGE_LIKE = st.lists(st.one_of(_TOKENS, st.integers(0, 9999).map(str)), max_size=25).map("".join)
ANY_TEXT = st.one_of(st.text(), PAGE_LIKE)


@SETTINGS
@given(ANY_TEXT)
def test_amount_parsers_never_raise(text: str) -> None:
    value, reason = parse_amount_detailed(text)
    assert (value is None) != (reason is None)
    for a in find_amounts(text):
        assert text[a.start:a.end] == a.text
        assert a.value is None or (isinstance(a.value, int) and a.value > 0)
        assert a.value is not None or a.reason


@SETTINGS
@given(ANY_TEXT)
def test_parse_amount_returns_positive_int(text: str) -> None:
    value = parse_amount(text)
    assert value is None or (type(value) is int and value > 0)


@SETTINGS
@given(ANY_TEXT)
def test_date_parsers_never_raise(text: str) -> None:
    d = parse_date(text)
    assert d is None or isinstance(d, date)
    start, end = parse_period(text)
    assert start is None or isinstance(start, date)
    assert end is None or isinstance(end, date)
    problem = date_problem(text)
    assert problem is None or isinstance(problem, str)
    for r in find_ranges(text):
        assert text[r.start:r.end] == r.text
    for m in find_dates(text):
        assert text[m.start:m.end] == m.text


@SETTINGS
@given(ANY_TEXT)
def test_parse_date_never_invents_a_year(text: str) -> None:
    """Whatever date comes out, its year is written in the text (no part taken from today)."""
    d = parse_date(text)
    if d is not None:
        assert str(d.year) in re.findall(r"\d{4}", " ".join(text.split()))


@SETTINGS
@given(ANY_TEXT)
def test_segment_and_classify_never_raise(text: str) -> None:
    seg = segment(text)
    c = classify(text, seg)
    assert c.page_kind in {"project", "call", "regional_plan", "other"}
    assert c.template
