"""Quality report: one self-contained HTML page about the tables of an extraction.

`build_report(out_dir)` reads the Parquet tables in OUT_DIR and writes `OUT_DIR/report.html`:
pages by kind and status, per-field fill rate per template, issues by code with examples,
rejected reasons, projects and ESF money by region, by county and by start year, and the last
runs. Everything is in the one file (CSS inline, plots as base64 PNGs drawn with matplotlib's
Agg canvas), so it can be mailed or opened from a share without a web server.

`report_numbers(out_dir)` returns the totals the page shows; every total cell of the page
carries them in `data-metric`/`data-key`/`data-value` attributes so tests can compare the page
with the tables.

Personal data stays out: contact columns are dropped on reading, issue evidence for contact
fields is withheld, and e-mail addresses and phone numbers in the other issue texts are masked.

    python -m pipeline.quality.report [OUT_DIR] [--output FILE]     # default OUT_DIR: extracted/
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import math
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import pyarrow.parquet as pq
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from pipeline.resources import places_file

REQUIRED_TABLES = ("pages", "project_pages", "projects", "issues")
OPTIONAL_TABLES = (
    "calls", "project_municipalities", "project_objectives", "regional_priorities", "page_fields", "runs",
)
REPORT_NAME = "report.html"
NO_VALUE = "(none)"
NO_REGION = "(no region)"
# project_pages columns that are page bookkeeping rather than extracted fields
_NOT_FIELDS = {"source_file", "page_sha256", "template", "project_key"}
_PERSONAL_FALLBACK = {"contact_name", "contact_email", "contact_phone"}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w/])(?:\+46|0)\d{1,3}[\s-]?\d{2,3}(?:[\s-]?\d{2,3}){1,3}(?![\w/])")


# --------------------------------------------------------------------------------------------
# reading


@dataclass
class Tables:
    """The tables of one OUT_DIR; a missing table is an empty frame and listed in `missing`."""

    out_dir: Path
    frames: dict[str, pd.DataFrame]
    missing: list[str] = field(default_factory=list)
    schema_versions: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> pd.DataFrame:
        return self.frames.get(name, pd.DataFrame())

    def has(self, name: str) -> bool:
        return name in self.frames and name not in self.missing


def personal_columns() -> set[str]:
    """Columns the schemas mark as personal data (contact details), plus the contact columns."""
    cols = set(_PERSONAL_FALLBACK)
    try:
        from pipeline.tables.schemas import load_schema

        for t in ("projects", "project_pages"):
            cols |= {c.name for c in load_schema(t).columns if c.personal_data}
    except Exception:  # the report must not fail on a schema problem
        pass
    return cols


def _empty_table(name: str) -> pd.DataFrame:
    """A zero-row frame with the schema's columns and dtypes (or no columns without a schema)."""
    try:
        from pipeline.tables.write import to_arrow

        return to_arrow(name, []).to_pandas()
    except Exception:
        return pd.DataFrame()


def load_tables(out_dir: Path) -> Tables:
    personal = personal_columns()
    frames: dict[str, pd.DataFrame] = {}
    missing: list[str] = []
    versions: dict[str, str] = {}
    for name in REQUIRED_TABLES + OPTIONAL_TABLES:
        path = out_dir / f"{name}.parquet"
        if not path.is_file():
            if name in REQUIRED_TABLES:
                frames[name] = _empty_table(name)
                missing.append(name)
            continue
        meta = pq.read_schema(path).metadata or {}
        if b"schema_version" in meta:
            versions[name] = meta[b"schema_version"].decode("utf-8", "replace")
        df = pd.read_parquet(path)
        if name in ("projects", "project_pages"):
            df = df.drop(columns=[c for c in df.columns if c in personal])
        frames[name] = df
    return Tables(out_dir=out_dir, frames=frames, missing=missing, schema_versions=versions)


# --------------------------------------------------------------------------------------------
# numbers


def _int(x: Any) -> int:
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return 0
    return int(x)


def _label(s: pd.Series, empty: str = NO_VALUE) -> pd.Series:
    """Strings with missing/blank values replaced by a visible placeholder."""
    out = s.astype("object").where(s.notna(), None)
    return out.map(lambda v: empty if v is None or str(v).strip() == "" else str(v))


def _grant(df: pd.DataFrame) -> pd.Series:
    if "eu_grant_sek" not in df.columns:
        return pd.Series([pd.NA] * len(df), index=df.index, dtype="Int64")
    return df["eu_grant_sek"].astype("Int64")


def _year(s: pd.Series) -> pd.Series:
    """Calendar year of a date/timestamp column (Arrow date32 included) as Int64."""
    if len(s) == 0:
        return pd.Series([], dtype="Int64", index=s.index)
    dt = pd.to_datetime(s.astype("string"), errors="coerce")
    return dt.dt.year.astype("Int64")


def _is_filled(v: Any) -> bool:
    if v is None or v is pd.NA:
        return False
    if isinstance(v, float) and math.isnan(v):
        return False
    if isinstance(v, str):
        return v.strip() != ""
    if hasattr(v, "__len__") and not isinstance(v, (bytes, dict)):
        try:
            return len(v) > 0
        except TypeError:
            return True
    try:
        return not bool(pd.isna(v))
    except (TypeError, ValueError):
        return True


def fill_rates(project_pages: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Share of project_pages rows with a value, fields × templates (plus 'all'), and n per template."""
    fields = [c for c in project_pages.columns if c not in _NOT_FIELDS]
    if project_pages.empty or not fields:
        return pd.DataFrame(index=fields), {}
    templates = _label(project_pages["template"]) if "template" in project_pages else pd.Series(
        [NO_VALUE] * len(project_pages), index=project_pages.index)
    filled = pd.DataFrame({c: project_pages[c].map(_is_filled).astype(bool) for c in fields}, index=project_pages.index)
    by_t = filled.groupby(templates).mean().T
    by_t = by_t[sorted(by_t.columns)]
    by_t["all"] = filled.mean()
    counts = {str(k): int(v) for k, v in templates.value_counts().sort_index().items()}
    counts["all"] = len(project_pages)
    return by_t, counts


def _county_names() -> dict[str, str]:
    path = places_file("counties.csv")
    try:
        df = pd.read_csv(path, dtype=str)
        return dict(zip(df["lanskod"], df["lan"]))
    except Exception:
        return {}


def project_counties(t: Tables) -> tuple[pd.DataFrame, str | None]:
    """Distinct (project_key, county) pairs and where they came from (None: no county data).

    From project_municipalities when present: per page the municipalities of its Kommun list
    (role 'listed'), or, for a page without one, those prose names as where the project works
    (role 'named'); owners and passing mentions do not count. Otherwise (no such table, or no
    such rows) from the projects' municipality_codes (county = first two digits of the SCB code).
    """
    empty = pd.DataFrame({"project_key": pd.Series([], dtype=object), "county": pd.Series([], dtype=object)})
    if t.has("project_municipalities"):
        pm = t.get("project_municipalities")
        need = {"project_key", "role", "lan"}
        if not need <= set(pm.columns):
            return empty, None
        pm = pm[pm["project_key"].notna()]
        page = pm["source_file"] if "source_file" in pm.columns else pd.Series([""] * len(pm), index=pm.index)
        pm = pm.assign(_page=page.astype("object"))
        listed_pages = set(pm.loc[pm["role"] == "listed", ["project_key", "_page"]].itertuples(index=False, name=None))
        is_listed = pm["role"] == "listed"
        unlisted_page = pd.Series(
            [(k, p) not in listed_pages for k, p in zip(pm["project_key"], pm["_page"])], index=pm.index, dtype=bool)
        named_ok = (pm["role"] == "named") & unlisted_page
        rows = pm[is_listed | named_ok]
        out = pd.DataFrame({"project_key": rows["project_key"].astype("object"), "county": _label(rows["lan"])})
        if len(out):
            return out.drop_duplicates().reset_index(drop=True), "project_municipalities"
    projects = t.get("projects")
    if "municipality_codes" not in projects.columns or projects.empty:
        return empty, None
    names = _county_names()
    pairs = []
    any_codes = False
    for key, codes in zip(projects["project_key"], projects["municipality_codes"]):
        if codes is None or not _is_filled(codes):
            continue
        any_codes = True
        for code in codes:
            if code:
                pairs.append((key, names.get(str(code)[:2], f"län {str(code)[:2]}")))
    if not any_codes:
        return empty, None
    out = pd.DataFrame(pairs, columns=["project_key", "county"]).drop_duplicates().reset_index(drop=True)
    return out, "projects.municipality_codes"


def _rejected_reason(reason: Any) -> str:
    if not _is_filled(reason):
        return NO_VALUE
    return str(reason).split(":")[0].strip()


def compute_numbers(t: Tables) -> dict[str, Any]:
    pages, projects, issues = t.get("pages"), t.get("projects"), t.get("issues")
    n: dict[str, Any] = {}
    n["n_pages"] = len(pages)
    status = _label(pages["status"]) if "status" in pages else pd.Series([], dtype=object)
    kind = _label(pages["page_kind"], "(unreadable)") if "page_kind" in pages else pd.Series([], dtype=object)
    n["pages_by_status"] = {str(k): int(v) for k, v in status.value_counts().sort_index().items()}
    n["pages_by_kind"] = {str(k): int(v) for k, v in kind.value_counts().sort_index().items()}
    if len(pages):
        ct = pd.crosstab(kind, status)
        n["pages_by_kind_status"] = {str(k): {str(s): int(ct.loc[k, s]) for s in ct.columns} for k in ct.index}
    else:
        n["pages_by_kind_status"] = {}
    rejected = pages[status == "rejected"] if len(pages) else pages
    reasons = rejected["reason"].map(_rejected_reason) if len(rejected) else pd.Series([], dtype=object)
    n["rejected_reasons"] = {str(k): int(v) for k, v in reasons.value_counts().items()}

    n["n_project_pages"] = len(t.get("project_pages"))
    n["n_projects"] = len(projects)
    grant = _grant(projects)
    n["total_eu_grant_sek"] = _int(grant.sum())
    n["n_projects_with_grant"] = int(grant.notna().sum())

    region = _label(projects["region"], NO_REGION) if "region" in projects else pd.Series(
        [NO_REGION] * len(projects), index=projects.index, dtype=object)
    by_region = pd.DataFrame({"region": region, "grant": grant}).groupby("region", sort=True)
    n["projects_by_region"] = {str(k): int(v) for k, v in by_region.size().items()}
    n["eu_grant_by_region"] = {str(k): _int(v) for k, v in by_region["grant"].sum().items()}
    n["projects_with_grant_by_region"] = {str(k): int(v) for k, v in by_region["grant"].count().items()}

    pairs, source = project_counties(t)
    n["county_source"] = source
    keyed_grant = pd.DataFrame({"project_key": projects.get("project_key", pd.Series([], dtype=object)),
                                "grant": grant}).drop_duplicates("project_key")
    merged = pairs.merge(keyed_grant, on="project_key", how="inner")
    by_county = merged.groupby("county", sort=True)
    n["projects_by_county"] = {str(k): int(v) for k, v in by_county["project_key"].nunique().items()}
    n["eu_grant_by_county"] = {str(k): _int(v) for k, v in by_county["grant"].sum().items()}
    n["projects_with_grant_by_county"] = {
        str(k): int(v) for k, v in merged.dropna(subset=["grant"]).groupby("county")["project_key"].nunique().items()}
    per_project = merged.groupby("project_key")["county"].nunique()
    multi = per_project[per_project > 1].index
    n["n_projects_multi_county"] = len(multi)
    n["eu_grant_multi_county"] = _int(keyed_grant[keyed_grant["project_key"].isin(multi)]["grant"].sum())
    without = keyed_grant[~keyed_grant["project_key"].isin(set(merged["project_key"]))]
    n["n_projects_without_county"] = len(without)
    n["eu_grant_without_county"] = _int(without["grant"].sum())

    year = _year(projects["start_date"]) if "start_date" in projects else pd.Series([], dtype="Int64")
    by_year = pd.DataFrame({"year": year, "grant": grant}).dropna(subset=["year"]).groupby("year", sort=True)
    n["projects_by_start_year"] = {str(int(k)): int(v) for k, v in by_year.size().items()}
    n["eu_grant_by_start_year"] = {str(int(k)): _int(v) for k, v in by_year["grant"].sum().items()}
    n["projects_with_grant_by_start_year"] = {str(int(k)): int(v) for k, v in by_year["grant"].count().items()}
    no_year = year.isna() if len(year) else pd.Series([], dtype=bool)
    n["n_projects_without_start_year"] = int(no_year.sum())
    n["eu_grant_without_start_year"] = _int(grant[no_year].sum()) if len(year) else 0

    n["n_issues"] = len(issues)
    codes = _label(issues["code"]) if "code" in issues else pd.Series([], dtype=object)
    n["issues_by_code"] = {str(k): int(v) for k, v in codes.value_counts().items()}
    n["table_rows"] = {name: (None if name in t.missing else len(df)) for name, df in t.frames.items()}
    return n


def report_numbers(out_dir: Path) -> dict[str, Any]:
    """The totals the report shows, computed from the tables in out_dir."""
    return compute_numbers(load_tables(Path(out_dir)))


# --------------------------------------------------------------------------------------------
# formatting


def esc(v: Any) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def fmt_int(v: Any) -> str:
    """12345678 -> '12 345 678' (Swedish digit grouping, non-breaking spaces)."""
    return f"{_int(v):,}".replace(",", "\u00a0")


def fmt_sek(v: Any) -> str:
    return fmt_int(v) + "\u00a0kr"


def fmt_pct(share: float) -> str:
    return f"{100 * share:.0f}\u00a0%"


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


def mask_personal(text: Any) -> str:
    """Issue text with e-mail addresses and phone numbers masked."""
    if not _is_filled(text):
        return ""
    s = _EMAIL.sub("[e-post]", str(text))
    return _PHONE.sub("[telefon]", s)


def _png(fig: Figure) -> str:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img class="plot" alt="" src="data:image/png;base64,{data}">'


def _barh(labels: list[str], values: list[float], xlabel: str, colour: str = "#2f6f9f") -> str:
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
    return _png(fig)


def _plot_pages(kind_status: dict[str, dict[str, int]]) -> str:
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
    return _png(fig)


def _plot_years(years: dict[str, int]) -> str:
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
    return _png(fig)


# --------------------------------------------------------------------------------------------
# sections


def _table(head: list[str], rows: list[str], cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    return f"<table{c}><thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _note(text: str) -> str:
    return f'<p class="note">{text}</p>'


def section_overview(t: Tables, n: dict[str, Any]) -> str:
    items = [
        ("pages", n["n_pages"], fmt_int(n["n_pages"]), "n_pages"),
        ("project pages", n["n_project_pages"], fmt_int(n["n_project_pages"]), "n_project_pages"),
        ("projects", n["n_projects"], fmt_int(n["n_projects"]), "n_projects"),
        ("ESF grant (eu_grant_sek)", n["total_eu_grant_sek"], fmt_sek(n["total_eu_grant_sek"]), "total_eu_grant_sek"),
        ("issues", n["n_issues"], fmt_int(n["n_issues"]), "n_issues"),
    ]
    tiles = "".join(
        f'<div class="tile"><div class="tile-label">{esc(label)}</div>'
        f'<div class="tile-value" id="{esc(metric)}" data-metric="{esc(metric)}" data-value="{esc(value)}">{esc(text)}</div></div>'
        for label, value, text, metric in items
    )
    rows = []
    for name in REQUIRED_TABLES + OPTIONAL_TABLES:
        if name not in t.frames and name not in t.missing:
            continue
        if name in t.missing:
            rows.append(f"<tr><td><code>{esc(name)}.parquet</code></td><td class='num'>–</td><td>missing</td></tr>")
        else:
            v = t.schema_versions.get(name, "–")
            rows.append(f"<tr><td><code>{esc(name)}.parquet</code></td>"
                        + cell(len(t.frames[name]), fmt_int(len(t.frames[name])), "table_rows", name)
                        + f"<td>{esc(v)}</td></tr>")
    absent = [x for x in OPTIONAL_TABLES if x not in t.frames]
    note = _note("Not in this folder (optional): " + ", ".join(f"<code>{esc(x)}</code>" for x in absent) + ".") if absent else ""
    missing = _note("<strong>Missing required tables</strong> (shown as empty): "
                    + ", ".join(f"<code>{esc(x)}</code>" for x in t.missing) + ".") if t.missing else ""
    return (f'<section id="overview"><div class="tiles">{tiles}</div>'
            + "<h3>Tables</h3>" + _table(["table", "rows", "schema version"], rows, "narrow") + note + missing
            + "</section>")


def section_pages(n: dict[str, Any]) -> str:
    ks = n["pages_by_kind_status"]
    if not ks:
        return '<section id="pages"><h2>Pages by kind and status</h2>' + _note("No pages.") + "</section>"
    statuses = [s for s in ("extracted", "skipped", "rejected") if s in n["pages_by_status"]]
    statuses += sorted(set(n["pages_by_status"]) - set(statuses))
    rows = []
    for k in sorted(ks):
        tds = "".join(cell(ks[k].get(s, 0), fmt_int(ks[k].get(s, 0))) for s in statuses)
        rows.append(f"<tr><th>{esc(k)}</th>{tds}" + cell(n["pages_by_kind"][k], fmt_int(n["pages_by_kind"][k]),
                                                     "pages_by_kind", k) + "</tr>")
    tot = "".join(cell(n["pages_by_status"][s], fmt_int(n["pages_by_status"][s]), "pages_by_status", s) for s in statuses)
    rows.append(f'<tr class="total"><th>all</th>{tot}' + cell(n["n_pages"], fmt_int(n["n_pages"])) + "</tr>")
    table = _table(["page kind"] + statuses + ["all"], rows, "narrow")
    return ('<section id="pages"><h2>Pages by kind and status</h2><div class="row">' + table
            + _plot_pages(ks) + "</div></section>")


def section_rejected(n: dict[str, Any]) -> str:
    rr = n["rejected_reasons"]
    if not rr:
        return '<section id="rejected"><h2>Rejected pages</h2>' + _note("No page was rejected.") + "</section>"
    rows = [f"<tr><td>{esc(r)}</td>" + cell(c, fmt_int(c), "rejected_reasons", r) + "</tr>" for r, c in list(rr.items())[:15]]
    more = _note(f"… and {len(rr) - 15} more reasons.") if len(rr) > 15 else ""
    return ('<section id="rejected"><h2>Top reasons pages were rejected</h2>'
            + _table(["reason (up to the first colon)", "pages"], rows, "narrow") + more
            + _note("Rejected pages could not be read; skipped pages (not project pages, duplicates) are in "
                    "<code>pages.parquet</code> with their reason.")
            + "</section>")


def _shade(share: float) -> str:
    # white -> green; text stays dark, so every shade is readable
    a = 0.08 + 0.7 * share if share > 0 else 0.0
    return f"background: rgba(46, 139, 87, {a:.2f})"


def section_fill(t: Tables) -> str:
    rates, counts = fill_rates(t.get("project_pages"))
    head = '<section id="fill"><h2>Field fill rate per template</h2>'
    if not counts:
        return head + _note("No project pages.") + "</section>"
    cols = list(rates.columns)
    th = "".join(f"<th>{esc(c)}<br><span class='n'>n={counts.get(str(c), 0)}</span></th>" for c in cols)
    rows = []
    for f in rates.index:
        tds = "".join(
            f'<td class="num fill{" zero" if float(rates.loc[f, c]) == 0 else ""}" style="{_shade(float(rates.loc[f, c]))}" '
            f'data-template="{esc(c)}" data-field="{esc(f)}" data-value="{float(rates.loc[f, c]):.4f}">'
            f"{fmt_pct(float(rates.loc[f, c]))}</td>"
            for c in cols
        )
        rows.append(f"<tr><th><code>{esc(f)}</code></th>{tds}</tr>")
    table = f'<div class="scroll"><table class="fill"><thead><tr><th>field</th>{th}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    return (head + _note("Share of <code>project_pages</code> rows with a value (lists: at least one item), per "
                         "template the page was recognised as; darker is fuller. A low share is not always a fault: "
                         "some templates never state a field.") + table + "</section>")


def section_issues(t: Tables, n: dict[str, Any]) -> str:
    issues = t.get("issues")
    head = '<section id="issues"><h2>Issues by code</h2>'
    if issues.empty:
        return head + _note("No issues.") + "</section>"
    personal = personal_columns()
    codes = _label(issues["code"])
    blocks = []
    summary_rows = []
    for code, count in n["issues_by_code"].items():
        sub = issues[codes == code]
        sev = ", ".join(sorted({str(s) for s in sub["severity"].dropna()})) if "severity" in sub else ""
        fields = ", ".join(sorted({str(f) for f in sub["field"].dropna()})) if "field" in sub else ""
        summary_rows.append(f"<tr><td><a href='#issue-{esc(code)}'><code>{esc(code)}</code></a></td><td>{esc(sev)}</td>"
                            + cell(count, fmt_int(count), "issues_by_code", code) + f"<td>{esc(fields)}</td></tr>")
        ex_rows = []
        for _, r in sub.head(3).iterrows():
            fld = r.get("field")
            is_personal = _is_filled(fld) and (str(fld) in personal or str(fld).startswith("contact"))
            evidence = ("<em>withheld (personal data)</em>" if is_personal
                        else f"<code>{esc(mask_personal(r.get('evidence')))}</code>")
            ex_rows.append(f"<tr><td>{esc(r.get('source_file'))}</td><td>{esc(fld if _is_filled(fld) else '')}</td>"
                           f"<td>{esc(mask_personal(r.get('message')))}</td><td>{evidence}</td></tr>")
        blocks.append(f"<h3 id='issue-{esc(code)}'><code>{esc(code)}</code> <span class='n'>({fmt_int(count)})</span></h3>"
                      + _table(["page", "field", "message", "evidence"], ex_rows, "examples"))
    summary_rows.append('<tr class="total"><td>all</td><td></td>' + cell(n["n_issues"], fmt_int(n["n_issues"])) + "<td></td></tr>")
    return (head + _table(["code", "severity", "issues", "fields"], summary_rows, "narrow")
            + "<h3>Examples (up to three per code)</h3>"
            + _note("Evidence of contact fields is withheld; e-mail addresses and phone numbers are masked.")
            + "".join(blocks) + "</section>")


def _plural(k: int, one: str, many: str) -> str:
    return f"{fmt_int(k)} {one if k == 1 else many}"


def _money_rows(n: dict[str, Any], what: str, order: list[str] | None = None) -> list[str]:
    """Rows key | projects | with a grant | ESF grant for the metrics *_by_<what>."""
    counts, with_grant, grants = (n[f"projects_by_{what}"], n[f"projects_with_grant_by_{what}"],
                                  n[f"eu_grant_by_{what}"])
    rows = []
    for k in order or sorted(grants, key=lambda x: (-grants[x], x)):
        g = with_grant.get(k, 0)
        money = cell(grants[k], fmt_sek(grants[k]), f"eu_grant_by_{what}", k) if g else (
            f'<td class="num muted" data-metric="eu_grant_by_{esc(what)}" data-key="{esc(k)}" data-value="0">'
            "not stated</td>")
        rows.append(f"<tr><td>{esc(k)}</td>" + cell(counts.get(k, 0), fmt_int(counts.get(k, 0)), f"projects_by_{what}", k)
                    + cell(g, fmt_int(g)) + money + "</tr>")
    return rows


MONEY_HEAD = ["projects", "with a grant", "ESF grant"]


def section_regions(n: dict[str, Any]) -> str:
    head = '<section id="regions"><h2>Projects and ESF money by region</h2>'
    if not n["n_projects"]:
        return head + _note("No projects.") + "</section>"
    rows = _money_rows(n, "region")
    rows.append('<tr class="total"><td>all</td>' + cell(n["n_projects"], fmt_int(n["n_projects"]))
                + cell(n["n_projects_with_grant"], fmt_int(n["n_projects_with_grant"]))
                + cell(n["total_eu_grant_sek"], fmt_sek(n["total_eu_grant_sek"])) + "</tr>")
    g = n["eu_grant_by_region"]
    order = sorted(g, key=lambda x: (-g[x], x))
    plot = _barh(order, [g[k] / 1e6 for k in order], "ESF grant (eu_grant_sek), million kr") if any(g.values()) else ""
    return (head + _note(f"{fmt_int(n['n_projects_with_grant'])} of {fmt_int(n['n_projects'])} projects state "
                         "the granted ESF support; the others count as projects but add no money.")
            + '<div class="row">' + _table(["ESF region"] + MONEY_HEAD, rows, "narrow") + plot + "</div></section>")


def section_counties(n: dict[str, Any]) -> str:
    head = '<section id="counties"><h2>Projects and ESF money by county</h2>'
    src = n["county_source"]
    if src is None:
        return head + _note("No municipality data in these tables (<code>project_municipalities.parquet</code> is "
                            "missing or has no listed/named rows, and no project has <code>municipality_codes</code>), "
                            "so no county breakdown.") + "</section>"
    g = n["eu_grant_by_county"]
    rows = _money_rows(n, "county")
    how = ("the municipalities in each page's Kommun list (role <code>listed</code>), or for a page without one "
           "those its text names as where the project works (role <code>named</code>); owners and passing "
           "mentions do not count" if src == "project_municipalities"
           else "the SCB codes in <code>projects.municipality_codes</code> (county = first two digits)")
    note = _note(
        f"Counties come from <code>{esc(src)}</code>: {how}. <strong>A project working in several counties is "
        f"counted once in each of them, with its whole grant</strong>, so the column adds up to more than the "
        f"total. Here {_plural(n['n_projects_multi_county'], 'project', 'projects')} "
        f"({fmt_sek(n['eu_grant_multi_county'])}) span more than one county."
        + (f" Not in this table, for want of a municipality: "
           f"{_plural(n['n_projects_without_county'], 'project', 'projects')} "
           f"({fmt_sek(n['eu_grant_without_county'])})." if n["n_projects_without_county"] else "")
    )
    if not g:
        return head + note + "</section>"
    order = sorted(g, key=lambda x: (-g[x], x))
    plot = _barh(order, [g[k] / 1e6 for k in order], "ESF grant (eu_grant_sek), million kr", "#6b5b95") if any(g.values()) else ""
    return head + note + '<div class="row">' + _table(["county"] + MONEY_HEAD, rows, "narrow") + plot + "</div></section>"


def section_years(n: dict[str, Any]) -> str:
    head = '<section id="years"><h2>ESF money over time</h2>'
    g = n["eu_grant_by_start_year"]
    if not g:
        return head + _note("No project states a start date.") + "</section>"
    rows = _money_rows(n, "start_year", order=sorted(g))
    note = _note("Sum of <code>eu_grant_sek</code> by the year of <code>start_date</code>. "
                 + (f"Left out for want of a start date: "
                    f"{_plural(n['n_projects_without_start_year'], 'project', 'projects')} "
                    f"({fmt_sek(n['eu_grant_without_start_year'])}). " if n["n_projects_without_start_year"] else "")
                 + "“Not stated”: none of the year's projects states its grant.")
    return (head + note + '<div class="row">' + _table(["start year"] + MONEY_HEAD, rows, "narrow")
            + _plot_years(g) + "</div></section>")


def _short(v: Any) -> str:
    if not _is_filled(v):
        return ""
    if isinstance(v, (list, tuple)) or (hasattr(v, "tolist") and not isinstance(v, str)):
        try:
            v = ", ".join(str(x) for x in list(v))
        except TypeError:
            pass
    s = str(v)
    return s if len(s) <= 80 else s[:79] + "…"


RUN_COLUMNS = ("started_at", "engine", "raw_dir", "pages_total", "pages_new", "pages_changed", "pages_unchanged",
               "pages_removed", "projects", "issues", "rejected", "seconds", "pipeline_version")


def _run_value(v: Any) -> str:
    if isinstance(v, pd.Timestamp) and not pd.isna(v):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, float) and not math.isnan(v):
        return f"{v:.1f}"
    return _short(v)


def section_runs(t: Tables) -> str:
    if "runs" not in t.frames:
        return ""
    head = '<section id="runs"><h2>Last runs</h2>'
    runs = t.frames["runs"]
    if runs.empty:
        return head + _note("<code>runs.parquet</code> has no rows.") + "</section>"
    runs = runs.drop(columns=[c for c in runs.columns if c in personal_columns()])
    time_cols = [c for c in runs.columns if pd.api.types.is_datetime64_any_dtype(runs[c])]
    if "started_at" in time_cols:
        time_cols.insert(0, "started_at")
    last = runs.sort_values(time_cols[0], ascending=False, na_position="last") if time_cols else runs.iloc[::-1]
    last = last.head(10)
    cols = [c for c in RUN_COLUMNS if c in last.columns] or list(last.columns)
    numeric = {c for c in cols if pd.api.types.is_numeric_dtype(last[c])}
    def cls(c: str) -> str:
        return ' class="num"' if c in numeric else ' class="nowrap"' if c in ("started_at", "ended_at", "engine") else ""

    rows = ["<tr>" + "".join(f"<td{cls(c)}>{esc(_run_value(r[c]))}</td>" for c in cols) + "</tr>"
            for _, r in last.iterrows()]
    which = "The one run" if len(runs) == 1 else f"The {len(last)} latest of {fmt_int(len(runs))} runs"
    return (head + _note(f"{which} logged in <code>runs.parquet</code> "
                         "(pages: total, new, changed, unchanged and removed since the previous run; times in UTC).")
            + '<div class="scroll">' + _table([c.replace("pages_", "") if c != "pages_total" else "pages" for c in cols],
                                              rows, "runs") + "</div></section>")


def section_other(t: Tables) -> str:
    parts = []
    calls = t.frames.get("calls")
    if calls is not None and not calls.empty:
        region = _label(calls["region"], NO_REGION) if "region" in calls else pd.Series([NO_REGION] * len(calls))
        amount = calls["amount_sek"].astype("Int64") if "amount_sek" in calls else pd.Series([pd.NA] * len(calls), dtype="Int64")
        g = pd.DataFrame({"region": region, "amount": amount}).groupby("region")
        rows = [f"<tr><td>{esc(k)}</td>{cell(int(c), fmt_int(c))}{cell(_int(a), fmt_sek(a))}</tr>"
                for (k, c), a in zip(g.size().items(), g["amount"].sum())]
        parts.append("<h3>Calls for proposals by region</h3>" + _table(["region", "calls", "amount"], rows, "narrow"))
    objs = t.frames.get("project_objectives")
    if objs is not None and not objs.empty and "kind" in objs:
        vc = _label(objs["kind"]).value_counts()
        rows = [f"<tr><td>{esc(k)}</td>{cell(int(v), fmt_int(v))}</tr>" for k, v in vc.items()]
        parts.append("<h3>Project objectives by kind</h3>" + _table(["kind", "rows"], rows, "narrow"))
    rp = t.frames.get("regional_priorities")
    if rp is not None and not rp.empty and "region" in rp:
        vc = _label(rp["region"], NO_REGION).value_counts().sort_index()
        rows = [f"<tr><td>{esc(k)}</td>{cell(int(v), fmt_int(v))}</tr>" for k, v in vc.items()]
        parts.append("<h3>Regional priorities by region</h3>" + _table(["region", "rows"], rows, "narrow"))
    if not parts:
        return ""
    return '<section id="other"><h2>Calls, objectives and regional plans</h2>' + "".join(parts) + "</section>"


CSS = """
* { box-sizing: border-box; }
body { font-family: -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
       color: #1d2730; background: #f6f7f9; margin: 0; line-height: 1.45; font-size: 15px; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 60px; background: #fff; min-height: 100vh; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #d8dee4; }
h3 { font-size: 1.02em; margin: 20px 0 6px; }
.meta { color: #5a6570; font-size: 0.9em; margin: 0 0 12px; }
nav { font-size: 0.9em; margin: 8px 0 18px; }
nav a { margin-right: 14px; color: #2f6f9f; text-decoration: none; }
nav a:hover { text-decoration: underline; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 8px; }
.tile { border: 1px solid #d8dee4; border-radius: 6px; padding: 10px 16px; min-width: 150px; background: #fbfcfd; }
.tile-label { color: #5a6570; font-size: 0.85em; }
.tile-value { font-size: 1.35em; font-weight: 600; white-space: nowrap; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 0.9em; }
th, td { border: 1px solid #d8dee4; padding: 4px 9px; text-align: left; vertical-align: top; }
thead th { background: #eef1f4; font-weight: 600; }
tbody th { font-weight: normal; background: #fbfcfd; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td, tr.total th { font-weight: 600; background: #eef1f4; }
table.fill td.num { min-width: 64px; }
table.fill thead th { text-align: center; }
table.examples { width: 100%; table-layout: fixed; }
table.examples td { word-wrap: break-word; overflow-wrap: anywhere; }
table.examples th:nth-child(1) { width: 22%; } table.examples th:nth-child(2) { width: 14%; }
table.examples th:nth-child(3) { width: 30%; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
.muted, td.zero { color: #8a939c; }
.nowrap { white-space: nowrap; }
table.runs { font-size: 0.82em; }
.n { color: #5a6570; font-weight: normal; font-size: 0.85em; }
.note { color: #3d4852; font-size: 0.9em; max-width: 900px; }
.row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.scroll { overflow-x: auto; max-width: 100%; }
img.plot { max-width: 100%; height: auto; border: 1px solid #eef1f4; }
footer { margin-top: 40px; color: #5a6570; font-size: 0.85em; }
"""


def render_html(t: Tables, n: dict[str, Any], generated: datetime | None = None) -> str:
    generated = generated or datetime.now(timezone.utc)
    versions = sorted(set(t.schema_versions.values()))
    sections: list[tuple[str, str, Callable[[], str]]] = [
        ("pages", "Pages", lambda: section_pages(n)),
        ("fill", "Fill rate", lambda: section_fill(t)),
        ("issues", "Issues", lambda: section_issues(t, n)),
        ("rejected", "Rejected", lambda: section_rejected(n)),
        ("regions", "Regions", lambda: section_regions(n)),
        ("counties", "Counties", lambda: section_counties(n)),
        ("years", "Over time", lambda: section_years(n)),
        ("runs", "Runs", lambda: section_runs(t)),
        ("other", "Calls &amp; plans", lambda: section_other(t)),
    ]
    bodies = [(sid, title, fn()) for sid, title, fn in sections]
    nav = "".join(f'<a href="#{sid}">{title}</a>' for sid, title, body in bodies if body)
    body = "".join(b for _, _, b in bodies)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ESF extraction – quality report</title>
<style>{CSS}</style>
</head>
<body>
<main>
<h1>ESF extraction – quality report</h1>
<p class="meta">Tables in <code>{esc(t.out_dir)}</code> · schema version {esc(", ".join(versions) or "–")} ·
generated {esc(generated.strftime("%Y-%m-%d %H:%M UTC"))}. Amounts in Swedish kronor; contact details are left out.</p>
<nav>{nav}</nav>
{section_overview(t, n)}
{body}
<footer>Made by <code>python -m pipeline.quality.report</code> from the Parquet tables; see <code>docs/data_dictionary.md</code> for the columns.</footer>
</main>
</body>
</html>
"""


def build_report(out_dir: Path, report_path: Path | None = None) -> Path:
    """Write the quality report of the tables in out_dir (default: out_dir/report.html)."""
    out_dir = Path(out_dir)
    report_path = Path(report_path) if report_path is not None else out_dir / REPORT_NAME
    t = load_tables(out_dir)
    page = render_html(t, compute_numbers(t))
    report_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=report_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the report is meant to be shared
        os.replace(tmp, report_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return report_path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m pipeline.quality.report",
        description="Write OUT_DIR/report.html: one self-contained HTML page on the quality of an extraction.",
    )
    p.add_argument("out_dir", nargs="?", default="extracted", type=Path, help="folder of tables (default: extracted/)")
    p.add_argument("-o", "--output", type=Path, default=None, help="report file (default: OUT_DIR/report.html)")
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    if not args.out_dir.is_dir():
        print(f"error: OUT_DIR {args.out_dir} is not a folder (run `python -m pipeline extract` first)", file=sys.stderr)
        return 2
    try:
        path = build_report(args.out_dir, args.output)
    except OSError as exc:
        print(f"error: cannot write the report: {exc}", file=sys.stderr)
        return 3
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
