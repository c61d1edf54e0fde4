"""HTML (the documented subset, docs/html-subset.md) to DOCX with python-docx.

The same HTML as the PDF is walked block by block onto the styled base document
(:mod:`reportgen.render.docx_styles`): classes map to named styles, not direct formatting,
so an office can restyle the result in Word. Markup outside the subset, and text standing
outside any paragraph, raise :class:`~reportgen.errors.UnsupportedMarkup` naming the
element, its classes and the template: nothing is dropped silently.

Decisions (see also docx_styles and docx_parts):
- Rules (under the issuing body, the motto, the subject line) are the bottom border of an
  empty, 2 pt high paragraph whose left and right indents leave the rule its length: Word
  and LibreOffice both draw a paragraph border between the indents, and both keep it when
  the text is edited. The motto's rule is as long as the motto's line, measured with the
  built-in Times New Roman metrics of :mod:`docx_metrics` at the style's size.
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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt
from lxml import html as lxml_html

from reportgen.errors import UnsupportedMarkup
from reportgen.vi import point_letter
from reportgen.files import write_atomic
from reportgen.render import docx_parts as parts
from reportgen.render.docx_metrics import plain_text, text_width_pt
from reportgen.render.docx_styles import load_base_document
from reportgen.render.docx_tables import data_table

INLINE_FORMAT = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
                 "span": "nowrap"}
CLASS_STYLES = {
    "parent-body": "Co quan chu quan", "issuing-body": "Co quan ban hanh", "number": "So ky hieu",
    "national-title": "Quoc hieu", "motto": "Tieu ngu", "date-line": "Dia danh ngay thang",
    "doc-type": "Ten loai", "subject": "Trich yeu", "recipients-title": "Noi nhan tieu de",
    "recipient": "Noi nhan", "authority": "Chuc vu ky", "signer-title": "Chuc vu ky",
    "signature-space": "Khoang ky", "signer-name": "Ten nguoi ky", "appendix-title": "Tieu de phu luc",
    "appendix-note": "Ghi chu phu luc", "headline": "Tieu de tin", "photo-caption": "Chu thich anh",
    "byline": "Tac gia",
}
PLAIN_CLASSES = {"no-indent", "center", "right"}
ALIGN_CLASSES = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
# Rules under a paragraph: class -> length as a share of the paragraph's box (None: the text's length)
RULES = {"issuing-body": 1 / 3, "subject": 1 / 3, "motto": None}
# (tag, classes) -> (style, how an item is numbered)
LISTS = {("ul", ""): ("List Dash", "dash"), ("ul", "plus"): ("List Plus", "plus"),
         ("ol", ""): ("Danh sach", "number"), ("ol", "alpha"): ("Danh sach", "alpha")}
# class -> (left column share, the two cells' classes)
LAYOUT_TABLES = {"header-block": (0.40, ("issuer", "national")), "closing": (0.45, ("recipients", "signature"))}
NOWRAP = ("national-title", "motto")  # one line each: the right column of the header block widens for them
DEFAULT_MARGINS = (20.0, 15.0, 20.0, 30.0)
SPACES = " \t\n\r\f"  # HTML whitespace: collapsed; no-break spaces (U+00A0) are kept
PX = 9525  # EMU per CSS pixel (1/96 inch): the unit of <img width>


class _Writer:
    """Walks the article and appends to one python-docx Document."""

    def __init__(self, template_name: str, base_dir: Path, margins: tuple[float, ...]):
        self.template = template_name
        self.base_dir = Path(base_dir).resolve()
        self.margins = margins
        self.doc = load_base_document()
        self.doc.element.body.clear_content()
        self._page_setup(self.doc.sections[0], landscape=False)
        self._page_number_header(self.doc.sections[0])
        self.break_before = False
        self.page_empty = True
        self.portrait_pending = False
        self.in_landscape = False
        self.filled_cells: set = set()
        self._style_ids: dict[str, str] = {}

    # ---- page setup -------------------------------------------------------------------
    def _page_setup(self, section, landscape: bool) -> None:
        top, right, bottom, left = self.margins
        if landscape:  # the portrait page turned: the binding edge (left) at the top
            top, right, bottom, left = left, top, right, bottom
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
        header.paragraphs[0].style = self.doc.styles["Header"]
        parts.page_field(header.paragraphs[0])
        section.first_page_header.is_linked_to_previous = False
        section.first_page_header.paragraphs[0].style = self.doc.styles["Header"]

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

    # ---- errors -----------------------------------------------------------------------
    def unsupported(self, element, why: str = "") -> UnsupportedMarkup:
        classes = element.get("class") or ""
        shown = f"<{element.tag}{f' class={classes!r}' if classes else ''}>"
        return UnsupportedMarkup(f"Mẫu {self.template}: thẻ {shown} không thuộc tập HTML được hỗ trợ "
                                 f"(docs/html-subset.md){': ' + why if why else ''}")

    def no_loose_text(self, container) -> None:
        """Text between blocks (outside any paragraph) would be lost: refuse it."""
        loose = [container.text] + [child.tail for child in container]
        if any(text and text.strip(SPACES) for text in loose):
            raise self.unsupported(container, "có chữ nằm ngoài đoạn văn")

    # ---- blocks -----------------------------------------------------------------------
    def article(self, article) -> None:
        self.no_loose_text(article)
        for element in _elements(article):
            if element.tag != "section":
                self.ensure_portrait()
            self.block(element)

    def blocks(self, container, cell=None) -> None:
        self.no_loose_text(container)
        for element in _elements(container):
            self.block(element, cell)

    def block(self, element, cell=None) -> None:
        tag, classes = element.tag, _classes(element)
        if tag == "p":
            self.paragraph(element, classes, cell)
        elif tag in ("h1", "h2", "h3") and not classes:
            self._styled(element, f"Heading {tag[1]}", cell)
        elif tag in ("ul", "ol"):
            self.list(element, classes, cell)
        elif tag == "table" and cell is None:
            self.table(element, classes)
        elif tag == "figure" and not classes and cell is None:
            self.figure(element)
        elif tag == "div" and classes == {"page-break"} and cell is None and not len(element):
            self.page_break(element)
        elif tag == "section" and classes == {"landscape"} and cell is None and not self.in_landscape:
            self.landscape(element)
        else:
            raise self.unsupported(element)

    def style_id(self, name: str) -> str:
        """The id of a named style (cached: python-docx looks names up with XPath each time)."""
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def set_style(self, paragraph, name: str) -> None:
        paragraph._p.style = self.style_id(name)

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

    def paragraph(self, element, classes: set[str], cell) -> None:
        styled = classes & set(CLASS_STYLES)
        if len(styled) > 1 or classes - set(CLASS_STYLES) - PLAIN_CLASSES or (styled and classes - styled):
            raise self.unsupported(element)
        style = CLASS_STYLES[next(iter(styled))] if styled else ("O bang" if cell is not None else "Normal")
        paragraph = self._styled(element, style, cell)
        if classes & PLAIN_CLASSES:
            paragraph.paragraph_format.first_line_indent = Cm(0)
        for name in classes & set(ALIGN_CLASSES):
            paragraph.alignment = ALIGN_CLASSES[name]
        for name in styled & set(RULES):
            self.rule(paragraph, RULES[name], cell)

    def _styled(self, element, style: str, cell, prefix: str = ""):
        paragraph = self._new_paragraph(cell, style)
        runs = _Runs(paragraph, self)
        runs.text(prefix, {})
        runs.walk(element, {})
        return paragraph

    def rule(self, paragraph, share: float | None, cell) -> None:
        """An empty paragraph under ``paragraph`` whose bottom border is the rule."""
        box = cell.width if cell is not None and cell.width else self.text_width
        length = share * box if share else Pt(_line_width_pt(paragraph))
        indent = Emu(max(0, int((box - length) / 2)))
        rule = self._new_paragraph(cell, "Duong ke")
        rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = indent
        parts.bottom_rule(rule)

    def page_break(self, element) -> None:
        self.break_before = not self.page_empty

    # ---- lists ------------------------------------------------------------------------
    def list(self, element, classes: set[str], cell) -> None:
        key = (element.tag, " ".join(sorted(classes)))
        if key not in LISTS:
            raise self.unsupported(element)
        style, numbering = LISTS[key]
        self.no_loose_text(element)
        for index, item in enumerate(_elements(element)):
            if item.tag != "li" or _classes(item):
                raise self.unsupported(item)
            self.list_item(item, style if cell is None else "O bang", _item_prefix(numbering, index), cell)

    def list_item(self, item, style: str, prefix: str, cell) -> None:
        """The item's text is one paragraph; lists nested at its end follow it."""
        paragraph = self._new_paragraph(cell, style)
        runs = _Runs(paragraph, self)
        runs.text(prefix, {})
        nested = runs.walk(item, {}, until=("ul", "ol"))
        for child in nested:
            if not isinstance(child.tag, str) or child.tag not in ("ul", "ol"):
                raise self.unsupported(child if isinstance(child.tag, str) else item, "sau danh sách con")
            if child.tail and child.tail.strip(SPACES):
                raise self.unsupported(item, "có chữ sau danh sách con")
            self.list(child, _classes(child), cell)

    # ---- figures ----------------------------------------------------------------------
    def figure(self, element) -> None:
        self.no_loose_text(element)
        for child in _elements(element):
            if child.tag == "img" and not _classes(child) and not len(child):
                self.image(child)
            elif child.tag == "figcaption" and not _classes(child):
                self._styled(child, "Caption", None)
            else:
                raise self.unsupported(child)

    def image(self, element) -> None:
        blob = self._image_bytes(element)
        width, height = self._image_size(element, blob)
        paragraph = self._new_paragraph(None, "Normal")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = paragraph.paragraph_format
        fmt.first_line_indent, fmt.keep_with_next, fmt.space_before = Cm(0), True, Pt(6)
        paragraph.add_run().add_picture(io.BytesIO(blob), width=width, height=height)

    def _image_bytes(self, element) -> bytes:
        """The file named by ``src``, only from inside the document's assets folder."""
        src = element.get("src") or ""
        path = (self.base_dir / src).resolve()
        if not path.is_relative_to(self.base_dir) or not path.is_file():
            raise UnsupportedMarkup(f"Mẫu {self.template}: ảnh {src!r} không có trong thư mục "
                                    f"tài nguyên của văn bản")
        return path.read_bytes()

    def _image_size(self, element, blob: bytes) -> tuple[Emu, Emu]:
        """The ``width`` attribute (CSS px) or the text width, never wider than the text
        nor taller than 3/4 of the page's text height; the aspect ratio kept."""
        try:
            image = Image.from_blob(blob)
        except UnrecognizedImageError:
            raise UnsupportedMarkup(f"Mẫu {self.template}: {element.get('src')!r} không phải ảnh PNG/JPEG/GIF")
        ratio = image.px_height / image.px_width
        hint = element.get("width") or ""
        width = min(int(hint) * PX if hint.isdigit() and int(hint) > 0 else self.text_width, self.text_width)
        width = min(width, int(self.text_height * 0.75 / ratio))
        return Emu(int(width)), Emu(int(width * ratio))

    # ---- sections ---------------------------------------------------------------------
    def landscape(self, element) -> None:
        self._new_section(landscape=True)
        self.in_landscape = True
        self.blocks(element)
        self.in_landscape, self.portrait_pending = False, True

    def ensure_portrait(self) -> None:
        """Content after a landscape section goes back to portrait pages."""
        if self.portrait_pending:
            self.portrait_pending = False
            self._new_section(landscape=False)

    # ---- tables -----------------------------------------------------------------------
    def table(self, element, classes: set[str]) -> None:
        if self.break_before:
            self._take_break(self._spacer())
        self.page_empty = False
        if classes == {"data"}:
            data_table(self, element)
        elif len(classes) == 1 and next(iter(classes)) in LAYOUT_TABLES:
            self.layout_table(element, *LAYOUT_TABLES[next(iter(classes))])
        else:
            raise self.unsupported(element)
        self._spacer()  # keeps the next block (a table would merge with this one) off the table

    def _spacer(self):
        paragraph = self.doc.add_paragraph()
        self.set_style(paragraph, "Duong ke")
        return paragraph

    def layout_table(self, element, left_share: float, cell_classes: tuple[str, str]) -> None:
        cells = _layout_cells(element, self, cell_classes)
        table = self.doc.add_table(rows=1, cols=2)
        parts.no_borders(table)
        width = int(self.text_width)
        right = max(width - int(width * left_share), int(Pt(self._one_line_pt(cells[1]))))
        parts.fixed_widths(table, [Emu(width - right), Emu(right)])
        parts.cell_margins(table, left=0, right=0)
        parts.cant_split(table.rows[0])
        for source, target in zip(cells, table.rows[0].cells):
            self.blocks(source, target)

    def _one_line_pt(self, cell) -> float:
        """Room for the lines that must not wrap (the national title, the motto) and a little."""
        widths = [text_width_pt(plain_text(p), *_style_font(self.doc.styles[CLASS_STYLES[name]]))
                  for name in NOWRAP for p in cell if isinstance(p.tag, str) and name in _classes(p)]
        return max(widths, default=0.0) + 6


class _Runs:
    """Inline content of one paragraph: runs with combined bold/italic/underline."""

    def __init__(self, paragraph, writer: _Writer):
        self.paragraph = paragraph
        self.writer = writer
        self.pending_space = False
        self.started = False

    def walk(self, element, fmt: dict, until: tuple[str, ...] = ()) -> list:
        """Append the element's inline content; with ``until``, stop at the first child of
        one of those tags and return the children from there on."""
        self.text(element.text, fmt)
        children = list(element)
        for position, child in enumerate(children):
            if isinstance(child.tag, str) and child.tag in until:
                return children[position:]
            if isinstance(child.tag, str):
                self.inline(child, fmt)
            self.text(child.tail, fmt)
        return []

    def inline(self, child, fmt: dict) -> None:
        tag, classes = child.tag, _classes(child)
        if tag == "br" and not classes and not len(child) and not (child.text or "").strip():
            self.paragraph.add_run().add_break(WD_BREAK.LINE)
            self.pending_space, self.started = False, False
            return
        if tag not in INLINE_FORMAT or classes != ({"nowrap"} if tag == "span" else set()):
            raise self.writer.unsupported(child)
        self.walk(child, {**fmt, INLINE_FORMAT[tag]: True})

    def text(self, text: str | None, fmt: dict) -> None:
        if not text:
            return
        words = " ".join(_words(text))
        if not words:
            self.pending_space = self.pending_space or self.started
            return
        if fmt.get("nowrap"):
            words = words.replace(" ", "\u00a0")
        if (text[0] in SPACES or self.pending_space) and self.started:
            words = " " + words
        self.add_run(words, fmt)
        self.pending_space = text[-1] in SPACES

    def add_run(self, words: str, fmt: dict) -> None:
        run = self.paragraph.add_run(words)
        run.bold = fmt.get("bold") or None
        run.italic = fmt.get("italic") or None
        run.underline = fmt.get("underline") or None
        self.started = True


def _words(text: str) -> list[str]:
    """HTML whitespace collapsing: split on the HTML spaces only (not on U+00A0)."""
    for space in SPACES[1:]:
        text = text.replace(space, " ")
    return [w for w in text.split(" ") if w]


def _elements(container) -> list:
    """The element children (comments and processing instructions skipped)."""
    return [child for child in container if isinstance(child.tag, str)]


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _item_prefix(numbering: str, index: int) -> str:
    if numbering in ("dash", "plus"):
        return "- " if numbering == "dash" else "+ "
    if numbering == "alpha":
        return f"{point_letter(index + 1)}) "
    return f"{index + 1}. "


def _layout_cells(table, writer: _Writer, cell_classes: tuple[str, str]) -> list:
    """The two cells of a header-block / closing table: one row, the documented classes."""
    writer.no_loose_text(table)
    rows = []
    for child in _elements(table):
        if child.tag == "tbody" and not _classes(child):
            writer.no_loose_text(child)
            rows += _elements(child)
        else:
            rows.append(child)
    if len(rows) != 1 or rows[0].tag != "tr" or _classes(rows[0]):
        raise writer.unsupported(table, "bảng bố cục cần đúng một hàng <tr> hai ô")
    writer.no_loose_text(rows[0])
    cells = _elements(rows[0])
    if [(c.tag, c.get("class") or "") for c in cells] != [("td", name) for name in cell_classes]:
        raise writer.unsupported(table, f"cần hai ô <td class=\"{cell_classes[0]}\">, <td class=\"{cell_classes[1]}\">")
    return cells


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


def _margins(root) -> tuple[float, ...]:
    found = root.xpath('//meta[@name="reportgen:margins"]/@content')
    if not found:
        return DEFAULT_MARGINS
    try:
        values = tuple(float(v) for v in found[0].split())
    except ValueError:
        return DEFAULT_MARGINS
    return values if len(values) == 4 else DEFAULT_MARGINS


def _article(root, template_name: str):
    found = root.xpath('//article[contains(concat(" ", normalize-space(@class), " "), " document ")]')
    if len(found) != 1:
        raise UnsupportedMarkup(f"Mẫu {template_name}: cần đúng một <article class=\"document\">")
    return found[0]


def _head_defaults(root) -> dict:
    """Title and author read from the HTML, for properties the caller does not give."""
    title = " ".join(" ".join(root.xpath("//head/title//text()")).split())
    issuer = root.xpath('//p[contains(concat(" ", normalize-space(@class), " "), " issuing-body ")]')
    author = plain_text(issuer[0]) if issuer else ""
    return {"title": title, "author": author}


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
    """Render the document HTML to DOCX bytes (also written atomically to ``out_path``).

    ``properties``: title, subject, author, keywords, language and date (a
    ``datetime.date``, the document's own date: created and modified). Title and author
    default to the HTML's ``<title>`` and issuing body. The same input gives the same bytes.
    """
    root = lxml_html.document_fromstring(html)
    writer = _Writer(template_name, base_dir, _margins(root))
    writer.article(_article(root, template_name))
    _properties(writer.doc, {**_head_defaults(root), **{k: v for k, v in properties.items() if v}})
    buffer = io.BytesIO()
    writer.doc.save(buffer)
    data = parts.fixed_zip(buffer.getvalue())
    if out_path is not None:
        write_atomic(Path(out_path), data)
    return data
