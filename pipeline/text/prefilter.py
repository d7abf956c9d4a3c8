"""Cheap literal tests that spare a regular expression its scan of a whole page.

A pattern such as `[Pp]rojektet (startade|pågår)|[Tt]he project runs` cannot use the regex
engine's fast literal scan (it starts with a class or an alternation), so a page-wide search
costs about 10 ns per character even when the page has no match. Every match of it contains
'rojektet ' or 'he project runs', though, and `str.__contains__` / `str.find` find (or miss)
those in a fraction of the time. The literals are derived from the parsed pattern, so the data
files stay the single source of the patterns and a changed pattern cannot leave a stale
shortcut behind. Every shortcut here gives the same answer as the plain regex call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# The parser behind re.compile: private, so every use below treats a surprise as "no shortcut".
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser as _sre_parse  # type: ignore[attr-defined]

_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT}
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


def anchor(pattern: re.Pattern[str], min_len: int = _MIN_NEEDLE) -> tuple[int, str] | None:
    """(offset, literal): every match of `pattern` has `literal` at `offset` characters after
    its start ('[Pp]rojektet (...)' -> (1, 'rojektet ')). None when no literal run of `min_len`+
    characters follows a fixed-width start (or the pattern ignores case)."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
        items = list(parsed)
        offset = k = 0
        while k < len(items):
            if items[k][0] is _sre.LITERAL:
                j = k
                while j < len(items) and items[j][0] is _sre.LITERAL:
                    j += 1
                run = "".join(chr(code) for _, code in items[k:j])
                if len(run) >= min_len:
                    return offset, run
                offset, k = offset + len(run), j
                continue
            lo, hi = _sre_parse.SubPattern(parsed.state, [items[k]]).getwidth()
            if lo != hi or hi >= _sre.MAXREPEAT:
                return None
            offset, k = offset + lo, k + 1
    except Exception:  # an unknown parse-tree shape: no shortcut, never a wrong one
        return None
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


def _needles(pattern: re.Pattern[str], min_len: int) -> tuple[str, ...] | None:
    try:
        found = _need(list(_sre_parse.parse(pattern.pattern, pattern.flags)))
    except Exception:  # an unknown parse-tree shape: no shortcut, never a wrong one
        return None
    if not found or min(len(s) for s in found) < min_len:
        return None
    # a needle that contains another one adds nothing: the shorter one is found wherever it is
    return tuple(sorted(s for s in found if not any(o != s and o in s for o in found)))


def _need(seq: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The best needle set of a sequence of parse-tree items, or None."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in seq:
        if op is _sre.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        sub: frozenset[str] | None = None
        if op is _sre.SUBPATTERN:
            _group, add_flags, _del_flags, body = arg
            if not add_flags & _sre.SRE_FLAG_IGNORECASE:
                sub = _need(list(body))
        elif op is _sre.BRANCH:
            alts = [_need(list(b)) for b in arg[1]]
            if all(a is not None for a in alts):
                sub = frozenset().union(*alts)  # type: ignore[arg-type]
        elif op in _REPEATS:
            lo, _hi, body = arg
            if lo >= 1:
                sub = _need(list(body))
        if sub:
            candidates.append(sub)
    if run:
        candidates.append(frozenset({"".join(run)}))
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(len(s) for s in c), -len(c)))


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
    lower-cases to, but for ODD_FOLDS (the caller's tests check its words: tests/test_prefilter.py
    shows how)."""

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
