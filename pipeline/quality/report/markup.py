"""HTML building blocks of the report: escaping, Swedish number formats, cells, tables, images.

Total cells carry data-metric/data-key/data-value attributes with the numbers of
`report_numbers`, so a test (or a script) can read the page's totals without scraping text.
"""

from __future__ import annotations

import base64
import html
from typing import Any, Iterable

from pipeline.quality.report.numbers import as_int, is_filled
from pipeline.tables.personal import ContactPolicy



def esc(v: Any) -> str:
    """Text for HTML, quotes included (so it also fits in attributes); None is empty."""
    return html.escape("" if v is None else str(v), quote=True)


def fmt_int(v: Any) -> str:
    """12345678 -> '12 345 678' (Swedish digit grouping, non-breaking spaces)."""
    return f"{as_int(v):,}".replace(",", "\u00a0")


def fmt_sek(v: Any) -> str:
    return fmt_int(v) + "\u00a0kr"


def fmt_pct(share: float) -> str:
    """0.4567 -> '46 %'; a share that is not zero never shows as '0 %' ('<1 %'), nor a share
    short of all as '100 %' ('>99 %')."""
    if 0 < share < 0.005:
        return "<1\u00a0%"
    if 0.995 <= share < 1:
        return ">99\u00a0%"
    return f"{100 * share:.0f}\u00a0%"


def plural(k: int, one: str, many: str) -> str:
    return f"{fmt_int(k)} {one if k == 1 else many}"


def cell(value: Any, text: str | None = None, metric: str | None = None, key: str | None = None,
         cls: str = "num") -> str:
    """A table cell; total cells carry data-metric/data-key/data-value for machines."""
    attrs = f' class="{cls}"' if cls else ""
    if metric is not None:
        attrs += f' data-metric="{esc(metric)}"'
        if key is not None:
            attrs += f' data-key="{esc(key)}"'
        attrs += f' data-value="{esc(value)}"'
    return f"<td{attrs}>{esc(text if text is not None else value)}</td>"


def mask_personal(text: Any, names: Iterable[str] = ()) -> str:
    """Text from the tables with e-mail addresses, phone numbers, address query strings and the
    given contacts' names masked, as `--contacts drop` masks them (tables written under keep
    still hold them)."""
    if not is_filled(text):
        return ""
    return ContactPolicy("drop").mask(str(text), names) or ""


def img(png: bytes) -> str:
    """A PNG embedded in the page, so the report stays one self-contained file."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="plot" alt="" src="data:image/png;base64,{data}">'


def table(head: list[str], rows: list[str], cls: str = "") -> str:
    """A table in its own horizontal scroll container: a table wider than the page (a long
    path, many columns) scrolls instead of running off the page."""
    c = f' class="{cls}"' if cls else ""
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    return f'<div class="scroll"><table{c}><thead><tr>{th}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def note(text: str) -> str:
    """A paragraph of explanation; `text` is HTML (callers escape what comes from the tables)."""
    return f'<p class="note">{text}</p>'

