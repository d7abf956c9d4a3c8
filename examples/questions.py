"""Three questions to the extracted tables, each answered with pandas and with DuckDB.

    python examples/questions.py [OUT_DIR]        # default: extracted/

1. How much ESF money goes to each county?
2. How many projects (and how much money) per programme objective?
3. Which are the ten largest projects, and where do they work?

Every answer is computed twice, once with pandas (`pd.read_parquet`) and once with DuckDB
(SQL straight on the Parquet files); the script prints the table and checks that both agree.
Copy any block into a notebook. Optional tables (project_municipalities, project_objectives)
may be missing or empty: the script says so and answers with what there is.

ESF money: `eu_grant_sek` is the EU grant of the project's `fund` (an AMIF or Regionalfonden
project's grant is in it too), so the ESF questions keep fund in (ESF, ESF+) or unknown
(`esf_grant`, `ESF_ONLY`), as the quality report does.

Amounts are whole kronor (`eu_grant_sek`, Int64: missing stays <NA>, never 0.0). A project
whose page does not state its grant counts as a project but adds no money; a group in which no
project states its grant shows <NA> (pandas `sum(min_count=1)`, like SQL's `sum`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

COUNTIES_CSV = Path(__file__).resolve().parents[1] / "pipeline" / "places" / "data" / "counties.csv"


ESF_FUNDS = ("ESF", "ESF+")
# the same rule in SQL: a project of another fund adds no ESF money
ESF_ONLY = "(fund is null or fund in ('ESF', 'ESF+'))"


def esf_grant(projects: pd.DataFrame) -> pd.Series:
    """Each project's ESF grant: <NA> when the project's (known) fund is another one."""
    grant = projects["eu_grant_sek"].astype("Int64")
    return grant.mask(projects["fund"].notna() & ~projects["fund"].isin(ESF_FUNDS))


def esf_projects(out: Path) -> pd.DataFrame:
    """project_key and its ESF grant (`eu_grant_sek` of ESF/ESF+ projects, else <NA>)."""
    projects = pd.read_parquet(out / "projects.parquet", columns=["project_key", "fund", "eu_grant_sek"])
    return projects.assign(eu_grant_sek=esf_grant(projects))[["project_key", "eu_grant_sek"]]


def read(out: Path, table: str) -> pd.DataFrame | None:
    """A table as a DataFrame, or None when the file is not there."""
    path = out / f"{table}.parquet"
    return pd.read_parquet(path) if path.is_file() else None


def pq(out: Path, table: str) -> str:
    """The Parquet file as a DuckDB table expression: FROM 'extracted/projects.parquet'."""
    return "'" + str(out / f"{table}.parquet").replace("'", "''") + "'"


def sql(query: str) -> pd.DataFrame:
    """Run a DuckDB query (Parquet paths in FROM are read in place) and return a DataFrame."""
    rel = duckdb.sql(query)
    assert rel is not None, "a SELECT returns a relation"
    return rel.df()


def rows(df: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Comparable rows: <NA>/NaN -> None, numbers -> int where whole."""
    def norm(v: Any) -> Any:
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            return None
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v.item() if hasattr(v, "item") else v
    return sorted((tuple(norm(v) for v in r) for r in df.itertuples(index=False, name=None)), key=repr)


def show(title: str, df: pd.DataFrame, duck: pd.DataFrame) -> bool:
    print(f"\n== {title}")
    if df.empty:
        print("(no rows)")
    else:
        with pd.option_context("display.width", 160, "display.max_colwidth", 48, "display.max_rows", 200):
            print(df.to_string(index=False))
    same = rows(df) == rows(duck)
    print("DuckDB gives the same table." if same else "!! DuckDB disagrees:\n" + duck.to_string(index=False))
    return same


def grant_sum(s: pd.Series) -> Any:
    """Sum of grants; <NA> when none of the projects states one (like SQL's sum)."""
    return s.sum(min_count=1)


def has_rows(df: pd.DataFrame | None) -> bool:
    return df is not None and not df.empty


# --- 1. ESF money per county ------------------------------------------------------------------
#
# A project lies in a county when one of its municipalities does. The project's municipalities
# are, per page, the rows of project_municipalities with role 'listed' (the page's Kommun list),
# or, when the page has no list, those with role 'named' (prose naming where the project works).
# Owners and passing mentions do not place a project.
#
# Double counting, on purpose: a project working in two counties is counted once in EACH, with
# its whole grant (the grant is not split, because the pages do not say how it is split). So a
# county's figure answers "how much ESF money goes to projects active in this county", and the
# county column adds up to more than the national total. Projects without a municipality are in
# no county.

def county_pairs_pandas(out: Path) -> pd.DataFrame | None:
    pm = read(out, "project_municipalities")
    if has_rows(pm):
        assert pm is not None
        listed = pm[pm["role"] == "listed"]
        listed_pages = listed[["project_key", "source_file"]].drop_duplicates()
        named = pm[pm["role"] == "named"].merge(listed_pages, how="left", indicator=True)
        named = named[named["_merge"] == "left_only"]
        pairs = pd.concat([listed[["project_key", "lan"]], named[["project_key", "lan"]]])
        pairs = pairs.rename(columns={"lan": "county"}).drop_duplicates()
        if not pairs.empty:
            return pairs
    # no municipality table (or no listed/named rows): the projects' SCB codes, county = 2 digits
    projects = read(out, "projects")
    if projects is None or "municipality_codes" not in projects:
        return None
    codes = projects[["project_key", "municipality_codes"]].explode("municipality_codes").dropna()
    if codes.empty:
        return None
    codes["lanskod"] = codes["municipality_codes"].astype(str).str[:2]
    names = pd.read_csv(COUNTIES_CSV, dtype=str) if COUNTIES_CSV.is_file() else pd.DataFrame(columns=["lanskod", "lan"])
    codes = codes.merge(names[["lanskod", "lan"]], how="left")
    codes["county"] = codes["lan"].fillna("län " + codes["lanskod"])
    return codes[["project_key", "county"]].drop_duplicates()


def county_pandas(out: Path, pairs: pd.DataFrame) -> pd.DataFrame:
    df = pairs.merge(esf_projects(out), on="project_key")
    table = df.groupby("county").agg(projects=("project_key", "nunique"), eu_grant_sek=("eu_grant_sek", grant_sum))
    table = table.reset_index().sort_values(["eu_grant_sek", "county"], ascending=[False, True])
    table["eu_grant_sek"] = table["eu_grant_sek"].astype("Int64")
    return table


def county_duckdb(out: Path, source: str) -> pd.DataFrame:
    if source == "project_municipalities":
        pairs = f"""
            with pm as (select * from {pq(out, 'project_municipalities')}),
            listed_pages as (select distinct project_key, source_file from pm where role = 'listed'),
            pairs as (
                select distinct project_key, lan as county from pm
                where role = 'listed'
                   or (role = 'named' and not exists (
                       select 1 from listed_pages l
                       where l.project_key = pm.project_key and l.source_file = pm.source_file)))"""
    else:
        pairs = f"""
            with codes as (
                select project_key, left(unnest(municipality_codes), 2) as lanskod
                from {pq(out, 'projects')}),
            names as (select * from read_csv('{COUNTIES_CSV}', all_varchar = true)),
            pairs as (
                select distinct c.project_key, coalesce(n.lan, 'län ' || c.lanskod) as county
                from codes c left join names n using (lanskod))"""
    return sql(pairs + f"""
        select county, count(*) as projects,
               sum(case when {ESF_ONLY} then p.eu_grant_sek end)::bigint as eu_grant_sek
        from pairs join {pq(out, 'projects')} p using (project_key)
        group by county
        order by eu_grant_sek desc nulls last, county""")


def question_1(out: Path) -> bool:
    pairs = county_pairs_pandas(out)
    if pairs is None:
        print("\n== 1. ESF money per county\n(no municipality data: project_municipalities.parquet is missing "
              "or empty and no project has municipality_codes)")
        return True
    pm = read(out, "project_municipalities")
    source = "project_municipalities" if has_rows(pm) and not pairs.empty and _uses_pm(pm) else "municipality_codes"
    table = county_pandas(out, pairs)
    ok = show(f"1. ESF money per county (eu_grant_sek of ESF/ESF+ projects, kronor; from {source})", table,
              county_duckdb(out, source))
    projects = esf_projects(out)
    per_project = pairs.groupby("project_key")["county"].nunique()
    multi = per_project[per_project > 1].index
    placed = projects[projects["project_key"].isin(pairs["project_key"])]
    print(f"Sum over counties: {int(table['eu_grant_sek'].sum())} kr; "
          f"projects with a county: {len(placed)}, their grants: {int(placed['eu_grant_sek'].sum())} kr.")
    print(f"{len(multi)} project(s) work in several counties and are counted in each (whole grant each time); "
          f"{len(projects) - len(placed)} project(s) name no municipality and are in no county.")
    return ok


def _uses_pm(pm: pd.DataFrame) -> bool:
    return bool(pm["role"].isin(["listed", "named"]).any())


# --- 2. Projects per programme objective ------------------------------------------------------

def question_2(out: Path) -> bool:
    projects = pd.read_parquet(out / "projects.parquet")
    keys = ["programme_period", "programme_area", "specific_objective"]
    table = (projects.groupby(keys, dropna=False)
             .agg(projects=("project_key", "size"), eu_grant_sek=("eu_grant_sek", grant_sum))
             .reset_index().sort_values(keys, na_position="last"))
    table["eu_grant_sek"] = table["eu_grant_sek"].astype("Int64")
    duck = sql(f"""
        select programme_period, programme_area, specific_objective,
               count(*) as projects, sum(eu_grant_sek)::bigint as eu_grant_sek
        from {pq(out, 'projects')}
        group by all order by all""")
    ok = show("2a. Projects per programme area and specific objective (projects.parquet; empty = not stated)",
              table, duck)

    objectives = read(out, "project_objectives")
    if not has_rows(objectives):
        print("\n(project_objectives.parquet is missing or empty: no objective names to add)")
        return ok
    assert objectives is not None
    codes = objectives[objectives["kind"].isin(["programme_area", "specific_objective"])]
    table_b = (codes.groupby(["kind", "code", "text"], dropna=False)["project_key"].nunique()
               .rename("projects").reset_index().sort_values(["kind", "code"], na_position="last"))
    duck_b = sql(f"""
        select kind, code, text, count(distinct project_key) as projects
        from {pq(out, 'project_objectives')}
        where kind in ('programme_area', 'specific_objective')
        group by all order by all""")
    return show("2b. Projects per programme area / specific objective, with names (project_objectives.parquet)",
                table_b, duck_b) and ok


# --- 3. The ten largest projects and their municipalities ------------------------------------

def question_3(out: Path) -> bool:
    projects = pd.read_parquet(out / "projects.parquet",
                               columns=["project_key", "title", "region", "fund", "eu_grant_sek", "municipalities"])
    projects["eu_grant_sek"] = esf_grant(projects)
    projects = projects.drop(columns="fund")
    top = projects.dropna(subset=["eu_grant_sek"]).sort_values(["eu_grant_sek", "project_key"], ascending=[False, True])
    top = top.head(10).copy()
    top["municipalities"] = top["municipalities"].map(lambda m: ", ".join(m) if m is not None and len(m) else "")
    duck = sql(f"""
        select project_key, title, region, eu_grant_sek,
               coalesce(array_to_string(municipalities, ', '), '') as municipalities
        from {pq(out, 'projects')}
        where eu_grant_sek is not null and {ESF_ONLY}
        order by eu_grant_sek desc, project_key
        limit 10""")
    return show("3. The ten largest projects by ESF grant (eu_grant_sek, kronor)", top, duck)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "extracted")
    if not (out / "projects.parquet").is_file():
        print(f"error: no projects.parquet in {out}/ (run `python -m pipeline extract` first)", file=sys.stderr)
        return 2
    total = esf_projects(out)["eu_grant_sek"]
    print(f"Tables in {out}/: {len(total)} projects, ESF grant stated for {int(total.notna().sum())}, "
          f"total {int(total.sum())} kr")
    ok = question_1(out)
    ok = question_2(out) and ok
    ok = question_3(out) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
