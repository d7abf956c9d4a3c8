"""Table-driven tests for pipeline.layout.segment: each page layout as a small page string; property
tests show the fast paths (no regex per line) equal the regexes they replace."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.layout.labels import glued_heads, glued_pattern, labels_longest_first
from pipeline.text.prefilter import ODD_FOLDS, has_odd_folds
from pipeline.layout.segment import (
    _COLON_LABEL,
    BULLET,
    BULLET_FIRST,
    _anchored,
    _boilerplate,
    _boilerplate_patterns,
    _boilerplate_test,
    _bullet_lines,
    _colon_label,
    find_lists,
    is_boilerplate,
    segment,
    strip_bullet,
)

P = pytest.param

GLUED = "\n".join([
    "Jobbvägen Sörmland",
    "Diarienummer2016/00123",
    "ProjektägareRegionförbundet Sörmland",
    "RegionÖstra Mellansverige",
    "Beviljat ESF-stöd2 761 412 kr",
    "Regionförbundet Sörmland driver projektet tillsammans med kommunerna.",
])
COLON_EMPTY = "\n".join([
    "Stärkt lärande",
    "Projektnummer:",
    "22-017-S04",
    "Projektägare:",
    "Kommunförbundet Norrbotten",
    "Startdatum:",
    "Slutdatum:",
    "Beviljat ESF+-stöd:",
    "3 000 000 kr",
])
PLAIN = "\n".join([
    "Unga i arbete",
    "Diarienummer",
    "2018/00456",
    "Projektägare",
    "Arbetsförmedlingen",
    "Region",
    "Västsverige",
])
INLINE_BULLETS = "\n".join([
    "Projekt Framtid",
    "• Specifikt mål: A1",
    "• Projektägare: Göteborgs stad",
    "• Projektperiod: 2022-01-01 till 2024-12-31",
])
PROSE_ONLY = "\n".join([
    "Nyheter",
    "Regionförbundet Sörmland har fått pengar för ett nytt projekt.",
    "Region Sörmland välkomnar beslutet.",
])

SEGMENT = [
    # old project bank (glued labels); the prose line 'Regionförbundet ...' is no Region field
    P(GLUED, "glued", [
        ("diarienummer", "2016/00123"), ("owner", "Regionförbundet Sörmland"),
        ("region", "Östra Mellansverige"), ("eu_grant_sek", "2 761 412 kr"),
    ], id="old-bank-glued"),
    # new bank (Label: / next line); empty 'Startdatum:'/'Slutdatum:' directly followed by the next label
    P(COLON_EMPTY, "colon", [
        ("diarienummer", "22-017-S04"), ("owner", "Kommunförbundet Norrbotten"),
        ("start_date", ""), ("end_date", ""), ("eu_grant_sek", "3 000 000 kr"),
    ], id="new-bank-colon-empty-labels"),
    # bank pages with colon-less labels
    P(PLAIN, "plain", [
        ("diarienummer", "2018/00456"), ("owner", "Arbetsförmedlingen"), ("region", "Västsverige"),
    ], id="plain-labels"),
    # owners' own sites: inline 'Label: value' in bullets
    P(INLINE_BULLETS, "inline", [
        ("specific_objective", "A1"), ("owner", "Göteborgs stad"),
        ("period", "2022-01-01 till 2024-12-31"),
    ], id="owner-inline-bullets"),
    # news/press releases (traps): prose that starts with a label word
    P(PROSE_ONLY, None, [], id="trap-prose-region-words"),
    P("", None, [], id="trap-empty-page"),
]


@pytest.mark.parametrize(("page", "layout", "pairs"), SEGMENT)
def test_segment(page: str, layout: str | None, pairs: list[tuple[str, str]]) -> None:
    seg = segment(page)
    assert seg.layout == layout
    assert [(p.field, p.value) for p in seg.pairs] == pairs


def test_prose_regionforbundet_line_stays_prose() -> None:
    seg = segment(GLUED)
    assert seg.values("region") == ["Östra Mellansverige"]
    prose = [ln for _, ln in seg.prose_lines()]
    assert any(ln.startswith("Regionförbundet Sörmland driver") for ln in prose)


def test_empty_colon_labels_do_not_steal_the_next_value() -> None:
    seg = segment(COLON_EMPTY)
    assert seg.has("start_date") and seg.has("end_date")
    assert seg.values("start_date") == [] and seg.values("end_date") == []
    assert seg.values("eu_grant_sek") == ["3 000 000 kr"]


FIND_LISTS = [
    P(["Kommun", "• Eskilstuna", "• Flen", "• Katrineholm", "Slut."],
      {"Kommun": ["Eskilstuna", "Flen", "Katrineholm"]}, id="kommun-bullets"),
    P(["Kommuner:", "", "- Luleå", "- Piteå"], {"Kommuner": ["Luleå", "Piteå"]}, id="colon-heading-dash-bullets"),
    P(["Vi arbetar med många.", "• Eskilstuna"], {}, id="trap-sentence-is-no-heading"),
    P(["Ingen lista här", "bara text"], {}, id="trap-no-bullets"),
]


@pytest.mark.parametrize(("lines", "expected"), FIND_LISTS)
def test_find_lists(lines: list[str], expected: dict[str, list[str]]) -> None:
    assert find_lists(lines) == expected


def test_segment_exposes_kommun_list() -> None:
    page = "Projekt X\nKommun\n• Eskilstuna\n• Flen\n• Katrineholm\n"
    assert segment(page).lists["Kommun"] == ["Eskilstuna", "Flen", "Katrineholm"]


BOILERPLATE = [
    P("Vi använder cookies för att förbättra webbplatsen", True, id="cookie-consent"),
    P("Cookies", True, id="cookie-banner"),
    P("Planerat driftstopp lördag 12 maj kl 8-12", True, id="driftstopp-banner"),
    P("Gå direkt till huvudinnehållet", True, id="skip-link"),
    P("Sidan senast uppdaterad: 2023-05-01", True, id="update-stamp"),
    P("Kohesio: discover EU projects", True, id="kohesio-header"),
    P("Projektet startar 2023", False, id="prose"),
    P("Regionförbundet Sörmland", False, id="owner-name"),
]


@pytest.mark.parametrize(("line", "expected"), BOILERPLATE)
def test_is_boilerplate(line: str, expected: bool) -> None:
    assert is_boilerplate(line) is expected


# --- fast paths equal what they replace (property tests) ------------------------------------

FAST = settings(deadline=None, max_examples=400, suppress_health_check=[HealthCheck.too_slow])
_SPACES = ["", " ", "  ", "\t", "\r", "\x0b", "\x1c", "\u2028", "\u3000"]
_LINE = st.lists(st.one_of(
    st.sampled_from([":", "::", "•", "-", "–", "*", "1.", "12)", "3", "٣.", "Projektägare", "Namn", "Region", "x" * 69,
                     "Ä", "a", *_SPACES]),
    st.characters(blacklist_characters="\n"),
), max_size=12).map("".join)


@FAST
@given(_LINE)
def test_colon_label_is_the_colon_regex(line: str) -> None:
    m = _COLON_LABEL.match(line)
    assert _colon_label(line) == (m.group("label").strip() if m else None)


@FAST
@given(st.lists(_LINE, max_size=8))
def test_bullet_lines_are_the_bullet_regex(lines: list[str]) -> None:
    assert _bullet_lines(lines, [ln.strip() for ln in lines]) == {i for i, ln in enumerate(lines) if BULLET.match(ln)}


def test_bullet_first_lists_every_bullet_start() -> None:
    """BULLET's first visible character is one of BULLET_FIRST or a decimal digit, and the regex's
    `\\s` is what str.strip() removes (so the first visible character is the stripped line's)."""
    for c in map(chr, range(sys.maxunicode + 1)):
        if BULLET.match(c + " x") or BULLET.match(c + ". x"):
            assert c in BULLET_FIRST or c.isdecimal(), repr(c)
        assert (re.match(r"\s", c) is not None) == c.isspace(), repr(c)


@FAST
@given(st.tuples(st.sampled_from(labels_longest_first()), _LINE).map("".join) | _LINE)
def test_glued_heads_never_hide_a_glued_line(line: str) -> None:
    k, heads = glued_heads()
    if glued_pattern().match(line):
        assert line.startswith(heads.get(line[:k], ()))


def _find_lists_reference(lines: list[str]) -> dict[str, list[str]]:
    """find_lists as it was before the bullet lines were found once per page."""
    out: dict[str, list[str]] = {}
    i, n = 0, len(lines)
    while i < n:
        s = lines[i].strip()
        if s and len(s) <= 60 and not BULLET.match(lines[i]) and not s.endswith((".", ",")):
            j = i + 1
            while j < n and not lines[j].strip():
                j += 1
            items: list[str] = []
            while j < n and (BULLET.match(lines[j]) or not lines[j].strip()):
                if lines[j].strip():
                    items.append(strip_bullet(lines[j]))
                j += 1
            if items:
                out.setdefault(s.rstrip(":"), items)
                i = j
                continue
        i += 1
    return out


@FAST
@given(st.lists(st.one_of(_LINE, st.sampled_from(["• Flen", "  - Luleå", "1. Ett", "Kommun", "", " "])), max_size=12))
def test_find_lists_is_the_line_by_line_version(lines: list[str]) -> None:
    assert find_lists(lines) == _find_lists_reference(lines)


# --- boilerplate: the split test equals the one combined pattern ----------------------------


def test_odd_folds_are_every_character_lower_does_not_fold_like_the_regex() -> None:
    """Every non-ASCII character that a case-insensitive regex matches to an ASCII letter or
    digit, or whose lower() is not one character, is in ODD_FOLDS (all code points)."""
    odd = {c for c in map(chr, range(0x80, sys.maxunicode + 1))
           if re.fullmatch("[a-z0-9]", c, re.IGNORECASE) or len(c.lower()) != 1}
    assert odd == set(ODD_FOLDS)
    assert all(has_odd_folds(f"a{c}b") for c in ODD_FOLDS) and not has_odd_folds("Kåk Ö ß i s k")


@pytest.mark.parametrize(("pattern", "anchored"), [
    P("^Meny$", True, id="plain"),
    P("^(Sök|Skriv ut)\\.?$", True, id="bar-in-group"),
    P("^[|]x", True, id="bar-in-class"),
    P("^a|b", False, id="top-level-bar"),
    P("^a\\|b", True, id="escaped-bar"),
    P("cookies?", False, id="unanchored"),
])
def test_anchored(pattern: str, anchored: bool) -> None:
    assert _anchored(pattern) is anchored


_BOILER_WORDS = ["cookie", "Cookies", "COOKIES", "co\u212aie", "drift", "driftſtopp", "DRIFTSTOPP", "servicearbete",
                 "Webbinarium", "wEBBINARIUM", "med anledning av covid-19", "MED ANLEDNING AV COVID-19", "Meny",
                 "Stäng", "STÄNG", "information (12)", "Tillbaka till ", "Sök.", "İ", "ı", "ſ", "\u212a", " ", "x"]


@FAST
@given(st.lists(st.one_of(st.sampled_from(_BOILER_WORDS), st.characters(blacklist_characters="\n")),
                max_size=10).map("".join))
def test_boilerplate_test_is_the_combined_pattern(line: str) -> None:
    s = line.strip()
    assert _boilerplate_test().search(s) is (_boilerplate().search(s) is not None)


def test_every_boilerplate_pattern_is_tried() -> None:
    t = _boilerplate_test()
    loose = t.loose.pattern if t.loose is not None else ""
    for p in _boilerplate_patterns():
        assert (p[1:] in t.anchored.pattern) if _anchored(p) else (p in loose)
