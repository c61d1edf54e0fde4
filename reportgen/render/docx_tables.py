"""``<table class="data">`` to a Word table: spans merged, header rows repeated, rows kept whole."""

from __future__ import annotations

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Emu

from reportgen.render import docx_parts as parts

ALIGN = {"num": WD_ALIGN_PARAGRAPH.RIGHT, "text": WD_ALIGN_PARAGRAPH.LEFT}
BLOCK_TAGS = {"p", "ul", "ol"}


def _sections(writer, element) -> list[tuple[object, bool]]:
    """(tr, is_header) for every row, in order."""
    rows = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag not in ("thead", "tbody", "tfoot", "tr") or child.get("class"):
            raise writer.unsupported(child)
        group = [child] if child.tag == "tr" else [r for r in child if isinstance(r.tag, str)]
        for row in group:
            if row.tag != "tr" or (row.get("class") or "") not in ("", "total"):
                raise writer.unsupported(row)
            rows.append((row, child.tag == "thead"))
    return rows


def _span(cell, name: str, writer) -> int:
    value = cell.get(name) or "1"
    if not value.isdigit() or int(value) < 1:
        raise writer.unsupported(cell, f"{name}={value!r} phải là số nguyên dương")
    return int(value)


def place(writer, rows) -> tuple[list[tuple], int]:
    """Grid placement of every cell: (row, col, rowspan, colspan, element, tr); and the column count."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, (tr, _) in enumerate(rows):
        c = 0
        for cell in (x for x in tr if isinstance(x.tag, str)):
            if cell.tag not in ("td", "th") or (cell.get("class") or "") not in ("", "num", "text"):
                raise writer.unsupported(cell)
            while (r, c) in taken:
                c += 1
            rs, cs = _span(cell, "rowspan", writer), _span(cell, "colspan", writer)
            taken.update((r + dr, c + dc) for dr in range(rs) for dc in range(cs))
            placed.append((r, c, rs, cs, cell, tr))
            c += cs
    columns = max(c for _, c in taken) + 1 if taken else 0
    return placed, columns


def _widths(placed, columns: int, total: int) -> list[Emu]:
    """Column widths in proportion to the longest single-column content (header words count too)."""
    weight = [4.0] * columns
    for _, c, _, cs, cell, _ in placed:
        if cs == 1:
            text = " ".join(cell.text_content().split())
            longest = len(text) if cell.tag == "td" else max((len(w) for w in text.split()), default=0)
            weight[c] = max(weight[c], float(longest))
    scale = total / sum(weight)
    widths = [int(w * scale) for w in weight]
    widths[-1] += total - sum(widths)
    return [Emu(w) for w in widths]


def data_table(writer, element) -> None:
    rows = _sections(writer, element)
    placed, columns = place(writer, rows)
    table = writer.doc.add_table(rows=len(rows), cols=columns)
    table.style = writer.doc.styles["Table Grid"]
    parts.fixed_widths(table, _widths(placed, columns, int(writer.text_width)))
    for (tr, header), row in zip(rows, table.rows):
        parts.cant_split(row)
        if header:
            parts.repeat_header(row)
    for r, c, rs, cs, cell, tr in placed:
        target = table.cell(r, c)
        if rs > 1 or cs > 1:
            target = target.merge(table.cell(r + rs - 1, c + cs - 1))
        _fill(writer, target, cell, tr)
    writer.doc.add_paragraph().style = writer.doc.styles["Duong ke"]


def _fill(writer, target, cell, tr) -> None:
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if any(isinstance(ch.tag, str) and ch.tag in BLOCK_TAGS for ch in cell):
        writer.blocks(cell, target)
        return
    paragraph = writer._styled(cell, "O bang", target)
    paragraph.alignment = ALIGN.get(cell.get("class") or "", WD_ALIGN_PARAGRAPH.CENTER)
    if cell.tag == "th" or (tr.get("class") or "") == "total":
        for run in paragraph.runs:
            run.bold = True
