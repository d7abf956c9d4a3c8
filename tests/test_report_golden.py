"""The report's HTML for small hand-made tables is exactly the recorded page.

The golden files under tests/golden/report/ were written by the single-module report before it
was split into a package; they guard the page against unintended changes. The time of
generation, the tables' folder and the PNG data (which depends on matplotlib and its fonts) are
masked. After an intended change of the page: `REPORT_GOLDEN_UPDATE=1 pytest tests/test_report_golden.py`.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from pipeline.quality.report import build_report
from pipeline.tables.write import to_arrow

GOLDEN = Path(__file__).resolve().parent / "golden" / "report"


def _write(out: Path, table: str, rows: list[dict[str, Any]]) -> None:
    pq.write_table(to_arrow(table, rows), out / f"{table}.parquet")


def small_tables(out: Path) -> Path:
    """Every table the report reads, a few rows each: two templates, three regions, a project in
    two counties, a rejected and a skipped page, issues with contact data and HTML, two runs."""
    out.mkdir(parents=True, exist_ok=True)
    _write(out, "pages", [
        dict(source_file="a.html", page_sha256="a1", n_bytes=1200, page_kind="project", template="esf_2014",
             status="extracted", reason=None),
        dict(source_file="b.html", page_sha256="b1", n_bytes=900, page_kind="project", template="esf_plus",
             status="extracted", reason=None),
        dict(source_file="c.html", page_sha256="c1", n_bytes=800, page_kind="project", template="esf_plus",
             status="extracted", reason=None),
        dict(source_file="d.html", page_sha256="d1", n_bytes=300, page_kind="news", template=None,
             status="skipped", reason="not a project page"),
        dict(source_file="e.bin", page_sha256="e1", n_bytes=10, page_kind=None, template=None,
             status="rejected", reason="undecodable: not text"),
    ])
    contact = dict(contact_name="Anna Hemlig", contact_email="anna.hemlig@example.se", contact_phone="070-111 22 33")
    _write(out, "project_pages", [
        dict(source_file="a.html", page_sha256="a1", template="esf_2014", project_key="2015/00001",
             title="Vägen till arbete", region="Östra Mellansverige", eu_grant_sek=4_500_000,
             start_date=date(2016, 1, 1), municipalities=["Enköping"], **contact),
        dict(source_file="b.html", page_sha256="b1", template="esf_plus", project_key="2022/00002",
             title="Nya steg", region="Stockholm", eu_grant_sek=None, start_date=date(2023, 3, 1)),
        dict(source_file="c.html", page_sha256="c1", template="esf_plus", project_key="2022/00003",
             title="Gröna jobb <i>nu</i>", region=None, eu_grant_sek=1_250_000, start_date=None),
    ])
    _write(out, "projects", [
        dict(project_key="2015/00001", source_files=["a.html"], n_pages=1, title="Vägen till arbete",
             region="Östra Mellansverige", eu_grant_sek=4_500_000, start_date=date(2016, 1, 1),
             municipality_codes=["0381"], **contact),
        dict(project_key="2022/00002", source_files=["b.html"], n_pages=1, title="Nya steg", region="Stockholm",
             eu_grant_sek=None, start_date=date(2023, 3, 1), municipality_codes=["0180", "0182"]),
        dict(project_key="2022/00003", source_files=["c.html"], n_pages=1, title="Gröna jobb <i>nu</i>",
             region=None, eu_grant_sek=1_250_000, start_date=None),
    ])
    _write(out, "issues", [
        dict(source_file="a.html", project_key="2015/00001", field="eu_grant_sek", severity="warning",
             code="amount_dropped", message="amount not in kronor", evidence="Budget: 3 544 067,52 €"),
        dict(source_file="a.html", project_key="2015/00001", field="contact_email", severity="warning",
             code="conflicting_values", message="two e-mail addresses", evidence="E-post: anna.hemlig@example.se"),
        dict(source_file="c.html", project_key="2022/00003", field="title", severity="info", code="odd_title",
             message="title has <i>markup</i>", evidence="Ring 08-123 456 78 or mail x.y@example.org"),
    ])
    _write(out, "project_municipalities", [
        dict(project_key="2015/00001", source_file="a.html", kommunkod="0381", kommun="Enköping", lanskod="03",
             lan="Uppsala län", esf_region="Östra Mellansverige", nuts2="SE12", role="listed", evidence="Kommun: Enköping"),
        dict(project_key="2015/00001", source_file="a.html", kommunkod="0180", kommun="Stockholm", lanskod="01",
             lan="Stockholms län", esf_region="Stockholm", nuts2="SE11", role="listed", evidence="Kommun: Stockholm"),
        dict(project_key="2022/00003", source_file="c.html", kommunkod="1860", kommun="Laxå", lanskod="18",
             lan="Örebro län", esf_region="Östra Mellansverige", nuts2="SE12", role="named", evidence="i Laxå"),
        dict(project_key="2022/00003", source_file="c.html", kommunkod="1480", kommun="Göteborg", lanskod="14",
             lan="Västra Götalands län", esf_region="Västsverige", nuts2="SE23", role="mentioned", evidence="..."),
    ])
    _write(out, "calls", [
        dict(source_file="k.html", call_id="2015/00080", region="Sydsverige", amount_sek=60_000_000),
        dict(source_file="l.html", call_id="2016/00010", region=None, amount_sek=None),
    ])
    _write(out, "project_objectives", [
        dict(project_key="2015/00001", source_file="a.html", kind="goal", text="Fler i arbete", position=0),
        dict(project_key="2015/00001", source_file="a.html", kind="measure", text="Coachning", position=1),
    ])
    _write(out, "regional_priorities", [
        dict(source_file="r.html", region="Norra Mellansverige", counties=["Gävleborgs län"]),
        dict(source_file="s.html", region="Norra Mellansverige", counties=None, target_groups=["unga"],
             measures=[], programme_period="2021-2027"),
    ])
    run_row = dict(pipeline_version="0.1.0+golden", engine="local x1", pages_new=0, pages_changed=0,
                   pages_unchanged=0, pages_removed=0, records=0, projects=3, issues=3, rejected=1, seconds=1.25)
    _write(out, "runs", [
        dict(run_row, run_id="first", started_at="2024-05-01T03:00:00Z", ended_at="2024-05-01T03:05:00Z",
             raw_dir="raw-aaa", pages_total=4),
        dict(run_row, run_id="second", started_at="2024-05-02T03:00:00Z", ended_at="2024-05-02T03:04:00Z",
             raw_dir="raw-bbb", pages_total=5),
    ])
    return out


def masked(page: str, out_dir: Path) -> str:
    page = page.replace(str(out_dir), "OUT_DIR")
    page = re.sub(r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", "generated TIME", page)
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,PNG", page)


def _check(name: str, out_dir: Path) -> None:
    page = masked(build_report(out_dir).read_text(encoding="utf-8"), out_dir)
    golden = GOLDEN / f"{name}.html"
    if os.environ.get("REPORT_GOLDEN_UPDATE"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text(encoding="utf-8")


def test_small_tables_page_is_the_golden_page(tmp_path: Path) -> None:
    _check("small", small_tables(tmp_path / "out"))


def test_folder_without_tables_page_is_the_golden_page(tmp_path: Path) -> None:
    _check("no_tables", tmp_path)


def test_county_fallback_page_is_the_golden_page(tmp_path: Path) -> None:
    """Without project_municipalities the counties come from projects.municipality_codes and
    the county names from the places data."""
    out = small_tables(tmp_path / "out")
    (out / "project_municipalities.parquet").unlink()
    (out / "runs.parquet").unlink()
    _check("county_fallback", out)
