"""One run per output folder: an exclusive, non-blocking lock on OUT_DIR/.lock.

The lock is an OS file lock (fcntl.flock), so it disappears with the process even when the
run is killed; a second run on the same folder gets `Locked` at once and touches nothing.
Forked workers close their copies of the descriptor, so a worker that outlives a killed run
never holds the lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType


class Locked(Exception):
    """Another run holds the output folder."""


_held: set[int] = set()  # lock descriptors this process holds


def _close_in_child() -> None:
    """A forked worker must not keep the run's lock alive: it closes its copies of the lock
    descriptors (the lock itself stays with the parent, which still has the file open)."""
    for fd in list(_held):
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()


os.register_at_fork(after_in_child=_close_in_child)


class OutputLock:
    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / ".lock"
        self.fd: int | None = None

    def __enter__(self) -> "OutputLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_NOFOLLOW: a symlink planted in OUT_DIR is refused, not written through
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 100).decode(errors="replace").strip()
            os.close(fd)
            raise Locked(f"{self.path.parent} is being written by another run (pid {holder or '?'})") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self.fd = fd
        _held.add(fd)
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        if self.fd is not None:
            _held.discard(self.fd)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
