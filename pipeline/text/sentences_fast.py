"""The fast way to `pipeline.text.sentences.split_lines`: the same sentences, sentencizing less.

spaCy's sentencizer (`pipeline.text.nlp.sentence_doc`) is the slowest step of reading prose,
and most of a line cannot hold a sentence start: one starts only at a word after one of the
sentencizer's `punct_chars` with nothing but punctuation in between. So only the pieces of a
line around those characters are tokenised (see `_piece_starts`), all lines of a call in one
Doc, and where only the sentences at given offsets are wanted, only the stops around them are
looked at first. tests/test_sentences.py compares every answer with the plain way
(`pipeline.text.sentences.split_lines_plain`: the sentencizer on every whole line).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from spacy.attrs import IDX, SENT_START
from spacy.pipeline import Sentencizer

from pipeline.text.nlp import get_nlp, sentence_doc
from pipeline.text.prefilter import find_all


def split_lines(jobs: Sequence[tuple[str, Sequence[int] | None]]) -> list[list[str]]:
    """For each (line, offsets): the line's sentences, or with sorted `offsets`, only the
    ones holding one of them (once each), in line order; stripped, non-empty.

    For offsets only the stops from the last one before the first offset to the first one
    after the last offset are looked at first; if that does not settle where a sentence
    starts and ends (a stop that ends no sentence, as in "t.ex."), all of them are."""
    stops = [_stop_offsets(line) for line, _ in jobs]
    firsts = [bisect_left(st, at[0]) if at else 0 for st, (_, at) in zip(stops, jobs)]
    parts = [st if at is None else st[max(i - 1, 0):bisect_left(st, at[-1]) + 1]
             for st, i, (_, at) in zip(stops, firsts, jobs)]
    found = _piece_starts([(line, part) for (line, _), part in zip(jobs, parts)])
    out: list[list[str]] = []
    for (line, at), st, i, (starts, hi) in zip(jobs, stops, firsts, found):
        if at is None:
            out.append(_line_sentences(line, [0, *starts]))
            continue
        if i == 0:
            starts = [0, *starts]  # no stop before the first offset: its sentence starts the line
        # no stop after the pieces: no sentence starts after them
        spans = _spans_at(starts, at, len(line) if not st or st[-1] < hi else None)
        if spans is None:  # with all starts known it is never None
            spans = _spans_at(sentence_starts(line), at, len(line)) or []
        out.append([line[a:b].strip() for a, b in spans])
    return out


def sentence_starts(line: str) -> list[int]:
    """Offsets of the sentence starts the sentencizer finds in the non-empty line, 0 first."""
    return [0, *_piece_starts([(line, _stop_offsets(line))])[0][0]]


def stop_chars() -> frozenset[str]:
    """The sentencizer's `punct_chars`: a sentence can only start after one of them."""
    return _stops().chars


def _sentence_starts(text: str) -> list[int]:
    """Offsets in text of the tokens the shared sentencizer marks as sentence starts."""
    return [i for s, i in sentence_doc(text).to_array([SENT_START, IDX]).tolist() if s == 1]


@dataclass(frozen=True)
class _Stops:
    """The sentencizer's `punct_chars`, split for fast scanning."""

    chars: frozenset[str]
    narrow: tuple[str, ...]  # the ASCII ones ("!", ".", "?"), found by str.find
    wide: frozenset[str]  # the others (a regex class of all ~130 is slow to scan)
    above: re.Pattern[str]  # any character from the lowest wide one up (a fast regex)
    any_re: re.Pattern[str]


@lru_cache(maxsize=1)
def _stops() -> _Stops:
    chars = frozenset(cast(Sentencizer, get_nlp().get_pipe("sentencizer")).punct_chars)
    wide = frozenset(c for c in chars if not c.isascii())
    above = re.compile("[^\\x00-" + re.escape(chr(ord(min(wide)) - 1)) + "]")
    any_re = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")
    return _Stops(chars, tuple(sorted(chars - wide)), wide, above, any_re)


def _stop_offsets(line: str) -> list[int]:
    """Sorted offsets of the sentencizer's `punct_chars` in line."""
    st = _stops()
    if st.above.search(line) and not st.wide.isdisjoint(line):
        return [m.start() for m in st.any_re.finditer(line)]
    return find_all(line, st.narrow)


def _is_cut(line: str, j: int) -> bool:
    """True if the space line[j] is between two alphanumeric characters (a cut).

    The text on either side of such a space is tokenised as it is within the line: spaCy
    tokenises each whitespace-separated chunk on its own, and only its special cases are
    matched across chunks, none of which has a token ending in an alphanumeric character
    followed by one starting with one (tests/test_sentences.py checks this). The tokens on
    both sides are words (neither `punct_chars` nor punctuation), after which the
    sentencizer has no pending sentence end whatever came before."""
    return 0 < j < len(line) - 1 and line[j - 1].isalnum() and line[j + 1].isalnum()


def _left_cut(line: str, k: int) -> int:
    """Start of the piece around offset k: just after the last cut before k, or 0."""
    j = line.rfind(" ", 0, k)
    while j > 0 and not _is_cut(line, j):
        j = line.rfind(" ", 0, j)
    return j + 1 if j > 0 else 0


def _right_cut(line: str, k: int) -> int:
    """End of the piece around offset k: the first cut after k, or len(line)."""
    j = line.find(" ", k)
    while j != -1 and not _is_cut(line, j):
        j = line.find(" ", j + 1)
    return j if j != -1 else len(line)


def _pieces(line: str, stops: list[int]) -> list[tuple[int, int]]:
    """The spans of line from the cut before to the cut after each of the sorted `stops`,
    merged where they meet (see _piece_starts)."""
    pieces: list[tuple[int, int]] = []
    for k in stops:
        if pieces and k < pieces[-1][1]:
            continue  # in the last piece
        lo, hi = _left_cut(line, k), _right_cut(line, k)
        if pieces and lo <= pieces[-1][1] + 1:
            pieces[-1] = (pieces[-1][0], hi)
        else:
            pieces.append((lo, hi))
    return pieces


def _piece_starts(jobs: list[tuple[str, list[int]]]) -> list[tuple[list[int], int]]:
    """For each (line, stops): the sentence starts (but 0) the sentencizer finds in line from
    the cut before the first of the sorted `stops` (offsets of consecutive `punct_chars`
    characters) to the cut after the last, and where that is (0 without stops).

    A sentence starts only at a word after a `punct_chars` token with nothing but punctuation
    in between, so only the pieces of a line around its stops (_pieces) are tokenised:
    joined by single spaces, each between two alphanumeric characters again (_is_cut), they
    get the same tokens and sentence starts as within the line, but for the first token, a
    start there and none in the line (a word precedes it); between the pieces no sentence
    starts. All lines' joined pieces share one Doc, each after a newline: a whitespace token
    that no special case holds, and a word, after which the sentencizer has nothing pending,
    as at the start of a Doc (joined pieces that start or end with whitespace, which would
    run into the newline, get a Doc of their own)."""
    pieces = [_pieces(line, stops) for line, stops in jobs]
    texts = [" ".join(line[lo:hi] for lo, hi in ps) for (line, _), ps in zip(jobs, pieces)]
    found: list[list[int]] = [[] for _ in texts]  # the starts in each text
    batch: list[int] = []
    for i, t in enumerate(texts):
        if t and (t[0].isspace() or t[-1].isspace()):
            found[i] = _sentence_starts(t)
        elif t:
            batch.append(i)
    if batch:
        k, end, base = 0, len(texts[batch[0]]), 0  # the text holding a start, its end and offset
        for p in _sentence_starts("\n".join(texts[i] for i in batch)):
            while p > end:
                base = end + 1
                k += 1
                end = base + len(texts[batch[k]])
            if p < end:  # (not the newline after a text)
                found[batch[k]].append(p - base)
    return [(_line_offsets(ps, starts), ps[-1][1] if ps else 0) for ps, starts in zip(pieces, found)]


def _line_offsets(pieces: list[tuple[int, int]], starts: list[int]) -> list[int]:
    """The line offsets of the sorted starts (but 0) in the pieces joined by single spaces."""
    out: list[int] = []
    i, off = 0, 0  # the piece holding a start, and its offset in the joined text
    for p in starts:
        while p > off + pieces[i][1] - pieces[i][0]:
            off += pieces[i][1] - pieces[i][0] + 1
            i += 1
        if p > 0:
            out.append(pieces[i][0] + p - off)
    return out


def _line_sentences(line: str, starts: list[int]) -> list[str]:
    """The non-empty stripped sentences of line between consecutive starts: the same text as
    `span.text.strip()` per sentence, as only whitespace follows a sentence's last token."""
    ends = starts[1:] + [len(line)]
    return [t for t in (line[a:b].strip() for a, b in zip(starts, ends)) if t]


def _spans_at(starts: list[int], at: Sequence[int], end: int | None) -> list[tuple[int, int]] | None:
    """(start, end) of the sentence holding each of the sorted offsets `at`, once each, from
    the sorted sentence starts known from the first of them on (None if that is too few);
    `end` is the line's end if no start follows the known ones."""
    out: list[tuple[int, int]] = []
    for c in at:
        k = bisect_right(starts, c)
        b = starts[k] if k < len(starts) else end
        if k == 0 or b is None:
            return None
        if not out or out[-1][0] != starts[k - 1]:
            out.append((starts[k - 1], b))
    return out
