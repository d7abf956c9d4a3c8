"""The incremental state stores chunks as the bytes the workers sent them in.

A page's stored result is (chunk, index in it); chunks no page refers to any more are dropped
when a run commits, and a state in the old layout (one pickled result per page) is rebuilt.
"""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

from conftest import RAW
from pipeline.models import PageResult
from pipeline.rows import ExtractedChunk, extracted_chunk, unpack_chunk
from pipeline.run import run
from pipeline.state import LAYOUT, PAGE_SIZE, STATE_DIR, PageState


def _chunk(*names: str) -> ExtractedChunk:
    results = [PageResult(source_file=n, page_sha256=f"sha-{n}", n_bytes=1, page_kind="project",
                          template="t", status="extracted", reason="") for n in names]
    return extracted_chunk(results)


def _n_chunks(out: Path) -> int:
    with sqlite3.connect(out / STATE_DIR / "pages.sqlite") as db:
        return int(db.execute("SELECT count(*) FROM chunks").fetchone()[0])


def test_a_chunk_pickles_as_its_packed_bytes_and_keeps_them() -> None:
    chunk = _chunk("a", "b")
    back = pickle.loads(pickle.dumps(chunk))
    assert back.packed() is not None and back.packed() == chunk.packed()
    assert (back.heads, back.project_keys, back.issue_codes, back.columns) == (
        chunk.heads, chunk.project_keys, chunk.issue_codes, chunk.columns)
    assert unpack_chunk(back.packed()).heads == chunk.heads


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
