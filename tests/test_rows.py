"""Pages' results as rows: the chunks the workers send, and how the main process writes them.

Pages extracted in a run reach the tables as slices of a chunk's Arrow tables; a page whose
content repeats an earlier page keeps only its pages row ("duplicate of ..."), wherever it
falls in a chunk, and the tables are the same with any chunking, any engine, and when the
page comes from the incremental state instead.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from pipeline.batch.engine import chunked
from pipeline.models import Issue, PageResult, RawDocument
from pipeline.tables.rows import extracted_chunk, head, page_spans, table_rows
from pipeline.batch.run import run
from pipeline.tables.write import to_arrow

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "raw" / "projektbanken" / n for n in ("2016_00412.txt", "fler_svetsare.txt", "gammal_limmad.txt")]

# (offsets of a chunk's pages, start, stop, dropped pages) -> row spans (first row, count)
SPANS = [
    ([0, 2, 5, 6], 0, 3, [], [(0, 6)]),
    ([0, 2, 5, 6], 1, 3, [], [(2, 4)]),
    ([0, 2, 5, 6], 0, 3, [1], [(0, 2), (5, 1)]),
    ([0, 2, 5, 6], 0, 3, [0, 2], [(2, 3)]),
    ([0, 2, 5, 6], 0, 3, [0, 1, 2], []),
    ([0, 0, 0, 4], 0, 2, [], []),  # pages without rows in this table
    ([0, 0, 3, 3], 0, 3, [2], [(0, 3)]),  # a dropped page without rows
    ([0, 1, 2, 3, 4], 1, 4, [2], [(1, 1), (3, 1)]),
]


@pytest.mark.parametrize("offsets,start,stop,dropped,expected", SPANS)
def test_page_spans(offsets: list[int], start: int, stop: int, dropped: list[int], expected: list[tuple[int, int]]) -> None:
    assert page_spans(offsets, start, stop, dropped) == expected


def _result(name: str, n_fields: int, n_issues: int, project: bool) -> PageResult:
    r = PageResult(source_file=name, page_sha256=name, n_bytes=1, page_kind="project", template="t",
                   status="extracted", reason=None)
    if project:
        r.project = {"project_key": f"k-{name}", "source_file": name, "title": name}
    r.issues = [Issue(name, None, "f", "info", f"c{i}", "m", None) for i in range(n_issues)]
    if n_fields:
        r.rows["page_fields"] = [{"source_file": name, "field": f"f{i}", "label": "L", "value": "v"} for i in range(n_fields)]
    return r


def test_a_chunk_holds_every_page_row_in_order() -> None:
    results = [_result("a", 2, 0, True), _result("b", 0, 1, False), _result("c", 3, 2, True), _result("d", 0, 0, False)]
    chunk = extracted_chunk(results)
    assert chunk.project_keys == ["k-a", None, "k-c", None]
    assert chunk.issue_codes == [[], ["c0"], ["c0", "c1"], []]
    assert all(h.project is None and not h.issues and not h.rows for h in chunk.heads)
    assert sorted(chunk.offsets()) == ["issues", "page_fields", "project_pages"]
    for t, rows, offsets in chunk.tables():
        assert len(offsets) == len(results) + 1
        for p, r in enumerate(results):
            own = rows.slice(offsets[p], offsets[p + 1] - offsets[p])
            assert own.equals(to_arrow(t, table_rows(r).get(t, [])))


@pytest.mark.parametrize("pages", [[0], [1], [3], [0, 2], [1, 3], [0, 1, 2, 3], [2, 3], []])
def test_a_subset_of_a_chunk_is_the_chunk_of_those_pages(pages: list[int]) -> None:
    results = [_result("a", 2, 0, True), _result("b", 0, 1, False), _result("c", 3, 2, True), _result("d", 0, 0, False)]
    got, expected = extracted_chunk(results).subset(pages), extracted_chunk([results[p] for p in pages])
    assert (got.heads, got.project_keys, got.issue_codes, got.offsets()) == (
        expected.heads, expected.project_keys, expected.issue_codes, expected.offsets())
    assert {t: rows.to_pylist() for t, rows, _ in got.tables()} == {t: rows.to_pylist() for t, rows, _ in expected.tables()}


@pytest.mark.parametrize("n,workers", [(1, 1), (5, 1), (9, 2), (300, 2), (33, 4)])
def test_chunks_cover_the_documents_in_order(n: int, workers: int) -> None:
    docs = [RawDocument(source_file=str(i), data=b"", n_bytes=0, sha256=str(i)) for i in range(n)]
    chunks = chunked(docs, workers)
    assert [d for c in chunks for d in c] == docs
    assert max(map(len, chunks)) <= 64


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in sorted(out.glob("*.parquet")) if p.stem != "runs"}


COPIES = {"a2_copy_of_a1.txt": "a1.txt", "c_copy.txt": "c.txt", "f_copy.txt": "f.txt"}


@pytest.fixture()
def dump_with_copies(tmp_path: Path) -> Path:
    """Nine project pages, three of them byte-for-byte copies of an earlier one. One worker
    cuts them into chunks of three, so every copy sits in the middle of its chunk."""
    raw = tmp_path / "raw"
    raw.mkdir()
    a, b, c = (p.read_bytes() for p in PAGES)
    files = {"a1.txt": a, "a2_copy_of_a1.txt": a, "b.txt": b, "c.txt": c, "c_copy.txt": c,
             "d.txt": b + b"\nEn rad till.\n", "f.txt": a + b"\nEn annan rad.\n", "f_copy.txt": a + b"\nEn annan rad.\n",
             "g.txt": c + b"\nOch en till.\n"}
    for name, data in files.items():
        (raw / name).write_bytes(data)
    return raw


def test_a_copied_page_keeps_only_its_pages_row(dump_with_copies: Path, tmp_path: Path) -> None:
    run(dump_with_copies, tmp_path / "out", full=True)
    t = _tables(tmp_path / "out")
    pages = t["pages"].set_index("source_file")
    for copy, first in COPIES.items():
        assert (pages.loc[copy, "status"], pages.loc[copy, "reason"]) == ("skipped", f"duplicate of {first}")
    for name, frame in t.items():
        if name != "pages" and "source_file" in frame:
            assert not set(COPIES) & set(frame["source_file"]), name
    originals = ["a1.txt", "b.txt", "c.txt", "d.txt", "f.txt", "g.txt"]
    assert list(t["project_pages"]["source_file"]) == originals
    assert list(dict.fromkeys(t["page_fields"]["source_file"])) == originals


@pytest.mark.parametrize("workers,batch_size", [(1, 1), (1, 2), (2, 3), (2, 512)])
def test_copies_give_the_same_tables_with_any_chunking(dump_with_copies: Path, tmp_path: Path,
                                                       workers: int, batch_size: int) -> None:
    run(dump_with_copies, tmp_path / "ref", full=True)
    run(dump_with_copies, tmp_path / "out", full=True, workers=workers, batch_size=batch_size)
    ref, got = _tables(tmp_path / "ref"), _tables(tmp_path / "out")
    for name in ref:
        pd.testing.assert_frame_equal(ref[name], got[name], check_exact=True, obj=name)


def test_stored_and_fresh_pages_mix_in_reading_order(dump_with_copies: Path, tmp_path: Path) -> None:
    """Second run: only b.txt changed, so its rows come from a chunk and the others' from the
    state, interleaved in reading order; the copies stay copies."""
    out = tmp_path / "out"
    run(dump_with_copies, out)
    (dump_with_copies / "b.txt").write_bytes(PAGES[1].read_bytes() + b"\nNy text.\n")
    s = run(dump_with_copies, out, batch_size=2)
    assert (s.pages_changed, s.pages_unchanged) == (1, 8)
    run(dump_with_copies, tmp_path / "full", full=True)
    ref, got = _tables(tmp_path / "full"), _tables(out)
    for name in ref:
        pd.testing.assert_frame_equal(ref[name], got[name], check_exact=True, obj=name)


def test_arrow_slices_concatenate_to_the_rows() -> None:
    rows = to_arrow("issues", [{"source_file": f"p{i}", "field": "f", "severity": "info", "code": "c", "message": "m"}
                               for i in range(6)])
    parts = pa.concat_tables([rows.slice(a, n) for a, n in page_spans([0, 2, 5, 6], 0, 3, [1])])
    assert parts.column("source_file").to_pylist() == ["p0", "p1", "p5"]


def test_workers_do_not_import_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas (~0.3 s) on its first conversion of Python objects; the workers
    send plain columns, so only the main process pays for it."""
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from pipeline.batch.engine import extract_chunk
        from pipeline.ingest.read import iter_documents
        chunk = extract_chunk(list(iter_documents(Path({str(ROOT / "raw")!r}))))
        assert chunk.columns and "project_pages" in chunk.columns
        print("pandas" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_head_keeps_every_field_but_the_rows() -> None:
    import dataclasses

    r = _result("a", 2, 1, True)
    r.source_url, r.fetched_at, r.timings = "http://x", "2024-01-01T00:00:00Z", {"places": 0.1}
    h = head(r)
    for f in dataclasses.fields(PageResult):
        expected = {"project": None, "issues": [], "rows": {}}.get(f.name, getattr(r, f.name))
        assert getattr(h, f.name) == expected, f.name


def test_an_issue_gets_its_page_and_project_and_keeps_the_rest() -> None:
    import dataclasses

    i = Issue("", None, "f", "warning", "code", "message", "evidence")
    got = i.located("page.txt", "key")
    assert dataclasses.asdict(got) == {**dataclasses.asdict(i), "source_file": "page.txt", "project_key": "key"}


def test_a_chunk_interrupted_by_stored_pages_gives_the_same_tables(dump_with_copies: Path, tmp_path: Path) -> None:
    """Five changed pages make chunks of two (one worker); the stored pages between them cut
    each chunk into several runs, and one changed page stops being a copy."""
    out = tmp_path / "out"
    run(dump_with_copies, out)
    for name in ("a1.txt", "b.txt", "d.txt", "f.txt", "g.txt"):
        path = dump_with_copies / name
        path.write_bytes(path.read_bytes() + b"\nTillagd rad.\n")
    s = run(dump_with_copies, out)
    assert (s.pages_changed, s.pages_unchanged) == (5, 4)
    run(dump_with_copies, tmp_path / "full", full=True)
    ref, got = _tables(tmp_path / "full"), _tables(out)
    for name in ref:
        pd.testing.assert_frame_equal(ref[name], got[name], check_exact=True, obj=name)
    pages = got["pages"].set_index("source_file")
    assert pages.loc["a2_copy_of_a1.txt", "status"] == "extracted"  # its original changed


def test_every_data_file_ships_with_the_package() -> None:
    """An installed copy (a Dask worker's) needs the data files, the warm-up page included."""
    import fnmatch
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["pipeline"]
    package = ROOT / "pipeline"
    for path in list((package / "data").iterdir()) + list((package / "places" / "data").iterdir()):
        rel = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(rel, p) for p in patterns), rel


def test_the_warm_up_page_goes_through_every_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    """...but not through dateparser: most corpora never need it (the bench's none), and
    loading it before the fork cost the serial start 0.1-0.3 s; a worker that meets a date
    only dateparser reads loads it then."""
    import pipeline.values.dates
    from pipeline.batch.engine import WARM_UP_PAGE
    from pipeline.process import process_document

    def no_dateparser() -> None:
        raise AssertionError("the warm-up page reached dateparser")

    monkeypatch.setattr(pipeline.values.dates, "_date_parser", no_dateparser)
    data = WARM_UP_PAGE.read_bytes()
    r = process_document(RawDocument(source_file="w", data=data, n_bytes=len(data), sha256=""))
    assert (r.status, r.page_kind) == ("extracted", "project")
    assert r.project is not None and str(r.project["start_date"]) == "2019-09-01"  # the month table's fast path
    assert {"project_municipalities", "project_objectives", "page_fields"} <= set(r.rows)
