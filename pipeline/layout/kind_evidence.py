"""Page kind from evidence: is a page that no template recognised about ONE EU-funded project?

A project page names an EU fund, names its project (the heading, or the prose when the heading
is generic) and states facts about it (owner, period, money, participants, or that the fund
finances it). Evidence against it: a call, a job advertisement, several projects, a news item
(a date line, a press release, or press quotes under a headline that is not the project's
name), money that is not an EU fund's, a project of the 2007-2013 programme.

Cue words and patterns are in data/kind_cues.csv (one row per pattern, grouped by `cue`).
Only pages that the template rules of classify.py left as `other` are examined here, so the
project bank's layouts, calls and regional plans keep their decisions. Precision first: any
evidence against, or a name that cannot be confirmed, keeps the page `other`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.models import Template
from pipeline.resources import data_file
from pipeline.text.prefilter import Finder, finder
from pipeline.layout.segment import Segmented, is_boilerplate

OLD_PROGRAMME_LAST_YEAR = 2013  # a project starting by then belongs to the 2007-2013 programme
MAX_NAME_WORDS = 8  # a heading longer than this is a headline or a sentence, not a name
MAX_NAME_CHARS = 100
TOP_LINES = 8  # content lines at the top of a page where its heading can be
KOHESIO_HEAD_CHARS = 3000  # a Kohesio header is on the first lines (a cheap test before _top)


@lru_cache(maxsize=1)
def _cue_rows() -> list[tuple[str, str, str]]:
    with open(data_file("kind_cues.csv"), encoding="utf-8", newline="") as fh:
        return [(row["cue"], row["name"], row["pattern"]) for row in csv.DictReader(fh)]


@lru_cache(maxsize=1)
def cues() -> dict[str, Finder]:
    """Per cue, all its patterns as one (with the literal shortcuts of prefilter.py)."""
    grouped: dict[str, list[str]] = {}
    for cue, _name, pattern in _cue_rows():
        grouped.setdefault(cue, []).append(f"(?:{pattern})")
    return {cue: finder(re.compile("|".join(pats), re.MULTILINE)) for cue, pats in grouped.items()}


@lru_cache(maxsize=1)
def funds() -> list[tuple[str, Finder]]:
    """(fund name, its pattern) in the data file's order."""
    return [(name, finder(re.compile(pattern, re.MULTILINE))) for cue, name, pattern in _cue_rows() if cue == "fund"]


def _has(cue: str, text: str) -> bool:
    return cues()[cue].search(text) is not None


def _named(m: re.Match[str]) -> str | None:
    """The first `name*` group a match filled."""
    for key, value in m.groupdict().items():
        if key.startswith("name") and value:
            return value.strip()
    return None


@dataclass(frozen=True)
class Evidence:
    """What a page says about itself. `decision` is 'project' or 'other'."""

    decision: str
    template: Template  # owner_site | kohesio | article | info_page
    summary: str  # readable reasons, for pages.parquet
    title: str | None = None  # the project's name, when the page is a project page


def _name_like(s: str) -> bool:
    return (len(s) <= MAX_NAME_CHARS and len(s.split()) <= MAX_NAME_WORDS
            and not s.endswith((".", "!", ",", ";")) and not _has("not_name", s) and not _is_fund_name(s))


def _is_fund_name(s: str) -> bool:
    """'Europeiska socialfonden', 'Om ESF+': a heading naming a fund (or its programme), not a project."""
    rest = s
    for _name, f in funds():
        rest = f.pattern.sub(" ", rest)
    if rest == s:
        return False
    return not re.search(r"\w{2,}", cues()["fund_filler"].pattern.sub(" ", rest))


def _count(name: str, low: str, at_least: int) -> bool:
    """Whether `name` is written at least `at_least` times in `low` (a casefolded text) as a
    whole phrase (not inside a longer word)."""
    needle = name.casefold()
    n, i = 0, low.find(needle)
    while i != -1:
        j = i + len(needle)
        if (i == 0 or not low[i - 1].isalnum()) and (j == len(low) or not low[j].isalnum()):
            n += 1
            if n >= at_least:
                return True
        i = low.find(needle, i + 1)
    return False


@dataclass(frozen=True)
class _Heading:
    line: int | None  # index into the top content lines
    text: str | None
    generic: bool  # a generic heading was seen at the top
    kohesio: bool


def _top(lines: list[str]) -> tuple[list[str], _Heading]:
    """The first content lines of a page and its heading among them."""
    top: list[str] = []
    for ln in lines:
        s = ln.strip()
        if s and not is_boilerplate(s):
            top.append(s)
            if len(top) >= TOP_LINES + 2:
                break
    generic = kohesio = False
    for k, s in enumerate(top[:TOP_LINES]):
        if _has("kohesio", s):
            kohesio = True
            continue
        if _has("chrome", s) and len(s) <= MAX_NAME_CHARS:
            continue
        if _has("generic_heading", s) or s.endswith("?"):
            generic = True
            continue
        if _has("org_name", s) and len(s.split()) <= 4:
            continue
        if not _name_like(s):
            if len(s) > MAX_NAME_CHARS or s.endswith("."):
                break  # the text starts: no heading above it
            continue  # a headline or a slogan; a name may follow (a sub-heading)
        return top, _Heading(k, s, generic, kohesio)
    return top, _Heading(None, None, generic, kohesio)


def _confirm(head: _Heading, top: list[str], text: str) -> tuple[str | None, str]:
    """(the project's name, how the page names it) or (None, why not). The heading's own line
    is one occurrence of the name: it is confirmed by a second one."""
    if head.text is None or head.line is None:
        return None, "no heading that could name a project"
    heading = head.text
    if head.kohesio:
        return strip_id(heading), "Kohesio record's heading"
    low = text.casefold()
    wm = cues()["wrapper"].pattern.match(heading)
    name = _named(wm) if wm else None
    if name and _name_like(name) and _count(name, low, 2):
        return name, f"heading names project ({heading!r})"
    if _count(heading, low, 2):
        return heading, "heading names project"
    for sep in (" – ", " - ", ": "):
        if sep in heading:
            first = heading.split(sep, 1)[0].strip()
            if len(first) >= 3 and _count(first, low, 2):
                return heading, "heading names project"
    if any(_has("lead", s) for s in top[head.line + 1: head.line + 3]):
        return heading, "heading over a text about 'the project'"
    return None, "heading does not name a project"


def page_heading(lines: list[str]) -> str | None:
    """The first heading at the top of a page that could name a project (chrome, site names,
    generic headings and questions skipped), or None."""
    return _top(lines)[1].text


def not_a_title(s: str) -> bool:
    """A line that never names a project: a generic heading, a question, a page header, a
    managing authority, a label word (data/kind_cues.csv `generic_heading`, `not_name`)."""
    return s.endswith("?") or _has("generic_heading", s) or _has("not_name", s)


def strip_id(title: str) -> str:
    """'Kisa, Diary No: 2015/00510' -> 'Kisa'."""
    return re.sub(r",?\s+(?:Diary No|Diarienummer|Dnr)\.?:?\s*\S+$", "", title).strip() or title


def gather(text: str, seg: Segmented) -> Evidence:
    """Decide a page that no template recognised: a project page, or other (and why).

    The cheap, decisive tests come first (a fund named at all, then the heading), so that the
    many pages that name no fund cost one literal scan."""
    has_fund = _has("fund", text)
    if not has_fund and not _has("kohesio", text[:KOHESIO_HEAD_CHARS]):
        return _no_fund(text, seg)
    top, head = _top(seg.lines)
    if not head.kohesio and not has_fund:  # the cheap test saw 'kohesio' somewhere, not a header
        return _no_fund(text, seg)
    named_funds = [name for name, f in funds() if f.search(text)]
    fund_text = "fund: " + (", ".join(named_funds[:3]) if named_funds else "Kohesio record")
    against = []
    if _has("job_ad", text):
        against.append("job advertisement")
    if _has("call", text) or (head.text and _has("call_heading", head.text)):
        against.append("a call for proposals")
    if _has("several_projects", text):
        against.append("several projects")
    if _has("press", text):
        against.append("press release")
    if any(_has("dateline", s) for s in top[:TOP_LINES]):
        against.append("news item (date line)")
    name, how = _confirm(head, top, text)
    starts_with_heading = bool(top) and len(top[0]) <= MAX_NAME_CHARS and not top[0].endswith(".")
    # A page that starts with its text (no heading at all) may name its project in prose too,
    # but only a name the page writes twice is taken (one sentence could name anything).
    no_heading = head.text is None and not head.generic
    if name is None and not head.kohesio and (starts_with_heading or no_heading):
        pm = cues()["prose_name"].search(text)
        candidate = _named(pm) if pm else None
        if candidate and not starts_with_heading and not _count(candidate, text.casefold(), 2):
            candidate = None
        if candidate and _name_like(candidate):
            name, how = candidate, "project named in prose"
            if _has("quote", text):
                against.append("news item (press quotes, headline not the project's name)")
    if name is None:
        return Evidence("other", _fallback(seg), "not a project page: " + " + ".join([how] + against)
                        + f" ({fund_text})")
    if _has("old_programme", text):
        against.append("ESF 2007-2013 programme")
    else:
        ym = cues()["period_year"].search(text)
        if ym and ym.group("y") and int(ym.group("y")) <= OLD_PROGRAMME_LAST_YEAR:
            against.append(f"ESF 2007-2013 programme (period from {ym.group('y')})")
    facts = [f for f in ("owner", "period", "money", "participants") if _has(f, text)]
    facts_text = ["facts: " + ", ".join(facts)] if facts else []
    funded = _has("funded", text)
    if not facts and not funded and not head.kohesio:
        against.append("no project facts")
    if not head.kohesio and not _has("one_project", text):
        against.append("never speaks of 'the project'")
    if against:
        return Evidence("other", _fallback(seg), "not a project page: " + " + ".join(against)
                        + " (" + "; ".join([fund_text, how] + facts_text) + ")")
    found = [fund_text] + (["funding stated"] if funded else []) + [how] + facts_text
    return Evidence("project", "kohesio" if head.kohesio else "owner_site", "; ".join(found), name)


def _no_fund(text: str, seg: Segmented) -> Evidence:
    """A page that names no EU fund (and is no Kohesio record): never a project page."""
    if _has("no_eu_money", text):
        return Evidence("other", _fallback(seg), "not EU-funded (national or local money)")
    return Evidence("other", _fallback(seg), "no EU fund named")


def _fallback(seg: Segmented) -> Template:
    return "article" if seg.layout is None else "info_page"
