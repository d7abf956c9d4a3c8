"""The numbers of the report: counts, fill rates, ESF money by region, county and start year.

`report_numbers(out_dir)` gives the totals the page shows; every total cell of the page carries
them in data attributes, so tests compare the page with the tables through these numbers.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.quality.report.load import Tables, county_names, load_tables
from pipeline.tables.contacts import personal_columns

NO_VALUE = "(none)"
NO_REGION = "(no region)"
# project_pages columns that are page bookkeeping rather than extracted fields
_NOT_FIELDS = {"source_file", "page_sha256", "template", "project_key"}


def as_int(x: Any) -> int:
    """A count or sum as int; a missing value is 0."""
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return 0
    return int(x)


def label(s: pd.Series, empty: str = NO_VALUE) -> pd.Series:
    """Strings with missing/blank values replaced by a visible placeholder."""
    out = s.astype("object").where(s.notna(), None)
    return out.map(lambda v: empty if v is None or str(v).strip() == "" else str(v))


ESF_FUNDS = ("ESF", "ESF+")


def _grant(df: pd.DataFrame) -> pd.Series:
    """Each project's ESF grant: `eu_grant_sek` holds the grant of the project's `fund`, so
    another fund's grant (AMIF, Regionalfonden ...) is not counted as ESF money."""
    if "eu_grant_sek" not in df.columns:
        return pd.Series([pd.NA] * len(df), index=df.index, dtype="Int64")
    grant = df["eu_grant_sek"].astype("Int64")
    if "fund" in df.columns:
        grant = grant.mask(df["fund"].notna() & ~df["fund"].isin(ESF_FUNDS))
    return grant


def _year(s: pd.Series) -> pd.Series:
    """Calendar year of a date/timestamp column (Arrow date32 included) as Int64."""
    if len(s) == 0:
        return pd.Series([], dtype="Int64", index=s.index)
    dt = pd.to_datetime(s.astype("string"), errors="coerce")
    return dt.dt.year.astype("Int64")


def is_filled(v: Any) -> bool:
    """Whether a cell has a value: not null, not blank, not an empty list."""
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


def _fill_grid(df: pd.DataFrame, fields: list[str], groups: pd.Series) -> tuple[pd.DataFrame, dict[str, int]]:
    """Share of rows with a value, fields × groups (plus 'all'), and n per group."""
    if df.empty or not fields:
        return pd.DataFrame(index=fields), {}
    filled = pd.DataFrame({c: df[c].map(is_filled).astype(bool) for c in fields}, index=df.index)
    by_g = filled.groupby(groups).mean().T
    by_g = by_g[sorted(by_g.columns)]
    by_g["all"] = filled.mean()
    counts = {str(k): int(v) for k, v in groups.value_counts().sort_index().items()}
    counts["all"] = len(df)
    return by_g, counts


def fill_rates(project_pages: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Share of project_pages rows with a value, fields × templates (plus 'all'), and n per template."""
    fields = [c for c in project_pages.columns if c not in _NOT_FIELDS]
    templates = label(project_pages["template"]) if "template" in project_pages else pd.Series(
        [NO_VALUE] * len(project_pages), index=project_pages.index)
    return _fill_grid(project_pages, fields, templates)


# The record tables of the other page kinds: (table, what its fill rates are grouped by, the
# columns that are bookkeeping or the grouping itself rather than extracted fields).
RECORD_TABLES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("calls", "template", frozenset({"source_file"})),
    ("regional_priorities", "region", frozenset({"source_file", "region"})),
)


def record_fill_rates(t: Tables, table: str) -> tuple[pd.DataFrame, dict[str, int]]:
    """Share of a calls / regional_priorities table's rows with each column filled (lists: at
    least one item), fields × groups plus 'all': calls grouped by the template their page was
    read with (from pages.parquet), regional plans by ESF region. Personal columns are left out."""
    group_by, not_fields = next((g, nf) for name, g, nf in RECORD_TABLES if name == table)
    df = t.get(table)
    fields = [c for c in df.columns if c not in not_fields and c not in personal_columns(table)]
    if group_by == "template":
        pages = t.get("pages")
        template = (dict(zip(pages["source_file"], pages["template"]))
                    if {"source_file", "template"} <= set(pages.columns) else {})
        src = df["source_file"] if "source_file" in df.columns else pd.Series([None] * len(df), index=df.index)
        groups = label(src.map(lambda f: template.get(f)).astype("object"))
    else:
        groups = label(df[group_by], NO_REGION) if group_by in df.columns else pd.Series(
            [NO_REGION] * len(df), index=df.index)
    return _fill_grid(df, fields, groups)


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
        out = pd.DataFrame({"project_key": rows["project_key"].astype("object"), "county": label(rows["lan"])})
        if len(out):
            return out.drop_duplicates().reset_index(drop=True), "project_municipalities"
    projects = t.get("projects")
    if "municipality_codes" not in projects.columns or projects.empty:
        return empty, None
    names = county_names()
    pairs = []
    any_codes = False
    for key, codes in zip(projects["project_key"], projects["municipality_codes"]):
        if codes is None or not is_filled(codes):
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
    if not is_filled(reason):
        return NO_VALUE
    return str(reason).split(":")[0].strip()


def compute_numbers(t: Tables) -> dict[str, Any]:
    """Every total the page shows, by metric name (the names of the data-metric attributes)."""
    pages, projects, issues = t.get("pages"), t.get("projects"), t.get("issues")
    n: dict[str, Any] = {}
    n["n_pages"] = len(pages)
    status = label(pages["status"]) if "status" in pages else pd.Series([], dtype=object)
    kind = label(pages["page_kind"], "(unreadable)") if "page_kind" in pages else pd.Series([], dtype=object)
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
    n["total_eu_grant_sek"] = as_int(grant.sum())
    n["n_projects_with_grant"] = int(grant.notna().sum())

    region = label(projects["region"], NO_REGION) if "region" in projects else pd.Series(
        [NO_REGION] * len(projects), index=projects.index, dtype=object)
    by_region = pd.DataFrame({"region": region, "grant": grant}).groupby("region", sort=True)
    n["projects_by_region"] = {str(k): int(v) for k, v in by_region.size().items()}
    n["eu_grant_by_region"] = {str(k): as_int(v) for k, v in by_region["grant"].sum().items()}
    n["projects_with_grant_by_region"] = {str(k): int(v) for k, v in by_region["grant"].count().items()}

    pairs, source = project_counties(t)
    n["county_source"] = source
    keyed_grant = pd.DataFrame({"project_key": projects.get("project_key", pd.Series([], dtype=object)),
                                "grant": grant}).drop_duplicates("project_key")
    merged = pairs.merge(keyed_grant, on="project_key", how="inner")
    by_county = merged.groupby("county", sort=True)
    n["projects_by_county"] = {str(k): int(v) for k, v in by_county["project_key"].nunique().items()}
    n["eu_grant_by_county"] = {str(k): as_int(v) for k, v in by_county["grant"].sum().items()}
    n["projects_with_grant_by_county"] = {
        str(k): int(v) for k, v in merged.dropna(subset=["grant"]).groupby("county")["project_key"].nunique().items()}
    per_project = merged.groupby("project_key")["county"].nunique()
    multi = per_project[per_project > 1].index
    n["n_projects_multi_county"] = len(multi)
    n["eu_grant_multi_county"] = as_int(keyed_grant[keyed_grant["project_key"].isin(multi)]["grant"].sum())
    without = keyed_grant[~keyed_grant["project_key"].isin(set(merged["project_key"]))]
    n["n_projects_without_county"] = len(without)
    n["eu_grant_without_county"] = as_int(without["grant"].sum())

    year = _year(projects["start_date"]) if "start_date" in projects else pd.Series([], dtype="Int64")
    by_year = pd.DataFrame({"year": year, "grant": grant}).dropna(subset=["year"]).groupby("year", sort=True)
    n["projects_by_start_year"] = {str(int(k)): int(v) for k, v in by_year.size().items()}
    n["eu_grant_by_start_year"] = {str(int(k)): as_int(v) for k, v in by_year["grant"].sum().items()}
    n["projects_with_grant_by_start_year"] = {str(int(k)): int(v) for k, v in by_year["grant"].count().items()}
    no_year = year.isna() if len(year) else pd.Series([], dtype=bool)
    n["n_projects_without_start_year"] = int(no_year.sum())
    n["eu_grant_without_start_year"] = as_int(grant[no_year].sum()) if len(year) else 0

    n["n_issues"] = len(issues)
    codes = label(issues["code"]) if "code" in issues else pd.Series([], dtype=object)
    n["issues_by_code"] = {str(k): int(v) for k, v in codes.value_counts().items()}
    n["table_rows"] = {name: (None if name in t.missing else len(df)) for name, df in t.frames.items()}
    for table, _, _ in RECORD_TABLES:  # share of rows with each field filled, over all rows
        rates, _counts = record_fill_rates(t, table) if table in t.frames else (pd.DataFrame(), {})
        n[f"fill_{table}"] = {str(f): float(rates.loc[f, "all"]) for f in rates.index} if "all" in rates else {}
    return n


def report_numbers(out_dir: Path) -> dict[str, Any]:
    """The totals the report shows, computed from the tables in out_dir."""
    return compute_numbers(load_tables(Path(out_dir)))
