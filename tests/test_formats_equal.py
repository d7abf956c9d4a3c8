"""Issue 5: the same pages as text dumps, HTML, JSON lines and WARC give the same project records.

The HTML versions in tests/fixtures/formats/html/ were written by hand the way the site serves
the pages (head with CSS and scripts, cookie banner, menu, footer; facts as <dl> or as a
<table> of <th>/<td> rows; sections as <h2> + <p>; the Kommun list as <ul>). Every other
format is built from those same pages in tmp_path, each extracted by its own run, and the
project_pages rows are compared field by field with the rows of the text dumps.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import RAW, ROOT, plain
from pipeline.batch.run import run

FORMATS_DIR = ROOT / "tests" / "fixtures" / "formats"


def _load_maker() -> Any:
    spec = importlib.util.spec_from_file_location("make_raw_crawls", FORMATS_DIR / "make_raw_crawls.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


mk = _load_maker()
STEMS = list(mk.PAGES)  # gammal_limmad (glued), 2016_00412 (colon), fler_svetsare (colon-less, <table>), 23-045-A02 (ESF+)
FETCHED = [f"2024-05-14T08:3{i}:00Z" for i in range(len(STEMS))]

# Columns that describe the page, not the project: they differ between formats by design.
# Nothing else is excluded: the HTML and text versions must agree on every project field.
PAGE_COLUMNS = {"source_file", "page_sha256", "template", "source_url", "fetched_at"}


def _extract(raw: Path, out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    run(raw, out)
    return pd.read_parquet(out / "pages.parquet"), pd.read_parquet(out / "project_pages.parquet")


def _rows(project_pages: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {r["source_file"]: {k: plain(v) for k, v in r.items()} for r in project_pages.to_dict("records")}


def _build(fmt: str, raw: Path) -> dict[str, str]:
    """Write the four pages in one format under raw; return stem -> expected source_file."""
    raw.mkdir(parents=True)
    if fmt == "text":
        for stem in STEMS:
            shutil.copyfile(RAW / mk.PAGES[stem][0], raw / f"{stem}.txt")
        return {stem: f"{stem}.txt" for stem in STEMS}
    if fmt == "html":
        for stem in STEMS:
            shutil.copyfile(FORMATS_DIR / "html" / f"{stem}.html", raw / f"{stem}.html")
        return {stem: f"{stem}.html" for stem in STEMS}
    if fmt in ("jsonl-html", "jsonl-text"):
        key = fmt.split("-")[1]
        body = mk.html_of if key == "html" else mk.text_of
        recs = [{"url": mk.PAGES[s][1], key: body(s), "fetched_at": FETCHED[i]} for i, s in enumerate(STEMS)]
        (raw / "crawl.jsonl").write_bytes(mk.jsonl_bytes(recs))
        return {stem: f"crawl.jsonl#{i}" for i, stem in enumerate(STEMS)}
    if fmt == "warc":
        recs = [{"url": mk.PAGES[s][1], "body": mk.html_of(s), "date": FETCHED[i], "id": mk.record_id(i)}
                for i, s in enumerate(STEMS)]
        (raw / "crawl.warc.gz").write_bytes(mk.warc_bytes(recs))
        return {stem: f"crawl.warc.gz#{i}" for i, stem in enumerate(STEMS)}
    raise ValueError(fmt)


@pytest.fixture(scope="module")
def text_records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("formats_text")
    names = _build("text", tmp / "raw")
    pages, pp = _extract(tmp / "raw", tmp / "out")
    assert (pages["status"] == "extracted").all(), pages[["source_file", "status", "reason"]]
    rows = _rows(pp)
    return {stem: rows[name] for stem, name in names.items()}


def test_html_fixtures_are_realistic_pages() -> None:
    """The fixtures carry the chrome a real page has (else the comparison would prove little)."""
    seen_dl = seen_table = False
    for stem in STEMS:
        html = mk.html_of(stem)
        low = html.lower()
        for marker in ("<html", "<head>", "<meta", "charset=", "stylesheet", "<script", "<h1>", "footer"):
            assert marker in low, f"{stem}.html lacks {marker}"
        assert "<nav" in low or 'class="menu"' in low, f"{stem}.html has no menu"
        assert "cookie" in low or "consent" in low, f"{stem}.html has no cookie banner"
        seen_dl |= "<dt>" in html and "<dd>" in html
        seen_table |= "<th" in html and "<td>" in html
    assert seen_dl and seen_table
    assert "<h2>Kommun</h2>" in mk.html_of("gammal_limmad") and "<li>Åmål</li>" in mk.html_of("gammal_limmad")


@pytest.mark.parametrize("fmt", ["html", "jsonl-html", "jsonl-text", "warc"])
def test_same_project_records_in_every_format(fmt: str, tmp_path: Path, text_records: dict[str, dict[str, Any]]) -> None:
    names = _build(fmt, tmp_path / "raw")
    pages, pp = _extract(tmp_path / "raw", tmp_path / "out")
    assert sorted(pages["source_file"]) == sorted(names.values())
    assert (pages["status"] == "extracted").all(), pages[["source_file", "status", "reason"]].to_dict("records")
    assert (pages["page_kind"] == "project").all()
    rows = _rows(pp)
    assert sorted(rows) == sorted(names.values())
    for i, stem in enumerate(STEMS):
        got, want = rows[names[stem]], text_records[stem]
        diffs = {c: (want[c], got.get(c)) for c in want if c not in PAGE_COLUMNS and want[c] != got.get(c)}
        assert not diffs, f"{fmt} {stem}: field: (text, {fmt}) = {diffs}"
        assert set(got) == set(want)
        if fmt.startswith(("jsonl", "warc")):
            assert got["source_url"] == mk.PAGES[stem][1]
            assert pd.Timestamp(got["fetched_at"]) == pd.Timestamp(FETCHED[i])
            page = pages[pages["source_file"] == names[stem]].iloc[0]
            assert page["source_url"] == mk.PAGES[stem][1]
            assert pd.Timestamp(page["fetched_at"]) == pd.Timestamp(FETCHED[i])
        else:
            assert got["source_url"] is None and got["fetched_at"] is None


def test_warc_and_jsonl_source_files_name_the_record(tmp_path: Path) -> None:
    names = _build("warc", tmp_path / "raw")
    assert names[STEMS[0]] == "crawl.warc.gz#0"
    pages, _ = _extract(tmp_path / "raw", tmp_path / "out")
    assert sorted(pages["source_file"]) == [f"crawl.warc.gz#{i}" for i in range(len(STEMS))]


def test_text_versions_are_the_known_layouts(text_records: dict[str, dict[str, Any]]) -> None:
    """The text side of the comparison covers the glued, colon, colon-less and ESF+ layouts."""
    assert {s: text_records[s]["template"] for s in STEMS} == {
        "gammal_limmad": "bank_glued", "2016_00412": "bank_colon",
        "fler_svetsare": "bank_plain", "23-045-A02": "bank_esfplus",
    }
    # and the records are not empty: the comparison compares real values
    for s in STEMS:
        r = text_records[s]
        assert r["owner"] and r["title"] and r["region"] and r["start_date"] and r["end_date"]


SAMPLE_NAMES = ("html/gammal_limmad.html", "crawls/esf_2024-03.warc.gz", "crawls/esf_2024-05.jsonl")


@pytest.fixture(scope="module")
def crawl_dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """raw/ plus what make_raw_crawls.py adds to it (html/, crawls/), extracted once."""
    tmp = tmp_path_factory.mktemp("crawl_dump")
    raw = tmp / "raw"
    shutil.copytree(RAW, raw, ignore=shutil.ignore_patterns(".*"))
    mk.main(raw)
    run(raw, tmp / "out")
    return tmp


def test_generator_is_deterministic(crawl_dump: Path, tmp_path: Path) -> None:
    """Fixed WARC-Date, record ids and gzip mtime: generating again gives the same bytes.

    When the samples are in the repository's raw/, they must be exactly what the generator writes.
    """
    again = tmp_path / "raw"
    again.mkdir()
    mk.main(again)
    for rel in SAMPLE_NAMES:
        assert (again / rel).read_bytes() == (crawl_dump / "raw" / rel).read_bytes(), rel
        if (RAW / rel).exists():
            assert (RAW / rel).read_bytes() == (again / rel).read_bytes(), f"raw/{rel} is stale: re-run make_raw_crawls.py"


def test_crawl_samples_are_read_record_by_record(crawl_dump: Path) -> None:
    pages = pd.read_parquet(crawl_dump / "out" / "pages.parquet")
    rows = pages[pages["source_file"].str.startswith(("crawls/", "html/"))].sort_values("source_file")
    assert list(rows["source_file"]) == ["crawls/esf_2024-03.warc.gz#0", "crawls/esf_2024-03.warc.gz#1",
                                         "crawls/esf_2024-05.jsonl#0", "crawls/esf_2024-05.jsonl#1",
                                         "html/gammal_limmad.html"]
    assert (rows["status"] == "extracted").all() and (rows["page_kind"] == "project").all()
    got = {r["source_file"]: (r["source_url"], str(r["fetched_at"])) for r in rows.to_dict("records")}
    assert got["crawls/esf_2024-03.warc.gz#1"] == (mk.PAGES["fler_svetsare"][1], "2024-03-02 09:15:30+00:00")
    assert got["crawls/esf_2024-05.jsonl#1"] == (mk.PAGES["23-045-A02"][1], "2024-05-14 08:31:10+00:00")


def test_recrawl_merge_latest_wins(crawl_dump: Path) -> None:
    """2016/00412 three times: text dump (no date, 420), March WARC (420), May JSONL (450)."""
    projects = pd.read_parquet(crawl_dump / "out" / "projects.parquet")
    p = projects[projects["project_key"] == "2016/00412"]
    assert len(p) == 1
    p = p.iloc[0]
    assert p["n_pages"] == 3
    assert list(p["source_files"]) == ["crawls/esf_2024-05.jsonl#0", "crawls/esf_2024-03.warc.gz#0",
                                       "projektbanken/2016_00412.txt"]
    assert p["planned_participants"] == 450
    assert str(p["last_fetched_at"]) == "2024-05-14 08:30:00+00:00"
    assert p["eu_grant_sek"] == 11576909 and p["owner"] == "Samordningsförbundet Nordost"  # the rest agrees
    issues = pd.read_parquet(crawl_dump / "out" / "issues.parquet")
    dis = issues[issues["code"] == "pages_disagree"]
    # the only disagreement in the whole dump: the same pages in other formats agree on everything
    assert dis[["project_key", "field"]].values.tolist() == [["2016/00412", "planned_participants"]]
    assert dis.iloc[0]["evidence"] == ("crawls/esf_2024-05.jsonl#0: 450; crawls/esf_2024-03.warc.gz#0: 420; "
                                       "projektbanken/2016_00412.txt: 420")
    # the other projects seen twice (text dump + HTML/WARC/JSONL) merge into one row each
    two = projects[projects["n_pages"] == 2].set_index("project_key")["source_files"].map(list).to_dict()
    assert two == {
        "2016/00388": ["crawls/esf_2024-03.warc.gz#1", "projektbanken/fler_svetsare.txt"],
        "23-045-A02": ["crawls/esf_2024-05.jsonl#1", "esfplus/23-045-A02.txt"],
        "h:c41a8102c4acf4eb": ["html/gammal_limmad.html", "projektbanken/gammal_limmad.txt"],
    }
