"""The fast paths of objectives.py give exactly what the plain way gives.

Sentences of paragraphs (objectives.prose_sentences, through pipeline.text.sentences) are those
of the sentencizer on every whole line; cue words and rule patterns found through lower-cased
text are those the case-insensitive regexes find. (The sentence splitting itself is compared
with the plain way in tests/test_sentences.py.)
"""

from __future__ import annotations

import re
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.project import objectives as ob
from pipeline.text import sentences_fast
from pipeline.text.prefilter import ODD_FOLDS
from pipeline.text.sentences import split_lines_plain
from test_sentences import WORDS as _WORDS
from test_sentences import lines as _lines

# -- the plain way: the sentencizer on every whole line ------------------------------------


def _whole_line_sentences(line: str) -> list[str]:
    return split_lines_plain([(line, None)])[0]


def _plain_sentences(text: str, cued_only: bool = False) -> list[str]:
    """objectives.prose_sentences as it was before the fast paths."""
    cue = ob.cues().pattern
    raw = [s for line in text.split("\n") if line.strip() and not (cued_only and not cue.search(line))
           for s in _whole_line_sentences(line)]
    out: list[str] = []
    pending = ""
    for s in raw:
        cur = f"{pending} {s}".strip() if pending else s
        if len(ob.QUOTE_RE.findall(cur)) % 2 == 1:
            pending = cur
            continue
        out.append(cur)
        pending = ""
    if pending:
        out.append(pending)
    return [s for s in out if cue.search(s)] if cued_only else out


@settings(max_examples=600, deadline=None)
@given(_lines())
@example("Det gäller t.ex. unga. Målet är bl.a. att nå 300 unga m.m. Det blir bra.")
@example("Syftet. är t.ex. Mål")
def test_cued_sentences_equal_whole_line_sentences_with_a_cue(line: str) -> None:
    cues = ob.cues().offsets(line)
    if line.strip() and cues:
        assert sentences_fast.split_lines([(line, cues)])[0] == [
            s for s in _whole_line_sentences(line) if ob.cues().pattern.search(s)]


@settings(max_examples=300, deadline=None)
@given(st.lists(_lines(), min_size=1, max_size=4), st.booleans())
def test_sentences_equal_the_plain_way(lines: list[str], cued_only: bool) -> None:
    text = "\n".join(lines)
    assert ob.prose_sentences([(text, cued_only)]) == [_plain_sentences(text, cued_only)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(_lines(), min_size=1, max_size=3), st.booleans()), max_size=5))
@example([(["Slut."], False), (["(Målet. Det blir bra"], False), (["  Mål. ", "Mål:"], False)])
@example([(["Mål:)"], True), (["(o: mål"], True)])
def test_a_page_of_paragraphs_split_at_once_equals_one_by_one(paras: list[tuple[list[str], bool]]) -> None:
    texts = [("\n".join(lines), cued_only) for lines, cued_only in paras]
    assert ob.prose_sentences(texts) == [_plain_sentences(text, cued_only) for text, cued_only in texts]


# -- cue words and pattern gates -----------------------------------------------------------


_ALL = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)


def _ignorecase_matches(letter: str) -> set[str]:
    return {m.group() for m in re.finditer(re.escape(letter), _ALL, re.IGNORECASE)}


def test_lower_case_finds_what_ignorecase_matches() -> None:
    """Cue letters: a character matches case-insensitively iff it lower-cases to the letter,
    but for the ones in ODD_FOLDS (what prefilter.Words needs); gate letters: every match
    lower-cases to the letter; only ODD_FOLDS characters change length when lower-cased."""
    odd = set(ODD_FOLDS)
    lower = {c: c.lower() for c in _ALL}
    assert {c for c, low in lower.items() if len(low) != 1} <= odd
    for letter in set("".join(ob.cues().words)):
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
    cue = ob.cues()
    assert cue.search(s) == (cue.pattern.search(s) is not None)
    text = s.replace("att", "\n\n").replace("och", "\n \n")
    assert ob.cued_paragraphs(text) == [(p, cue.pattern.search(p) is not None) for p in ob.paragraphs(text)]
    offsets = cue.offsets(s)
    assert {m.start() for m in cue.pattern.finditer(s)} <= set(offsets)
    assert all(cue.pattern.match(s, i) for i in offsets)
    low = s.lower()
    assert ob.names_target_group(s, low) == (ob.TARGET.search(s) is not None)
    assert ob.states_aim(s, low) == (ob.AIM.search(s) is not None or ob.AIM_VERB.search(s) is not None)
    assert ob.states_target_group(s, low) == (ob.TARGET.search(s) is not None
                                              or ob.TARGET_RIKTAR.search(s) is not None)


def test_cue_words_are_the_ones_every_rule_needs() -> None:
    assert ob.cues().pattern.pattern == "mål|syft|riktar" and ob.cues().pattern.flags & re.IGNORECASE
