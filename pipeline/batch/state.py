"""Incremental runs: which page contents were extracted with which pipeline version.

The state lives in OUT_DIR/.state/pages.sqlite: per source_file the content hash, the
pipeline version and where its result is stored. Results are stored a chunk at a time, as
the bytes a worker sent them in (`ExtractedChunk.packed`): pickling every page's full result
once more for the state cost ~0.04 ms per page. A run re-extracts only pages whose hash or
version changed and rebuilds the tables from the stored chunks. A chunk most of whose pages
were extracted again since (or removed) is replaced by a chunk of its remaining pages when a
run commits, so the state stays within about twice the size of its pages' results.
All changes of one run are committed in one transaction after the tables are in place, so a
killed run leaves the state matching the previous tables.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import OrderedDict
from pathlib import Path

from pipeline.tables.rows import DamagedChunk, ExtractedChunk, unpack_chunk

STATE_DIR = ".state"
LAYOUT = 2  # PRAGMA user_version of the tables below; a state in another layout is rebuilt
PAGE_SIZE = 65536
_CACHED_CHUNKS = 4  # unpickled chunks kept: stored pages are loaded in the order they were stored


class StateDamaged(Exception):
    """The state cannot be read (truncated, garbage, tampered with): it is set aside and the
    run extracts every page again."""


_DAMAGE = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def is_damage(exc: BaseException) -> bool:
    """Whether an error means the stored state is unreadable (not: the disk is full)."""
    if isinstance(exc, (StateDamaged, DamagedChunk)):
        return True
    return isinstance(exc, sqlite3.DatabaseError) and getattr(exc, "sqlite_errorname", "") in _DAMAGE


def set_aside(out_dir: Path) -> Path:
    """Move a damaged state out of the way (kept for a look, never read again)."""
    d = out_dir / STATE_DIR
    aside = out_dir / f"{STATE_DIR}.damaged-{time.strftime('%Y%m%dT%H%M%S')}"
    n = 0
    while aside.exists():
        n += 1
        aside = aside.with_name(f"{aside.name.split('~')[0]}~{n}")
    d.rename(aside)
    return aside


class PageState:
    def __init__(self, out_dir: Path, version: str) -> None:
        d = out_dir / STATE_DIR
        d.mkdir(parents=True, exist_ok=True)
        self.version = version
        path = d / "pages.sqlite"
        self.db = sqlite3.connect(path, isolation_level="DEFERRED")
        if self.db.execute("PRAGMA user_version").fetchone()[0] != LAYOUT:
            # new, or an older layout (one pickled result per page): start afresh, and every
            # page is extracted again
            self.db.close()
            path.unlink(missing_ok=True)
            self.db = sqlite3.connect(path, isolation_level="DEFERRED")
            # chunks are ~0.5 MB: in 64 KB pages sqlite writes them with a sixteenth of the
            # calls it makes in its default 4 KB pages (~0.1 s less per 10,000 pages)
            self.db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            self.db.execute(f"PRAGMA user_version = {LAYOUT}")
        self.db.execute("CREATE TABLE IF NOT EXISTS chunks (id INTEGER PRIMARY KEY, data BLOB NOT NULL, "
                        "pages INTEGER NOT NULL)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS pages (source_file TEXT PRIMARY KEY, sha256 TEXT NOT NULL, "
            "version TEXT NOT NULL, chunk INTEGER NOT NULL, idx INTEGER NOT NULL)"
        )
        self.db.execute("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.known: dict[str, tuple[str, str]] = {
            sf: (sha, ver) for sf, sha, ver in self.db.execute("SELECT source_file, sha256, version FROM pages")
        }
        self._chunks: OrderedDict[int, ExtractedChunk] = OrderedDict()
        self._replaced = False  # a stored page was replaced or removed: some chunk may now be sparse

    def settings(self, key: str = "run") -> dict[str, object]:
        """The settings stored under `key` (`run`: those that shaped the stored results;
        `tables`: the table code the tables on disk were built with); empty for a new state."""
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else {}

    def set_settings(self, settings: dict[str, object], key: str = "run") -> None:
        self.db.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, json.dumps(settings, sort_keys=True)))

    def is_current(self, source_file: str, sha256: str) -> bool:
        return self.known.get(source_file) == (sha256, self.version)

    def load(self, source_file: str) -> tuple[ExtractedChunk, int]:
        """The stored chunk holding the page's result, and the page's index in it."""
        chunk_id, idx = self.db.execute("SELECT chunk, idx FROM pages WHERE source_file = ?", (source_file,)).fetchone()
        return self._chunk(chunk_id), idx

    def _chunk(self, chunk_id: int) -> ExtractedChunk:
        chunk = self._chunks.get(chunk_id)
        if chunk is None:
            (data,) = self.db.execute("SELECT data FROM chunks WHERE id = ?", (chunk_id,)).fetchone()
            chunk = self._chunks[chunk_id] = unpack_chunk(data)
            if len(self._chunks) > _CACHED_CHUNKS:
                self._chunks.popitem(last=False)
        return chunk

    def store(self, chunk: ExtractedChunk) -> None:
        """Store a chunk of freshly extracted pages (replacing what was stored for them)."""
        cur = self.db.execute("INSERT INTO chunks (data, pages) VALUES (?, ?)", (chunk.packed(), len(chunk)))
        self.db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
                            [(h.source_file, h.page_sha256, self.version, cur.lastrowid, i)
                             for i, h in enumerate(chunk.heads)])
        self._replaced = self._replaced or any(h.source_file in self.known for h in chunk.heads)

    def remove(self, source_files: list[str]) -> None:
        self.db.executemany("DELETE FROM pages WHERE source_file = ?", [(s,) for s in source_files])
        self._replaced = self._replaced or bool(source_files)

    def commit(self) -> None:
        """Compact sparse chunks, drop the chunks no page refers to any more, then commit the
        run's changes."""
        if self._replaced:
            self._compact()
        self.db.execute("DELETE FROM chunks WHERE id NOT IN (SELECT chunk FROM pages)")
        self.db.commit()

    def _compact(self) -> None:
        """Re-store the remaining pages of every chunk less than half of whose pages are still
        its own (the others extracted again or removed), keeping their hash and version."""
        sparse = self.db.execute("SELECT chunks.id FROM chunks JOIN pages ON pages.chunk = chunks.id "
                                 "GROUP BY chunks.id HAVING 2 * COUNT(*) < chunks.pages").fetchall()
        for (chunk_id,) in sparse:
            live = self.db.execute("SELECT source_file, idx FROM pages WHERE chunk = ? ORDER BY idx",
                                   (chunk_id,)).fetchall()
            kept = self._chunk(chunk_id).subset([idx for _, idx in live])
            cur = self.db.execute("INSERT INTO chunks (data, pages) VALUES (?, ?)", (kept.packed(), len(kept)))
            self.db.executemany("UPDATE pages SET chunk = ?, idx = ? WHERE source_file = ?",
                                [(cur.lastrowid, i, sf) for i, (sf, _) in enumerate(live)])
        self._chunks.clear()

    def close(self) -> None:
        self.db.close()
