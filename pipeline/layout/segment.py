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

from pipeline.resources import data_file
from pipeline.layout.labels import field_for, glued_heads, glued_pattern, labels_longest_first, max_label_words
from pipeline.models import LabelValue
from pipeline.text.prefilter import folded_needles, has_odd_folds

BULLET = re.compile(r"^\s*(?:[•♦▪●◦·*‣–-]|\d+[.)])\s+")
BULLET_FIRST = frozenset("•♦▪●◦·*‣–-")  # BULLET's first visible characters, besides digits
_COLON_LABEL = re.compile(r"^(?P<label>[^:\n]{1,70}?)\s*:$")
_INLINE = re.compile(r"^(?P<label>[^:\n]{1,70}?)\s*:\s+(?P<value>\S.*)$")
MIN_BLOCK = 3  # labels needed before glued/plain lines are believed


@lru_cache(maxsize=1)
def _boilerplate_patterns() -> list[str]:
    with open(data_file("boilerplate.csv"), encoding="utf-8", newline="") as fh:
        return [row["pattern"] for row in csv.DictReader(fh)]


@lru_cache(maxsize=1)
def _boilerplate() -> re.Pattern[str]:
    """All boilerplate patterns as one (the definition `is_boilerplate` must agree with)."""
    return re.compile("|".join(f"(?:{p})" for p in _boilerplate_patterns()), re.IGNORECASE)


def _anchored(pattern: str) -> bool:
    """True if the pattern starts with ^ and has no | outside brackets (all of it is anchored)."""
    if not pattern.startswith("^"):
        return False
    depth, escaped, in_class = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return False
    return True


@dataclass(frozen=True)
class _Boilerplate:
    """`_boilerplate().search`, split for speed: the anchored patterns are tried once at the
    start of a line (`match`); the others, which a case-insensitive regex must try at every
    position, only on lines whose lower-cased text holds one of their ASCII literals."""

    anchored: re.Pattern[str]
    loose: re.Pattern[str] | None
    needles: tuple[str, ...] | None  # lower-cased; None: always search `loose`

    def search(self, s: str) -> bool:
        if self.anchored.match(s):
            return True
        if self.loose is None:
            return False
        if self.needles is not None and not has_odd_folds(s):
            low = s.lower()
            if not any(n in low for n in self.needles):
                return False
        return self.loose.search(s) is not None


@lru_cache(maxsize=1)
def _boilerplate_test() -> _Boilerplate:
    pats = _boilerplate_patterns()
    anchored = [p[1:] for p in pats if _anchored(p)]
    loose = [p for p in pats if not _anchored(p)]
    loose_re = re.compile("|".join(f"(?:{p})" for p in loose), re.IGNORECASE) if loose else None
    needles = folded_needles(loose_re) if loose_re is not None else None
    if needles is not None and not all(n.isascii() for n in needles):
        needles = None  # non-ASCII letters have more case partners than lower() knows
    return _Boilerplate(re.compile("|".join(f"(?:{p})" for p in anchored) or "(?!)", re.IGNORECASE),
                        loose_re, needles)


@lru_cache(maxsize=65536)
def is_boilerplate(line: str) -> bool:
    """Site chrome, banners and notices: never project data, never a title.

    Cached: the same chrome lines come back on every page of a site.
    """
    s = line.strip()
    return bool(s) and len(s) < 300 and _boilerplate_test().search(s)


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
        fact = self.fact_lines
        return [(i, ln) for i, ln in enumerate(self.lines) if ln and i not in fact and ln.strip() and not is_boilerplate(ln)]

    def body(self) -> str:
        """Prose after the fact block (or the whole page without chrome when there is no block,
        or when the facts are inline lines inside the prose)."""
        start = (self.last_fact_line + 1) if self.last_fact_line is not None and self.layout != "inline" else 0
        fact = self.fact_lines  # (an empty line is never chrome)
        out = [ln for i, ln in enumerate(self.lines[start:], start) if i not in fact and (not ln or not is_boilerplate(ln))]
        return "\n".join(out).strip()


def strip_bullet(line: str) -> str:
    """A list item without its bullet or number."""
    return BULLET.sub("", line, count=1).strip()


def _is_label_line(line: str) -> bool:
    return _is_label(line.strip())


def _is_label(s: str) -> bool:
    """`_is_label_line` of a line already stripped."""
    if not s:
        return False
    if s[-1] == ":" and _colon_label(s) is not None:
        return True
    return field_for(s) is not None


def _colon_label(s: str) -> str | None:
    """The label of a 'Label:' line, as `_COLON_LABEL.match(s).group("label").strip()` gives
    it (None when the regex does not match), without the regex (a third of the cost): the
    label is everything before the one colon, which ends the line, and has at most 70
    characters before its trailing spaces. `s` is one line (no newline)."""
    if s[-1:] != ":":
        return None
    body = s[:-1]
    if not body or ":" in body:
        return None
    label = body.rstrip()
    return label.strip() if len(label) <= 70 else None


def _bullet_lines(lines: list[str], stripped: list[str]) -> set[int]:
    """Indexes of the lines BULLET matches; the regex only runs on lines whose first visible
    character can start a bullet (most lines start with a letter)."""
    return {
        i for i, s in enumerate(stripped)
        if s and (s[0] in BULLET_FIRST or s[0].isdecimal()) and BULLET.match(lines[i])
    }


def _is_block(pairs: list[LabelValue]) -> bool:
    """Enough labels to believe a fact block: three, or two long (unmistakable) ones."""
    known = [p for p in pairs if not p.field.startswith("other:")]
    return len(known) >= MIN_BLOCK or (len(known) == 2 and all(len(p.label) >= 10 for p in known))


def segment(text: str) -> Segmented:
    """Find the label/value pairs, bullet lists and the fact block of a page."""
    lines = text.split("\n")
    stripped = [ln.strip() for ln in lines]  # once per line: every test below reads these
    bullets = _bullet_lines(lines, stripped)
    n = len(lines)
    glued: list[LabelValue] = []
    colon: list[LabelValue] = []
    plain: list[LabelValue] = []
    inline: list[LabelValue] = []
    gp = glued_pattern()
    head_len, heads = glued_heads()
    max_words = max_label_words()
    colon_used: set[int] = set()
    for i, s in enumerate(stripped):
        if not s or len(s) > 400:
            continue
        if s[-1] == ":":
            # colon label, value on the next line
            label = _colon_label(s)
            if label is not None and i not in bullets:
                fld = field_for(label)
                # next non-empty line
                j = i + 1
                while j < n and not stripped[j]:
                    j += 1
                value = ""
                if j < n and j - i <= 2 and not _is_label(stripped[j]):
                    value = stripped[j]
                if fld or (colon and i - colon[-1].line <= 3 and len(label.split()) <= 7):
                    colon.append(LabelValue(fld or f"other:{label}", label, value, i))
                    colon_used.add(i)
                    if value:
                        colon_used.add(j)
                continue
        elif s.startswith(heads.get(s[:head_len], ())):  # glued (never a line ending in ":")
            gm = gp.match(s)
            if gm:
                fld = field_for(gm.group("label"))
                if fld:
                    glued.append(LabelValue(fld, gm.group("label"), gm.group("value").strip(), i))
        # inline label: value
        if ":" in s:
            im = _INLINE.match(strip_bullet(s))
            if im:
                fld = field_for(im.group("label"))
                if fld:
                    inline.append(LabelValue(fld, im.group("label").strip(), im.group("value").strip(), i))
                    continue
        # plain label alone on its line
        if s[0].isupper() and len(s.rstrip(":").split(None, max_words)) <= max_words:
            fld = field_for(s)
            if fld:
                j = i + 1
                value = ""
                if j < n and stripped[j] and not _is_label(stripped[j]):
                    value = stripped[j]
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
        if p.value and layout in {"colon", "plain"} and p.line + 1 < n and stripped[p.line + 1] == p.value:
            seg.fact_lines.add(p.line + 1)
        elif p.value and layout == "colon" and p.line in colon_used:
            for j in range(p.line + 1, min(p.line + 3, n)):
                if stripped[j] == p.value:
                    seg.fact_lines.add(j)
                    break
    if seg.fact_lines:
        seg.first_fact_line = min(seg.fact_lines)
        seg.last_fact_line = max(seg.fact_lines)
    seg.lists = _find_lists(lines, stripped, bullets)
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
    stripped = [ln.strip() for ln in lines]
    return _find_lists(lines, stripped, _bullet_lines(lines, stripped))


def _find_lists(lines: list[str], stripped: list[str], bullets: set[int]) -> dict[str, list[str]]:
    """`find_lists` with the stripped lines and the bullet line indexes already known."""
    out: dict[str, list[str]] = {}
    if not bullets:
        return out  # no bullet, no list
    i, n = 0, len(lines)
    while i < n:
        s = stripped[i]
        if s and len(s) <= 60 and i not in bullets and not s.endswith((".", ",")):
            j = i + 1
            while j < n and not stripped[j]:
                j += 1
            items: list[str] = []
            while j < n and (j in bullets or not stripped[j]):
                if stripped[j]:
                    items.append(strip_bullet(lines[j]))
                j += 1
            if items:
                out.setdefault(s.rstrip(":"), items)
                i = j
                continue
        i += 1
    return out
