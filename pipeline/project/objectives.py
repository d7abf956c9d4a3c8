"""Project objectives: programme area, specific objective, stated goals and target groups.

Rows (kind, code, text, position):
- `programme_area` / `specific_objective`: the page's codes, named from the reference table
  (data/programme_objectives.csv) when the period is known or the code is unambiguous;
- `goal`: items of numbered/bulleted lists in objective/purpose/description sections, every
  sentence of a Mål/Målsättning section, and sentences elsewhere that state an aim
  ("Målet är att ...", "Syftet med förstudien är att ...", "Projektmålet är ...");
- `target_group`: items or paragraphs of a Målgrupp section, and sentences such as
  "Projektets målgrupp är ..." / "Målgruppen är ..." / "Projektet riktar sig till ...".
Sentences come from `pipeline.text.sentences.split_lines` (spaCy's sentencizer), asked only for
the sentences holding a cue word (data/objective_cues.csv) where only those are read.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from pipeline.resources import data_file
from pipeline.text.prefilter import Words, has_odd_folds, words
from pipeline.text.sentences import split_lines
from pipeline.values.programmes import lookup_area, lookup_objective
from pipeline.layout.sections import Section

_BULLET = re.compile(r"^\s*(?:[•·▪◦●♦■□➢►‣*]|[-–—](?=\s))\s*(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^\s*(?P<num>\d{1,2}|[a-h])\s*[).]\s+(?P<text>\S.*)$")
_ITEM_HEADS = frozenset("•·▪◦●♦■□➢►‣*-–—abcdefgh")  # first characters of the two above, but digits
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_CODE = re.compile(r"(?<![\w.])(\d\.\d|\d|[A-F]\d?[A-Z]?|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)(?![\w.])")
_CODE_LABEL = re.compile(r"^\s*(?:programområde|specifikt mål)\s*", re.IGNORECASE)

AIM = re.compile(
    r"(?:^|\b(?:och|dess|samt)\s+)"
    r"(?:det\s+)?(?:övergripande\s+|långsiktiga\s+|huvudsakliga\s+)?"
    r"(?:projektmål(?:et|en)?|mål(?:et|en|sättningen)?|syftet|delmål(?:et|en)?|effektmål(?:et|en)?|"
    r"projektets\s+(?:\w+\s+)?(?:mål|syfte)|förstudiens\s+(?:mål|syfte)|huvudmål(?:et)?)"
    r"(?:\s+med\s+[\wåäöÅÄÖ .-]{1,60}?)?"
    r"(?:\s+(?:för|inom)\s+[\wåäöÅÄÖ .-]{1,40}?)?"
    r"\s+(?:är|var|blir|ska\s+vara)\b",
    re.IGNORECASE,
)
AIM_VERB = re.compile(
    r"^(?:projektet|förstudien|satsningen|insatsen|[A-ZÅÄÖ][\w.\- ]{0,40}?)\s+"
    r"(?:syftar|har\s+som\s+(?:mål|syfte))\s+(?:till\s+)?att\b",
)
TARGET = re.compile(
    r"(?:^|\b)(?:projektets\s+|förstudiens\s+|den\s+primära\s+|den\s+huvudsakliga\s+)?"
    r"målgrupp(?:en|erna)?(?:\s+(?:för|i)\s+[\wåäöÅÄÖ .-]{1,40}?)?\s+(?:är|utgörs\s+av|består\s+av)\b",
    re.IGNORECASE,
)
TARGET_RIKTAR = re.compile(
    r"^(?:projektet|förstudien|projektets\s+insatser|insatserna|satsningen)\s+riktar\s+sig\s+"
    r"(?:\w+\s+){0,3}?(?:till|mot)\b",
    re.IGNORECASE,
)
_QUOTES = "”“\"„«»"
QUOTE_RE = re.compile("[" + re.escape(_QUOTES) + "]")


@lru_cache(maxsize=1)
def cues() -> Words:
    """The cue words (data/objective_cues.csv): every aim/target rule needs one, so paragraphs
    and lines without one are not split into sentences at all (the slowest step here)."""
    with open(data_file("objective_cues.csv"), encoding="utf-8", newline="") as fh:
        return words(row["cue"] for row in csv.DictReader(fh))


_GOAL_LIST_KINDS = ("objectives", "purpose", "description")
_SKIP_SENTENCE_KINDS = ("accessibility", "transnational", "other")


def _has_quote(text: str) -> bool:
    return any(q in text for q in _QUOTES)  # str scans, faster than QUOTE_RE


def _has_cue(text: str) -> bool:
    return cues().search(text)


def _sentence_jobs(text: str, cued_only: bool) -> tuple[list[tuple[str, list[int] | None]], bool]:
    """The lines of a paragraph to split (split_lines), and whether its sentences are then
    re-joined where the sentencizer split inside a quotation.

    With `cued_only`, only sentences with an aim/target cue word (every rule needs one) are
    wanted, and lines without a cue word are not split at all. A cue word is letters only
    and a sentence ends at punctuation, so a cue lies inside one sentence; without quotation
    marks no sentences are re-joined, and the ones holding a cue word are picked directly."""
    lines = [line for line in text.split("\n") if line.strip()]
    if cued_only and not _has_quote(text):
        cue = cues()
        return [(line, at) for line in lines if (at := cue.offsets(line))], False
    return [(line, None) for line in lines if not cued_only or _has_cue(line)], True


def _rejoined(raw: list[str], cued_only: bool) -> list[str]:
    """Sentences re-joined where the sentencizer split inside a quotation."""
    out: list[str] = []
    pending = ""
    for s in raw:
        cur = f"{pending} {s}".strip() if pending else s
        if len(QUOTE_RE.findall(cur)) % 2 == 1:
            pending = cur
            continue
        out.append(cur)
        pending = ""
    if pending:
        out.append(pending)
    return [s for s in out if _has_cue(s)] if cued_only else out


def prose_sentences(texts: Sequence[tuple[str, bool]]) -> list[list[str]]:
    """For each (paragraph, cued_only): its sentences, re-joined where the sentencizer split
    inside a quotation; with `cued_only` only those with a cue word (see _sentence_jobs).
    One call for a page's paragraphs splits them all at once."""
    plans = [_sentence_jobs(text, cued_only) for text, cued_only in texts]
    split = iter(split_lines([job for jobs, _ in plans for job in jobs]))
    out: list[list[str]] = []
    for (jobs, rejoin), (_, cued_only) in zip(plans, texts):
        raw = [s for _ in jobs for s in next(split)]
        out.append(_rejoined(raw, cued_only) if rejoin else raw)
    return out


def paragraphs(text: str) -> list[str]:
    """The stripped, non-empty paragraphs of text (split at blank lines)."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def cued_paragraphs(text: str) -> list[tuple[str, bool]]:
    """The paragraphs of text, each with whether it holds a cue word, lower-casing text once
    (which keeps every character that is whitespace or not, and without ODD_FOLDS the length)."""
    if has_odd_folds(text):
        return [(p, _has_cue(p)) for p in paragraphs(text)]
    cue = cues()
    return [(p, cue.in_lowered(q)) for p, q in zip(paragraphs(text), paragraphs(text.lower()))]


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
    for para in paragraphs(text):
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
    for para, cued in cued_paragraphs(text):
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
                out.append(("target_group" if names_target_group(s, low) else "goal", None, s))
        elif states_target_group(s, low):
            out.append(("target_group", None, s))
        elif states_aim(s, low):
            out.append(("goal", None, s))
    return out


# Each pattern needs a word that is looked for in the lower-cased sentence first (a plain
# substring test): "målgrupp", "riktar" (its "ktar"), "mål"/"syfte" (its "yfte"); AIM_VERB
# (case-sensitive) needs "syftar" or "har". The case-insensitive match of these letters only
# accepts characters that lower-case to them (tests/test_objectives_sentences.py).
def names_target_group(s: str, low: str) -> bool:
    """`TARGET.search(s)`, given `low = s.lower()`: a sentence naming the target group."""
    return "målgrupp" in low and TARGET.search(s) is not None


def states_target_group(s: str, low: str) -> bool:
    """TARGET or TARGET_RIKTAR finds something in s (`low = s.lower()`)."""
    return names_target_group(s, low) or ("ktar" in low and TARGET_RIKTAR.search(s) is not None)


def states_aim(s: str, low: str) -> bool:
    """AIM or AIM_VERB finds something in s (`low = s.lower()`)."""
    return (("mål" in low or "yfte" in low) and AIM.search(s) is not None) or (
        ("syftar" in s or "har" in s) and AIM_VERB.search(s) is not None)


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
    split = iter(prose_sentences([(st.text, not st.every) for st in steps if isinstance(st, _Prose)]))
    for step in steps:
        for kind, code, text in _sentence_rows(next(split), step.every) if isinstance(step, _Prose) else [step]:
            add(kind, code, text)
    for i, r in enumerate(rows):
        r["position"] = i
    return rows
