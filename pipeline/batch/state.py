"""Incremental runs: which page contents were extracted with which pipeline version.

The state lives in OUT_DIR/.state/pages.sqlite: per source_file the content hash, the
pipeline version and where its result is stored. Results are stored a chunk at a time, as
data: the chunk's Arrow tables (which the main process makes for writing anyway) and its
pages' heads in Arrow IPC (`ExtractedChunk.stored`, read back and checked by `load_chunk`);
nothing stored is pickle, so a tampered state cannot run code, only be refused as damaged.
A run re-extracts only pages whose hash or
version changed and rebuilds the tables from the stored chunks. A chunk most of whose pages
were extracted again since (or removed) is replaced by a chunk of its remaining pages when a
run commits, so the state stays within about twice the size of its pages' results.
All changes of one run are committed in one transaction after the tables are in place, so a
killed run leaves the state matching the previous tables.

Nightly runs over a large dump: the state also remembers, per file, its size, modification
and change times, inode and device (and the page limit it was read with) and the pages it
gave. A file whose stat still says the same is not opened (`unchanged_pages`): its pages are
taken as they were. A file whose times are within TRUST_AFTER_SECONDS of the moment it was
seen may still be being written, so its stat is not trusted the next night (it is read
again; as with every file read, only a changed content hash extracts it again).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections import OrderedDict
from pathlib import Path

from pipeline.models import RawDocument

from pipeline.tables.rows import DamagedChunk, ExtractedChunk, load_chunk

STATE_DIR = ".state"
LAYOUT = 3  # PRAGMA user_version of the tables below; a state in another layout is rebuilt
# (1: a pickled result per page; 2: pickled chunks; 3: chunks as Arrow IPC)
PAGE_SIZE = 65536
TRUST_AFTER_SECONDS = 2.0  # a file changed less long ago than this when seen is read again next time
_CACHED_CHUNKS = 4  # loaded chunks kept: stored pages are loaded in the order they were stored


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
            # new, or an older layout (pickled results): start afresh, and every page is
            # extracted again
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
        self.db.execute("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stat TEXT NOT NULL, pages TEXT NOT NULL)")
        self.known: dict[str, tuple[str, str]] = {
            sf: (sha, ver) for sf, sha, ver in self.db.execute("SELECT source_file, sha256, version FROM pages")
        }
        self.files: dict[str, tuple[str, str]] = {path: (st, pages) for path, st, pages in self.db.execute("SELECT * FROM files")}
        self.trust_files = True  # False: every file is read (a full run), its stat still remembered
        self._seen: dict[str, str | None] = {}  # this run's files: their stat key, None if not to be trusted
        self._read: dict[str, list[str]] = {}  # pages of the files read in this run
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

    def unchanged_pages(self, path: str, st: os.stat_result, max_bytes: int) -> list[RawDocument] | None:
        """The pages of a file whose size, times, inode and device are those it had when it was
        last read (with the same page limit), and whose pages are all current; None when the
        file must be read. Remembers the stat for the next run either way."""
        latest = max(st.st_mtime_ns, st.st_ctime_ns)
        key = None if latest > time.time_ns() - int(TRUST_AFTER_SECONDS * 1e9) else \
            f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino} {st.st_dev} {max_bytes}"
        self._seen[path] = key
        stored = self.files.get(path)
        if not self.trust_files or key is None or stored is None or stored[0] != key:
            self._read[path] = []
            return None
        pages: list[str] = json.loads(stored[1])
        known = [self.known.get(sf) for sf in pages]
        if not all(k is not None and k[1] == self.version for k in known):
            self._read[path] = []
            return None
        return [RawDocument(source_file=sf, data=None, n_bytes=0, sha256=k[0]) for sf, k in zip(pages, known) if k]

    def saw(self, source_file: str) -> None:
        """A page of this run, in reading order (the pages of each file read are remembered)."""
        pages = self._read.get(source_file.split("#", 1)[0])
        if pages is not None:
            pages.append(source_file)

    def _commit_files(self) -> None:
        """Remember the stat and pages of the files read in this run; forget files not seen."""
        gone = [path for path in self.files if path not in self._seen]
        untrusted = [path for path, key in self._seen.items() if key is None and path in self.files]
        self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in gone + untrusted])
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
                            [(path, self._seen[path], json.dumps(pages)) for path, pages in self._read.items()
                             if self._seen[path] is not None])

    def load(self, source_file: str) -> tuple[ExtractedChunk, int]:
        """The stored chunk holding the page's result, and the page's index in it."""
        chunk_id, idx = self.db.execute("SELECT chunk, idx FROM pages WHERE source_file = ?", (source_file,)).fetchone()
        return self._chunk(chunk_id), idx

    def _chunk(self, chunk_id: int) -> ExtractedChunk:
        chunk = self._chunks.get(chunk_id)
        if chunk is None:
            (data,) = self.db.execute("SELECT data FROM chunks WHERE id = ?", (chunk_id,)).fetchone()
            chunk = self._chunks[chunk_id] = load_chunk(data)
            if len(self._chunks) > _CACHED_CHUNKS:
                self._chunks.popitem(last=False)
        return chunk

    def store(self, chunk: ExtractedChunk) -> None:
        """Store a chunk of freshly extracted pages (replacing what was stored for them)."""
        cur = self.db.execute("INSERT INTO chunks (data, pages) VALUES (?, ?)", (chunk.stored(), len(chunk)))
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
        self._commit_files()
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
            cur = self.db.execute("INSERT INTO chunks (data, pages) VALUES (?, ?)", (kept.stored(), len(kept)))
            self.db.executemany("UPDATE pages SET chunk = ?, idx = ? WHERE source_file = ?",
                                [(cur.lastrowid, i, sf) for i, (sf, _) in enumerate(live)])
        self._chunks.clear()

    def close(self) -> None:
        self.db.close()
