"""One atomic switch for all tables: readers see every table of one run, never a mix.

A run's tables are written complete into a folder of their own (`OUT/.tables/<run>/`, synced
to disk), then one `rename` of the `OUT/.current` link makes them current. The names a reader
opens, `OUT/<table>.parquet`, are fixed links to `.current/<table>.parquet`, so a reader that
opens `projects.parquet` and then `issues.parquet` gets both from the same run unless a switch
falls between the two opens (and then both from the newer). Files are created in OUT without
following links planted there: a link is always replaced, never written through.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

VERSIONS = ".tables"
CURRENT = ".current"


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's entries to disk (a folder: so renames in it survive a crash)."""
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _link(out_dir: Path, target: str, name: str) -> None:
    """Make `out_dir/name` a symlink to `target` in one rename (whatever was there before)."""
    tmp = out_dir / f".{name}.{os.getpid()}.link"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(target, tmp)
    os.replace(tmp, out_dir / name)


def publish(out_dir: Path, staged: Path, tables: Iterable[str]) -> dict[str, Path]:
    """Make the complete tables in `staged` (a folder in out_dir) the current ones."""
    for f in staged.iterdir():
        fsync_path(f)
    fsync_path(staged)
    versions = out_dir / VERSIONS
    versions.mkdir(exist_ok=True)
    final = versions / f"run-{staged.name.rsplit('-', 1)[-1]}"  # (the staging folder's name is unique)
    os.rename(staged, final)
    fsync_path(versions)
    _link(out_dir, f"{VERSIONS}/{final.name}", CURRENT)  # the switch
    paths = {}
    for table in tables:
        name = f"{table}.parquet"
        want = f"{CURRENT}/{name}"
        dest = out_dir / name
        if not (dest.is_symlink() and os.readlink(dest) == want):
            _link(out_dir, want, name)  # once per output folder (or after a planted file)
        paths[table] = dest
    fsync_path(out_dir)
    for old in versions.iterdir():  # readers that still have an old file open keep it
        if old.name != final.name:
            shutil.rmtree(old, ignore_errors=True)
    return paths


def write_new_file(out_dir: Path, name: str, write: Callable[[BinaryIO], None]) -> None:
    """Write `out_dir/name` through a fresh temporary file (created, never opened through a
    link) and one rename, synced."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out_dir / name)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise
    fsync_path(out_dir)
