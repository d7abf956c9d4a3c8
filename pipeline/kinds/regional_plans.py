"""Regional ESF plans: priorities per ESF region (and per county where the page splits them).

Page shapes read (all seen on esf.se, the regions' sites and their PDF transcripts):
- an overview listing the regions, each a heading line ("Västsverige", sometimes glued to the
  previous "Läs mer om ...prioriteringar" link), then "(Hallands och Västra Götalands län)",
  "Målgrupper: ...", and a list under "Prioriterade åtgärder:" / "Åtgärder:" / "Insatser:"; a
  region may split into county blocks ("Västmanlands län");
- one region's action plan ("Regional handlingsplan för socialfonden i Norra Mellansverige
  2014-2020", "Västsveriges regionala handlingsplan ... 2021-2027"): the whole page is that
  region's block, its counties stated on a line of their own ("Jämtlands och Västernorrlands
  län") or in prose ("i Värmlands, Dalarnas och Gävleborgs län", "Region Värmland, Region
  Dalarna och Region Gävleborg"), and the ESF+ specific objectives it uses ("särskilda mål VI
  och VII", "*VI. Främja livslångt ...").
Lists come as `- ` / `•` / `*` / numbered bullets under a label line (`Label:` or a heading
without colon, after an introductory sentence), as the label's value on the same line
("Målgrupper: a, b och c": split into items) or on the next lines (wrapped lines joined).
Label words, list ends and plan cues are data (`data/plan_cues.csv`); county names come from
the gazetteer.

One row per (region, county block): region, counties, target_groups, measures,
programme_period, specific_objectives. The page-level period and objectives go on every row.
List columns: None when the page has no such section (or, for counties, states none that can
be trusted), [] when the section is there and empty.

Precision: bullets count only under a list label (never a news teaser's list); counties must
belong to the row's ESF region, and counties read from prose only when they name all of the
region's counties (a single county mentioned in passing does not say what the plan covers);
otherwise the column stays empty with an issue.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.models import Issue, issue
from pipeline.places.gazetteer import County, counties, county_by_code, variants
from pipeline.resources import data_file
from pipeline.values.programmes import lookup_objective
from pipeline.values.regions import canonical_region, region_variants

KNOWN_PERIODS = ("2007-2013", "2014-2020", "2021-2027")

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI")
_ROMAN_RE = r"(?:XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_W = r"[\wåäöÅÄÖéÉ]"


@lru_cache(maxsize=1)
def _cues() -> dict[str, str]:
    """cue name -> one alternation of its patterns (data/plan_cues.csv)."""
    out: dict[str, list[str]] = {}
    with open(data_file("plan_cues.csv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["cue"], []).append(f"(?:{row['pattern']})")
    return {k: "|".join(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    c = _cues()
    return {
        # "Målgrupper: x" / "Målgrupper:" / "Målgrupper" (a heading); "Målgruppen är ..." is prose
        "label": re.compile(rf"^(?:(?P<targets>{c['target_label']})|(?P<measures>{c['measure_label']}))"
                            rf"(?!{_W})\s*(?P<colon>:)?\s*(?P<rest>.*)$", re.IGNORECASE),
        "list_end": re.compile(rf"^(?:{c['list_end']})(?!{_W})", re.IGNORECASE),
        "no_split": re.compile(rf"^(?:{c['no_split']})(?!{_W})", re.IGNORECASE),
        "plan": re.compile(c["plan"], re.IGNORECASE),
        "preposition": re.compile(rf"(?<!{_W})(?:{c['preposition']})(?!{_W})", re.IGNORECASE),
    }


_BULLET = re.compile(r"^\s*(?:[-–—•·▪◦●♦*]|\d{1,2}[.)])\s*(?P<text>\S.*)$")
_COUNTY_LINE = re.compile(r"[\wåäöÅÄÖ ]+\s+län", re.IGNORECASE)  # "Västmanlands län" starts a county block


def _key(text: str) -> str:
    return re.sub(r"\W", "", text.casefold())


@lru_cache(maxsize=1)
def _county_forms() -> tuple[dict[str, County], dict[str, County]]:
    """(written form of a county name as used before "län" -> county, the regional
    authority's name ("Region Värmland", "Västra Götalandsregionen") -> county), from the gazetteer."""
    names: dict[str, County] = {}
    orgs: dict[str, County] = {}
    for c in counties():
        stem = c.lan[: -len(" län")]
        names[stem] = c
        if stem.endswith("s"):
            names.setdefault(stem[:-1], c)  # "Västmanland och Dalarna"
    for v in variants():
        if v.kind != "county":
            continue
        county = county_by_code(v.code)
        if county is None:
            continue
        if v.variant.startswith("Region ") or v.variant.endswith("regionen"):
            orgs[v.variant] = county
        else:
            form = re.sub(r"\s+län$", "", v.variant)
            if not re.search(r"\blän|\soch\s", form):  # not "Stockholms läns landsting", "Göteborgs och Bohus"
                names.setdefault(form, county)
    return names, orgs


@lru_cache(maxsize=1)
def _county_keys() -> dict[str, County]:
    """Spelling-forgiving key ("västragötalands") -> county, for isolated county names."""
    return {_key(form): c for form, c in _county_forms()[0].items()}


def _county(text: str) -> County | None:
    s = re.sub(r"\s+län\b.*$", "", " ".join(text.split()), flags=re.IGNORECASE)
    return _county_keys().get(_key(s))


def county_name(text: str) -> str | None:
    """'Södermanlands län' from 'Södermanlands', 'Södermanlands Län', 'Västragötalands', 'Skåne'."""
    c = _county(text)
    return c.lan if c else None


def _parse(text: str) -> list[County]:
    s = text.strip().strip("()").strip()
    s = re.sub(r"\blän(?:en)?\b", "", s, flags=re.IGNORECASE)
    parts = [p.strip(" .") for p in re.split(r",|\boch\b|&|\bsamt\b", s) if p.strip(" .")]
    out: list[County] = []
    for p in parts:
        c = _county(p)
        if c is None:
            return []
        if c not in out:
            out.append(c)
    return out


def parse_counties(text: str) -> list[str]:
    """Counties of "(Uppsala, Södermanlands, Östergötlands, Örebro, Västmanlands Län)"; [] when
    any part is not a county (then the line is not a county list)."""
    return [c.lan for c in _parse(text)]


@lru_cache(maxsize=1)
def _prose_county_pattern() -> re.Pattern[str]:
    """A genitive list ending in "län" ("Värmlands, Dalarnas och Gävleborgs län") or a regional
    authority's name ("Region Värmland")."""
    names, orgs = _county_forms()
    name = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    org = "|".join(re.escape(n) for n in sorted(orgs, key=len, reverse=True))
    return re.compile(
        rf"(?<!{_W})(?:(?P<org>{org})|(?P<list>(?:{name})(?:\s*,\s*(?:{name}))*(?:\s+(?:och|samt|&)\s+(?:{name}))?)"
        rf"\s+län(?:en)?)(?!{_W})"
    )


def _region_counties(region: str) -> list[County]:
    return [c for c in counties() if c.esf_region == region]


def counties_in_prose(text: str, region: str) -> tuple[list[str] | None, Issue | None]:
    """The counties a single-region plan's text names as its area: every county of the region,
    named in genitive lists or as regional authorities. Mentions of other regions' counties are
    passing mentions and ignored; a part of the region's counties only is not trusted (None and
    an issue), since the row stands for the whole region."""
    names, orgs = _county_forms()
    found: list[County] = []
    for m in _prose_county_pattern().finditer(text):
        cs = [orgs[m.group("org")]] if m.group("org") else _parse(m.group("list"))
        if cs and all(c.esf_region == region for c in cs):
            found.extend(c for c in cs if c not in found)
    if not found:
        return None, None
    full = _region_counties(region)
    if set(found) == set(full):
        return [c.lan for c in found], None
    return None, issue(
        "plan_counties_partial",
        f"the plan for {region} names only some of the region's counties "
        f"({', '.join(c.lan for c in found)} of {len(full)}); counties left empty",
        field="counties", evidence=", ".join(c.lan for c in found))


def _clean_item(s: str) -> str:
    return " ".join(s.split()).strip().rstrip(",;").strip()


def split_items(value: str) -> list[str]:
    """A label's value written as a list: "a, b och c" / "a, b, c" -> [a, b, c].

    Kept as one item unless it has a comma, every part is a short phrase (8 words or fewer)
    and no part starts like an explanation of the previous one ("utrikes födda, allt från
    nyanlända till ..."); commas inside parentheses do not split. A one-word part after a part
    with a preposition may be that preposition's object ("anställda inom vård och omsorg",
    "inom vård, skola och omsorg"): such a cut is not made."""
    v = _clean_item(value)
    masked = re.sub(r"\([^()]*\)", lambda m: "\0" * len(m.group()), v)
    cuts = [m.start() for m in re.finditer(r"[,;]", masked)]
    if not cuts:
        return [v]
    bounds = [-1, *cuts, len(v)]
    spans = [(bounds[i] + 1, bounds[i + 1]) for i in range(len(bounds) - 1)]
    prep = _patterns()["preposition"]

    def objects_of_preposition(parts: list[str]) -> bool:
        """A one-word part whose nearest longer part before it has a preposition."""
        longer = None
        for p in parts:
            if len(p.split()) > 1:
                longer = p
            elif longer is not None and prep.search(longer):
                return True
        return False

    a, b = spans[-1]
    last = re.search(r"\s(?:och|samt|&)\s", masked[a:b])
    if last:
        left, right = v[a:a + last.start()], v[a + last.end():b].strip().rstrip(".")
        if not objects_of_preposition([left, right]):
            spans[-1:] = [(a, a + last.start()), (a + last.end(), b)]
    parts = [v[x:y].strip().rstrip(".").strip() for x, y in spans]
    no_split = _patterns()["no_split"]
    if any(not p or len(p.split()) > 8 or no_split.match(p) for p in parts) or objects_of_preposition(parts):
        return [v]
    return parts


@dataclass
class _Block:
    region: str
    counties: list[str] | None = None
    target_groups: list[str] | None = None
    measures: list[str] | None = None

    def has_content(self) -> bool:
        return bool(self.target_groups or self.measures)

    def items(self, mode: str) -> list[str]:
        """The list a "targets" / "measures" line goes to (made when first needed)."""
        if mode == "targets":
            if self.target_groups is None:
                self.target_groups = []
            return self.target_groups
        if self.measures is None:
            self.measures = []
        return self.measures


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
            if head and head[-1].islower() and _patterns()["list_end"].match(head):
                return region, head
    return None


def _period(text: str) -> str | None:
    """The one programme period the page states ("2021-2027", "2021–27"); None for none or several."""
    found = set()
    for m in re.finditer(r"(?<!\d)(20\d\d)\s*[-–—/]\s*(20\d\d|\d\d)(?![\d%])", text):
        end = m.group(2) if len(m.group(2)) == 4 else m.group(1)[:2] + m.group(2)
        p = f"{m.group(1)}-{end}"
        if p in KNOWN_PERIODS:
            found.add(p)
    return found.pop() if len(found) == 1 else None


_OBJECTIVE_DEF = re.compile(r"^\s*\*?\s*(" + _ROMAN_RE + r")\.\s+(?P<t>[A-ZÅÄÖ].{5,})$")
_OBJECTIVE_MENTION = re.compile(
    r"särskil(?:t|da)\s+mål(?:en)?\s+(?P<list>" + _ROMAN_RE + r"(?:\s*(?:,|och|&|samt)\s*" + _ROMAN_RE + r")*)\b",
    re.IGNORECASE,
)


def _specific_objectives(text: str) -> list[str] | None:
    """["VI: Främja livslångt lärande ...", ...]: from definition lines "*VI. Främja ...",
    else from mentions "särskilt mål VI" / "särskilda mål VI och VII" named from the table;
    None when the page mentions none."""
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
    # a definition line alone is not enough on a page that never says "särskilt mål"
    if not mentioned:
        return None
    out = []
    for c in (c for c in _ROMAN if c in defs or c in mentioned):
        if c in defs:
            out.append(f"{c}: {defs[c]}")
        else:
            names = {o.name for o in lookup_objective(c, "2021-2027") if o.name}
            out.append(f"{c}: {names.pop()}" if len(names) == 1 else c)
    return out


@lru_cache(maxsize=1)
def _plan_region_pattern() -> re.Pattern[str]:
    alt = "|".join(re.escape(v) for v in sorted(region_variants(), key=len, reverse=True))
    return re.compile(r"(?<![\wåäö])(" + alt + r")s?(?![\wåäö])(?!\s+län)", re.IGNORECASE)


def _plan_region(text: str) -> str | None:
    """The one region a single-region action plan is about (a line naming the plan first)."""
    pat = _plan_region_pattern()
    variants_ = region_variants()
    plan = _patterns()["plan"]
    for line in text.splitlines():
        if plan.search(line):
            found = {variants_[m.group(1).casefold()] for m in pat.finditer(line)}
            if len(found) == 1:
                return found.pop()
    found = {variants_[m.group(1).casefold()] for m in pat.finditer(text)}
    found.discard("Nationellt")
    return found.pop() if len(found) == 1 else None


def _plan_title_region(text: str) -> str | None:
    """The region of a plan's title line ("Regional handlingsplan för socialfonden i Norra
    Mellansverige 2014-2020"): a short line naming the plan and exactly one region, before the
    first list label. Such a page is that region's plan, whatever region names stand above it
    (a menu) or below it."""
    pat = _plan_region_pattern()
    variants_ = region_variants()
    p = _patterns()
    for raw in text.splitlines():
        s = " ".join(raw.split())
        label = p["label"].match(s)
        if label and (label.group("colon") or not label.group("rest")):
            return None
        if not s or len(s) > 120 or s.endswith((".", "!", "?", ":")) or not p["plan"].search(s):
            continue
        found = {variants_[m.group(1).casefold()] for m in pat.finditer(s)}
        if len(found) == 1:
            return found.pop()
    return None


def _is_intro(s: str) -> bool:
    """A sentence introducing a list under a heading ("Fyra områden har prioriterats."), as
    opposed to the next heading (a short line without a full stop)."""
    return s.endswith((".", ":", "!", "?")) or len(s) >= 60


class _Reader:
    """The line-by-line state of one pass over a page."""

    def __init__(self, plan_region: str | None) -> None:
        self.blocks: list[_Block] = []
        self.issues: list[Issue] = []
        self.region_block: _Block | None = None
        self.cur: _Block | None = None
        self.single = plan_region is not None  # the whole page is one region's plan
        self.mode: str | None = None  # "targets" | "measures"
        self.heading = False  # the list's label was a heading without colon
        self.pending: list[str] = []  # a label's value written as text, wrapped lines included
        self.after_blank = False
        self.last_bullet = False
        if plan_region is not None:
            self._open(_Block(region=plan_region), region=True)

    def _open(self, block: _Block, region: bool) -> None:
        self.end_list()
        if region:
            self.region_block = block
        self.cur = block
        self.blocks.append(block)

    def end_list(self) -> None:
        """Close the open list; a free-text value becomes its items (an intro ending in ':' none)."""
        if self.mode and self.pending and self.cur is not None:
            value = " ".join(self.pending).strip()
            if value and not value.endswith(":"):
                self.cur.items(self.mode).extend(split_items(value))
        self.mode, self.heading, self.pending, self.last_bullet = None, False, [], False

    def _counties_ok(self, cs: list[County], line: str) -> bool:
        assert self.region_block is not None
        region = self.region_block.region
        if all(c.esf_region == region for c in cs):
            return True
        self.issues.append(issue(
            "plan_counties_outside_region",
            f"county line names counties outside {region}; not used as the row's counties",
            field="counties", evidence=line))
        return False

    def line(self, s: str) -> None:
        if not s:
            self.after_blank = True
            return
        blank_before, self.after_blank = self.after_blank, False
        rh = _region_heading(s)
        if rh:
            if self.single:
                self.end_list()  # a region name on its own line (a menu) is never a list item
            else:
                self._open(_Block(region=rh[0]), region=True)
            return
        cur, rb = self.cur, self.region_block
        if cur is None or rb is None:
            return
        if (cur is rb and rb.counties is None and (s.startswith("(") and s.endswith(")")
                                                    or re.search(r"\blän(?:en)?$", s, re.IGNORECASE))):
            cs = _parse(s)
            if cs and (len(cs) > 1 or s.startswith("(")):
                self.end_list()
                if self._counties_ok(cs, s):
                    rb.counties = [c.lan for c in cs]
                return
        c = _county(s) if _COUNTY_LINE.fullmatch(s) else None
        if c:
            if self._counties_ok([c], s):
                self._open(_Block(region=rb.region, counties=[c.lan]), region=False)
            else:
                self.end_list()
            return
        if _patterns()["list_end"].match(s):
            self.end_list()
            return
        m = _patterns()["label"].match(s)
        if m and (m.group("colon") or not m.group("rest")):
            self.end_list()
            self.mode = "targets" if m.group("targets") else "measures"
            self.heading = not m.group("colon")
            if not self.heading:
                cur.items(self.mode)  # the section is there, even if empty
            rest = m.group("rest").strip()
            if rest:
                self.pending = [rest]
            return
        if self.mode is None:
            return
        b = _BULLET.match(s)
        if b:
            value = " ".join(self.pending).strip()
            if value and not value.endswith(":"):
                cur.items(self.mode).extend(split_items(value))
            self.pending = []
            cur.items(self.mode).append(_clean_item(b.group("text")))
            self.last_bullet = True
            return
        if self.last_bullet and not blank_before:
            items = cur.items(self.mode)
            items[-1] = _clean_item(items[-1] + " " + s)  # a wrapped bullet
            return
        if self.heading:
            if not self.last_bullet and _is_intro(s):
                return  # the sentence introducing the list
            self.end_list()
            return
        if self.last_bullet or (blank_before and self.pending):
            self.end_list()
            return
        self.pending.append(s)  # the value on the next line(s)


def _read_blocks(text: str, plan_region: str | None) -> tuple[list[_Block], list[Issue]]:
    r = _Reader(plan_region)
    for raw in text.splitlines():
        r.line(" ".join(raw.replace("\xa0", " ").split()))
    r.end_list()
    return r.blocks, r.issues


def read_regional_plan(text: str) -> tuple[list[dict[str, Any]], list[Issue]]:
    """One row per region (and per county block inside a region), and the page's issues;
    no rows when no region is found."""
    if not text or not text.strip():
        return [], []
    region = _plan_title_region(text)
    if region is None:
        blocks, issues = _read_blocks(text, None)
        # a lone region line (a project page's "Region" value) is not a plan block
        blocks = [b for b in blocks if b.has_content() or b.counties]
        if not blocks:
            region = _plan_region(text) if _patterns()["plan"].search(text) else None
            if region is None:
                return [], []
    if region is not None:
        blocks, issues = _read_blocks(text, region)
        main = blocks[0]
        # a county line in a one-region plan opens a block only when something is listed under it
        blocks = [main] + [b for b in blocks[1:] if b.has_content()]
        if main.counties is None and region != "Nationellt":
            main.counties, problem = counties_in_prose(text, region)
            if problem:
                issues.append(problem)
    period = _period(text)
    objectives = _specific_objectives(text)
    rows = []
    for blk in blocks:
        has_county_children = any(
            b is not blk and b.region == blk.region and b.counties is not None and len(b.counties) == 1
            for b in blocks
        )
        if has_county_children and not blk.has_content() and (blk.counties is None or len(blk.counties) != 1):
            continue  # the region's own block only introduces its county blocks
        rows.append({
            "region": blk.region,
            "counties": None if blk.counties is None else list(blk.counties),
            "target_groups": None if blk.target_groups is None else list(blk.target_groups),
            "measures": None if blk.measures is None else list(blk.measures),
            "programme_period": period,
            "specific_objectives": None if objectives is None else list(objectives),
        })
    return rows, issues


def extract_regional_priorities(text: str) -> list[dict[str, Any]]:
    """The rows of `read_regional_plan` without its issues."""
    return read_regional_plan(text)[0]
