"""The quality report: one self-contained HTML file whose totals are the tables' totals."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.batch.run import run
from pipeline.cli import main
from pipeline.quality.report import NO_REGION, build_report, report_numbers
from pipeline.tables.write import to_arrow

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"


class Metrics(HTMLParser):
    """Collects every element carrying data-metric: {metric: value} or {metric: {key: value}},
    plus the digits the reader sees in the element, to check the shown text too."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, Any] = {}
        self.shown: list[tuple[str, str | None, int, str]] = []
        self._open: tuple[str, str, str | None, int] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        metric = a.get("data-metric")
        if metric is None:
            return
        key, value = a.get("data-key"), int(a["data-value"] or "0")
        if key is None:
            assert self.values.setdefault(metric, value) == value, f"{metric} shown with two values"
        else:
            slot = self.values.setdefault(metric, {})
            assert slot.setdefault(key, value) == value, f"{metric}[{key}] shown with two values"
        self._open, self._text = (tag, metric, key, value), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and tag == self._open[0]:
            _, metric, key, value = self._open
            self.shown.append((metric, key, value, "".join(self._text)))
            self._open = None


def parse(html_text: str) -> Metrics:
    p = Metrics()
    p.feed(html_text)
    return p


@pytest.fixture(scope="module")
def extraction(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    run(RAW, out)
    return out


@pytest.fixture(scope="module")
def report(extraction: Path) -> str:
    path = build_report(extraction)
    assert path == extraction / "report.html"
    return path.read_text(encoding="utf-8")


def grant_sum(s: pd.Series) -> int:
    return int(s.astype("Int64").fillna(0).sum())


def test_one_self_contained_file(extraction: Path, report: str) -> None:
    assert report.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in report
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", report, re.I), "external reference"
    assert "<link" not in report and "<script" not in report and "@import" not in report
    srcs = re.findall(r"""src\s*=\s*["']([^"']*)""", report)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert [p.name for p in extraction.iterdir() if p.suffix == ".html"] == ["report.html"]


def test_plots_are_embedded_pngs(report: str) -> None:
    pngs = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", report)
    assert len(pngs) >= 3  # pages, money by region, money by start year
    for b64 in pngs:
        data = base64.b64decode(b64)
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000


def test_totals_on_the_page_are_the_tables_totals(extraction: Path, report: str) -> None:
    pages = pd.read_parquet(extraction / "pages.parquet")
    projects = pd.read_parquet(extraction / "projects.parquet")
    issues = pd.read_parquet(extraction / "issues.parquet")
    m = parse(report).values

    assert m["n_pages"] == len(pages) > 0
    assert m["pages_by_status"] == pages["status"].value_counts().to_dict()
    assert sum(m["pages_by_kind"].values()) == len(pages)
    assert m["n_project_pages"] == len(pd.read_parquet(extraction / "project_pages.parquet"))
    assert m["n_projects"] == len(projects) > 0
    assert m["total_eu_grant_sek"] == grant_sum(projects["eu_grant_sek"]) > 0
    regions = projects.assign(region=projects["region"].fillna(NO_REGION)).groupby("region")
    assert m["eu_grant_by_region"] == {k: grant_sum(v) for k, v in regions["eu_grant_sek"]}
    assert m["projects_by_region"] == regions.size().to_dict()
    assert sum(m["eu_grant_by_region"].values()) == m["total_eu_grant_sek"]
    years = pd.to_datetime(projects["start_date"].astype("string")).dt.year
    by_year = projects.assign(year=years).dropna(subset=["year"]).groupby("year")["eu_grant_sek"]
    assert m["eu_grant_by_start_year"] == {str(int(k)): grant_sum(v) for k, v in by_year}
    assert m["n_issues"] == len(issues)
    assert m["issues_by_code"] == issues["code"].value_counts().to_dict()
    rejected = pages[pages["status"] == "rejected"]
    assert sum(m["rejected_reasons"].values()) == len(rejected)


def test_county_totals_are_the_tables_totals(extraction: Path, report: str) -> None:
    """Independent pandas version of the documented rule: per page its listed municipalities,
    else its named ones; a project counts once in each county it works in."""
    pm = pd.read_parquet(extraction / "project_municipalities.parquet")
    projects = pd.read_parquet(extraction / "projects.parquet")
    if pm.empty:
        pytest.skip("this extraction has no municipality rows")
    listed_pages = pm.loc[pm["role"] == "listed", ["project_key", "source_file"]].drop_duplicates()
    named = pm[pm["role"] == "named"].merge(listed_pages, how="left", indicator=True)
    chosen = pd.concat([pm[pm["role"] == "listed"], named[named["_merge"] == "left_only"]])
    pairs = chosen[["project_key", "lan"]].drop_duplicates().merge(projects[["project_key", "eu_grant_sek"]])
    expected = {k: grant_sum(v) for k, v in pairs.groupby("lan")["eu_grant_sek"]}
    m = parse(report).values
    assert m["eu_grant_by_county"] == expected
    assert m["projects_by_county"] == pairs.groupby("lan")["project_key"].nunique().to_dict()
    assert "counted once in each of them" in report


def test_shown_text_is_the_value(report: str) -> None:
    shown = parse(report).shown
    assert shown
    for metric, key, value, text in shown:
        if "not stated" in text:
            assert value == 0
            continue
        assert int(re.sub(r"\D", "", text) or "0") == value, (metric, key, text)


def test_report_numbers_are_what_the_page_shows(extraction: Path, report: str) -> None:
    numbers = report_numbers(extraction)
    page = parse(report).values
    for metric, value in page.items():
        if metric == "table_rows":
            assert value == {k: v for k, v in numbers["table_rows"].items() if v is not None}
        else:
            assert numbers[metric] == value, metric


def test_no_personal_data(extraction: Path, report: str) -> None:
    pp = pd.read_parquet(extraction / "project_pages.parquet")
    secrets = [v for c in ("contact_name", "contact_email", "contact_phone") for v in pp[c].dropna()]
    assert secrets, "the sample has contacts, so this test means something"
    for s in secrets:
        assert s not in report
    assert "@" not in report


def test_swedish_characters_are_kept(extraction: Path, report: str) -> None:
    projects = pd.read_parquet(extraction / "projects.parquet")
    assert "Östra Mellansverige" in set(projects["region"].dropna())
    assert "Östra Mellansverige" in report  # literal UTF-8, not mojibake
    assert "&#214;" not in report and "Ã" not in report


def test_fill_rate_table(extraction: Path, report: str) -> None:
    pp = pd.read_parquet(extraction / "project_pages.parquet")
    cells = dict(
        ((t, f), float(v))
        for t, f, v in re.findall(r'data-template="([^"]*)" data-field="([^"]*)" data-value="([^"]*)"', report)
    )
    templates = set(pp["template"].dropna())
    assert {t for t, _ in cells} == templates | {"all"}
    assert cells[("all", "title")] == pytest.approx(pp["title"].notna().mean(), abs=1e-4)
    for t in templates:
        sub = pp[pp["template"] == t]
        assert cells[(t, "eu_grant_sek")] == pytest.approx(sub["eu_grant_sek"].notna().mean(), abs=1e-4)
    assert not any(f.startswith("contact_") for _, f in cells)  # contact columns never read


def _record_cells(page: str, table: str) -> dict[tuple[str, str], float]:
    return {(g, f): float(v) for g, f, v in re.findall(
        rf'data-table="{table}" data-group="([^"]*)" data-field="([^"]*)" data-value="([^"]*)"', page)}


def _filled(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip() != ""
    if hasattr(v, "__len__"):  # a list column's array
        return len(v) > 0
    return not pd.isna(v)


def test_record_fill_rates_of_the_sample(extraction: Path, report: str) -> None:
    """Calls per template of their page, regional plans per region: each cell is the share of
    that group's rows with the column filled (pandas, independently)."""
    pages = pd.read_parquet(extraction / "pages.parquet").set_index("source_file")["template"]
    n = report_numbers(extraction)
    for table, group in (("calls", "template"), ("regional_priorities", "region")):
        df = pd.read_parquet(extraction / f"{table}.parquet")
        assert len(df) > 0
        groups = df["source_file"].map(pages) if group == "template" else df["region"]
        cells = _record_cells(report, table)
        assert {g for g, _ in cells} == set(groups) | {"all"}
        fields = [c for c in df.columns if c not in ("source_file", "region" if table == "regional_priorities" else "")]
        assert {f for _, f in cells} == set(fields)
        for f in fields:
            filled = df[f].map(_filled)
            assert cells[("all", f)] == pytest.approx(filled.mean(), abs=1e-4)
            assert n[f"fill_{table}"][f] == pytest.approx(filled.mean(), abs=1e-4)
            for g in set(groups):
                assert cells[(g, f)] == pytest.approx(filled[groups == g].mean(), abs=1e-4)
    # the sample plan is read whole since issue 17: its lists are filled
    for f in ("counties", "target_groups", "measures", "programme_period"):
        assert n["fill_regional_priorities"][f] == 1.0


def test_record_fill_rates_count_empty_lists_as_empty(tmp_path: Path) -> None:
    for t in ("pages", "project_pages", "projects", "issues"):
        pq.write_table(to_arrow(t, []), tmp_path / f"{t}.parquet")
    plans = [dict(source_file="a.txt", region="Stockholm", counties=["Stockholms län"], target_groups=[],
                  measures=["praktik"]),
             dict(source_file="b.txt", region="Stockholm", counties=None, target_groups=None, measures=["x", "y"]),
             dict(source_file="c.txt", region="Sydsverige", counties=["Skåne län"], target_groups=["unga"],
                  measures=None, programme_period="2021-2027")]
    pq.write_table(to_arrow("regional_priorities", plans), tmp_path / "regional_priorities.parquet")
    page = build_report(tmp_path).read_text(encoding="utf-8")
    cells = _record_cells(page, "regional_priorities")
    assert cells[("Stockholm", "counties")] == 0.5 and cells[("Stockholm", "target_groups")] == 0.0
    assert cells[("Sydsverige", "target_groups")] == 1.0 and cells[("all", "measures")] == pytest.approx(2 / 3, abs=1e-4)
    assert cells[("all", "programme_period")] == pytest.approx(1 / 3, abs=1e-4)
    assert ("all", "region") not in cells and ("all", "source_file") not in cells
    assert 'id="fill-records"' in page and "No calls." not in page  # no calls table: no calls grid
    assert "<h3>Calls for proposals" not in page
    pq.write_table(to_arrow("calls", []), tmp_path / "calls.parquet")
    assert "No calls." in build_report(tmp_path).read_text(encoding="utf-8")


def test_no_record_tables_no_record_fill_section(tmp_path: Path) -> None:
    for t in ("pages", "project_pages", "projects", "issues"):
        pq.write_table(to_arrow(t, []), tmp_path / f"{t}.parquet")
    page = build_report(tmp_path).read_text(encoding="utf-8")
    assert 'id="fill-records"' not in page and 'href="#fill-records"' not in page


class _Tables(HTMLParser):
    """For every <table>: the tag and class of the element it sits in."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.parents: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.parents.append(self.stack[-1])
        if tag not in ("br", "img", "meta"):
            self.stack.append((tag, dict(attrs).get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass


def test_every_table_scrolls_on_its_own(extraction: Path, tmp_path: Path) -> None:
    """A wide table (a long path in Last runs, many templates) scrolls inside its own box
    instead of running off the page: every table sits directly in a div.scroll."""
    out = _with_optional_tables(extraction, tmp_path / "rich")
    p = _Tables()
    p.feed(build_report(out).read_text(encoding="utf-8"))
    assert len(p.parents) > 10
    assert all(parent == ("div", "scroll") for parent in p.parents), p.parents


def test_fmt_pct_never_rounds_to_none_or_all() -> None:
    from pipeline.quality.report.markup import fmt_pct
    assert [fmt_pct(x) for x in (0.0, 0.001, 0.004, 0.005, 0.456, 0.994, 0.996, 1.0)] == [
        "0\u00a0%", "<1\u00a0%", "<1\u00a0%", "0\u00a0%", "46\u00a0%", "99\u00a0%", ">99\u00a0%", "100\u00a0%"]


def test_empty_dump(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    run(raw, out)
    assert len(pd.read_parquet(out / "pages.parquet")) == 0
    page = build_report(out).read_text(encoding="utf-8")
    m = parse(page).values
    assert m["n_pages"] == m["n_projects"] == m["total_eu_grant_sek"] == m["n_issues"] == 0
    assert "No pages." in page and "No projects." in page
    n = report_numbers(out)
    assert n["n_pages"] == 0 and n["eu_grant_by_region"] == {} and n["eu_grant_by_county"] == {}


def test_folder_without_tables(tmp_path: Path) -> None:
    page = build_report(tmp_path, tmp_path / "elsewhere" / "r.html").read_text(encoding="utf-8")
    assert "Missing required tables" in page
    assert report_numbers(tmp_path)["n_pages"] == 0


def _with_optional_tables(src: Path, dst: Path) -> Path:
    """The extraction plus municipalities (one project in two counties), runs, calls and issues
    that carry contact data and HTML."""
    shutil.copytree(src, dst)
    projects = pd.read_parquet(dst / "projects.parquet")
    with_grant = projects.dropna(subset=["eu_grant_sek"])["project_key"].tolist()
    a, b = with_grant[0], with_grant[1]
    pm = [
        dict(project_key=a, source_file="x.txt", kommunkod="0180", kommun="Stockholm", lanskod="01",
             lan="Stockholms län", esf_region="Stockholm", nuts2="SE11", role="listed", evidence="Kommun: Stockholm"),
        dict(project_key=a, source_file="x.txt", kommunkod="0381", kommun="Enköping", lanskod="03",
             lan="Uppsala län", esf_region="Östra Mellansverige", nuts2="SE12", role="listed", evidence="Kommun: Enköping"),
        dict(project_key=a, source_file="x.txt", kommunkod="0182", kommun="Nacka", lanskod="01",
             lan="Stockholms län", esf_region="Stockholm", nuts2="SE11", role="listed", evidence="Kommun: Nacka"),
        # a mention and an owner do not place a project
        dict(project_key=a, source_file="x.txt", kommunkod="1480", kommun="Göteborg", lanskod="14",
             lan="Västra Götalands län", esf_region="Västsverige", nuts2="SE23", role="mentioned", evidence="..."),
        dict(project_key=b, source_file="y.txt", kommunkod="1860", kommun="Laxå", lanskod="18",
             lan="Örebro län", esf_region="Östra Mellansverige", nuts2="SE12", role="named", evidence="i Laxå"),
        dict(project_key=b, source_file="y.txt", kommunkod="1880", kommun="Örebro", lanskod="18",
             lan="Örebro län", esf_region="Östra Mellansverige", nuts2="SE12", role="owner", evidence="Örebro kommun"),
    ]
    pq.write_table(to_arrow("project_municipalities", pm), dst / "project_municipalities.parquet")
    pq.write_table(to_arrow("calls", [dict(source_file="c.txt", call_id="2015/00080", region="Sydsverige",
                                           amount_sek=60_000_000)]), dst / "calls.parquet")
    run_row = dict(ended_at="2024-05-01T03:05:00Z", pipeline_version="0.1.0+test", engine="local x1",
                   pages_new=0, pages_changed=0, pages_unchanged=0, pages_removed=0, records=0, projects=0,
                   issues=0, rejected=0, seconds=1.0)  # every column of runs is always filled by a run
    runs = [dict(run_row, run_id="first", started_at="2024-05-01T03:00:00Z", raw_dir="raw-aaa", pages_total=10),
            dict(run_row, run_id="second", started_at="2024-05-02T03:00:00Z", raw_dir="raw-bbb", pages_total=11)]
    pq.write_table(to_arrow("runs", runs), dst / "runs.parquet")
    issues = pd.read_parquet(dst / "issues.parquet").to_dict("records")
    issues += [
        dict(source_file="p.txt", project_key=a, field="contact_email", severity="warning", code="conflicting_values",
             message="two e-mail addresses", evidence="E-post: hemlig.person@example.se"),
        dict(source_file="p.txt", project_key=a, field="title", severity="warning", code="odd_title",
             message="title looks like <script>alert(1)</script>", evidence="Ring 070-123 45 67 <b>nu</b>"),
    ]
    issues = [{k: (None if pd.isna(v) else v) for k, v in r.items()} for r in issues]
    pq.write_table(to_arrow("issues", issues), dst / "issues.parquet")
    return dst


def test_optional_tables(extraction: Path, tmp_path: Path) -> None:
    out = _with_optional_tables(extraction, tmp_path / "rich")
    page = build_report(out).read_text(encoding="utf-8")
    m = parse(page).values
    projects = pd.read_parquet(out / "projects.parquet").set_index("project_key")
    pm = pd.read_parquet(out / "project_municipalities.parquet")
    a, b = pm["project_key"].iloc[0], pm["project_key"].iloc[-1]
    ga, gb = int(projects.loc[a, "eu_grant_sek"]), int(projects.loc[b, "eu_grant_sek"])
    # a counts once in each of its two counties (two Stockholm municipalities: still once), b once
    assert m["eu_grant_by_county"] == {"Stockholms län": ga, "Uppsala län": ga, "Örebro län": gb}
    assert m["projects_by_county"] == {"Stockholms län": 1, "Uppsala län": 1, "Örebro län": 1}
    n = report_numbers(out)
    assert n["county_source"] == "project_municipalities"
    assert n["n_projects_multi_county"] == 1 and n["eu_grant_multi_county"] == ga
    assert n["n_projects_without_county"] == len(projects) - 2
    assert "counted once in each of them" in page
    assert "Västra Götalands län" not in page  # only mentioned
    # runs, latest first; calls
    assert 'id="runs"' in page and page.index("raw-bbb") < page.index("raw-aaa")
    assert "2024-05-02 03:00" in page
    assert "Calls for proposals by region" in page and "Sydsverige" in page
    # personal data and HTML in issues
    assert "hemlig.person" not in page and "070-123 45 67" not in page
    assert "withheld (personal data)" in page
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;nu" in page
    assert m["issues_by_code"]["odd_title"] == 1


def test_optional_tables_empty(extraction: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    shutil.copytree(extraction, out)
    for t in ("project_municipalities", "calls", "project_objectives", "regional_priorities"):
        pq.write_table(to_arrow(t, []), out / f"{t}.parquet")
    pq.write_table(to_arrow("runs", []), out / "runs.parquet")
    page = build_report(out).read_text(encoding="utf-8")
    assert "has no rows" in page
    assert parse(page).values["n_projects"] == len(pd.read_parquet(out / "projects.parquet"))
    n = report_numbers(out)
    # no listed/named rows: counties fall back to projects.municipality_codes (or there are none)
    projects = pd.read_parquet(out / "projects.parquet")
    has_codes = projects["municipality_codes"].map(lambda c: c is not None and len(c) > 0)
    assert n["county_source"] == ("projects.municipality_codes" if has_codes.any() else None)
    assert n["n_projects_without_county"] == (~has_codes).sum()


def test_county_fallback_from_municipality_codes(tmp_path: Path) -> None:
    rows = [dict(project_key="2015/00001", eu_grant_sek=100, municipality_codes=["0180", "0381"], region="Stockholm"),
            dict(project_key="2015/00002", eu_grant_sek=50, municipality_codes=[], region="Stockholm")]
    for t in ("pages", "project_pages", "issues"):
        pq.write_table(to_arrow(t, []), tmp_path / f"{t}.parquet")
    pq.write_table(to_arrow("projects", rows), tmp_path / "projects.parquet")
    n = report_numbers(tmp_path)
    assert n["county_source"] == "projects.municipality_codes"
    assert n["eu_grant_by_county"] == {"Stockholms län": 100, "Uppsala län": 100}
    assert n["n_projects_without_county"] == 1 and n["eu_grant_without_county"] == 50


def test_main(extraction: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m pipeline report`: exit 0 and the report's path; 2 without OUT_DIR; 3 unwritable."""
    target = tmp_path / "r.html"
    assert main(["report", str(extraction), "--output", str(target)]) == 0
    assert capsys.readouterr().out.strip() == str(target)
    assert target.is_file()
    assert main(["report", str(tmp_path / "nope")]) == 2
    (tmp_path / "no-tables").mkdir()
    assert main(["report", str(tmp_path / "no-tables")]) == 2  # a folder without tables: nothing to report
    assert not (tmp_path / "no-tables" / "report.html").exists()
    assert main(["report", str(extraction), "--no-such-option"]) == 2
    (tmp_path / "a-file").write_text("x")
    assert main(["report", str(extraction), "--output", str(tmp_path / "a-file" / "r.html")]) == 3
    assert main(["report", "--help"]) == 0


def test_report_module_runs_the_cli_report(extraction: Path, tmp_path: Path) -> None:
    """`python -m pipeline.quality.report` (named in the page's footer) is the CLI's report command."""
    target = tmp_path / "m.html"
    proc = subprocess.run([sys.executable, "-m", "pipeline.quality.report", str(extraction), "-o", str(target)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(target) and target.is_file()
