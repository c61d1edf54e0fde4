"""Uploading a figures file: checked, then validated with the whole workspace, then kept.

The upload is tried in a temporary copy of the workspace with exactly the same loader as
``reportgen validate``, so the page lists the same problems as the command line. Only an
upload without errors is written into ``figures/``, atomically, under a generated name
(never the uploaded one). Replacing a file keeps the old one as a dated copy in
``luu-cu/figures/`` (outside ``figures/``, so it is not read as figures).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import InvalidInput, Problem
from reportgen.files import fsync_dir, write_atomic
from reportgen.workspace import FIGURES_DIR, Workspace, figure_files, load_workspace

KINDS = {".csv": "CSV", ".xlsx": "Excel (.xlsx)"}
OLD_COPIES = Path("luu-cu") / FIGURES_DIR
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Outcome:
    """What became of an upload: the file written, or the problems that stopped it."""

    written: str | None = None
    kept_copy: str | None = None
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
    """Validate the upload with the workspace; write it only when there is no error."""
    suffix = Path(filename).suffix.lower()
    name = f"tai-len-{now:%Y%m%d-%H%M%S}{suffix}"
    with tempfile.TemporaryDirectory(prefix="reportgen-upload-") as tmp:
        trial = _copy_workspace(root, Path(tmp) / "ws", skip=replace)
        (trial / FIGURES_DIR).mkdir(exist_ok=True)
        (trial / FIGURES_DIR / name).write_bytes(data)
        try:
            ws = load_workspace(trial)
        except InvalidInput as exc:
            return Outcome(problems=[_relabel(p, name, filename) for p in exc.problems])
    kept = _keep_old(root, replace, now) if replace else None
    write_atomic(root / FIGURES_DIR / name, data)
    return Outcome(written=f"{FIGURES_DIR}/{name}", kept_copy=kept,
                   problems=[_relabel(p, name, filename) for p in ws.warnings])


def _relabel(problem: Problem, stored: str, uploaded: str) -> Problem:
    """Problems of the upload name the file as the user chose it."""
    if problem.file == f"{FIGURES_DIR}/{stored}":
        return Problem(uploaded, problem.message, problem.row, problem.column, problem.value, problem.severity)
    return problem


def _copy_workspace(root: Path, trial: Path, skip: str | None) -> Path:
    """The workspace's input files (regular files only) in ``trial``, without ``figures/<skip>``."""
    def ignore(folder, names):
        here = Path(folder)
        return [n for n in names if (here / n).is_symlink() or (here == root / FIGURES_DIR and n == skip)
                or (here == root and n not in ("reportgen.toml", "units.csv", FIGURES_DIR, "meetings", "templates"))]
    shutil.copytree(root, trial, ignore=ignore)
    return trial


def _keep_old(root: Path, replace: str, now: dt.datetime) -> str:
    """Move ``figures/<replace>`` to a dated copy; return the copy's path in the workspace."""
    old = root / FIGURES_DIR / replace
    folder = root / OLD_COPIES
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"{old.stem}-{now:%Y%m%d-%H%M%S}{old.suffix}"
    os.replace(old, copy)
    fsync_dir(folder)
    return str(OLD_COPIES / copy.name)


def replaceable(root: Path) -> list[str]:
    """The names of the figures files an upload may replace."""
    return [p.name for p in figure_files(root)]
