"""The build's worker processes: a small pool, handed its task, fed one item at a time.

Forked (the workers share the validated workspace and the imported renderers without
copying them), so the task is any function of the main process, closures included; it
runs ``task(payload)`` in a worker for each item and sends the outcome back. Not
``concurrent.futures``: a worker retires when its memory grows past
:data:`WORKER_RSS_LIMIT_MB` (``ProcessPoolExecutor`` cannot recycle forked workers), dies
with the main process (parent-death signal on Linux, and end of file on its pipe), ignores
Ctrl-C (the main process stops the pool), and holds neither the terminal nor the main
process's stdout/stderr. A worker that dies gives its item the outcome :class:`Died`.
Leaving the pool with an exception (Ctrl-C, SIGTERM turned into an exception by the CLI)
kills the workers.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

# A worker whose resident memory passes this after an item, having grown by more than
# WORKER_GROWTH_MB since it was forked (what it shares with the main process does not
# shrink by forking again), hands over to a fresh one.
WORKER_RSS_LIMIT_MB = 170
WORKER_GROWTH_MB = 24


@dataclass(frozen=True)
class Died:
    """The outcome of an item whose worker died with it in hand (killed, out of memory)."""

    exitcode: int | None


class Pool:
    """``size`` forked worker processes running ``task`` on what :meth:`map` hands them."""

    def __init__(self, task: Callable[[Any], Any], size: int):
        self.task = task
        self.size = size
        self.context = multiprocessing.get_context("fork")
        self.workers: dict = {}  # connection -> process
        self.busy: dict = {}  # connection -> item
        self.peak_rss_mb = 0

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        for conn, process in list(self.workers.items()):
            if exc[0] is None:
                _send(conn, None)
            else:
                process.kill()
        for conn, process in list(self.workers.items()):
            process.join(timeout=None if exc[0] is None else 5)
            conn.close()
        self.workers.clear()

    def _start(self) -> None:
        parent, child = self.context.Pipe()
        others = list(self.workers)
        process = self.context.Process(target=_worker_main, args=(child, others, os.getpid(), self.task),
                                       name="reportgen-worker", daemon=True)
        process.start()
        child.close()
        self.workers[parent] = process

    def map(self, items: list, payload: Callable[[Any], Any]) -> Iterator[tuple[Any, Any]]:
        """Yield (item, outcome) as they finish, ``task(payload(item))`` run in a worker; items
        are handed out in order."""
        queue = list(reversed(items))
        while queue or self.busy:
            while queue and len(self.workers) < self.size:
                self._start()
            for conn in self.workers:
                if queue and conn not in self.busy:
                    item = queue.pop()
                    self.busy[conn] = item
                    _send(conn, payload(item))  # if the worker is gone, its sentinel says so below
            sentinels = {process.sentinel: conn for conn, process in self.workers.items()}
            for ready in wait(list(self.busy) + list(sentinels)):
                conn = sentinels.get(ready, ready)
                if conn not in self.workers:
                    continue
                yield from self._collect(conn)

    def _collect(self, conn):
        item = self.busy.pop(conn, None)
        try:
            outcome, rss, retiring = conn.recv()
        except (EOFError, OSError):
            outcome = retiring = None
        else:
            self.peak_rss_mb = max(self.peak_rss_mb, rss)
            if item is not None:
                yield item, outcome
            if not retiring:
                return
            item = None
        process = self.workers.pop(conn)
        process.join()
        conn.close()
        if item is not None:  # it died with an item in hand
            yield item, Died(process.exitcode)


def _send(conn, item) -> bool:
    try:
        conn.send(item)
        return True
    except (BrokenPipeError, OSError):
        return False


def _worker_main(conn, others, parent_pid: int, task: Callable[[Any], Any]) -> None:
    """A worker: run ``task`` on what the pipe brings until it closes; never outlive the main process."""
    for other in others:  # the main process's ends of the other workers' pipes: EOF must mean "gone"
        other.close()
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the main process decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _detach_std_streams()
    start_rss = _rss_mb()
    while True:
        try:
            payload = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if payload is None:
            os._exit(0)
        outcome = task(payload)
        rss = _rss_mb()
        retiring = rss > WORKER_RSS_LIMIT_MB and rss - start_rss > WORKER_GROWTH_MB
        if not _send(conn, (outcome, _peak_rss_mb(), retiring)) or retiring:
            os._exit(0)


def die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when its parent dies (prctl PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def _detach_std_streams() -> None:
    """Point stdin, stdout and stderr at /dev/null: a reader of the main process's output
    sees its end when the main process ends, whatever the workers do."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _rss_mb() -> int:
    return _status_mb("VmRSS:")


def _peak_rss_mb() -> int:
    return _status_mb("VmHWM:")


def _status_mb(field_name: str) -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0
