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
import re
import tempfile
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
        pending = {f"{FIGURES_DIR}/{name}": data}
        if replace:
            pending[f"{FIGURES_DIR}/{replace}"] = None
        try:
            ws = load_workspace(root, pending)
        except InvalidInput as exc:
            return _refused(exc.problems, name, filename)
        kept = _keep_old(root, replace, now) if replace else None
        folder = root / FIGURES_DIR
        folder.mkdir(exist_ok=True)
        while not write_new(folder / name, data):  # another process took the name meanwhile
            name = _free_name(root, f"tai-len-{now:%Y%m%d-%H%M%S}", suffix)
        write_atomic(folder / (name + ORIGINAL_SUFFIX), filename.encode("utf-8"))
    return Outcome(written=f"{FIGURES_DIR}/{name}", kept_copy=kept, original=filename,
                   problems=in_order([_relabel(p, name, filename) for p in ws.warnings]),
                   recognised=_recognised(ws, f"{FIGURES_DIR}/{name}"))


DUPLICATE = re.compile(r"^trùng kỳ và đơn vị với (figures/[^,]+), dòng \d+$")
UNKNOWN_HEADING = re.compile(r"^tiêu đề cột không nhận ra: ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\");")


def _refused(problems: list[Problem], stored: str, filename: str) -> Outcome:
    """The Outcome of a refused upload: its problems in order, and what the page can offer
    (to replace the file that already has these figures, to map an unknown heading)."""
    label = f"{FIGURES_DIR}/{stored}"
    own = [p for p in problems if p.file == label and p.severity == "error"]
    duplicates = [DUPLICATE.match(p.message) for p in own]
    outcome = Outcome(problems=in_order([_relabel(p, stored, filename) for p in problems]))
    if own and all(duplicates):
        outcome.duplicate_of = sorted({m.group(1).split("/", 1)[1] for m in duplicates})
        outcome.duplicate_periods = sorted({p.value.split(",")[0] for p in own if p.value})
    for problem in own:
        if match := UNKNOWN_HEADING.match(problem.message):
            outcome.unknown_headings.append(ast.literal_eval(match.group(1)))
    return outcome


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
    from reportgen.sources.boundary import Refused, read_inside
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
    from reportgen.sources.structured import load_config

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
    with tempfile.TemporaryDirectory(prefix="reportgen-config-") as folder:
        (Path(folder) / label).write_bytes(new)
        config, problems = load_config(Path(folder), label)
    if config is None:
        return problems or [Problem(label, "tệp cấu hình sau khi sửa không đọc được")]
    write_atomic(root / label, new)
    return []
