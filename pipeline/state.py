"""Incremental runs: which page contents were extracted with which pipeline version.

The state lives in OUT_DIR/.state/pages.sqlite: per source_file the content hash, the
pipeline version and the stored per-page result. A run re-extracts only pages whose hash or
version changed and rebuilds the tables from the stored results. All changes of one run are
committed in one transaction after the tables are in place, so a killed run leaves the state
matching the previous tables.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
from pathlib import Path

from pipeline.models import PageResult

STATE_DIR = ".state"


class PageState:
    def __init__(self, out_dir: Path, version: str) -> None:
        d = out_dir / STATE_DIR
        d.mkdir(parents=True, exist_ok=True)
        self.version = version
        self.db = sqlite3.connect(d / "pages.sqlite", isolation_level="DEFERRED")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS pages (source_file TEXT PRIMARY KEY, sha256 TEXT NOT NULL, "
            "version TEXT NOT NULL, result BLOB NOT NULL)"
        )
        self.db.execute("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.known: dict[str, tuple[str, str]] = {
            sf: (sha, ver) for sf, sha, ver in self.db.execute("SELECT source_file, sha256, version FROM pages")
        }

    def settings(self) -> dict[str, object]:
        """The run settings that shaped the stored results (empty for a new state)."""
        row = self.db.execute("SELECT value FROM settings WHERE key = 'run'").fetchone()
        return json.loads(row[0]) if row else {}

    def set_settings(self, settings: dict[str, object]) -> None:
        self.db.execute("INSERT OR REPLACE INTO settings VALUES ('run', ?)", (json.dumps(settings, sort_keys=True),))

    def is_current(self, source_file: str, sha256: str) -> bool:
        return self.known.get(source_file) == (sha256, self.version)

    def load(self, source_file: str) -> PageResult:
        row = self.db.execute("SELECT result FROM pages WHERE source_file = ?", (source_file,)).fetchone()
        result: PageResult = pickle.loads(row[0])
        return result

    def store_many(self, results: list[tuple[PageResult, bytes]]) -> None:
        """Store pages' results, already pickled by the workers (a batch's worth: one statement)."""
        self.db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?)",
                            [(r.source_file, r.page_sha256, self.version, blob) for r, blob in results])

    def remove(self, source_files: list[str]) -> None:
        self.db.executemany("DELETE FROM pages WHERE source_file = ?", [(s,) for s in source_files])

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()
