"""PDF output: Decree 30 page geometry, embedded fonts, page numbers, text, URL fetching, reproducibility.

The PDFs are read back with pypdf and pdfplumber (and poppler's pdffonts); positions are in
PDF points, measured from the top-left corner of the page as pdfplumber reports them.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from reportgen.errors import MissingSystemDependency, TemplateFailure
from reportgen.render import fonts
from reportgen.render.to_pdf import RestrictedFetcher, render_pdf
from reportgen.templating import BUILTIN_TEMPLATES, render_html
from tests.contexts import sample_context, sample_doc, write_template

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)                      # 595.28 x 841.89 pt
LEFT, RIGHT, TOP = 30 * MM, (210 - 15) * MM, 20 * MM
TEXT_CENTRE = (LEFT + RIGHT) / 2


def pdf_of(template: str, context: dict, workspace: Path | None = None, base_dir: Path | None = None,
           roots: list[Path] | None = None, **options) -> bytes:
    """Render a template to PDF the way the pipeline does (workspace templates first)."""
    html = render_html(template, context, workspace_templates=workspace)
    base = base_dir or BUILTIN_TEMPLATES
    allowed = roots if roots is not None else [p for p in (workspace, base, BUILTIN_TEMPLATES) if p]
    return render_pdf(html, base, allowed, **options)


def body_template(tmp_path: Path, body: str, name: str = "doc.html.j2") -> Path:
    """A workspace templates folder holding one document built on the built-in base and macros."""
    folder = tmp_path / "templates"
    write_template(folder, name, (
        '{% extends "base.html.j2" %}\n{% import "macros.html.j2" as d30 %}\n'
        "{% block body %}\n" + body + "\n{% endblock %}\n"))
    return folder


LONG_BODY = """{{ d30.header_block(doc) }}
{{ d30.doc_title(doc) }}
<h1>I. KẾT QUẢ</h1>
{% for i in range(70) %}
<p>Đoạn {{ i + 1 }}: Ủy ban nhân dân huyện tiếp tục chỉ đạo các cơ quan, đơn vị thực hiện nghiêm
quy định về tiếp nhận, giải quyết hồ sơ thủ tục hành chính, bảo đảm đúng hạn và công khai.</p>
{% endfor %}
{{ d30.closing(doc) }}"""


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "van-ban-mau.pdf"
    render_pdf(render_html("van-ban-mau.html.j2", sample_context()), BUILTIN_TEMPLATES,
               [BUILTIN_TEMPLATES], out_path=path)
    return path


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> bytes:
    folder = body_template(tmp_path_factory.mktemp("long"), LONG_BODY)
    return pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=folder)


def plumber(data: bytes | Path) -> pdfplumber.PDF:
    return pdfplumber.open(io.BytesIO(data) if isinstance(data, bytes) else data)


# ---- page geometry ---------------------------------------------------------------------------

def test_one_a4_page(sample_pdf):
    reader = PdfReader(sample_pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(A4[0], abs=0.5)
    assert float(box.height) == pytest.approx(A4[1], abs=0.5)


def test_text_margins(sample_pdf):
    with plumber(sample_pdf) as pdf:
        chars = pdf.pages[0].chars
        lines = pdf.pages[0].extract_text_lines()
    assert min(c["x0"] for c in chars) == pytest.approx(LEFT, abs=1.5)
    assert min(c["top"] for c in chars) == pytest.approx(TOP, abs=3)
    # a justified body line (a full line of a paragraph) reaches the right margin
    full = [line for line in lines if line["text"].startswith("Ủy ban nhân dân (UBND)")]
    assert full and full[0]["x1"] == pytest.approx(RIGHT, abs=1.5)
    assert max(c["x1"] for c in chars) <= RIGHT + 1.5


def test_first_line_indent_is_127_cm(sample_pdf):
    with plumber(sample_pdf) as pdf:
        lines = pdf.pages[0].extract_text_lines()
    first = next(line for line in lines if line["text"].startswith("Ủy ban nhân dân (UBND)"))
    assert first["x0"] - LEFT == pytest.approx(12.7 * MM, abs=1)


def test_margins_follow_the_document(tmp_path):
    context = sample_context(margins={"top": 25, "right": 20, "bottom": 25, "left": 35})
    with plumber(pdf_of("van-ban-mau.html.j2", context)) as pdf:
        chars = pdf.pages[0].chars
    assert min(c["x0"] for c in chars) == pytest.approx(35 * MM, abs=1.5)
    assert max(c["x1"] for c in chars) <= (210 - 20) * MM + 1.5
    assert min(c["top"] for c in chars) == pytest.approx(25 * MM, abs=3)


def test_body_is_14pt_and_header_sizes(sample_pdf):
    with plumber(sample_pdf) as pdf:
        words = pdf.pages[0].extract_words(extra_attrs=["size", "fontname"])
    size_of = {w["text"]: round(w["size"]) for w in words}
    assert size_of["CỘNG"] == 13            # national title 13 pt
    assert size_of["Độc"] == 14             # motto 14 pt
    assert size_of["Nơi"] == 12             # "Nơi nhận:" 12 pt
    assert size_of["Lưu:"] == 11            # recipients 11 pt
    assert size_of["Trong"] == 14           # body 14 pt
    italic = {w["text"] for w in words if "Italic" in w["fontname"]}
    assert {"Tháp", "Mười,", "ngày"} <= italic  # the date line is italic


# ---- fonts ----------------------------------------------------------------------------------------

def _font_dicts(reader: PdfReader):
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                yield descendant.get_object()


def test_fonts_embedded_and_times_compatible(sample_pdf):
    fonts_seen = list(_font_dicts(PdfReader(sample_pdf)))
    assert fonts_seen
    for font in fonts_seen:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
        name = str(font["/BaseFont"]).split("+")[-1].replace(" ", "")
        assert name.startswith(("Liberation-Serif", "LiberationSerif", "TimesNewRoman")), name


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_says_embedded(sample_pdf):
    out = subprocess.run(["pdffonts", str(sample_pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        assert " yes yes " in row, row     # emb yes, sub yes


def test_font_check_finds_liberation_serif():
    fonts._found_family.cache_clear()
    assert fonts.ensure_vietnamese_font() in fonts.ACCEPTED_FAMILIES


def test_font_check_explains_how_to_install(monkeypatch):
    fonts._found_family.cache_clear()
    monkeypatch.setattr(fonts, "vietnamese_families", lambda: {"dejavu serif"})
    try:
        with pytest.raises(MissingSystemDependency) as info:
            fonts.ensure_vietnamese_font()
    finally:
        fonts._found_family.cache_clear()
    assert "sudo apt-get install fonts-liberation2" in str(info.value)
    assert "tiếng Việt" in str(info.value)
    assert info.value.exit_code == 4


# ---- page numbers ------------------------------------------------------------------------------

def test_page_numbers_from_page_two_centred_in_top_margin(long_pdf):
    with plumber(long_pdf) as pdf:
        assert len(pdf.pages) >= 3
        for number, page in enumerate(pdf.pages, start=1):
            in_margin = [w for w in page.extract_words() if w["bottom"] < TOP]
            if number == 1:
                assert in_margin == []
                continue
            assert [w["text"] for w in in_margin] == [str(number)]
            word = in_margin[0]
            assert (word["x0"] + word["x1"]) / 2 == pytest.approx(TEXT_CENTRE, abs=3)


def test_page_number_size(long_pdf):
    with plumber(long_pdf) as pdf:
        digits = [c for c in pdf.pages[1].chars if c["top"] < TOP]
    assert digits and all(13 <= round(c["size"]) <= 14 for c in digits)


def test_table_header_repeats_on_every_page(tmp_path):
    rows = "".join(f"<tr><td class='text'>Xã {i}</td><td class='num'>{i}</td></tr>" for i in range(80))
    body = ("<table class='data'><thead><tr><th rowspan='2'>Đơn vị</th><th>Số hồ sơ</th></tr>"
            "<tr><th>Tiếp nhận</th></tr></thead><tbody>" + rows + "</tbody></table>")
    data = pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=body_template(tmp_path, body))
    with plumber(data) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            text = page.extract_text()
            assert "Đơn vị" in text and "Tiếp nhận" in text


def test_body_continues_at_the_top_margin_on_later_pages(long_pdf):
    with plumber(long_pdf) as pdf:
        body = [c for c in pdf.pages[1].chars if c["top"] > TOP]
    assert min(c["top"] for c in body) == pytest.approx(TOP, abs=3)
    assert min(c["x0"] for c in body) == pytest.approx(LEFT, abs=1.5)


def test_landscape_section_pages(tmp_path):
    rows = "".join(f"<tr><td class='text'>Xã {i}</td>" + "<td class='num'>1.234</td>" * 12 + "</tr>"
                   for i in range(5))
    body = ("{{ d30.header_block(doc) }}{{ d30.doc_title(doc) }}<p>Trang đứng.</p>"
            "<section class='landscape'><p class='appendix-title'>PHỤ LỤC</p><table class='data'>"
            "<thead><tr><th>Đơn vị</th>" + "<th>Cột</th>" * 12 + "</tr></thead><tbody>" + rows +
            "</tbody></table></section><p>Trang đứng tiếp.</p>{{ d30.closing(doc) }}")
    data = pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=body_template(tmp_path, body))
    reader = PdfReader(io.BytesIO(data))
    sizes = [(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1)) for p in reader.pages]
    assert sizes == [(595.3, 841.9), (841.9, 595.3), (595.3, 841.9)]
    with plumber(data) as pdf:
        landscape = pdf.pages[1]
        numbers = [w["text"] for w in landscape.extract_words() if w["bottom"] < 30 * MM]
        assert numbers == ["2"]                               # numbering kept on landscape pages
        assert "PHỤ LỤC" in landscape.extract_text()
        body = [c for c in landscape.chars if c["top"] > 30 * MM]
        assert min(c["top"] for c in body) == pytest.approx(30 * MM, abs=3)   # binding edge on top


def test_landscape_section_at_the_end_adds_no_blank_page(tmp_path):
    body = "<p>Trang đứng.</p><section class='landscape'><p>PHỤ LỤC</p></section>"
    data = pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=body_template(tmp_path, body))
    pages = PdfReader(io.BytesIO(data)).pages
    assert [float(p.mediabox.width) > float(p.mediabox.height) for p in pages] == [False, True]


# ---- text ----------------------------------------------------------------------------------------

def test_text_is_nfc_and_exact(sample_pdf):
    with plumber(sample_pdf) as pdf:
        text = pdf.pages[0].extract_text()
    assert unicodedata.is_normalized("NFC", text)
    for phrase in ("Ủy ban nhân dân (UBND)", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Tháp Mười, ngày 09 tháng 3 năm 2022", "Số: 05/BC-UBND", "Trần Thị Quý"):
        assert phrase in text, phrase


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_parts_in_reading_order(sample_pdf):
    text = subprocess.run(["pdftotext", "-raw", str(sample_pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    parts = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             "Tháp Mười, ngày 09 tháng 3 năm 2022", "BÁO CÁO", "Kết quả giải quyết thủ tục hành chính quý I",
             "I. KẾT QUẢ GIẢI QUYẾT", "1. Tiếp nhận hồ sơ", "II. NHIỆM VỤ QUÝ II NĂM 2022", "./.",
             "Nơi nhận:", "- Lưu: VT, VP.", "Trần Thị Quý"]
    positions = [text.find(part) for part in parts]
    assert -1 not in positions, list(zip(parts, positions))
    assert positions == sorted(positions)


def test_data_values_appear_literally_in_the_pdf():
    hostile = '<img src="file:///etc/passwd"> {{ 7*7 }}'
    data = pdf_of("van-ban-mau.html.j2", sample_context(subject=hostile))
    with plumber(data) as pdf:
        text = pdf.pages[0].extract_text()
    assert '<img src="file:///etc/passwd"> {{ 7*7 }}' in text
    assert len(PdfReader(io.BytesIO(data)).pages[0].images) == 0


# ---- URL fetching ----------------------------------------------------------------------------

def test_template_markup_reading_etc_passwd_is_refused(tmp_path):
    folder = body_template(tmp_path, '<figure><img src="file:///etc/passwd" alt="x"></figure>')
    with pytest.raises(TemplateFailure, match="file:///etc/passwd"):
        pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=folder)


def test_relative_escape_out_of_the_roots_is_refused(tmp_path):
    folder = body_template(tmp_path, '<figure><img src="../../../../../../../etc/hostname" alt="x"></figure>')
    with pytest.raises(TemplateFailure, match="etc/hostname"):
        pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=folder, base_dir=folder)


def test_symlink_out_of_the_roots_is_refused(tmp_path):
    folder = body_template(tmp_path, '<figure><img src="link.png" alt="x"></figure>')
    (folder / "link.png").symlink_to("/etc/passwd")
    with pytest.raises(TemplateFailure, match="link.png"):
        pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=folder, base_dir=folder)


def test_http_is_refused_without_touching_the_network(tmp_path, monkeypatch):
    calls = []

    def no_network(*args, **kwargs):
        calls.append(args)
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    body = ('<figure><img src="http://example.com/logo.png" alt="x"></figure>'
            '<figure><img src="https://example.com/b.png" alt="y"></figure>')
    with pytest.raises(TemplateFailure) as info:
        pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=body_template(tmp_path, body))
    # the HTML subset refuses the first image that is not a file of the document's assets
    assert str(info.value) == "Mẫu (HTML): ảnh 'http://example.com/logo.png' không có trong thư mục tài nguyên của văn bản"
    assert calls == []


def test_a_stylesheet_link_to_the_network_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("network access attempted"))
    html = render_html("van-ban-mau.html.j2", sample_context()).replace(
        'href="print.css"', 'href="http://example.com/x.css"')
    with pytest.raises(TemplateFailure, match=r"<link> không thuộc tập HTML.*'http://example.com/x.css'"):
        render_pdf(html, BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES])


def test_missing_file_is_an_error_not_a_silent_gap(tmp_path):
    folder = body_template(tmp_path, '<figure><img src="khong-co.png" alt="x"></figure>')
    with pytest.raises(TemplateFailure, match="khong-co.png"):
        pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=folder, base_dir=folder)


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_images_from_allowed_folders_and_data_urls(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "bieu-do.png").write_bytes(_png())
    folder = body_template(tmp_path, (
        '<p class="no-indent">Biểu đồ dưới đây:</p>'
        '<figure><img src="bieu-do.png" alt="Biểu đồ"><figcaption>Biểu đồ 1</figcaption></figure>'))
    data = pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=folder, base_dir=assets,
                  roots=[assets, folder, BUILTIN_TEMPLATES])
    assert len(PdfReader(io.BytesIO(data)).pages[0].images) == 1
    # print.css is not in the assets folder: it was found in the built-in templates
    with plumber(data) as pdf:
        assert min(c["x0"] for c in pdf.pages[0].chars) == pytest.approx(LEFT, abs=1.5)


def test_an_image_as_a_data_url_is_refused_as_in_the_docx(tmp_path):
    data_url = "data:image/png;base64," + base64.b64encode(_png()).decode()
    folder = body_template(tmp_path, f'<figure><img src="{data_url}" alt="nhúng"></figure>')
    with pytest.raises(TemplateFailure, match="ảnh 'data:image/png;base64,.*' không có trong thư mục tài nguyên"):
        pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=folder, base_dir=tmp_path)


def test_workspace_print_css_overrides_the_builtin(tmp_path):
    folder = body_template(tmp_path, "<p class='no-indent'>Chữ</p>")
    (folder / "print.css").write_text("@page { size: A5 }", encoding="utf-8")
    assets = tmp_path / "assets"
    assets.mkdir()
    data = pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=folder, base_dir=assets,
                  roots=[assets, folder, BUILTIN_TEMPLATES])
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert float(box.width) == pytest.approx(148 * MM, abs=0.5)


def test_fetcher_serves_only_inside_roots(tmp_path):
    (tmp_path / "a.css").write_text("p {}", encoding="utf-8")
    fetcher = RestrictedFetcher(tmp_path, [tmp_path])
    assert fetcher.fetch((tmp_path / "a.css").as_uri()).read() == b"p {}"
    with pytest.raises(PermissionError):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(PermissionError):
        fetcher.fetch("ftp://example.com/a.css")
    with pytest.raises(PermissionError):
        fetcher.fetch("file://otherhost/" + str(tmp_path / "a.css"))
    assert len(fetcher.problems) == 3


# ---- reproducibility and metadata ----------------------------------------------------------------

def test_same_input_gives_byte_identical_pdf(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    html = render_html("van-ban-mau.html.j2", sample_context())
    first = render_pdf(html, BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES])
    import fontTools.misc.timeTools as time_tools

    later = time_tools.time.time() + 86_400 * 400
    monkeypatch.setattr(time_tools.time, "time", lambda: later)   # the clock moved on
    second = render_pdf(html, BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES])
    assert first == second


REPRODUCE = """
import hashlib, sys
from tests.contexts import sample_context
from reportgen.render.to_pdf import render_pdf
from reportgen.templating import BUILTIN_TEMPLATES, render_html
html = render_html("van-ban-mau.html.j2", sample_context())
print(hashlib.sha256(render_pdf(html, BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES])).hexdigest())
"""


def test_identical_across_processes_and_hash_seeds(monkeypatch):
    root = Path(__file__).resolve().parents[2]
    digests = set()
    for seed in ("1", "2"):
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env["PYTHONHASHSEED"] = seed
        result = subprocess.run([sys.executable, "-c", REPRODUCE], cwd=root, env=env, capture_output=True,
                                text=True, check=True)
        digests.add(result.stdout.strip())
    assert len(digests) == 1


def test_dates_come_from_the_document(sample_pdf):
    info = PdfReader(sample_pdf).metadata
    assert info.creation_date.date() == dt.date(2022, 3, 9)
    assert info.modification_date.date() == dt.date(2022, 3, 9)
    assert info.title == "Kết quả giải quyết thủ tục hành chính quý I năm 2022"


def test_metadata_argument_overrides(tmp_path):
    html = render_html("van-ban-mau.html.j2", sample_context())
    out = tmp_path / "out" / "a.pdf"
    data = render_pdf(html, BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES], out_path=out,
                      metadata={"title": "Báo cáo số 05", "authors": ["UBND huyện Tháp Mười"],
                                "created": dt.date(2022, 3, 10)})
    assert out.read_bytes() == data
    assert [p.name for p in out.parent.iterdir()] == ["a.pdf"]     # no temporary file left
    info = PdfReader(out).metadata
    assert info.title == "Báo cáo số 05"
    assert info.author == "UBND huyện Tháp Mười"
    assert info.creation_date.date() == dt.date(2022, 3, 10)


def test_pdf_a_variant(tmp_path):
    html = render_html("van-ban-mau.html.j2", sample_context())
    data = render_pdf(html, BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES], pdf_variant="pdf/a-3b")
    xmp = PdfReader(io.BytesIO(data)).xmp_metadata
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "B")
    assert data == render_pdf(html, BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES], pdf_variant="pdf/a-3b")


def test_sample_renders_without_weasyprint_warnings(caplog):
    caplog.set_level(logging.WARNING)
    render_pdf(render_html("van-ban-mau.html.j2", sample_context()), BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES])
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_bad_margins_meta_is_a_template_failure():
    html = render_html("van-ban-mau.html.j2", sample_context()).replace(
        'content="20 15 20 30"', 'content="20 15"')
    with pytest.raises(TemplateFailure, match="reportgen:margins"):
        render_pdf(html, BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES])


# ---- figures tables: fixed layout with widths from reportgen (issue 9 item 3) -------------------

def _appendix_body(names: list[str]) -> str:
    rows = "".join(f"<tr><td>{i}</td><td class='text'>{name}</td>" + "<td class='num'>1.234</td>" * 12 +
                   "<td class='num'>99,56</td></tr>" for i, name in enumerate(names, 1))
    return ("<p>Trang đứng.</p><section class='landscape'><table class='data'><thead>"
            "<tr><th rowspan='2'>STT</th><th rowspan='2'>Đơn vị</th><th colspan='12'>Số hồ sơ</th>"
            "<th rowspan='2'>Tỷ lệ đúng và trước hạn (%)</th></tr>"
            "<tr>" + "<th>Tổng số</th>" * 12 + "</tr></thead><tbody>" + rows + "</tbody></table></section>")


def test_figures_tables_get_column_widths_in_the_pdf_only(tmp_path):
    from reportgen.render import subset

    names = ["Xã A", "Phường Long Xuyên Mới Thành Lập Năm 2025", "Xã Bình Hàng Trung"]
    folder = body_template(tmp_path, _appendix_body(names))
    document = subset.read(render_html("doc.html.j2", {"doc": sample_doc()}, workspace_templates=folder),
                           "doc.html.j2")
    assert "<colgroup>" not in document.article_html          # the portal lays its tables out itself
    widths = [float(w) for w in re.findall(r'<col style="width: ([0-9.]+)%">', document.pdf_html)]
    assert len(widths) == 15 and sum(widths) == pytest.approx(100, abs=0.001)
    # the row label (column 2) gets its longest name on one line, more than any number column
    label, numbers = widths[1], widths[2:14]
    assert label > max(numbers) and max(numbers) - min(numbers) < 0.01


def test_no_row_label_crosses_a_column_rule(tmp_path):
    """Fixed layout sets the widths; a label longer than its column would run over the rule."""
    names = ["Xã A", "Phường Long Xuyên Mới Thành Lập Năm 2025", "Đặc khu Phú Quốc", "Xã Bình Hàng Trung"]
    data = pdf_of("doc.html.j2", {"doc": sample_doc()}, workspace=body_template(tmp_path, _appendix_body(names)))
    with plumber(data) as pdf:
        page = pdf.pages[1]
        rules = sorted({round(e["x0"], 1) for e in page.edges if e["orientation"] == "v"})
        assert len(rules) == 16                                  # 15 columns
        lines = {}
        for word in page.extract_words(keep_blank_chars=True, x_tolerance=2):
            lines.setdefault(round(word["top"]), []).append(word)
        found = 0
        for name in names:
            spans = [w for line in lines.values() for w in line if w["text"] == name]
            assert spans, f"{name!r} not on one line"
            for span in spans:
                found += 1
                assert not [x for x in rules if span["x0"] < x < span["x1"]], f"{name!r} crosses a column rule"
        assert found == len(names)
