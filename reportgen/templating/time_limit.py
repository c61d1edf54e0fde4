"""The time limit of one render: :data:`RENDER_SECONDS`, a ``SIGALRM`` timer in the main thread
of the rendering process, a trace hook in other threads (the web page's build thread)."""

from __future__ import annotations

import signal
import sys
import threading
import time
from contextlib import contextmanager

from reportgen.templating.sandbox import RenderLimit

RENDER_SECONDS = 60.0  # one document's render


@contextmanager
def deadline(seconds: float | None = None):
    """Raise RenderLimit in the block once ``seconds`` (default :data:`RENDER_SECONDS`) have passed."""
    seconds = RENDER_SECONDS if seconds is None else seconds

    def expired(*_):
        raise RenderLimit(f"dựng văn bản quá {seconds:g} giây, đã dừng (vòng lặp quá lớn?) / render timed out")

    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    end = time.monotonic() + seconds

    def trace(frame, event, arg):  # function calls only: cheap, and every template loop makes them
        if time.monotonic() > end:
            expired()

    previous_trace = sys.gettrace()
    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous_trace)
