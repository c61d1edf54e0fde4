"""Reading the summary workbook (Biểu tổng hợp) as offices keep it, into figure rows.

An office's ``.xlsx`` has title rows, a header of one or two rows with merged cells
("Số hồ sơ đã giải quyết / Đúng hạn"), an STT column, unit names rather than codes, group
rows ("I. Cấp huyện") and total rows ("Cộng", "Tổng cộng"). :func:`read_figures_workbook`
finds the header, recognises the standard columns by their usual headings, takes the
period from a ``Kỳ`` column, a title cell or ``[sources] ky``, matches unit names against
``units.csv``, skips group and total rows (checking the totals, as warnings), and returns
a :class:`~reportgen.sources.tables.Table` with reportgen's own column names, so every
rule of :mod:`reportgen.validate` applies. Cells are named as Excel names them ("F6").

Headings and names are compared on a key that ignores case, spacing, line breaks and
where the tone mark sits ("Hoà" = "Hòa", "thuý" = "thúy"); the text itself is never changed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from openpyxl.utils import get_column_letter

from reportgen import columns as registry
from reportgen.columns import GROUP_HEADINGS, KEYS, required_for
from reportgen.errors import Problem
from reportgen.periods import Period
from reportgen.schema import Limits, Sources
from reportgen.sources.tables import Table, UnreadableFile, _cell_text, _legacy_note

# a group's "Tổng số" (received_total ...) and the columns it is the sum of
PARTS = {f"{key}_total": registry.in_group(key) for key, group in registry.GROUPS.items() if group.total}
PARTS["new_total"] = registry.NEW
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
HEADER_SCAN = 40  # rows searched for the header


# --- matching keys ------------------------------------------------------------------------

DASHES = str.maketrans({c: " " for c in "-\u2010\u2011\u2012\u2013\u2014\u2212,;"})


def name_key(text: str) -> str:
    """Case, spacing and tone placement ignored, tones kept: ``Xã Mỹ Hoà`` == ``xã  Mỹ Hòa``;
    dashes and commas as spaces (``Lao động - Thương binh`` == ``Lao động, thương binh``)."""
    words = []
    for word in str(text).lower().translate(DASHES).split():
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        words.append(unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS)) + tones)
    return " ".join(words)


def plain(text: str) -> str:
    """Headings compared without any diacritic: ``Trực tuyến`` -> ``truc tuyen``; ``/`` kept."""
    decomposed = unicodedata.normalize("NFD", str(text).lower().replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9/]+", " ", bare).replace("/", " / ").split())


def display(text) -> str:
    return " ".join(str(text).split())


# --- headings -----------------------------------------------------------------------------

SPECIAL = {
    "stt": {"stt", "tt", "so tt", "so thu tu"},
    "ma_don_vi": {"ma don vi", "ma", "ma dv"},
    "ten_don_vi": {"don vi", "ten don vi", "ten", "co quan don vi", "don vi bao cao"},
    "ky": {"ky", "ky bao cao"},
    # the by-field export (bao-cao-2026.md §5): a row per field of procedure, the unit in the title
    "linh_vuc": {"linh vuc", "ten linh vuc", "linh vuc thu tuc hanh chinh", "linh vuc tthc", "linh vuc giai quyet",
                 "linh vuc cong viec giai quyet theo cap", "linh vuc cong viec giai quyet"},
}
TOTAL = ("tong so", "tong")  # a group's "Tổng số"


def _aliases() -> dict[str, tuple[tuple[registry.Column, bool], ...]]:
    """Plain heading -> the columns it may name, each with whether only under its group's heading."""
    found: dict[str, list[tuple[registry.Column, bool]]] = {}
    for column in registry.COLUMNS:
        for alias in column.aliases:
            found.setdefault(alias, []).append((column, False))
        for alias in column.group_aliases:
            found.setdefault(alias, []).append((column, True))
    return {alias: tuple(columns) for alias, columns in found.items()}


ALIASES = _aliases()
FILLERS = sorted(["so ho so", "so", "ho so", "moi tiep nhan", "tiep nhan", "moi", "nhan", "qua dich vu", "qua",
                  "tra", "giai quyet", "da giai quyet", "dang giai quyet", "da", "dang", "tra ket qua", "ket qua",
                  "trong ky", "so moi tiep nhan", "nhan giai quyet", "so ho so nhan giai quyet"],
                 key=len, reverse=True)
def _group(text: str) -> str | None:
    return next((g.key for g in registry.GROUPS.values() if re.search(g.pattern, text)), None)


def _core(text: str) -> str | None:
    """The alias (or ``tong so``) a heading is, once its fillers are taken off; None if none."""
    while text:
        if text in ALIASES or text in TOTAL:
            return text
        filler = next((f for f in FILLERS if text.startswith(f + " ")), None)
        if filler is None:
            return None
        text = text[len(filler) + 1:]
    return None


def classify(group_text: str | None, text: str) -> str | None:
    """The field a heading stands for, or None when it is not a standard heading.

    ``total``-like fields come back as ``received_total`` / ``resolved_total`` /
    ``in_progress_total``; ``bo_qua`` for computed columns (``Tỷ lệ ...``) and notes.
    """
    raw = text.strip()
    if group_text is None and raw in KEYS + ("ky", "ma_don_vi", "ten_don_vi", "linh_vuc"):
        return raw  # reportgen's own column names
    whole = plain(f"{group_text} / {text}" if group_text else text)
    sub = plain(text)
    for name, headings in SPECIAL.items():
        if sub in headings and not group_text:
            return name
    if sub.startswith("ty le") or whole.startswith("ty le"):
        return _share_of(whole)
    if sub.startswith("ghi chu"):
        return "bo_qua"
    group = _group(plain(group_text)) if group_text else _group(sub)
    core = _core(sub)
    if core is None:
        return None
    candidates = ALIASES.get(core, ())
    under = next((c.key for c, _ in candidates if group is not None and c.group == group), None)
    if under:
        return under
    if core in TOTAL:  # "Tổng số" alone: which group's? never guessed
        if group == "received" and re.search(r"\bmoi\b", plain(group_text or sub)):
            return "new_total"  # "Số hồ sơ mới tiếp nhận / Tổng số": without the carried-over files
        return f"{group}_total" if f"{group}_total" in PARTS else None
    loose = next((c for c, grouped in candidates if not grouped), None)
    if loose and group is None:
        return loose.key
    return None  # "Quá hạn" alone: which group's? never guessed


def _share_of(heading: str) -> str:
    """A "Tỷ lệ ..." column: ``ty_le:<share>`` when it is the share of an optional indicator
    (read only with its counts: reportgen computes it), else ``bo_qua`` (computed from the counts)."""
    found = [(len(word), -order, share.key) for order, share in enumerate(registry.SHARES.values())
             for word in share.words if re.search(rf"\b{word}\b", heading)]
    return f"ty_le:{max(found)[2]}" if found else "bo_qua"  # the longest words; on a tie, the first declared


# --- periods ------------------------------------------------------------------------------

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
QUARTER_RE = re.compile(r"\bquy (iv|iii|ii|i|[1-4]) (?:nam |/ |- )?(\d{4})\b")
MONTHS_RE = re.compile(r"\b(6|9) thang dau nam (\d{4})\b")  # "6 tháng đầu năm 2026", "9 THÁNG ĐẦU NĂM 2026"
# "BÁO CÁO ... NĂM 2026": the year, but not the year of a date ("ngày 14 tháng 3 năm 2022") nor of
# "6 tháng cuối năm 2026" (no report period), nor of a quarter written wrong ("quý V năm 2026")
YEAR_RE = re.compile(r"(?<![0-9] )(?<!cuoi )\bnam (\d{4})\b")


WINDOW_RE = re.compile(r"\btu ngay (\d{1,2}) (?:/ )?(\d{1,2}) (?:/ )?(\d{4}) (?:den|toi) ngay "
                       r"(\d{1,2}) (?:/ )?(\d{1,2}) (?:/ )?(\d{4})\b")


def window_in_text(text: str) -> tuple[dt.date, dt.date] | None:
    """``Từ ngày 15/12/2025 đến ngày 14/3/2026`` (or ``15-12-2025``, ``15.12.2025``): the two days;
    None when the text states no window, or a day that does not exist."""
    match = WINDOW_RE.search(plain(text))
    if not match:
        return None
    day = [int(x) for x in match.groups()]
    try:
        return dt.date(day[2], day[1], day[0]), dt.date(day[5], day[4], day[3])
    except ValueError:
        return None


def period_in_text(text: str) -> Period | None:
    """``Quý I năm 2022``, ``QUÝ I/2022``, ``quý 1 năm 2022``, ``6 tháng đầu năm 2026``, ``9 tháng
    đầu năm 2026``, ``năm 2026`` (a title of the year report, not a date's year), or a spelling such
    as ``2022-Q1``, ``2026-6T``, ``2026``; None if none."""
    try:
        return Period.parse(str(text).strip())
    except ValueError:
        pass
    words = plain(text)
    match = QUARTER_RE.search(words)
    if match:
        return Period(int(match.group(2)), ROMAN[match.group(1)])
    match = MONTHS_RE.search(words)
    if match:
        return Period(int(match.group(2)), 1, int(match.group(1)) // 3)
    match = YEAR_RE.search(words)
    if match and not re.search(r"\b(quy|thang)\b", words):
        return Period(int(match.group(1)), 1, 4)
    return None


# --- units --------------------------------------------------------------------------------

LEVEL_KEYS = sorted((name_key(w) for w in ("Thành phố", "Thị trấn", "Thị xã", "Phường", "Huyện", "Tỉnh", "Xã",
                                           "Đặc khu", "Quận")), key=len, reverse=True)


def _without_level(key: str) -> str:
    """``xã mỹ quý`` -> ``mỹ quý``: the name without its level word."""
    for word in LEVEL_KEYS:
        if key.startswith(word + " "):
            return key[len(word) + 1:]
    return key


@dataclass
class UnitIndex:
    """Unit names and codes of units.csv, for matching what a workbook writes."""

    codes: set[str]
    names: dict[str, str]  # code -> name
    by_key: dict[str, list[str]] = field(default_factory=dict)
    by_short: dict[str, list[str]] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, units: pd.DataFrame) -> "UnitIndex":
        names = dict(zip(units["ma_don_vi"], units["ten_don_vi"]))
        index = cls(set(names), names)
        index.parents = dict(zip(units["ma_don_vi"], units["ma_cap_tren"])) if "ma_cap_tren" in units else {}
        for code, name in names.items():
            index.by_key.setdefault(name_key(name), []).append(code)
            index.by_short.setdefault(_without_level(name_key(name)), []).append(code)
        return index

    def named_in(self, text: str) -> list[str]:
        """The units a title cell names with their level word, whole or at its end ("Đơn vị: Phường
        Long Xuyên", "UBND TỈNH AN GIANG", "Trung tâm Phục vụ hành chính công phường Long Xuyên")."""
        key = name_key(re.sub(r"[():.\"']", " ", text))
        return [code for name, codes in self.by_key.items() if len(codes) == 1
                and (key == name or key.endswith(" " + name)) for code in codes]

    def depth(self, code: str) -> int:
        """How many units lie above ``code`` (units.csv ma_cap_tren)."""
        depth, seen = 0, {code}
        while (code := self.parents.get(code)) and code not in seen:
            depth, seen = depth + 1, seen | {code}
        return depth

    def find(self, text: str) -> tuple[str | None, str | None]:
        """(code, None) or (None, the reason with the closest names)."""
        if text in self.codes:
            return text, None
        key = name_key(text)
        found = self.by_key.get(key) or self.by_short.get(_without_level(key)) or []
        if len(found) == 1:
            return found[0], None
        if found:
            return None, (f"tên đơn vị ứng với nhiều đơn vị trong units.csv: "
                          f"{', '.join(self.names[c] for c in found)}; hãy ghi đủ cấp (xã, thị trấn...) hoặc mã đơn vị")
        candidates = {}
        for name in self.names.values():
            candidates.setdefault(name_key(name), name)
            candidates.setdefault(_without_level(name_key(name)), name)
        close = difflib.get_close_matches(key, list(candidates), n=6, cutoff=0.6)
        close += difflib.get_close_matches(_without_level(key), list(candidates), n=6, cutoff=0.6)
        names = list(dict.fromkeys(candidates[k] for k in close))[:3]
        hint = f"; gần nhất: {', '.join(names)}" if names else ""
        return None, f"tên đơn vị không có trong units.csv{hint}"


# --- the sheet ----------------------------------------------------------------------------

@dataclass
class Column:
    index: int  # 1-based
    field: str
    heading: str  # as written, "group / column"


class _Sheet:
    """Cell values (cached results of formulas) with the formula text where there is one."""

    def __init__(self, values, formulas):
        self.values, self.formulas = values, formulas
        self.merged = {}
        for cells in formulas.merged_cells.ranges:
            top = formulas.cell(cells.min_row, cells.min_col)
            for row in range(cells.min_row, cells.max_row + 1):
                for col in range(cells.min_col, cells.max_col + 1):
                    self.merged[(row, col)] = (cells, top.coordinate)
        self.max_row, self.max_col = values.max_row, values.max_column

    def raw(self, row: int, col: int):
        return self.values.cell(row, col).value

    def text(self, row: int, col: int) -> str:
        """The header text of a cell, a merged cell's value read from its top-left cell."""
        if (row, col) in self.merged:
            cells, _ = self.merged[(row, col)]
            return display(_cell_text(self.values.cell(cells.min_row, cells.min_col).value)[0])
        return display(_cell_text(self.raw(row, col))[0])

    def formula(self, row: int, col: int) -> str | None:
        value = self.formulas.cell(row, col).value
        if isinstance(value, str) and value.startswith("="):
            return value
        if type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
            return getattr(value, "text", None) or "=..."
        return None


LABEL_GROUPS = {c.key: c.group for c in registry.COLUMNS if c.group}


def read_figures_workbook(path: Path | BinaryIO, label: str, units: pd.DataFrame, sources: Sources,
                          labels: dict[str, str] | None = None,
                          limits: Limits | None = None, end_day: int = 14) -> tuple[Table | None, list[Problem]]:
    """The office's workbook as a Table of reportgen's figure columns, and its problems.

    ``labels`` are the workspace's column labels (``[labels.columns]``), which the written
    ``bao-cao.xlsx`` uses under the standard group headings; ``limits`` the plausible years
    of a period its title states (a title of an implausible year is one error, at its cell);
    ``end_day``: ``[cutoff] ngay_chot``, which a title's window "Từ ngày … đến ngày …" is read by.

    A table by field of procedure (a "Lĩnh vực" column, no unit column: the one-stop software's
    export for one unit) gives rows with ``linh_vuc``; its unit is named in the title rows or by
    ``[sources.don_vi]``.
    """
    from openpyxl import load_workbook

    try:
        values = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken zip
        raise UnreadableFile(f"không mở được tệp Excel: {exc}") from exc
    sheet_name = sources.excel_sheet
    if sheet_name and sheet_name not in values.sheetnames:
        raise UnreadableFile(f"không có trang tính {sheet_name!r}; các trang có: {', '.join(values.sheetnames)}")
    name = sheet_name or values.sheetnames[0]
    own = {plain(f"{GROUP_HEADINGS[LABEL_GROUPS[f]]} / {text}"): f for f, text in (labels or {}).items()
           if f in LABEL_GROUPS}
    reader = _Reader(path, label, _Sheet(values[name], formulas[name]), UnitIndex.of(units), sources, own,
                     limits or Limits())
    reader.end_day = end_day
    reader.founded = {code: day for code, day in zip(units["ma_don_vi"], units.get("ngay_thanh_lap", []))
                      if isinstance(day, dt.date)}
    return reader.read()


def is_plain_table(path: Path | BinaryIO, sheet: str | None) -> bool:
    """True when the first row holds reportgen's own column names (``ky``, ``ma_don_vi``...)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True)
    except Exception:
        return True  # the plain reader reports why it cannot be opened
    try:
        ws = book[sheet] if sheet in book.sheetnames else book.worksheets[0]
        first = next(ws.iter_rows(max_row=1, values_only=True), ())
        return any(isinstance(v, str) and v.strip() in ("ky", "ma_don_vi", "linh_vuc") + KEYS for v in first)
    finally:
        book.close()


class _Reader:
    def __init__(self, path: Path, label: str, sheet: _Sheet, units: UnitIndex, sources: Sources,
                 own: dict[str, str], limits: Limits):
        self.path, self.label, self.sheet, self.units, self.sources = path, label, sheet, units, sources
        self.limits = limits
        self.bad_period = False  # the title states a period of an implausible year (reported)
        self.end_day, self.founded = 14, {}
        self.unit: str | None = None  # a by-field table's unit (title or [sources.don_vi])
        self.problems: list[Problem] = []
        self.notes: set[str] = set()
        self.mapped = {**own, **{plain(k): v for k, v in sources.columns.items()}}

    def problem(self, message: str, row: int | None = None, col: int | None = None, value=None,
                severity: str = "error") -> None:
        cell = f"{get_column_letter(col)}{row}" if row and col else None
        self.problems.append(Problem(self.label, message, row=row, value=value, severity=severity, cell=cell))

    def read(self) -> tuple[Table | None, list[Problem]]:
        header = self.find_header()
        if header is None:
            self.problem("không tìm thấy dòng tiêu đề của biểu: cần một cột \"Đơn vị\" (hoặc \"Mã đơn vị\"), hoặc "
                         f"\"Lĩnh vực\" ở biểu theo lĩnh vực, trong {HEADER_SCAN} dòng đầu")
            return None, self.problems
        first, last = header
        columns = self.columns(first, last)
        if columns is None:
            return None, self.problems
        by_field = self.by_field(columns)
        if by_field:
            self.unit = self.title_unit(first)
            if self.unit is None:
                return None, self.problems
        period = self.period(first, columns)
        if period is None and (self.bad_period or not any(c.field == "ky" for c in columns)):
            return None, self.problems
        rows = self.rows(last + 1, columns, period)  # rows with errors are left out, as in a CSV
        letters = {c.field: get_column_letter(c.index) for c in columns}
        letters.setdefault("ma_don_vi", letters.get("ten_don_vi") or letters.get("linh_vuc"))
        table = Table(Path(self.label), ["ky", "ma_don_vi", *(["linh_vuc"] if by_field else []),
                                         *(k for k in KEYS if any(c.field == k for c in columns))],
                      rows,
                      sorted(n for e in self.notes for n in _legacy_note(e)),
                      cells={k: v for k, v in letters.items() if v},
                      headings={c.field: c.heading for c in columns})
        return table, self.problems

    # header ---------------------------------------------------------------------------
    def find_header(self) -> tuple[int, int] | None:
        for row in range(1, min(self.sheet.max_row, HEADER_SCAN) + 1):
            texts = [self.sheet.text(row, col) for col in range(1, self.sheet.max_col + 1)]
            unit = next((col for col, t in enumerate(texts, start=1)
                         if t and self.field_of(None, t) in ("ten_don_vi", "ma_don_vi", "linh_vuc")), None)
            if unit:
                return row, row + 1 if self.two_rows(row, unit) else row
        return None

    def two_rows(self, row: int, unit: int) -> bool:
        """Merged cells in the header row, or (unmerged) headings under it beside an empty unit cell."""
        for cells, _ in self.sheet.merged.values():
            if cells.min_row == row and (cells.max_row > row or cells.max_col > cells.min_col):
                return True
        if self.sheet.text(row + 1, unit):
            return False  # a unit, group or numbering row follows: one header row
        below = (self.sheet.raw(row + 1, col) for col in range(1, self.sheet.max_col + 1))
        return any(isinstance(v, str) and v.strip() and not re.fullmatch(r"\(?\d{1,2}\)?", v.strip()) for v in below)

    def field_of(self, group: str | None, text: str) -> str | None:
        for key in ((plain(f"{group} / {text}"), plain(text)) if group else (plain(text),)):
            if key in self.mapped:
                return self.mapped[key]
        return classify(group, text)

    def columns(self, first: int, last: int) -> list[Column] | None:
        columns, seen, ok, carried = [], {}, True, None
        shares = []  # (share, heading, row, col) of "Tỷ lệ ..." columns of optional indicators
        for col in range(1, self.sheet.max_col + 1):
            top = self.sheet.text(first, col)
            bottom = self.sheet.text(last, col) if last > first else ""
            vertical = last > first and self.sheet.merged.get((first, col)) is not None \
                and self.sheet.merged[(first, col)][0].max_row >= last
            if top and bottom:
                carried = top
            elif top:
                carried = None
            elif bottom:
                top = carried or ""  # a group heading written once, unmerged, over its columns
            group, text, row = (None, top, first) if (vertical or not bottom) else ((top or None), bottom, last)
            if not text:
                continue
            name = self.field_of(group, text)
            heading = f"{group} / {text}" if group else text
            if name is None:
                self.problem(f"tiêu đề cột không nhận ra: {heading!r}; dùng tiêu đề chuẩn của biểu tổng hợp "
                             "hoặc khai báo trong [sources.columns] của reportgen.toml (tiêu đề = \"tên trường\")",
                             row, col)
                ok = False
                continue
            if name.startswith("ty_le:"):
                shares.append((name.removeprefix("ty_le:"), heading, row, col))
                continue
            if name == "bo_qua":
                continue
            if name in seen:
                self.problem(f"cột {heading!r} trùng nghĩa với cột {seen[name]}", row, col)
                ok = False
                continue
            seen[name] = get_column_letter(col)
            columns.append(Column(col, name, heading))
        fields = {c.field for c in columns}
        if "ten_don_vi" not in fields and "ma_don_vi" not in fields and "linh_vuc" not in fields:
            self.problem("thiếu cột Đơn vị (tên hoặc mã đơn vị) hoặc cột Lĩnh vực", first)
            ok = False
        for share, heading, row, col in shares:
            needed = [k for k in registry.SHARES[share].numerator if k not in fields]
            if needed:
                self.problem(f"cột tỷ lệ {heading!r} không đọc được: reportgen tự tính tỷ lệ từ số hồ sơ; cần cột số "
                             f"lượng {', '.join(f'{_heading_of(k)!r} ({k})' for k in needed)}, hoặc khai báo tiêu đề này "
                             "= \"bo_qua\" trong [sources.columns] của reportgen.toml để bỏ qua", row, col)
                ok = False
        for name in required_for(fields):
            if name not in fields:
                self.problem(f"thiếu cột {_heading_of(name)} ({name}) trong dòng tiêu đề {first}"
                             + (f"–{last}" if last > first else ""), first)
                ok = False
        return columns if ok else None

    # a table by field of procedure ----------------------------------------------------
    def by_field(self, columns: list[Column]) -> bool:
        """A "Lĩnh vực" column and no unit column: one unit's table by field."""
        fields = {c.field for c in columns}
        return "linh_vuc" in fields and not fields & {"ten_don_vi", "ma_don_vi"}

    def title_unit(self, first: int) -> str | None:
        """The unit of a by-field table: ``[sources.don_vi]`` for this file, or the one unit the title
        rows name (the lowest level when they name a unit and the one above it); None: reported."""
        name = Path(self.label).name
        configured = self.sources.don_vi.get(self.label) or self.sources.don_vi.get(name)
        setting = f'[sources.don_vi] "{name}"'
        if configured is not None and configured not in self.units.codes:
            self.problem(f"{setting} = {configured!r} của reportgen.toml: mã đơn vị không có trong units.csv")
            return None
        named: dict[str, tuple[int, int]] = {}
        for row in range(1, first):
            for col in range(1, self.sheet.max_col + 1):
                if self.sheet.raw(row, col) is not None:
                    for code in self.units.named_in(self.sheet.text(row, col)):
                        named.setdefault(code, (row, col))
        lowest = [c for c in named if self.units.depth(c) == max(map(self.units.depth, named))] if named else []
        where = "; ".join(f"ô {get_column_letter(col)}{row}: {self.units.names[code]}"
                          for code, (row, col) in named.items())
        if configured is not None:
            if len(lowest) == 1 and lowest[0] != configured:
                self.problem(f"tiêu đề ghi đơn vị {self.units.names[lowest[0]]} ({where}) nhưng {setting} = "
                             f"{configured!r}: sửa một trong hai")
                return None
            return configured
        if len(lowest) == 1:
            return lowest[0]
        why = (f"tiêu đề ghi nhiều đơn vị ({where})" if lowest else
               f"tiêu đề (dòng 1–{first - 1}) không ghi tên đơn vị nào của units.csv")
        self.problem(f"không xác định được biểu theo lĩnh vực này là của đơn vị nào: {why}; ghi tên đơn vị vào tiêu "
                     f"đề (ví dụ \"Đơn vị: Phường Long Xuyên\") hoặc khai báo mã đơn vị trong reportgen.toml: "
                     f"{setting} = \"MÃ-ĐƠN-VỊ\"")
        return None

    # period ---------------------------------------------------------------------------
    def period(self, first: int, columns: list[Column]) -> Period | None:
        titles = {}
        for row in range(1, first):
            for col in range(1, self.sheet.max_col + 1):
                if self.sheet.raw(row, col) is None:
                    continue
                text = self.sheet.text(row, col)
                found = period_in_text(text) or self.window_period(text, row, col)
                if found:
                    titles.setdefault(found, (row, col))
        config = self.sources.ky
        if len(titles) > 1:
            where = "; ".join(f"ô {get_column_letter(col)}{row}: {p}" for p, (row, col) in titles.items())
            self.problem(f"các dòng tiêu đề ghi hai kỳ khác nhau ({where})")
            return None
        title = next(iter(titles), None)
        if title and (implausible := self.limits.period_problem(title, "kỳ ở tiêu đề biểu")):
            row, col = titles[title]
            self.problem(implausible, row, col, value=self.sheet.text(row, col))
            self.bad_period = True
            return None
        if title and config and title != config:
            row, col = titles[title]
            self.problem(f"kỳ ở tiêu đề (ô {get_column_letter(col)}{row}: {title}) khác kỳ trong reportgen.toml "
                         f"([sources] ky = {config})")
            return None
        period = title or config
        if period is None and not any(c.field == "ky" for c in columns):
            self.problem("không xác định được kỳ báo cáo: cần cột \"Kỳ\", hoặc tiêu đề ghi kỳ "
                         "(ví dụ \"Quý I năm 2022\"), hoặc ky trong [sources] của reportgen.toml")
        return period

    def window_period(self, text: str, row: int, col: int) -> Period | None:
        """The period of a title's window "Từ ngày … đến ngày …" (``[cutoff] ngay_chot``); an error
        when no period's window is that one."""
        window = window_in_text(text)
        if window is None:
            return None
        start, end = window
        period = Period.of_window(start, end, self.end_day)
        if period is not None and (start == period.window(self.end_day)[0]
                                   or (self.unit is not None and self.founded.get(self.unit) == start)):
            return period
        self.problem(f"khoảng thời gian ở tiêu đề ({start:%d/%m/%Y} – {end:%d/%m/%Y}) không phải kỳ báo cáo nào: "
                     f"cần từ ngày {self.end_day + 1} của tháng trước quý đến ngày {self.end_day} của tháng cuối quý, "
                     "6 tháng, 9 tháng hoặc năm ([cutoff] ngay_chot của reportgen.toml), hoặc từ ngày thành lập của "
                     "đơn vị (units.csv cột ngay_thanh_lap)", row, col, value=text)
        self.bad_period = True
        return None

    # rows -----------------------------------------------------------------------------
    def rows(self, start: int, columns: list[Column], period: Period | None):
        by_field = {c.field: c for c in columns}
        name_col = by_field.get("ten_don_vi") or by_field.get("ma_don_vi") or by_field.get("linh_vuc")
        records, segment, everything = [], [], []
        last_total = self.last_total(start, name_col, by_field.get("stt"))
        for row in range(start, self.sheet.max_row + 1):
            if last_total and row > last_total and self.footer(row, columns):
                continue  # the lines under the table: place and date, "NGƯỜI LẬP BIỂU", the signer's name
            known = len(self.problems)
            cells = {c.field: self.value(row, c.index) for c in columns}
            if len(self.problems) > known:  # a formula without its value: the row cannot be read
                segment.append(None)
                everything.append(None)
                continue
            if cells.get("ma_don_vi") is None and cells.get("ten_don_vi") is None \
                    and all(v in (None, "") for v in cells.values()):
                continue
            name = (cells.get("ten_don_vi") or cells.get("ma_don_vi") or cells.get("linh_vuc") or "").strip()
            stt = (cells.get("stt") or "").strip()
            counts = {f: cells[f] for f in by_field if f in KEYS or f in PARTS}
            has_counts = any(v not in (None, "") for v in counts.values())
            if row == start and re.fullmatch(r"\(?(\d{1,2}|[A-Za-z])\)?", name):
                continue  # the numbering row: (1), (2) ... or A, B
            kind = _row_kind(name, stt)
            if kind == "total":
                self.check_total(row, name, counts, everything if plain(name).startswith("tong") else segment,
                                 by_field)
                segment = []
                continue
            if kind == "group":
                segment = []
                continue
            code = cells.get("ma_don_vi") or self.unit
            if self.unit is not None and not name:
                if has_counts:
                    self.problem("dòng có số liệu nhưng ô lĩnh vực trống: cần tên lĩnh vực (hoặc \"Cộng\" ở dòng tổng)",
                                 row, name_col.index, value="")
                    segment.append(None)
                    everything.append(None)
                continue
            if "ten_don_vi" in by_field and (code is None or code not in self.units.codes):
                code, reason = self.units.find(name)
                if code is None:
                    if has_counts:
                        self.problem(reason, row, name_col.index, value=name)
                        segment.append(None)  # a total over it cannot be checked: no warning that follows
                        everything.append(None)  # from this error
                    continue
            figures = {f: (counts.get(f) or "") for f in KEYS if f in by_field}
            ky = self.row_period(row, cells, by_field, period)
            if ky is None:
                segment.append(None)
                everything.append(None)
                continue
            field = {"linh_vuc": name} if self.unit is not None else {}
            records.append((row, {"ky": ky, "ma_don_vi": code, **field, **figures}))
            self.check_parts(row, counts, by_field)
            segment.append(counts)
            everything.append(counts)
        return records

    def last_total(self, start: int, name_col: Column, stt: Column | None) -> int | None:
        """The row of the table's last total row (Cộng, Tổng cộng), if it has one."""
        rows = [row for row in range(start, self.sheet.max_row + 1)
                if _row_kind(self.sheet.text(row, name_col.index), self.sheet.text(row, stt.index) if stt else "")
                == "total"]
        return rows[-1] if rows else None

    def footer(self, row: int, columns: list[Column]) -> bool:
        """True for a row under the last total that carries no number in the number columns."""
        for column in columns:
            if column.field in KEYS or column.field in PARTS:  # every number column, optional indicators too
                raw = self.sheet.raw(row, column.index)
                if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                    return False
                if raw is None and self.sheet.formula(row, column.index):
                    return False
                if isinstance(raw, str) and NUMBER_TEXT.match(raw.strip().replace("\u00a0", " ")):
                    return False
        return True

    def row_period(self, row: int, cells: dict, by_field: dict, period: Period | None) -> str | None:
        if "ky" not in by_field or not cells.get("ky"):
            if period is None:  # a Kỳ column left empty, and no title or config to fall back on
                self.problem("ô trống: cần kỳ báo cáo, ví dụ \"Quý I năm 2022\" hoặc 2022-Q1 (hoặc ghi kỳ ở tiêu đề "
                             "biểu, hoặc ky trong [sources] của reportgen.toml)", row, by_field["ky"].index, value="")
            return str(period) if period else None
        text = cells["ky"]
        found = period_in_text(text)
        if found is None:
            return text  # validation reports the format, at this cell
        if period and found != period:
            self.problem(f"kỳ của dòng ({found}) khác kỳ của biểu ({period})", row, by_field["ky"].index, value=text)
            return None
        return str(found)

    def value(self, row: int, col: int) -> str | None:
        raw = self.sheet.raw(row, col)
        if raw is None:
            formula = self.sheet.formula(row, col)
            if formula:
                self.problem(f"công thức {formula} chưa có giá trị đã tính: hãy mở tệp bằng Excel hoặc LibreOffice "
                             "rồi lưu lại (Lưu/Save) để ghi giá trị vào tệp", row, col)
                return ""
            return None
        if isinstance(raw, float) and not raw.is_integer():
            return repr(raw)
        text, note = _cell_text(raw)
        if note:
            self.notes.add(note)
        return text

    # checks ---------------------------------------------------------------------------
    def check_parts(self, row: int, counts: dict, by_field: dict) -> None:
        for total, parts in PARTS.items():
            if total not in by_field:
                continue
            stated, values = _number(counts.get(total)), [_number(counts.get(p)) for p in parts]
            if stated is None or None in values or stated == sum(values):
                continue
            self.problem(f"cột {by_field[total].heading!r} ghi {stated}, cộng các cột thành phần được {sum(values)}",
                         row, by_field[total].index, severity="warning")

    def check_total(self, row: int, name: str, counts: dict, rows: list[dict | None], by_field: dict) -> None:
        if None in rows:
            return  # a row above could not be read: nothing to compare with
        for name_of, column in by_field.items():
            if (name_of not in KEYS and name_of not in PARTS) or (
                    name_of in KEYS and registry.BY_KEY[name_of].role == registry.SCORE):
                continue  # a score is not added up: a total row's score is not checked
            stated = _number(counts.get(name_of))
            if name_of in PARTS:  # against the rows' parts: a wrong "Tổng số" of a row is its own warning
                values = [_sum([_number(r.get(p)) for p in PARTS[name_of]]) for r in rows]
            else:
                values = [_number(r.get(name_of)) for r in rows]
            if stated is None or None in values or stated == sum(values):
                continue
            self.problem(f"dòng tổng {name!r}, cột {column.heading!r}: ghi {stated}, "
                         f"cộng các dòng đơn vị được {sum(values)}", row, column.index, severity="warning")


NUMBER_TEXT = re.compile(r"^[-+]?\d[\d., ]*$")  # a number written as text, well formed or not
COUNT_TEXT = re.compile(r"^(\d+|\d{1,3}(\.\d{3})+|\d{1,3}( \d{3})+)$")


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    cleaned = text.strip().replace("\u00a0", " ")
    return int(re.sub(r"[. ]", "", cleaned)) if COUNT_TEXT.match(cleaned) else None


def _sum(values: list[int | None]) -> int | None:
    return None if None in values else sum(values)


def _row_kind(name: str, stt: str) -> str | None:
    """``total`` for Cộng / Tổng cộng rows, ``group`` for I. Cấp huyện / Cấp xã rows."""
    key = plain(name)
    if re.match(r"^(tong cong|cong|tong so|tong)\b", key) and not re.match(r"^công\b", name.strip().lower()):
        return "total"  # "Cộng", "Tổng cộng"; never "Công thương", "Công chức, viên chức" (fields of procedure)
    if re.fullmatch(r"(?:[ivx]+ |[a-e] )?(?:thu tuc hanh chinh |thu tuc |tthc |linh vuc )?cap (tinh|huyen|xa)"
                    r"(?: giai quyet)?", key) or (re.fullmatch(r"[IVX]+\.?", stt) and key):
        return "group"
    return None


def _heading_of(field_name: str) -> str:
    return registry.BY_KEY[field_name].heading
