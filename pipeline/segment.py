"""Segmentation: split a page's text into its label/value fact block, lists and prose.

Four layouts are recognised, all driven by the label vocabulary in data/labels.csv:
- glued      'ProjektägareRegionförbundet Sörmland' (a flattening scraper removed the separator)
- colon      'Projektägare:' with the value on the next line; an empty label ('Startdatum:')
             is directly followed by the next label and gets an empty value
- plain      'Projektägare' alone on a line, value on the next line (no colons)
- inline     'Projektperiod: 2019-08-01 till 2022-06-30' (label and value on one line,
             also in bullet lists)
Glued and plain labels are only believed when a page has several of them (a block), so that a
prose line that happens to start with 'Region' is not read as a field.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.labels import DATA_DIR, field_for, glued_pattern, labels_longest_first, max_label_words
from pipeline.models import LabelValue

BULLET = re.compile(r"^\s*(?:[•♦▪●◦·*‣–-]|\d+[.)])\s+")
_COLON_LABEL = re.compile(r"^(?P<label>[^:\n]{1,70}?)\s*:$")
_INLINE = re.compile(r"^(?P<label>[^:\n]{1,70}?)\s*:\s+(?P<value>\S.*)$")
MIN_BLOCK = 3  # labels needed before glued/plain lines are believed


@lru_cache(maxsize=1)
def _boilerplate() -> re.Pattern[str]:
    with open(DATA_DIR / "boilerplate.csv", encoding="utf-8", newline="") as fh:
        pats = [row["pattern"] for row in csv.DictReader(fh)]
    return re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE)


@lru_cache(maxsize=65536)
def is_boilerplate(line: str) -> bool:
    """Site chrome, banners and notices: never project data, never a title.

    Cached: the same chrome lines come back on every page of a site.
    """
    s = line.strip()
    return bool(s) and len(s) < 300 and bool(_boilerplate().search(s))


@dataclass
class Segmented:
    lines: list[str]
    pairs: list[LabelValue]
    layout: str | None  # glued | colon | plain | inline | None
    fact_lines: set[int] = field(default_factory=set)
    lists: dict[str, list[str]] = field(default_factory=dict)  # heading -> bullet items
    first_fact_line: int | None = None
    last_fact_line: int | None = None

    def values(self, name: str) -> list[str]:
        """Non-empty values of one canonical field, in page order."""
        return [p.value for p in self.pairs if p.field == name and p.value]

    def has(self, name: str) -> bool:
        return any(p.field == name for p in self.pairs)

    def prose_lines(self) -> list[tuple[int, str]]:
        """Lines outside the fact block that are not site chrome."""
        return [
            (i, ln) for i, ln in enumerate(self.lines)
            if i not in self.fact_lines and ln.strip() and not is_boilerplate(ln)
        ]

    def body(self) -> str:
        """Prose after the fact block (or the whole page without chrome when there is no block,
        or when the facts are inline lines inside the prose)."""
        start = (self.last_fact_line + 1) if self.last_fact_line is not None and self.layout != "inline" else 0
        out = [ln for i, ln in enumerate(self.lines) if i >= start and i not in self.fact_lines
               and not is_boilerplate(ln)]
        return "\n".join(out).strip()


def strip_bullet(line: str) -> str:
    """A list item without its bullet or number."""
    return BULLET.sub("", line, count=1).strip()


def _is_label_line(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    m = _COLON_LABEL.match(s)
    if m:
        return True
    return field_for(s) is not None


def _is_block(pairs: list[LabelValue]) -> bool:
    """Enough labels to believe a fact block: three, or two long (unmistakable) ones."""
    known = [p for p in pairs if not p.field.startswith("other:")]
    return len(known) >= MIN_BLOCK or (len(known) == 2 and all(len(p.label) >= 10 for p in known))


def segment(text: str) -> Segmented:
    """Find the label/value pairs, bullet lists and the fact block of a page."""
    lines = text.split("\n")
    n = len(lines)
    glued: list[LabelValue] = []
    colon: list[LabelValue] = []
    plain: list[LabelValue] = []
    inline: list[LabelValue] = []
    gp = glued_pattern()
    max_words = max_label_words()
    colon_used: set[int] = set()
    for i, raw in enumerate(lines):
        s = raw.strip()
        if not s or len(s) > 400:
            continue
        # glued
        gm = gp.match(s)
        if gm and field_for(gm.group("label")) and not s.endswith(":"):
            glued.append(LabelValue(field_for(gm.group("label")) or "", gm.group("label"), gm.group("value").strip(), i))
        # colon label, value on the next line
        cm = _COLON_LABEL.match(s) if s[-1] == ":" else None  # (the regex ends with ':$')
        if cm and not BULLET.match(raw):
            label = cm.group("label").strip()
            fld = field_for(label)
            # next non-empty line
            j = i + 1
            while j < n and not lines[j].strip():
                j += 1
            value = ""
            if j < n and not _is_label_line(lines[j]) and (j - i) <= 2:
                value = lines[j].strip()
            if fld or (colon and i - colon[-1].line <= 3 and len(label.split()) <= 7):
                colon.append(LabelValue(fld or f"other:{label}", label, value, i))
                colon_used.add(i)
                if value:
                    colon_used.add(j)
            continue
        # inline label: value
        im = _INLINE.match(strip_bullet(s)) if ":" in s else None
        if im:
            fld = field_for(im.group("label"))
            if fld:
                inline.append(LabelValue(fld, im.group("label").strip(), im.group("value").strip(), i))
                continue
        # plain label alone on its line
        fld = field_for(s) if s[0].isupper() and len(s.rstrip(":").split(None, max_words)) <= max_words else None
        if fld:
            j = i + 1
            value = ""
            if j < n and lines[j].strip() and not _is_label_line(lines[j]):
                value = lines[j].strip()
            plain.append(LabelValue(fld, s, value, i))
    # choose the dominant layout; inline pairs always count (they carry their own evidence)
    layout: str | None = None
    pairs: list[LabelValue] = []
    candidates = [("glued", glued), ("colon", colon), ("plain", plain)]
    best = max(candidates, key=lambda c: sum(1 for p in c[1] if not p.field.startswith("other:")))
    if _is_block(best[1]):
        layout, pairs = best[0], list(best[1])
    if layout == "glued":
        pairs.extend(_glued_lowercase(lines, pairs))
    if inline:
        known = {p.line for p in pairs}
        extra = [p for p in inline if p.line not in known]
        if extra and (layout is not None or len(extra) >= 2):
            pairs.extend(extra)
            layout = layout or "inline"
    pairs.sort(key=lambda p: p.line)
    seg = Segmented(lines=lines, pairs=pairs, layout=layout)
    for p in pairs:
        seg.fact_lines.add(p.line)
        if p.value and layout in {"colon", "plain"} and p.line + 1 < n and lines[p.line + 1].strip() == p.value:
            seg.fact_lines.add(p.line + 1)
        elif p.value and layout == "colon" and p.line in colon_used:
            for j in range(p.line + 1, min(p.line + 3, n)):
                if lines[j].strip() == p.value:
                    seg.fact_lines.add(j)
                    break
    if seg.fact_lines:
        seg.first_fact_line = min(seg.fact_lines)
        seg.last_fact_line = max(seg.fact_lines)
    seg.lists = find_lists(lines)
    return seg


def _glued_lowercase(lines: list[str], pairs: list[LabelValue]) -> list[LabelValue]:
    """Inside a glued block, a long label followed by a value that starts in lower case
    ('Beviljat ESF-stödca 2 miljoner kr'): the block vouches for the label, so the value is
    taken (and judged later) instead of silently lost."""
    done = {p.line for p in pairs}
    first, last = min(done), max(done)
    out = []
    for i in range(first, last + 1):
        s = lines[i].strip()
        if i in done or not s:
            continue
        for label in labels_longest_first():
            if len(label) >= 8 and s.startswith(label) and len(s) > len(label):
                out.append(LabelValue(field_for(label) or "", label, s[len(label):].strip(), i))
                break
    return out


def find_lists(lines: list[str]) -> dict[str, list[str]]:
    """Bullet lists under a short heading line: {'Kommun': ['Eskilstuna', 'Flen', ...]}."""
    out: dict[str, list[str]] = {}
    i, n = 0, len(lines)
    while i < n:
        s = lines[i].strip()
        if s and len(s) <= 60 and not BULLET.match(lines[i]) and not s.endswith((".", ",")):
            j = i + 1
            while j < n and not lines[j].strip():
                j += 1
            items: list[str] = []
            while j < n and (BULLET.match(lines[j]) or not lines[j].strip()):
                if lines[j].strip():
                    items.append(strip_bullet(lines[j]))
                j += 1
            if items:
                out.setdefault(s.rstrip(":"), items)
                i = j
                continue
        i += 1
    return out
