"""Project objectives: programme area, specific objective, stated goals and target groups.

Rows (kind, code, text, position):
- `programme_area` / `specific_objective`: the page's codes, named from the reference table
  (data/programme_objectives.csv) when the period is known or the code is unambiguous;
- `goal`: items of numbered/bulleted lists in objective/purpose/description sections, every
  sentence of a Mål/Målsättning section, and sentences elsewhere that state an aim
  ("Målet är att ...", "Syftet med förstudien är att ...", "Projektmålet är ...");
- `target_group`: items or paragraphs of a Målgrupp section, and sentences such as
  "Projektets målgrupp är ..." / "Målgruppen är ..." / "Projektet riktar sig till ...".
Sentences come from the shared spaCy sentencizer (`pipeline.text.nlp.sentence_doc`), run only on
the pieces of a line around the characters a sentence can end at (see _piece_starts), and
only around the cue words where just the sentences holding one are read.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple, cast

from spacy.attrs import IDX, SENT_START
from spacy.pipeline import Sentencizer

from pipeline.text.nlp import get_nlp, sentence_doc
from pipeline.text.prefilter import has_odd_folds
from pipeline.values.programmes import lookup_area, lookup_objective
from pipeline.layout.sections import Section

_BULLET = re.compile(r"^\s*(?:[•·▪◦●♦■□➢►‣*]|[-–—](?=\s))\s*(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^\s*(?P<num>\d{1,2}|[a-h])\s*[).]\s+(?P<text>\S.*)$")
_ITEM_HEADS = frozenset("•·▪◦●♦■□➢►‣*-–—abcdefgh")  # first characters of the two above, but digits
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_CODE = re.compile(r"(?<![\w.])(\d\.\d|\d|[A-F]\d?[A-Z]?|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)(?![\w.])")
_CODE_LABEL = re.compile(r"^\s*(?:programområde|specifikt mål)\s*", re.IGNORECASE)

_AIM = re.compile(
    r"(?:^|\b(?:och|dess|samt)\s+)"
    r"(?:det\s+)?(?:övergripande\s+|långsiktiga\s+|huvudsakliga\s+)?"
    r"(?:projektmål(?:et|en)?|mål(?:et|en|sättningen)?|syftet|delmål(?:et|en)?|effektmål(?:et|en)?|"
    r"projektets\s+(?:\w+\s+)?(?:mål|syfte)|förstudiens\s+(?:mål|syfte)|huvudmål(?:et)?)"
    r"(?:\s+med\s+[\wåäöÅÄÖ .-]{1,60}?)?"
    r"(?:\s+(?:för|inom)\s+[\wåäöÅÄÖ .-]{1,40}?)?"
    r"\s+(?:är|var|blir|ska\s+vara)\b",
    re.IGNORECASE,
)
_AIM_VERB = re.compile(
    r"^(?:projektet|förstudien|satsningen|insatsen|[A-ZÅÄÖ][\w.\- ]{0,40}?)\s+"
    r"(?:syftar|har\s+som\s+(?:mål|syfte))\s+(?:till\s+)?att\b",
)
_TARGET = re.compile(
    r"(?:^|\b)(?:projektets\s+|förstudiens\s+|den\s+primära\s+|den\s+huvudsakliga\s+)?"
    r"målgrupp(?:en|erna)?(?:\s+(?:för|i)\s+[\wåäöÅÄÖ .-]{1,40}?)?\s+(?:är|utgörs\s+av|består\s+av)\b",
    re.IGNORECASE,
)
_TARGET_RIKTAR = re.compile(
    r"^(?:projektet|förstudien|projektets\s+insatser|insatserna|satsningen)\s+riktar\s+sig\s+"
    r"(?:\w+\s+){0,3}?(?:till|mot)\b",
    re.IGNORECASE,
)
_QUOTES = "”“\"„«»"
_QUOTE_RE = re.compile("[" + re.escape(_QUOTES) + "]")
# every aim/target pattern above needs one of these words: paragraphs without them are not
# split into sentences at all (the sentencizer is the slowest step of this module)
_CUE = re.compile(r"mål|syft|riktar", re.IGNORECASE)
_CUE_WORDS = ("mål", "syft", "riktar")
# Without prefilter.ODD_FOLDS in a text, the cue words are found in the lower-cased text with
# str.find, at the same offsets as _CUE finds them, and much faster than by the regex
# (tests/test_objectives_sentences.py checks every code point).

_GOAL_LIST_KINDS = ("objectives", "purpose", "description")
_SKIP_SENTENCE_KINDS = ("accessibility", "transnational", "other")


def _has_quote(text: str) -> bool:
    return any(q in text for q in _QUOTES)  # str scans, faster than _QUOTE_RE


def _has_cue(text: str) -> bool:
    """_CUE.search(text) is not None."""
    if has_odd_folds(text):
        return _CUE.search(text) is not None
    return _low_has_cue(text.lower())


def _low_has_cue(low: str) -> bool:
    return "mål" in low or "syft" in low or "riktar" in low  # _CUE_WORDS


def _cue_offsets(text: str) -> list[int]:
    """Sorted offsets of the cue words in text: where each match of _CUE starts, maybe with
    more inside the same letters ("riktariktar")."""
    if has_odd_folds(text):
        return [m.start() for m in _CUE.finditer(text)]
    return _find_all(text.lower(), _CUE_WORDS)


def _find_all(text: str, needles: Iterable[str]) -> list[int]:
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


def _sentence_starts(text: str) -> list[int]:
    """Offsets in text of the tokens the shared sentencizer marks as sentence starts."""
    return [i for s, i in sentence_doc(text).to_array([SENT_START, IDX]).tolist() if s == 1]


@dataclass(frozen=True)
class _Stops:
    """The sentencizer's `punct_chars`: a sentence can only start after one of them."""

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
    return _find_all(line, st.narrow)


def _is_cut(line: str, j: int) -> bool:
    """True if the space line[j] is between two alphanumeric characters (a cut).

    The text on either side of such a space is tokenised as it is within the line: spaCy
    tokenises each whitespace-separated chunk on its own, and only its special cases are
    matched across chunks, none of which has a token ending in an alphanumeric character
    followed by one starting with one (tests/test_objectives_sentences.py checks this). The
    tokens on both sides are words (neither `punct_chars` nor punctuation), after which the
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


def _line_starts(line: str) -> list[int]:
    """Offsets of the sentence starts the sentencizer finds in the non-empty line, 0 first."""
    return [0, *_piece_starts([(line, _stop_offsets(line))])[0][0]]


def _line_sentences(line: str, starts: list[int]) -> list[str]:
    """The non-empty stripped sentences of line between consecutive starts: the same text as
    `span.text.strip()` per sentence, as only whitespace follows a sentence's last token."""
    ends = starts[1:] + [len(line)]
    return [t for t in (line[a:b].strip() for a, b in zip(starts, ends)) if t]


def _cue_spans(starts: list[int], cues: list[int], end: int | None) -> list[tuple[int, int]] | None:
    """(start, end) of the sentence holding each of the sorted offsets `cues`, once each, from
    the sorted sentence starts known from the first of them on (None if that is too few);
    `end` is the line's end if no start follows the known ones."""
    out: list[tuple[int, int]] = []
    for c in cues:
        k = bisect_right(starts, c)
        b = starts[k] if k < len(starts) else end
        if k == 0 or b is None:
            return None
        if not out or out[-1][0] != starts[k - 1]:
            out.append((starts[k - 1], b))
    return out


def _split_lines(jobs: list[tuple[str, list[int] | None]]) -> list[list[str]]:
    """For each (line, cues): the line's sentences, or with sorted `cues` offsets, only the
    ones holding a cue, in line order.

    For cues only the stops from the last one before the first cue to the first one after the
    last cue are looked at first; if that does not settle where a cue's sentence starts and
    ends (a stop that ends no sentence, as in "t.ex."), all of them are."""
    stops = [_stop_offsets(line) for line, _ in jobs]
    firsts = [bisect_left(st, cues[0]) if cues else 0 for st, (_, cues) in zip(stops, jobs)]
    parts = [st if cues is None else st[max(i - 1, 0):bisect_left(st, cues[-1]) + 1]
             for st, i, (_, cues) in zip(stops, firsts, jobs)]
    found = _piece_starts([(line, part) for (line, _), part in zip(jobs, parts)])
    out: list[list[str]] = []
    for (line, cues), st, i, (starts, hi) in zip(jobs, stops, firsts, found):
        if cues is None:
            out.append(_line_sentences(line, [0, *starts]))
            continue
        if i == 0:
            starts = [0, *starts]  # no stop before the first cue: its sentence starts the line
        # no stop after the pieces: no sentence starts after them
        spans = _cue_spans(starts, cues, len(line) if not st or st[-1] < hi else None)
        if spans is None:  # with all starts known it is never None
            spans = _cue_spans(_line_starts(line), cues, len(line)) or []
        out.append([line[a:b].strip() for a, b in spans])
    return out


def _cued_sentences(line: str, cues: list[int]) -> list[str]:
    """The sentences of line that hold one of the sorted offsets `cues`, in line order."""
    return _split_lines([(line, cues)])[0]


def _sentence_jobs(text: str, cued_only: bool) -> tuple[list[tuple[str, list[int] | None]], bool]:
    """The lines of a paragraph to split (_split_lines), and whether its sentences are then
    re-joined where the sentencizer split inside a quotation.

    With `cued_only`, only sentences with an aim/target cue word (every rule needs one) are
    wanted, and lines without a cue word are not split at all. A cue word is letters only
    and a sentence ends at punctuation, so a cue lies inside one sentence; without quotation
    marks no sentences are re-joined, and the ones holding a cue word are picked directly."""
    lines = [line for line in text.split("\n") if line.strip()]
    if cued_only and not _has_quote(text):
        return [(line, cues) for line in lines if (cues := _cue_offsets(line))], False
    return [(line, None) for line in lines if not cued_only or _has_cue(line)], True


def _rejoined(raw: list[str], cued_only: bool) -> list[str]:
    """Sentences re-joined where the sentencizer split inside a quotation."""
    out: list[str] = []
    pending = ""
    for s in raw:
        cur = f"{pending} {s}".strip() if pending else s
        if len(_QUOTE_RE.findall(cur)) % 2 == 1:
            pending = cur
            continue
        out.append(cur)
        pending = ""
    if pending:
        out.append(pending)
    return [s for s in out if _has_cue(s)] if cued_only else out


def _sentences_of(texts: list[tuple[str, bool]]) -> list[list[str]]:
    """`_sentences(text, cued_only)` for each pair, with one sentencizer Doc for all."""
    plans = [_sentence_jobs(text, cued_only) for text, cued_only in texts]
    split = iter(_split_lines([job for jobs, _ in plans for job in jobs]))
    out: list[list[str]] = []
    for (jobs, rejoin), (_, cued_only) in zip(plans, texts):
        raw = [s for _ in jobs for s in next(split)]
        out.append(_rejoined(raw, cued_only) if rejoin else raw)
    return out


def _sentences(text: str, cued_only: bool = False) -> list[str]:
    """Sentences of a paragraph, re-joined where the sentencizer split inside a quotation;
    with `cued_only` only those with a cue word (see _sentence_jobs)."""
    return _sentences_of([(text, cued_only)])[0]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def _cued_paragraphs(text: str) -> list[tuple[str, bool]]:
    """The paragraphs of text, each with whether it holds a cue word, lower-casing text once
    (which keeps every character that is whitespace or not, and without ODD_FOLDS the length)."""
    if has_odd_folds(text):
        return [(p, _has_cue(p)) for p in _paragraphs(text)]
    return [(p, _low_has_cue(q)) for p, q in zip(_paragraphs(text), _paragraphs(text.lower()))]


def _item(line: str) -> re.Match[str] | None:
    """_NUMBERED or _BULLET match of line; most lines start with neither's first character."""
    head = line.lstrip()[:1]
    if head and (head.isdecimal() or head in _ITEM_HEADS):
        return _NUMBERED.match(line) or _BULLET.match(line)
    return None


def _runs(text: str) -> list[tuple[str, Any]]:
    """A paragraph as ("prose", text) and ("item", (number, text, about_targets)) runs in
    line order; about_targets: the list's lead-in line ends with ':' and mentions målgrupp."""
    out: list[tuple[str, Any]] = []
    prose: list[str] = []
    intro = ""
    for line in text.split("\n"):
        m = _item(line)
        if m:
            if prose:
                out.append(("prose", "\n".join(prose)))
                prose = []
            about = intro.rstrip().endswith(":") and "målgrupp" in intro.casefold()
            out.append(("item", (m.groupdict().get("num"), m.group("text").strip(), about)))
        elif line.strip():
            prose.append(line)
            intro = line
    if prose:
        out.append(("prose", "\n".join(prose)))
    return out


def _clean(s: str) -> str:
    return " ".join(s.split()).strip()


def _code_row(kind: str, value: str, period: str | None) -> dict[str, Any]:
    found = lookup_area(value, period) if kind == "programme_area" else lookup_objective(value, period)
    # code: the code as given ("Programområde 2 Ökat arbetskraftsutbud" -> "2")
    m = _CODE.search(value)
    code = m.group(1) if m else None
    if kind == "programme_area" and found and code and re.fullmatch(r"\d\.\d", code):
        code = found[0].code  # "1.1 Kompetensförsörjning" written as the area -> area 1
    names = {o.name for o in found if o.name}
    if len(names) == 1:
        text: str | None = names.pop()
    else:
        rest = _clean(_CODE_LABEL.sub("", value))
        rest = _clean(rest[len(code):] if code and rest.startswith(code) else rest)
        text = rest or None
    return {"kind": kind, "code": code, "text": text}


class _Prose(NamedTuple):
    """A run of prose whose sentences are read: every one a goal (a Mål section), or those
    stating an aim or a target group."""

    text: str
    every: bool


_Row = tuple[str, "str | None", str]  # kind, code, text as _clean gives it
_Steps = list["_Row | _Prose"]  # a page's rows in page order, with the prose runs among them


def _target_group_steps(text: str, steps: _Steps) -> None:
    """A Målgrupp section: each list item, or each paragraph without one."""
    for para in _paragraphs(text):
        items = [val for kind, val in _runs(para) if kind == "item"]
        for num, item, _ in items:
            steps.append(("target_group", num, _clean(item)))
        if not items:
            steps.append(("target_group", None, _clean(para)))


def _goal_steps(kind: str, text: str, steps: _Steps) -> None:
    """Any other section read for goals: list items where `kind` lists goals, and prose."""
    lists = kind in _GOAL_LIST_KINDS
    every = kind == "objectives"
    if not lists and not _has_cue(text):
        return  # only sentences with a cue word are read here
    for para, cued in _cued_paragraphs(text):
        if not every and not cued and (not lists or ("\n" not in para and _item(para) is None)):
            continue  # neither a list item nor a cue word
        for run, val in _runs(para):
            if run == "item":
                if lists:
                    steps.append(("target_group" if val[2] else "goal", val[0], _clean(val[1])))
            elif every or cued:  # (a run without a cue word has no sentences with one)
                steps.append(_Prose(val, every))


def _sentence_rows(sentences: list[str], every: bool) -> list[_Row]:
    """The rows of a prose run's sentences (see _Prose)."""
    out: list[_Row] = []
    for sent in sentences:
        s = _clean(sent)
        low = s.lower()
        if every:
            if not s.endswith(":"):  # else the lead-in of a list
                out.append(("target_group" if _names_target_group(s, low) else "goal", None, s))
        elif _states_target_group(s, low):
            out.append(("target_group", None, s))
        elif _states_aim(s, low):
            out.append(("goal", None, s))
    return out


# Each pattern needs a word that is looked for in the lower-cased sentence first (a plain
# substring test): "målgrupp", "riktar" (its "ktar"), "mål"/"syfte" (its "yfte"); _AIM_VERB
# (case-sensitive) needs "syftar" or "har". The case-insensitive match of these letters only
# accepts characters that lower-case to them (tests/test_objectives_sentences.py).
def _names_target_group(s: str, low: str) -> bool:
    return "målgrupp" in low and _TARGET.search(s) is not None


def _states_target_group(s: str, low: str) -> bool:
    return _names_target_group(s, low) or ("ktar" in low and _TARGET_RIKTAR.search(s) is not None)


def _states_aim(s: str, low: str) -> bool:
    return (("mål" in low or "yfte" in low) and _AIM.search(s) is not None) or (
        ("syftar" in s or "har" in s) and _AIM_VERB.search(s) is not None)


def extract_objectives(
    sections: list[Section],
    *,
    programme_area: str | None,
    specific_objective: str | None,
    period: str | None,
) -> list[dict[str, Any]]:
    """Rows with keys kind, code, text, position (0-based, page order after the codes).

    `period` is the record's programme period; when it is None the codes are named only if
    the reference table gives one name in every programme (no second guess of the period)."""
    rows: list[dict[str, Any]] = []
    if programme_area and programme_area.strip():
        rows.append(_code_row("programme_area", programme_area, period))
    if specific_objective and specific_objective.strip():
        rows.append(_code_row("specific_objective", specific_objective, period))

    seen: set[tuple[str, str]] = set()

    def add(kind: str, code: str | None, t: str) -> None:  # t as _clean gives it
        if len(t) < 3:
            return
        key = (kind, t.casefold())
        if key in seen:
            return
        seen.add(key)
        rows.append({"kind": kind, "code": code, "text": t})

    steps: _Steps = []
    for sec in sections:
        if sec.kind == "target_groups":
            _target_group_steps(sec.text, steps)
        elif sec.kind not in _SKIP_SENTENCE_KINDS:
            _goal_steps(sec.kind, sec.text, steps)
    # all the page's sentences at once: one sentencizer Doc
    split = iter(_sentences_of([(st.text, not st.every) for st in steps if isinstance(st, _Prose)]))
    for step in steps:
        for kind, code, text in _sentence_rows(next(split), step.every) if isinstance(step, _Prose) else [step]:
            add(kind, code, text)
    for i, r in enumerate(rows):
        r["position"] = i
    return rows
