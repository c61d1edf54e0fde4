"""One document to its formats (reportgen/render/documents.py): only the formats asked for,
the assets a format carries written beside it, the DOCX's properties and the PDF's metadata
taken from the document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reportgen import __version__
from reportgen.errors import UnsupportedMarkup
from reportgen.render import documents
from reportgen.templating import BUILTIN_TEMPLATES
from tests.contexts import sample_context, write_template

SUBJECT = "Kết quả giải quyết thủ tục hành chính quý I năm 2022"


def test_docx_properties_and_pdf_metadata():
    ctx = sample_context()
    assert documents.docx_properties(ctx) == {
        "title": SUBJECT, "subject": "BÁO CÁO", "author": "ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI",
        "keywords": "reportgen, van-ban-mau, 2022-Q1", "language": "vi-VN", "date": dt.date(2022, 3, 9)}
    assert documents.pdf_metadata(ctx) == {
        "title": SUBJECT, "description": "BÁO CÁO", "authors": ["ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI"],
        "keywords": ["reportgen", "van-ban-mau", "2022-Q1"], "generator": f"reportgen {__version__}", "lang": "vi",
        "created": dt.date(2022, 3, 9)}


def test_without_an_issuer_or_type_the_author_and_kind_stand_in():
    ctx = sample_context(issuer=None, type=None, author="Trung tâm Văn hóa")
    assert (documents.docx_properties(ctx)["author"], documents.docx_properties(ctx)["subject"]) == (
        "Trung tâm Văn hóa", "van-ban-mau")
    assert documents.pdf_metadata(sample_context(issuer=None, type=None))["authors"] == []


def test_only_the_formats_asked_for_and_the_assets_the_html_carries(tmp_path):
    assets = {"van-ban-mau.anh.jpg": b"JPEG", "bieu-do.png": b"PNG"}
    out = documents.render_all("van-ban-mau.html.j2", sample_context(), assets, ["html"], BUILTIN_TEMPLATES, tmp_path)
    assert list(out) == ["html", "fragment.html", "anh.jpg"]
    assert out["anh.jpg"] == (b"JPEG", None)
    page, fragment = out["html"][0].decode(), out["fragment.html"][0].decode()
    assert page.startswith('<!DOCTYPE html>\n<html lang="vi">') and f"<title>{SUBJECT}</title>" in page
    assert fragment.startswith('<table class="header-block">') and "Số: 05/BC-UBND" in fragment
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bieu-do.png", "van-ban-mau.anh.jpg"]  # the renderers' input


def test_markup_outside_the_subset_stops_every_format(tmp_path):
    folder = tmp_path / "templates"
    write_template(folder, "x.html.j2", '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>t</title></head>'
                                         '<body><article class="document" data-kind="x"><marquee>a</marquee></article></body></html>')
    with pytest.raises(UnsupportedMarkup):
        documents.render_all("x.html.j2", {}, {}, ["xlsx"], folder, tmp_path)


def test_the_pdf_reads_only_the_assets_and_the_templates():
    assert documents.allowed_roots(Path("/ws/templates"), Path("/tmp/a")) == [
        Path("/tmp/a"), Path("/ws/templates"), BUILTIN_TEMPLATES]
