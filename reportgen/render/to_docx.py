"""The document read through the HTML subset (:mod:`reportgen.render.subset`) to DOCX.

The blocks :func:`reportgen.render.subset.read` made of the same HTML as the PDF are
written one by one onto the styled base document (:mod:`reportgen.render.docx_styles`):
classes map to named styles, not direct formatting, so an office can restyle the result in
Word. This module reads no HTML: what the subset refuses never gets here.

Decisions (see also docx_styles and docx_parts):
- Rules (under the issuing body, the motto, the subject line) are the bottom border of an
  empty, 2 pt high paragraph whose left and right indents leave the rule its length: Word
  and LibreOffice both draw a paragraph border between the indents, and both keep it when
  the text is edited. The motto's rule is as long as the motto's line, measured with the
  built-in Times New Roman metrics of :mod:`text_widths` at the style's size.
- A page break is "page break before" on the next paragraph (an empty rule-sized
  paragraph when the next block is a table); on a page that has nothing yet it is ignored.
- ``<section class="landscape">`` is a section of its own, A4 turned with the portrait
  margins turned with it (the binding edge on top, as print.css does); the content after it
  goes to a new portrait section. Sections after the first inherit the page-number header.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt
from docx.styles import BabelFish

from reportgen.errors import UnsupportedMarkup
from reportgen.files import write_atomic
from reportgen.render import docx_parts as parts
from reportgen.render import docx_runs, subset
from reportgen.render.docx_styles import load_base_document
from reportgen.render.docx_tables import data_table
from reportgen.render.text_widths import text_width_pt
from reportgen.vi import point_letter

CLASS_STYLES = {
    "parent-body": "Co quan chu quan", "issuing-body": "Co quan ban hanh", "number": "So ky hieu",
    "national-title": "Quoc hieu", "motto": "Tieu ngu", "date-line": "Dia danh ngay thang",
    "doc-type": "Ten loai", "subject": "Trich yeu", "recipients-title": "Noi nhan tieu de",
    "recipient": "Noi nhan", "authority": "Chuc vu ky", "signer-title": "Chuc vu ky",
    "signature-space": "Khoang ky", "signer-name": "Ten nguoi ky", "appendix-title": "Tieu de phu luc",
    "appendix-note": "Ghi chu phu luc", "headline": "Tieu de tin", "photo-caption": "Chu thich anh",
    "byline": "Tac gia",
}
PLAIN_CLASSES = subset.PARAGRAPH_PLAIN_CLASSES
ALIGN_CLASSES = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
# Rules under a paragraph: class -> length as a share of the paragraph's box (None: the text's length)
RULES = {"issuing-body": 1 / 3, "subject": 1 / 3, "motto": None}
# (tag, classes) -> (style, how an item is numbered)
LISTS = {("ul", ""): ("List Dash", "dash"), ("ul", "plus"): ("List Plus", "plus"),
         ("ol", ""): ("Danh sach", "number"), ("ol", "alpha"): ("Danh sach", "alpha")}
# class -> left column share
LAYOUT_TABLES = {"header-block": 0.40, "closing": 0.45}
NOWRAP = ("national-title", "motto")  # one line each: the right column of the header block widens for them
PX = 9525  # EMU per CSS pixel (1/96 inch): the unit of <img width>
_STYLE, _NAME, _VAL, _DEFAULT, _TYPE = (qn(f"w:{name}") for name in ("style", "name", "val", "default", "type"))


class _Writer:
    """Writes the article's blocks into one python-docx Document."""

    def __init__(self, template_name: str, margins: subset.Margins):
        self.template = template_name
        self.margins = margins
        self.doc = load_base_document()
        self._styles: dict | None = None  # name -> w:style element (see _style)
        self._default_table_style = None
        self.doc.element.body.clear_content()
        self._page_setup(self.doc.sections[0], landscape=False)
        self._page_number_header(self.doc.sections[0])
        self.break_before = False
        self.page_empty = True
        self.portrait_pending = False
        self.filled_cells: set = set()

    # ---- page setup -------------------------------------------------------------------
    def _page_setup(self, section, landscape: bool) -> None:
        top, right, bottom, left = (self.margins.landscape() if landscape else self.margins).as_tuple()
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        section.top_margin, section.right_margin = Mm(top), Mm(right)
        section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
        section.header_distance = Mm(min(top, 25) / 2)
        section.different_first_page_header_footer = False

    def _page_number_header(self, section) -> None:
        """Page numbers centred in the top margin, none on page 1 (an empty first-page header)."""
        section.different_first_page_header_footer = True
        header = section.header
        header.is_linked_to_previous = False
        self.set_style(header.paragraphs[0], "Header")
        parts.page_field(header.paragraphs[0])
        section.first_page_header.is_linked_to_previous = False
        self.set_style(section.first_page_header.paragraphs[0], "Header")

    def _new_section(self, landscape: bool) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        parts.fold_section_break(self.doc.element.body)
        self._page_setup(section, landscape)
        self.break_before, self.page_empty = False, True

    @property
    def text_width(self) -> Emu:
        section = self.doc.sections[-1]
        return Emu(section.page_width - section.left_margin - section.right_margin)

    @property
    def text_height(self) -> Emu:
        section = self.doc.sections[-1]
        return Emu(section.page_height - section.top_margin - section.bottom_margin)

    # ---- blocks -----------------------------------------------------------------------
    def article(self, blocks: tuple) -> None:
        for block in blocks:
            if not isinstance(block, subset.Landscape):
                self.ensure_portrait()
            self.block(block)

    def blocks(self, blocks: tuple, cell=None) -> None:
        for block in blocks:
            self.block(block, cell)

    def block(self, block, cell=None) -> None:
        if isinstance(block, subset.Paragraph):
            self.paragraph(block, cell)
        elif isinstance(block, subset.Heading):
            self.styled(block.inlines, f"Heading {block.level}", cell)
        elif isinstance(block, subset.ListBlock):
            self.list(block, cell)
        elif isinstance(block, (subset.DataTable, subset.LayoutTable)):
            self.table(block)
        elif isinstance(block, subset.Figure):
            self.figure(block)
        elif isinstance(block, subset.PageBreak):
            self.page_break()
        elif isinstance(block, subset.Landscape):
            self.landscape(block)
        else:  # pragma: no cover - the subset makes no other block
            raise TypeError(f"not a subset block: {block!r}")

    def _style(self, name: str):
        """The ``w:style`` element of a style by its UI name, or None. The base document's
        styles are read once, in one pass: python-docx's ``styles[name]`` compiles and runs
        an XPath over every style for each lookup (~0.3 ms; ~25 lookups a document)."""
        if self._styles is None:
            self._styles, defaults = {}, {}
            for style in self.doc.styles.element.iterchildren(_STYLE):
                name_element = style.find(_NAME)
                if name_element is not None:
                    self._styles.setdefault(name_element.get(_VAL), style)  # the first, as python-docx
                if style.get(_DEFAULT) in ("1", "true", "on"):
                    defaults[style.get(_TYPE)] = style  # the last default of a type counts
            self._default_table_style = defaults.get("table")
        return self._styles.get(BabelFish.ui2internal(name))

    def style_id(self, name: str) -> str:
        """The id of a named style (a KeyError when there is none, as python-docx)."""
        style = self._style(name)
        return style.styleId if style is not None else self.doc.styles[name].style_id

    def table_style(self, table, name: str) -> None:
        """``table.style = doc.styles[name]`` without python-docx's search, through every
        style, for the default table style (which a table names by naming none)."""
        style = self._style(name)
        if style is None:
            table.style = self.doc.styles[name]
        else:
            table._tbl.tblStyle_val = None if style is self._default_table_style else style.styleId

    def set_style(self, paragraph, name: str) -> None:
        parts.paragraph_style(paragraph._p, self.style_id(name))

    def _new_paragraph(self, cell, style: str):
        if cell is None:
            paragraph = self.doc.add_paragraph()
            self.set_style(paragraph, style)
            self._take_break(paragraph)
            return paragraph
        if cell._tc in self.filled_cells:
            paragraph = cell.add_paragraph()
        else:
            self.filled_cells.add(cell._tc)
            paragraph = cell.paragraphs[0]
        self.set_style(paragraph, style)
        return paragraph

    def _take_break(self, paragraph) -> None:
        """A pending page break becomes "page break before" on the next body paragraph."""
        if self.break_before:
            paragraph.paragraph_format.page_break_before = True
        self.break_before, self.page_empty = False, False

    def paragraph(self, block, cell) -> None:
        classes = block.classes
        styled = classes & set(CLASS_STYLES)
        style = CLASS_STYLES[next(iter(styled))] if styled else ("O bang" if cell is not None else "Normal")
        paragraph = self.styled(block.inlines, style, cell)
        if classes & PLAIN_CLASSES:
            paragraph.paragraph_format.first_line_indent = Cm(0)
        for name in classes & set(ALIGN_CLASSES):
            paragraph.alignment = ALIGN_CLASSES[name]
        for name in styled & set(RULES):
            self.rule(paragraph, RULES[name], cell)

    def styled(self, inlines: tuple, style: str, cell, prefix: str = ""):
        """A new paragraph of ``style`` holding ``inlines`` (in ``cell``, or the body when None)."""
        paragraph = self._new_paragraph(cell, style)
        runs = docx_runs.Runs()
        runs.text(prefix, frozenset())
        docx_runs.write(paragraph._p, runs.add(inlines).runs)
        return paragraph

    def rule(self, paragraph, share: float | None, cell) -> None:
        """An empty paragraph under ``paragraph`` whose bottom border is the rule."""
        box = cell.width if cell is not None and cell.width else self.text_width
        length = share * box if share else Pt(_line_width_pt(paragraph))
        indent = Emu(max(0, int((box - length) / 2)))
        rule = self._new_paragraph(cell, "Duong ke")
        rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = indent
        parts.bottom_rule(rule)

    def page_break(self) -> None:
        self.break_before = not self.page_empty

    # ---- lists ------------------------------------------------------------------------
    def list(self, block, cell) -> None:
        style, numbering = LISTS[(block.tag, block.kind)]
        for index, item in enumerate(block.items):
            self.list_item(item, style if cell is None else "O bang", _item_prefix(numbering, index), cell)

    def list_item(self, item, style: str, prefix: str, cell) -> None:
        """The item's text is one paragraph; lists nested at its end follow it."""
        self.styled(item.inlines, style, cell, prefix)
        for nested in item.nested:
            self.list(nested, cell)

    # ---- figures ----------------------------------------------------------------------
    def figure(self, block) -> None:
        for item in block.items:
            if isinstance(item, subset.Image):
                self.image(item)
            else:
                self.styled(item.inlines, "Caption", None)

    def image(self, image) -> None:
        width, height = self._image_size(image)
        paragraph = self._new_paragraph(None, "Normal")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = paragraph.paragraph_format
        fmt.first_line_indent, fmt.keep_with_next, fmt.space_before = Cm(0), True, Pt(6)
        paragraph.add_run().add_picture(io.BytesIO(image.data), width=width, height=height)

    def _image_size(self, image) -> tuple[Emu, Emu]:
        """The ``width`` attribute (CSS px) or the text width, never wider than the text
        nor taller than 3/4 of the page's text height; the aspect ratio kept."""
        try:
            info = Image.from_blob(image.data)
        except UnrecognizedImageError:
            raise UnsupportedMarkup(f"Mẫu {self.template}: {image.src!r} không phải ảnh PNG/JPEG/GIF")
        ratio = info.px_height / info.px_width
        width = min(image.width * PX if image.width else self.text_width, self.text_width)
        width = min(width, int(self.text_height * 0.75 / ratio))
        return Emu(int(width)), Emu(int(width * ratio))

    # ---- sections ---------------------------------------------------------------------
    def landscape(self, block) -> None:
        self._new_section(landscape=True)
        self.blocks(block.blocks)
        self.portrait_pending = True

    def ensure_portrait(self) -> None:
        """Content after a landscape section goes back to portrait pages."""
        if self.portrait_pending:
            self.portrait_pending = False
            self._new_section(landscape=False)

    # ---- tables -----------------------------------------------------------------------
    def table(self, block) -> None:
        if self.break_before:
            self._take_break(self._spacer())
        self.page_empty = False
        if isinstance(block, subset.DataTable):
            data_table(self, block)
        else:
            self.layout_table(block, LAYOUT_TABLES[block.kind])
        self._spacer()  # keeps the next block (a table would merge with this one) off the table

    def _spacer(self):
        paragraph = self.doc.add_paragraph()
        self.set_style(paragraph, "Duong ke")
        return paragraph

    def layout_table(self, block, left_share: float) -> None:
        cells = block.cells
        if block.kind == "closing" and self.doc.paragraphs:
            # the closing sentence ("Trên đây là báo cáo .../.") stays whole with the
            # recipients and signature (print.css: table.closing, break-before: avoid)
            last = self.doc.paragraphs[-1].paragraph_format
            last.keep_with_next, last.keep_together = True, True
        table = self.doc.add_table(rows=1, cols=2)
        parts.no_borders(table)
        width = int(self.text_width)
        right = max(width - int(width * left_share), int(Pt(self._one_line_pt(cells[1]))))
        parts.fixed_widths(table, [Emu(width - right), Emu(right)])
        parts.cell_margins(table, left=0, right=0)
        parts.cant_split(table.rows[0])
        for source, target in zip(cells, table.rows[0].cells):
            self.blocks(source, target)

    def _one_line_pt(self, cell: tuple) -> float:
        """Room for the lines that must not wrap (the national title, the motto) and a little."""
        widths = [text_width_pt(p.text, *_style_font(self.doc.styles[CLASS_STYLES[name]]))
                  for name in NOWRAP for p in cell if isinstance(p, subset.Paragraph) and name in p.classes]
        return max(widths, default=0.0) + 6


def _item_prefix(numbering: str, index: int) -> str:
    if numbering in ("dash", "plus"):
        return "- " if numbering == "dash" else "+ "
    if numbering == "alpha":
        return f"{point_letter(index + 1)}) "
    return f"{index + 1}. "


def _style_font(style) -> tuple[float, bool]:
    """(size in pt, bold) of a paragraph style, following its base styles."""
    size = bold = None
    while style is not None and (size is None or bold is None):
        size = size if size is not None else style.font.size
        bold = bold if bold is not None else style.font.bold
        style = style.base_style
    return (size.pt if size is not None else 14.0), bool(bold)


def _line_width_pt(paragraph) -> float:
    """The width of the paragraph's (one-line) text in its style's font."""
    size, bold = _style_font(paragraph.style)
    return text_width_pt(paragraph.text, size, bold)


def _properties(doc, properties: dict) -> None:
    date = properties.get("date") or dt.date(2000, 1, 1)
    stamp = dt.datetime(date.year, date.month, date.day)
    core = doc.core_properties
    core.title = properties.get("title") or ""
    core.subject = properties.get("subject") or ""
    core.author = properties.get("author") or ""
    core.keywords = properties.get("keywords") or ""
    core.language = properties.get("language") or "vi-VN"
    core.created = core.modified = stamp
    core.last_modified_by = "reportgen"
    core.revision = 1
    core.comments = ""
    core.category = properties.get("subject") or ""
    for printed in core._element.findall(qn("cp:lastPrinted")):
        core._element.remove(printed)


def render_docx(html: str, *, template_name: str, base_dir: Path, properties: dict,
                out_path: Path | None = None) -> bytes:
    """Read ``html`` through the subset (images from ``base_dir``), then :func:`docx_of`."""
    return docx_of(subset.read(html, template_name, base_dir), properties, out_path)


def docx_of(document: subset.Document, properties: dict, out_path: Path | None = None) -> bytes:
    """The DOCX bytes of a document read through the subset (also written atomically to ``out_path``).

    ``properties``: title, subject, author, keywords, language and date (a
    ``datetime.date``, the document's own date: created and modified). Title and author
    default to the HTML's ``<title>`` and issuing body. The same input gives the same bytes.
    """
    writer = _Writer(document.template, document.margins)
    writer.article(document.blocks)
    defaults = {"title": document.title, "author": document.author}
    _properties(writer.doc, {**defaults, **{k: v for k, v in properties.items() if v}})
    buffer = io.BytesIO()
    writer.doc.save(buffer)
    data = parts.fixed_zip(buffer.getvalue())
    if out_path is not None:
        write_atomic(Path(out_path), data)
    return data
