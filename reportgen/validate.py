"""Validation of the tabular inputs: every problem at once, located by file, row and column.

Functions here take what the readers produced and return the clean data plus a list of
:class:`~reportgen.errors.Problem`. They never raise on bad data and never print.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import NamedTuple

import pandas as pd

from reportgen import columns as registry
from reportgen.columns import COUNTS, IN_PROGRESS, KEYS, OPTIONAL, RECEIVED, RESOLVED, required_for
from reportgen.errors import Problem
from reportgen.periods import Period, period_format_message
from reportgen.procedure_fields import COLUMN as FIELD_COLUMN
from reportgen.procedure_fields import FieldIndex
from reportgen.schema import LEVELS, Limits, header_form
from reportgen.sources.boundary import bad_character, vi_int
from reportgen.sources.tables import Table
from reportgen.sources.workbook import name_key
from reportgen.vi.unit_names import level_word, lower_level_word

SAFE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
# Device names Windows reserves in every folder, whatever the extension or case.
RESERVED_CODE = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?$", re.IGNORECASE)
NAME_COLUMNS = ("ten_don_vi", "dia_danh", "nguoi_ky")
UNIT_COLUMNS = ("ma_don_vi", "ten_don_vi", "cap", "ma_cap_tren")
UNIT_OPTIONAL = ("dia_danh", "nguoi_ky", "ngay_thanh_lap")
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
        founded, problem = _founding_date(row.get("ngay_thanh_lap", ""), label, number)
        problems += [problem] if problem else []
        records.append({**{k: row.get(k, "") for k in UNIT_COLUMNS + UNIT_OPTIONAL}, "ngay_thanh_lap": founded,
                        "_row": number})
    units = pd.DataFrame.from_records(records, columns=list(UNIT_COLUMNS + UNIT_OPTIONAL) + ["_row"])
    problems += _check_parents(units, label)
    return units.set_index("ma_don_vi", drop=False), problems


FOUNDING_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def _founding_date(text: str, label: str, number: int) -> tuple[dt.date | None, Problem | None]:
    """units.csv ``ngay_thanh_lap``: empty (None), ``01/07/2025``, ``1/7/2025`` or ``2025-07-01``."""
    text = text.strip()
    if not text:
        return None, None
    for form in FOUNDING_FORMATS:
        try:
            return dt.datetime.strptime(text, form).date(), None
        except ValueError:
            continue
    return None, Problem(label, "ngày thành lập không hợp lệ: cần NGÀY/THÁNG/NĂM, ví dụ 01/07/2025, hoặc 2025-07-01",
                         row=number, column="ngay_thanh_lap", value=text)


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


class Figures(NamedTuple):
    """What :func:`check_figures` read: one row per period and unit; one row per period, unit and
    field; each canonical spelling of the ``ky`` column -> the period it was parsed into (once,
    here); the problems."""

    totals: pd.DataFrame
    by_field: pd.DataFrame
    period_of: dict[str, Period]
    problems: list[Problem]


def check_figures(tables: list[tuple[Table, str]], units: pd.DataFrame, limits: Limits | None = None,
                  fields: FieldIndex | None = None) -> Figures:
    """Figures: periods, unit codes, counts, duplicated (period, unit) across all files.

    Returns :class:`Figures`. A row
    with ``linh_vuc`` is one field of its unit (bao-cao-2026.md §5): the unit's row of that period
    is the sum of its fields (an optional count only when every field gives it), made here once.
    """
    limits = limits or Limits()
    fields = fields or FieldIndex()
    problems: list[Problem] = []
    records: list[dict] = []
    period_of: dict[str, Period] = {}
    for table, label in tables:
        required = ("ky", "ma_don_vi", *required_for(table.header))
        present = tuple(k for k in KEYS if k in table.header)
        column_problems = check_columns(table, label, required, [k for k in KEYS if k not in required] + [FIELD])
        problems += column_problems
        # without a column, or with one twice (which one holds the counts?), rows are not read
        if any(p.message == "thiếu cột bắt buộc" or p.message.startswith(REPEATED_COLUMN) for p in column_problems):
            continue
        by_field = FIELD in table.header
        for number, row in table.rows:
            record, row_problems = _figure_row(row, number, label, units, limits, period_of, present,
                                               _field_of(row, number, label, limits, fields) if by_field else None)
            problems += [_in_cell(p, table) for p in row_problems]
            if record:
                records.append(record)
    read = _frame(records)
    problems += _consistency_warnings(read)
    totals = [r for r in records if r.get(FIELD) is None]
    by_field = [r for r in records if r.get(FIELD) is not None]
    problems += _duplicates(totals) + _field_duplicates(by_field, totals, fields)
    field_frame = _frame(by_field, with_field=True) if by_field else empty_fields()
    if by_field:
        read = _frame(_units_of(records))
    return Figures(read, field_frame, {text: period_of[text] for text in dict.fromkeys(read["ky"])}, problems)


FIELD = FIELD_COLUMN
FIGURE_FRAME = ["ky", "ma_don_vi", *KEYS, "_file", "_row"]


def _frame(records: list[dict], with_field: bool = False) -> pd.DataFrame:
    """Figure records as a typed frame: required counts int64, optional columns float (NaN: not given)."""
    names = FIGURE_FRAME[:2] + [FIELD] + FIGURE_FRAME[2:] if with_field else FIGURE_FRAME
    frame = pd.DataFrame.from_records(records, columns=names)
    for column in COUNTS:
        frame[column] = frame[column].astype("int64")
    for column in OPTIONAL:  # NaN where a row does not give it
        frame[column] = frame[column].astype("float64")
    return frame


def empty_fields() -> pd.DataFrame:
    """The figures by field of a workspace that gives none."""
    return _frame([], with_field=True)


def _field_of(row: dict, number: int, label: str, limits: Limits, fields: FieldIndex):
    """A row's field: (its name as the list writes it, or as written, with the problems of the name),
    or None for a row without one (a unit's total)."""
    text = row.get(FIELD, "")
    if not text.strip():
        return None
    if len(text.strip()) > limits.name_chars:
        return text, [Problem(label, f"tên lĩnh vực quá dài: {len(text.strip())} ký tự, tối đa {limits.name_chars} "
                              "(limits.name_chars)", row=number, column=FIELD, value=text)]
    if bad_character(text, in_cell=True):
        return text, []  # check_characters reports it, at this cell
    name, close = fields.find(text)
    problems = []
    if close is not None and not fields.warned(name):
        hint = f"; gần nhất: {close!r}" if close else ""
        problems.append(Problem(label, "lĩnh vực không có trong danh sách lĩnh vực thường dùng (reportgen/linh-vuc.txt) "
                                f"hay [linh_vuc] thu_tu của reportgen.toml: giữ nguyên như đã ghi{hint}",
                                row=number, column=FIELD, value=text, severity="warning"))
    return name, problems


def _field_duplicates(by_field: list[dict], totals: list[dict], fields: FieldIndex) -> list[Problem]:
    """A field given twice for a unit and period; a unit's total row beside its field rows in a period;
    a score (the 766 index) on a field row: it is the unit's, never a field's."""
    problems = []
    first: dict[tuple, dict] = {}
    units: dict[tuple[str, str], dict] = {}
    for record in by_field:
        unit = (record["ky"], record["ma_don_vi"])
        units.setdefault(unit, record)
        key = (*unit, name_key(record[FIELD]))
        if key in first:
            where = f"{first[key]['_file']}, dòng {first[key]['_row']}"
            problems.append(Problem(record["_file"], f"lĩnh vực {record[FIELD]!r} của đơn vị {unit[1]} kỳ {unit[0]} "
                                    f"trùng với {where}: mỗi lĩnh vực chỉ ghi một dòng trong một kỳ",
                                    row=record["_row"], column=FIELD, value=record[FIELD]))
        else:
            first[key] = record
        for column in registry.KEYS:
            if registry.BY_KEY[column].role == registry.SCORE and record.get(column) is not None:
                problems.append(Problem(record["_file"], f"{column} là điểm của cả đơn vị, không ghi theo lĩnh vực: "
                                        "để trống ở dòng lĩnh vực (hoặc ghi số liệu của đơn vị thành một dòng tổng)",
                                        row=record["_row"], column=column, value=str(record[column])))
    for record in totals:
        unit = (record["ky"], record["ma_don_vi"])
        if unit in units:
            other = units[unit]
            problems.append(Problem(record["_file"], f"dòng tổng của đơn vị {unit[1]} kỳ {unit[0]} ghi cùng các dòng "
                                    f"theo lĩnh vực ({other['_file']}, dòng {other['_row']}: {other[FIELD]!r}): trong "
                                    "một kỳ, một đơn vị ghi hoặc một dòng tổng (linh_vuc để trống), hoặc các dòng "
                                    "theo lĩnh vực (số liệu của đơn vị là tổng các lĩnh vực)",
                                    row=record["_row"], column="ky, ma_don_vi, linh_vuc",
                                    value=f"{unit[0]}, {unit[1]}, "))
    return problems


def _units_of(records: list[dict]) -> list[dict]:
    """The records with each unit's fields of a period as one record, in the place of its first field
    (file and row too): their sum, an optional count only when every field gives it (else not given)."""
    units: dict[tuple[str, str], dict] = {}
    out = []
    for record in records:
        if record.get(FIELD) is None:
            out.append(record)
            continue
        key = (record["ky"], record["ma_don_vi"])
        unit = units.get(key)
        if unit is None:
            units[key] = {k: v for k, v in record.items() if k != FIELD}
            out.append(units[key])
            continue
        for column in COUNTS:
            unit[column] += record[column]
        for column in OPTIONAL:
            unit[column] = None if unit[column] is None or record[column] is None else unit[column] + record[column]
    return out


def _in_cell(problem: Problem, table: Table) -> Problem:
    """A workbook's problem named by its cell, as Excel names it (``ô F6``), and its column by
    the heading the workbook writes (``Số hồ sơ nhận giải quyết / Trực tuyến``)."""
    letter = table.cells.get(problem.column or "")
    heading = table.headings.get(problem.column or "")
    return replace(problem, cell=f"{letter}{problem.row}", heading=heading or problem.heading) \
        if letter and problem.row else problem


def _figure_row(row: dict, number: int, label: str, units: pd.DataFrame, limits: Limits,
                period_of: dict[str, Period], present=COUNTS, field: tuple[str, list[Problem]] | None = None):
    """One row's record, or its problems. ``field``: the row's field of procedure and its problems;
    ``period_of`` gains the row's period under its canonical spelling."""
    problems = list(field[1]) if field else []
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
        period_of.setdefault(period, parsed)
    code = row["ma_don_vi"]
    if not code.strip() and field:
        problems.append(Problem(label, f"dòng lĩnh vực {field[0]!r} thiếu mã đơn vị: cần mã đơn vị (cột ma_don_vi) "
                                "có lĩnh vực này", row=number, column="ma_don_vi", value=code))
    elif code not in units.index:
        problems.append(Problem(label, "mã đơn vị không có trong units.csv",
                                row=number, column="ma_don_vi", value=code))
    values: dict[str, int | float | None] = dict.fromkeys(OPTIONAL)
    for column in present:
        spec = registry.BY_KEY[column]
        if (spec.optional or column in registry.SPLIT) and not row[column].strip():
            continue  # not given for this unit: nothing is stated about it (a split's whole: its parts' sum)
        parse = _score if spec.kind == registry.POINTS else _count
        value, problem = parse(row[column], number, column, label, limits.max_count)
        if problem:
            problems.append(problem)
        else:
            values[column] = value
    problems += _impossible(values, row, number, label)  # among the values that could be read
    if any(p.severity == "error" for p in problems):
        return None, problems
    record = {"ky": period, "ma_don_vi": code, **values, "_file": label, "_row": number}
    if field:
        record[FIELD] = field[0]
    return record, problems  # warnings only


def _impossible(values: dict, row: dict, number: int, label: str) -> list[Problem]:
    """Values that cannot all be true: a split that does not add up to its whole, a part above
    its whole (a share above 100 %), withdrawn files that leave a negative number in progress.
    Fills in a whole left out (``truc_tuyen`` from toàn trình + một phần)."""
    problems = []
    for whole, parts in registry.SPLIT.items():
        given = [values.get(p) for p in parts]
        if None in given:
            if values.get(whole) is None and not row.get(whole, "").strip():
                problems.append(Problem(label, f"ô trống: cần số hồ sơ ({whole}), hoặc ghi đủ {' và '.join(parts)}",
                                        row=number, column=whole, value=row.get(whole, "")))
            continue
        if values.get(whole) is None:
            values[whole] = sum(given)
        elif values[whole] != sum(given):
            terms = " + ".join(f"{p} ({vi_int(v)})" for p, v in zip(parts, given))
            problems.append(Problem(label, f"{terms} = {vi_int(sum(given))}, khác {whole} ({vi_int(values[whole])}): "
                                    f"cần {whole} bằng tổng các phần, hoặc để trống cột {whole}",
                                    row=number, column=whole, value=row.get(whole)))
    for key, value in values.items():
        spec = registry.BY_KEY[key]
        if value is None:
            continue
        if spec.split_of and values.get(spec.split_of) is not None and value > values[spec.split_of]:
            problems.append(Problem(label, f"lớn hơn {spec.split_of} ({vi_int(values[spec.split_of])}): một phần "
                                    "không thể lớn hơn tổng", row=number, column=key, value=row.get(key)))
        if spec.whole is None or any(values.get(k) is None for k in spec.whole.plus + spec.whole.minus):
            continue
        whole = sum(values[k] for k in spec.whole.plus) - sum(values[k] for k in spec.whole.minus)
        if value <= whole:
            continue
        if spec.whole.minus:
            why = f"số hồ sơ đang giải quyết sẽ âm ({vi_int(whole - value)}): cần {key} không quá {spec.whole.name}, " \
                  f"tức {vi_int(whole)}"
        elif spec.whole.share:
            percent = value * 100 // max(whole, 1) if whole else None
            share = f"tỷ lệ {'vô hạn' if percent is None else f'{vi_int(percent)}%'} vượt 100%"
            why = f"lớn hơn {spec.whole.name} ({vi_int(whole)}): {share}; cần không quá {vi_int(whole)}"
        else:
            why = f"lớn hơn {spec.whole.name} ({vi_int(whole)}): cần không quá {vi_int(whole)}"
        problems.append(Problem(label, why, row=number, column=key, value=row.get(key)))
    return problems


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


SCORE_RE = re.compile(r"^(\d{1,3})([.,](\d{1,3}))?$")


def _score(text: str, number: int, column: str, label: str, max_count: int = 0) -> tuple[float, Problem | None]:
    """A score out of 100 (the Decision 766 index): ``87,35`` or ``87.35``; never a sum."""
    expected = f"cần điểm từ 0 đến {registry.MAX_SCORE}, ví dụ 87,35"
    cleaned = text.strip().replace("\u00a0", "")
    if cleaned.startswith("-"):
        return 0.0, Problem(label, f"điểm âm: {expected}", row=number, column=column, value=text)
    match = SCORE_RE.match(cleaned)
    grouped = re.fullmatch(r"\d{1,3}([. ]\d{3})+", cleaned)  # 1.850: a count, not a score
    if grouped or (match and float(f"{match.group(1)}.{match.group(3) or 0}") > registry.MAX_SCORE) \
            or (not match and cleaned.isdigit()):
        return 0.0, Problem(label, f"điểm vượt {registry.MAX_SCORE}: chỉ số 766 là điểm trên thang {registry.MAX_SCORE} "
                            f"(không cộng dồn theo kỳ hay theo đơn vị như số hồ sơ); {expected}",
                            row=number, column=column, value=text)
    if not match:
        return 0.0, Problem(label, f"không phải điểm: {expected}", row=number, column=column, value=text)
    return float(f"{match.group(1)}.{match.group(3) or 0}"), None


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
    """received = resolved + withdrawn/returned + in progress; a row that does not add up is a warning."""
    received = frame[list(RECEIVED)].sum(axis=1)
    resolved = frame[list(RESOLVED)].sum(axis=1)
    in_progress = frame[list(IN_PROGRESS)].sum(axis=1)
    withdrawn = frame["rut_tra_lai"]
    problems = []
    for i in frame.index[(resolved + withdrawn.fillna(0) + in_progress) != received]:
        if withdrawn[i] != withdrawn[i]:  # NaN: the row does not give it
            message = (f"đã giải quyết ({resolved[i]}) + đang giải quyết ({in_progress[i]}) khác tổng tiếp nhận "
                       f"({received[i]}); có thể do hồ sơ rút hoặc trả lại (cột rut_tra_lai) hoặc chuyển kỳ, hãy kiểm tra")
        else:
            message = (f"đã giải quyết ({resolved[i]}) + rút, trả lại ({int(withdrawn[i])}) + đang giải quyết "
                       f"({in_progress[i]}) khác tổng tiếp nhận ({received[i]}); hãy kiểm tra")
        problems.append(Problem(frame.at[i, "_file"], message, row=int(frame.at[i, "_row"]), severity="warning"))
    return problems


# ---- the notice: who issues and signs it, and who carries out its tasks --------------------

_SPELLED_OUT = (("ủy ban nhân dân", "ubnd"), ("uỷ ban nhân dân", "ubnd"), ("hội đồng nhân dân", "hđnd"))
ARTICLE_13 = ("Nghị định 30/2020/NĐ-CP, Điều 13: văn bản ký thừa lệnh (TL. CHỦ TỊCH) là văn bản của Ủy ban "
              "nhân dân, theo thể thức và con dấu của Ủy ban nhân dân (…/TB-UBND); văn bản Văn phòng ban hành "
              "nhân danh mình do Chánh Văn phòng ký (hoặc KT. CHÁNH VĂN PHÒNG)")
FORM_NAMES = {"committee": "Ủy ban nhân dân ban hành", "office": "Văn phòng ban hành"}


def task_bodies(don_vi: str | None) -> list[str]:
    """The bodies a task names (``chi_dao.don_vi``, separated by ";")."""
    return [part.strip() for part in (don_vi or "").split(";") if part.strip()]


def body_key(name: str) -> str:
    """A body's name compared case-blind, with "Ủy ban nhân dân" / "UBND" and "Hội đồng nhân dân" /
    "HĐND" as one, without "(b/c)" and punctuation at the ends."""
    text = " ".join(name.casefold().replace("(b/c)", " ").split())
    for long, short in _SPELLED_OUT:
        text = text.replace(long, short)
    return text.strip(" .,;:-")


def unreached_bodies(chi_dao: Iterable, recipients: Iterable[str], issuer_names: Iterable[str]) -> list[str]:
    """The bodies tasks name that are neither among ``recipients`` nor the issuer, in order, once each."""
    known = {body_key(name) for name in [*recipients, *issuer_names]}
    missing: dict[str, str] = {}
    for direction in chi_dao:
        for body in task_bodies(direction.don_vi):
            if body_key(body) not in known:
                missing.setdefault(body_key(body), body)
    return list(missing.values())


def _meeting_label(path, period: str, code: str) -> str:
    return f"{path.parent.name}/{path.name}" if path else f"{period} {code}"


def check_meeting_text(meeting, label: str, line_of) -> list[Problem]:
    """Warnings for a meeting file: a task (``chi_dao``) that names no body to carry it out, and a
    photo caption that calls the meeting what its ``loai_hop`` does not."""
    problems = [Problem(label, "nhiệm vụ chưa có đơn vị thực hiện: thêm don_vi (các cơ quan, đơn vị thực hiện, "
                        "cách nhau bằng dấu ;)", row=line_of(("chi_dao", i)), column=f"chi_dao.{i}",
                        value=direction.noi_dung, severity="warning")
                for i, direction in enumerate(meeting.chi_dao) if not task_bodies(direction.don_vi)]
    other = "hội nghị" if meeting.loai_hop == "cuộc họp" else "cuộc họp"
    caption = meeting.anh.chu_thich if meeting.anh else None
    if caption and other in caption.lower():
        problems.append(Problem(label, f"chú thích ảnh gọi là {other!r} nhưng loai_hop là {meeting.loai_hop!r}: "
                                "dùng một cách gọi trong cả bài", row=line_of(("anh", "chu_thich")),
                                column="anh.chu_thich", value=caption, severity="warning"))
    return problems


def signer_form(signer) -> str | None:
    """The form a signature belongs to: ``committee`` (TL./TM./TUQ. or for the chair), ``office``
    (the office head as such, or KT. CHÁNH VĂN PHÒNG), None when it cannot be told."""
    authority = (signer.authority or "").upper()
    if authority.startswith(("TL.", "TM.", "TUQ.")) or "CHỦ TỊCH" in authority:
        return "committee"
    if "VĂN PHÒNG" in authority or (not authority and "VĂN PHÒNG" in signer.title.upper()):
        return "office"
    return None


def config_key(key: str) -> str:
    """``thong-bao.xa`` -> ``issuers."thong-bao.xa"``, as reportgen.toml writes it."""
    return f'issuers."{key}"' if "." in key else f"issuers.{key}"


def check_issuers(config, units: pd.DataFrame, kinds, label: str = "reportgen.toml") -> list[Problem]:
    """Errors for a kind issued two ways (the notice) whose issuer and signer disagree, naming both keys."""
    problems: list[Problem] = []
    for kind in kinds:
        if not kind.issuer_forms:
            continue
        for key, issuer in config.issuers.items():
            if key == kind.name or key.startswith(kind.name + "."):
                problems += _issuer_self_problems(key, issuer, label)
        for code, signers in config.signers.items():
            signer = signers.get(kind.name)
            if signer is None or code not in units.index:
                continue
            level = units.at[code, "cap"]
            issuer, key = kind.issuer_for(config.issuers, level)
            form, signed = issuer.issued_by, signer_form(signer)
            if signed is None or signed == form:
                continue
            where = (f"{config_key(key)}" if key else
                     f"{config_key(kind.name + '.' + level)} (chưa đặt: mặc định cấp {level} là "
                     f"{FORM_NAMES[form]})")
            signed_as = f"{signer.authority} / {signer.title}" if signer.authority else signer.title
            problems.append(Problem(
                label, f"{kind.name} của {code}: người ký ({signed_as}) theo thể thức {FORM_NAMES[signed]} nhưng "
                f"văn bản do {FORM_NAMES[form]} ({where}: {' / '.join(issuer.body)}, {issuer.symbol}); sửa "
                f"issued_by hoặc authority, title. {ARTICLE_13}",
                column=f"{where.split(' ')[0]}, signers.{code}.{kind.name}.authority", value=signer.authority or ""))
    return problems


def _issuer_self_problems(key: str, issuer, label: str) -> list[Problem]:
    """An ``issued_by`` that the same entry's header or number contradicts."""
    if not issuer.issued_by:
        return []
    problems = []
    if "body" in issuer.model_fields_set and header_form(issuer) != issuer.issued_by:
        problems.append(Problem(label, f"issued_by = {issuer.issued_by!r} ({FORM_NAMES[issuer.issued_by]}) nhưng "
                                f"body là của {FORM_NAMES[header_form(issuer)]}. {ARTICLE_13}",
                                column=f"{config_key(key)}.issued_by, {config_key(key)}.body",
                                value=" / ".join(issuer.body)))
    committee_number = issuer.symbol.upper().endswith("-UBND")
    if "symbol" in issuer.model_fields_set and committee_number != (issuer.issued_by == "committee"):
        problems.append(Problem(label, f"issued_by = {issuer.issued_by!r} ({FORM_NAMES[issuer.issued_by]}) nhưng "
                                f"ký hiệu {issuer.symbol!r} là của "
                                f"{FORM_NAMES['committee' if committee_number else 'office']}. {ARTICLE_13}",
                                column=f"{config_key(key)}.issued_by, {config_key(key)}.symbol", value=issuer.symbol))
    return problems


def check_task_recipients(config, units: pd.DataFrame, meetings: dict, files: dict, kinds) -> list[Problem]:
    """Warnings for bodies given a task that the notice neither sends to nor is issued by, where the
    issuer says ``task_recipients = "warn"`` (with "add" the notice adds them to "Nơi nhận")."""
    problems = []
    for kind in kinds:
        if not kind.issuer_forms:
            continue
        for (period, code), meeting in sorted(meetings.items()):
            if code not in units.index:
                continue
            issuer, key = kind.issuer_for(config.issuers, units.at[code, "cap"])
            if issuer.task_recipients != "warn":
                continue
            missing = unreached_bodies(meeting.chi_dao, issuer.recipients, issuer_names(issuer, units.at[code, "ten_don_vi"]))
            for body in missing:
                problems.append(Problem(
                    _meeting_label(files.get((period, code)), period, code),
                    f"đơn vị được giao nhiệm vụ không có trong Nơi nhận của {kind.name} "
                    f"({config_key(key or kind.name)}.recipients)", column="chi_dao.don_vi", value=body,
                    severity="warning"))
    return problems


def issuer_names(issuer, unit_name: str) -> list[str]:
    """How a task may name the issuer itself: its name with the unit's name, or with the level word
    only ("Văn phòng HĐND và UBND huyện")."""
    return [issuer.name.replace("{don_vi}", lower_level_word(unit_name)),
            issuer.name.replace("{don_vi}", level_word(unit_name) or lower_level_word(unit_name))]
