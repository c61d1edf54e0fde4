"""Uploading a figures file: checked, then validated with the whole workspace, then kept.

The upload is checked by the same loader as ``reportgen validate``, over the real workspace
with the upload pending in it (``load_workspace(root, pending)``), so the page lists the same
problems as the command line. Only an upload without errors is written into ``figures/``,
atomically, under a new generated name (never the uploaded one, never over another file),
with the uploaded name kept beside it. Replacing a file keeps the old one as a dated copy in
``luu-cu/figures/`` (outside ``figures/``, so it is not read as figures).
"""

from __future__ import annotations

import ast
import datetime as dt
import itertools
import os
import re
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
    recognised: "Recognised | None" = None
    # when the upload's only errors are figures already given by other files: those files
    duplicate_of: list[str] = field(default_factory=list)
    duplicate_periods: list[str] = field(default_factory=list)
    unknown_headings: list[str] = field(default_factory=list)  # headings the reader did not know


@dataclass
class Recognised:
    """What an accepted upload holds: its periods, how many units, and its totals."""

    periods: list[str]
    units: int
    received: int
    resolved: int
    in_progress: int


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
        pending: dict[str, bytes | None] = {f"{FIGURES_DIR}/{name}": data}
        if replace:
            pending[f"{FIGURES_DIR}/{replace}"] = None
        try:
            ws = load_workspace(root, pending)
        except InvalidInput as exc:
            return _refused(root, exc.problems, name, filename)
        kept = _keep_old(root, replace, now) if replace else None
        folder = root / FIGURES_DIR
        folder.mkdir(exist_ok=True)
        while not write_new(folder / name, data):  # another process took the name meanwhile
            name = _free_name(root, f"tai-len-{now:%Y%m%d-%H%M%S}", suffix)
        write_atomic(folder / (name + ORIGINAL_SUFFIX), filename.encode("utf-8"))
    return Outcome(written=f"{FIGURES_DIR}/{name}", kept_copy=kept, original=filename,
                   problems=in_order([_relabel(p, name, filename) for p in ws.warnings]),
                   recognised=_recognised(ws, f"{FIGURES_DIR}/{name}"))


DUPLICATE = re.compile(r"^trùng kỳ và đơn vị với (figures/[^,]+), dòng (\d+)$")
UNKNOWN_HEADING = re.compile(r"^tiêu đề cột không nhận ra: ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\");")


def _refused(root: Path, problems: list[Problem], stored: str, filename: str) -> Outcome:
    """The Outcome of a refused upload: its problems in order, and what the page can offer
    (to replace the file that already has these figures, to map an unknown heading). Rows
    whose figures another file already has are one problem per file, not one per row."""
    label = f"{FIGURES_DIR}/{stored}"
    own = [p for p in problems if p.file == label and p.severity == "error"]
    repeated = []  # (the duplicate problem, the other file, the row in the upload)
    for problem in problems:
        match = DUPLICATE.match(problem.message) if problem.severity == "error" else None
        if match and problem.file == label:
            repeated.append((problem, match.group(1), problem.row))
        elif match and match.group(1) == label:  # the other file is read first: it is named the duplicate
            repeated.append((problem, problem.file, int(match.group(2))))
    shown = [p for p in problems if not any(p is r for r, _, _ in repeated)]
    outcome = Outcome(problems=in_order([_relabel(p, stored, filename) for p in shown]
                                        + _collapsed(root, repeated, filename)))
    if repeated and not [p for p in shown if p.file == label and p.severity == "error"]:
        outcome.duplicate_of = sorted({other.split("/", 1)[1] for _, other, _ in repeated})
        outcome.duplicate_periods = sorted({p.value.split(",")[0] for p, _, _ in repeated if p.value})
    for problem in own:
        if match := UNKNOWN_HEADING.match(problem.message):
            outcome.unknown_headings.append(ast.literal_eval(match.group(1)))
    return outcome


def _collapsed(root: Path, repeated: list, uploaded: str) -> list[Problem]:
    """One problem per figures file that already has some of the upload's rows (its periods in
    words, how many units), at the first such row."""
    from reportgen.web.words import period_words

    by_file: dict[str, list[tuple[Problem, int | None]]] = {}
    for problem, other, row in repeated:
        by_file.setdefault(other, []).append((problem, row))
    found = []
    for other, rows in by_file.items():
        stored = other.split("/", 1)[1]
        periods = sorted({p.value.split(",")[0].strip() for p, _ in rows if p.value})
        units = {p.value.split(",", 1)[1].strip() for p, _ in rows if p.value and "," in p.value}
        shown = original_name(root, stored) or stored
        found.append(Problem(uploaded, f"số liệu {', '.join(period_words(p) for p in periods)} của {len(units)} đơn vị "
                             f"đã có trong tệp {shown}; nếu tệp mới thay cho tệp đó, hãy chọn tệp đó ở mục “Thay thế "
                             "tệp đang có” và đánh dấu ô xác nhận", row=min(row or 0 for _, row in rows) or None,
                             column="ky, ma_don_vi"))
    return found


def in_order(problems: list[Problem]) -> list[Problem]:
    """Errors first, then warnings; each in file and row order (the order a clerk fixes them in)."""
    return sorted(problems, key=lambda p: (p.severity != "error", p.file, p.row or 0))


def _recognised(ws: Workspace, label: str) -> Recognised:
    rows = ws.figures[ws.figures["_file"] == label]
    def total(*names):
        return int(sum(int(rows[n].astype(int).sum()) for n in names))
    return Recognised(periods=sorted(set(rows["ky"].map(ws.period_of))), units=int(rows["ma_don_vi"].nunique()),
                      received=total("truc_tuyen", "truc_tiep", "buu_chinh", "ky_truoc"),
                      resolved=total("truoc_han", "dung_han", "qua_han"),
                      in_progress=total("dang_trong_han", "dang_qua_han"))


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
    return original_of(root, f"{FIGURES_DIR}/{stored}")


def original_of(root: Path, relative: str) -> str | None:
    """The name a file uploaded through the page (a figures file, a meeting's photo: ``relative``
    in the workspace) had on the user's computer, kept beside it; None if not known."""
    from reportgen.sources.boundary import Refused, read_inside
    try:
        return read_inside(root, f"{relative}{ORIGINAL_SUFFIX}", 4096, None).decode("utf-8").strip() or None
    except (Refused, UnicodeDecodeError, ValueError):
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


HEADING_FIELDS = {  # what an unknown heading may be mapped to, in the clerk's words
    "truc_tuyen": "Số hồ sơ nhận / Trực tuyến", "truc_tiep": "Số hồ sơ nhận / Trực tiếp",
    "buu_chinh": "Số hồ sơ nhận / Qua dịch vụ bưu chính công ích", "ky_truoc": "Số hồ sơ nhận / Kỳ trước chuyển qua",
    "truoc_han": "Đã giải quyết / Trước hạn", "dung_han": "Đã giải quyết / Đúng hạn", "qua_han": "Đã giải quyết / Quá hạn",
    "dang_trong_han": "Đang giải quyết / Trong hạn", "dang_qua_han": "Đang giải quyết / Quá hạn",
    "ten_don_vi": "Tên đơn vị", "ma_don_vi": "Mã đơn vị", "ky": "Kỳ báo cáo", "stt": "Số thứ tự (STT)",
    "bo_qua": "Không dùng (bỏ qua cột này)",
}
MAX_HEADING = 200


def map_heading(root: Path, heading: str, field_name: str) -> list[Problem]:
    """Write ``"<heading>" = "<field>"`` into ``[sources.columns]`` of reportgen.toml, keeping its
    comments, order and layout (tomlkit). Nothing is written when the result would not load."""
    import tomlkit

    from reportgen.schema import CONFIG_FILE_BYTES, SOURCE_FIELDS
    from reportgen.sources.boundary import Refused, bad_character, read_inside

    label = "reportgen.toml"
    if field_name not in SOURCE_FIELDS:
        return [Problem(label, "hãy chọn một trường trong danh sách", column="sources.columns", value=field_name)]
    if not heading.strip() or len(heading) > MAX_HEADING or bad_character(heading, in_cell=True):
        return [Problem(label, f"tiêu đề cột không hợp lệ (tối đa {MAX_HEADING} ký tự, không ký tự điều khiển)",
                        column="sources.columns", value=heading[:80])]
    try:
        text = read_inside(root, label, CONFIG_FILE_BYTES, None).decode("utf-8")
        document = tomlkit.parse(text)
    except (Refused, UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        return [Problem(label, f"không sửa được tệp cấu hình: {exc}")]
    sources = document.get("sources")
    if sources is None:
        sources = tomlkit.table()
        document.add("sources", sources)
    columns = sources.get("columns")
    if columns is None:
        columns = tomlkit.table()
        sources.add("columns", columns)
    columns[heading.strip()] = field_name
    new = tomlkit.dumps(document).encode("utf-8")
    with _WRITING:  # checked as the loader reads it: the config, and every figures file read with it
        problems = _new_errors(root, {label: new})
        if problems:
            return problems
        write_atomic(root / label, new)
    return []


def _new_errors(root: Path, pending: dict[str, bytes]) -> list[Problem]:
    """The errors the workspace would have with ``pending`` written that it does not have now
    (a workspace already wrong elsewhere does not stop a change that adds nothing wrong)."""
    try:
        load_workspace(root, pending)
        return []
    except InvalidInput as exc:
        after = [p for p in exc.problems if p.severity == "error"]
    try:
        load_workspace(root)
        before: set[str] = set()
    except InvalidInput as exc:
        before = {str(p) for p in exc.problems}
    return [p for p in after if str(p) not in before]
