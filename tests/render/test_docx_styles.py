"""The DOCX's styles (reportgen/render/docx_styles.py): templates/base.docx built from code and
current, reproducible, every Decree 30 paragraph style in Times New Roman with its size, the
font in all four slots, the language Vietnamese."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from reportgen.render.docx_styles import (
    BASE_DOCX,
    PARAGRAPH_STYLES,
    build_base_document,
    load_base_document,
    save_base_docx,
    set_fonts,
    set_language,
)


def test_base_docx_is_current_and_clean():
    built = io.BytesIO()
    build_base_document().save(built)
    committed = zipfile.ZipFile(BASE_DOCX)
    assert zipfile.ZipFile(built).read("word/styles.xml") == committed.read("word/styles.xml"), \
        "templates/base.docx is stale: run reportgen.render.docx_styles.save_base_docx()"
    names = committed.namelist()
    assert not [n for n in names if "thumbnail" in n or "stylesWithEffects" in n or n.startswith("customXml")]
    assert b"<Application>reportgen</Application>" in committed.read("docProps/app.xml")
    assert Document(str(BASE_DOCX)).paragraphs == []


def test_save_base_docx_is_reproducible(tmp_path):
    assert save_base_docx(tmp_path / "a.docx").read_bytes() == save_base_docx(tmp_path / "b.docx").read_bytes()


def test_every_paragraph_style_as_declared():
    styles = load_base_document().styles
    for name, (size, bold, italic, align, indent_cm, before, after) in PARAGRAPH_STYLES.items():
        style = styles[name]
        assert (style.font.size, bool(style.font.bold), bool(style.font.italic)) == (Pt(size), bold, italic), name
        assert style.paragraph_format.alignment == align, name
        assert (style.paragraph_format.space_before or 0, style.paragraph_format.space_after or 0) == (
            Pt(before), Pt(after)), name
    assert styles["Trich yeu"].base_style.name == "Normal"


def test_the_font_in_every_slot_without_theme_fonts_and_the_language():
    run = OxmlElement("w:r")
    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:asciiTheme"), "minorHAnsi")
    run.get_or_add_rPr().append(fonts)
    set_fonts(run)
    set_language(run)
    rfonts, lang = run.rPr.find(qn("w:rFonts")), run.rPr.find(qn("w:lang"))
    assert {k.split("}")[1]: v for k, v in rfonts.attrib.items()} == {
        "ascii": "Times New Roman", "hAnsi": "Times New Roman", "eastAsia": "Times New Roman", "cs": "Times New Roman"}
    assert (lang.get(qn("w:val")), lang.get(qn("w:eastAsia"))) == ("vi-VN", "vi-VN")
