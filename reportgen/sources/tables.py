"""Reading tabular files (CSV, Excel .xlsx) into rows numbered as the user sees them.

A CSV's header is line 1 and its first data row line 2, as in a text editor; an Excel
sheet's rows keep the numbers Excel shows. Every value is a string, NFC-normalised.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.sources.text import LEGACY_NAMES, clean_cell, decode_bytes


class UnreadableFile(Exception):
    """The file cannot be read at all; the message says why, in Vietnamese."""


@dataclass
class Table:
    """A header and numbered rows; ``notes`` tells how the file was decoded; ``cells``
    (for a workbook read by :mod:`reportgen.sources.workbook`) the column letter of each field."""

    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    notes: list[str] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)  # column letter by field: problems name cells ("F6")
    headings: dict[str, str] = field(default_factory=dict)  # a workbook's heading by field, as written


def read_table(path: Path, sheet: str | None = None, data: bytes | None = None) -> Table:
    """Read a .csv or .xlsx file; ``data``, when given, is its content (already read safely)."""
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path, sheet, data)
    return read_csv(path, data)


def read_csv(path: Path, data: bytes | None = None) -> Table:
    """Read a CSV in UTF-8 (BOM or not), Windows-1258, TCVN3 or VNI; `,` or `;` separated."""
    try:
        decoded = decode_bytes(path.read_bytes() if data is None else data)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"không đọc được mã ký tự ở byte {exc.start}: cần UTF-8 hoặc Windows-1258"
        ) from exc
    lines = decoded.text.splitlines()
    if not lines or not lines[0].strip():
        raise UnreadableFile("tệp rỗng: cần một dòng tiêu đề với tên các cột")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(decoded.text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        rows.append((reader.line_num, _row_dict(header, values)))
    return Table(path, header, rows, _legacy_note(decoded.encoding))


def _row_dict(header: list[str], values: list[str]) -> dict[str, str]:
    row = {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)}
    if len(values) > len(header):
        row["__extra__"] = ",".join(values[len(header):])
    return row


def _legacy_note(encoding: str) -> list[str]:
    if encoding in LEGACY_NAMES:
        return [f"tệp có vẻ mã hóa {LEGACY_NAMES[encoding]}; đã chuyển sang Unicode"]
    return []


def read_xlsx(path: Path, sheet: str | None, data: bytes | None = None) -> Table:
    """Read the first sheet of an .xlsx, or the named one."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path if data is None else io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken zip
        raise UnreadableFile(f"không mở được tệp Excel: {exc}") from exc
    try:
        if sheet and sheet not in book.sheetnames:
            raise UnreadableFile(
                f"không có trang tính {sheet!r}; các trang có: {', '.join(book.sheetnames)}"
            )
        return _sheet_table(path, book[sheet] if sheet else book.worksheets[0])
    finally:
        book.close()


def _sheet_table(path: Path, ws) -> Table:
    cells = ws.iter_rows(values_only=True)
    header_row = next(cells, None)
    if not header_row:
        raise UnreadableFile("trang tính rỗng: cần một dòng tiêu đề với tên các cột")
    header = [_cell_text(v)[0] for v in header_row]
    while header and not header[-1]:
        header.pop()
    rows: list = []
    notes: set[str] = set()
    for number, values in enumerate(cells, start=2):
        texts = [_cell_text(v) for v in values]
        while len(texts) > len(header) and not texts[-1][0]:
            texts.pop()
        notes.update(n for _, n in texts if n)
        if any(t for t, _ in texts):
            rows.append((number, _row_dict(header, [t for t, _ in texts])))
    return Table(path, header, rows, sorted(n for e in notes for n in _legacy_note(e)))


def _cell_text(value) -> tuple[str, str | None]:
    if value is None:
        return "", None
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None
    if isinstance(value, str):
        return clean_cell(value.strip())
    return str(value), None
