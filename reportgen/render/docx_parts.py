"""Low-level OOXML pieces python-docx has no API for: rules, fields, table flags, zip stamps."""

from __future__ import annotations

import io
import zipfile

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _child(parent, tag: str):
    """The child element ``tag`` of ``parent``, created (appended) when missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.append(found)
    return found


def bottom_rule(paragraph, width_pt: float = 0.75) -> None:
    """A solid rule under the paragraph, as long as the paragraph's width between its indents."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(int(width_pt * 8))), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    # pBdr must come before spacing/ind/jc in pPr's sequence
    anchor = next((c for c in ppr if c.tag in {qn("w:spacing"), qn("w:ind"), qn("w:jc"), qn("w:rPr")}), None)
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        ppr.append(borders)


def page_field(paragraph) -> None:
    """A PAGE field (the page number) in the paragraph."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def repeat_header(row) -> None:
    """Mark a table row as a header row repeated at the top of every page."""
    _child(row._tr.get_or_add_trPr(), "w:tblHeader").set(qn("w:val"), "true")


def cant_split(row) -> None:
    """Keep a table row on one page."""
    _child(row._tr.get_or_add_trPr(), "w:cantSplit").set(qn("w:val"), "true")


def no_borders(table) -> None:
    """Remove every border of a table (the header block, the closing block)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def fixed_widths(table, widths: list[Emu]) -> None:
    """Fixed layout with the given column widths (Word and LibreOffice both honour tblGrid + tcW)."""
    table.autofit = False
    _child(table._tbl.tblPr, "w:tblLayout").set(qn("w:type"), "fixed")
    width = _child(table._tbl.tblPr, "w:tblW")
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(sum(int(w.twips) for w in widths)))
    for grid_col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(int(w.twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w


def cell_margins(table, top=0, bottom=0, left=57, right=57) -> None:
    """Cell padding in twips (57 = 1 mm)."""
    margins = _child(table._tbl.tblPr, "w:tblCellMar")
    for edge, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        element = _child(margins, f"w:{edge}")
        element.set(qn("w:w"), str(value))
        element.set(qn("w:type"), "dxa")


def fixed_zip(data: bytes) -> bytes:
    """The same package with fixed entry timestamps, so equal documents are equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def fold_section_break(body) -> None:
    """python-docx ends a section with a new empty paragraph that holds its ``w:sectPr``;
    move that onto the paragraph before it, as Word does (no stray empty line that could
    spill onto a blank page)."""
    holder = body[-2]  # the paragraph carrying the section's sectPr; body[-1] is the last sectPr
    previous = holder.getprevious()
    if previous is None or previous.tag != qn("w:p") or previous.xpath("./w:pPr/w:sectPr"):
        return
    previous.set_sectPr(holder.pPr.sectPr)
    body.remove(holder)
