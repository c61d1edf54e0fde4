"""Files of the archive: written once, atomically, and never overwritten.

A record is written to a hidden temporary file in its final folder (``.<name>.<random>.tmp``),
flushed to disk, made read-only, and then hard-linked to its final name, which fails if
that name exists (so a record is never replaced), before the temporary name is removed.
The manifests are replaced whole (``reportgen.files.write_atomic``). Temporary files
left by a killed run are removed at the start of the next one.

Test-only crash point: :func:`crash_point` kills the process (SIGKILL, so no cleanup
runs) when the environment variable ``REPORTGEN_TEST_CRASH_AFTER`` names the stage
reached. Stages: ``record-temp`` (record written to its temporary name, not yet in place),
``record`` (record in place, manifests not yet updated), ``manifest`` (manifest.jsonl
replaced, manifest.csv not yet). Unset, it does nothing.
"""

from __future__ import annotations

import errno
import fcntl
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reportgen.files import TEMP_SUFFIX, fsync_dir, write_temp

CRASH_ENV = "REPORTGEN_TEST_CRASH_AFTER"
LOCK_NAME = ".archive.lock"
RECORD_MODE = 0o444


class RecordExists(FileExistsError):
    """The final name of a record is taken: records are never overwritten."""


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


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold ``<root>/.archive.lock`` so that two archive runs cannot interleave."""
    Path(root).mkdir(parents=True, exist_ok=True)
    with open(Path(root) / LOCK_NAME, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
