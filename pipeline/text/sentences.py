"""Sentences of lines of text, as spaCy's rule-based sentencizer finds them.

`split_lines` is the interface: for each line its sentences (stripped, non-empty), or only the
ones holding given character offsets (a caller that wants the sentences around some words
passes where those words are). It runs the fast path of `pipeline.text.sentences_fast`;
`split_lines_plain` is the plain way (the shared sentencizer on every whole line), which the
tests compare it with. Nothing here knows what the sentences are read for.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from pipeline.text import sentences_fast
from pipeline.text.nlp import sentence_doc

Job = tuple[str, Sequence[int] | None]  # a line, and the sorted offsets whose sentences are wanted (None: all)


def split_lines(jobs: Sequence[Job]) -> list[list[str]]:
    """For each (line, offsets): the line's sentences, or with sorted `offsets`, only the ones
    holding one of them (once each), in line order. Lines hold no newline; one call for many
    lines is faster than one per line."""
    return sentences_fast.split_lines(jobs)


def sentence_starts_plain(line: str) -> list[int]:
    """Offsets of the tokens the sentencizer marks as sentence starts in the whole line."""
    return [t.idx for t in sentence_doc(line) if t.is_sent_start]


def split_lines_plain(jobs: Sequence[Job]) -> list[list[str]]:
    """`split_lines` the plain way: the sentencizer on each whole line."""
    out: list[list[str]] = []
    for line, at in jobs:
        doc = sentence_doc(line)
        if at is None:
            out.append([t for t in (s.text.strip() for s in doc.sents) if t])
            continue
        sents = list(doc.sents)
        starts = [s.start_char for s in sents]
        picked: list[int] = []
        for c in at:
            k = bisect_right(starts, c) - 1
            if k >= 0 and (not picked or picked[-1] != k):
                picked.append(k)
        out.append([sents[k].text.strip() for k in picked])
    return out
