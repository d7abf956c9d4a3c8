"""The report's plots: matplotlib figures drawn on the Agg canvas and returned as PNG bytes."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes (Agg canvas: no display, no global pyplot state)."""
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return buf.getvalue()


def bars(labels: list[str], values: list[float], xlabel: str, colour: str = "#2f6f9f") -> bytes:
    """Horizontal bars, one per label, each with its value written beside it."""
    height = max(1.6, 0.38 * len(labels) + 0.9)
    fig = Figure(figsize=(5.5, height))
    ax = fig.add_subplot()
    y = list(range(len(labels)))
    ax.barh(y, values, color=colour)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    top = max(values) if values else 0
    for yi, v in zip(y, values):
        ax.text(v + top * 0.01, yi, f"{v:,.1f}".replace(",", "\u00a0") if v % 1 else f"{int(v):,}".replace(",", "\u00a0"),
                va="center", fontsize=8)
    ax.set_xlim(0, top * 1.15 if top else 1)
    return png(fig)


def pages_by_kind(kind_status: dict[str, dict[str, int]]) -> bytes:
    """Pages per kind as bars stacked by status (extracted, skipped, rejected first)."""
    kinds = sorted(kind_status)
    statuses = [s for s in ("extracted", "skipped", "rejected") if any(kind_status[k].get(s) for k in kinds)]
    statuses += sorted({s for k in kinds for s in kind_status[k]} - set(statuses))
    colours = {"extracted": "#3b8f5a", "skipped": "#c9a227", "rejected": "#b8433b"}
    fig = Figure(figsize=(5.5, max(1.8, 0.45 * len(kinds) + 1.2)))
    ax = fig.add_subplot()
    left = [0] * len(kinds)
    y = list(range(len(kinds)))
    for s in statuses:
        vals = [kind_status[k].get(s, 0) for k in kinds]
        ax.barh(y, vals, left=left, label=s, color=colours.get(s, "#888888"))
        left = [a + b for a, b in zip(left, vals)]
    ax.set_yticks(y, kinds)
    ax.invert_yaxis()
    ax.set_xlabel("pages")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(statuses), fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return png(fig)


def money_by_year(years: dict[str, int]) -> bytes:
    """ESF grant (kronor, drawn in millions) per start year."""
    ys = sorted(int(y) for y in years)
    fig = Figure(figsize=(6.0, 2.8))
    ax = fig.add_subplot()
    ax.bar(ys, [years[str(y)] / 1e6 for y in ys], color="#2f6f9f", width=0.8)
    span = list(range(ys[0], ys[-1] + 1))
    step = 1 if len(span) <= 16 else 2 if len(span) <= 32 else 5
    ax.set_xticks([y for y in span if (y - span[0]) % step == 0])
    ax.set_xlim(ys[0] - 0.7, ys[-1] + 0.7)
    ax.set_ylabel("ESF grant, million kr")
    ax.set_xlabel("start year")
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if len(span) > 12:
        ax.tick_params(axis="x", labelrotation=45)
    return png(fig)
