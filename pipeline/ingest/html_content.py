"""Which blocks of a parsed HTML page are site chrome, decided by evidence (for `html_text`).

Tag names alone say little on pages built with ordinary CMSs: menus, teaser lists, share
widgets and "related" lists come as plain `<div>`s and `<ul>`s. So every element of the parsed
tree gets a few numbers in one linear pass (visible characters, characters inside links,
prose = long runs of text outside links, "Label:" strings, evidence of facts, whether it holds
the page's main heading), and a block is dropped when

* its class or id names it as chrome (cue words in `data/html_chrome.csv`: "always" cues as
  the renderer has long applied them; "strong" and "weak" ones here, see `_drop`), unless it
  holds most of the page's prose (then it is the content's wrapper, whatever its name);
* it is mostly links (link density, as jusText and trafilatura judge boilerplate): menus,
  lists of other articles, tag clouds, teaser boxes;
* it sits beside the content (the smallest element holding most of the prose) with little
  prose of its own: header, sidebar, author box, "more on this" list (`_trim_around_content`);
* it is a picture credit ("Foto: ...", a "label" cue of the CSV) or a `<figcaption>`.

Never dropped by this evidence: the block of the page's main heading (`<h1>`), a fact block of
the page's own project (a `<dl>`, two-cell label/value rows, labels the extractors know from
`data/labels.csv`), one "Label: value" row even when its value is a link; e-mail and phone links
(`mailto:`, `tel:`) count as text, not as links, so a contact box stays. Headings left without
content and "Read also"-like sections ("heading" cues of the CSV) are removed by the renderer
(`html_text._Lines`).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from itertools import repeat
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from pipeline.layout.labels import field_for

from pipeline.resources import data_file


def _load_phrases(match: str) -> frozenset[str]:
    """Cue phrases of data/html_chrome.csv matched against text: "label" rows (a "Foto:" line
    is a picture credit) and "heading" rows (a "Read also" heading tops a list of other items)."""
    with open(data_file("html_chrome.csv"), encoding="utf-8", newline="") as fh:
        return frozenset(normalise_phrase(row["cue"]) for row in csv.DictReader(fh) if row["match"].strip() == match)


def normalise_phrase(text: str) -> str:
    """Lower case, single spaces, no closing punctuation: how phrases are compared."""
    return " ".join(text.lower().split()).rstrip(":.…!?»> ").strip()


def _load_cues() -> dict[str, tuple[frozenset[str], frozenset[str], re.Pattern[str] | None]]:
    """strength -> (whole class/id names, whole-token cues, substring regex) from data/html_chrome.csv.

    A "token" is a part of a class or id between non-alphanumerics ("share" in "post-share-box"),
    a "class" a whole class name or id ("hidden", not "field-label-hidden")."""
    names: dict[str, set[str]] = {}
    tokens: dict[str, set[str]] = {}
    subs: dict[str, list[str]] = {}
    with open(data_file("html_chrome.csv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            cue, strength, match = row["cue"].strip().lower(), row["strength"].strip(), row["match"].strip()
            if match in ("label", "heading"):
                continue  # text phrases: see _load_phrases
            if match == "class":
                names.setdefault(strength, set()).add(cue)
            elif match == "token":
                tokens.setdefault(strength, set()).add(cue)
            else:
                subs.setdefault(strength, []).append(re.escape(cue))
    out = {}
    for strength in ("always", "strong", "weak"):
        pats = subs.get(strength)
        out[strength] = (frozenset(names.get(strength, ())), frozenset(tokens.get(strength, ())),
                         re.compile("|".join(sorted(pats, key=len, reverse=True)), re.IGNORECASE) if pats else None)
    return out


CUES = _load_cues()
CHROME_LABELS = _load_phrases("label")
CHROME_HEADINGS = _load_phrases("heading")
_TOKEN_SPLIT_RE = re.compile(r"[^a-z0-9]+")

# Drop thresholds (shares of a block's visible characters that sit inside links).
_LINK_DENSITY = 0.25  # a block with more of its text in links is a menu or a list of other items
_FACT_LINK_DENSITY = 0.5  # facts stay up to this much (a linked owner name, a web address)
_WEAK_CUE_LINK_DENSITY = 0.25  # a weak cue counts when the block is somewhat link-heavy...
_WEAK_CUE_SHORT = 300  # ...or short
_WRAPPER_SHARE = 0.4  # a block with this share of the page's text is the content, not chrome
_TEASERS_MIN = 3  # parts with a link each that make a list of teasers...
_TEASER_LINK_SHARE = 0.2  # ...when this share of each part's text is its link(s)...
_TEASERS_SHARE = 0.6  # ...and this share of the parts is like that
_CREDIT_MAX = 120  # characters of a picture credit line ("Foto: Anna Andersson")
_MIN_FACTS = 2
_PROSE_MIN = 40  # characters of one text run outside links that make it prose
_MIN_PROSE_PAGE = 400  # below this much prose a page is not trimmed around its content
_ROOT_SHARE = 0.7  # the content element holds this share of the page's prose
_SIBLING_PROSE = 0.3  # blocks beside it with less prose than this share of it are chrome...
_PLAIN_LINK_DENSITY = 0.1  # ...unless after it, a list or table with no more links than this
_OWN_LISTS = frozenset({"ul", "ol", "dl", "table"})  # "Label:" lines / dt / label rows that make a fact block
_MAX_LABEL = 40  # characters of a "Label:" string
_INLINE_FACT_RE = re.compile(r"[^\W\d][^:\n]{0,38}:[ \t\xa0]+\S")  # "Startdatum: 2023-01-01"
_FACT_ROW_MAX = 120  # characters of one "Label:" + value row kept even when the value is a link

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_NOT_LABEL_PARENTS = _HEADINGS | {"a", "button", "label"}
_BLOCKS = frozenset(
    {"div", "section", "aside", "ul", "ol", "table", "header", "p", "li", "form", "figure", "dl", "span",
     "center", "details", "menu", "tbody", "tr", "td", "blockquote", "small", "address", "time"}
)  # fmt: skip
_DENSITY_EXEMPT = frozenset({"dl", "span", "td", "tr", "tbody", "address"})  # judged as part of their block
# Never rendered (the renderer's own drops) or without text: not counted, not judged.
_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "nav", "footer", "head", "title", "select", "option",
     "button", "textarea", "input", "label", "iframe", "object", "embed", "canvas", "video", "audio", "map", "picture",
     "img", "dialog", "meta", "link", "base", "br", "hr", "wbr", "source", "track", "col", "area"}
)  # fmt: skip


@lru_cache(maxsize=8192)
def has_cue(hay: str, strength: str) -> bool:
    """Whether a class/id/aria-label string holds a cue of this strength."""
    names, tokens, sub = CUES[strength]
    if sub is not None and sub.search(hay):
        return True
    if names or tokens:
        low = hay.lower()
        if names and not names.isdisjoint(low.split()):
            return True
        if tokens and not tokens.isdisjoint(_TOKEN_SPLIT_RE.split(low)):
            return True
    return False


def _hay(attrs: dict[str, Any]) -> str:
    classes = attrs.get("class")
    hay = " ".join(classes) if isinstance(classes, list) else str(classes or "")
    ident = attrs.get("id")
    return hay + " " + ident if isinstance(ident, str) else hay


def chrome_ids(soup: BeautifulSoup) -> tuple[set[int], set[int]]:
    """`id()`s of the elements to leave out as chrome (their whole subtree), and of the
    wrappers of the content (elements holding `_WRAPPER_SHARE` of the page's text, which no
    class or id cue drops)."""
    order: list[Tag] = []
    parent: list[int] = []
    text: list[int] = []
    links: list[int] = []
    n_anchors: list[int] = []
    facts: list[int] = []  # evidence of the project's own facts: <dt>, label rows, known labels
    labels: list[int] = []  # "Label:" / "Label: value" strings of any wording
    heads: list[bool] = []
    credits: list[int] = []
    prose: list[int] = []
    kids: list[list[int]] = []
    top: list[int] = []
    dropped: set[int] = set()
    stack: list[tuple[Any, int, bool]] = [(c, -1, False) for c in reversed(soup.contents)]
    pop, extend = stack.pop, stack.extend
    while stack:
        node, pi, in_link = pop()
        cls = node.__class__
        if cls is NavigableString:
            if pi >= 0:
                s = node.strip()
                if s:
                    n_s = len(s)
                    text[pi] += n_s
                    if ":" in s and order[pi].name not in _NOT_LABEL_PARENTS and (
                            (s[-1] == ":" and n_s <= _MAX_LABEL) or _INLINE_FACT_RE.match(s)):
                        label = s.partition(":")[0]
                        if normalise_phrase(label) in CHROME_LABELS:
                            credits.append(pi)  # "Foto: ...": a picture credit
                        else:
                            labels[pi] += 1  # "Label:" (its value follows) or "Label: value"
                            if field_for(label) is not None:
                                facts[pi] += _MIN_FACTS  # a label the extractors know: a fact block
                    elif n_s >= _PROSE_MIN and not in_link and order[pi].name not in _HEADINGS:
                        prose[pi] += n_s
            continue
        if cls is not Tag:
            continue
        name = node.name
        if name in _SKIP_TAGS:
            continue
        if name == "figcaption":  # a picture's caption is not the page's text
            dropped.add(id(node))
            continue
        i = len(order)
        order.append(node)
        parent.append(pi)
        (kids[pi] if pi >= 0 else top).append(i)
        kids.append([])
        prose.append(0)
        text.append(0)
        links.append(0)
        n_anchors.append(0)
        heads.append(False)
        labels.append(0)
        n_facts = 0
        if name == "dt":
            n_facts = _MIN_FACTS  # one <dt> is a fact block
        elif name == "tr":
            cells = [c for c in node.contents if c.__class__ is Tag and c.name in ("td", "th")]
            if len(cells) == 2:
                n_facts = 1
        facts.append(n_facts)
        if name == "a" and not in_link:
            href = node.attrs.get("href")
            in_link = not (isinstance(href, str) and href.lstrip()[:7].lower().startswith(("mailto:", "tel:")))
        contents = node.contents
        if contents:  # reversed, so that order[] is document order
            extend(zip(reversed(contents), repeat(i), repeat(in_link)))
    n = len(order)
    for i in range(n - 1, -1, -1):
        node = order[i]
        if node.name == "a":
            href = node.attrs.get("href")
            if not (isinstance(href, str) and href.lstrip()[:7].lower().startswith(("mailto:", "tel:"))):
                links[i] = text[i]  # e-mail and phone links are contact details, not navigation
                n_anchors[i] += 1
        p = parent[i]
        if p >= 0:
            text[p] += text[i]
            links[p] += links[i]
            n_anchors[p] += n_anchors[i]
            facts[p] += facts[i]
            labels[p] += labels[i]
            prose[p] += prose[i]
    main_h1 = _main_heading(order, text, links)
    if main_h1 >= 0:
        i = main_h1
        while i >= 0:
            heads[i] = True
            i = parent[i]
    total = sum(text[i] for i in range(n) if parent[i] < 0) or 1
    total_prose = sum(prose[i] for i in top)
    wrappers = {id(order[i]) for i in range(n) if prose[i] >= _WRAPPER_SHARE * total_prose and order[i].attrs} \
        if total_prose >= _MIN_PROSE_PAGE else set()
    gone = [False] * n
    for i in range(n):
        p = parent[i]
        if p >= 0 and gone[p]:
            gone[i] = True
            continue
        if not text[i]:
            continue  # nothing to read in it either way
        node = order[i]
        name = node.name
        if name not in _BLOCKS or heads[i] or (p >= 0 and labels[p] and text[p] <= _FACT_ROW_MAX and n_anchors[p] <= 1):
            continue  # (the value next to a "Label:" in one row: judged with its row)
        if _drop(name, node.attrs, text[i], links[i], facts[i], text[i] / total, n_anchors[i], labels[i]):
            gone[i] = True
            dropped.add(id(node))
    for i in credits:  # the credit line: up to its block, when short
        while order[i].name not in _BLOCKS and parent[i] >= 0:
            i = parent[i]
        if text[i] <= _CREDIT_MAX and not gone[i] and not labels[i]:
            gone[i] = True  # (descendants are not re-marked: the renderer skips the subtree)
            dropped.add(id(order[i]))
    _trim_around_content(order, parent, kids, top, text, links, labels, heads, prose, gone, dropped)
    return dropped, wrappers


def _trim_around_content(order: list[Tag], parent: list[int], kids: list[list[int]], top: list[int], text: list[int],
                         links: list[int], labels: list[int], heads: list[bool], prose: list[int], gone: list[bool],
                         dropped: set[int]) -> None:
    """Drop the blocks around the page's content that hold little prose of their own.

    The content is the smallest element holding most of the page's prose (long runs of text
    outside links): descending from the top while one child holds `_ROOT_SHARE` of it. Beside
    the path down to it sit the site's header, sidebars, teaser lists, author boxes, "more on
    this" lists; those with next to no prose, no "Label:" line and not the main heading go.
    """
    if not top:
        return
    total = sum(prose[i] for i in top)
    if total < _MIN_PROSE_PAGE:
        return  # a page of facts and short lines: nothing to weigh
    path: list[int] = []
    level = top
    while True:
        best = max(level, key=prose.__getitem__)
        if prose[best] < _ROOT_SHARE * total:
            break
        path.append(best)
        level = kids[best]
        if not level:
            break
    if not path:
        return
    root_prose = prose[path[-1]]
    h1 = next((i for i in top if heads[i]), -1)
    if h1 >= 0:  # the first <h1> of the page, in document order
        while not order[h1].name == "h1":
            h1 = next(k for k in kids[h1] if heads[k])
    for node_i in path:
        p = parent[node_i]
        for s in kids[p] if p >= 0 else top:
            if s == node_i or gone[s] or heads[s] or labels[s] or prose[s] >= _SIBLING_PROSE * root_prose or not text[s]:
                continue
            if s < node_i:
                if 0 <= h1 < s:
                    continue  # between the title and the content: a lead, a fact line
            elif links[s] <= _PLAIN_LINK_DENSITY * text[s] and order[s].name in _OWN_LISTS:
                continue  # after the content, a list or table (nearly) without links: the content's own
            gone[s] = True
            dropped.add(id(order[s]))


def _is_teaser_list(children: list[int], text: list[int], links: list[int], n_anchors: list[int]) -> bool:
    """Whether most of a block's parts each hold a link and little else: a list of other
    items (teasers with a title link, a date and a line of text; "more on this" lists)."""
    if len(children) < _TEASERS_MIN:
        return False
    with_text = teasers = 0
    for c in children:
        if text[c]:
            with_text += 1
            if n_anchors[c] and links[c] >= _TEASER_LINK_SHARE * text[c]:
                teasers += 1
    return teasers >= _TEASERS_MIN and teasers >= _TEASERS_SHARE * with_text


def _main_heading(order: list[Tag], text: list[int], links: list[int]) -> int:
    """Index of the page's main heading: the first `<h1>` with text that is not a link (a
    site logo is often an `<h1>` link), else the first `<h1>`; -1 when there is none."""
    first = -1
    for i, node in enumerate(order):
        if node.name == "h1" and text[i]:
            if links[i] * 2 < text[i]:
                return i
            if first < 0:
                first = i
    return first


def _drop(name: str, attrs: dict[str, Any], n_text: int, n_links: int, n_facts: int, share: float, n_anchors: int,
          n_labels: int) -> bool:
    """The decision for one block that does not hold the main heading; `share` is its part
    of the page's visible characters, `n_anchors` the number of its (non-contact) links,
    `n_labels` of its "Label:" strings of any wording, `n_facts` the evidence of a fact block."""
    density = n_links / n_text if n_text else 0.0
    if n_facts >= _MIN_FACTS and density <= _FACT_LINK_DENSITY:
        return False  # a fact block (or a block around one) stays
    if attrs and (share < _WRAPPER_SHARE or density > _WEAK_CUE_LINK_DENSITY):
        # (a block holding most of the page's text is the content's wrapper, whatever its name)
        hay = _hay(attrs)
        if hay.strip():
            if has_cue(hay, "strong"):
                return True
            if (n_facts == 0 or density > _FACT_LINK_DENSITY) and has_cue(hay, "weak") and (density > _WEAK_CUE_LINK_DENSITY or n_text < _WEAK_CUE_SHORT):
                return True
    if n_labels and (density <= _LINK_DENSITY or (n_text <= _FACT_ROW_MAX and n_anchors <= 1)) or name in _DENSITY_EXEMPT:
        return False  # "Label:" lines with their values, even linked (a tag list's "Tags:" is long and all links)
    return density > _LINK_DENSITY and share < _WRAPPER_SHARE
