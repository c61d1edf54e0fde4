"""Files of the archive: written once, atomically, and never overwritten.

A record is written to a hidden temporary file in its final folder (``.<name>.<random>.tmp``),
flushed to disk, made read-only, and then hard-linked to its final name, which fails if
that name exists (so a record is never replaced), before the temporary name is removed.
The manifests are replaced whole (``reportgen.files.write_atomic``). Temporary files
left by a killed run are removed at the start of the next one.

A folder that cannot be used (read-only, a symbolic link loop, not a folder) raises
:class:`ArchiveUnavailable` with the reason in Vietnamese (:func:`describe`), never a
bare OSError.

Test-only crash point: :func:`crash_point` kills the process (SIGKILL, so no cleanup
runs) when the environment variable ``REPORTGEN_TEST_CRASH_AFTER`` names the stage
reached. Stages, in the order a record is filed (see ``journal``): ``intent`` (intent
written, nothing else), ``record-temp`` (record written to its temporary name, not yet in
place), ``record`` (record in place, manifests not yet updated), ``manifest``
(manifest.jsonl replaced, manifest.csv not yet), ``row`` (both manifests written, intent
not yet removed). Unset, it does nothing.
"""

from __future__ import annotations

import errno
import fcntl
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reportgen.errors import FAULT_TEXT, DiskFault, ReportgenError
from reportgen.files import TEMP_SUFFIX, fsync_dir, write_temp

CRASH_ENV = "REPORTGEN_TEST_CRASH_AFTER"
LOCK_NAME = ".archive.lock"
RECORD_MODE = 0o444


class RecordExists(FileExistsError):
    """The final name of a record is taken: records are never overwritten."""


class ArchiveUnavailable(ReportgenError):
    """The archive folder cannot be read or written (read-only, symbolic link loop...)."""

    exit_code = 1


def describe(exc: OSError) -> str:
    """``[Errno 30] Read-only file system: 'a/b'`` -> ``a/b: hệ thống tệp chỉ đọc``.

    A temporary file that could not be created is named by its folder (its random name
    would tell the user nothing).
    """
    if isinstance(exc, DiskFault):
        return f"{exc.folder}: {FAULT_TEXT.get(exc.errno or 0, exc.strerror)}"
    text = FAULT_TEXT.get(exc.errno or 0, exc.strerror or str(exc))
    if not exc.filename:
        return text
    name = Path(os.fsdecode(exc.filename))
    return f"{name.parent if is_temp(name) else name}: {text}"


def unavailable(root: Path, exc: OSError) -> ArchiveUnavailable:
    """The error to raise when the archive folder ``root`` cannot be used."""
    return ArchiveUnavailable(f"Không dùng được thư mục lưu trữ {root}: {describe(exc)}")


def crash_point(stage: str) -> None:
    """Test hook: die here, as a killed process would, when ``REPORTGEN_TEST_CRASH_AFTER=stage``."""
    if os.environ.get(CRASH_ENV) == stage:
        os.kill(os.getpid(), signal.SIGKILL)


def write_once(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` (read-only), or raise RecordExists if ``path`` is taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = write_temp(path, data, RECORD_MODE)
    try:
        crash_point("record-temp")
        _link_exclusive(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


def _link_exclusive(tmp: Path, path: Path) -> None:
    """Hard-link ``tmp`` to ``path``; never replaces an existing ``path``."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise RecordExists(path) from None
    except OSError as exc:  # a file system without hard links
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if path.exists():
            raise RecordExists(path) from None
        os.replace(tmp, path)


def is_temp(path: Path) -> bool:
    """A temporary file of ours: ``.<name>.<random>.tmp``."""
    return path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)


def remove_stray_temps(root: Path) -> list[Path]:
    """Delete the temporary files a killed run left under ``root``; return them."""
    stray = [p for p in Path(root).rglob(f".*{TEMP_SUFFIX}") if p.is_file() and is_temp(p)]
    for path in stray:
        path.unlink(missing_ok=True)
    return stray


def check_folder(root: Path) -> None:
    """Raise the OSError that makes ``root`` unusable as a folder (a loop, a file...), if any."""
    os.stat(root)  # ELOOP, EACCES, ENOENT... as the system says it
    if not Path(root).is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(root))


@contextmanager
def locked(root: Path, create: bool = True) -> Iterator[None]:
    """Hold ``<root>/.archive.lock`` so that two archive runs cannot interleave.

    In a folder this process may not write to, an existing lock file is opened read-only
    (a lock needs no write access), so that a run that writes nothing still works; a run
    that must write then fails on that write, with the reason. Raises ArchiveUnavailable.
    """
    root = Path(root)
    try:
        if create and not os.path.lexists(root):
            root.mkdir(parents=True)
        check_folder(root)
        handle = _open_lock(root / LOCK_NAME)
    except OSError as exc:
        raise unavailable(root, exc) from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _open_lock(path: Path):
    try:
        return open(path, "a")
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS) or not path.is_file():
            raise
        return open(path, "r")
