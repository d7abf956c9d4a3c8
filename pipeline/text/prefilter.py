"""Cheap literal tests that spare a regular expression its scan of a whole page.

A pattern such as `[Pp]rojektet (startade|pågår)|[Tt]he project runs` cannot use the regex
engine's fast literal scan (it starts with a class or an alternation), so a page-wide search
costs about 10 ns per character even when the page has no match. Every match of it contains
'rojektet ' or 'he project runs', though, and `str.__contains__` / `str.find` find (or miss)
those in a fraction of the time. The literals are derived from the pattern by a small parser of
the regex subset the data files use (`supported` tells whether a pattern is in it; anything
else gets no shortcut), so the data files stay the single source of the patterns and a changed
pattern cannot leave a stale shortcut behind. Every shortcut here gives the same answer as the
plain regex call (tests/test_prefilter.py checks the data files' patterns).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_MIN_NEEDLE = 3  # shorter needles are found on nearly every page: not worth testing


def needles(pattern: re.Pattern[str], min_len: int = _MIN_NEEDLE) -> tuple[str, ...] | None:
    """Strings of which every match of `pattern` contains at least one; None when the pattern
    gives no useful set (case-insensitive, or some branch without a literal of `min_len`+
    characters).

    Sound by construction: only literals that a match must contain verbatim are used (a literal
    run in a sequence, a group or repeat that must match at least once, every branch of an
    alternation). Anything else (classes, lookarounds, optional parts) just ends a run.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    return _needles(pattern, min_len)


def folded_needles(pattern: re.Pattern[str], min_len: int = 1) -> tuple[str, ...] | None:
    """Lower-cased needles of a case-insensitive pattern, valid for ASCII text only: see
    `may_match_folded`. None when a needle has a character that ignoring case makes equal to
    an ASCII one (the Kelvin sign matches 'k'), since lower-casing would not find that match."""
    found = _needles(pattern, min_len)
    if found is None:
        return None
    for needle in found:
        for ch in needle:
            if not ch.isascii() and any(re.fullmatch(re.escape(ch), chr(a), re.IGNORECASE) for a in range(128)):
                return None
    return tuple(sorted({needle.lower() for needle in found}))


def may_match(needle_set: tuple[str, ...] | None, text: str) -> bool:
    """False only when `text` contains none of the needles (so the pattern cannot match)."""
    if needle_set is None:
        return True
    for needle in needle_set:  # (a loop: any() over a generator costs more than the tests)
        if needle in text:
            return True
    return False


# The characters that a case-insensitive regex matches to an ASCII letter or digit although
# str.lower() does not make them one, and the one whose lower() is two characters (İ):
# without them in a text, `needle in text.lower()` finds every case-insensitive match of an
# ASCII needle (tests/test_segment.py checks every code point).
ODD_FOLDS = "\u0130\u0131\u017f\u212a"  # İ ı ſ K(elvin sign)


def has_odd_folds(text: str) -> bool:
    """Whether text holds one of ODD_FOLDS (instant on Latin-1 text)."""
    return "\u0130" in text or "\u0131" in text or "\u017f" in text or "\u212a" in text


def may_match_folded(needle_set: tuple[str, ...] | None, text: str) -> bool:
    """`may_match` for `folded_needles`: on ASCII text, ignoring case is lower-casing both
    sides; other text is always tried with the pattern itself."""
    if needle_set is None or not text.isascii():
        return True
    return may_match(needle_set, text.lower())


@dataclass(frozen=True)
class FoldedFinder:
    """`pattern.search(text)` of a case-insensitive pattern, with the same result: an ASCII text
    without any of its `folded_needles` is not searched at all."""

    pattern: re.Pattern[str]
    needles: tuple[str, ...] | None

    def search(self, text: str) -> re.Match[str] | None:
        if not may_match_folded(self.needles, text):
            return None
        return self.pattern.search(text)


def folded_finder(pattern: re.Pattern[str]) -> FoldedFinder:
    """A FoldedFinder for `pattern` (build it where the pattern is compiled)."""
    return FoldedFinder(pattern, folded_needles(pattern))


def anchor(pattern: re.Pattern[str], min_len: int = _MIN_NEEDLE) -> tuple[int, str] | None:
    """(offset, literal): every match of `pattern` has `literal` at `offset` characters after
    its start ('[Pp]rojektet (...)' -> (1, 'rojektet ')). None when no literal run of `min_len`+
    characters follows a fixed-width start (or the pattern ignores case)."""
    if pattern.flags & re.IGNORECASE:
        return None
    items = _parsed(pattern)
    if items is None:
        return None
    offset = k = 0
    while k < len(items):
        if items[k][0] == "lit":
            j = k
            while j < len(items) and items[j][0] == "lit":
                j += 1
            run = "".join(ch for _, ch in items[k:j])
            if len(run) >= min_len:
                return offset, run
            offset, k = offset + len(run), j
            continue
        lo, hi = _item_width(items[k])
        if lo != hi:
            return None
        offset, k = offset + int(lo), k + 1
    return None


@dataclass(frozen=True)
class Finder:
    """`pattern.search(text)` with the same result, found faster (see the module docstring)."""

    pattern: re.Pattern[str]
    needles: tuple[str, ...] | None
    anchor: tuple[int, str] | None

    def search(self, text: str) -> re.Match[str] | None:
        """The leftmost match, as `pattern.search(text)`.

        With an anchor, a match can only start `offset` characters before an occurrence of
        its literal, so the pattern is only tried there, in text order (the first success is
        the leftmost match). Otherwise a text without any needle is not searched at all.
        """
        if self.anchor is not None:
            offset, literal = self.anchor
            i = text.find(literal, offset)
            while i != -1:
                m = self.pattern.match(text, i - offset)
                if m is not None:
                    return m
                i = text.find(literal, i + 1)
            return None
        if not may_match(self.needles, text):
            return None
        return self.pattern.search(text)


def finder(pattern: re.Pattern[str]) -> Finder:
    """A Finder for `pattern`; builds the shortcuts once (call it where the pattern is compiled)."""
    return Finder(pattern, needles(pattern), anchor(pattern))


def any_line_matches(pattern: re.Pattern[str], needle_set: tuple[str, ...] | None, lines: list[str]) -> bool:
    """`any(pattern.match(ln.strip()) for ln in lines)`, trying only the lines with a needle.

    The needles are looked up in the joined page (C speed), and only the lines they fall on
    are stripped and matched: a match on a line contains a needle, so no line is missed.
    """
    if needle_set is None:
        return any(pattern.match(ln.strip()) for ln in lines)
    joined = "\n".join(lines)
    for needle in needle_set:
        i = joined.find(needle)
        while i != -1:
            start = joined.rfind("\n", 0, i) + 1
            end = joined.find("\n", i)
            if end == -1:
                end = len(joined)
            if pattern.match(joined[start:end].strip()):
                return True
            i = joined.find(needle, end + 1)  # the next line
    return False


def supported(pattern: re.Pattern[str]) -> bool:
    """Whether the pattern is in the regex subset this module reads (else it gets no shortcut)."""
    return _parsed(pattern) is not None


def _parsed(pattern: re.Pattern[str]) -> list[_Item] | None:
    if pattern.flags & re.VERBOSE:
        return None
    try:
        return _parse(pattern.pattern)
    except _Unsupported:
        return None


def _needles(pattern: re.Pattern[str], min_len: int) -> tuple[str, ...] | None:
    items = _parsed(pattern)
    found = None if items is None else _need(items)
    if not found or min(len(s) for s in found) < min_len:
        return None
    # a needle that contains another one adds nothing: the shorter one is found wherever it is
    return tuple(sorted(s for s in found if not any(o != s and o in s for o in found)))


def _need(seq: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The best needle set of a sequence of parse-tree items, or None."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in seq:
        if op == "lit":
            run.append(arg)
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        sub: frozenset[str] | None = None
        if op == "group":
            ignorecase, body = arg
            if not ignorecase:
                sub = _need(body)
        elif op == "branch":
            alts = [_need(b) for b in arg]
            if all(a is not None for a in alts):
                sub = frozenset().union(*alts)  # type: ignore[arg-type]
        elif op == "repeat":
            lo, _hi, body = arg
            if lo >= 1:
                sub = _need([body])
        if sub:
            candidates.append(sub)
    if run:
        candidates.append(frozenset({"".join(run)}))
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(len(s) for s in c), -len(c)))


# -- a small parser for the regex subset the data files use -------------------------------
#
# Items of a parsed sequence: ("lit", char), ("one", None) (any one character: a class, `.`,
# `\d`...), ("zero", None) (anchors, word boundaries, lookarounds, inline flags: width 0),
# ("group", (ignorecase, seq)), ("branch", [seq, ...]), ("repeat", (lo, hi, item)).
# Whatever else a pattern holds (backreferences, conditionals, verbose mode, unknown escapes)
# raises _Unsupported: such a pattern gets no shortcut, never a wrong one.

_Item = tuple[str, Any]
_INF = float("inf")
_CLASS_ESCAPES = frozenset("dDwWsS")
_ZERO_ESCAPES = frozenset("bBAZ")
_CHAR_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_INLINE_FLAGS = re.compile(r"\(\?([aiLmsux]*)(?:-([imsx]+))?([:)])")


class _Unsupported(Exception):
    """The pattern uses a construct outside the subset `_parse` reads."""


def _parse(pattern: str) -> list[_Item]:
    """The items of `pattern` (see above)."""
    seq, i = _parse_alt(pattern, 0)
    if i != len(pattern):
        raise _Unsupported(pattern)  # an unbalanced ")"
    return seq


def _parse_alt(p: str, i: int) -> tuple[list[_Item], int]:
    """An alternation from p[i] up to an unmatched ")" or the end: one sequence."""
    branches = []
    seq, i = _parse_seq(p, i)
    branches.append(seq)
    while i < len(p) and p[i] == "|":
        seq, i = _parse_seq(p, i + 1)
        branches.append(seq)
    return (branches[0] if len(branches) == 1 else [("branch", branches)]), i


def _parse_seq(p: str, i: int) -> tuple[list[_Item], int]:
    seq: list[_Item] = []
    while i < len(p) and p[i] not in "|)":
        item, i = _parse_atom(p, i)
        item, i = _parse_quantifier(p, i, item)
        seq.append(item)
    return seq, i


def _parse_quantifier(p: str, i: int, item: _Item) -> tuple[_Item, int]:
    if i >= len(p):
        return item, i
    c = p[i]
    if c in "?*+":
        lo, hi = {"?": (0, 1), "*": (0, _INF), "+": (1, _INF)}[c]
        i += 1
    elif c == "{" and (m := _QUANTIFIER.match(p, i)) and m.group() != "{}":
        lo = int(m.group(1) or 0)
        hi = (int(m.group(3)) if m.group(3) else _INF) if m.group(2) else lo
        i = m.end()
    else:
        return item, i
    if item[0] == "zero" or (i < len(p) and p[i] in "*{"):
        raise _Unsupported(p)  # a repeated assertion, or a repeat of a repeat
    if i < len(p) and p[i] in "?+":
        i += 1  # lazy or possessive: the same characters are required
    return ("repeat", (lo, hi, item)), i


def _parse_atom(p: str, i: int) -> tuple[_Item, int]:
    c = p[i]
    if c == "\\":
        return _parse_escape(p, i)
    if c == "[":
        return _parse_class(p, i)
    if c == ".":
        return ("one", None), i + 1
    if c in "^$":
        return ("zero", None), i + 1
    if c in "*+?":
        raise _Unsupported(p)  # nothing to repeat
    if c == "(":
        return _parse_group(p, i)
    return ("lit", c), i + 1


def _parse_escape(p: str, i: int) -> tuple[_Item, int]:
    if i + 1 >= len(p):
        raise _Unsupported(p)
    c = p[i + 1]
    if c in _CLASS_ESCAPES:
        return ("one", None), i + 2
    if c in _ZERO_ESCAPES:
        return ("zero", None), i + 2
    if c in _CHAR_ESCAPES:
        return ("lit", _CHAR_ESCAPES[c]), i + 2
    if c in "xuU":
        n = {"x": 2, "u": 4, "U": 8}[c]
        digits = p[i + 2:i + 2 + n]
        if len(digits) != n or not all(d in "0123456789abcdefABCDEF" for d in digits):
            raise _Unsupported(p)
        return ("lit", chr(int(digits, 16))), i + 2 + n
    if c.isascii() and c.isalnum():
        raise _Unsupported(p)  # backreferences, octal and unknown escapes
    return ("lit", c), i + 2  # an escaped punctuation character stands for itself


def _parse_class(p: str, i: int) -> tuple[_Item, int]:
    """A character class: one character; `[x]` of one plain character is that literal."""
    j = i + 1
    negated = j < len(p) and p[j] == "^"
    j += negated
    start = j
    while True:
        if j >= len(p):
            raise _Unsupported(p)
        if p[j] == "]" and j > start:
            break
        if p[j] == "[" and j + 1 < len(p) and p[j + 1] in ":=.":
            raise _Unsupported(p)  # (a future set operation)
        j += 2 if p[j] == "\\" else 1
    body = p[start:j]
    if not negated and len(body) == 1:
        return ("lit", body), j + 1
    if not negated and len(body) == 2 and body[0] == "\\" and not (body[1].isascii() and body[1].isalnum()):
        return ("lit", body[1]), j + 1
    return ("one", None), j + 1


def _parse_group(p: str, i: int) -> tuple[_Item, int]:
    ignorecase = False
    if p.startswith("(?", i):
        if p.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            j = i + (3 if p[i + 2] in "=!" else 4)
            _, k = _parse_alt(p, j)
            if k >= len(p):
                raise _Unsupported(p)
            return ("zero", None), k + 1
        if p.startswith("(?P<", i):
            j = p.find(">", i)
            if j == -1 or not p[i + 4:j].isidentifier():
                raise _Unsupported(p)
            j += 1
        elif p.startswith("(?:", i):
            j = i + 3
        else:  # inline flags: (?i) for the whole pattern (pattern.flags has them), (?i:...) or (?-i:...)
            m = _INLINE_FLAGS.match(p, i)
            if m is None:
                raise _Unsupported(p)
            if m.group(3) == ")":
                return ("zero", None), m.end()
            ignorecase = "i" in m.group(1)
            j = m.end()
    else:
        j = i + 1
    seq, k = _parse_alt(p, j)
    if k >= len(p):
        raise _Unsupported(p)  # no ")"
    return ("group", (ignorecase, seq)), k + 1


def _width(seq: list[_Item]) -> tuple[float, float]:
    """The least and most characters a match of the sequence spans."""
    lo = hi = 0.0
    for item in seq:
        a, b = _item_width(item)
        lo, hi = lo + a, hi + b
    return lo, hi


def _item_width(item: _Item) -> tuple[float, float]:
    op, arg = item
    if op in ("lit", "one"):
        return 1, 1
    if op == "zero":
        return 0, 0
    if op == "group":
        return _width(arg[1])
    if op == "branch":
        widths = [_width(b) for b in arg]
        return min(w[0] for w in widths), max(w[1] for w in widths)
    lo, hi, body = arg
    a, b = _item_width(body)
    return lo * a, (hi * b if b else 0)


def find_all(text: str, needles: Iterable[str]) -> list[int]:
    """Sorted offsets of every occurrence of each needle in text (overlaps included), by
    `str.find`: much faster than a regex alternation that starts every branch differently."""
    out: list[int] = []
    for w in needles:
        i = text.find(w)
        while i != -1:
            out.append(i)
            i = text.find(w, i + 1)
    out.sort()
    return out


@dataclass(frozen=True)
class Words:
    """A few words found anywhere in a text, ignoring case: `pattern` (the words as one
    case-insensitive alternation) is the plain way; without ODD_FOLDS in a text the words are
    found in its lower-cased text by `str.find`, at the same offsets and much faster.

    Only for words whose letters every character that matches them case-insensitively
    lower-cases to, but for ODD_FOLDS (each caller's tests check its words, as
    tests/test_objectives_sentences.py does for the objectives' cue words)."""

    words: tuple[str, ...]  # lower-case
    pattern: re.Pattern[str]

    def search(self, text: str) -> bool:
        """`pattern.search(text) is not None`."""
        if has_odd_folds(text):
            return self.pattern.search(text) is not None
        return self.in_lowered(text.lower())

    def in_lowered(self, low: str) -> bool:
        """`search(text)` given `low = text.lower()` of a text without ODD_FOLDS."""
        return may_match(self.words, low)

    def offsets(self, text: str) -> list[int]:
        """Sorted offsets where the words are in text: where each match of `pattern` starts,
        maybe with more inside the same letters ("riktariktar")."""
        if has_odd_folds(text):
            return [m.start() for m in self.pattern.finditer(text)]
        return find_all(text.lower(), self.words)


def words(found: Iterable[str]) -> Words:
    """A Words for the lower-case words `found`."""
    ws = tuple(found)
    return Words(ws, re.compile("|".join(map(re.escape, ws)), re.IGNORECASE))
