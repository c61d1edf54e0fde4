"""Loading a workspace: config, units, figures and meetings, validated as one.

``load_workspace`` either returns a :class:`Workspace` (with any warnings) or raises
:class:`~reportgen.errors.InvalidInput` listing every error of every file.
"""

from __future__ import annotations

import fnmatch
import io
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd

from reportgen import cycle
from reportgen.errors import InvalidInput, Problem
from reportgen.kinds import KINDS
from reportgen.periods import Period
from reportgen.procedure_fields import FieldIndex
from reportgen.schema import MAX_PROBLEMS, Config, Limits
from reportgen.sources.boundary import Refused, check_inside, check_size, check_unpacked, read_inside, shorten, visible
from reportgen.sources.photo import load_photo
from reportgen.sources.structured import load_config, load_meeting, load_report_text
from reportgen.sources.tables import Table, UnreadableFile, read_table
from reportgen.sources.workbook import is_plain_table, read_figures_workbook
from reportgen.validate import Figures, check_figures, check_issuers, check_task_recipients, check_units, empty_units
from reportgen.workspace_types import Workspace

CONFIG_FILE = "reportgen.toml"
UNITS_FILE = "units.csv"
FIGURES_DIR = "figures"
MEETINGS_DIR = "meetings"
TEXTS_DIR = "noi-dung"  # the report's own text, one file per unit and period
NO_WORKSPACE = ("không tìm thấy thư mục dữ liệu (workspace): tạo mới bằng `reportgen init TÊN-THƯ-MỤC`, "
                "hoặc chỉ đến thư mục có sẵn bằng --workspace THƯ-MỤC")


def load_workspace(root: Path, pending: Mapping[str, bytes | None] | None = None) -> Workspace:
    """Read and validate everything; raise InvalidInput with all errors if any.

    ``pending``: the workspace as a change would leave it, before anything is written (the web
    page's upload and meeting form): a figures file, meeting file or photo, or reportgen.toml, by
    its path in the workspace (``figures/x.csv``), with its new bytes, or None for a file the
    change removes (never reportgen.toml).
    Everything else is read from ``root`` as always.
    """
    root = Path(root)
    pending = {_key(name): data for name, data in (pending or {}).items()}
    if not root.is_dir():
        raise InvalidInput([Problem(str(root), NO_WORKSPACE)])
    problems: list[Problem] = []
    config, found = load_config(root, CONFIG_FILE, pending.get(CONFIG_FILE))
    problems += found
    limits = config.limits if config else Limits()
    units, found = _load_units(root, limits)
    problems += found
    field_index = FieldIndex(config.linh_vuc.thu_tu if config else ())
    figures, by_field, period_of, found = _load_figures(root, units, config, limits, pending, field_index)
    problems += found
    end_day = (config or Config()).cutoff.ngay_chot
    problems += cycle.before_founding(figures, units, period_of, end_day) + cycle.disagreements(figures, period_of)
    meetings, files, photos, found = _load_meetings(root, units, figures, limits, pending)
    problems += found
    texts, text_files, found = _load_texts(root, units, figures, limits, pending)
    problems += found
    if config:
        problems += _late_cutoffs(config, meetings) + _unknown_text_units(config, units)
        problems += check_issuers(config, units, KINDS.values())
        problems += check_task_recipients(config, units, meetings, files, KINDS.values())
    if any(p.severity == "error" for p in problems):
        raise bounded(problems)
    return Workspace(root, config or Config(), units, figures, meetings, files,
                     [shown(p) for p in problems if p.severity == "warning"], photos, texts, text_files,
                     by_field, field_index, period_of)


def _unknown_text_units(config: Config, units: pd.DataFrame) -> list[Problem]:
    """An error for each ``[noi_dung.don_vi.<code>]`` whose code units.csv does not have."""
    return [Problem(CONFIG_FILE, "mã đơn vị không có trong units.csv", column=f"noi_dung.don_vi.{code}", value=code)
            for code in config.noi_dung.don_vi if code not in units.index]


def _late_cutoffs(config: Config, meetings: dict) -> list[Problem]:
    """A warning for a ``[cutoff.so_lieu_den]`` day after the report's date of a meeting of its period."""
    problems = []
    for period, taken in sorted(config.cutoff.so_lieu_den.items()):
        for (ky, unit), meeting in sorted(meetings.items()):
            report_date = meeting.ngay_bao_cao or meeting.ngay
            if ky == period and not meeting.so_lieu_den and taken > report_date:
                problems.append(Problem(
                    CONFIG_FILE, f"số liệu kỳ {period} tính đến sau ngày báo cáo của {unit} "
                    f"({report_date:%d/%m/%Y})", column=f"cutoff.so_lieu_den.{period}",
                    value=taken.isoformat(), severity="warning"))
    return problems


def bounded(problems: list[Problem], limit: int = MAX_PROBLEMS) -> InvalidInput:
    """InvalidInput with the first ``limit`` errors (and the warnings among them), values shortened.

    The rest are only counted (``omitted``), so a huge broken file gives a readable report
    in linear time and memory.
    """
    kept, errors, omitted = [], 0, 0
    for problem in problems:
        if problem.severity == "error":
            errors += 1
            if errors > limit:
                omitted += 1
                continue
        elif len(kept) >= limit:
            continue
        kept.append(shown(problem))
    error = InvalidInput(kept)
    error.omitted = omitted
    return error


def shown(problem: Problem) -> Problem:
    """A problem as it may be printed: value shortened, control characters escaped in every field
    (a file or column name from the workspace could otherwise drive the terminal)."""
    return replace(problem, file=visible(shorten(problem.file, 200)), message=visible(problem.message),
                   column=visible(shorten(problem.column)), value=shorten(problem.value),
                   heading=visible(shorten(problem.heading)))


def _read(root: Path, label: str, limits: Limits, sheet: str | None = None,
          data: bytes | None = None) -> tuple[Table | None, list[Problem]]:
    """Read a table inside the workspace (``label`` is its path there), within the size limit.

    ``data``: the file's bytes when the caller has already read them with ``read_inside``.
    """
    try:
        if data is None:
            data = read_inside(root, label, limits.figures_bytes, "figures_file_mb")
        table = read_table(root / label, sheet, data)
    except (Refused, UnreadableFile) as exc:
        return None, [Problem(label, str(exc))]
    return table, [Problem(label, note, severity="warning") for note in table.notes]


def _read_workbook(data: bytes, label: str, units: pd.DataFrame, config: Config):
    """An office's summary workbook (title rows, merged header, unit names), from its bytes."""
    try:
        table, problems = read_figures_workbook(io.BytesIO(data), label, units, config.sources, config.labels.columns,
                                                config.limits, config.cutoff.ngay_chot)
    except UnreadableFile as exc:
        return None, [Problem(label, str(exc))]
    return table, problems + ([Problem(label, n, severity="warning") for n in table.notes] if table else [])


def _load_units(root: Path, limits: Limits) -> tuple[pd.DataFrame, list[Problem]]:
    path = root / UNITS_FILE
    if not path.exists() and not path.is_symlink():
        return empty_units(), [Problem(UNITS_FILE, "thiếu tệp danh sách đơn vị units.csv")]
    table, problems = _read(root, UNITS_FILE, limits)
    if table is None:
        return empty_units(), problems
    units, found = check_units(table, UNITS_FILE, limits)
    return units, problems + found


def _folder(root: Path, name: str) -> tuple[Path | None, list[Problem]]:
    """A folder of the workspace, refused if it is a symbolic link; None if absent."""
    try:
        folder = check_inside(root, name)
    except Refused as exc:
        return None, [Problem(name, str(exc))]
    return (folder if folder.is_dir() else None), []


def figure_files(root: Path) -> list[Path]:
    """The .csv and .xlsx files of figures/, in a stable order (Excel lock files skipped)."""
    folder, _ = _folder(root, FIGURES_DIR)
    if folder is None:
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in (".csv", ".xlsx") and not p.name.startswith("~$"))


def _key(name: str | Path) -> str:
    """A workspace path as ``pending`` names it: ``figures/x.csv`` (``./`` and repeated ``/`` dropped)."""
    return "/".join(part for part in str(name).replace("\\", "/").split("/") if part not in ("", "."))


def _with_pending(folder: str, names: list[str], pending: Mapping[str, bytes | None]) -> list[str]:
    """The file names of ``folder`` once ``pending`` is applied, sorted."""
    inside = {key.split("/", 1)[1]: data for key, data in pending.items()
              if key.startswith(folder + "/") and "/" not in key.split("/", 1)[1]}
    return sorted({n for n in names if inside.get(n, b"") is not None} | {n for n, d in inside.items() if d is not None})


def _load_figures(root: Path, units: pd.DataFrame, config: Config | None, limits: Limits,
                  pending: Mapping[str, bytes | None] = {}, fields: FieldIndex | None = None) -> Figures:
    folder, problems = _folder(root, FIGURES_DIR)
    names = _with_pending(FIGURES_DIR, [p.name for p in figure_files(root)] if folder else [], pending)
    files = [root / FIGURES_DIR / n for n in names
             if Path(n).suffix.lower() in (".csv", ".xlsx") and not n.startswith("~$")]
    if not files:
        none = [Problem(FIGURES_DIR, "không có tệp số liệu .csv hoặc .xlsx")]
        return check_figures([], units)._replace(problems=problems or none)
    sheet = config.sources.excel_sheet if config else None
    tables = []
    for path in files:
        label = f"{FIGURES_DIR}/{path.name}"
        try:
            data = (check_size(pending[label], limits.figures_bytes, "figures_file_mb") if label in pending
                    else read_inside(root, label, limits.figures_bytes, "figures_file_mb"))
            if path.suffix.lower() == ".xlsx":
                check_unpacked(data, limits.figures_bytes, "figures_file_mb")
        except Refused as exc:
            problems.append(Problem(label, str(exc)))
            continue
        if path.suffix.lower() == ".xlsx" and not is_plain_table(io.BytesIO(data), sheet):
            table, found = _read_workbook(data, label, units, config or Config())
        else:
            table, found = _read(root, label, limits, sheet, data)
        problems += found
        if table is not None:
            tables.append((table, label))
    figures = check_figures(tables, units, limits, fields)
    return figures._replace(problems=problems + figures.problems)


def _load_meetings(root: Path, units: pd.DataFrame, figures: pd.DataFrame, limits: Limits,
                   pending: Mapping[str, bytes | None] = {}):
    folder, problems = _folder(root, MEETINGS_DIR)
    names = _with_pending(MEETINGS_DIR, [p.name for p in folder.glob("*.y*ml")] if folder else [], pending)
    paths = [root / MEETINGS_DIR / n for n in names if fnmatch.fnmatch(n, "*.y*ml")]
    meetings, files, photos = {}, {}, {}
    for path in paths:
        label = f"{MEETINGS_DIR}/{path.name}"
        meeting, found = load_meeting(root, label, limits, pending.get(label))
        problems += found
        if meeting is None:
            continue
        found = _check_unit_period(meeting.don_vi, meeting.ky, label, units, figures, files, limits, "cuộc họp")
        photo = None
        if meeting.anh is not None and meeting.anh.tep:
            try:
                photo = load_photo(root, meeting.anh.tep, limits.photo_bytes, pending.get(_key(meeting.anh.tep)))
            except Refused as exc:
                found.append(Problem(label, f"ảnh: {exc}", column="anh.tep", value=visible(meeting.anh.tep)))
        problems += found
        if not any(p.severity == "error" for p in found):
            key = (meeting.ky, meeting.don_vi)
            meetings[key] = meeting
            files[key] = path
            if photo is not None:
                photos[key] = photo
    return meetings, files, photos, problems


def _load_texts(root: Path, units: pd.DataFrame, figures: pd.DataFrame, limits: Limits,
                pending: Mapping[str, bytes | None] = {}):
    """The report's own text of each unit and period: ``noi-dung/*.yaml``, read as meeting files are."""
    folder, problems = _folder(root, TEXTS_DIR)
    names = _with_pending(TEXTS_DIR, [p.name for p in folder.glob("*.y*ml")] if folder else [], pending)
    paths = [root / TEXTS_DIR / n for n in names if fnmatch.fnmatch(n, "*.y*ml")]
    texts, files = {}, {}
    for path in paths:
        label = f"{TEXTS_DIR}/{path.name}"
        text, found = load_report_text(root, label, limits, pending.get(label))
        if text is not None:
            found += _check_unit_period(text.don_vi, text.ky, label, units, figures, files, limits,
                                        "nội dung báo cáo")
        problems += found
        if text is not None and not any(p.severity == "error" for p in found):
            texts[(text.ky, text.don_vi)] = text
            files[(text.ky, text.don_vi)] = path
    return texts, files, problems


def _check_unit_period(unit: str, ky: Period, label: str, units, figures, files, limits: Limits,
                       what: str) -> list[Problem]:
    """A meeting's or a report text's unit and period: known, with figures, not given twice."""
    problems = []
    if unit not in units.index:
        problems.append(Problem(label, "mã đơn vị không có trong units.csv", column="don_vi", value=unit))
    if limits.period_problem(ky):
        return problems  # the file's loader reported it, on its line
    if not cycle.available(figures, ky):
        problems.append(Problem(label, "không có số liệu của kỳ này trong figures/", column="ky", value=str(ky)))
    key = (ky, unit)
    if key in files:
        problems.append(Problem(label, f"trùng {what} với {files[key].parent.name}/{files[key].name}",
                                column="ky, don_vi", value=f"{ky}, {unit}"))
    return problems
