"""Uploading a figures file: checked, then validated with the whole workspace, then kept.

The upload is checked by the same loader as ``reportgen validate``, over the real workspace
with the upload pending in it (``load_workspace(root, pending)``), so the page lists the same
problems as the command line. Only an upload without errors is written into ``figures/``,
atomically, under a new generated name (never the uploaded one, never over another file),
with the uploaded name kept beside it. Replacing a file keeps the old one as a dated copy in
``luu-cu/figures/`` (outside ``figures/``, so it is not read as figures).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import threading
from dataclasses import dataclass, field
from dataclasses import replace as replace_fields
from pathlib import Path

from reportgen.errors import InvalidInput, Problem
from reportgen.files import fsync_dir, write_atomic, write_new
from reportgen.workspace import FIGURES_DIR, Workspace, figure_files, load_workspace

KINDS = {".csv": "CSV", ".xlsx": "Excel (.xlsx)"}
OLD_COPIES = Path("luu-cu") / FIGURES_DIR
ZIP_MAGIC = b"PK\x03\x04"
ORIGINAL_SUFFIX = ".ten-goc.txt"  # beside an uploaded file: the name it had on the user's computer
_WRITING = threading.Lock()  # one upload checked and written at a time


@dataclass
class Outcome:
    """What became of an upload: the file written, or the problems that stopped it."""

    written: str | None = None
    kept_copy: str | None = None
    original: str | None = None
    problems: list[Problem] = field(default_factory=list)
    workspace: Workspace | None = None


def check_file(filename: str, data: bytes, limit: int) -> list[Problem]:
    """Problems with the upload itself: type, size, content that is not what it says."""
    label = filename or "(không tên)"
    suffix = Path(filename).suffix.lower()
    if suffix not in KINDS:
        return [Problem(label, "chỉ nhận tệp .csv hoặc .xlsx", value=suffix or filename)]
    if not data:
        return [Problem(label, "tệp rỗng")]
    if len(data) > limit:
        return [Problem(label, f"tệp quá lớn: tối đa {limit // (1024 * 1024)} MB", value=f"{len(data)} byte")]
    if suffix == ".xlsx" and not data.startswith(ZIP_MAGIC):
        return [Problem(label, "không phải tệp Excel .xlsx (nội dung không đúng định dạng)")]
    if suffix == ".csv" and b"\x00" in data[:65536]:
        return [Problem(label, "không phải tệp văn bản CSV (có byte NUL)")]
    return []


def accept(root: Path, filename: str, data: bytes, replace: str | None, now: dt.datetime) -> Outcome:
    """Validate the upload with the workspace as it is; write it only when there is no error.

    The loader reads the real workspace (its meetings, their photos, every figures file) with
    the upload in place of ``figures/<replace>``; nothing is copied. The stored name is new
    (created exclusively, never replacing a file), and the name the user chose is kept beside
    it (``<stored>`` + ``ORIGINAL_SUFFIX``).
    """
    suffix = Path(filename).suffix.lower()
    with _WRITING:
        name = _free_name(root, f"tai-len-{now:%Y%m%d-%H%M%S}", suffix)
        pending = {f"{FIGURES_DIR}/{name}": data}
        if replace:
            pending[f"{FIGURES_DIR}/{replace}"] = None
        try:
            ws = load_workspace(root, pending)
        except InvalidInput as exc:
            return Outcome(problems=[_relabel(p, name, filename) for p in exc.problems])
        kept = _keep_old(root, replace, now) if replace else None
        folder = root / FIGURES_DIR
        folder.mkdir(exist_ok=True)
        while not write_new(folder / name, data):  # another process took the name meanwhile
            name = _free_name(root, f"tai-len-{now:%Y%m%d-%H%M%S}", suffix)
        write_atomic(folder / (name + ORIGINAL_SUFFIX), filename.encode("utf-8"))
    return Outcome(written=f"{FIGURES_DIR}/{name}", kept_copy=kept, original=filename,
                   problems=[_relabel(p, name, filename) for p in ws.warnings])


def _free_name(root: Path, stem: str, suffix: str) -> str:
    """``stem + suffix``, or ``stem-2 + suffix`` ... : the first name not taken in figures/."""
    folder = root / FIGURES_DIR
    for number in itertools.count(1):
        name = f"{stem}{'' if number == 1 else f'-{number}'}{suffix}"
        if not os.path.lexists(folder / name):
            return name
    raise AssertionError("unreachable")


def original_name(root: Path, stored: str) -> str | None:
    """The name the user's file had when it was uploaded as ``figures/<stored>``, if known."""
    from reportgen.sources.guard import Refused, read_inside
    try:
        return read_inside(root, f"{FIGURES_DIR}/{stored}{ORIGINAL_SUFFIX}", 4096, None).decode("utf-8").strip() or None
    except (Refused, UnicodeDecodeError):
        return None


def _relabel(problem: Problem, stored: str, uploaded: str) -> Problem:
    """Problems of the upload name the file as the user chose it."""
    if problem.file == f"{FIGURES_DIR}/{stored}":
        return replace_fields(problem, file=uploaded)
    return problem


def _keep_old(root: Path, replace: str, now: dt.datetime) -> str:
    """Move ``figures/<replace>`` (and its original name) to a dated copy; the copy's path in the workspace."""
    old = root / FIGURES_DIR / replace
    folder = root / OLD_COPIES
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{old.stem}-{now:%Y%m%d-%H%M%S}"
    number = 1
    while os.path.lexists(copy := folder / f"{stem}{'' if number == 1 else f'-{number}'}{old.suffix}"):
        number += 1
    os.replace(old, copy)
    if (old.parent / (old.name + ORIGINAL_SUFFIX)).is_file():
        os.replace(old.parent / (old.name + ORIGINAL_SUFFIX), folder / (copy.name + ORIGINAL_SUFFIX))
    fsync_dir(folder)
    return str(OLD_COPIES / copy.name)


def replaceable(root: Path) -> list[str]:
    """The names of the figures files an upload may replace."""
    return [p.name for p in figure_files(root)]
