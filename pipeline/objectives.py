"""Project objectives: programme area, specific objective, stated goals and target groups.

Rows (kind, code, text, position):
- `programme_area` / `specific_objective`: the page's codes, named from the reference table
  (data/programme_objectives.csv) when the period is known or the code is unambiguous;
- `goal`: items of numbered/bulleted lists in objective/purpose/description sections, every
  sentence of a Mål/Målsättning section, and sentences elsewhere that state an aim
  ("Målet är att ...", "Syftet med förstudien är att ...", "Projektmålet är ...");
- `target_group`: items or paragraphs of a Målgrupp section, and sentences such as
  "Projektets målgrupp är ..." / "Målgruppen är ..." / "Projektet riktar sig till ...".
Sentences come from the shared spaCy sentencizer (`pipeline.nlp.sentence_doc`).
"""

from __future__ import annotations

import re
from typing import Any

from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.tokens import Doc

from pipeline.nlp import sentence_doc
from pipeline.programmes import lookup_area, lookup_objective
from pipeline.sections import Section

_BULLET = re.compile(r"^\s*(?:[•·▪◦●♦■□➢►‣*]|[-–—](?=\s))\s*(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^\s*(?P<num>\d{1,2}|[a-h])\s*[).]\s+(?P<text>\S.*)$")

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

_GOAL_LIST_KINDS = ("objectives", "purpose", "description")
_SKIP_SENTENCE_KINDS = ("accessibility", "transnational", "other")


def _sentence_texts(doc: Doc, line: str) -> list[str]:
    """The sentencizer's sentences as stripped slices of the line: the same text as
    `span.text.strip()` for each of `doc.sents`, without a Token object per word."""
    arr = doc.to_array([SENT_START, IDX, LENGTH]).tolist()
    starts = [i for i, a in enumerate(arr) if a[0] == 1 or i == 0]
    ends = starts[1:] + [len(arr)]
    return [line[arr[a][1]: arr[b - 1][1] + arr[b - 1][2]].strip() for a, b in zip(starts, ends)]


def _sentences(text: str, cued_only: bool = False) -> list[str]:
    """Sentences of a paragraph, re-joined where the sentencizer split inside a quotation.

    With `cued_only`, lines without an aim/target cue word are not split (their sentences
    could not match any rule, and the sentencizer is the slowest step here)."""
    raw: list[str] = []
    for line in text.split("\n"):  # a line of these dumps is a paragraph
        if line.strip() and not (cued_only and not _CUE.search(line)):
            raw.extend(s for s in _sentence_texts(sentence_doc(line), line) if s)
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
    return out


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _runs(text: str) -> list[tuple[str, Any]]:
    """A paragraph as ("prose", text) and ("item", (number, text, about_targets)) runs in
    line order; about_targets: the list's lead-in line ends with ':' and mentions målgrupp."""
    out: list[tuple[str, Any]] = []
    prose: list[str] = []
    intro = ""
    for line in text.split("\n"):
        m = _NUMBERED.match(line) or _BULLET.match(line)
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
    m = re.search(r"(?<![\w.])(\d\.\d|\d|[A-F]\d?[A-Z]?|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)(?![\w.])", value)
    code = m.group(1) if m else None
    if kind == "programme_area" and found and code and re.fullmatch(r"\d\.\d", code):
        code = found[0].code  # "1.1 Kompetensförsörjning" written as the area -> area 1
    names = {o.name for o in found if o.name}
    if len(names) == 1:
        text: str | None = names.pop()
    else:
        rest = _clean(re.sub(r"^\s*(?:programområde|specifikt mål)\s*", "", value, flags=re.IGNORECASE))
        rest = _clean(rest[len(code):] if code and rest.startswith(code) else rest)
        text = rest or None
    return {"kind": kind, "code": code, "text": text}


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

    def add(kind: str, code: str | None, text: str) -> None:
        t = _clean(text)
        if len(t) < 3:
            return
        key = (kind, t.casefold())
        if key in seen:
            return
        seen.add(key)
        rows.append({"kind": kind, "code": code, "text": t})

    for sec in sections:
        for para in _paragraphs(sec.text):
            runs = _runs(para)
            if sec.kind == "target_groups":
                if any(kind == "item" for kind, _ in runs):
                    for kind, val in runs:
                        if kind == "item":
                            add("target_group", val[0], val[1])
                else:
                    add("target_group", None, para)
                continue
            for kind, val in runs:
                if kind == "item":
                    if sec.kind in _GOAL_LIST_KINDS:
                        add("target_group" if val[2] else "goal", val[0], val[1])
                    continue
                if sec.kind in _SKIP_SENTENCE_KINDS:
                    continue
                if sec.kind != "objectives" and not _CUE.search(val):
                    continue
                for sent in _sentences(val, cued_only=sec.kind != "objectives"):
                    s = _clean(sent)
                    cued = _CUE.search(s) is not None  # each pattern needs a cue word: skip them cheaply
                    if sec.kind == "objectives":
                        if s.endswith(":"):
                            continue  # the lead-in of a list
                        add("target_group" if cued and _TARGET.search(s) else "goal", None, s)
                    elif not cued:
                        continue
                    elif _TARGET.search(s) or _TARGET_RIKTAR.search(s):
                        add("target_group", None, s)
                    elif _AIM.search(s) or _AIM_VERB.search(s):
                        add("goal", None, s)
    for i, r in enumerate(rows):
        r["position"] = i
    return rows
