"""The sections of the report page, one function each, from the tables and their numbers."""

from __future__ import annotations

import math
from typing import Any, Callable

import pandas as pd

from pipeline.quality.report import plots
from pipeline.quality.report.load import OPTIONAL_TABLES, REQUIRED_TABLES, Tables, left_out_columns
from pipeline.quality.report.markup import (
    cell, esc, fmt_int, fmt_pct, fmt_sek, img, mask_personal, note, plural, table,
)
from pipeline.quality.report.numbers import (
    NO_REGION, RECORD_TABLES, as_int, fill_rates, is_filled, label, record_fill_rates,
)


def section_overview(t: Tables, n: dict[str, Any]) -> str:
    items = [
        ("pages", n["n_pages"], fmt_int(n["n_pages"]), "n_pages"),
        ("project pages", n["n_project_pages"], fmt_int(n["n_project_pages"]), "n_project_pages"),
        ("projects", n["n_projects"], fmt_int(n["n_projects"]), "n_projects"),
        ("ESF grant (eu_grant_sek)", n["total_eu_grant_sek"], fmt_sek(n["total_eu_grant_sek"]), "total_eu_grant_sek"),
        ("issues", n["n_issues"], fmt_int(n["n_issues"]), "n_issues"),
    ]
    tiles = "".join(
        f'<div class="tile"><div class="tile-label">{esc(caption)}</div>'
        f'<div class="tile-value" id="{esc(metric)}" data-metric="{esc(metric)}" data-value="{esc(value)}">{esc(text)}</div></div>'
        for caption, value, text, metric in items
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
    explanation = note("Not in this folder (optional): " + ", ".join(f"<code>{esc(x)}</code>" for x in absent)
                       + ".") if absent else ""
    missing = note("<strong>Missing required tables</strong> (shown as empty): "
                    + ", ".join(f"<code>{esc(x)}</code>" for x in t.missing) + ".") if t.missing else ""
    return (f'<section id="overview"><div class="tiles">{tiles}</div>'
            + "<h3>Tables</h3>" + table(["table", "rows", "schema version"], rows, "narrow") + explanation + missing
            + "</section>")


def section_pages(n: dict[str, Any]) -> str:
    ks = n["pages_by_kind_status"]
    if not ks:
        return '<section id="pages"><h2>Pages by kind and status</h2>' + note("No pages.") + "</section>"
    statuses = [s for s in ("extracted", "skipped", "rejected") if s in n["pages_by_status"]]
    statuses += sorted(set(n["pages_by_status"]) - set(statuses))
    rows = []
    for k in sorted(ks):
        tds = "".join(cell(ks[k].get(s, 0), fmt_int(ks[k].get(s, 0))) for s in statuses)
        rows.append(f"<tr><th>{esc(k)}</th>{tds}" + cell(n["pages_by_kind"][k], fmt_int(n["pages_by_kind"][k]),
                                                     "pages_by_kind", k) + "</tr>")
    tot = "".join(cell(n["pages_by_status"][s], fmt_int(n["pages_by_status"][s]), "pages_by_status", s) for s in statuses)
    rows.append(f'<tr class="total"><th>all</th>{tot}' + cell(n["n_pages"], fmt_int(n["n_pages"])) + "</tr>")
    grid = table(["page kind"] + statuses + ["all"], rows, "narrow")
    return ('<section id="pages"><h2>Pages by kind and status</h2><div class="row">' + grid
            + img(plots.pages_by_kind(ks)) + "</div></section>")


def section_rejected(n: dict[str, Any]) -> str:
    rr = n["rejected_reasons"]
    if not rr:
        return '<section id="rejected"><h2>Rejected pages</h2>' + note("No page was rejected.") + "</section>"
    rows = [f"<tr><td>{esc(r)}</td>" + cell(c, fmt_int(c), "rejected_reasons", r) + "</tr>" for r, c in list(rr.items())[:15]]
    more = note(f"… and {len(rr) - 15} more reasons.") if len(rr) > 15 else ""
    return ('<section id="rejected"><h2>Top reasons pages were rejected</h2>'
            + table(["reason (up to the first colon)", "pages"], rows, "narrow") + more
            + note("Rejected pages could not be read; skipped pages (not project pages, duplicates) are in "
                    "<code>pages.parquet</code> with their reason.")
            + "</section>")


def _shade(share: float) -> str:
    # white -> green; text stays dark, so every shade is readable
    a = 0.08 + 0.7 * share if share > 0 else 0.0
    return f"background: rgba(46, 139, 87, {a:.2f})"


def _fill_grid(rates: pd.DataFrame, counts: dict[str, int], where: Callable[[str], str]) -> str:
    """Fields × groups of shares, darker is fuller; `where(group)` gives each cell's data
    attributes before data-field/data-value."""
    cols = list(rates.columns)
    th = "".join(f"<th>{esc(c)}<br><span class='n'>n={counts.get(str(c), 0)}</span></th>" for c in cols)
    rows = []
    for f in rates.index:
        tds = "".join(
            f'<td class="num fill{" zero" if float(rates.loc[f, c]) == 0 else ""}" style="{_shade(float(rates.loc[f, c]))}" '
            f'{where(str(c))} data-field="{esc(f)}" data-value="{float(rates.loc[f, c]):.4f}">'
            f"{fmt_pct(float(rates.loc[f, c]))}</td>"
            for c in cols
        )
        rows.append(f"<tr><th><code>{esc(f)}</code></th>{tds}</tr>")
    return f'<div class="scroll"><table class="fill"><thead><tr><th>field</th>{th}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def section_fill(t: Tables) -> str:
    rates, counts = fill_rates(t.get("project_pages"))
    head = '<section id="fill"><h2>Field fill rate per template</h2>'
    if not counts:
        return head + note("No project pages.") + "</section>"
    grid = _fill_grid(rates, counts, lambda c: f'data-template="{esc(c)}"')
    return (head + note("Share of <code>project_pages</code> rows with a value (lists: at least one item), per "
                         "template the page was recognised as; darker is fuller. A low share is not always a fault: "
                         "some templates never state a field.") + grid + "</section>")


_RECORD_TITLES = {
    "calls": ("Calls for proposals", "per template the call page was read with", "calls"),
    "regional_priorities": ("Regional plans", "per ESF region", "regional plan rows"),
}


def section_record_fill(t: Tables) -> str:
    """Fill rates of the other page kinds' records (calls, regional plans), as for project pages:
    a table nobody reads well shows up as a pale column."""
    parts = []
    for table, _, _ in RECORD_TABLES:
        if table not in t.frames:
            continue
        title, per, rows_word = _RECORD_TITLES[table]
        h3 = f"<h3>{esc(title)} <span class='n'>(<code>{esc(table)}</code>)</span></h3>"
        rates, counts = record_fill_rates(t, table)
        if not counts:
            parts.append(h3 + note(f"No {esc(rows_word)}."))
            continue
        def where(group: str, table: str = table) -> str:
            return f'data-table="{esc(table)}" data-group="{esc(group)}"'

        grid = _fill_grid(rates, counts, where)
        parts.append(h3 + note(f"Share of the {fmt_int(counts['all'])} {esc(rows_word)} with each column filled, "
                                f"{esc(per)} and over all rows.") + grid)
    if not parts:
        return ""
    return ('<section id="fill-records"><h2>Field fill rate of calls and regional plans</h2>'
            + note("A list column counts as filled when it has at least one item: an empty list (the page "
                   "names none) and null (not stated, or the page was cut off) both count as empty.")
            + "".join(parts) + "</section>")


def section_issues(t: Tables, n: dict[str, Any]) -> str:
    issues = t.get("issues")
    head = '<section id="issues"><h2>Issues by code</h2>'
    if issues.empty:
        return head + note("No issues.") + "</section>"
    personal = left_out_columns()
    codes = label(issues["code"])
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
            is_personal = is_filled(fld) and (str(fld) in personal or str(fld).startswith("contact"))
            evidence = ("<em>withheld (personal data)</em>" if is_personal
                        else f"<code>{esc(mask_personal(r.get('evidence'), t.contact_names))}</code>")
            ex_rows.append(f"<tr><td>{esc(r.get('source_file'))}</td><td>{esc(fld if is_filled(fld) else '')}</td>"
                           f"<td>{esc(mask_personal(r.get('message'), t.contact_names))}</td><td>{evidence}</td></tr>")
        blocks.append(f"<h3 id='issue-{esc(code)}'><code>{esc(code)}</code> <span class='n'>({fmt_int(count)})</span></h3>"
                      + table(["page", "field", "message", "evidence"], ex_rows, "examples"))
    summary_rows.append('<tr class="total"><td>all</td><td></td>' + cell(n["n_issues"], fmt_int(n["n_issues"])) + "<td></td></tr>")
    return (head + table(["code", "severity", "issues", "fields"], summary_rows, "narrow")
            + "<h3>Examples (up to three per code)</h3>"
            + note("Evidence of contact fields is withheld; e-mail addresses, phone numbers and contacts' names "
                   "are masked.")
            + "".join(blocks) + "</section>")



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
        return head + note("No projects.") + "</section>"
    rows = _money_rows(n, "region")
    rows.append('<tr class="total"><td>all</td>' + cell(n["n_projects"], fmt_int(n["n_projects"]))
                + cell(n["n_projects_with_grant"], fmt_int(n["n_projects_with_grant"]))
                + cell(n["total_eu_grant_sek"], fmt_sek(n["total_eu_grant_sek"])) + "</tr>")
    g = n["eu_grant_by_region"]
    order = sorted(g, key=lambda x: (-g[x], x))
    plot = img(plots.bars(order, [g[k] / 1e6 for k in order], "ESF grant (eu_grant_sek), million kr")) if any(g.values()) else ""
    return (head + note(f"{fmt_int(n['n_projects_with_grant'])} of {fmt_int(n['n_projects'])} projects state "
                         "the granted ESF support; the others count as projects but add no money.")
            + '<div class="row">' + table(["ESF region"] + MONEY_HEAD, rows, "narrow") + plot + "</div></section>")


def section_counties(n: dict[str, Any]) -> str:
    head = '<section id="counties"><h2>Projects and ESF money by county</h2>'
    src = n["county_source"]
    if src is None:
        return head + note("No municipality data in these tables (<code>project_municipalities.parquet</code> is "
                            "missing or has no listed/named rows, and no project has <code>municipality_codes</code>), "
                            "so no county breakdown.") + "</section>"
    g = n["eu_grant_by_county"]
    rows = _money_rows(n, "county")
    how = ("the municipalities in each page's Kommun list (role <code>listed</code>), or for a page without one "
           "those its text names as where the project works (role <code>named</code>); owners and passing "
           "mentions do not count" if src == "project_municipalities"
           else "the SCB codes in <code>projects.municipality_codes</code> (county = first two digits)")
    explanation = note(
        f"Counties come from <code>{esc(src)}</code>: {how}. <strong>A project working in several counties is "
        f"counted once in each of them, with its whole grant</strong>, so the column adds up to more than the "
        f"total. Here {plural(n['n_projects_multi_county'], 'project', 'projects')} "
        f"({fmt_sek(n['eu_grant_multi_county'])}) span more than one county."
        + (f" Not in this table, for want of a municipality: "
           f"{plural(n['n_projects_without_county'], 'project', 'projects')} "
           f"({fmt_sek(n['eu_grant_without_county'])})." if n["n_projects_without_county"] else "")
    )
    if not g:
        return head + explanation + "</section>"
    order = sorted(g, key=lambda x: (-g[x], x))
    plot = img(plots.bars(order, [g[k] / 1e6 for k in order], "ESF grant (eu_grant_sek), million kr",
                          "#6b5b95")) if any(g.values()) else ""
    return head + explanation + '<div class="row">' + table(["county"] + MONEY_HEAD, rows, "narrow") + plot + "</div></section>"


def section_years(n: dict[str, Any]) -> str:
    head = '<section id="years"><h2>ESF money over time</h2>'
    g = n["eu_grant_by_start_year"]
    if not g:
        return head + note("No project states a start date.") + "</section>"
    rows = _money_rows(n, "start_year", order=sorted(g))
    explanation = note("Sum of <code>eu_grant_sek</code> by the year of <code>start_date</code>. "
                 + (f"Left out for want of a start date: "
                    f"{plural(n['n_projects_without_start_year'], 'project', 'projects')} "
                    f"({fmt_sek(n['eu_grant_without_start_year'])}). " if n["n_projects_without_start_year"] else "")
                 + "“Not stated”: none of the year's projects states its grant.")
    return (head + explanation + '<div class="row">' + table(["start year"] + MONEY_HEAD, rows, "narrow")
            + img(plots.money_by_year(g)) + "</div></section>")


def _short(v: Any) -> str:
    if not is_filled(v):
        return ""
    if isinstance(v, (list, tuple)) or (hasattr(v, "tolist") and not isinstance(v, str)):
        try:
            v = ", ".join(str(x) for x in list(v))
        except TypeError:
            pass
    s = str(v)
    return s if len(s) <= 80 else s[:79] + "…"


# the path last: a long one runs into the table's scroll area, not over the numbers
RUN_COLUMNS = ("started_at", "engine", "pages_total", "pages_new", "pages_changed", "pages_unchanged",
               "pages_removed", "projects", "issues", "rejected", "seconds", "pipeline_version", "raw_dir")


_RUN_NOWRAP = ("started_at", "ended_at", "engine", "raw_dir", "pipeline_version")


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
        return head + note("<code>runs.parquet</code> has no rows.") + "</section>"
    runs = runs.drop(columns=[c for c in runs.columns if c in left_out_columns()])
    time_cols = [c for c in runs.columns if pd.api.types.is_datetime64_any_dtype(runs[c])]
    if "started_at" in time_cols:
        time_cols.insert(0, "started_at")
    last = runs.sort_values(time_cols[0], ascending=False, na_position="last") if time_cols else runs.iloc[::-1]
    last = last.head(10)
    cols = [c for c in RUN_COLUMNS if c in last.columns] or list(last.columns)
    numeric = {c for c in cols if pd.api.types.is_numeric_dtype(last[c])}
    def cls(c: str) -> str:
        return ' class="num"' if c in numeric else ' class="nowrap"' if c in _RUN_NOWRAP else ""

    def value(c: str, v: Any) -> str:
        # a path is shown whole, on one line: the table scrolls rather than cut or wrap it
        return str(v) if c == "raw_dir" and is_filled(v) else _run_value(v)

    rows = ["<tr>" + "".join(f"<td{cls(c)}>{esc(value(c, r[c]))}</td>" for c in cols) + "</tr>"
            for _, r in last.iterrows()]
    which = "The one run" if len(runs) == 1 else f"The {len(last)} latest of {fmt_int(len(runs))} runs"
    return (head + note(f"{which} logged in <code>runs.parquet</code> "
                         "(pages: total, new, changed, unchanged and removed since the previous run; times in UTC).")
            + table([c.replace("pages_", "") if c != "pages_total" else "pages" for c in cols], rows, "runs")
            + "</section>")


def section_other(t: Tables) -> str:
    parts = []
    calls = t.frames.get("calls")
    if calls is not None and not calls.empty:
        region = label(calls["region"], NO_REGION) if "region" in calls else pd.Series([NO_REGION] * len(calls))
        amount = calls["amount_sek"].astype("Int64") if "amount_sek" in calls else pd.Series([pd.NA] * len(calls), dtype="Int64")
        g = pd.DataFrame({"region": region, "amount": amount}).groupby("region")
        rows = [f"<tr><td>{esc(k)}</td>{cell(int(c), fmt_int(c))}{cell(as_int(a), fmt_sek(a))}</tr>"
                for (k, c), a in zip(g.size().items(), g["amount"].sum())]
        parts.append("<h3>Calls for proposals by region</h3>" + table(["region", "calls", "amount"], rows, "narrow"))
    objs = t.frames.get("project_objectives")
    if objs is not None and not objs.empty and "kind" in objs:
        vc = label(objs["kind"]).value_counts()
        rows = [f"<tr><td>{esc(k)}</td>{cell(int(v), fmt_int(v))}</tr>" for k, v in vc.items()]
        parts.append("<h3>Project objectives by kind</h3>" + table(["kind", "rows"], rows, "narrow"))
    rp = t.frames.get("regional_priorities")
    if rp is not None and not rp.empty and "region" in rp:
        vc = label(rp["region"], NO_REGION).value_counts().sort_index()
        rows = [f"<tr><td>{esc(k)}</td>{cell(int(v), fmt_int(v))}</tr>" for k, v in vc.items()]
        parts.append("<h3>Regional priorities by region</h3>" + table(["region", "rows"], rows, "narrow"))
    if not parts:
        return ""
    return '<section id="other"><h2>Calls, objectives and regional plans</h2>' + "".join(parts) + "</section>"
