"""``<table class="data">`` to a Word table: spans merged, header rows repeated, rows kept whole.

Column widths follow the browser's automatic table layout, roughly: every column gets at
least its longest header word and its longest unbreakable cell (numbers and row labels do
not wrap), and the room left is shared in proportion to the columns' natural widths. Widths
are measured with the built-in Times New Roman metrics (:mod:`docx_metrics`).
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Emu, Pt
from docx.oxml.table import CT_Tc
from docx.table import _Cell as _DocxCell

from reportgen.render import docx_parts as parts
from reportgen.render.docx_metrics import text_width_pt
from reportgen.render.docx_styles import TABLE_STYLE

ALIGN = {"num": WD_ALIGN_PARAGRAPH.RIGHT, "text": WD_ALIGN_PARAGRAPH.LEFT}
CELL_SIZE_PT = 12
PADDING_PT = 2 * 57 / 20 + 1  # the table style's left and right cell margins (57 twips each), and a point


class _Cell:
    """One cell of the subset's table (:class:`reportgen.render.subset.Cell`) with its measures."""

    def __init__(self, cell):
        self.source, self.row, self.col = cell, cell.row, cell.col
        self.rowspan, self.colspan, self.bold = cell.rowspan, cell.colspan, cell.total
        self.header, self.text = cell.tag == "th", cell.text

    def min_pt(self) -> float:
        """Header words may wrap between words; data cells do not wrap."""
        bold = self.bold or self.header
        pieces = self.text.split() if self.header else [self.text]
        return max((text_width_pt(p, CELL_SIZE_PT, bold) for p in pieces), default=0.0) + PADDING_PT

    def natural_pt(self) -> float:
        return text_width_pt(self.text, CELL_SIZE_PT, self.bold or self.header) + PADDING_PT


def _needs(placed: list[_Cell], columns: int) -> tuple[list[float], list[float]]:
    """(minimum, natural) width of every column, in points."""
    minimum, natural = [PADDING_PT + 6] * columns, [PADDING_PT + 6] * columns
    for cell in (c for c in placed if c.colspan == 1):
        minimum[cell.col] = max(minimum[cell.col], cell.min_pt())
        natural[cell.col] = max(natural[cell.col], cell.natural_pt())
    for cell in (c for c in placed if c.colspan > 1):
        _widen(minimum, cell.col, cell.colspan, cell.min_pt())
    return minimum, [max(n, m) for n, m in zip(natural, minimum)]


def _widen(widths: list[float], first: int, count: int, need: float) -> None:
    """Share what a spanning cell lacks equally among the columns it spans."""
    lack = need - sum(widths[first:first + count])
    for col in range(first, first + count):
        widths[col] += max(0.0, lack) / count


def column_widths(placed: list[_Cell], columns: int, total: int) -> list[Emu]:
    """Widths in EMU that add up to ``total`` (the text width)."""
    minimum, natural = _needs(placed, columns)
    room = Emu(total).pt
    if sum(minimum) >= room:
        points = [m * room / sum(minimum) for m in minimum]
    else:
        slack = [n - m for n, m in zip(natural, minimum)]
        share = [s / sum(slack) if sum(slack) else n / sum(natural) for s, n in zip(slack, natural)]
        extra = room - sum(minimum)
        points = [m + extra * s for m, s in zip(minimum, share)]
    widths = [int(Pt(p)) for p in points]
    widths[-1] += total - sum(widths)
    return [Emu(w) for w in widths]


def data_table(writer, block) -> None:
    """The table, written row by row into the ``w:tbl`` (linear in its cells: python-docx's
    ``Table.cell`` rebuilds the whole grid on every call). ``block``: a
    :class:`reportgen.render.subset.DataTable` (checked and placed on its grid)."""
    rows = [(None, row.header) for row in block.rows]
    placed, columns = [_Cell(cell) for cell in block.cells], block.columns
    table = writer.doc.add_table(rows=0, cols=columns)
    table.style = writer.doc.styles[TABLE_STYLE]
    widths = column_widths(placed, columns, int(writer.text_width))
    parts.fixed_widths(table, widths)
    grid: list[dict[int, tuple[_Cell, bool]]] = [{} for _ in rows]  # row -> column -> (cell, first row?)
    for cell in placed:
        for dr in range(cell.rowspan):
            grid[cell.row + dr][cell.col] = (cell, dr == 0)
    for (_, header), row_cells in zip(rows, grid):
        tr = table._tbl.add_tr()
        parts.cant_split(tr)
        if header:
            parts.repeat_header(tr)
        col = 0
        while col < columns:
            cell, first = row_cells.get(col, (None, True))
            span = cell.colspan if cell is not None else 1
            tc = CT_Tc.new()  # with the empty paragraph a cell must hold
            tr.append(tc)
            tc_pr = tc.get_or_add_tcPr()
            parts.set_attrs(parts.child(tc_pr, "w:tcW"), type="dxa", w=sum(int(w.twips) for w in widths[col:col + span]))
            if span > 1:
                parts.set_attrs(parts.child(tc_pr, "w:gridSpan"), val=span)
            if cell is not None and cell.rowspan > 1:
                vmerge = parts.child(tc_pr, "w:vMerge")
                if first:
                    parts.set_attrs(vmerge, val="restart")
            if cell is not None and first:
                parts.set_attrs(parts.child(tc_pr, "w:vAlign"), val="center")
                _fill(writer, _DocxCell(tc, table), cell)
            col += span


def _fill(writer, target, cell: _Cell) -> None:
    """The cell's content: inline text as one paragraph, or its own paragraphs and lists."""
    source = cell.source
    if source.blocks is not None:
        writer.blocks(source.blocks, target)
    else:
        writer.styled(source.inlines, "Tieu de bang" if cell.header else "O bang", target)
    align = ALIGN.get(source.cls)
    for paragraph in target.paragraphs:
        if cell.header and paragraph._p.style == writer.style_id("O bang"):
            writer.set_style(paragraph, "Tieu de bang")
        if align is not None:
            paragraph.alignment = align
        for run in paragraph.runs if cell.bold else ():
            run.bold = True
