"""The fast paths of objectives.py give exactly what the plain way gives.

Sentences: the shared sentencizer run on pieces of a line (objectives._piece_starts) finds the
same sentences as run on the whole line; cue words and rule patterns found through
lower-cased text are those the case-insensitive regexes find.
"""

from __future__ import annotations

import re
import sys
from typing import cast

from hypothesis import example, given, settings
from hypothesis import strategies as st
from spacy.tokenizer import Tokenizer

from pipeline.project import objectives as ob
from pipeline.text.nlp import copy_tokenizer, get_nlp, sentence_doc
from pipeline.text.prefilter import ODD_FOLDS

# -- the plain way: the sentencizer on every whole line ------------------------------------


def _whole_line_sentences(line: str) -> list[str]:
    return [t for t in (s.text.strip() for s in sentence_doc(line).sents) if t]


def _plain_sentences(text: str, cued_only: bool = False) -> list[str]:
    """objectives._sentences as it was before the fast paths."""
    raw = [s for line in text.split("\n") if line.strip() and not (cued_only and not ob._CUE.search(line))
           for s in _whole_line_sentences(line)]
    out: list[str] = []
    pending = ""
    for s in raw:
        cur = f"{pending} {s}".strip() if pending else s
        if len(ob._QUOTE_RE.findall(cur)) % 2 == 1:
            pending = cur
            continue
        out.append(cur)
        pending = ""
    if pending:
        out.append(pending)
    return [s for s in out if ob._CUE.search(s)] if cued_only else out


# -- adversarial lines ---------------------------------------------------------------------

_RULES = sorted(cast(Tokenizer, get_nlp().tokenizer).rules or {})
_WORDS = [
    "Målet", "mål", "MÅL", "målgrupp", "Syftet", "syftar", "riktar", "projektet", "är", "att", "och",
    "Det", "i", "3", "3.5", "2014-2020", "t.ex.", "bl.a.", "m.m.", "dvs.", "St.", "kl.", "ca.", "nr.",
    "www.esf.se", "info@example.se", "e-post", "(Målet", "mål)", "”Mål", "mål”", "«mål»", "\"syfte\"",
    "ſyfte", "rıktar", "MİL", "\u212aTAR", "\u212bl", "m\u212bl", "_", "a_b", "...", "?!", "!!", "‼", "。",
    "।", "．", "Mål.Det", "mål.(Det", "slut.)", "slut.”", "slut?", "(", ")", "-", "–", ":", ";", ",",
    ":)", "(o:", ":D", "<3", "¡", "¿", "§", "%",
]
_TOKEN = st.one_of(
    st.sampled_from(_WORDS), st.sampled_from(_RULES),
    st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\n\r"), max_size=4),
)
_GAP = st.sampled_from([" ", " ", " ", "", "  ", "\t", "\u00a0", "\u2003", " \t "])


@st.composite
def _lines(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(_TOKEN, _GAP), max_size=24))
    return draw(st.sampled_from(["", "", "", " ", "\t"])) + "".join(t + g for t, g in parts)


@settings(max_examples=600, deadline=None)
@given(_lines())
@example("Vi gör saker. Målet är att fler får jobb.")
@example("Det gäller t.ex. unga. Målet är bl.a. att nå 300 unga m.m. Det blir bra.")
@example("Hej. \tMålet är att . . . nå fler ! ?  ")
@example("slut :) Mål. (o: Det")
def test_piece_starts_equal_whole_line_sentencizer(line: str) -> None:
    if line:
        assert ob._line_starts(line) == [t.idx for t in sentence_doc(line) if t.is_sent_start]
        assert ob._line_sentences(line, ob._line_starts(line)) == _whole_line_sentences(line)


@settings(max_examples=600, deadline=None)
@given(_lines())
@example("Det gäller t.ex. unga. Målet är bl.a. att nå 300 unga m.m. Det blir bra.")
@example("Syftet. är t.ex. Mål")
def test_cued_sentences_equal_whole_line_sentences_with_a_cue(line: str) -> None:
    cues = ob._cue_offsets(line)
    if line.strip() and cues:
        assert ob._cued_sentences(line, cues) == [s for s in _whole_line_sentences(line) if ob._CUE.search(s)]


@settings(max_examples=300, deadline=None)
@given(st.lists(_lines(), min_size=1, max_size=4), st.booleans())
def test_sentences_equal_the_plain_way(lines: list[str], cued_only: bool) -> None:
    text = "\n".join(lines)
    assert ob._sentences(text, cued_only) == _plain_sentences(text, cued_only)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(_lines(), min_size=1, max_size=3), st.booleans()), max_size=5))
@example([(["Slut."], False), (["(Målet. Det blir bra"], False), (["  Mål. ", "Mål:"], False)])
@example([(["Mål:)"], True), (["(o: mål"], True)])
def test_a_page_of_paragraphs_split_at_once_equals_one_by_one(paras: list[tuple[list[str], bool]]) -> None:
    texts = [("\n".join(lines), cued_only) for lines, cued_only in paras]
    assert ob._sentences_of(texts) == [_plain_sentences(text, cued_only) for text, cued_only in texts]


def test_no_special_case_joins_two_alphanumeric_tokens() -> None:
    """The premise of objectives._is_cut: spaCy's special cases (matched across chunks too)
    never contain a token ending in an alphanumeric character followed by one starting with
    one, nor whitespace, and no `punct_chars` character is alphanumeric or whitespace."""
    tk = cast(Tokenizer, get_nlp().tokenizer)
    plain = copy_tokenizer(tk, special_cases=False)
    for key in tk.rules or {}:
        assert not any(c.isspace() for c in key)
        toks = [t.text for t in plain(key)]
        assert not any(a[-1].isalnum() and b[0].isalnum() for a, b in zip(toks, toks[1:])), key
    assert not any(c.isalnum() or c.isspace() for c in ob._stops().chars)


# -- cue words and pattern gates -----------------------------------------------------------


_ALL = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)


def _ignorecase_matches(letter: str) -> set[str]:
    return {m.group() for m in re.finditer(re.escape(letter), _ALL, re.IGNORECASE)}


def test_lower_case_finds_what_ignorecase_matches() -> None:
    """Cue letters: a character matches case-insensitively iff it lower-cases to the letter,
    but for the ones in ODD_FOLDS; gate letters: every match lower-cases to the letter; only
    ODD_FOLDS characters change length when lower-cased."""
    odd = set(ODD_FOLDS)
    lower = {c: c.lower() for c in _ALL}
    assert {c for c, low in lower.items() if len(low) != 1} <= odd
    for letter in set("".join(ob._CUE_WORDS)):
        matches = _ignorecase_matches(letter)
        lowers = {c for c, low in lower.items() if low == letter}
        assert matches - odd == lowers - odd, letter
        assert lowers <= matches
    assert not any(not c.isspace() and any(x.isspace() for x in low) for c, low in lower.items())
    for letter in set("målgrupp" + "ktar" + "mål" + "yfte"):
        assert all(lower[c] == letter for c in _ignorecase_matches(letter)), letter


_CUE_TEXT = st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(
    ["MÅLGRUPPEN ÄR", "Projektets målgrupp är", "riktar sig till", "Projektet riktar sig till", "har som mål att",
     "Förstudien syftar till att", "Målsättningen är", "och dess mål är", "målgrupp för unga består av"]),
    st.text(max_size=3)), max_size=12).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(_CUE_TEXT)
@example("ſyftet är att")
@example("Projektet rıktar sig till alla")
def test_cue_and_rule_gates_equal_the_regexes(s: str) -> None:
    assert ob._has_cue(s) == (ob._CUE.search(s) is not None)
    text = s.replace("att", "\n\n").replace("och", "\n \n")
    assert ob._cued_paragraphs(text) == [(p, ob._CUE.search(p) is not None) for p in ob._paragraphs(text)]
    offsets = ob._cue_offsets(s)
    assert {m.start() for m in ob._CUE.finditer(s)} <= set(offsets)
    assert all(ob._CUE.match(s, i) for i in offsets)
    low = s.lower()
    assert ob._names_target_group(s, low) == (ob._TARGET.search(s) is not None)
    assert ob._states_aim(s, low) == (ob._AIM.search(s) is not None or ob._AIM_VERB.search(s) is not None)
    assert ob._states_target_group(s, low) == (ob._TARGET.search(s) is not None
                                               or ob._TARGET_RIKTAR.search(s) is not None)
