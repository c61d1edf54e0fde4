"""A figures table in the DOCX (reportgen/render/docx_tables.py): header rows repeated, spans
and merges, numbers right-aligned, a total row bold, rows of one shape copied with their own
texts, column widths adding up to the text width."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Emu

from reportgen.render import subset
from reportgen.render.docx_tables import PADDING_PT, column_widths
from reportgen.render.to_docx import render_docx
from tests.pages import PROPS, page

TABLE = ('<table class="data"><thead>'
         '<tr><th rowspan="2">Đơn vị</th><th colspan="2">Hồ sơ</th></tr>'
         '<tr><th>Nhận</th><th>Giải quyết</th></tr></thead><tbody>'
         '<tr><td class="text">Xã Mỹ Hòa</td><td class="num">1.204</td><td class="num">1.190</td></tr>'
         '<tr><td class="text">Xã Mỹ Quý</td><td class="num">87</td><td class="num">86</td></tr>'
         '<tr><td class="text">Thị trấn Mỹ An</td><td class="num">2.570</td><td class="num">2.452</td></tr>'
         '<tr class="total"><td class="text">Tổng cộng</td><td class="num">3.861</td><td class="num">3.728</td></tr>'
         '</tbody></table>')


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    data = render_docx(page(TABLE), template_name="t.html.j2", base_dir=tmp_path_factory.mktemp("t"), properties=PROPS)
    doc = Document(io.BytesIO(data))
    [table] = doc.tables
    return doc, table


def cell_texts(table) -> list[list[str]]:
    return [[tc.xpath("string(.)") for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def test_every_row_keeps_its_own_texts(table):
    _, t = table
    assert cell_texts(t) == [["Đơn vị", "Hồ sơ"], ["", "Nhận", "Giải quyết"], ["Xã Mỹ Hòa", "1.204", "1.190"],
                             ["Xã Mỹ Quý", "87", "86"], ["Thị trấn Mỹ An", "2.570", "2.452"],
                             ["Tổng cộng", "3.861", "3.728"]]


def test_header_rows_repeat_and_no_row_splits(table):
    _, t = table
    flags = [(tr.trPr.find(qn("w:tblHeader")) is not None, tr.trPr.find(qn("w:cantSplit")) is not None)
             for tr in t._tbl.tr_lst]
    assert flags == [(True, True), (True, True)] + [(False, True)] * 4


def test_spans_merges_alignment_and_the_bold_total(table):
    _, t = table
    first, second, *_, total = t._tbl.tr_lst
    assert first.tc_lst[1].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "2"
    assert [tr.tc_lst[0].tcPr.find(qn("w:vMerge")).get(qn("w:val")) for tr in (first, second)] == ["restart", None]
    jc = [tc.xpath("string(./w:p/w:pPr/w:jc/@w:val)") for tc in t._tbl.tr_lst[2].tc_lst]
    assert jc == ["left", "right", "right"]
    assert total.xpath("count(.//w:r)") == total.xpath("count(.//w:r[w:rPr/w:b])") == 3
    assert t._tbl.tr_lst[3].xpath("count(.//w:b)") == 0


def test_the_columns_fill_the_text_width(table):
    doc, t = table
    section = doc.sections[0]
    text_width = Emu(section.page_width - section.left_margin - section.right_margin)
    widths = [int(c.get(qn("w:w"))) for c in t._tbl.tblGrid]
    assert abs(sum(widths) - text_width.twips) <= len(widths)  # twips rounded per column
    assert widths[0] > widths[1]  # the names need more room than the numbers


def test_column_widths_add_up_exactly():
    document = subset.read(page(TABLE), "t")
    [block] = document.blocks
    total = 5_400_000  # EMU, 15 cm
    widths = column_widths(block.cells, block.columns, total)
    assert sum(widths) == total and len(widths) == 3
    assert PADDING_PT == 2 * 57 / 20 + 1
