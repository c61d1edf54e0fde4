"""``<table class="data">`` to a Word table: spans merged, header rows repeated, rows kept whole.

Column widths come from :mod:`reportgen.render.table_widths` (the PDF's come from there
too): every column gets at least its longest header word and its longest unbreakable cell,
measured with the built-in Times New Roman metrics, and the room left is shared in
proportion to the columns' natural widths.
"""

from __future__ import annotations

from copy import deepcopy

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Emu, Pt
from docx.table import _Cell as _DocxCell
from lxml.etree import SubElement

from reportgen.render import docx_parts as parts
from reportgen.render import docx_runs, table_widths
from reportgen.render.docx_styles import TABLE_STYLE

ALIGN = {"num": WD_ALIGN_PARAGRAPH.RIGHT, "text": WD_ALIGN_PARAGRAPH.LEFT}
ALIGN_XML = {"num": "right", "text": "left"}  # the same, as w:jc values
CELL_SIZE_PT = 12
PADDING_PT = 2 * 57 / 20 + 1  # the table style's left and right cell margins (57 twips each), and a point
(_TR, _TR_PR, _CANT_SPLIT, _TBL_HEADER, _TC, _TC_PR, _TC_W, _GRID_SPAN, _V_MERGE, _V_ALIGN, _P, _P_PR, _P_STYLE,
 _JC, _TYPE, _W, _VAL) = (qn(f"w:{name}") for name in (
    "tr", "trPr", "cantSplit", "tblHeader", "tc", "tcPr", "tcW", "gridSpan", "vMerge", "vAlign", "p", "pPr", "pStyle",
    "jc", "type", "w", "val"))


class _Cell:
    """One cell of the subset's table (:class:`reportgen.render.subset.Cell`) and its place on the grid."""

    __slots__ = ("source", "row", "col", "rowspan", "colspan", "bold", "header", "text")

    def __init__(self, cell):
        self.source, self.row, self.col = cell, cell.row, cell.col
        self.rowspan, self.colspan, self.bold = cell.rowspan, cell.colspan, cell.total
        self.header, self.text = cell.tag == "th", cell.text


def column_widths(cells, columns: int, total: int) -> list[Emu]:
    """Widths in EMU that add up to ``total`` (the text width): :mod:`table_widths` at the
    table style's cell size and margins."""
    points = table_widths.column_widths_pt(cells, columns, Emu(total).pt, CELL_SIZE_PT, PADDING_PT)
    widths = [int(Pt(p)) for p in points]
    widths[-1] += total - sum(widths)
    return [Emu(w) for w in widths]


def data_table(writer, block) -> None:
    """The table, written row by row into the ``w:tbl`` with lxml.

    ``block``: a :class:`reportgen.render.subset.DataTable` (checked and placed on its grid).
    No python-docx object is made per row or cell (a cell, paragraph and run proxy each, an
    XPath per property: ~0.4 ms a cell, 45,000 cells in a 3,000-row appendix). A row is
    built element by element (:func:`_row`) the first time its shape is seen: the cells'
    spans, merges, styles, alignments and runs, everything but the texts. A later row of
    the same shape is a deep copy of that row with its ``w:t`` texts replaced: the same
    elements, about a tenth of the time. A row with a cell of paragraphs or lists is always
    built, through the writer's block code.
    """
    placed, columns = [_Cell(cell) for cell in block.cells], block.columns
    table = writer.doc.add_table(rows=0, cols=columns)
    writer.table_style(table, TABLE_STYLE)
    widths = column_widths(block.cells, columns, int(writer.text_width))
    parts.fixed_widths(table, widths)
    twips = [int(w.twips) for w in widths]
    grid: list[dict[int, tuple[_Cell, bool]]] = [{} for _ in block.rows]  # row -> column -> (cell, first row?)
    for cell in placed:
        for dr in range(cell.rowspan):
            grid[cell.row + dr][cell.col] = (cell, dr == 0)
    styles = {False: writer.style_id("O bang"), True: writer.style_id("Tieu de bang")}
    tbl = table._tbl
    built: dict[tuple, object] = {}  # row shape -> a row of that shape already in the table
    for row, row_cells in zip(block.rows, grid):
        slots, shape, texts = [], [row.header], []
        col = 0
        while col < columns:
            cell, first = row_cells.get(col, (None, True))
            span = cell.colspan if cell is not None else 1
            merged = cell is not None and cell.rowspan > 1
            runs = None
            if cell is None or not first:
                shape.append((span, merged, False))
            elif cell.source.blocks is not None:
                shape = None  # written by the block code: never copied
            else:
                runs = docx_runs.Runs(cell.bold).add(cell.source.inlines).runs
                texts.extend(docx_runs.texts(runs))
                if shape is not None:
                    shape.append((span, merged, True, cell.header, cell.source.cls, docx_runs.shape(runs)))
            slots.append((cell, first, span, merged, runs))
            col += span
        key = tuple(shape) if shape is not None else None
        if key is not None and key in built:
            tr = deepcopy(built[key])
            for t, text in zip(tr.iter(docx_runs.TEXT), texts, strict=True):
                t.text = text
            tbl.append(tr)
            continue
        tr = _row(writer, table, row.header, slots, twips, styles)
        if key is not None:
            built[key] = tr


def _row(writer, table, header: bool, slots: list, twips: list[int], styles: dict):
    """One ``w:tr`` built element by element at the end of ``table``, as python-docx would
    have: ``slots`` are (cell or None, its first row?, columns spanned, merged down?, runs)."""
    tr = SubElement(table._tbl, _TR)
    tr_pr = SubElement(tr, _TR_PR)
    SubElement(tr_pr, _CANT_SPLIT)
    if header:
        SubElement(tr_pr, _TBL_HEADER)
    col = 0
    for cell, first, span, merged, runs in slots:
        tc = SubElement(tr, _TC)
        tc_pr = SubElement(tc, _TC_PR)
        width = SubElement(tc_pr, _TC_W)
        width.set(_TYPE, "dxa")
        width.set(_W, str(sum(twips[col:col + span])))
        if span > 1:
            SubElement(tc_pr, _GRID_SPAN).set(_VAL, str(span))
        if merged:
            vmerge = SubElement(tc_pr, _V_MERGE)
            if first:
                vmerge.set(_VAL, "restart")
        paragraph = SubElement(tc, _P)  # a cell holds at least one paragraph
        if cell is not None and first:
            SubElement(tc_pr, _V_ALIGN).set(_VAL, "center")
            if runs is not None:
                p_pr = SubElement(paragraph, _P_PR)
                SubElement(p_pr, _P_STYLE).set(_VAL, styles[cell.header])
                align = ALIGN_XML.get(cell.source.cls)
                if align is not None:
                    SubElement(p_pr, _JC).set(_VAL, align)
                docx_runs.write(paragraph, runs)
            else:
                _fill(writer, _DocxCell(tc, table), cell)
        col += span
    return tr


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
