"""HTML → plain text laid out like the text dumps the extractors already understand.

The extractors read "Label:" on one line and its value on the next, paragraphs separated by
blank lines and "  • item" bullets. So a `<dt>`/`<dd>` pair or a two-cell table row becomes
two lines, block elements break lines, and inline elements (span, a, strong) never do:
"2 761 412 <span>kr</span>" must stay one line for the amount parser.

Site chrome (navigation, footers, forms, cookie/consent banners) is dropped so that menu
words never look like facts. Speed matters (thousands of pages a night), so the document
is cut to `<main>`/`<article>` and stripped of scripts, styles and comments with plain
string searches before BeautifulSoup parses what is left.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

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
_CHROME_RE = re.compile(r"cookie|consent|gdpr|banner|breadcrumb|menu|navbar|footer|skip-?link|skip-?to|onetrust|cookiebot", re.IGNORECASE)
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
_LABEL_BLOCK_CHILDREN = ["table", "p", "ul", "ol", "div", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "li"]
_MAX_LABEL_CHARS = 80
_CONTENT_MARKERS = ["h1", "main", "article", "dl", "table"]

_WS_RE = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; U+00A0 is not (decode() maps it later)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")

# Elements removed as raw text before parsing (their content is never visible text).
_STRIP_BLOCKS: tuple[tuple[str, str], ...] = (
    ("<!--", "-->"),
    ("<script", "</script"),
    ("<style", "</style"),
    ("<svg", "</svg"),
    ("<noscript", "</noscript"),
    ("<template", "</template"),
    ("<head>", "</head"),
    ("<head ", "</head"),
)


# Always-dropped elements that are cut as raw text too, because menus are big and parsing
# them only to throw them away is most of the cost on pages without <main>.
_STRIP_NESTED = ("nav", "footer")


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block per line; never raises on malformed input."""
    html = _strip_invisible_blocks(_sanitise(html))  # first, so "<main" inside a script is not seen
    region = _main_region(html, _lower(html))
    if region is not None:
        text = _render(region)
        if text.strip():
            return text
    return _render(html)


def _lower(html: str) -> str:
    """ASCII-lowercased copy with the same indices as html (for case-insensitive find)."""
    lowered = html.lower()
    if len(lowered) != len(html):  # a few non-ASCII characters ("İ") change length when lowered
        lowered = html.translate(_ASCII_LOWER)
    return lowered


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
        html.encode("utf-8")
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


def _strip_invisible_blocks(html: str) -> str:
    """Remove comments, scripts, styles, inline SVG and <head> as raw text, in linear time.

    An unclosed block (a truncated dump) is removed up to the end of the text.
    """
    lowered = _lower(html)
    spans: list[tuple[int, int]] = []
    for open_tok, close_tok in _STRIP_BLOCKS:
        pos = lowered.find(open_tok)
        while pos != -1:
            if open_tok[-1].isalpha():  # "<script" must not match "<scripts"
                nxt = lowered[pos + len(open_tok) : pos + len(open_tok) + 1]
                if nxt and not (nxt in ">/" or nxt.isspace()):
                    pos = lowered.find(open_tok, pos + 1)
                    continue
            close = lowered.find(close_tok, pos + len(open_tok))
            if close == -1:
                spans.append((pos, len(html)))
                break
            end = close + len(close_tok)
            if close_tok != "-->":
                gt = lowered.find(">", end)
                end = len(html) if gt == -1 else gt + 1
            spans.append((pos, end))
            pos = lowered.find(open_tok, end)
    for name in _STRIP_NESTED:
        spans.extend(_nested_spans(lowered, name))
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


def _nested_spans(lowered: str, name: str) -> list[tuple[int, int]]:
    """Spans of the outermost `<name>` elements, nesting-aware, in one linear pass."""
    spans: list[tuple[int, int]] = []
    open_tok, close_tok = "<" + name, "</" + name
    depth, start, pos = 0, 0, 0
    while True:
        o = _find_tag(lowered, name, pos)
        c = lowered.find(close_tok, pos)
        if o == -1 and c == -1:
            break
        if o != -1 and (c == -1 or o < c):
            if depth == 0:
                start = o
            depth += 1
            pos = o + len(open_tok)
        else:
            pos = c + len(close_tok)
            if depth == 0:
                continue  # stray close tag
            depth -= 1
            if depth == 0:
                gt = lowered.find(">", pos)
                end = len(lowered) if gt == -1 else gt + 1
                spans.append((start, end))
                pos = end
    if depth > 0:
        spans.append((start, len(lowered)))
    return spans


# --------------------------------------------------------------------------- rendering


class _Lines:
    """Accumulates inline text into lines; blocks ask for line breaks or blank lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cur: list[str] = []
        self.has_text = False
        self.prefix = ""

    def text(self, s: str) -> None:
        self.cur.append(s)
        if not self.has_text and not s.isspace():
            self.has_text = True

    def flush(self) -> None:
        if self.has_text:
            line = _WS_RE.sub(" ", "".join(self.cur)).strip(" ")
            self.lines.append(self.prefix + line)
            self.prefix = ""
        self.cur = []
        self.has_text = False

    def newline(self) -> None:
        self.flush()

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
            self.cur = []
            self.lines.append("")

    def raw_line(self, s: str) -> None:
        """A line of preformatted text, kept as written."""
        self.cur.append(s)
        line = "".join(self.cur).rstrip()
        self.lines.append(self.prefix + line if line.strip() else "")
        self.prefix = ""
        self.cur = []
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
        self.cur = [joined]
        self.flush()

    def result(self) -> str:
        self.flush()
        out: list[str] = []
        for line in self.lines:
            line = line.rstrip()
            if not line.strip():
                if out and out[-1] != "":
                    out.append("")
                continue
            out.append(line)
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out)


def _is_dropped(tag: Tag, in_main: int) -> bool:
    name = tag.name
    if name in _DROP_TAGS:
        return True
    if name == "header" and not in_main:
        return tag.find("h1") is None  # site chrome, unless it holds the page title
    if name == "form":
        # ASP.NET/EPiServer sites wrap the whole page in one <form>: keep a form holding content
        return tag.find(_CONTENT_MARKERS) is None
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
    return _CHROME_RE.search(hay) is not None


def _is_label_cell(cell: Tag) -> bool:
    text = cell.get_text(" ", strip=True)
    return len(text) <= _MAX_LABEL_CHARS and cell.find(_LABEL_BLOCK_CHILDREN) is None


def _row_cells(tr: Tag) -> list[Tag]:
    return [c for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")]


Action = Callable[[], None]
_StackItem = PageElement | Action


def _render(html: str) -> str:
    soup = BeautifulSoup(html, "lxml")
    out = _Lines()
    list_depth = 0
    in_main = 0
    in_pre = 0

    def leave_list() -> None:
        nonlocal list_depth
        list_depth -= 1
        out.newline()

    def leave_main() -> None:
        nonlocal in_main
        in_main -= 1
        out.newline()

    def leave_pre() -> None:
        nonlocal in_pre
        in_pre -= 1
        if out.has_text:
            out.raw_line("")
        out.blank()

    stack: list[_StackItem] = [soup]
    while stack:
        item = stack.pop()
        if callable(item) and not isinstance(item, PageElement):
            item()
            continue
        node = item
        if isinstance(node, NavigableString):
            if isinstance(node, PreformattedString):  # comments, doctype, CDATA, ...
                continue
            s = str(node)
            if in_pre:
                parts = s.split("\n")
                for part in parts[:-1]:
                    out.raw_line(part)
                out.text(parts[-1])
            else:
                out.text(s)
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if node is not soup and _is_dropped(node, in_main):
            continue
        children = list(node.children)
        after: list[Action] = []
        role = node.attrs.get("role") if node.attrs else None
        if name in _MAIN_TAGS or (isinstance(role, str) and role.lower() == "main"):
            in_main += 1
            after.append(leave_main)
        if name == "br":
            out.br()
            continue
        if name in _HEADINGS:
            out.blank()
            after.append(out.blank)
        elif name == "dt":
            out.newline()
            after.append(out.end_label)
        elif name == "li":
            out.set_prefix("  " * max(list_depth, 1) + "• ")
            after.append(out.newline)
        elif name in ("ul", "ol", "menu", "dir"):
            list_depth += 1
            out.newline()
            after.append(leave_list)
        elif name == "tr":
            cells = _row_cells(node)
            out.newline()
            if len(cells) == 2 and _is_label_cell(cells[0]):
                # label/value row: "Label:" line, then the value
                label, value = cells
                seq: list[_StackItem] = [*label.children, out.end_label, value, out.newline]
                stack.extend(reversed(seq))
                continue
            after.append(out.newline)
        elif name == "pre":
            out.blank()
            in_pre += 1
            after.append(leave_pre)
        elif name in _PARAGRAPH_TAGS:
            out.blank()
            after.append(out.blank)
        elif name in _BLOCK_TAGS:
            out.newline()
            after.append(out.newline)
        stack.extend(reversed(after))
        stack.extend(reversed(children))
    return out.result()
