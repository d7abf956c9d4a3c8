"""The fast place scan against its plain reference: the same tokens, sentence ids and
candidate names on a table of real-world shapes, on every sentence of the recogniser's tests,
on the fixture pages, and on generated text."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.places.roles import INDEXED_WORDS
from pipeline.places.scan import Candidate, Scan, scan, scan_reference

TESTS = Path(__file__).parent

SHAPES = [
    "",
    "   ",
    "\n\n",
    "Projektet genomförs i kommunerna Askersund, Hallsberg och Kumla.",
    "BOTKYRKA KOMMUN driver projektet tillsammans med Region Stockholm.",
    "Arbetsmarknadsförvaltningen - Stockholms stad",
    "Hallands och Västragötalands län samverkar.",
    "Stenungsunds och Tjörns kommuner, samt Uppsala och Stockholms län.",
    "Region Jämtland Härjedalen och Kalmar län finansierar; Stockholms Län också.",
    "Insatsen sker t.ex. i Malung-Sälen och bl.a. i Upplands Väsby.",
    "Deltar du?\n\nVi finns i Lund.\n \nOch i Mark.",
    "Lund\n\n\nVara\n•Mark\n- Berg",
    "ESF Nationellt, Östra Mellansverige och Norra Mellansverige är regioner. Stockholm också.",
    "MIA Södertälje: MIA ska främja arbete i Södertälje.",
    "Habo kommun, Håbo kommun, HÅBO, habo, Håbo   kommun.",
    "Uppsala, Sala, arbetsmarknaden och Mark kommun.",
    "i samverkan med Arboga kommun, Köpings kommun och Kungsörs kommun",
    "The project is carried out in Kiruna and Gällivare.",
    "Följande kommuner: Flen, Gnesta, Katrineholm.\tTrosa kommun\u00a0deltar.",
    "Sörmland, Gävleborgs län och Region Skåne. Falu kommun och Falun.",
    "GÄVLEBORGS LÄN\nREGION GOTLAND\nregion gotland",
    "Göteborgs Stad, Malmö stad, Västerås Stad och ESF+ Sydsverige.",
    "Stockholm–Uppsala, Umeå/Luleå & Kiruna.",
]


def _sentences_of_the_recogniser_tests() -> list[str]:
    """Every string literal of tests/test_places_recognise.py with a capital letter in it."""
    tree = ast.parse((TESTS / "test_places_recognise.py").read_text(encoding="utf-8"))
    found = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and any(c.isupper() for c in node.value)
    }
    return sorted(found)


def _fixture_pages() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((TESTS / "fixtures").rglob("*.txt"))]


def plain(s: Scan) -> dict[str, Any]:
    """A scan as plain values (names compared with all they carry)."""

    def cand(c: Candidate) -> tuple[Any, ...]:
        kinds = {k: (e.code, e.tokens) for k, e in c.name.kinds.items()}
        return (c.start, c.end, c.next_word, c.name.written, c.name.key, c.name.caps, kinds)

    return {
        "words": s.words,
        "lower": s.lower,
        "space": s.space,
        "sentence": s.sentence,
        "indexed": s.indexed,
        "offsets": [s.offset(i) for i in range(s.n)],
        "candidates": [cand(c) for c in s.candidates],
    }


def same(text: str) -> None:
    assert plain(scan(text, INDEXED_WORDS)) == plain(scan_reference(text, INDEXED_WORDS))


@pytest.mark.parametrize("text", SHAPES)
def test_shapes_scan_like_the_reference(text: str) -> None:
    same(text)


def test_recogniser_test_sentences_scan_like_the_reference() -> None:
    sentences = _sentences_of_the_recogniser_tests()
    assert len(sentences) > 100
    for text in sentences:
        same(text)


def test_fixture_pages_scan_like_the_reference() -> None:
    pages = _fixture_pages()
    assert pages
    for text in pages:
        same(text)


def test_scan_finds_names_as_written() -> None:
    s = scan("Håbo kommun, habo, Region Stockholm och HABO.")
    assert [(c.name.written, c.name.caps) for c in s.candidates] == [
        (("Håbo",), False),
        (("Region", "Stockholm"), False),
        (("HABO",), True),
    ]
    first = s.candidates[0]
    assert first.next_word is not None and s.lower[first.next_word] == "kommun"
    assert s.span_text(first.start, first.end) == "Håbo"


WORDS = ["Lund", "Vara", "i", "och", ",", "kommun", "län", "Region", "Stockholms", "stad", "Mark", "kommunerna",
         "\n\n", "\n", " ", ".", "?", "t.ex.", "BOTKYRKA", "KOMMUN", "Sörmland", "Hallands", "Uppsala", "genomförs",
         "Projektet", "samverkan", "med", "Kalmar", "dvs", ":", "•", "Malung-Sälen", "Upplands", "Väsby", "LÄN",
         "Stockholm", "Östra", "Mellansverige", "ESF", "Nationellt", "Gotland", "Falu", "Håbo", "habo"]


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), max_size=40), sep=st.sampled_from([" ", "", "\n", "  "]))
def test_place_word_soup_scans_like_the_reference(words: list[str], sep: str) -> None:
    same(sep.join(words))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_text_scans_like_the_reference(text: str) -> None:
    same(text)
