"""The styled base document of every DOCX: Decree 30 styles an office can restyle in Word.

``templates/base.docx`` is this document saved once (``save_base_docx``); the renderer
opens that file when present, so an office can change fonts and spacing in Word itself.

Line spacing is Word's "single" (multiple 1.0). For Times New Roman a single line is
1.15 em high (the font's ascent + descent + line gap), which is exactly the
``line-height: 1.15`` of ``templates/print.css``: the DOCX and the PDF break lines and
pages alike, and the value is inside Decree 30's range (single to 1.5 lines).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reportgen.render import docx_parts as parts
from reportgen.resources import BUILTIN_TEMPLATES

FONT = "Times New Roman"
LANGUAGE = "vi-VN"
BASE_DOCX = BUILTIN_TEMPLATES / "base.docx"
TABLE_STYLE = "Bang so lieu"

CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT,
                                WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY)

# name: (size pt, bold, italic, alignment, first-line indent cm, space before pt, space after pt)
# every one is based on Normal and single-spaced
PARAGRAPH_STYLES = {
    "Co quan chu quan": (13, False, False, CENTER, 0, 0, 0),
    "Co quan ban hanh": (13, True, False, CENTER, 0, 0, 0),
    "So ky hieu": (13, False, False, CENTER, 0, 6, 0),
    "Quoc hieu": (13, True, False, CENTER, 0, 0, 0),
    "Tieu ngu": (14, True, False, CENTER, 0, 0, 0),
    "Dia danh ngay thang": (14, False, True, CENTER, 0, 6, 0),
    "Ten loai": (14, True, False, CENTER, 0, 6, 0),
    "Trich yeu": (14, True, False, CENTER, 0, 0, 0),
    "Duong ke": (2, False, False, CENTER, 0, 2, 6),
    "Noi nhan tieu de": (12, True, True, LEFT, 0, 0, 0),
    "Noi nhan": (11, False, False, LEFT, 0, 0, 0),
    "Chuc vu ky": (14, True, False, CENTER, 0, 0, 0),
    "Khoang ky": (14, False, False, CENTER, 0, 0, 0),
    "Ten nguoi ky": (14, True, False, CENTER, 0, 0, 0),
    "Tieu de phu luc": (14, True, False, CENTER, 0, 0, 0),
    "Ghi chu phu luc": (14, False, True, CENTER, 0, 0, 6),
    "Tieu de tin": (14, True, False, CENTER, 0, 0, 6),
    "Chu thich anh": (13, False, True, CENTER, 0, 0, 6),
    "Tac gia": (14, True, False, RIGHT, 0, 0, 6),
    "O bang": (12, False, False, CENTER, 0, 0, 0),
    "Tieu de bang": (12, True, False, CENTER, 0, 0, 0),
    "List Dash": (14, False, False, JUSTIFY, 1.27, 0, 6),
    "List Plus": (14, False, False, JUSTIFY, 1.27, 0, 6),
    "Danh sach": (14, False, False, JUSTIFY, 1.27, 0, 6),
}
SIGNATURE_SPACE = Cm(2.5)  # "Khoang ky": one empty line exactly this high, room for signature and seal
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
UNUSED_PARTS = (RT.THUMBNAIL, STYLES_WITH_EFFECTS, RT.CUSTOM_XML)  # stray parts of python-docx's template
APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>reportgen</Application><DocSecurity>0</DocSecurity></Properties>")


def build_base_document():
    """A new python-docx Document carrying every reportgen style, and nothing else."""
    doc = Document()
    _clean_package(doc)
    _document_defaults(doc)
    _normal(doc.styles["Normal"])
    for level in (1, 2, 3):
        _heading(doc.styles[f"Heading {level}"], italic=(level == 3))
        _black_serif(doc.styles[f"Heading {level} Char"], 14, bold=True, italic=(level == 3))
    for name, spec in PARAGRAPH_STYLES.items():
        _paragraph_style(doc, name, *spec)
    _signature_space(doc.styles["Khoang ky"])
    _header(doc.styles["Header"])
    _caption(doc.styles["Caption"])
    _table_style(doc)
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
    path.write_bytes(parts.fixed_zip(buffer.getvalue()))
    return path


def set_fonts(rpr_parent, name: str = FONT) -> None:
    """Name the font in all four slots (ASCII, high ANSI, East Asian, complex script)."""
    _name_fonts(rpr_parent.get_or_add_rPr(), name)


def _name_fonts(rpr, name: str = FONT) -> None:
    """Theme fonts (``w:asciiTheme`` ...) would win over the names: drop them."""
    fonts = rpr_child(rpr, "w:rFonts")
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def set_language(rpr_parent, language: str = LANGUAGE) -> None:
    """``w:lang``: spelling and hyphenation in Vietnamese."""
    lang = rpr_child(rpr_parent.get_or_add_rPr(), "w:lang")
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)


def rpr_child(rpr, tag: str):
    """The ``tag`` child of a ``w:rPr``, created at its place in the schema sequence."""
    return parts.child(rpr, tag)


def _clean_package(doc) -> None:
    """Drop the default template's thumbnail, Word 2010 style copy and bibliography part."""
    for rels in (doc.part.package.rels, doc.part.rels):
        for r_id in [r_id for r_id, rel in rels.items() if rel.reltype in UNUSED_PARTS]:
            rels.pop(r_id)
    app = doc.part.package.part_related_by(RT.EXTENDED_PROPERTIES)
    app._blob = APP_XML.encode("utf-8")
    _serif_theme(doc.part.part_related_by(RT.THEME))
    preview = doc.settings.element.find(qn("w:savePreviewPicture"))
    if preview is not None:
        doc.settings.element.remove(preview)
    zoom = doc.settings.element.find(qn("w:zoom"))
    if zoom is not None:  # the XSD requires the percentage, even beside "best fit"
        zoom.set(qn("w:percent"), "100")


def _serif_theme(theme) -> None:
    """The theme's heading and body fonts (Calibri, Cambria) become Times New Roman too,
    so every style that names a theme font (Title, Heading 4-9 ...) is set in it."""
    theme._blob = re.sub(rb'(<a:(?:major|minor)Font>\s*<a:latin typeface=")[^"]*"',
                         rb'\g<1>' + FONT.encode() + rb'"', theme.blob)


def _document_defaults(doc) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _name_fonts(rpr)
    rpr_child(rpr, "w:lang").set(qn("w:val"), LANGUAGE)
    rpr_child(rpr, "w:lang").set(qn("w:eastAsia"), LANGUAGE)
    _set_size(rpr, 28)
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def _set_size(rpr, half_points: int) -> None:
    """Both the Latin (``w:sz``) and the complex-script (``w:szCs``) size."""
    for tag in ("w:sz", "w:szCs"):
        rpr_child(rpr, tag).set(qn("w:val"), str(half_points))


def _single(fmt) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _normal(style) -> None:
    style.font.name = FONT
    style.font.size = Pt(14)
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element)
    set_language(style.element)
    fmt = style.paragraph_format
    fmt.alignment = JUSTIFY
    fmt.first_line_indent = Cm(1.27)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    _single(fmt)
    fmt.widow_control = True


def _heading(style, italic: bool) -> None:
    style.base_style = None
    _black_serif(style, 14, bold=True, italic=italic)
    fmt = style.paragraph_format
    fmt.alignment = JUSTIFY
    fmt.first_line_indent = Cm(1.27)
    fmt.space_before = Pt(6 if not italic else 0)
    fmt.space_after = Pt(6)
    _single(fmt)
    fmt.keep_with_next = True


def _black_serif(style, size: float, bold: bool, italic: bool) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element)
    _set_size(style.element.get_or_add_rPr(), int(size * 2))


def _paragraph_style(doc, name, size, bold, italic, align, indent_cm, before, after) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Cm(indent_cm)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    _single(fmt)


def _signature_space(style) -> None:
    style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    style.paragraph_format.line_spacing = SIGNATURE_SPACE


def _header(style) -> None:
    """The page number line: Normal's font, centred, no indent, no spacing."""
    fmt = style.paragraph_format
    fmt.alignment = CENTER
    fmt.first_line_indent = Cm(0)
    fmt.space_after = Pt(0)
    _single(fmt)


def _caption(style) -> None:
    style.base_style = None
    _black_serif(style, 13, bold=False, italic=True)
    fmt = style.paragraph_format
    fmt.alignment = CENTER
    fmt.first_line_indent = Cm(0)
    fmt.space_before = Pt(3)
    fmt.space_after = Pt(6)
    _single(fmt)


def _table_style(doc) -> None:
    """"Bang so lieu": Table Grid's thin single borders, stated in the style itself."""
    style = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Table Grid"]
    tbl_pr = parts.child(style.element, "w:tblPr")
    borders = parts.child(tbl_pr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = parts.child(borders, f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
            border.set(qn(key), value)
    margins = parts.child(tbl_pr, "w:tblCellMar")
    for edge, width in (("top", 28), ("left", 57), ("bottom", 28), ("right", 57)):
        margin = parts.child(margins, f"w:{edge}")
        margin.set(qn("w:w"), str(width))
        margin.set(qn("w:type"), "dxa")
