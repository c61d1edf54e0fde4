"""Writing files so that a reader never sees half of one.

Every output goes to a temporary name (``.<name>.<random>.tmp``), is flushed to disk, and
only then takes its final name. The temporary name is in the final folder, or in the
folder a caller names (``temp_dir``, on the same file system): a build uses its run's
:class:`RunFolder`, so an interrupted build leaves its leftovers in one known place, and
the next build removes them (and counts them).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from reportgen.errors import DiskFault

TEMP_SUFFIX = ".tmp"
# ``.<name>.<8 characters of mkstemp>.tmp``: what write_temp leaves next to a file when killed
STRAY_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
LOCK_NAME = ".lock"


def write_temp(path: Path, data: bytes, mode: int = 0o644, temp_dir: Path | None = None) -> Path:
    """Write ``data`` to a new temporary file next to ``path`` (or in ``temp_dir``), fsynced.

    A failure of the machine (disk full, no permission, read-only) raises DiskFault naming
    ``path``'s folder (also when the temporary file is in ``temp_dir``); nothing is left behind."""
    path = Path(path)
    with faults_named(path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)
    folder = path.parent if temp_dir is None else Path(temp_dir)
    # named by the folder the file is for: the build's temporary folder (<out>/.reportgen/tmp/
    # run-…) is on the same disk, but it is not what the user asked to write to
    with faults_named(path.parent):
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(name, mode)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
    return Path(name)


def write_atomic(path: Path, data: bytes, mode: int = 0o644, temp_dir: Path | None = None) -> None:
    """Replace ``path`` with ``data`` in one step (temporary file, fsync, rename); DiskFault as write_temp."""
    path = Path(path)
    tmp = write_temp(path, data, mode, temp_dir)
    with faults_named(path.parent):
        try:
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(path.parent)


@contextmanager
def faults_named(folder: Path, doing: str = ""):
    """An OSError in the block becomes DiskFault naming ``folder`` (a DiskFault passes as it is)."""
    try:
        yield
    except DiskFault:
        raise
    except OSError as exc:
        raise DiskFault(exc.errno, folder, doing) from exc


def write_new(path: Path, data: bytes, mode: int = 0o644) -> bool:
    """Create ``path`` with ``data`` in one step, never replacing a file: False when ``path`` exists.

    Written to a temporary file first, then hard-linked to its name (``link`` fails on an
    existing name, atomically), so a reader sees the whole file or none.
    """
    path = Path(path)
    tmp = write_temp(path, data, mode)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)
    return True


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class RunFolder:
    """A build's named temporary folder: ``<root>/run-<pid>-<random>/``, removed at the end.

    While the run lives, the folder's ``.lock`` is locked (``flock``); the lock dies with
    the process (and its workers, which share it), however it ends. Entering also removes
    every folder under ``root`` whose lock nobody holds, the leftovers of a run that was
    killed, and counts their files in :attr:`cleaned`. Each run gets its own folder, so
    two builds into the same output root do not remove each other's files.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self._path: Path | None = None
        self.cleaned = 0
        self._lock_fd: int | None = None

    def __enter__(self) -> "RunFolder":
        with faults_named(self.root, "tạo thư mục tạm của lần lập"):
            self.root.mkdir(parents=True, exist_ok=True)
            self.cleaned = remove_stale_runs(self.root)
            self._path = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=self.root))
            try:
                self._lock_fd = os.open(self.path / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
            except BaseException:
                shutil.rmtree(self.path, ignore_errors=True)
                raise
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        return self

    @property
    def path(self) -> Path:
        """The run's folder (made on entering)."""
        if self._path is None:
            raise RuntimeError("RunFolder.path before the run folder was entered")
        return self._path

    def __exit__(self, *exc) -> None:
        if self._path is not None:
            shutil.rmtree(self._path, ignore_errors=True)
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def remove_stale_runs(root: Path) -> int:
    """Remove the run folders under ``root`` that no live process holds; return their file count."""
    count = 0
    for entry in sorted(Path(root).iterdir()):
        if not entry.is_dir() or entry.is_symlink():
            entry.unlink(missing_ok=True)
            count += 1
            continue
        if _held(entry / LOCK_NAME):
            continue
        count += sum(1 for p in entry.rglob("*") if p.is_file() and p.name != LOCK_NAME)
        shutil.rmtree(entry, ignore_errors=True)
    return count


def _held(lock: Path) -> bool:
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False  # no lock file: the run died before taking it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def remove_stray_temps(root: Path, skip: str | None = None) -> int:
    """Remove ``.<name>.<random>.tmp`` files under ``root`` (from versions that wrote them
    next to their target); ``skip`` names a top-level folder left alone. Return the count."""
    count = 0
    for folder, dirs, files in os.walk(root):
        if skip is not None and Path(folder) == Path(root):
            dirs[:] = [d for d in dirs if d != skip]
        for name in files:
            if STRAY_TEMP.match(name):
                Path(folder, name).unlink(missing_ok=True)
                count += 1
    return count
