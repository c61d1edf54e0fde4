"""Charts already drawn: a chart whose data, words and style have not changed is not drawn again.

A chart is keyed by the SHA-256 of everything that is drawn (:func:`key`: the chart's kind,
its data and its words, as canonical JSON). Two stores answer a key:

- this process's memory (the last :data:`MEMORY_ENTRIES` charts): within a build, and
  across builds of a long-running process (the web page);
- inside :func:`stored_in`, a build's output store, ``<out>/.reportgen/charts/<name>.png``:
  across builds. The file's name is the key hashed with the build's *environment*
  (reportgen's code and the rendering libraries' versions, the fonts: the digests the
  outputs' fingerprints have, :mod:`reportgen.fingerprint`), so a new matplotlib, a new
  font or a change to ``charts.py`` draws every chart again.

The stores hold exactly the bytes a draw made (PNG, reproducible), so a document built
from a stored chart is byte for byte the one built from a fresh draw. Reading never writes
a file: charts drawn inside :func:`stored_in` are kept (:func:`take_drawn`) and the build
writes them (:func:`save`) only after every context was built, when it writes its outputs,
so that an input problem still leaves nothing written. The store is a cache: a file that is
missing, not a regular file, too big or not a whole PNG is drawn again and replaced; the
folder is kept under :data:`STORE_BYTES`, the least recently used going first; a store
that cannot be written only costs the next build the draws.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reportgen.files import write_atomic

FOLDER = "charts"
MEMORY_ENTRIES = 64
STORE_BYTES = 32 * 1024 * 1024
MAX_PNG_BYTES = 8 * 1024 * 1024
_PNG_START = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"

_memory: OrderedDict[str, bytes] = OrderedDict()
_store: tuple[Path, str] | None = None  # (folder, environment) inside stored_in
_drawn: dict[str, bytes] = {}  # file name -> PNG drawn inside stored_in, not yet saved


def key(*parts) -> str:
    """The key of a chart: SHA-256 of its parts (kind, data, words) as canonical JSON."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def get(chart: str) -> bytes | None:
    """The PNG of chart ``chart`` (a :func:`key`) if memory or the build's store has it."""
    png = _memory.get(chart)
    if png is not None:
        _memory.move_to_end(chart)
        return png
    if _store is None:
        return None
    png = _read(_store[0] / _file_name(chart))
    if png is not None:
        _remember(chart, png)
    return png


def put(chart: str, png: bytes) -> None:
    """Keep a chart just drawn: in memory, and for the build's store when inside :func:`stored_in`."""
    _remember(chart, png)
    if _store is not None:
        _drawn[_file_name(chart)] = png


@contextmanager
def stored_in(state_dir: Path, environment: str) -> Iterator[None]:
    """Charts are looked up in ``<state_dir>/charts/`` too, under names hashed with ``environment``."""
    global _store
    _store = (Path(state_dir) / FOLDER, environment)
    _drawn.clear()
    try:
        yield
    finally:
        _store = None
        _drawn.clear()


def take_drawn() -> dict[str, bytes]:
    """The charts drawn in this process since the last call (inside :func:`stored_in`): file name -> PNG."""
    drawn = dict(_drawn)
    _drawn.clear()
    return drawn


def save(drawn: dict[str, bytes], temp_dir: Path) -> None:
    """Write charts drawn during the build into the store (atomically; ``temp_dir``: the run's
    temporary folder), then keep the store under STORE_BYTES. Best effort: an error is ignored."""
    if _store is None or not drawn:
        return
    folder = _store[0]
    try:
        folder.mkdir(exist_ok=True)
        for name, png in sorted(drawn.items()):
            write_atomic(folder / name, png, temp_dir=temp_dir)
        _prune(folder)
    except OSError:
        pass


def clear_memory() -> None:
    _memory.clear()


def _file_name(chart: str) -> str:
    assert _store is not None
    return hashlib.sha256(f"{_store[1]}\0{chart}".encode("ascii")).hexdigest() + ".png"


def _remember(chart: str, png: bytes) -> None:
    _memory[chart] = png
    _memory.move_to_end(chart)
    while len(_memory) > MEMORY_ENTRIES:
        _memory.popitem(last=False)


def _read(path: Path) -> bytes | None:
    """The whole PNG at ``path``, a regular file not reached through a link; None otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PNG_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_PNG_BYTES + 1)
        if not (data.startswith(_PNG_START) and data.endswith(_PNG_END)):
            return None
        try:
            os.utime(fd)  # used: the last to be pruned
        except OSError:
            pass
        return data
    except OSError:
        return None
    finally:
        os.close(fd)


def _prune(folder: Path) -> None:
    entries = []
    for entry in os.scandir(folder):
        if entry.name.endswith(".png") and entry.is_file(follow_symlinks=False):
            info = entry.stat(follow_symlinks=False)
            entries.append((info.st_mtime_ns, entry.name, info.st_size))
    total = sum(size for *_, size in entries)
    for _, name, size in sorted(entries):
        if total <= STORE_BYTES:
            break
        try:
            os.unlink(folder / name)
        except OSError:
            pass
        total -= size
