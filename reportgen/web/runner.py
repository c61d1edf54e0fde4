"""One build at a time per workspace, run in a background thread, with its progress.

A second build request while one runs is told so (it does not queue silently).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class BuildState:
    running: bool = False
    done: int = 0
    total: int = 0
    label: str = ""
    results: list = field(default_factory=list)
    error: str | None = None


class Runner:
    """Runs ``work(progress)`` in a thread; ``progress()`` is called once per document."""

    def __init__(self):
        self._lock = threading.Lock()
        self.state = BuildState()
        self.thread: threading.Thread | None = None

    def start(self, label: str, total: int, work) -> bool:
        """Start the work; False when a build is already running."""
        if not self._lock.acquire(blocking=False):
            return False
        self.state = BuildState(running=True, total=total, label=label)
        self.thread = threading.Thread(target=self._run, args=(work,), daemon=True, name="reportgen-build")
        self.thread.start()
        return True

    def _run(self, work) -> None:
        try:
            done = work(self._step)  # build.Built (or a list of results)
            self.state.results = list(getattr(done, "results", done))
            fault = getattr(done, "fault", None)  # a full disk after writing
            if fault is not None:
                self.state.error = str(fault)  # in words: the folder and what ran out
        except Exception as exc:  # reported on the page; the traceback goes to the log
            import logging
            logging.getLogger("reportgen.web").exception("build failed")
            self.state.error = _message(exc)
        finally:
            self.state.running = False
            self._lock.release()

    def _step(self, *_args) -> None:
        self.state.done += 1

    @property
    def busy(self) -> bool:
        return self._lock.locked()


def _message(exc: Exception) -> str:
    problems = getattr(exc, "problems", None)
    if problems:
        return "; ".join(str(p) for p in problems[:20])
    return str(exc) or exc.__class__.__name__
