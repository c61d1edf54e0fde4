"""The styled base document of every DOCX: Decree 30 styles an office can restyle in Word.

``templates/base.docx`` is this document saved once (``save_base_docx``); the renderer
opens that file when present, so an office can change fonts and spacing in Word itself.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FONT = "Times New Roman"
LANGUAGE = "vi-VN"
BASE_DOCX = Path(__file__).resolve().parent.parent.parent / "templates" / "base.docx"

CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT,
                                WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY)

# name: (size pt, bold, italic, alignment, first-line indent cm, space after pt, line spacing)
PARAGRAPH_STYLES = {
    "Co quan chu quan": (13, False, False, CENTER, 0, 0, 1.0),
    "Co quan ban hanh": (13, True, False, CENTER, 0, 0, 1.0),
    "So ky hieu": (13, False, False, CENTER, 0, 0, 1.0),
    "Quoc hieu": (13, True, False, CENTER, 0, 0, 1.0),
    "Tieu ngu": (14, True, False, CENTER, 0, 0, 1.0),
    "Dia danh ngay thang": (14, False, True, CENTER, 0, 0, 1.0),
    "Ten loai": (14, True, False, CENTER, 0, 0, 1.0),
    "Trich yeu": (14, True, False, CENTER, 0, 0, 1.0),
    "Duong ke": (2, False, False, CENTER, 0, 4, 1.0),
    "Noi nhan tieu de": (12, True, True, LEFT, 0, 0, 1.0),
    "Noi nhan": (11, False, False, LEFT, 0, 0, 1.0),
    "Chuc vu ky": (14, True, False, CENTER, 0, 0, 1.0),
    "Khoang ky": (14, False, False, CENTER, 0, 0, 1.0),
    "Ten nguoi ky": (14, True, False, CENTER, 0, 0, 1.0),
    "Tieu de phu luc": (14, True, False, CENTER, 0, 0, 1.0),
    "Ghi chu phu luc": (14, False, True, CENTER, 0, 6, 1.0),
    "Tieu de tin": (14, True, False, CENTER, 0, 6, 1.0),
    "Chu thich anh": (13, False, True, CENTER, 0, 6, 1.15),
    "Tac gia": (14, True, False, RIGHT, 0, 6, 1.15),
    "O bang": (12, False, False, CENTER, 0, 0, 1.0),
    "Danh sach": (14, False, False, JUSTIFY, 1.27, 6, 1.15),
}


def build_base_document():
    """A new python-docx Document carrying every reportgen style."""
    doc = Document()
    _document_defaults(doc)
    _normal(doc.styles["Normal"])
    for level in (1, 2, 3):
        _heading(doc.styles[f"Heading {level}"], italic=(level == 3))
    for name, spec in PARAGRAPH_STYLES.items():
        _paragraph_style(doc, name, *spec)
    _caption(doc.styles["Caption"])
    return doc


def load_base_document():
    """templates/base.docx when present (an office may have restyled it), else built in code."""
    if BASE_DOCX.exists():
        return Document(str(BASE_DOCX))
    return build_base_document()


def save_base_docx(path: Path = BASE_DOCX) -> Path:
    """Save the built base document (run once; the file is committed in templates/)."""
    buffer = io.BytesIO()
    build_base_document().save(buffer)
    from reportgen.render.docx_parts import fixed_zip

    path.write_bytes(fixed_zip(buffer.getvalue()))
    return path


def set_fonts(rpr_parent, name: str = FONT) -> None:
    """Name the font in all four slots (ASCII, high ANSI, East Asian, complex script)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _document_defaults(doc) -> None:
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        rpr.remove(fonts)
    rpr.insert(0, OxmlElement("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rpr.find(qn("w:rFonts")).set(qn(slot), FONT)


def _normal(style) -> None:
    style.font.name = FONT
    style.font.size = Pt(14)
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element)
    fmt = style.paragraph_format
    fmt.alignment = JUSTIFY
    fmt.first_line_indent = Cm(1.27)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    fmt.line_spacing = 1.15
    fmt.widow_control = True


def _heading(style, italic: bool) -> None:
    style.base_style = None
    style.font.name = FONT
    style.font.size = Pt(14)
    style.font.bold = True
    style.font.italic = italic
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element)
    fmt = style.paragraph_format
    fmt.alignment = JUSTIFY
    fmt.first_line_indent = Cm(1.27)
    fmt.space_before = Pt(6 if not italic else 0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    fmt.keep_with_next = True


def _paragraph_style(doc, name, size, bold, italic, align, indent_cm, after, spacing) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Cm(indent_cm)
    fmt.space_before = Pt(3 if name == "Duong ke" else 0)
    fmt.space_after = Pt(after)
    fmt.line_spacing = spacing


def _caption(style) -> None:
    style.base_style = None
    style.font.name = FONT
    style.font.size = Pt(13)
    style.font.bold = False
    style.font.italic = True
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element)
    style.paragraph_format.alignment = CENTER
    style.paragraph_format.first_line_indent = Cm(0)
    style.paragraph_format.space_after = Pt(6)
