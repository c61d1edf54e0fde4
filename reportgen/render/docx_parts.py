"""Low-level OOXML pieces python-docx has no API for: rules, fields, table flags, zip stamps.

Every element reportgen adds itself goes through :func:`child` (or :func:`insert`), which
puts it at its place in the parent's ``xsd:sequence`` as python-docx's own ``xmlchemy``
does (``insert_element_before`` with the successors): Word rejects or "repairs" a file
whose children come in another order, though LibreOffice opens it. On/off properties are
written with no value (:func:`switch_on`), which both Word's model and the XSD accept.
"""

from __future__ import annotations

import io
import struct
import zipfile

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# The children of each parent element reportgen writes into, in schema order
# (ECMA-376 Part 1, transitional: CT_TblPr, CT_TrPr, CT_TcPr, CT_PPr, CT_RPr, CT_Style,
# CT_TblBorders, CT_TblCellMar, CT_PBdr).
_SEQUENCES = {
    "w:tblPr": ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
                "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                "w:tblPrChange"),
    "w:trPr": ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
               "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del",
               "w:trPrChange"),
    "w:tcPr": ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap",
               "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers", "w:cellIns",
               "w:cellDel", "w:cellMerge", "w:tcPrChange"),
    "w:pPr": ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
              "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
              "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
              "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
    "w:rPr": ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
              "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
              "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs",
              "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
              "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"),
    "w:style": ("w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden",
                "w:uiPriority", "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked", "w:personal",
                "w:personalCompose", "w:personalReply", "w:rsid", "w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr",
                "w:tblStylePr"),
    "w:tblBorders": ("w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"),
    "w:tblCellMar": ("w:top", "w:left", "w:bottom", "w:right"),
    "w:pBdr": ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar"),
}
_PPR, _PSTYLE, _VAL = qn("w:pPr"), qn("w:pStyle"), qn("w:val")
_SUCCESSORS = {qn(parent): {qn(tag): frozenset(qn(t) for t in tags[i + 1:]) for i, tag in enumerate(tags)}
               for parent, tags in _SEQUENCES.items()}


def insert(parent, element):
    """Insert ``element`` among ``parent``'s children before the first that must follow it."""
    successors = _SUCCESSORS[parent.tag][element.tag]  # KeyError: a pair no sequence above lists
    following = next((c for c in parent if c.tag in successors), None)
    if following is None:
        parent.append(element)
    else:
        following.addprevious(element)
    return element


def child(parent, tag: str):
    """The ``tag`` child of ``parent`` (``"w:tblW"``), created at its schema place when missing."""
    found = parent.find(qn(tag))
    return found if found is not None else insert(parent, OxmlElement(tag))


def switch_on(parent, tag: str) -> None:
    """An on/off property set on: the element with no ``w:val`` (Word's model refuses "true")."""
    child(parent, tag).attrib.pop(qn("w:val"), None)


def set_attrs(element, **attributes) -> None:
    """``w:``-namespaced attributes: ``set_attrs(border, val="single", sz=6)``."""
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), str(value))


def paragraph_style(p, style_id: str) -> None:
    """Give the paragraph element ``p`` the style ``style_id`` (``w:pPr/w:pStyle``, each the
    first child of its parent): python-docx's ``CT_P.style`` setter makes the same
    elements but looks for every one of ``w:pPr``'s 35 possible successors first."""
    p_pr = p.find(_PPR)
    if p_pr is None:
        p_pr = OxmlElement("w:pPr")
        p.insert(0, p_pr)
    style = p_pr.find(_PSTYLE)
    if style is None:
        style = OxmlElement("w:pStyle")
        p_pr.insert(0, style)
    style.set(_VAL, style_id)


def bottom_rule(paragraph, width_pt: float = 0.75) -> None:
    """A solid rule under the paragraph, as long as the paragraph's width between its indents."""
    borders = child(paragraph._p.get_or_add_pPr(), "w:pBdr")
    set_attrs(child(borders, "w:bottom"), val="single", sz=int(width_pt * 8), space=1, color="000000")


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


def cant_split(row) -> None:
    """Keep a table row (python-docx's row or its ``w:tr``) on one page."""
    switch_on(getattr(row, "_tr", row).get_or_add_trPr(), "w:cantSplit")


def repeat_header(row) -> None:
    """Mark a table row (python-docx's row or its ``w:tr``) as a header row repeated on every page."""
    switch_on(getattr(row, "_tr", row).get_or_add_trPr(), "w:tblHeader")


def no_borders(table) -> None:
    """Remove every border of a table (the header block, the closing block)."""
    borders = child(table._tbl.tblPr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        set_attrs(child(borders, f"w:{edge}"), val="nil")


def fixed_widths(table, widths: list[Emu]) -> None:
    """Fixed layout with the given column widths (Word and LibreOffice both honour tblGrid + tcW).
    Cells already in the table get their column's width; rows added later set their own."""
    tbl_pr = table._tbl.tblPr
    set_attrs(child(tbl_pr, "w:tblLayout"), type="fixed")
    set_attrs(child(tbl_pr, "w:tblW"), type="dxa", w=sum(int(w.twips) for w in widths))
    for grid_col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(int(w.twips)))
    for tr in table._tbl.tr_lst:
        for tc, w in zip(tr.tc_lst, widths):
            tc.width = w


def cell_margins(table, top=0, bottom=0, left=57, right=57) -> None:
    """Cell padding in twips (57 = 1 mm)."""
    margins = child(table._tbl.tblPr, "w:tblCellMar")
    for edge, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        set_attrs(child(margins, f"w:{edge}"), w=value, type="dxa")


def fixed_zip(data: bytes) -> bytes:
    """The same package with fixed entry timestamps, so equal documents are equal bytes.

    python-docx's zip differs from the one wanted only in each entry's time and date and
    its permissions (0600 -> 0644): those fields are rewritten in place (:func:`_stamped`)
    rather than every entry decompressed and compressed again (~6 ms a document, most of
    it ``styles.xml`` and the chart). A zip that is not the plain kind that stamping
    expects (zip64, data descriptors, extra fields, comments, stored entries) is rewritten
    entry by entry instead (:func:`_rezipped`); both give the same bytes."""
    stamped = _stamped(data)
    return stamped if stamped is not None else _rezipped(data)


_END = struct.Struct("<4s4H2LH")  # end of central directory record
_DOS_DATE = (FIXED_ZIP_TIME[0] - 1980) << 9 | FIXED_ZIP_TIME[1] << 5 | FIXED_ZIP_TIME[2]
_DOS_TIME = FIXED_ZIP_TIME[3] << 11 | FIXED_ZIP_TIME[4] << 5 | FIXED_ZIP_TIME[5] // 2
_PERMISSIONS = 0o644 << 16


def _stamped(data: bytes) -> bytes | None:
    """``data`` with every entry's time, date and permissions set in its local header and
    its central directory record (APPNOTE 4.3.7, 4.3.12), or None when the zip has
    anything beyond plain deflated entries."""
    end = len(data) - _END.size
    if end < 0:
        return None
    signature, disk, cd_disk, here, count, cd_size, cd_offset, comment = _END.unpack_from(data, end)
    if signature != b"PK\x05\x06" or disk or cd_disk or here != count or comment or cd_offset + cd_size != end:
        return None
    out = bytearray(data)
    pos = cd_offset
    for _ in range(count):
        if out[pos:pos + 4] != b"PK\x01\x02":
            return None
        flags, method = struct.unpack_from("<2H", out, pos + 8)
        name_len, extra_len, comment_len = struct.unpack_from("<3H", out, pos + 28)
        local = struct.unpack_from("<L", out, pos + 42)[0]
        if flags & 0x08 or method != zipfile.ZIP_DEFLATED or extra_len or comment_len \
                or out[local:local + 4] != b"PK\x03\x04" or struct.unpack_from("<H", out, local + 28)[0]:
            return None
        struct.pack_into("<2H", out, pos + 12, _DOS_TIME, _DOS_DATE)
        struct.pack_into("<L", out, pos + 38, _PERMISSIONS)
        struct.pack_into("<2H", out, local + 10, _DOS_TIME, _DOS_DATE)
        pos += 46 + name_len
    return bytes(out) if pos == end else None


def _rezipped(data: bytes) -> bytes:
    """Every entry read and written again with the fixed time and permissions."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = _PERMISSIONS
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
