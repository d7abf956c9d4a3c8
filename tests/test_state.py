"""The incremental state stores chunks as data (Arrow IPC), never pickle.

A page's stored result is (chunk, index in it); chunks no page refers to any more are dropped
when a run commits, and a state in an old layout (pickled results) is rebuilt.
"""

from __future__ import annotations

import pickle
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from conftest import RAW
from pipeline.models import PageResult
from pipeline.tables.rows import DamagedChunk, ExtractedChunk, extracted_chunk, load_chunk, unpack_chunk
from pipeline.batch.run import run
from pipeline.batch.state import LAYOUT, PAGE_SIZE, STATE_DIR, PageState


def _chunk(*names: str) -> ExtractedChunk:
    results = [PageResult(source_file=n, page_sha256=f"sha-{n}", n_bytes=1, page_kind="project",
                          template="t", status="extracted", reason="") for n in names]
    return extracted_chunk(results)


def _n_chunks(out: Path) -> int:
    with sqlite3.connect(out / STATE_DIR / "pages.sqlite") as db:
        return int(db.execute("SELECT count(*) FROM chunks").fetchone()[0])


def _same(a: ExtractedChunk, b: ExtractedChunk) -> None:
    assert (a.heads, a.project_keys, a.issue_codes, a.offsets()) == (b.heads, b.project_keys, b.issue_codes, b.offsets())
    theirs = {name: rows for name, rows, _ in b.tables()}
    assert {name for name, _, _ in a.tables()} == set(theirs)
    for name, rows, _ in a.tables():
        assert rows.equals(theirs[name], check_metadata=True), name


def test_a_chunk_travels_pickled_with_its_columns() -> None:
    chunk = _chunk("a", "b")
    back = pickle.loads(pickle.dumps(chunk))
    assert (back.heads, back.project_keys, back.issue_codes, back.columns) == (
        chunk.heads, chunk.project_keys, chunk.issue_codes, chunk.columns)
    assert unpack_chunk(chunk.packed()).heads == chunk.heads


def _rich_results() -> list[PageResult]:
    results = []
    for i, name in enumerate(["a", "b", "c"]):
        r = PageResult(source_file=f"{name}.txt", page_sha256=f"sha-{name}", n_bytes=10 * i, page_kind="project",
                       template="bank_glued", status="extracted" if i else "rejected", reason=None if i else "tom",
                       source_url=f"https://x.se/{name}" if i != 1 else None, fetched_at="2024-05-01T10:00:00Z",
                       kind_evidence="fund: ESF", timings={"places": 0.25 * i, "decode": 1e-6})
        if i != 1:
            r.project = {"project_key": f"k-{name}", "source_file": r.source_file, "title": "Å ä ö",
                         "start_date": __import__("datetime").date(2016, 9, 1), "eu_grant_sek": 12345,
                         "fetched_at": "2024-05-01T10:00:00Z"}  # type: ignore[typeddict-item]
            r.rows["page_fields"] = [{"source_file": r.source_file, "field": "f", "label": "L", "value": str(i)}]
        results.append(r)
    return results


def test_a_stored_chunk_is_arrow_and_reads_back_the_same() -> None:
    chunk = extracted_chunk(_rich_results())
    data = chunk.stored()
    assert b"\x80\x05" not in data[:2] and b"pipeline.models" not in data  # not a pickle, names no class
    back = load_chunk(data)
    _same(back, chunk)
    assert back.heads[2].timings == {"places": 0.5, "decode": 1e-6}
    _same(load_chunk(back.stored()), chunk)  # and again from what was read


@pytest.mark.parametrize("pages", [[0], [1], [0, 2], [0, 1, 2], []])
def test_a_subset_of_a_stored_chunk_is_the_chunk_of_those_pages(pages: list[int]) -> None:
    results = _rich_results()
    for source in (extracted_chunk(results), load_chunk(extracted_chunk(results).stored())):
        got = source.subset(pages)
        _same(got, extracted_chunk([results[p] for p in pages]))
        _same(load_chunk(got.stored()), got)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: b"garbage" * 50,
        lambda data: pickle.dumps(("x", [1])),  # a pickle where data belongs
        lambda data: data[:-200] + bytes(200),  # zeroed tail
        lambda data: data.replace(b"page_fields", b"page_fieldz"),  # a table no chunk holds
        lambda data: data.replace(b"sha-a", b"sha-\xff"),  # not UTF-8
    ],
)
def test_damaged_stored_bytes_are_refused(damage: object) -> None:
    data = extracted_chunk(_rich_results()).stored()
    with pytest.raises(DamagedChunk):
        load_chunk(damage(data))  # type: ignore[operator]


def test_stored_pages_load_as_their_chunk_and_index(tmp_path: Path) -> None:
    state = PageState(tmp_path, "v1")
    state.store(_chunk("a", "b"))
    state.store(_chunk("c"))
    state.commit()
    state.close()
    state = PageState(tmp_path, "v1")
    assert state.is_current("b", "sha-b") and not state.is_current("b", "other") and not state.is_current("x", "")
    chunk, idx = state.load("b")
    assert (chunk.heads[idx].source_file, idx) == ("b", 1)
    assert state.load("a")[0] is chunk  # one unpickling for the pages of a chunk
    assert state.load("c")[0].heads[0].source_file == "c"
    state.close()
    assert not PageState(tmp_path, "v2").is_current("a", "sha-a")  # another pipeline version


def test_chunks_nobody_refers_to_are_dropped_on_commit(tmp_path: Path) -> None:
    state = PageState(tmp_path, "v1")
    state.store(_chunk("a", "b"))
    state.store(_chunk("a"))  # a extracted again: the first chunk still holds b
    state.commit()
    assert _n_chunks(tmp_path) == 2
    state.store(_chunk("b"))
    state.commit()
    assert _n_chunks(tmp_path) == 2
    state.remove(["a"])
    state.commit()
    assert _n_chunks(tmp_path) == 1
    state.close()


def test_a_mostly_replaced_chunk_is_compacted_keeping_hash_and_version(tmp_path: Path) -> None:
    """Pages extracted again leave their old chunk behind; once less than half of a chunk's
    pages are its own, the rest move into a chunk of their own (their hash and the version
    they were extracted with kept), and the old chunk is dropped."""
    state = PageState(tmp_path, "v1")
    state.store(_chunk("a", "b", "c", "d"))
    state.store(_chunk("e", "f", "g"))
    state.commit()
    state.close()
    state = PageState(tmp_path, "v2")
    state.store(_chunk("b", "c"))  # a and d still in the first chunk: half, not less
    state.commit()
    assert _n_chunks(tmp_path) == 3
    state.close()
    state = PageState(tmp_path, "v2")
    state.store(_chunk("a", "e", "g"))  # d alone in the first chunk, f alone in the second
    state.commit()
    assert _n_chunks(tmp_path) == 4  # (b c), (a e g), (d), (f)
    for name, idx, size in (("d", 0, 1), ("f", 0, 1), ("a", 0, 3), ("c", 1, 2)):
        chunk, i = state.load(name)
        assert (i, chunk.heads[i].source_file, len(chunk)) == (idx, name, size)
    state.close()
    with sqlite3.connect(tmp_path / STATE_DIR / "pages.sqlite") as db:
        versions = dict(db.execute("SELECT source_file, version FROM pages"))
    assert versions == {"a": "v2", "b": "v2", "c": "v2", "e": "v2", "g": "v2", "d": "v1", "f": "v1"}


def test_incremental_runs_that_compact_the_state_give_the_full_tables(tmp_path: Path) -> None:
    """In-process runs cut 9 pages into chunks of 3; changing two pages of the first chunk
    leaves one page in it, which is then re-stored on its own. The tables stay those of a full
    run, then and on the next run, which reads every page from the state."""
    raw = tmp_path / "raw"
    pages = sorted(p for p in (RAW / "projektbanken").glob("*.txt"))[:3]
    raw.mkdir()
    for i in range(9):
        shutil.copy(pages[i % 3], raw / f"p{i}.txt")
        with open(raw / f"p{i}.txt", "a", encoding="utf-8") as f:
            f.write(f"\nRad {i}.\n")
    out = tmp_path / "out"
    run(raw, out)
    for i in (0, 1):
        with open(raw / f"p{i}.txt", "a", encoding="utf-8") as f:
            f.write("\nÄndrad.\n")
    s = run(raw, out)
    assert (s.pages_changed, s.pages_unchanged) == (2, 7)
    run(raw, tmp_path / "full", full=True)

    def tables(d: Path) -> dict[str, pd.DataFrame]:
        return {p.stem: pd.read_parquet(p) for p in sorted(d.glob("*.parquet")) if p.stem != "runs"}

    for _ in range(2):
        ref, got = tables(tmp_path / "full"), tables(out)
        for name in ref:
            pd.testing.assert_frame_equal(ref[name], got[name], check_exact=True, obj=name)
        with sqlite3.connect(out / STATE_DIR / "pages.sqlite") as db:
            sizes = sorted(n for (n,) in db.execute("SELECT pages FROM chunks"))
        assert sizes == [1, 1, 1, 3, 3], sizes  # p0, p1 extracted again (a chunk each), p2 re-stored alone
        (raw / "p3.txt").touch()  # nothing changes: the next run rebuilds nothing
        again = run(raw, out)
        assert again.pages_unchanged == 9 and not again.tables_rebuilt


def test_a_state_in_the_old_layout_is_rebuilt(tmp_path: Path) -> None:
    """Before chunks, the state held one pickled result per page: such a state is dropped and
    every page extracted again (no crash, and the tables come out the same)."""
    out = tmp_path / "out"
    (out / STATE_DIR).mkdir(parents=True)
    with sqlite3.connect(out / STATE_DIR / "pages.sqlite") as db:
        db.execute("CREATE TABLE pages (source_file TEXT PRIMARY KEY, sha256 TEXT NOT NULL, "
                   "version TEXT NOT NULL, result BLOB NOT NULL)")
        db.execute("INSERT INTO pages VALUES ('x.txt', 'sha', 'v', x'00')")
    s = run(RAW, out)
    assert s.pages_unchanged == 0 and s.pages_new == s.n_pages > 0
    with sqlite3.connect(out / STATE_DIR / "pages.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == LAYOUT
        assert db.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    again = run(RAW, out)
    assert again.pages_unchanged == s.n_pages and not again.tables_rebuilt


def test_a_state_of_pickled_chunks_is_rebuilt_without_reading_it(tmp_path: Path) -> None:
    """Layout 2 stored pickled chunks: such a state is dropped unread (no unpickling, no
    warning) and every page extracted again."""
    out = tmp_path / "out"
    (out / STATE_DIR).mkdir(parents=True)
    with sqlite3.connect(out / STATE_DIR / "pages.sqlite") as db:
        db.execute("PRAGMA user_version = 2")
        db.execute("CREATE TABLE chunks (id INTEGER PRIMARY KEY, data BLOB NOT NULL, pages INTEGER NOT NULL)")
        db.execute("CREATE TABLE pages (source_file TEXT PRIMARY KEY, sha256 TEXT NOT NULL, version TEXT NOT NULL, "
                   "chunk INTEGER NOT NULL, idx INTEGER NOT NULL)")
        db.execute("INSERT INTO chunks VALUES (1, ?, 1)", (pickle.dumps(("never", "read")),))
    warnings: list[object] = []
    s = run(RAW, out, log=lambda event, data: warnings.append(data) if event == "warning" else None)
    assert not warnings and s.pages_new == s.n_pages > 0
    with sqlite3.connect(out / STATE_DIR / "pages.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == LAYOUT == 3
        blobs = [bytes(b) for (b,) in db.execute("SELECT data FROM chunks")]
    assert blobs and all(load_chunk(b) for b in blobs)
    assert not any(b.startswith(b"\x80") for b in blobs)  # no pickle stored
