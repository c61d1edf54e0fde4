"""The DOCX's XML parts (reportgen/render/docx_parts.py): elements inserted at their schema
place, on/off properties, table settings, the fixed-time zip, a section break folded."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from reportgen.render import docx_parts as parts


def tags(element) -> list[str]:
    return [child.tag.split("}")[1] for child in element]


def test_a_child_goes_before_the_first_that_must_follow_it():
    rpr = OxmlElement("w:rPr")
    for tag in ("w:sz", "w:b", "w:lang", "w:rFonts", "w:i"):
        parts.insert(rpr, OxmlElement(tag))
    assert tags(rpr) == ["rFonts", "b", "i", "sz", "lang"]
    assert parts.child(rpr, "w:b") is rpr[1]  # found, not made again
    assert tags(parts.child(OxmlElement("w:pPr"), "w:jc").getparent()) == ["jc"]


def test_on_off_properties_and_attributes():
    trpr = OxmlElement("w:trPr")
    header = parts.child(trpr, "w:tblHeader")
    header.set(qn("w:val"), "true")
    parts.switch_on(trpr, "w:tblHeader")  # Word's model: no w:val, not "true"
    parts.switch_on(trpr, "w:cantSplit")
    assert tags(trpr) == ["cantSplit", "tblHeader"] and header.get(qn("w:val")) is None
    border = OxmlElement("w:bottom")
    parts.set_attrs(border, val="single", sz=6)
    assert (border.get(qn("w:val")), border.get(qn("w:sz"))) == ("single", "6")


def test_paragraph_style_is_the_first_child():
    p = OxmlElement("w:p")
    parts.paragraph_style(p, "Heading1")
    parts.paragraph_style(p, "Caption")
    assert tags(p) == ["pPr"] and tags(p[0]) == ["pStyle"] and p[0][0].get(qn("w:val")) == "Caption"


def test_a_table_with_fixed_widths_no_borders_and_its_margins():
    doc = Document()
    table = doc.add_table(rows=2, cols=2)
    parts.fixed_widths(table, [Cm(3), Cm(12)])
    parts.no_borders(table)
    parts.cell_margins(table)
    parts.repeat_header(table.rows[0])
    parts.cant_split(table.rows[1])
    tbl_pr = table._tbl.tblPr
    assert [t for t in tags(tbl_pr) if t in ("tblW", "tblBorders", "tblLayout", "tblCellMar", "tblLook")] == [
        "tblW", "tblBorders", "tblLayout", "tblCellMar", "tblLook"]  # schema order, python-docx's tblLook last
    assert tbl_pr.find(qn("w:tblW")).get(qn("w:w")) == str(int(Cm(3).twips) + int(Cm(12).twips))
    assert [c.get(qn("w:w")) for c in table._tbl.tblGrid] == [str(int(Cm(3).twips)), str(int(Cm(12).twips))]
    assert {e.get(qn("w:val")) for e in tbl_pr.find(qn("w:tblBorders"))} == {"nil"}
    assert [(m.tag.split("}")[1], m.get(qn("w:w"))) for m in tbl_pr.find(qn("w:tblCellMar"))] == [
        ("top", "0"), ("left", "57"), ("bottom", "0"), ("right", "57")]
    assert tags(table.rows[0]._tr.trPr) == ["tblHeader"] and tags(table.rows[1]._tr.trPr) == ["cantSplit"]


def test_a_bottom_rule_and_a_page_number():
    doc = Document()
    paragraph = doc.add_paragraph("x")
    parts.bottom_rule(paragraph, 1)
    parts.page_field(paragraph)
    bottom = paragraph._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert [bottom.get(qn(f"w:{a}")) for a in ("val", "sz", "space", "color")] == ["single", "8", "1", "000000"]
    field = paragraph._p.find(qn("w:fldSimple"))
    assert (field.get(qn("w:instr")), field.findtext(f"{qn('w:r')}/{qn('w:t')}")) == ("PAGE", "1")


def test_fixed_zip_stamps_python_docx_zip_as_a_rewrite_would():
    """The timestamps and permissions are set in place; the bytes are those of the same
    entries written again with the fixed time, which is also what any other zip gets."""
    saved = io.BytesIO()
    Document().save(saved)  # python-docx's own zip: today's time, 0600
    raw = saved.getvalue()
    entries = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    assert {e.date_time for e in entries} != {parts.FIXED_ZIP_TIME}
    rewritten = io.BytesIO()
    with zipfile.ZipFile(rewritten, "w") as target:
        for info in entries:
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(entry, zipfile.ZipFile(io.BytesIO(raw)).read(info.filename))
    assert parts.fixed_zip(raw) == rewritten.getvalue()
    odd = io.BytesIO()  # stored entries and a comment: not stamped in place, rewritten
    with zipfile.ZipFile(odd, "w", zipfile.ZIP_STORED) as target:
        target.comment = b"x"
        for info in entries:
            target.writestr(info.filename, zipfile.ZipFile(io.BytesIO(raw)).read(info.filename))
    assert parts.fixed_zip(odd.getvalue()) == rewritten.getvalue()


def test_a_section_break_moves_onto_the_paragraph_before_it():
    doc = Document()
    doc.add_paragraph("trang dọc")
    doc.add_section()
    body = doc.element.body
    before = len(body)
    parts.fold_section_break(body)
    assert len(body) == before - 1
    assert body[-2].xpath("string(.)") == "trang dọc" and body[-2].xpath("./w:pPr/w:sectPr")
