"""The DOCX renderer: styles, page setup, Decree 30 blocks, tables, images, parity with the PDF.

Two sources: the hand-written ``tests/fixtures/docx/mau.html`` (every block of
docs/html-subset.md, margins 25 20 22 35) and the sample district report built by the CLI.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt

from reportgen.errors import UnsupportedMarkup
from reportgen.render.text_widths import text_width_pt
from reportgen.render.to_docx import render_docx
from tests.conftest import SAMPLE
from tests.pages import PROPS, page
from tests.readback import soffice_pdf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "docx"
DATE = dt.date(2022, 3, 9)


# ---- helpers ----------------------------------------------------------------------------
def png(width: int, height: int) -> bytes:
    """A plain RGB PNG, written byte by byte."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x3b\x6e\xa5" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def render(body: str, tmp_path: Path, **kw) -> Document:
    data = render_docx(page(body, **kw), template_name="thu.html.j2", base_dir=tmp_path, properties=PROPS)
    return Document(io.BytesIO(data))


def mm(length) -> float:
    return round(length / Mm(1), 1)


def text_width(section) -> int:
    return section.page_width - section.left_margin - section.right_margin


def trpr_flag(row, tag: str) -> bool:
    trpr = row._tr.trPr
    return trpr is not None and trpr.find(qn(tag)) is not None


def rule_length(paragraph, box: int) -> int:
    fmt = paragraph.paragraph_format
    return box - (fmt.left_indent or 0) - (fmt.right_indent or 0)


def has_rule(paragraph) -> bool:
    return bool(paragraph._p.xpath("./w:pPr/w:pBdr/w:bottom[@w:val='single']"))


def texts(paragraphs) -> list[str]:
    return [p.text for p in paragraphs if p.text]


def body_paragraphs(doc) -> list[str]:
    return [t for t in (" ".join(p.text.replace("\u00a0", " ").split()) for p in doc.paragraphs) if t]


def pdf_body_text(path: Path, top_mm: float = 20) -> str:
    """The PDF's text without the top margin (page numbers), lines joined with spaces."""
    with pdfplumber.open(path) as pdf:
        parts = [p.crop((0, Mm(top_mm).pt, p.width, p.height)).extract_text() or "" for p in pdf.pages]
    return " ".join(" ".join(parts).replace("\u00a0", " ").split())


def assert_in_order(paragraphs: list[str], text: str) -> None:
    position = 0
    for paragraph in paragraphs:
        found = text.find(paragraph, position)
        assert found >= 0, f"not found (in order): {paragraph!r}"
        position = found + len(paragraph)


# ---- fixtures ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mau(tmp_path_factory):
    """The hand-written sample: (docx path, bytes, Document)."""
    folder = tmp_path_factory.mktemp("mau")
    (folder / "bieu-do.png").write_bytes(png(800, 400))
    html = (FIXTURES / "mau.html").read_text(encoding="utf-8")
    out = folder / "mau.docx"
    data = render_docx(html, template_name="mau.html", base_dir=folder, properties={"date": DATE}, out_path=out)
    return out, data, Document(str(out))


@pytest.fixture(scope="module")
def doc(mau):
    return mau[2]


@pytest.fixture(scope="module")
def sample_docs(tmp_path_factory):
    """The sample district report as DOCX and PDF, built by the CLI."""
    from click.testing import CliRunner

    from reportgen.cli import main

    out = tmp_path_factory.mktemp("docx")
    result = CliRunner().invoke(main, ["build", "-w", str(SAMPLE), "-o", str(out), "-p", "2022-Q1", "-u", "TM",
                                       "-k", "bao-cao", "-k", "thong-bao"])
    assert result.exit_code == 0, result.output
    return out / "2022-Q1" / "TM"


# ---- styles -----------------------------------------------------------------------------
def test_normal_style_is_decree_30(doc):
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    fmt = normal.paragraph_format
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.first_line_indent == Cm(1.27)
    assert fmt.space_after == Pt(6)
    assert fmt.line_spacing_rule == WD_LINE_SPACING.SINGLE  # Times: 1.15 em, the CSS line-height
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(s)) for s in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {"Times New Roman"}
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"


def test_document_defaults_name_the_font_and_language(doc):
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert {fonts.get(qn(s)) for s in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {"Times New Roman"}
    assert not [k for k in fonts.attrib if k.endswith("Theme") or k.endswith("theme")]  # themes would win
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"


@pytest.mark.parametrize("name, size, bold, italic", [
    ("Heading 1", 14, True, False), ("Heading 2", 14, True, False), ("Heading 3", 14, True, True),
    ("Caption", 13, False, True), ("Noi nhan", 11, False, False), ("Noi nhan tieu de", 12, True, True),
    ("Co quan chu quan", 13, False, False), ("Co quan ban hanh", 13, True, False), ("Quoc hieu", 13, True, False),
    ("Tieu ngu", 14, True, False), ("Dia danh ngay thang", 14, False, True), ("Ten loai", 14, True, False),
    ("Trich yeu", 14, True, False), ("Chuc vu ky", 14, True, False), ("Ten nguoi ky", 14, True, False),
    ("O bang", 12, False, False), ("Tieu de bang", 12, True, False),
])
def test_named_styles(doc, name, size, bold, italic):
    style = doc.styles[name]
    assert style.font.size == Pt(size)
    assert bool(style.font.bold) == bold and bool(style.font.italic) == italic


def test_headings_are_black_times_without_numbering(doc):
    for level in (1, 2, 3):
        style = doc.styles[f"Heading {level}"]
        assert style.font.name == "Times New Roman"
        assert str(style.font.color.rgb) == "000000"
        assert style.element.xpath("./w:pPr/w:numPr") == []
        assert style.paragraph_format.keep_with_next


def test_table_style_and_recipient_spacing(doc):
    table_style = doc.styles["Bang so lieu"]
    assert table_style.base_style.name == "Table Grid"
    assert table_style.element.xpath("./w:tblPr/w:tblBorders/w:insideH/@w:val") == ["single"]
    recipient = doc.styles["Noi nhan"].paragraph_format
    assert recipient.first_line_indent == 0 and recipient.space_after == 0
    assert recipient.line_spacing_rule == WD_LINE_SPACING.SINGLE


# ---- page setup -------------------------------------------------------------------------
def test_page_is_a4_with_the_margins_of_the_meta(doc):
    first = doc.sections[0]
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert (mm(first.page_width), mm(first.page_height)) == (210, 297)
    assert [mm(first.top_margin), mm(first.right_margin), mm(first.bottom_margin), mm(first.left_margin)] == \
        [25, 20, 22, 35]


def test_default_margins_without_the_meta(tmp_path):
    html = page("<p>x</p>").replace('<meta name="reportgen:margins" content="20 15 20 30">', "")
    section = Document(io.BytesIO(render_docx(html, template_name="t", base_dir=tmp_path,
                                              properties=PROPS))).sections[0]
    assert [mm(section.top_margin), mm(section.right_margin), mm(section.bottom_margin),
            mm(section.left_margin)] == [20, 15, 20, 30]


def test_page_numbers_from_page_two(doc):
    first = doc.sections[0]
    assert first.different_first_page_header_footer  # w:titlePg
    assert first.header._element.xpath(".//w:fldSimple/@w:instr") == ["PAGE"]
    number = first.header.paragraphs[0]
    assert (number.alignment or number.style.paragraph_format.alignment) == WD_ALIGN_PARAGRAPH.CENTER
    assert (number.style.font.size or doc.styles["Normal"].font.size) in (Pt(13), Pt(14))
    assert not first.first_page_header.is_linked_to_previous
    assert [p.text for p in first.first_page_header.paragraphs] == [""]
    assert first.first_page_header._element.xpath(".//w:fldSimple|.//w:fldChar") == []


def test_landscape_section_then_portrait_again(doc):
    portrait, landscape, after = doc.sections
    assert landscape.orientation == WD_ORIENT.LANDSCAPE
    assert (mm(landscape.page_width), mm(landscape.page_height)) == (297, 210)
    # the portrait margins turned with the page: the binding edge (left, 35) on top
    assert [mm(landscape.top_margin), mm(landscape.right_margin), mm(landscape.bottom_margin),
            mm(landscape.left_margin)] == [35, 25, 20, 22]
    assert after.orientation == WD_ORIENT.PORTRAIT and (mm(after.page_width), mm(after.page_height)) == (210, 297)
    assert mm(after.left_margin) == 35
    for section in (landscape, after):  # the page-number header is inherited, not lost
        assert section.header.is_linked_to_previous and not section.different_first_page_header_footer
    assert doc.paragraphs[-1].text == "Đoạn sau phụ lục, lại trên trang dọc."


def test_section_breaks_add_no_empty_paragraph(doc):
    holders = [p for p in doc.paragraphs if p._p.xpath("./w:pPr/w:sectPr")]
    assert len(holders) == 2
    assert all(p.style.name == "Duong ke" for p in holders)  # the spacer after a table carries the break


# ---- the Decree 30 blocks ---------------------------------------------------------------
def test_header_block_is_a_borderless_two_column_table(doc):
    header = doc.tables[0]
    assert len(header.columns) == 2 and len(header.rows) == 1
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"} and len(borders) == 6
    left, right = header.rows[0].cells
    assert texts(left.paragraphs) == ["ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", "ỦY BAN NHÂN DÂN\nHUYỆN THÁP MƯỜI",
                                      "Số: 05/BC-UBND"]
    assert texts(right.paragraphs) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                       "Tháp Mười, ngày 09 tháng 3 năm 2022"]
    width = text_width(doc.sections[0])
    assert abs(left.width + right.width - width) < Mm(0.5)
    assert 0.35 * width < left.width <= 0.40 * width + Mm(0.5)  # about 40 %, the national title on one line
    assert right.width > Pt(text_width_pt("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True))


def test_header_block_styles(doc):
    left, right = doc.tables[0].rows[0].cells
    styles = [p.style.name for p in left.paragraphs + right.paragraphs if p.text]
    assert styles == ["Co quan chu quan", "Co quan ban hanh", "So ky hieu", "Quoc hieu", "Tieu ngu",
                      "Dia danh ngay thang"]
    assert all(p.alignment is None for p in left.paragraphs + right.paragraphs)  # the styles centre them


def test_rules_under_issuing_body_motto_and_subject(doc):
    left, right = doc.tables[0].rows[0].cells
    issuer_rule = next(p for p in left.paragraphs if has_rule(p))
    assert abs(rule_length(issuer_rule, left.width) - left.width / 3) < Mm(0.5)
    motto_rule = next(p for p in right.paragraphs if has_rule(p))
    motto = text_width_pt("Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    assert 165 < motto < 180  # Times New Roman Bold 14 pt: about 6 cm
    assert abs(Emu(rule_length(motto_rule, right.width)).pt - motto) < 1
    subject_rule = next(p for p in doc.paragraphs if has_rule(p))
    assert subject_rule._p.getprevious().xpath("string()") == "Kết quả thử nghiệm bộ chuyển DOCX quý I năm 2022"
    assert abs(rule_length(subject_rule, text_width(doc.sections[0])) - text_width(doc.sections[0]) / 3) < Mm(0.5)
    for rule in (issuer_rule, motto_rule, subject_rule):
        assert rule.text == "" and rule.style.name == "Duong ke"
        assert rule._p.xpath("./w:pPr/w:pBdr/w:bottom/@w:sz") == ["6"]  # 3/4 pt, solid


def test_doc_type_and_subject(doc):
    by_text = {p.text: p for p in doc.paragraphs}
    assert by_text["BÁO CÁO"].style.name == "Ten loai"
    assert by_text["Kết quả thử nghiệm bộ chuyển DOCX quý I năm 2022"].style.name == "Trich yeu"
    assert doc.styles["Ten loai"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_closing_table(doc):
    closing = next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    assert {b.get(qn("w:val")) for b in closing._tbl.tblPr.find(qn("w:tblBorders"))} == {"nil"}
    recipients, signature = closing.rows[0].cells
    assert [(p.text, p.style.name) for p in recipients.paragraphs] == [
        ("Nơi nhận:", "Noi nhan tieu de"), ("- UBND tỉnh (b/c);", "Noi nhan"), ("- Lưu: VT.", "Noi nhan")]
    assert [(p.text, p.style.name) for p in signature.paragraphs] == [
        ("TM. ỦY BAN NHÂN DÂN", "Chuc vu ky"), ("CHỦ TỊCH", "Chuc vu ky"), ("", "Khoang ky"),
        ("Trần Thị Quý", "Ten nguoi ky")]
    space = doc.styles["Khoang ky"].paragraph_format
    assert space.line_spacing_rule == WD_LINE_SPACING.EXACTLY and abs(space.line_spacing - Cm(2.5)) < Mm(0.1)
    assert trpr_flag(closing.rows[0], "w:cantSplit")


@pytest.mark.parametrize("text, style", [
    ("BIỂU TỔNG HỢP", "Tieu de phu luc"), ("(Kèm theo Báo cáo số 05/BC-UBND ngày 09/3/2022)", "Ghi chu phu luc"),
    ("Tin: Một tiêu đề tin", "Tieu de tin"), ("(Quang cảnh buổi họp)", "Chu thich anh"),
    ("Phóng viên Nguyễn\u00a0Văn\u00a0A", "Tac gia"), ("Biểu đồ: Tỷ lệ hồ sơ trực tuyến", "Caption"),
])
def test_other_classes_have_their_styles(doc, text, style):
    assert next(p for p in doc.paragraphs if p.text == text).style.name == style


# ---- body -------------------------------------------------------------------------------
def test_text_in_order(doc):
    assert body_paragraphs(doc)[:22] == [
        "BÁO CÁO", "Kết quả thử nghiệm bộ chuyển DOCX quý I năm 2022",
        "Ủy ban nhân dân (UBND) huyện báo cáo kết quả thử nghiệm như sau:", "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "1. Tình hình chung", "a) Cấp huyện", "Đoạn không thụt đầu dòng.", "Đoạn căn giữa.", "Đoạn căn phải.",
        "- Gạch đầu dòng thứ nhất;", "- Gạch đầu dòng thứ hai:", "+ ý cộng thứ nhất;", "+ ý cộng thứ hai.",
        "1. Nhiệm vụ một.", "2. Nhiệm vụ hai.", "a) Điểm a.", "b) Điểm b.", "Biểu đồ: Tỷ lệ hồ sơ trực tuyến",
        "Tin: Một tiêu đề tin", "(Quang cảnh buổi họp)", "Phóng viên Nguyễn Văn A",
        "Trên đây là báo cáo kết quả thử nghiệm./."]


def test_paragraph_classes_and_headings(doc):
    by_text = {p.text: p for p in doc.paragraphs}
    assert by_text["Đoạn không thụt đầu dòng."].paragraph_format.first_line_indent == 0
    assert by_text["Đoạn căn giữa."].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert by_text["Đoạn căn phải."].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert [by_text[t].style.name for t in ("I. KẾT QUẢ ĐẠT ĐƯỢC", "1. Tình hình chung", "a) Cấp huyện")] == \
        ["Heading 1", "Heading 2", "Heading 3"]
    assert by_text["- Gạch đầu dòng thứ nhất;"].style.name == "List Dash"
    assert by_text["+ ý cộng thứ nhất;"].style.name == "List Plus"


def test_inline_formatting_combines(tmp_path):
    doc = render("<p>Số <b>đậm <i>nghiêng</i></b> và <u>gạch</u><br>dòng mới</p>", tmp_path)
    runs = [(r.text, r.bold, r.italic, r.underline) for r in doc.paragraphs[0].runs if r.text.strip()]
    assert runs == [("Số", None, None, None), (" đậm", True, None, None), (" nghiêng", True, True, None),
                    (" và", None, None, None), (" gạch", None, None, True), ("dòng mới", None, None, None)]
    assert doc.paragraphs[0].text == "Số đậm nghiêng và gạch\ndòng mới"


def test_whitespace_collapses_but_no_break_spaces_stay(tmp_path):
    doc = render("<p>\n  một\n   hai&nbsp;&nbsp;ba <em> bốn </em> năm <span class='nowrap'>sáu bảy</span>\n</p>", tmp_path)
    assert doc.paragraphs[0].text == "một hai\u00a0\u00a0ba bốn năm sáu\u00a0bảy"


def test_lists_and_spans(tmp_path):
    doc = render('<ul><li>một</li><li>hai</li></ul><ol class="alpha"><li>ba</li></ol><ol><li>bốn</li></ol>'
                 '<table class="data"><tr><td rowspan="2">A</td><td colspan="2">B</td></tr>'
                 '<tr><td>C</td><td>D</td></tr></table>', tmp_path)
    assert [p.text for p in doc.paragraphs if p.text] == ["- một", "- hai", "a) ba", "1. bốn"]
    table = doc.tables[0]
    assert [[c.text for c in r.cells] for r in table.rows] == [["A", "B", "B"], ["A", "C", "D"]]


def test_page_break_goes_on_the_next_paragraph(doc, tmp_path):
    headline = next(p for p in doc.paragraphs if p.text == "Tin: Một tiêu đề tin")
    assert headline.paragraph_format.page_break_before
    assert not any(p.paragraph_format.page_break_before for p in doc.paragraphs if p._p is not headline._p)
    before_table = render('<p>a</p><div class="page-break"></div><table class="data"><tr><td>1</td></tr></table>',
                          tmp_path)
    spacer = before_table.paragraphs[1]
    assert spacer.paragraph_format.page_break_before and spacer.text == ""
    assert spacer._p.getnext().tag == qn("w:tbl")
    at_start = render('<div class="page-break"></div><p>a</p>', tmp_path)
    assert not at_start.paragraphs[0].paragraph_format.page_break_before  # no blank first page


# ---- figures tables ---------------------------------------------------------------------
def test_data_table_header_rows_repeat_and_rows_do_not_split(doc):
    table = doc.tables[1]
    assert table.style.name == "Bang so lieu"
    assert [trpr_flag(r, "w:tblHeader") for r in table.rows] == [True, True, False, False, False]
    assert all(trpr_flag(r, "w:cantSplit") for r in table.rows)


def test_data_table_spans_make_the_right_grid(doc):
    table = doc.tables[1]
    assert len(table.columns) == 4
    assert [[c.text for c in r.cells] for r in table.rows[:2]] == [
        ["STT", "Đơn vị", "Số hồ sơ", "Số hồ sơ"], ["STT", "Đơn vị", "Tiếp nhận", "Đã giải quyết"]]
    first, second = table.rows[0]._tr, table.rows[1]._tr
    assert first.xpath("./w:tc/w:tcPr/w:gridSpan/@w:val") == ["2"]
    assert first.xpath("./w:tc/w:tcPr/w:vMerge/@w:val") == ["restart", "restart"]
    assert len(second.xpath("./w:tc/w:tcPr/w:vMerge[not(@w:val) or @w:val='continue']")) == 2


def test_data_table_cells(doc):
    table = doc.tables[1]
    header = table.rows[0].cells[0].paragraphs[0]
    assert header.style.name == "Tieu de bang"
    number = table.rows[2].cells[2].paragraphs[0]
    assert number.text == "1.234" and number.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[2].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert table.rows[2].cells[0].paragraphs[0].style.name == "O bang"
    total = table.rows[4]
    assert all(r.bold for c in total.cells for p in c.paragraphs for r in p.runs)
    assert not any(r.bold for c in table.rows[3].cells for p in c.paragraphs for r in p.runs)


def test_tables_fit_the_text_width(doc):
    for table, section in ((doc.tables[1], doc.sections[0]), (doc.tables[-1], doc.sections[1])):
        widths = [int(w) for w in table._tbl.tblGrid.xpath("./w:gridCol/@w:w")]
        assert abs(Emu(sum(widths) * 635) - text_width(section)) < Mm(0.5)
        assert table._tbl.tblPr.xpath("./w:tblLayout/@w:type") == ["fixed"]


def test_columns_get_room_for_their_longest_word(doc):
    table = doc.tables[1]
    widths = [Emu(int(w) * 635).pt for w in table._tbl.tblGrid.xpath("./w:gridCol/@w:w")]
    assert widths[0] > text_width_pt("STT", 12, bold=True)
    assert widths[1] > text_width_pt("Xã Mỹ Hòa", 12)  # a row label does not wrap


def long_table(rows: int) -> str:
    """A data table whose rows repeat a few shapes (data, a group row with a span, a bold
    total, a cell with a line break or spaces to keep), each row with texts of its own."""
    body = []
    for i in range(rows):
        if i % 50 == 0:
            body.append(f"<tr><td>{i // 50 + 1}</td><td class='text' colspan='3'><b>Nhóm {i // 50 + 1}</b></td></tr>")
        elif i % 97 == 0:
            body.append(f"<tr class='total'><td></td><td class='text'>Cộng {i}</td><td class='num'>{i}.000</td>"
                        f"<td class='num'>{i},5</td></tr>")
        elif i % 31 == 0:
            body.append(f"<tr><td>{i}</td><td class='text'>Xã <i>{i}</i><br>dòng hai</td><td class='num'>&nbsp;{i}</td>"
                        f"<td class='num'>{i}</td></tr>")
        else:
            body.append(f"<tr><td>{i}</td><td class='text'>Xã số {i}</td><td class='num'>{i * 7}</td>"
                        f"<td class='num'>{i % 100},{i % 10}0</td></tr>")
    return ("<table class='data'><thead><tr><th rowspan='2'>STT</th><th rowspan='2'>Đơn vị</th>"
            "<th colspan='2'>Số hồ sơ</th></tr><tr><th>Tiếp nhận</th><th>Tỷ lệ (%)</th></tr></thead>"
            "<tbody>" + "".join(body) + "</tbody></table>")


def expected_row(i: int) -> tuple[list[str], bool]:
    """The texts python-docx reads back from long_table's data row ``i`` (a span repeats its
    text in every column it covers), and whether the row is bold."""
    if i % 50 == 0:
        return [str(i // 50 + 1)] + [f"Nhóm {i // 50 + 1}"] * 3, False
    if i % 97 == 0:
        return ["", f"Cộng {i}", f"{i}.000", f"{i},5"], True
    if i % 31 == 0:
        return [str(i), f"Xã {i}\ndòng hai", f"\u00a0{i}", str(i)], False
    return [str(i), f"Xã số {i}", str(i * 7), f"{i % 100},{i % 10}0"], False


@pytest.fixture(scope="module")
def long_docx(tmp_path_factory):
    folder = tmp_path_factory.mktemp("long")
    data = render_docx(page(long_table(600)), template_name="thu.html.j2", base_dir=folder, properties=PROPS)
    (folder / "dai.docx").write_bytes(data)
    return folder / "dai.docx", Document(io.BytesIO(data))


def test_a_long_table_reads_back_cell_by_cell(long_docx):
    """Rows of a shape already written are copies of that row, each with its own texts."""
    rows = long_docx[1].tables[0].rows
    assert len(rows) == 2 + 600
    assert [c.text for c in rows[0].cells] == ["STT", "Đơn vị", "Số hồ sơ", "Số hồ sơ"]
    assert [c.text for c in rows[1].cells] == ["STT", "Đơn vị", "Tiếp nhận", "Tỷ lệ (%)"]
    for i, row in enumerate(rows[2:]):
        texts, bold = expected_row(i)
        assert [c.text for c in row.cells] == texts, i
        runs = [r for c in row.cells for p in c.paragraphs for r in p.runs if r.text]
        assert runs and all(r.bold is (True if bold else None) for r in runs if not r.text.startswith("Nhóm")), i
        if i % 31 == 0 and i % 50 and i % 97:
            assert [(r.text, r.italic) for r in runs] == [
                (str(i), None), ("Xã", None), (f" {i}", True), ("\n", None), ("dòng hai", None),
                (f"\u00a0{i}", None), (str(i), None)], i
        else:
            assert not any(r.italic for r in runs), i


def test_a_long_table_keeps_styles_alignment_merges_and_widths(long_docx):
    table = long_docx[1].tables[0]
    grid = [int(w) for w in table._tbl.tblGrid.xpath("./w:gridCol/@w:w")]
    for row in table.rows:
        tcs = row._tr.tc_lst
        spans = [int(tc.xpath("string(./w:tcPr/w:gridSpan/@w:val)") or 1) for tc in tcs]
        assert sum(spans) == 4
        starts = [sum(spans[:k]) for k in range(len(spans))]
        assert [int(tc.xpath("string(./w:tcPr/w:tcW/@w:w)")) for tc in tcs] == \
            [sum(grid[s:s + n]) for s, n in zip(starts, spans)]
    header, data = table.rows[:2], table.rows[2:]
    assert [trpr_flag(r, "w:tblHeader") for r in table.rows] == [True, True] + [False] * len(data)
    assert all(trpr_flag(r, "w:cantSplit") for r in table.rows)
    assert header[0]._tr.xpath("./w:tc/w:tcPr/w:vMerge/@w:val") == ["restart", "restart"]
    assert len(header[1]._tr.xpath("./w:tc/w:tcPr/w:vMerge[not(@w:val)]")) == 2
    assert not any(r._tr.xpath("./w:tc/w:tcPr/w:vMerge") for r in data)
    group = data[0]._tr
    assert group.xpath("./w:tc/w:tcPr/w:gridSpan/@w:val") == ["3"]
    assert all(c.paragraphs[0].style.name == "Tieu de bang" for r in header for c in r.cells)
    for i, row in enumerate(data):
        if i % 50 == 0:  # a group row: its label spans three columns
            assert [c.paragraphs[0].alignment for c in row.cells[:2]] == [None, WD_ALIGN_PARAGRAPH.LEFT]
            continue
        cells = row.cells
        assert all(c.paragraphs[0].style.name == "O bang" for c in cells)
        assert [c.paragraphs[0].alignment for c in cells] == \
            [None, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.RIGHT]
    kept = data[31]._tr  # "&nbsp;31": a text that starts with a space keeps it
    assert kept.xpath("./w:tc[3]//w:t/@xml:space") == ["preserve"]
    assert data[2]._tr.xpath(".//w:t/@xml:space") == []
    assert [r.bold for r in data[0].cells[1].paragraphs[0].runs] == [True]  # <b> in a group row


def test_libreoffice_repeats_the_header_rows_on_every_page(long_docx, tmp_path):
    pdf_path = soffice_pdf(long_docx[0], tmp_path)
    with pdfplumber.open(pdf_path) as pdf:
        assert len(pdf.pages) >= 10
        for number, page in enumerate(pdf.pages, 1):
            lines = (page.extract_text() or "").splitlines()
            head = " ".join([line for line in lines if not re.fullmatch(r"\d+", line.strip())][:3])
            assert all(t in head for t in ("STT", "Đơn vị", "Số hồ sơ", "Tiếp nhận", "Tỷ lệ (%)")), (number, head)
        last = pdf.pages[-1].extract_text()
        assert "599" in last


# ---- images -----------------------------------------------------------------------------
def test_image_fits_the_width_and_keeps_its_ratio(doc):
    shape = doc.inline_shapes[0]
    assert abs(shape.width - text_width(doc.sections[0])) < Mm(0.5)
    assert shape.height / shape.width == pytest.approx(400 / 800, rel=0.005)


def test_image_width_attribute_is_a_hint(tmp_path):
    (tmp_path / "nho.png").write_bytes(png(300, 200))
    (tmp_path / "cao.png").write_bytes(png(100, 1000))
    doc = render('<figure><img src="nho.png" width="240"></figure><figure><img src="nho.png" width="5000"></figure>'
                 '<figure><img src="cao.png"></figure>', tmp_path)
    small, wide, tall = doc.inline_shapes
    assert small.width == 240 * 9525 and small.height == 160 * 9525  # CSS pixels, as in the PDF
    assert abs(wide.width - text_width(doc.sections[0])) < Mm(0.5)  # never wider than the text
    section = doc.sections[0]
    assert tall.height <= 0.75 * (section.page_height - section.top_margin - section.bottom_margin) + Mm(0.1)
    assert tall.height / tall.width == pytest.approx(10, rel=0.005)


def test_chart_of_the_sample_report(sample_docs):
    from PIL import Image

    doc = Document(str(sample_docs / "bao-cao.docx"))
    shape = doc.inline_shapes[0]
    assert abs(shape.width - text_width(doc.sections[0])) < Mm(1)
    blob = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
    image = Image.open(io.BytesIO(doc.part.related_parts[blob].blob))
    assert shape.height / shape.width == pytest.approx(image.height / image.width, rel=0.01)


@pytest.mark.parametrize("src", ["../../etc/passwd", "/etc/passwd", "khong-co.png", "http://example.com/a.png"])
def test_image_outside_the_assets_folder_is_refused(tmp_path, src):
    (tmp_path / "assets").mkdir()
    with pytest.raises(UnsupportedMarkup, match=f"ảnh '{re.escape(src)}' không có trong thư mục tài nguyên"):
        render(f'<figure><img src="{src}"></figure>', tmp_path / "assets")


def test_a_file_that_is_not_an_image_is_refused(tmp_path):
    (tmp_path / "a.png").write_text("not a png")
    with pytest.raises(UnsupportedMarkup, match="'a.png' không phải ảnh"):
        render('<figure><img src="a.png"></figure>', tmp_path)


# ---- the subset is enforced -------------------------------------------------------------
@pytest.mark.parametrize("markup, shown", [
    ('<div class="foo">x</div>', "<div class='foo'>"),
    ("<script>alert(1)</script>", "<script>"),
    ('<p>a <span class="x">b</span></p>', "<span class='x'>"),
    ("<p>a <span>b</span></p>", "<span>"),
    ('<p class="headline subject">x</p>', "<p class='headline subject'>"),
    ('<p class="motto center">x</p>', "<p class='motto center'>"),
    ("<p>a <a href='http://x'>b</a></p>", "<a>"),
    ('<h1 class="x">a</h1>', "<h1 class='x'>"),
    ("<h4>a</h4>", "<h4>"),
    ('<ul class="x"><li>a</li></ul>', "<ul class='x'>"),
    ("<ul><p>a</p></ul>", "<p>"),
    ('<table class="data"><tfoot><tr><td>1</td></tr></tfoot></table>', "<tfoot>"),
    ('<table class="data"><tr class="x"><td>1</td></tr></table>', "<tr class='x'>"),
    ('<table class="data"><tr><td class="x">1</td></tr></table>', "<td class='x'>"),
    ("<table><tr><td>1</td></tr></table>", "<table>"),
    ('<section class="landscape"><section class="landscape"><p>a</p></section></section>',
     "<section class='landscape'>"),
    ('<figure class="x"><img src="a.png"></figure>', "<figure class='x'>"),
    ("<blockquote>a</blockquote>", "<blockquote>"),
])
def test_markup_outside_the_subset_is_an_error(tmp_path, markup, shown):
    with pytest.raises(UnsupportedMarkup) as caught:
        render(markup, tmp_path)
    assert str(caught.value) == (f"Mẫu thu.html.j2: thẻ {shown} không thuộc tập HTML được hỗ trợ "
                                 f"(docs/html-subset.md)")


@pytest.mark.parametrize("markup, shown", [
    ("chữ rời<p>a</p>", "<article class='document'>"),
    ("<p>a</p> chữ rời", "<article class='document'>"),
    ("<ul><li>a</li> chữ rời</ul>", "<ul>"),
    ('<table class="data"><tr><td>1</td> chữ rời</tr></table>', "<tr>"),
    ('<table class="data"><tr><td><p>a</p> chữ rời</td></tr></table>', "<td>"),
    ('<section class="landscape">chữ rời</section>', "<section class='landscape'>"),
])
def test_loose_text_is_an_error_not_a_silent_drop(tmp_path, markup, shown):
    with pytest.raises(UnsupportedMarkup, match=re.escape(f"Mẫu thu.html.j2: thẻ {shown} ") + ".*ngoài đoạn văn"):
        render(markup, tmp_path)


@pytest.mark.parametrize("markup", [
    '<table class="header-block"><tr><td class="issuer"><p>a</p></td></tr></table>',
    '<table class="header-block"><tr><td class="national"><p>a</p></td><td class="issuer"></td></tr></table>',
    '<table class="closing"><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>',
])
def test_layout_tables_need_their_two_cells(tmp_path, markup):
    with pytest.raises(UnsupportedMarkup, match="bảng bố cục cần|cần hai ô"):
        render(markup, tmp_path)


def test_one_article_is_required(tmp_path):
    with pytest.raises(UnsupportedMarkup, match='Mẫu t: cần đúng một <article class="document">'):
        render_docx("<html><body><p>a</p></body></html>", template_name="t", base_dir=tmp_path, properties=PROPS)


# ---- properties, reproducibility, writing -----------------------------------------------
def test_core_properties(tmp_path):
    props = render("<p>a</p>", tmp_path).core_properties
    assert (props.title, props.subject, props.author, props.keywords) == (
        "Kết quả thử", "BÁO CÁO", "ỦY BAN NHÂN DÂN HUYỆN THỬ", "reportgen, thử")
    assert props.language == "vi-VN"
    assert props.created == props.modified == dt.datetime(2022, 3, 9, tzinfo=dt.timezone.utc)
    assert props.last_modified_by == "reportgen" and props.revision == 1
    assert props.last_printed is None


def test_title_and_author_default_to_the_html(doc):
    props = doc.core_properties
    assert props.title == "Kết quả thử nghiệm bộ chuyển DOCX quý I năm 2022"
    assert props.author == "ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI"
    assert props.created == dt.datetime(2022, 3, 9, tzinfo=dt.timezone.utc)


def test_core_properties_of_the_sample_report(sample_docs):
    props = Document(str(sample_docs / "bao-cao.docx")).core_properties
    assert props.title == "Kết quả tiếp nhận, giải quyết thủ tục hành chính quý I năm 2022"
    assert props.author == "ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI"
    assert props.created == props.modified == dt.datetime(2022, 3, 9, tzinfo=dt.timezone.utc)


def test_same_input_same_bytes(mau, tmp_path):
    path, data, _ = mau
    (tmp_path / "bieu-do.png").write_bytes(png(800, 400))
    again = render_docx((FIXTURES / "mau.html").read_text(encoding="utf-8"), template_name="mau.html",
                        base_dir=tmp_path, properties={"date": DATE})
    assert again == data


def test_zip_entries_have_fixed_times_and_order(mau):
    entries = zipfile.ZipFile(io.BytesIO(mau[1])).infolist()
    assert {e.date_time for e in entries} == {(1980, 1, 1, 0, 0, 0)}
    assert entries[0].filename == "[Content_Types].xml"
    assert not [e for e in entries if "thumbnail" in e.filename or "stylesWithEffects" in e.filename]


def test_out_path_is_written_atomically(mau):
    path, data, _ = mau
    assert path.read_bytes() == data
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


# ---- laid out by LibreOffice ------------------------------------------------------------
def test_libreoffice_lays_out_the_sample(mau, tmp_path):
    pdf_path = soffice_pdf(mau[0], tmp_path)
    doc = mau[2]
    assert_in_order(body_paragraphs(doc), pdf_body_text(pdf_path, top_mm=18))
    with pdfplumber.open(pdf_path) as pdf:
        pages = pdf.pages
        tops = [(p.crop((0, 0, p.width, Mm(17).pt)).extract_text() or "").strip() for p in pages]
        assert tops[0] == "" and tops[1:] == [str(n) for n in range(2, len(pages) + 1)]
        landscape = [p.width > p.height for p in pages]
        assert landscape.count(True) == 1 and not landscape[-1]
        cells = "".join(c for row in doc.tables[0].rows for c in row.cells[0].text)
        assert "HUYỆN THÁP MƯỜI" in (pages[0].extract_text() or "") and cells


def test_libreoffice_lays_out_the_sample_report(sample_docs, tmp_path):
    pdf_path = soffice_pdf(sample_docs / "bao-cao.docx", tmp_path)
    text = pdf_body_text(pdf_path)
    for paragraph in body_paragraphs(Document(str(sample_docs / "bao-cao.docx"))):
        assert paragraph in text, paragraph
    with pdfplumber.open(pdf_path) as pdf:
        assert re.fullmatch(r"\s*", pdf.pages[0].crop((0, 0, pdf.pages[0].width, Mm(17).pt)).extract_text() or "")
        assert (pdf.pages[1].crop((0, 0, pdf.pages[1].width, Mm(17).pt)).extract_text() or "").strip() == "2"


@pytest.mark.parametrize("kind", ["bao-cao", "thong-bao"])
def test_docx_and_pdf_carry_the_same_paragraphs(sample_docs, kind):
    paragraphs = body_paragraphs(Document(str(sample_docs / f"{kind}.docx")))
    assert len(paragraphs) > 10
    assert_in_order(paragraphs, pdf_body_text(sample_docs / f"{kind}.pdf"))


