"""pipeline.text.prefilter: the literal shortcuts give exactly the plain regex answers.

Property tests on text built from matches of the pattern itself (hypothesis' from_regex),
its literals, pieces of them and near misses (case changes, cut words, newlines), for the
data-file patterns the pipeline uses and for patterns written to exercise each parse-tree shape.
"""

from __future__ import annotations

import csv
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.resources import data_file
from pipeline.values.amounts import FOREIGN_CURRENCY
from pipeline.layout.classify import signal_finders, signals
from pipeline.project.fields import prose_finders, prose_patterns
from pipeline.project.readers.prose import prose_rules
from pipeline.text.prefilter import (
    any_line_matches,
    anchor,
    finder,
    folded_needles,
    may_match,
    may_match_folded,
    needles,
    supported,
    words,
)

SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])

SHAPES = [
    r"[Pp]rojektet (?:startade|startar) (?:den )?(?P<v>\d{1,2} [a-zåäö]+\.? \d{4})",
    r"(?:[Pp]rojektet )?(?:pågår|löper) (?:till|t\.o\.m\.?) (?P<v>\d{4})",
    r"(?:^|\. )(?P<v>[A-ZÅÄÖ][^.\n]{2,60}?) är projektägare",
    r"^(Projektfakta|Korta fakta|Om projektet)$",
    r"^Kohesio:|kohesio\.eu",
    r"(?<![\d-])abc(?:de)+f",
    r"\bav\b (?i:Region) (?P<v>\w+)",
    r"x?y?z?",
    r"(?:EG:s|EU:s) andel (?:kan )?uppgå till (?P<v>\d+)",
    r"Projekt:\s+(?P<v>.+?)\s+Beslut om",
    r"(a|)bcd",
    r"(?:ab){2}cde",
]
_PIECES = ["Projektet ", "projektet ", "startade ", "startar ", "den ", "pågår ", "löper ", "till ", "t.o.m. ",
           "är projektägare", "Projektfakta", "Korta fakta", "Om projektet", "Kohesio:", "kohesio.eu", "abc", "de",
           "f", "av ", "Region ", "REGION ", "EG:s", "EU:s", " andel ", "kan ", "uppgå till ", "Projekt: ",
           "Beslut om", "bcd", "ab", "cde", "1 mars 2021", "2023", ". ", "\n", " ", "-", "x", "y", "z", "Å",
           "Utlysningen pågår", "Ansökningstiden är", "he project runs", "drivs av ", "Kommunen", "ta emot ",
           "10 deltagare", "ends on ", "3 May 2024", "runs from ", "Att: ", "Anna Berg", " Box",
           "Projektet drivs av Region Sörmland.", "Projektet leds av X i samarbete med Y", "Att: Anna Berg Box 7",
           "projektet ägs av Kommunen, ", "\nProjektfakta\n", "\n Om projektet\n", " is led by Region Skåne.",
           "will be managed by the city,"]


def _texts(extra: list[str], pattern: re.Pattern[str] | None = None) -> st.SearchStrategy[str]:
    pieces = st.sampled_from(_PIECES + extra)
    cut = pieces.flatmap(lambda p: st.integers(0, len(p)).map(lambda k: p[:k]))  # a word cut short
    # whole matches (hypothesis filters lookaheads away by retrying: those patterns get pieces only)
    matches = st.from_regex(pattern, fullmatch=True) if pattern is not None and "(?=" not in pattern.pattern \
        and "(?!" not in pattern.pattern else st.nothing()
    return st.lists(st.one_of(pieces, cut, matches, st.characters(max_codepoint=0x2100)), max_size=30).map("".join)


def _data_patterns() -> list[re.Pattern[str]]:
    return [*signals().values(), *(p for _, _, p in prose_patterns())]


def _boilerplate_patterns() -> list[re.Pattern[str]]:
    """data/boilerplate.csv, one by one and all as one, ignoring case (as layout.segment reads them)."""
    with open(data_file("boilerplate.csv"), encoding="utf-8", newline="") as fh:
        pats = [row["pattern"] for row in csv.DictReader(fh)]
    return [re.compile(p, re.IGNORECASE) for p in pats] + [
        re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE)]


ALL = [re.compile(p, re.MULTILINE) for p in SHAPES] + _data_patterns()
LITERALS = [lit for p in ALL for lit in (needles(p, 1) or ())]


def _same(a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a.span() == b.span()
                                          and a.groups() == b.groups())


@pytest.mark.parametrize("pattern", ALL, ids=lambda p: p.pattern[:40])
@SETTINGS
@given(data=st.data())
def test_finder_search_is_pattern_search(pattern: re.Pattern[str], data: st.DataObject) -> None:
    text = data.draw(_texts(LITERALS, pattern))
    assert _same(finder(pattern).search(text), pattern.search(text))


@pytest.mark.parametrize("pattern", ALL, ids=lambda p: p.pattern[:40])
@SETTINGS
@given(data=st.data())
def test_needles_are_in_every_match(pattern: re.Pattern[str], data: st.DataObject) -> None:
    text = data.draw(_texts(LITERALS, pattern))
    for min_len in (1, 3):
        found = needles(pattern, min_len)
        if found is not None and pattern.search(text):
            assert may_match(found, text)


@SETTINGS
@given(lines=st.lists(_texts(["  Projektfakta ", "\tOm projektet", "Korta fakta:"]), max_size=8))
def test_any_line_matches_is_the_line_loop(lines: list[str]) -> None:
    f = signal_finders()["facts_heading"]
    lines = [x for ln in lines for x in ln.split("\n")]  # lines never hold a newline
    assert any_line_matches(f.pattern, f.needles, lines) == any(f.pattern.match(ln.strip()) for ln in lines)


def test_shortcuts_found_for_the_data_patterns() -> None:
    """The slow signals have needles (else the shortcuts would silently do nothing)."""
    assert signal_finders()["kohesio"].needles == ("Kohesio:", "kohesio.eu")
    assert signal_finders()["call_window"].needles
    # every prose rule is gated: by its cue words (searched in windows) or by the prefilter's needles
    assert all(r.cues or f.needles or f.anchor for r, f in zip(prose_rules(), prose_finders()))


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"abc", ("abc",)),
    (r"ab", None),  # shorter than 3
    (r"(?i)abc", None),  # case-insensitive: no plain needles
    (r"(?:abc)?def", ("def",)),  # optional group: not required
    (r"(?:abc)*", None),
    (r"(?:abc)+", ("abc",)),
    (r"abc|defg", ("abc", "defg")),
    (r"abc|d", None),  # one branch without a 3-character literal
    (r"(?i:abcd)efg", ("efg",)),
    (r"[ab]cde", ("cde",)),
    (r"x(?:abcd|zabcdef)", ("abcd",)),  # "zabcdef" contains "abcd": pruned
])
def test_needles_table(pattern: str, expected: tuple[str, ...] | None) -> None:
    assert needles(re.compile(pattern)) == expected


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"[Pp]rojektet (a|b)", (1, "rojektet ")),
    (r"(?<!\d)\d{4}-\d{2} kr", (7, " kr")),
    (r"abc", (0, "abc")),
    (r"a?bcd", None),  # variable-width start
    (r"x|abc", None),
    (r"(?i)abc", None),
    (r"ab[cd]ef", None),  # only 2-character runs
    (r"ab[cd]efg", (3, "efg")),
])
def test_anchor_table(pattern: str, expected: tuple[int, str] | None) -> None:
    assert anchor(re.compile(pattern)) == expected


ASCII_TEXT = st.lists(st.one_of(st.sampled_from(["EUR", "eur", "Euro", "USD", "usd", "nok", "NOK", "DKK", "$", "€",
                                                 " ", "kr", "100", "euros", "Ueur", "s", "k"]),
                                st.characters(max_codepoint=0x17f)), max_size=12).map("".join)


@SETTINGS
@given(ASCII_TEXT)
def test_folded_needles_never_hide_a_foreign_currency(text: str) -> None:
    if FOREIGN_CURRENCY.pattern.search(text):
        assert may_match_folded(FOREIGN_CURRENCY.needles, text)
    assert _same(FOREIGN_CURRENCY.search(text), FOREIGN_CURRENCY.pattern.search(text))


FOLDED = [*_boilerplate_patterns(), FOREIGN_CURRENCY.pattern]


@pytest.mark.parametrize("pattern", FOLDED, ids=lambda p: p.pattern[:40])
@settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_folded_needles_are_in_every_match_of_the_data_patterns(pattern: re.Pattern[str], data: st.DataObject) -> None:
    """Every literal listed for a case-insensitive data-file pattern is required: an ASCII text
    that the pattern matches holds one of them, lower-cased."""
    text = data.draw(_texts(LITERALS + ["Cookies", "DRIFTSTOPP", "Webbinarium", "eur", "USD"], pattern)
                     .map(lambda t: t.encode("ascii", "ignore").decode()))
    for min_len in (1, 3):
        found = folded_needles(pattern, min_len)
        if found is not None and pattern.search(text):
            assert may_match_folded(found, text)


def test_the_parser_reads_every_data_file_pattern() -> None:
    """Every pattern of the data files is in the regex subset prefilter's parser reads (else it
    would silently get no shortcut), and the ones that must have shortcuts have them."""
    for p in [*_data_patterns(), *FOLDED]:
        assert supported(p), p.pattern
    assert FOREIGN_CURRENCY.needles == ("$", "dkk", "eur", "nok", "usd", "€")
    assert folded_needles(_boilerplate_patterns()[-1]) is not None
    for bad in [r"(a)\1", r"(?x)a b", r"(?P<n>a)(?P=n)", r"(?(1)a|b)", r"a**"]:
        try:
            compiled = re.compile(bad)
        except re.error:
            continue
        assert not supported(compiled) and needles(compiled, 1) is None and anchor(compiled, 1) is None, bad


@SETTINGS
@given(st.lists(st.sampled_from(["mål", "MÅL", "syft", "rıktar", "riktar", "ſyft", "x", " ", "İ", "\u212a"]),
                max_size=10).map("".join))
def test_words_find_what_their_pattern_finds(text: str) -> None:
    ws = words(["mål", "syft", "riktar"])
    assert ws.search(text) == (ws.pattern.search(text) is not None)
    assert {m.start() for m in ws.pattern.finditer(text)} <= set(ws.offsets(text))
    assert all(ws.pattern.match(text, i) for i in ws.offsets(text))


def test_folded_needles_give_up_on_case_twins_of_ascii() -> None:
    """'\u212a' (Kelvin sign) matches 'k' and '\u017f' (long s) matches 's' when case is ignored,
    but lower-casing the text would not find them."""
    assert folded_needles(re.compile("\u212aelvin", re.IGNORECASE)) is None
    assert folded_needles(re.compile("\u017ftop", re.IGNORECASE)) is None
    assert folded_needles(re.compile("Ärende", re.IGNORECASE)) == ("ärende",)
    for a in range(128):  # ignoring case on ASCII letters is lower-casing them
        for b in range(128):
            same = re.fullmatch(re.escape(chr(a)), chr(b), re.IGNORECASE) is not None
            assert same == (chr(a).lower() == chr(b).lower())
