"""HTML → plain text laid out like the text dumps the extractors already understand.

The extractors read "Label:" on one line and its value on the next, paragraphs separated by
blank lines and "  • item" bullets. So a `<dt>`/`<dd>` pair or a two-cell table row becomes
two lines, block elements break lines, and inline elements (span, a, strong) never do:
"2 761 412 <span>kr</span>" must stay one line for the amount parser.

Site chrome (navigation, footers, forms, cookie/consent banners, asides listing other
projects) is dropped so that menu words and other projects' places never look like facts:
by tag and role here, by evidence (cue words, link density, prose around the content) in
`pipeline.ingest.html_content`. A `<main>`/`<article>` holding under half of the page's text is not
trusted as the content.
Speed matters (thousands of pages a night), so the document is cut to `<main>`/`<article>`
and stripped of scripts, styles and comments with plain string searches before BeautifulSoup
parses what is left. The cuts find all their tags in one case-insensitive regex pass (no
lowered copy of the page, no scan per tag), the tree is rendered in one tight loop and the
cyclic GC is paused while a tree exists (see `_render`): BeautifulSoup's tree building is
then most of the cost.
"""

from __future__ import annotations

import gc
import re
import warnings
from bisect import bisect_left
from collections.abc import Collection
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import CData, NavigableString, PreformattedString, Tag

from pipeline.ingest.html_content import CHROME_HEADINGS, CUES, chrome_ids, normalise_phrase

# Short or URL-like strings are fine to parse here; the warning would only be noise.
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)

_DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "nav", "footer",
        "button", "select", "option", "textarea", "input", "label", "iframe", "object",
        "embed", "canvas", "video", "audio", "map", "picture", "img", "dialog", "head",
        "title", "meta", "link", "base",
    }
)  # fmt: skip
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "dialog", "alertdialog", "menu", "menubar"})
# Class/id/aria-label cues dropped wherever they appear ("always" rows of data/html_chrome.csv);
# the other cues are weighed against the block's content in html_content.
_CHROME_RE = CUES["always"][2]
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_MAIN_TAGS = frozenset({"main", "article"})

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PARAGRAPH_TAGS = frozenset({"p", "blockquote", "hr", "dl", "table", "pre", "figure", "address"})
_BLOCK_TAGS = frozenset(
    {
        "div", "section", "article", "main", "aside", "ul", "ol", "li", "dt", "dd", "tr",
        "td", "th", "thead", "tbody", "tfoot", "caption", "figcaption", "center", "details",
        "summary", "fieldset", "legend", "body", "html", "header", "hgroup", "menu", "dir",
        "noframes", "frameset", "frame", "output", "search", "form",
    }
)  # fmt: skip
_LABEL_BLOCK_CHILDREN = frozenset({"table", "p", "ul", "ol", "div", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "li"})
_MAX_LABEL_CHARS = 80
_CONTENT_MARKERS = frozenset({"h1", "main", "article", "dl", "table"})

_WS_RE = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; U+00A0 is not (decode() maps it later)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")

# Elements removed as raw text before parsing (their content is never visible text):
# (open token, close token, whether the open token needs a tag-name boundary after it).
_STRIP_BLOCKS: tuple[tuple[str, str, bool], ...] = (
    ("<!--", "-->", False),
    ("<script", "</script", True),
    ("<style", "</style", True),
    ("<svg", "</svg", True),
    ("<noscript", "</noscript", True),
    ("<template", "</template", True),
    ("<head>", "</head", False),
    ("<head ", "</head", False),
)

# Always-dropped elements that are cut as raw text too, because menus are big and parsing
# them only to throw them away is most of the cost on pages without <main>.
_STRIP_NESTED = ("nav", "footer")

# Every tag the cuts look for, found in one pass. ASCII-only case folding is exactly what
# lowering the page did for these names (no non-ASCII character lowercases into them), and
# none of them is a prefix of another, so each '<' yields at most one token.
# (Written as a trie behind a first-character lookahead: about 1.5x faster than a flat list.)
_CUT_TOKEN_RE = re.compile(
    r"<(?=[!/afhnst])(?:!--|/?(?:s(?:cript|tyle|vg)|n(?:oscript|av)|template|head|footer|aside))", re.IGNORECASE | re.ASCII
)
# An <aside> listing other projects ("Relaterade projekt", "Liknande projekt") is navigation
# to other pages: its names and places are not this project's. Recognised by class, id or
# aria-label, both before parsing (cut as raw text, like <nav>) and while rendering.
_RELATED_RE = re.compile(r"relate|liknande|similar|fler[-_ ]projekt|more[-_ ]projects|andra[-_ ]projekt", re.IGNORECASE)
_LABEL_ATTRS_RE = re.compile(r"""\b(?:class|id|aria-label)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block per line; never raises on malformed input."""
    html = _strip_invisible_blocks(_sanitise(html))  # first, so "<main" inside a script is not seen
    region = _main_region(html, _lower(html))
    if region is not None and len(html) - len(region) > _MIN_CUT_CHARS and \
            _visible_chars(region) < _MIN_REGION_SHARE * _visible_chars(html):
        region = None  # a <main>/<article> with little of the page's text: a teaser, a wrapper of one part
    if region is not None:
        text = _render(region)
        if text.strip():
            return text
    return _render(html)


_MIN_REGION_SHARE = 0.5
_MIN_CUT_CHARS = 2000  # (a small page around its <main> is taken as it is)
_TAG_RE = re.compile(r"<[^>]*>")


def _visible_chars(html: str) -> int:
    """About how many characters of text the markup shows (tags left out; white space counts:
    matching it too would make this pass three times slower)."""
    return len(_TAG_RE.sub("", html))


def _lower(html: str) -> str:
    """ASCII-lowercased copy with the same indices as html (for case-insensitive find)."""
    lowered = html.lower()
    if len(lowered) != len(html):  # a few non-ASCII characters ("İ") change length when lowered
        lowered = html.translate(_ASCII_LOWER)
    return lowered


_MAX_CUE_LINE = 60  # a "Read also:" line is short

_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _sanitise(html: str) -> str:
    """Drop what lxml cannot take (NUL, lone surrogates) and an XHTML `<?xml ...?>` prolog
    (which only makes bs4 warn that XML is parsed as HTML)."""
    if "\x00" in html:
        html = html.replace("\x00", "")
    if html.lstrip()[:5].lower() == "<?xml":
        end = html.find("?>")
        html = html[end + 2 :] if end != -1 else ""
    try:
        html.encode("utf-16-le")  # fails on exactly the same characters as UTF-8, 4x faster
    except UnicodeEncodeError:
        html = _SURROGATE_RE.sub("\ufffd", html)
    return html


# --------------------------------------------------------------------------- cheap cuts


def _find_tag(lowered: str, name: str, start: int = 0) -> int:
    """Index of the next `<name` followed by whitespace, '>' or '/', or -1."""
    needle = "<" + name
    pos = lowered.find(needle, start)
    while pos != -1:
        nxt = lowered[pos + len(needle) : pos + len(needle) + 1]
        if nxt in ("", ">", "/") or nxt.isspace():
            return pos
        pos = lowered.find(needle, pos + 1)
    return -1


def _main_region(html: str, lowered: str) -> str | None:
    """The `<main>` / `[role=main]` / `<article>` part of the page, or None.

    Cut with string searches (linear) so the parser never sees the chrome around it. A title
    `<h1>` placed before the main element is kept in front of it.
    """
    start = _find_tag(lowered, "main")
    end_tag = "</main"
    if start == -1:
        m = re.search(r"""role\s*=\s*["']?main\b""", lowered)
        if m is not None:
            start = lowered.rfind("<", 0, m.start())
            end_tag = ""
    if start == -1:
        start = _find_tag(lowered, "article")
        end_tag = "</article"
    if start == -1:
        return None
    end = len(html)
    if end_tag:
        close = lowered.rfind(end_tag)
        if close > start:
            gt = lowered.find(">", close)
            end = len(html) if gt == -1 else gt + 1
    region = html[start:end]
    if _find_tag(lowered[start:end], "h1") == -1:
        h1 = _find_tag(lowered, "h1", 0)
        if 0 <= h1 < start:
            h1_end = lowered.find("</h1", h1)
            if 0 <= h1_end < start:
                gt = lowered.find(">", h1_end)
                region = html[h1 : gt + 1] + region
    return region


def _next_at(positions: list[int], start: int) -> int:
    """First position >= start in a sorted list, or -1 (str.find over a token index)."""
    i = bisect_left(positions, start)
    return positions[i] if i < len(positions) else -1


def _is_tag_end(html: str, pos: int) -> bool:
    """Whether the character at pos ends a tag name: end of text, '>', '/' or whitespace.

    Checked on the page itself, not a lowered copy: lowering never changes these answers."""
    nxt = html[pos : pos + 1]
    return nxt in ("", ">", "/") or nxt.isspace()


def _strip_invisible_blocks(html: str) -> str:
    """Remove comments, scripts, styles, inline SVG and <head> as raw text, in linear time.

    An unclosed block (a truncated dump) is removed up to the end of the text.
    """
    index: dict[str, list[int]] = {}
    for m in _CUT_TOKEN_RE.finditer(html):
        index.setdefault(m.group().lower(), []).append(m.start())
    if not index:
        return html
    n = len(html)
    spans: list[tuple[int, int]] = []
    for open_tok, close_tok, needs_boundary in _STRIP_BLOCKS:
        if open_tok.startswith("<head"):
            opens = [p for p in index.get("<head", ()) if html[p + 5 : p + 6] == open_tok[5]]
        else:
            opens = index.get(open_tok, [])
        if not opens:
            continue
        closes = index.get(close_tok, [])
        pos = opens[0]
        while pos != -1:
            if needs_boundary and not _is_tag_end(html, pos + len(open_tok)):
                pos = _next_at(opens, pos + 1)  # "<script" must not match "<scripts"
                continue
            if close_tok == "-->":
                close = html.find(close_tok, pos + len(open_tok))
            else:
                close = _next_at(closes, pos + len(open_tok))
            if close == -1:
                spans.append((pos, n))
                break
            end = close + len(close_tok)
            if close_tok != "-->":
                gt = html.find(">", end)
                end = n if gt == -1 else gt + 1
            spans.append((pos, end))
            pos = _next_at(opens, end)
    for name in _STRIP_NESTED:
        opens = [p for p in index.get("<" + name, ()) if _is_tag_end(html, p + 1 + len(name))]
        if opens:
            spans.extend(_nested_spans(html, opens, index.get("</" + name, []), len(name)))
    asides = [p for p in index.get("<aside", ()) if _is_tag_end(html, p + 6)]
    if asides:
        related = {p for p in asides if _is_related_tag(html[p : html.find(">", p) + 1 or len(html)])}
        if related:
            spans.extend(sp for sp in _nested_spans(html, asides, index.get("</aside", []), 5) if sp[0] in related)
    if not spans:
        return html
    spans.sort()
    out: list[str] = []
    cursor = 0
    for s, e in spans:
        if s < cursor:  # nested/overlapping (a comment inside a script, ...)
            cursor = max(cursor, e)
            continue
        out.append(html[cursor:s])
        out.append(" ")
        cursor = e
    out.append(html[cursor:])
    return "".join(out)


def _is_related_tag(open_tag: str) -> bool:
    """`<aside class="related">`: an opening tag whose class, id or aria-label says it lists
    other projects (the same test `_is_dropped` makes on the parsed element)."""
    return any(_RELATED_RE.search(next(v for v in m.groups() if v is not None)) for m in _LABEL_ATTRS_RE.finditer(open_tag))


def _nested_spans(html: str, opens: list[int], closes: list[int], name_len: int) -> list[tuple[int, int]]:
    """Spans of the outermost elements (nesting-aware) given the sorted positions of their
    open tags and of their close tags, in one linear pass."""
    spans: list[tuple[int, int]] = []
    open_len, close_len = name_len + 1, name_len + 2
    depth, start, pos = 0, 0, 0
    while True:
        o = _next_at(opens, pos)
        c = _next_at(closes, pos)
        if o == -1 and c == -1:
            break
        if o != -1 and (c == -1 or o < c):
            if depth == 0:
                start = o
            depth += 1
            pos = o + open_len
        else:
            pos = c + close_len
            if depth == 0:
                continue  # stray close tag
            depth -= 1
            if depth == 0:
                gt = html.find(">", pos)
                end = len(html) if gt == -1 else gt + 1
                spans.append((start, end))
                pos = end
    if depth > 0:
        spans.append((start, len(html)))
    return spans


# --------------------------------------------------------------------------- rendering


class _Lines:
    """Accumulates inline text into lines; blocks ask for line breaks or blank lines.

    `cur` is only ever cleared in place, so the render loop can keep a bound `append`.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cur: list[str] = []
        self.has_text = False
        self.prefix = ""
        self.heading_level: dict[int, int] = {}  # index in lines -> 1..6 for heading lines
        self._open_headings: list[tuple[int, int]] = []

    def enter_heading(self, level: int) -> None:
        self.blank()
        self._open_headings.append((len(self.lines), level))

    def leave_heading(self) -> None:
        self.flush()
        if self._open_headings:
            start, level = self._open_headings.pop()
            for i in range(start, len(self.lines)):
                if self.lines[i].strip():
                    self.heading_level[i] = level
        self.blank()

    def flush(self) -> None:
        if self.has_text:
            line = _WS_RE.sub(" ", "".join(self.cur)).strip(" ")
            self.lines.append(self.prefix + line)
            self.prefix = ""
            self.has_text = False
        self.cur.clear()

    def blank(self) -> None:
        if self.prefix and not self.has_text:
            return  # <li><p>item</p></li>: keep the bullet on the item's line
        self.flush()
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def br(self) -> None:
        if self.has_text:
            self.flush()
        else:
            self.cur.clear()
            self.lines.append("")

    def raw_line(self, s: str) -> None:
        """A line of preformatted text, kept as written."""
        self.cur.append(s)
        line = "".join(self.cur).rstrip()
        self.lines.append(self.prefix + line if line.strip() else "")
        self.prefix = ""
        self.cur.clear()
        self.has_text = False

    def set_prefix(self, prefix: str) -> None:
        self.flush()
        self.prefix = prefix

    def end_label(self) -> None:
        """Finish a label line, making sure it ends with ':' as in the text dumps."""
        if not self.has_text:
            return
        joined = _WS_RE.sub(" ", "".join(self.cur)).strip(" ")
        if not joined.endswith(":"):
            joined += ":"
        self.cur.clear()
        self.cur.append(joined)
        self.flush()

    def result(self) -> str:
        self.flush()
        out: list[str] = []
        for line in self._without_empty_headings():
            line = line.rstrip()
            if not line.strip():
                if out and out[-1] != "":
                    out.append("")
                continue
            out.append(line)
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out)

    def _without_empty_headings(self) -> list[str]:
        """The lines less the headings with no content under them: an `<h2>`..`<h6>` followed
        only by a heading of the same or a higher rank, or by nothing (what was under it was
        chrome: "Related articles" over a dropped list). The `<h1>` is the page's title and stays."""
        levels = self.heading_level
        keep = [True] * len(self.lines)
        skip_under = 0  # rank of a "Read also"-like heading whose section is being left out
        in_list = False  # in the bullets under a "Read also:" line that is not a heading
        for i, line in enumerate(self.lines):
            level = levels.get(i)
            if level is not None:
                in_list = False
                if skip_under and level <= skip_under:
                    skip_under = 0
                if not skip_under and level > 1 and normalise_phrase(line) in CHROME_HEADINGS:
                    skip_under = level
            elif in_list:
                in_list = not line.strip() or line.lstrip().startswith("• ")
            elif len(line) <= _MAX_CUE_LINE and normalise_phrase(line) in CHROME_HEADINGS:
                in_list = True
            if skip_under or in_list:
                keep[i] = False
        if not levels:
            return [line for line, k in zip(self.lines, keep) if k]
        nxt = 0  # rank of the next kept non-blank line: 0 = none (end), 7 = content
        for i in range(len(self.lines) - 1, -1, -1):
            if not keep[i] or not self.lines[i].strip():
                continue
            level = levels.get(i)
            if level is None or level == 1:  # the page's title stays, even alone
                nxt = 7
            elif nxt <= level:
                keep[i] = False
            else:
                nxt = level
        return [line for line, k in zip(self.lines, keep) if k]


def _has_descendant(tag: Tag, names: Collection[str]) -> bool:
    """`tag.find(names) is not None` without building a bs4 filter for every call."""
    for d in tag.descendants:
        if isinstance(d, Tag) and (d.name in names or (d.prefix and f"{d.prefix}:{d.name}" in names)):
            return True
    return False


_CHECKED_TAGS = frozenset({"header", "form"})  # dropped or kept by their content, not attributes


def _is_dropped(tag: Tag, in_main: int, wrapper: bool = False) -> bool:
    """Site chrome or invisible: never rendered (see the module docstring)."""
    name = tag.name
    if name in _DROP_TAGS:
        return True
    if name == "header" and not in_main:
        return not _has_descendant(tag, ("h1",))  # site chrome, unless it holds the page title
    if name == "form":
        # ASP.NET/EPiServer sites wrap the whole page in one <form>: keep a form holding content
        return not _has_descendant(tag, _CONTENT_MARKERS)
    attrs = tag.attrs
    if not attrs:
        return False
    role = attrs.get("role")
    if isinstance(role, str) and role.lower() in _DROP_ROLES:
        return True
    if "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    style = attrs.get("style")
    if isinstance(style, str) and _HIDDEN_STYLE_RE.search(style):
        return True
    classes = attrs.get("class")
    hay = " ".join(classes) if isinstance(classes, list) else str(classes or "")
    hay += " " + str(attrs.get("id", "")) + " " + str(attrs.get("aria-label", ""))
    if name == "aside" and _RELATED_RE.search(hay):
        return True  # other projects (see _RELATED_RE)
    if wrapper:
        return False  # holds most of the page's text: the content's wrapper, whatever its class says
    return _CHROME_RE is not None and _CHROME_RE.search(hay) is not None


def _is_label_cell(cell: Tag) -> bool:
    """Short text (as `cell.get_text(" ", strip=True)` counts it) and no block inside."""
    length = -1  # length of the " "-joined stripped strings
    for d in cell.descendants:
        if isinstance(d, NavigableString):
            if type(d) is NavigableString or type(d) is CData:  # get_text's string types
                s = d.strip()
                if s:
                    length += len(s) + 1
                    if length > _MAX_LABEL_CHARS:
                        return False
        elif isinstance(d, Tag) and (d.name in _LABEL_BLOCK_CHILDREN or (d.prefix and f"{d.prefix}:{d.name}" in _LABEL_BLOCK_CHILDREN)):
            return False
    return True


def _row_cells(tr: Tag) -> list[Tag]:
    return [c for c in tr.contents if isinstance(c, Tag) and c.name in ("td", "th")]


# Tag kinds (what a tag does to the layout) and the actions run after a tag's children; both
# are small ints so that the render stack holds only page elements and ints.
_HEADING, _DT, _LI, _LIST, _TR, _PRE, _PARAGRAPH, _BLOCK = range(8)
_KIND: dict[str, int] = {
    **dict.fromkeys(_BLOCK_TAGS, _BLOCK),
    **dict.fromkeys(_PARAGRAPH_TAGS, _PARAGRAPH),
    "pre": _PRE,
    "tr": _TR,
    **dict.fromkeys(("ul", "ol", "menu", "dir"), _LIST),
    "li": _LI,
    "dt": _DT,
    **dict.fromkeys(_HEADINGS, _HEADING),
}
_NEWLINE, _BLANK, _END_LABEL, _LEAVE_LIST, _LEAVE_MAIN, _LEAVE_PRE, _LEAVE_HEADING = range(7)
_EXIT = {_HEADING: _LEAVE_HEADING, _DT: _END_LABEL, _LI: _NEWLINE, _LIST: _LEAVE_LIST, _TR: _NEWLINE,
         _PRE: _LEAVE_PRE, _PARAGRAPH: _BLANK, _BLOCK: _NEWLINE}  # fmt: skip


def _render(html: str) -> str:
    """Parse with BeautifulSoup and lay the tree out as lines.

    The cyclic garbage collector is paused meanwhile: a bs4 tree is a web of reference cycles
    (parent <-> child, previous <-> next) built from several allocations per node, so the collector
    would otherwise run several times per page over the half-built tree and promote it to the
    old generation, whose full collections scan the whole worker heap (spaCy models included).
    Paused, the finished tree is freed by one young-generation collection after the page.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        soup = BeautifulSoup(html, "lxml", multi_valued_attributes=None)  # class as one string: faster
        dropped, wrappers = chrome_ids(soup)
        return _layout(soup, dropped, wrappers)
    finally:
        if gc_was_enabled:
            gc.enable()


def _layout(soup: BeautifulSoup, dropped: Collection[int] = (), wrappers: Collection[int] = ()) -> str:
    """The tree as lines, walked with an explicit stack (pages nest deeper than recursion allows)."""
    out = _Lines()
    text_append = out.cur.append
    list_depth = 0
    in_main = 0
    in_pre = 0

    # Page elements and after-children actions (ints). Dispatch is on the exact class, which
    # is much faster than isinstance chains but invisible to mypy, hence Any.
    stack: list[Any] = [soup]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        cls = node.__class__
        if cls is not NavigableString and cls is not Tag and cls is not int:  # rare classes
            if isinstance(node, NavigableString):
                if isinstance(node, PreformattedString):  # comments, doctype, CDATA, ...
                    continue
                cls = NavigableString
            elif isinstance(node, Tag):  # the BeautifulSoup object itself
                cls = Tag
            else:
                continue
        if cls is NavigableString:
            if in_pre:
                parts = node.split("\n")
                for part in parts[:-1]:
                    out.raw_line(part)
                last = parts[-1]
                text_append(last)
                if not out.has_text and not last.isspace():
                    out.has_text = True
            else:
                text_append(node)
                if not out.has_text and not node.isspace():
                    out.has_text = True
            continue
        if cls is int:  # an action after a tag's children
            if node == _NEWLINE:
                out.flush()
            elif node == _BLANK:
                out.blank()
            elif node == _END_LABEL:
                out.end_label()
            elif node == _LEAVE_LIST:
                list_depth -= 1
                out.flush()
            elif node == _LEAVE_HEADING:
                out.leave_heading()
            elif node == _LEAVE_MAIN:
                in_main -= 1
                out.flush()
            else:  # _LEAVE_PRE
                in_pre -= 1
                if out.has_text:
                    out.raw_line("")
                out.blank()
            continue
        name = node.name
        attrs = node.attrs
        if name in _DROP_TAGS:
            continue
        if id(node) in dropped:  # chrome by evidence (html_content); a block still ends the line
            if name in _KIND:
                out.flush()
            else:
                text_append(" ")  # and inline chrome leaves a space: "a<span>x</span>b" is not "ab"
            continue
        if attrs or name in _CHECKED_TAGS:
            if _is_dropped(node, in_main, id(node) in wrappers):  # the same separators as above
                if name in _KIND:
                    out.flush()
                else:
                    text_append(" ")
                continue
            role = attrs.get("role")
            leave_main = name in _MAIN_TAGS or (isinstance(role, str) and role.lower() == "main")
        else:
            leave_main = name in _MAIN_TAGS
        if leave_main:
            in_main += 1
        if name == "br":
            out.br()
            continue
        kind = _KIND.get(name)
        if kind is not None:
            if kind == _BLOCK:
                out.flush()
            elif kind == _PARAGRAPH:
                out.blank()
            elif kind == _HEADING:
                out.enter_heading(int(name[1]))
            elif kind == _LI:
                out.set_prefix("  " * max(list_depth, 1) + "• ")
            elif kind == _LIST:
                list_depth += 1
                out.flush()
            elif kind == _DT:
                out.flush()
            elif kind == _PRE:
                out.blank()
                in_pre += 1
            else:  # _TR
                cells = _row_cells(node)
                out.flush()
                if len(cells) == 2 and _is_label_cell(cells[0]):
                    # label/value row: "Label:" line, then the value
                    label, value = cells
                    push(_NEWLINE)
                    push(value)
                    push(_END_LABEL)
                    stack.extend(reversed(label.contents))
                    continue
            push(_EXIT[kind])
        if leave_main:
            push(_LEAVE_MAIN)
        stack.extend(reversed(node.contents))
    return out.result()
