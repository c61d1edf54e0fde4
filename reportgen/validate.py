"""Validation of the tabular inputs: every problem at once, located by file, row and column.

Functions here take what the readers produced and return the clean data plus a list of
:class:`~reportgen.errors.Problem`. They never raise on bad data and never print.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import replace

import pandas as pd

from reportgen.columns import COUNTS, IN_PROGRESS, RECEIVED, RESOLVED
from reportgen.errors import Problem
from reportgen.periods import Period, period_format_message
from reportgen.schema import LEVELS, Limits
from reportgen.sources.guard import bad_character, vi_int
from reportgen.sources.tables import Table

SAFE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
# Device names Windows reserves in every folder, whatever the extension or case.
RESERVED_CODE = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?$", re.IGNORECASE)
NAME_COLUMNS = ("ten_don_vi", "dia_danh", "nguoi_ky")
UNIT_COLUMNS = ("ma_don_vi", "ten_don_vi", "cap", "ma_cap_tren")
UNIT_OPTIONAL = ("dia_danh", "nguoi_ky")
FIGURE_COLUMNS = ("ky", "ma_don_vi") + COUNTS
REPEATED_COLUMN = "cột lặp lại"


def check_columns(table: Table, label: str, required: Iterable[str], optional=()) -> list[Problem]:
    """Missing, unknown and repeated columns, suggesting the closest known name."""
    known = list(required) + list(optional)
    problems = _repeated_columns(table, label)
    for name in table.header:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"; có phải là {close[0]!r}?" if close else f"; các cột hợp lệ: {', '.join(known)}"
            problems.append(Problem(label, f"cột không được hỗ trợ{hint}", row=1, column=name))
    for name in required:
        if name not in table.header:
            problems.append(Problem(label, "thiếu cột bắt buộc", row=1, column=name))
    for number, row in table.rows:
        if "__extra__" in row:
            problems.append(Problem(label, "dòng có nhiều giá trị hơn số cột tiêu đề",
                                    row=number, value=row["__extra__"]))
    return problems + check_characters(table, label)


def _repeated_columns(table: Table, label: str) -> list[Problem]:
    """A column named twice in the header: which one holds the values is not guessed."""
    excel = table.path.suffix.lower() == ".xlsx"

    def where(position: int) -> str:
        if not excel:
            return f"cột thứ {position}"
        from openpyxl.utils import get_column_letter  # openpyxl is imported only for workbooks

        return f"ô {get_column_letter(position)}1"

    first: dict[str, int] = {}
    problems = []
    for position, name in enumerate(table.header, start=1):
        if name and name in first:
            problems.append(Problem(label, f"{REPEATED_COLUMN} ({where(first[name])} và {where(position)} của dòng tiêu "
                                    "đề): mỗi cột chỉ được có một lần", row=1, column=name))
        first.setdefault(name, position)
    return problems


def check_characters(table: Table, label: str) -> list[Problem]:
    """Control characters (NUL, tab, line breaks, ...) in any cell, header included."""
    problems = []
    for name in table.header:
        if bad := bad_character(name, in_cell=True):
            problems.append(Problem(label, bad, row=1, column=name, value=name))
    for number, row in table.rows:
        for column, value in row.items():
            if bad := bad_character(value, in_cell=True):
                problems.append(Problem(label, bad, row=number, column=column, value=value))
    return problems


def _code_problem(code: str) -> str | None:
    """Why ``code`` cannot name a folder on Windows, macOS and Linux alike, or None."""
    if not SAFE_CODE.match(code):
        return "mã đơn vị chỉ gồm chữ không dấu, số, '-', '_' hoặc '.' (dùng làm tên thư mục)"
    if RESERVED_CODE.match(code):
        return ("mã đơn vị là tên thiết bị mà Windows dành riêng (CON, PRN, AUX, NUL, COM0-9, LPT0-9, "
                "kể cả có đuôi): không dùng làm tên thư mục được")
    if code.endswith("."):
        return "mã đơn vị không được kết thúc bằng dấu chấm (Windows bỏ dấu chấm cuối tên thư mục)"
    return None


def check_units(table: Table, label: str, limits: Limits | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Units: codes portable and unique ignoring case, levels known, parents known and acyclic."""
    limits = limits or Limits()
    problems = check_columns(table, label, UNIT_COLUMNS, UNIT_OPTIONAL)
    if any(p.message == "thiếu cột bắt buộc" for p in problems):
        return empty_units(), problems
    seen: dict[str, tuple[int, str]] = {}
    records = []
    for number, row in table.rows:
        code = row["ma_don_vi"]
        if not code:
            problems.append(Problem(label, "thiếu mã đơn vị", row=number, column="ma_don_vi"))
            continue
        if message := _code_problem(code):
            problems.append(Problem(label, message, row=number, column="ma_don_vi", value=code))
            continue
        if code.casefold() in seen:
            first, other = seen[code.casefold()]
            case = "" if other == code else f" ({other!r}: chữ hoa và chữ thường là một thư mục trên Windows, macOS)"
            problems.append(Problem(label, f"mã đơn vị trùng với dòng {first}{case}",
                                    row=number, column="ma_don_vi", value=code))
            continue
        seen[code.casefold()] = (number, code)
        for column in NAME_COLUMNS:
            if len(row.get(column, "")) > limits.name_chars:
                problems.append(Problem(label, f"tên quá dài: {len(row[column])} ký tự, tối đa {limits.name_chars} "
                                        "(limits.name_chars)", row=number, column=column, value=row[column]))
        if row["cap"] not in LEVELS:
            problems.append(Problem(label, f"cấp phải là một trong: {', '.join(LEVELS)}",
                                    row=number, column="cap", value=row["cap"]))
        if not row["ten_don_vi"]:
            problems.append(Problem(label, "thiếu tên đơn vị", row=number, column="ten_don_vi"))
        records.append({**{k: row.get(k, "") for k in UNIT_COLUMNS + UNIT_OPTIONAL}, "_row": number})
    units = pd.DataFrame.from_records(records, columns=list(UNIT_COLUMNS + UNIT_OPTIONAL) + ["_row"])
    problems += _check_parents(units, label)
    return units.set_index("ma_don_vi", drop=False), problems


def empty_units() -> pd.DataFrame:
    frame = pd.DataFrame(columns=list(UNIT_COLUMNS + UNIT_OPTIONAL) + ["_row"])
    return frame.set_index("ma_don_vi", drop=False)


def _check_parents(units: pd.DataFrame, label: str) -> list[Problem]:
    parents = dict(zip(units["ma_don_vi"], units["ma_cap_tren"]))
    rows = dict(zip(units["ma_don_vi"], units["_row"]))
    problems = []
    for code, parent in parents.items():
        if parent and parent not in parents:
            problems.append(Problem(label, "mã cấp trên không có trong units.csv",
                                    row=rows[code], column="ma_cap_tren", value=parent))
    levels = dict(zip(units["ma_don_vi"], units["cap"]))
    for code, parent in parents.items():
        if parent in levels and levels[code] in LEVELS and levels[parent] in LEVELS \
                and LEVELS.index(levels[code]) <= LEVELS.index(levels[parent]):
            problems.append(Problem(label, f"cấp {levels[code]} không thể trực thuộc đơn vị cấp {levels[parent]} "
                                    f"({parent}); cấp dưới phải thấp hơn: {' > '.join(LEVELS)}",
                                    row=rows[code], column="cap", value=levels[code]))
    for code in parents:
        cycle = _cycle_from(code, parents)
        if cycle and code == min(cycle):
            path = " → ".join(cycle + [cycle[0]])
            problems.append(Problem(label, f"vòng lặp cấp trên: {path}",
                                    row=rows[code], column="ma_cap_tren", value=parents[code]))
    return problems


def _cycle_from(code: str, parents: dict[str, str]) -> list[str] | None:
    path, node = [], code
    while node and node in parents and node not in path:
        path.append(node)
        node = parents[node]
    if node == code:
        return path
    return None


def check_figures(tables: list[tuple[Table, str]], units: pd.DataFrame,
                  limits: Limits | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Figures: periods, unit codes, counts, duplicated (period, unit) across all files."""
    limits = limits or Limits()
    problems: list[Problem] = []
    records: list[dict] = []
    for table, label in tables:
        column_problems = check_columns(table, label, FIGURE_COLUMNS)
        problems += column_problems
        # without a column, or with one twice (which one holds the counts?), rows are not read
        if any(p.message == "thiếu cột bắt buộc" or p.message.startswith(REPEATED_COLUMN) for p in column_problems):
            continue
        for number, row in table.rows:
            record, row_problems = _figure_row(row, number, label, units, limits)
            problems += [_in_cell(p, table) for p in row_problems]
            if record:
                records.append(record)
    problems += _duplicates(records)
    frame = pd.DataFrame.from_records(records, columns=["ky", "ma_don_vi", *COUNTS, "_file", "_row"])
    for column in COUNTS:
        frame[column] = frame[column].astype("int64")
    problems += _consistency_warnings(frame)
    return frame, problems


def _in_cell(problem: Problem, table: Table) -> Problem:
    """A workbook's problem named by its cell, as Excel names it (``ô F6``)."""
    letter = table.cells.get(problem.column or "")
    return replace(problem, cell=f"{letter}{problem.row}") if letter and problem.row else problem


def _figure_row(row: dict, number: int, label: str, units: pd.DataFrame, limits: Limits):
    problems = []
    period = None
    try:
        parsed = Period.parse(row["ky"])
    except ValueError:
        problems.append(Problem(label, period_format_message("kỳ báo cáo"),
                                row=number, column="ky", value=row["ky"]))
    else:
        if implausible := limits.period_problem(parsed, "kỳ báo cáo"):
            problems.append(Problem(label, implausible, row=number, column="ky", value=row["ky"]))
        period = str(parsed)
    code = row["ma_don_vi"]
    if code not in units.index:
        problems.append(Problem(label, "mã đơn vị không có trong units.csv",
                                row=number, column="ma_don_vi", value=code))
    counts = {}
    for column in COUNTS:
        value, problem = _count(row[column], number, column, label, limits.max_count)
        counts[column] = value
        if problem:
            problems.append(problem)
    if problems:
        return None, problems
    return {"ky": period, "ma_don_vi": code, **counts, "_file": label, "_row": number}, []


_GROUPING = str.maketrans("", "", ". -")
COUNT_RE = re.compile(r"^-?(\d+|\d{1,3}(\.\d{3})+|\d{1,3}( \d{3})+)$")


def _count(text: str, number: int, column: str, label: str, max_count: int) -> tuple[int, Problem | None]:
    """A whole count: ``1850``, or grouped as Vietnamese writes it, ``1.850`` / ``1 850``."""
    expected = "cần số nguyên không âm (số hồ sơ), ví dụ 1850 hoặc 1.850"
    cleaned = text.strip().replace("\u00a0", " ")
    if cleaned == "":
        return 0, Problem(label, f"ô trống: {expected}", row=number, column=column, value=text)
    plain = cleaned.isascii() and cleaned.isdigit()  # the common case, without regular expressions
    if plain or COUNT_RE.match(cleaned):
        digits = (cleaned if plain else cleaned.translate(_GROUPING)).lstrip("0")
        if cleaned.startswith("-") and digits:
            return 0, Problem(label, f"số âm: {expected}", row=number, column=column, value=text)
        # Length first: int() of thousands of digits is slow, and refused past 4300.
        if len(digits) > len(str(max_count)) or int(digits or 0) > max_count:
            return 0, Problem(label, f"số quá lớn: tối đa {vi_int(max_count)} hồ sơ (limits.max_count)",
                              row=number, column=column, value=text)
        return int(digits or 0), None
    if re.fullmatch(r"-?\d+([.,]\d+)?", cleaned):
        return 0, Problem(label, f"số lẻ hoặc dấu phân cách sai: {expected}", row=number, column=column, value=text)
    return 0, Problem(label, f"không phải số: {expected}", row=number, column=column, value=text)


def _duplicates(records: list[dict]) -> list[Problem]:
    first: dict[tuple[str, str], dict] = {}
    problems = []
    for record in records:
        key = (record["ky"], record["ma_don_vi"])
        if key in first:
            where = f"{first[key]['_file']}, dòng {first[key]['_row']}"
            problems.append(Problem(record["_file"], f"trùng kỳ và đơn vị với {where}",
                                    row=record["_row"], column="ky, ma_don_vi", value=f"{key[0]}, {key[1]}"))
        else:
            first[key] = record
    return problems


def _consistency_warnings(frame: pd.DataFrame) -> list[Problem]:
    received = frame[list(RECEIVED)].sum(axis=1)
    resolved = frame[list(RESOLVED)].sum(axis=1)
    in_progress = frame[list(IN_PROGRESS)].sum(axis=1)
    problems = []
    for i in frame.index[(resolved + in_progress) != received]:
        problems.append(Problem(
            frame.at[i, "_file"],
            f"đã giải quyết ({resolved[i]}) + đang giải quyết ({in_progress[i]}) khác tổng tiếp nhận "
            f"({received[i]}); có thể do hồ sơ rút hoặc chuyển kỳ, hãy kiểm tra",
            row=int(frame.at[i, "_row"]), severity="warning"))
    return problems
