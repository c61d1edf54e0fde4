"""The DOCX renderer: styles, page setup, Decree 30 blocks, tables, images, parity with the PDF."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from reportgen.errors import UnsupportedMarkup
from reportgen.render.to_docx import render_docx
from tests.conftest import SAMPLE

PROPS = {"title": "Kết quả thử", "subject": "BÁO CÁO", "author": "ỦY BAN NHÂN DÂN HUYỆN THỬ",
         "keywords": "reportgen, thử", "language": "vi-VN"}


def page(body: str, margins: str = "20 15 20 30") -> str:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>t</title>'
            f'<meta name="reportgen:margins" content="{margins}"></head><body>'
            f'<article class="document" data-kind="x">{body}</article></body></html>')


def render(body: str, tmp_path: Path, **kw) -> Document:
    import datetime as dt

    data = render_docx(page(body, **kw), template_name="thu.html.j2", base_dir=tmp_path,
                       properties={**PROPS, "date": dt.date(2022, 3, 9)})
    return Document(io.BytesIO(data))


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


def test_normal_style_is_decree_30(sample_docs):
    doc = Document(str(sample_docs / "bao-cao.docx"))
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    fmt = normal.paragraph_format
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.first_line_indent == Cm(1.27)
    assert fmt.space_after == Pt(6)
    assert 1.0 <= fmt.line_spacing <= 1.5
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(s)) for s in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {"Times New Roman"}
    lang = doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:val")) == "vi-VN"
    for name in ("Heading 1", "Heading 2", "Heading 3", "Caption", "Noi nhan", "Noi nhan tieu de", "Tieu ngu"):
        assert name in [s.name for s in doc.styles]
    assert doc.styles["Heading 1"].font.name == "Times New Roman"
    assert doc.styles["Noi nhan"].font.size == Pt(11)
    assert doc.styles["Noi nhan tieu de"].font.bold and doc.styles["Noi nhan tieu de"].font.italic


def test_page_setup_and_page_numbers(sample_docs):
    doc = Document(str(sample_docs / "bao-cao.docx"))
    first = doc.sections[0]
    def mm(length):
        return round(length / Mm(1), 1)

    assert (mm(first.page_width), mm(first.page_height)) == (210, 297)
    assert [mm(first.top_margin), mm(first.bottom_margin), mm(first.left_margin), mm(first.right_margin)] == \
        [20, 20, 30, 15]
    assert first.different_first_page_header_footer
    assert first.header._element.xpath(".//w:fldSimple/@w:instr") == ["PAGE"]
    assert first.first_page_header.paragraphs[0].text == ""
    assert first.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    landscape = doc.sections[1]
    assert landscape.orientation == WD_ORIENT.LANDSCAPE
    assert (mm(landscape.page_width), mm(landscape.page_height)) == (297, 210)
    assert mm(landscape.top_margin) == 30  # the binding edge, as in the PDF
    assert landscape.header.is_linked_to_previous and not landscape.different_first_page_header_footer


def test_first_page_block_and_closing(sample_docs):
    doc = Document(str(sample_docs / "bao-cao.docx"))
    header = doc.tables[0]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN\nHUYỆN THÁP MƯỜI", "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-UBND"]
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Tháp Mười, ngày 09 tháng 3 năm 2022"]
    assert header._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:top")).get(qn("w:val")) == "nil"
    assert left.width < right.width
    rules = [p for p in doc.paragraphs + left.paragraphs + right.paragraphs if p.style.name == "Duong ke"
             and p._p.pPr.find(qn("w:pBdr")) is not None]
    assert len(rules) == 3  # under the issuing body, the motto and the subject line
    closing = next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    recipients, signature = closing.rows[0].cells
    assert recipients.paragraphs[-1].text == "- Lưu: VT."
    assert recipients.paragraphs[1].style.name == "Noi nhan"
    assert [p.text for p in signature.paragraphs if p.text] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Thị Quý"]


def test_appendix_table(sample_docs):
    doc = Document(str(sample_docs / "bao-cao.docx"))
    table = doc.tables[-1]
    rows = table.rows
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert rows[2]._tr.trPr.find(qn("w:tblHeader")) is not None  # the (1) (2) ... row is a header row too
    assert rows[3]._tr.trPr.find(qn("w:tblHeader")) is None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)
    assert len(table.columns) == 15
    assert rows[0].cells[2].text == "Số hồ sơ nhận giải quyết" == rows[0].cells[6].text  # colspan 5 merged
    assert rows[0].cells[0].text == rows[1].cells[0].text == "STT"  # rowspan 2 merged
    assert [c.text for c in rows[-1].cells][1:4] == ["Tổng cộng", "7.479", "426"]
    width = sum(int(c.width) for c in rows[-1].cells)
    section = doc.sections[1]
    assert abs(width - (section.page_width - section.left_margin - section.right_margin)) < Mm(1)


def test_chart_fits_the_width_and_keeps_its_ratio(sample_docs):
    from PIL import Image

    doc = Document(str(sample_docs / "bao-cao.docx"))
    shape = doc.inline_shapes[0]
    section = doc.sections[0]
    assert abs(shape.width - (section.page_width - section.left_margin - section.right_margin)) < Mm(1)
    blob = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
    image = Image.open(io.BytesIO(doc.part.related_parts[blob].blob))
    assert shape.height / shape.width == pytest.approx(image.height / image.width, rel=0.01)


def test_core_properties_from_the_document(sample_docs):
    import datetime as dt

    props = Document(str(sample_docs / "bao-cao.docx")).core_properties
    assert props.title == "Kết quả tiếp nhận, giải quyết thủ tục hành chính quý I năm 2022"
    assert props.author == "ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI"
    assert props.language == "vi-VN"
    assert props.created == props.modified == dt.datetime(2022, 3, 9, tzinfo=dt.timezone.utc)


def body_paragraphs(doc) -> list[str]:
    return [t for t in (" ".join(p.text.replace("\u00a0", " ").split()) for p in doc.paragraphs) if t]


def pdf_body_text(path: Path) -> str:
    """The PDF's text without the top margin (page numbers), lines joined with spaces."""
    with pdfplumber.open(path) as pdf:
        parts = [p.crop((0, Mm(20).pt, p.width, p.height)).extract_text() or "" for p in pdf.pages]
    return " ".join(" ".join(parts).replace("\u00a0", " ").split())


@pytest.mark.parametrize("kind", ["bao-cao", "thong-bao"])
def test_docx_and_pdf_carry_the_same_paragraphs(sample_docs, kind):
    paragraphs = body_paragraphs(Document(str(sample_docs / f"{kind}.docx")))
    text = pdf_body_text(sample_docs / f"{kind}.pdf")
    assert len(paragraphs) > 10
    position = 0
    for paragraph in paragraphs:
        found = text.find(paragraph, position)
        assert found >= 0, f"not in the PDF (in order): {paragraph!r}"
        position = found + len(paragraph)


def test_same_input_same_bytes(tmp_path):
    import datetime as dt

    html = page("<p>Một <b>hai</b> ba.</p>")
    props = {**PROPS, "date": dt.date(2022, 3, 9)}
    one = render_docx(html, template_name="t", base_dir=tmp_path, properties=props)
    two = render_docx(html, template_name="t", base_dir=tmp_path, properties=props)
    assert one == two


def test_inline_formatting_combines(tmp_path):
    doc = render("<p>Số <b>đậm <i>nghiêng</i></b> và <u>gạch</u><br>dòng mới</p>", tmp_path)
    runs = [(r.text, r.bold, r.italic, r.underline) for r in doc.paragraphs[0].runs if r.text.strip()]
    assert runs == [("Số", None, None, None), (" đậm", True, None, None), (" nghiêng", True, True, None),
                    (" và", None, None, None), (" gạch", None, None, True), ("dòng mới", None, None, None)]
    assert doc.paragraphs[0].text == "Số đậm nghiêng và gạch\ndòng mới"


def test_lists_and_spans(tmp_path):
    doc = render('<ul><li>một</li><li>hai</li></ul><ol class="alpha"><li>ba</li></ol><ol><li>bốn</li></ol>'
                 '<table class="data"><tr><td rowspan="2">A</td><td colspan="2">B</td></tr>'
                 '<tr><td>C</td><td>D</td></tr></table>', tmp_path)
    assert [p.text for p in doc.paragraphs if p.text] == ["- một", "- hai", "a) ba", "1. bốn"]
    table = doc.tables[0]
    assert [[c.text for c in r.cells] for r in table.rows] == [["A", "B", "B"], ["A", "C", "D"]]


@pytest.mark.parametrize("markup, shown", [
    ('<div class="foo">x</div>', "<div class='foo'>"),
    ("<script>alert(1)</script>", "<script>"),
    ('<p>a <span class="x">b</span></p>', "<span class='x'>"),
    ('<p class="headline subject">x</p>', "<p class='headline subject'>"),
    ("<p>a <a href='http://x'>b</a></p>", "<a>"),
])
def test_markup_outside_the_subset_is_an_error(tmp_path, markup, shown):
    with pytest.raises(UnsupportedMarkup) as caught:
        render(markup, tmp_path)
    assert str(caught.value) == (f"Mẫu thu.html.j2: thẻ {shown} không thuộc tập HTML được hỗ trợ "
                                 f"(docs/html-subset.md)")


def test_image_outside_the_assets_folder_is_refused(tmp_path):
    (tmp_path / "assets").mkdir()
    with pytest.raises(UnsupportedMarkup, match="ảnh '../../etc/passwd' không có trong thư mục tài nguyên"):
        render('<figure><img src="../../etc/passwd"></figure>', tmp_path / "assets")


def test_libreoffice_opens_the_docx(sample_docs, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(sample_docs / "bao-cao.docx")],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    text = pdf_body_text(tmp_path / "bao-cao.pdf")
    for paragraph in body_paragraphs(Document(str(sample_docs / "bao-cao.docx"))):
        assert paragraph in text, paragraph
    with pdfplumber.open(tmp_path / "bao-cao.pdf") as pdf:
        assert re.fullmatch(r"\s*", pdf.pages[0].crop((0, 0, pdf.pages[0].width, Mm(17).pt)).extract_text() or "")
        assert (pdf.pages[1].crop((0, 0, pdf.pages[1].width, Mm(17).pt)).extract_text() or "").strip() == "2"
