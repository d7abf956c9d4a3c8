"""pipeline.text.sentences: the fast path (sentences_fast: the sentencizer on pieces of a line,
many lines in one Doc) finds exactly the sentences of the plain way (the sentencizer on every
whole line), on adversarial lines: spaCy's special cases, punctuation runs, odd whitespace.
"""

from __future__ import annotations

from typing import cast

from hypothesis import example, given, settings
from hypothesis import strategies as st
from spacy.tokenizer import Tokenizer

from pipeline.text import sentences_fast
from pipeline.text.nlp import copy_tokenizer, get_nlp
from pipeline.text.sentences import sentence_starts_plain, split_lines, split_lines_plain

_RULES = sorted(cast(Tokenizer, get_nlp().tokenizer).rules or {})
WORDS = [
    "Målet", "mål", "MÅL", "målgrupp", "Syftet", "syftar", "riktar", "projektet", "är", "att", "och",
    "Det", "i", "3", "3.5", "2014-2020", "t.ex.", "bl.a.", "m.m.", "dvs.", "St.", "kl.", "ca.", "nr.",
    "www.esf.se", "info@example.se", "e-post", "(Målet", "mål)", "”Mål", "mål”", "«mål»", "\"syfte\"",
    "ſyfte", "rıktar", "MİL", "\u212aTAR", "\u212bl", "m\u212bl", "_", "a_b", "...", "?!", "!!", "‼", "。",
    "।", "．", "Mål.Det", "mål.(Det", "slut.)", "slut.”", "slut?", "(", ")", "-", "–", ":", ";", ",",
    ":)", "(o:", ":D", "<3", "¡", "¿", "§", "%",
]
_TOKEN = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(_RULES),
    st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\n\r"), max_size=4),
)
_GAP = st.sampled_from([" ", " ", " ", "", "  ", "\t", "\u00a0", "\u2003", " \t "])


@st.composite
def lines(draw: st.DrawFn) -> str:
    """A line of words, spaCy special cases, punctuation and odd whitespace (no newline)."""
    parts = draw(st.lists(st.tuples(_TOKEN, _GAP), max_size=24))
    return draw(st.sampled_from(["", "", "", " ", "\t"])) + "".join(t + g for t, g in parts)


@settings(max_examples=600, deadline=None)
@given(lines())
@example("Vi gör saker. Målet är att fler får jobb.")
@example("Det gäller t.ex. unga. Målet är bl.a. att nå 300 unga m.m. Det blir bra.")
@example("Hej. \tMålet är att . . . nå fler ! ?  ")
@example("slut :) Mål. (o: Det")
def test_piece_starts_equal_whole_line_sentencizer(line: str) -> None:
    if line:
        assert sentences_fast.sentence_starts(line) == sentence_starts_plain(line)
        assert sentences_fast.split_lines([(line, None)]) == split_lines_plain([(line, None)])


@settings(max_examples=600, deadline=None)
@given(lines(), st.data())
@example("Det gäller t.ex. unga. Målet är bl.a. att nå 300 unga m.m. Det blir bra.", None)
@example("Syftet. är t.ex. Mål", None)
def test_sentences_at_offsets_equal_the_plain_way(line: str, data: st.DataObject | None) -> None:
    """Offsets of letters or digits (where a caller's words are)."""
    word_chars = [i for i, c in enumerate(line) if c.isalnum()]
    if not line.strip() or not word_chars:
        return
    if data is None:
        at = word_chars
    else:
        at = sorted(set(data.draw(st.lists(st.sampled_from(word_chars), min_size=1, max_size=6))))
    assert sentences_fast.split_lines([(line, at)]) == split_lines_plain([(line, at)])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(lines(), st.booleans()), max_size=8))
@example([("Slut.", False), ("(Målet. Det blir bra", False), ("  Mål. ", False), ("Mål:", True)])
@example([("Mål:)", True), ("(o: mål", True)])
def test_many_lines_split_at_once_equal_one_by_one(jobs: list[tuple[str, bool]]) -> None:
    """Lines in one Doc; with the flag, only the sentences at each line's first word character."""
    todo = [(line, [i] if first else None) for line, first in jobs if line.strip()
            for i in [next((k for k, c in enumerate(line) if c.isalnum()), -1)] if not first or i >= 0]
    assert split_lines(todo) == [split_lines_plain([job])[0] for job in todo]


def test_no_special_case_joins_two_alphanumeric_tokens() -> None:
    """The premise of the fast path's cuts: spaCy's special cases (matched across chunks too)
    never contain a token ending in an alphanumeric character followed by one starting with
    one, nor whitespace, and no `punct_chars` character is alphanumeric or whitespace."""
    tk = cast(Tokenizer, get_nlp().tokenizer)
    plain = copy_tokenizer(tk, special_cases=False)
    for key in tk.rules or {}:
        assert not any(c.isspace() for c in key)
        toks = [t.text for t in plain(key)]
        assert not any(a[-1].isalnum() and b[0].isalnum() for a, b in zip(toks, toks[1:])), key
    assert not any(c.isalnum() or c.isspace() for c in sentences_fast.stop_chars())
