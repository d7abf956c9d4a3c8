"""Regional ESF plans: priorities per ESF region (and per county where the page splits them).

Two page shapes:
- an overview listing the regions, each a heading line ("Västsverige", sometimes glued to the
  previous "Läs mer om ...prioriteringar" link), then "(Hallands och Västra Götalands län)",
  "Målgrupper: ...", and a bullet list under "Prioriterade åtgärder:" / "Åtgärder:" /
  "Prioriterade områden:"; a region may split into county blocks ("Västmanlands län");
- one region's action plan ("Västsveriges regionala handlingsplan ... 2021-2027") naming the
  ESF+ specific objectives it uses ("särskilda mål VI och VII", "*VI. Främja livslångt ...").
One row per (region, county block): region, counties, target_groups, measures,
programme_period, specific_objectives. The page-level period and objectives go on every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pipeline.values.regions import canonical_region, region_variants
from pipeline.values.programmes import lookup_objective

# The 21 counties, genitive stem as used in "<stem> län".
COUNTIES: tuple[str, ...] = (
    "Stockholms", "Uppsala", "Södermanlands", "Östergötlands", "Jönköpings", "Kronobergs",
    "Kalmar", "Gotlands", "Blekinge", "Skåne", "Hallands", "Västra Götalands", "Värmlands",
    "Örebro", "Västmanlands", "Dalarnas", "Gävleborgs", "Västernorrlands", "Jämtlands",
    "Västerbottens", "Norrbottens",
)
_COUNTY_KEY = {re.sub(r"\W", "", c.casefold()): c for c in COUNTIES}
# written without the genitive s ("Skåne och Blekinge", "Västmanland")
_COUNTY_KEY.update({re.sub(r"\W", "", c.casefold()).rstrip("s"): c for c in COUNTIES if c.endswith("s")})
_COUNTY_KEY.update({"dalarna": "Dalarnas", "gävleborg": "Gävleborgs", "skånes": "Skåne"})

KNOWN_PERIODS = ("2007-2013", "2014-2020", "2021-2027")

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI")
_ROMAN_RE = r"(?:XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"

_TARGET_LABEL = re.compile(r"^\s*(?:målgrupp(?:er|en|erna)?|prioriterade\s+målgrupper)\s*:\s*(?P<rest>.*)$",
                           re.IGNORECASE)
_MEASURE_LABEL = re.compile(
    r"^\s*(?:prioriterade\s+(?:åtgärder|områden|insatser|insatsområden)|åtgärder|insatser|"
    r"prioriteringar|prioriterade\s+aktiviteter)\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_LIST_LABELS = (("targets", _TARGET_LABEL), ("measures", _MEASURE_LABEL))  # a label line starts that list
_BULLET = re.compile(r"^\s*(?:[-–—•·▪◦●♦*]|\d{1,2}[.)])\s*(?P<text>\S.*)$")
_COUNTY_LINE = re.compile(r"[\wåäöÅÄÖ ]+\s+län", re.IGNORECASE)  # "Västmanlands län" starts a county block
_END_BLOCK = re.compile(r"^\s*(?:läs mer|se även|för mer information|besök)\b", re.IGNORECASE)


def county_name(text: str) -> str | None:
    """'Södermanlands län' from 'Södermanlands', 'Södermanlands Län', 'Västragötalands', 'Skåne'."""
    s = re.sub(r"\s+län\b.*$", "", " ".join(text.split()), flags=re.IGNORECASE)
    key = re.sub(r"\W", "", s.casefold())
    c = _COUNTY_KEY.get(key)
    return f"{c} län" if c else None


def parse_counties(text: str) -> list[str]:
    """Counties of "(Uppsala, Södermanlands, Östergötlands, Örebro, Västmanlands Län)"; [] when
    any part is not a county (then the line is not a county list)."""
    s = text.strip().strip("()").strip()
    s = re.sub(r"\blän\b", "", s, flags=re.IGNORECASE)
    parts = [p.strip(" .") for p in re.split(r",|\boch\b|&|\bsamt\b", s) if p.strip(" .")]
    out = []
    for p in parts:
        c = county_name(p)
        if c is None:
            return []
        if c not in out:
            out.append(c)
    return out


@dataclass
class _Block:
    region: str
    counties: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)

    def has_content(self) -> bool:
        return bool(self.target_groups or self.measures)

    def items(self, mode: str) -> list[str]:
        """The list a "targets" / "measures" line goes to."""
        return self.target_groups if mode == "targets" else self.measures


@lru_cache(maxsize=1)
def _heading_variants() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Region variants of 5+ characters, longest first: (the variants, (variant, region) pairs)."""
    ordered = [v for v in sorted(region_variants(), key=len, reverse=True) if len(v) >= 5]
    return tuple(ordered), tuple((v, region_variants()[v]) for v in ordered)


def _region_heading(line: str) -> tuple[str, str] | None:
    """(canonical region, text before it) when the line is a region heading, possibly glued
    to a preceding link text ("Läs mer om ...prioriteringarÖstra Mellansverige")."""
    s = " ".join(line.split())
    if not s or len(s) > 160:
        return None
    r = canonical_region(s)
    if r:
        return r, ""
    folded = s.casefold()
    ends, pairs = _heading_variants()
    if not folded.endswith(ends):  # one C call rules out nearly every line
        return None
    for variant, region in pairs:
        if folded.endswith(variant):
            head = s[: len(s) - len(variant)]
            if head and head[-1].islower() and _END_BLOCK.match(head):
                return region, head
    return None


def _clean_item(s: str) -> str:
    return " ".join(s.split()).strip().rstrip(",;").strip()


def _period(text: str) -> str | None:
    found = set()
    for m in re.finditer(r"(?<!\d)(20\d\d)\s*[-–—/]\s*(20\d\d)(?!\d)", text):
        p = f"{m.group(1)}-{m.group(2)}"
        if p in KNOWN_PERIODS:
            found.add(p)
    return found.pop() if len(found) == 1 else None


_OBJECTIVE_DEF = re.compile(r"^\s*\*?\s*(" + _ROMAN_RE + r")\.\s+(?P<t>[A-ZÅÄÖ].{5,})$")
_OBJECTIVE_MENTION = re.compile(
    r"särskil(?:t|da)\s+mål(?:en)?\s+(?P<list>" + _ROMAN_RE + r"(?:\s*(?:,|och|&|samt)\s*" + _ROMAN_RE + r")*)\b",
    re.IGNORECASE,
)


def _specific_objectives(text: str) -> list[str]:
    """["VI: Främja livslångt lärande ...", ...]: from definition lines "*VI. Främja ...",
    else from mentions "särskilt mål VI" / "särskilda mål VI och VII" named from the table."""
    defs: dict[str, str] = {}
    for line in text.splitlines():
        m = _OBJECTIVE_DEF.match(line)
        if m and m.group(1) not in defs:
            defs[m.group(1)] = " ".join(m.group("t").split())
    mentioned: list[str] = []
    for m in _OBJECTIVE_MENTION.finditer(text):
        for code in re.findall(_ROMAN_RE, m.group("list")):
            if code not in mentioned:
                mentioned.append(code)
    codes = [c for c in _ROMAN if c in defs or c in mentioned]
    if not defs and not mentioned:
        return []
    # a definition line alone is not enough on a page that never says "särskilt mål"
    if not mentioned:
        return []
    out = []
    for c in codes:
        if c in defs:
            out.append(f"{c}: {defs[c]}")
        else:
            names = {o.name for o in lookup_objective(c, "2021-2027") if o.name}
            out.append(f"{c}: {names.pop()}" if len(names) == 1 else c)
    return out


_PLAN_CUE = re.compile(r"handlingsplan|socialfondsplan|regional(?:a)?\s+plan|regionala\s+prioriteringar", re.IGNORECASE)


@lru_cache(maxsize=1)
def _plan_region_pattern() -> re.Pattern[str]:
    alt = "|".join(re.escape(v) for v in sorted(region_variants(), key=len, reverse=True))
    return re.compile(r"(?<![\wåäö])(" + alt + r")s?(?![\wåäö])(?!\s+län)", re.IGNORECASE)


def _plan_region(text: str) -> str | None:
    """The one region a single-region action plan is about (title line first)."""
    pat = _plan_region_pattern()
    variants = region_variants()
    for line in text.splitlines():
        if re.search(r"handlingsplan|socialfondsplan|regional plan", line, re.IGNORECASE):
            found = {variants[m.group(1).casefold()] for m in pat.finditer(line)}
            if len(found) == 1:
                return found.pop()
    found = {variants[m.group(1).casefold()] for m in pat.finditer(text)}
    found.discard("Nationellt")
    return found.pop() if len(found) == 1 else None


def extract_regional_priorities(text: str) -> list[dict[str, Any]]:
    """One row per region (and per county block inside a region); [] when no region found."""
    if not text or not text.strip():
        return []
    period = _period(text)
    objectives = _specific_objectives(text)
    blocks: list[_Block] = []
    region_block: _Block | None = None
    cur: _Block | None = None
    mode: str | None = None  # "targets" | "measures"
    after_blank = False

    for raw in text.splitlines():
        line = raw.replace("\xa0", " ")
        s = " ".join(line.split())
        if not s:
            after_blank = True
            continue
        rh = _region_heading(s)
        if rh:
            region_block = cur = _Block(region=rh[0])
            blocks.append(cur)
            mode, after_blank = None, False
            continue
        if cur is None or region_block is None:
            continue
        if s.startswith("(") and s.endswith(")") and not cur.counties and cur is region_block:
            counties = parse_counties(s)
            if counties:
                cur.counties = counties
                continue
        c = county_name(s) if _COUNTY_LINE.fullmatch(s) else None
        if c:
            cur = _Block(region=region_block.region, counties=[c])
            blocks.append(cur)
            mode, after_blank = None, False
            continue
        if _END_BLOCK.match(s):
            mode = None
            continue
        label = next(((name, m) for name, pattern in _LIST_LABELS if (m := pattern.match(s))), None)
        if label:
            mode, m = label
            if m.group("rest").strip():
                cur.items(mode).append(_clean_item(m.group("rest")))
            after_blank = False
            continue
        b = _BULLET.match(s)
        if mode and b:
            cur.items(mode).append(_clean_item(b.group("text")))
        elif mode and not after_blank:
            items = cur.items(mode)
            if items:
                items[-1] = _clean_item(items[-1] + " " + s)  # a wrapped line
            else:
                items.append(_clean_item(s))
        else:
            mode = None
        after_blank = False

    # a lone region line (a project page's "Region" value) is not a plan block
    blocks = [b for b in blocks if b.has_content() or b.counties]
    if not blocks:
        if not _PLAN_CUE.search(text):
            return []
        r = _plan_region(text)
        if r is None:
            return []
        blocks = [_Block(region=r)]
    rows = []
    for blk in blocks:
        has_county_children = any(
            b is not blk and b.region == blk.region and len(b.counties) == 1 for b in blocks
        )
        if has_county_children and not blk.has_content() and len(blk.counties) != 1:
            continue  # the region's own block only introduces its county blocks
        rows.append({
            "region": blk.region,
            "counties": list(blk.counties),
            "target_groups": list(blk.target_groups),
            "measures": list(blk.measures),
            "programme_period": period,
            "specific_objectives": list(objectives),
        })
    return rows
