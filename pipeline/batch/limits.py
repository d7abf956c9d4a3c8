"""A time limit per page: one page that a stage cannot finish in time is rejected with the
stage named, and the run goes on.

A timer signal (SIGALRM) interrupts the page's work between two Python steps. It is armed
only in a process's main thread (local workers, the in-process engine); Dask runs pages in
worker threads, where no limit applies. Work inside one long C call (a regular expression,
the tokeniser) ends before the signal is seen, so the stages also keep their own work linear.
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from types import FrameType
from typing import Iterator

from pipeline.process import PageTimeout

DEFAULT_PAGE_TIMEOUT = 10.0  # seconds; the slowest real pages take well under one


def _stage(frame: FrameType | None) -> str:
    """The pipeline module the page's work was in when the time ran out ("places.recognise")."""
    while frame is not None:
        path = frame.f_code.co_filename
        if f"{os.sep}pipeline{os.sep}" in path:
            rel = path.rsplit(f"{os.sep}pipeline{os.sep}", 1)[1]
            return rel.removesuffix(".py").replace(os.sep, ".")
        frame = frame.f_back
    return "an outside library"


@contextmanager
def page_time_limit(seconds: float | None) -> Iterator[None]:
    """Raise PageTimeout in the code under the `with` once `seconds` have passed."""
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise PageTimeout(f"timed out after {seconds:g} s in {_stage(frame)} (--page-timeout)")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
