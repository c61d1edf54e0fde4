"""The report's appendix table (Biểu tổng hợp) as an Excel workbook, from the report's context.

The sheet is laid out as offices keep the table, so it reads back as input
(:mod:`reportgen.sources.workbook`): the issuing body and the national title, the title
with the period, the note tying it to the report, a two-row merged header, the column
numbers (1)…(15), group rows ("I | Cấp huyện"), unit rows and total rows ("Cộng cấp xã",
"Tổng cộng") as values. Times New Roman, thin borders, fixed column widths, the header
frozen and repeated on every printed page, A4 landscape within the report's margins.
Counts carry a Vietnamese number format (``1.850``, ``99,51``) whatever the viewer's locale.
Every text is a text cell, never a formula: a unit named ``=HYPERLINK(...)`` shows as typed
(each cell's type is stored, so text starting with ``+ - @``, a tab or a return is inert too).

The bytes are reproducible: the workbook's created/modified dates are the document's
date and every zip entry gets a fixed timestamp.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from reportgen import __version__
from reportgen.cells import put_text
from reportgen.columns import GROUP_HEADINGS, POINTS, SHARES, in_group
from reportgen.templating import phrase
from reportgen.vi.numbers import roman, share_value
from reportgen.vi.prose import upper_first

FONT = "Times New Roman"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
LAST = 15  # columns A..O: STT, Đơn vị, (3)…(15); the optional columns present go before the last
COUNT_FORMAT = "[$-42A]#,##0"  # 42A: Vietnamese, so the grouping shows as 1.850 in any locale
SHARE_FORMAT = "[$-42A]0.00"
SCORE_FORMAT = "[$-42A]0.00"  # the 766 score: 86,42 (vi.score)
# the grouped columns (reportgen.columns), each group led by its "Tổng số" (the derived total)
TOTAL_OF = {"received": "received", "resolved": "resolved", "in_progress": "in_progress"}
FIELDS = tuple(key for group in TOTAL_OF for key in (TOTAL_OF[group], *in_group(group)))
GROUPS = tuple((GROUP_HEADINGS[group], 3 + FIELDS.index(TOTAL_OF[group]),
                3 + FIELDS.index(TOTAL_OF[group]) + len(in_group(group))) for group in TOTAL_OF)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
NAME = Alignment(vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def render_xlsx(context: dict, templates_dir: Path | None = None) -> bytes:
    """The appendix table of a report context (see :func:`reportgen.kinds.build_context`).

    The title and the note are the report's own: the ``appendix_title`` and ``appendix_note``
    macros of ``phrases.html.j2`` (the workspace's ``templates_dir`` copy first).
    """
    doc, fig, unit = context["doc"], context["fig"], context["unit"]
    note = phrase("appendix_note", templates_dir, doc=doc, unit=unit)
    fields = fig.get("fields")
    book = Workbook()
    if fields and fields["alone"]:  # a unit alone by field: its table as one-stop software exports it
        title = phrase("fields_title", templates_dir, unit=unit, alone=True)
        window = phrase("fields_window", templates_dir, cutoff=fig["cutoff"])
        _sheet(book.active, "Theo lĩnh vực", doc, [title, window, note], context, fields["extra_groups"],
               lambda ws, row, extras: _field_body(ws, row, fields, extras, templates_dir), "Lĩnh vực")
    else:
        title = phrase("appendix_title", templates_dir, period=fig["period"])
        _sheet(book.active, "Biểu tổng hợp", doc, [title, note], context, fig["extra_groups"],
               lambda ws, row, extras: _body(ws, row, fig, extras), "Đơn vị")
        if fields:  # the document's units by field, summed: a second sheet (the first reads back as input)
            lines = [phrase("fields_title", templates_dir, unit=unit, alone=False),
                     phrase("fields_window", templates_dir, cutoff=fig["cutoff"]), note]
            _sheet(book.create_sheet(), "Theo lĩnh vực", doc, lines, context, fields["extra_groups"],
                   lambda ws, row, extras: _field_body(ws, row, fields, extras, templates_dir), "Lĩnh vực")
    date = dt.datetime.combine(doc["date"], dt.time())
    book.properties.creator = " ".join(doc["issuer"]["lines"]) or "reportgen"
    book.properties.title = phrase("appendix_title", templates_dir, period=fig["period"])
    book.properties.created = date
    book.properties.lastModifiedBy = f"reportgen {__version__}"
    out = io.BytesIO()
    book.save(out)
    return _fixed(out.getvalue(), date)


def _sheet(ws, name: str, doc: dict, lines: list[str], context: dict, groups: list[dict], body, first: str) -> None:
    """One sheet: the heading with its title ``lines``, the header (``first``: the name column's
    heading), the body ``body(ws, row, extras)`` writes, boxed and laid out."""
    ws.title = name
    extras = [column for group in groups for column in group["columns"]]  # the optional columns given
    last = LAST + len(extras)
    row = _heading(ws, doc, lines, last)
    top = row
    row = _header(ws, row, context["labels"]["columns"], groups, last, first)
    start = row
    row = body(ws, row, extras)
    _box(ws, top, row - 1, last)
    _layout(ws, top, start, doc, last)
    if first == "Lĩnh vực":
        _fit_names(ws, start, row)


NAME_WIDTH = (24, 42)  # the name column's width by field: at least the units', at most this (characters)


def _fit_names(ws, first: int, end: int) -> None:
    """The name column of a sheet by field as wide as its longest field name allows, and a row whose
    name still wraps made tall enough for its lines (neither Excel nor LibreOffice grows a row's height
    for a wrapped cell of a file it opens)."""
    names = {row: str(ws.cell(row, 2).value or "") for row in range(first, end)}
    width = min(max(NAME_WIDTH[0], max(map(len, names.values()), default=0) + 2), NAME_WIDTH[1])
    ws.column_dimensions["B"].width = width
    for row, name in names.items():
        lines = -(-len(name) // (width - 2))
        if lines > 1:
            ws.row_dimensions[row].height = 15 * lines


def _field_body(ws, row: int, fields: dict, extras: list[dict], templates_dir: Path | None = None) -> int:
    """The fields, numbered, the units not by field as one row, and the total row."""
    for number, field in enumerate(fields["rows"], start=1):
        _figures(ws, row, number, field["name"], field, extras)
        row += 1
    if fields["unclassified"]:
        _figures(ws, row, None, phrase("fields_unclassified", templates_dir), fields["unclassified"], extras)
        row += 1
    _figures(ws, row, None, "Tổng cộng", fields["total"], extras, bold=True)
    return row + 1


def _put(ws, row: int, col: int, value, *, bold=False, italic=False, size=11, align=CENTRE, last: int | None = None):
    cell = ws.cell(row, col)
    if isinstance(value, str):
        put_text(cell, value)  # a unit named "=HYPERLINK(...)" stays text (cells.py)
    else:
        cell.value = value
    cell.font = _font(size, bold, italic)
    cell.alignment = align
    if last and last > col:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=last)
    return cell


@lru_cache(maxsize=None)
def _font(size: int, bold: bool, italic: bool) -> Font:
    """One Font object per look (openpyxl's styles are immutable; making one costs ~80 µs)."""
    return Font(name=FONT, size=size, bold=bold, italic=italic)


def _heading(ws, doc: dict, lines: list[str], last: int) -> int:
    """Issuing body and national title, the title and the lines under it (the window, the note);
    returns the next free row."""
    issuer = doc["issuer"]
    left = ([issuer["parent"]] if issuer.get("parent") else []) + list(issuer["lines"])
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    for i in range(max(len(left), len(right))):
        if i < len(left):
            _put(ws, i + 1, 1, left[i], bold=not (issuer.get("parent") and i == 0), size=13, last=5)
        if i < len(right):
            _put(ws, i + 1, 6, right[i], bold=True, size=13, last=last)
    row = max(len(left), len(right)) + 2
    _put(ws, row, 1, lines[0], bold=True, size=14, last=last)
    if len(lines[0]) > 110:  # a long title on two lines of the merged cell
        ws.row_dimensions[row].height = 38
    for offset, line in enumerate(lines[1:], start=1):
        _put(ws, row + offset, 1, line, italic=True, size=13, last=last)
    return row + len(lines) + 1


def _header(ws, row: int, labels: dict, extras: list[dict], last: int, first: str = "Đơn vị") -> int:
    """The two-row merged header and the column numbers; returns the first body row."""
    for col, text in ((1, "STT"), (2, first), (last, "Tỷ lệ đúng và trước hạn (%)")):
        _put(ws, row, col, text, bold=True)
        ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
    for text, start, end in GROUPS:
        _put(ws, row, start, text, bold=True, last=end)
    subs = ["Tổng số" if key in TOTAL_OF.values() else labels[key] for key in FIELDS]
    for offset, text in enumerate(subs):
        _put(ws, row + 1, 3 + offset, text, bold=True)
    col = LAST
    for group in extras:  # a group's heading over its columns, or a column alone over both rows
        if group["heading"]:
            _put(ws, row, col, group["heading"], bold=True, last=col + len(group["columns"]) - 1)
            for offset, column in enumerate(group["columns"]):
                _put(ws, row + 1, col + offset, column["label"], bold=True)
        else:
            _put(ws, row, col, group["columns"][0]["label"], bold=True)
            ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
        col += len(group["columns"])
    for col in range(1, last + 1):
        _put(ws, row + 2, col, f"({col})", italic=True, size=10)
    ws.row_dimensions[row].height = 33
    ws.row_dimensions[row + 1].height = 33
    return row + 3


def _body(ws, row: int, fig: dict, extras: list[dict]) -> int:
    levels = fig["levels"]
    for index, level in enumerate(levels, start=1):
        if len(levels) > 1:
            _put(ws, row, 1, roman(index), bold=True)
            _put(ws, row, 2, upper_first(level["label"]), bold=True, align=Alignment(vertical="center"))
            row += 1
        for number, unit in enumerate(level["units"], start=1):
            _figures(ws, row, number, unit.get("row_name", unit["name"]), unit, extras)
            row += 1
        if len(level["units"]) > 1:
            _figures(ws, row, None, f"Cộng {level['label']}", level["totals"], extras, bold=True)
            row += 1
    if len(levels) > 1:
        _figures(ws, row, None, "Tổng cộng", fig["total"], extras, bold=True)
        row += 1
    return row


def _figures(ws, row: int, number: int | None, name: str, values: dict, extras: list[dict],
             bold: bool = False) -> None:
    _put(ws, row, 1, number, bold=bold)
    _put(ws, row, 2, name, bold=bold, align=NAME)
    right = RIGHT
    for offset, key in enumerate(FIELDS):
        _put(ws, row, 3 + offset, int(values[key]), bold=bold, align=right).number_format = COUNT_FORMAT
    for offset, column in enumerate(extras):
        value = values.get(column["key"])
        cell = _put(ws, row, LAST + offset, "-" if value is None else value, bold=bold, align=right)
        cell.number_format = SCORE_FORMAT if column["kind"] == POINTS else COUNT_FORMAT
    share = values.get("on_time_share")
    # as the documents' table: a share short of 100% never shows 100,00 (vi.share_value)
    value, digits = (None, 2) if share is None else share_value(share, SHARES["on_time_share"].digits)
    cell = _put(ws, row, LAST + len(extras), "-" if value is None else float(value), bold=bold, align=right)
    cell.number_format = SHARE_FORMAT + "0" * (digits - 2)


def _box(ws, first: int, last_row: int, last: int) -> None:
    for row in ws.iter_rows(min_row=first, max_row=last_row, min_col=1, max_col=last):
        for cell in row:
            cell.border = BOX


def _layout(ws, header: int, body: int, doc: dict, last: int) -> None:
    """Column widths, frozen header, A4 landscape with the header repeated on each page."""
    widths = {1: 6, 2: 24, **{c: 9.5 for c in range(3, last)}, last: 11}
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"C{body}"
    ws.print_title_rows = f"{header}:{body - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    margins = doc.get("margins") or {"top": 20, "bottom": 20, "left": 30, "right": 15}
    # landscape: the sheet's top edge is the portrait left edge (binding side)
    ws.page_margins.top, ws.page_margins.bottom = margins["left"] / 25.4, margins["right"] / 25.4
    ws.page_margins.left, ws.page_margins.right = margins["top"] / 25.4, margins["bottom"] / 25.4
    ws.page_margins.header = ws.page_margins.footer = 0.3


def _fixed(data: bytes, date: dt.datetime) -> bytes:
    """The same package with the document's date as modified date and fixed zip timestamps."""
    stamp = date.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>",
                                 content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()
