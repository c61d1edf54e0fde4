"""The HTML subset is one walk (reportgen.render.subset): every format takes its result.

Same refusal whatever formats were asked for; an attribute allowlist; nothing outside the
article reaches any output; one home for the margins; the portal sanitised a second time;
no DOCX made for a PDF-only build; the PDF's images without /Interpolate true.
"""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader
from pypdf.generic import NameObject

from reportgen.errors import TemplateFailure, UnsupportedMarkup
from reportgen.page import DEFAULT_MARGINS, Margins
from reportgen.render import subset, to_docx, to_pdf
from reportgen.schema import Page
from reportgen.templating import BUILTIN_TEMPLATES

ROOT = Path(__file__).resolve().parents[2]


def page(body: str, head: str = "", outside: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Thử</title>{head}'
            f'<link rel="stylesheet" href="print.css"></head><body>{outside}'
            f'<article class="document" data-kind="thu">{body}</article></body></html>')


def png(width: int, height: int, colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def workspace_template(workspace: Path, kind: str, body: str, outside: str = "") -> None:
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates" / f"{kind}.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block body %}\n' + body + '\n{% endblock %}\n', encoding="utf-8")
    if outside:
        base = (BUILTIN_TEMPLATES / "base.html.j2").read_text(encoding="utf-8")
        assert "<body>\n" in base
        (workspace / "templates" / "base.html.j2").write_text(base.replace("<body>\n", "<body>\n" + outside),
                                                              encoding="utf-8")


# ---- one refusal, whatever the formats ----------------------------------------------------
@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_a_bad_tag_is_refused_the_same_way_for_every_format(workspace, cli, tmp_path, fmt):
    workspace_template(workspace, "tin-tuc", '<p>Tin <a href="http://x.vn">đây</a></p>')
    out = tmp_path / "out"
    result = cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM", "-k", "tin-tuc", "-f", fmt)
    assert result.exit_code == 1
    assert ("LỖI: 2022-Q1 TM tin-tuc: Mẫu tin-tuc.html.j2: thẻ <a> không thuộc tập HTML được hỗ trợ "
            "(docs/html-subset.md)") in result.stderr
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))


@pytest.mark.parametrize("attribute", ['onclick="alert(1)"', 'onmouseover="steal()"', 'style="color:red"',
                                       'id="x"'])
@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_attributes_outside_the_allowlist_are_refused(workspace, cli, tmp_path, attribute, fmt):
    workspace_template(workspace, "tin-tuc", f"<p {attribute}>Tin mới</p>")
    out = tmp_path / "out"
    result = cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM", "-k", "tin-tuc", "-f", fmt)
    assert result.exit_code == 1
    name, value = attribute.split("=", 1)
    assert (f"LỖI: 2022-Q1 TM tin-tuc: Mẫu tin-tuc.html.j2: thuộc tính {name}='{value.strip(chr(34))}' của thẻ <p> "
            f"không được phép (docs/html-subset.md: chỉ class)") in result.stderr
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))


@pytest.mark.parametrize("markup, refused", [
    ('<p>a <b onclick="x()">b</b></p>', "thuộc tính onclick='x()' của thẻ <b>"),
    ('<table class="data"><tr><td style="color:red">1</td></tr></table>', "thuộc tính style='color:red' của thẻ <td>"),
    ('<figure><img src="a.png" onerror="x()"></figure>', "thuộc tính onerror='x()' của thẻ <img>"),
    ('<ul><li id="a">x</li></ul>', "thuộc tính id='a' của thẻ <li>"),
])
def test_the_allowlist_holds_at_every_depth(tmp_path, markup, refused):
    (tmp_path / "a.png").write_bytes(png(4, 4))
    with pytest.raises(UnsupportedMarkup) as caught:
        subset.read(page(markup), "t.html.j2", tmp_path)
    assert str(caught.value).startswith(f"Mẫu t.html.j2: {refused} không được phép")


def test_an_onclick_on_the_article_is_refused():
    html = page("<p>a</p>").replace('data-kind="thu"', 'data-kind="thu" onclick="x()"')
    with pytest.raises(UnsupportedMarkup) as caught:
        subset.read(html, "t.html.j2")
    assert "thuộc tính onclick='x()' của thẻ <article> không được phép" in str(caught.value)


# ---- nothing outside the article ------------------------------------------------------------
def test_a_link_outside_the_article_is_refused_and_no_file_is_written(workspace, cli, tmp_path):
    workspace_template(workspace, "bao-cao", "<p>Nội dung</p>", outside='<p><a href="file:///etc/passwd">mật khẩu</a></p>\n')
    out = tmp_path / "out"
    result = cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM", "-k", "bao-cao", "-f", "pdf")
    assert result.exit_code == 1
    assert ("LỖI: 2022-Q1 TM bao-cao: Mẫu bao-cao.html.j2: thẻ <p> không thuộc tập HTML được hỗ trợ "
            "(docs/html-subset.md): nằm ngoài <article class=\"document\">") in result.stderr
    assert not out.exists() or not any(out.rglob("*.pdf"))


@pytest.mark.parametrize("outside", ['<a href="file:///etc/passwd">x</a>', "<script>alert(1)</script>",
                                     '<div><article class="document"><p>a</p></article></div>'])
def test_nothing_but_the_article_in_the_body(outside):
    with pytest.raises(UnsupportedMarkup, match="nằm ngoài <article|cần đúng một <article"):
        subset.read(page("<p>a</p>", outside=outside), "t.html.j2")


@pytest.mark.parametrize("head", ["<style>p { color: red }</style>", "<script>alert(1)</script>",
                                  '<link rel="stylesheet" href="file:///etc/passwd">',
                                  '<link rel="stylesheet" href="../../etc/x.css">', '<base href="file:///etc/">'])
def test_the_head_holds_metadata_only(head):
    with pytest.raises(UnsupportedMarkup, match="^Mẫu t.html.j2: thẻ <(style|script|link|base)>"):
        subset.read(page("<p>a</p>", head=head), "t.html.j2")


def test_the_pdf_is_made_of_the_checked_article_only():
    """What WeasyPrint gets is rebuilt from the checked tree: head metadata and the article."""
    document = subset.read(page("<p>Chữ <b>đậm</b></p>", head='<meta name="dcterms.created" content="2022-03-09">'),
                           "t.html.j2")
    assert "<link" not in document.pdf_html and "print.css" not in document.pdf_html
    assert document.pdf_html.count("<article") == 1
    body = document.pdf_html.split("<body>")[1]
    assert body.strip().startswith('<article class="document" data-kind="thu">')
    data = to_pdf.render_pdf(document, BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES])
    reader = PdfReader(io.BytesIO(data))
    assert all("/Annots" not in p for p in reader.pages)  # no link annotation anywhere


def test_sample_pdfs_have_no_link_annotations(sample_pdf_build):
    for path in sample_pdf_build.rglob("*.pdf"):
        for number, pdf_page in enumerate(PdfReader(path).pages):
            assert "/Annots" not in pdf_page, (path, number)


# ---- margins: one home ------------------------------------------------------------------------
def test_margins_have_one_home():
    assert DEFAULT_MARGINS.as_tuple() == (20, 15, 20, 30)
    assert Page().model_dump() == {"top": 20, "right": 15, "bottom": 20, "left": 30}
    assert subset.parse_margins("25 20 25 35") == Margins(25, 20, 25, 35)
    assert Margins(25, 20, 25, 35).landscape() == Margins(35, 25, 20, 25)
    for module in ("to_pdf.py", "to_docx.py", "portal.py", "documents.py"):
        source = (ROOT / "reportgen" / "render" / module).read_text(encoding="utf-8")
        assert "DEFAULT_MARGINS" not in source and "reportgen:margins" not in source, module
    assert "margin:" not in (BUILTIN_TEMPLATES / "print.css").read_text(encoding="utf-8").split("/* ---- Body")[0]


def test_without_the_margins_meta_the_defaults_apply():
    document = subset.read(page("<p>a</p>"), "t.html.j2")
    assert document.margins == DEFAULT_MARGINS


@pytest.mark.parametrize("content", ["20 15 20", "a b c d", "20 15 20 -1", "", "20 15 20 30 5", "nan 1 1 1"])
def test_a_bad_margins_meta_is_refused_the_same_way_by_every_renderer(tmp_path, content):
    head = f'<meta name="reportgen:margins" content="{content}">'
    message = (f'<meta name="reportgen:margins" content="{content}">: cần 4 số mm (trên phải dưới trái), '
               f'ví dụ "20 15 20 30"')
    with pytest.raises(TemplateFailure) as caught:
        subset.read(page("<p>a</p>", head=head), "t.html.j2")
    assert str(caught.value) == message
    with pytest.raises(TemplateFailure) as again:  # the DOCX used to fall back to the defaults silently
        to_docx.render_docx(page("<p>a</p>", head=head), template_name="t", base_dir=tmp_path, properties={})
    assert str(again.value) == message


def test_the_docx_and_pdf_take_the_same_margins(tmp_path):
    from docx import Document

    document = subset.read(page("<p>a</p>", head='<meta name="reportgen:margins" content="25 20 22 35">'), "t")
    section = Document(io.BytesIO(to_docx.docx_of(document, {}))).sections[0]
    assert [round(m.mm, 1) for m in (section.top_margin, section.right_margin, section.bottom_margin,
                                     section.left_margin)] == [25, 20, 22, 35]
    css = to_pdf.page_margins_css(document.margins)
    assert "@page { margin: 25mm 20mm 22mm 35mm !important }" in css
    assert "@page landscape { margin: 35mm 25mm 20mm 22mm !important }" in css


# ---- the renderers take the walk's result -----------------------------------------------------
def test_no_renderer_parses_html_or_calls_private_names_of_another_module():
    render = ROOT / "reportgen" / "render"
    for path in render.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {f"{node.module}.{alias.name}" for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module for alias in node.names}
        if path.name != "subset.py":
            assert not {"lxml.html", "lxml.html.html"} & imported, path.name
        for node in ast.walk(tree):  # writer._x, subset._x, to_docx._x ...: another module's private names
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr.startswith("_") \
                    and not node.attr.startswith("__"):
                assert node.value.id not in {"writer", "subset", "to_docx", "to_pdf", "portal", "documents",
                                             "docx_tables", "docx_parts", "docx_styles", "parts"}, \
                    (path.name, node.value.id, node.attr)


def test_a_pdf_only_build_makes_no_docx(workspace, cli, tmp_path, monkeypatch):
    calls = []
    original = to_docx.docx_of
    monkeypatch.setattr(to_docx, "docx_of", lambda *a, **k: calls.append(a) or original(*a, **k))
    out = tmp_path / "out"
    result = cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM", "-k", "thong-bao", "-f", "pdf")
    assert result.exit_code == 0, result.output
    assert calls == [] and [p.name for p in out.glob("2022-Q1/*/*")] == ["thong-bao.pdf"]
    result = cli("build", "-w", workspace, "-o", out, "-p", "2022-Q1", "-u", "TM", "-k", "thong-bao", "-f", "docx")
    assert result.exit_code == 0, result.output
    assert len(calls) == 1


def test_the_walk_keeps_spans_classes_and_landscape_parts(tmp_path):
    (tmp_path / "c.png").write_bytes(png(80, 40))
    document = subset.read(page(
        '<p class="subject">Trích yếu</p><section class="landscape"><table class="data"><thead>'
        '<tr><th rowspan="2">Đơn vị</th><th colspan="2">Hồ sơ</th></tr><tr><th>Nhận</th><th>Giải quyết</th></tr>'
        '</thead><tbody><tr class="total"><td class="text">Tổng</td><td class="num">1.234</td><td class="num">5</td>'
        '</tr></tbody></table></section><figure><img src="c.png" width="240"><figcaption>Biểu đồ</figcaption>'
        '</figure><div class="page-break"></div>'), "t", tmp_path)
    subject, landscape, figure, page_break = document.blocks
    assert subject == subset.Paragraph(frozenset({"subject"}), (("Trích yếu", frozenset()),), "Trích yếu")
    table = landscape.blocks[0]
    assert table.columns == 3 and [r.header for r in table.rows] == [True, True, False]
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in table.cells[:3]] == [
        ("Đơn vị", 0, 0, 2, 1), ("Hồ sơ", 0, 1, 1, 2), ("Nhận", 1, 1, 1, 1)]
    assert table.cells[-1].total and table.cells[-1].cls == "num"
    image, caption = figure.items
    assert (image.src, image.width, image.data) == ("c.png", 240, png(80, 40))
    assert isinstance(page_break, subset.PageBreak)


# ---- WeasyPrint as documented ---------------------------------------------------------------------
def test_one_image_cache_shared_and_still_right_per_document(tmp_path):
    """Two documents whose chart has the same name and other bytes each get their own image."""
    pdfs = []
    for colour in ((255, 0, 0), (0, 0, 255)):
        folder = tmp_path / str(colour[0])
        folder.mkdir()
        (folder / "chart.png").write_bytes(png(60, 30, colour))
        document = subset.read(page('<figure><img src="chart.png"></figure>'), "t", folder)
        pdfs.append(to_pdf.render_pdf(document, BUILTIN_TEMPLATES, [folder, BUILTIN_TEMPLATES]))
    colours = []
    for data in pdfs:
        (image,) = PdfReader(io.BytesIO(data)).pages[0].images
        colours.append(image.image.convert("RGB").getpixel((5, 5)))
    assert colours == [(255, 0, 0), (0, 0, 255)]
    assert to_pdf._IMAGE_CACHE  # the one cache holds them


def test_a_full_image_cache_is_emptied_between_documents_only(tmp_path, monkeypatch):
    monkeypatch.setattr(to_pdf, "_IMAGE_CACHE_LIMIT", 1)
    for index in range(3):  # each document adds several entries (the image, its streams)
        (tmp_path / "c.png").write_bytes(png(30 + index, 20))
        document = subset.read(page('<figure><img src="c.png"></figure>'), "t", tmp_path)
        data = to_pdf.render_pdf(document, BUILTIN_TEMPLATES, [tmp_path, BUILTIN_TEMPLATES])
        (image,) = PdfReader(io.BytesIO(data)).pages[0].images
        assert image.image.size == (30 + index, 20)


def test_the_stylesheet_is_parsed_once_per_process(monkeypatch, tmp_path):
    import weasyprint

    document = subset.read(page("<p>a</p>"), "t")
    to_pdf.render_pdf(document, BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES])
    parsed = []
    original = weasyprint.CSS
    monkeypatch.setattr(to_pdf.weasyprint, "CSS", lambda *a, **k: parsed.append(k.get("base_url")) or original(*a, **k))
    first = to_pdf.render_pdf(document, BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES])
    second = to_pdf.render_pdf(document, BUILTIN_TEMPLATES, [BUILTIN_TEMPLATES])
    assert first == second
    assert parsed == [None, None]  # only the small per-document margins sheet; print.css came from the cache


def test_no_image_is_interpolated_in_the_pdf(sample_pdf_build):
    """PDF/A (ISO 19005-2/3, 6.2.8): no image XObject, nor its soft mask, says /Interpolate true."""
    checked = 0
    for path in sample_pdf_build.rglob("bao-cao.pdf"):
        for pdf_page in PdfReader(path).pages:
            xobjects = pdf_page["/Resources"].get("/XObject") or {}
            for name in xobjects:
                image = xobjects[name].get_object()
                if image.get("/Subtype") != "/Image":
                    continue
                for stream in (image, image.get("/SMask").get_object() if "/SMask" in image else None):
                    if stream is not None:
                        checked += 1
                        assert stream.get(NameObject("/Interpolate"), False) in (False,), (path, name)
    assert checked >= 2  # the chart and its soft mask at least


@pytest.fixture(scope="module")
def sample_pdf_build(tmp_path_factory):
    from click.testing import CliRunner

    from reportgen.cli import main
    from tests.conftest import SAMPLE

    out = tmp_path_factory.mktemp("pdfs")
    result = CliRunner().invoke(main, ["build", "-w", str(SAMPLE), "-o", str(out), "-p", "2022-Q1", "-u", "TM",
                                       "-f", "pdf"])
    assert result.exit_code == 0, result.output
    return out
