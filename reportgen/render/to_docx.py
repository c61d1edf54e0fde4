"""HTML (the documented subset, docs/html-subset.md) to DOCX with python-docx.

The same HTML as the PDF is walked block by block onto the styled base document
(:mod:`reportgen.render.docx_styles`): classes map to named styles, not direct formatting,
so an office can restyle the result in Word. Markup outside the subset raises
:class:`~reportgen.errors.UnsupportedMarkup` naming the element and the template.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Emu, Mm, Pt
from lxml import html as lxml_html

from reportgen.errors import UnsupportedMarkup
from reportgen.files import write_atomic
from reportgen.render import docx_parts as parts
from reportgen.render.docx_styles import load_base_document

INLINE = {"b", "strong", "i", "em", "u", "br", "span"}
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
# Rules under a paragraph: class -> length as a share of the paragraph's box (None: the text's length)
RULES = {"issuing-body": 1 / 3, "subject": 1 / 3, "motto": None}
LIST_PREFIX = {("ul", ""): "- ", ("ul", "plus"): "+ "}
DEFAULT_MARGINS = (20.0, 15.0, 20.0, 30.0)
SPACES = " \t\n\r\f"  # HTML whitespace: collapsed; no-break spaces (U+00A0) are kept


class _Writer:
    """Walks the article and appends to one python-docx Document."""

    def __init__(self, template_name: str, base_dir: Path, margins: tuple[float, ...]):
        self.template = template_name
        self.base_dir = Path(base_dir).resolve()
        self.margins = margins
        self.doc = load_base_document()
        self._remove_body_content()
        self._page_setup(self.doc.sections[0], landscape=False, first=True)
        self.break_before = False
        self.portrait_pending = False

    # ---- page setup -------------------------------------------------------------------
    def _remove_body_content(self) -> None:
        body = self.doc.element.body
        for child in list(body):
            if child.tag.endswith("}p") or child.tag.endswith("}tbl"):
                body.remove(child)

    def _page_setup(self, section, landscape: bool, first: bool) -> None:
        top, right, bottom, left = self.margins
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        if landscape:  # the portrait page turned: the binding edge (left) at the top
            top, right, bottom, left = left, top, right, bottom
        section.top_margin, section.right_margin = Mm(top), Mm(right)
        section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
        section.header_distance = Mm(min(top, 25) / 2)
        section.different_first_page_header_footer = first
        if first:
            self._page_number_header(section)

    def _page_number_header(self, section) -> None:
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Cm(0)
        paragraph.style = self.doc.styles["Header"]
        parts.page_field(paragraph)
        section.first_page_header.is_linked_to_previous = False
        section.first_page_header.paragraphs[0].text = ""

    @property
    def text_width(self) -> Emu:
        section = self.doc.sections[-1]
        return Emu(section.page_width - section.left_margin - section.right_margin)

    # ---- errors -----------------------------------------------------------------------
    def unsupported(self, element, why: str = "") -> UnsupportedMarkup:
        classes = element.get("class") or ""
        shown = f"<{element.tag}{f' class={classes!r}' if classes else ''}>"
        return UnsupportedMarkup(f"Mẫu {self.template}: thẻ {shown} không thuộc tập HTML được hỗ trợ "
                                 f"(docs/html-subset.md){': ' + why if why else ''}")

    # ---- blocks -----------------------------------------------------------------------
    def blocks(self, container, cell=None) -> None:
        for element in container:
            if not isinstance(element.tag, str):
                continue  # comments
            self.block(element, cell)

    def block(self, element, cell=None) -> None:
        tag, classes = element.tag, _classes(element)
        if tag == "p":
            self.paragraph(element, classes, cell)
        elif tag in ("h1", "h2", "h3") and not classes:
            self._styled(element, f"Heading {tag[1]}", cell)
        elif tag in ("ul", "ol"):
            self.list(element, classes, cell)
        elif tag == "table":
            self.table(element, classes, cell)
        elif tag == "figure" and not classes and cell is None:
            self.figure(element)
        elif tag == "div" and classes == {"page-break"} and cell is None:
            self.break_before = True
        elif tag == "section" and classes == {"landscape"} and cell is None:
            self.landscape(element)
        else:
            raise self.unsupported(element)

    def _target(self, cell):
        return cell if cell is not None else self.doc

    def _new_paragraph(self, cell, style: str):
        container = self._target(cell)
        if cell is not None and len(cell.paragraphs) == 1 and not cell.paragraphs[0].text and not getattr(cell, "_used", False):
            paragraph = cell.paragraphs[0]
            cell._used = True
        else:
            paragraph = container.add_paragraph()
        paragraph.style = self.doc.styles[style]
        if self.break_before and cell is None:
            paragraph.paragraph_format.page_break_before = True
            self.break_before = False
        return paragraph

    def paragraph(self, element, classes: set[str], cell) -> None:
        styled = classes & set(CLASS_STYLES)
        if len(styled) > 1 or classes - set(CLASS_STYLES) - PLAIN_CLASSES or (styled and classes - styled):
            raise self.unsupported(element)
        style = CLASS_STYLES[next(iter(styled))] if styled else ("O bang" if cell is not None else "Normal")
        paragraph = self._styled(element, style, cell)
        if "no-indent" in classes or "center" in classes or "right" in classes:
            paragraph.paragraph_format.first_line_indent = Cm(0)
        if "center" in classes:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if "right" in classes:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if "signature-space" in classes:
            paragraph.paragraph_format.space_after = Cm(2.5)
        for name in styled & set(RULES):
            self.rule(paragraph, RULES[name], cell)

    def _styled(self, element, style: str, cell, prefix: str = ""):
        paragraph = self._new_paragraph(cell, style)
        runs = _Runs(paragraph, self)
        if prefix:
            runs.text(prefix, {})
        runs.walk(element, {})
        runs.finish()
        return paragraph

    def rule(self, paragraph, share: float | None, cell) -> None:
        """An empty paragraph under ``paragraph`` whose bottom border is the rule."""
        box = cell.width if cell is not None and cell.width else self.text_width
        length = share * box if share else Pt(_text_width_pt(paragraph.text, 14, bold=True))
        indent = max(0, int((box - length) / 2))
        rule = self._new_paragraph(cell, "Duong ke")
        rule.paragraph_format.left_indent = Emu(indent)
        rule.paragraph_format.right_indent = Emu(indent)
        parts.bottom_rule(rule)

    def list(self, element, classes: set[str], cell) -> None:
        kind = element.tag
        if kind == "ul" and classes not in (set(), {"plus"}) or kind == "ol" and classes not in (set(), {"alpha"}):
            raise self.unsupported(element)
        items = [li for li in element if isinstance(li.tag, str)]
        for index, item in enumerate(items):
            if item.tag != "li" or _classes(item):
                raise self.unsupported(item)
            if kind == "ul":
                prefix = LIST_PREFIX[("ul", next(iter(classes), ""))]
            else:
                prefix = f"{'abcdefghiklmnopqrstuvxy'[index]})" if classes else f"{index + 1}."
                prefix += " "
            self._styled(item, "Danh sach" if cell is None else "O bang", cell, prefix)

    def figure(self, element) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "img" and not _classes(child):
                self.image(child)
            elif child.tag == "figcaption" and not _classes(child):
                self._styled(child, "Caption", None)
            else:
                raise self.unsupported(child)

    def image(self, element) -> None:
        path = (self.base_dir / (element.get("src") or "")).resolve()
        if not path.is_relative_to(self.base_dir) or not path.is_file():
            raise UnsupportedMarkup(f"Mẫu {self.template}: ảnh {element.get('src')!r} không có trong thư mục "
                                    f"tài nguyên của văn bản")
        paragraph = self._new_paragraph(None, "Normal")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Cm(0)
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(io.BytesIO(path.read_bytes()), width=Emu(int(self.text_width)))

    def landscape(self, element) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page_setup(section, landscape=True, first=False)
        self.break_before = False
        self.blocks(element)
        self.break_before = False
        self.portrait_pending = True

    def ensure_portrait(self) -> None:
        """Content after a landscape section goes back to portrait pages."""
        if self.portrait_pending:
            self.portrait_pending = False
            section = self.doc.add_section(WD_SECTION.NEW_PAGE)
            self._page_setup(section, landscape=False, first=False)

    # ---- tables -----------------------------------------------------------------------
    def table(self, element, classes: set[str], cell) -> None:
        if cell is not None or classes not in ({"data"}, {"header-block"}, {"closing"}):
            raise self.unsupported(element)
        if classes == {"data"}:
            from reportgen.render.docx_tables import data_table

            data_table(self, element)
        else:
            self.layout_table(element, 0.40 if classes == {"header-block"} else 0.45)

    def layout_table(self, element, left_share: float) -> None:
        rows = _rows(element, self)
        if len(rows) != 1 or len(rows[0]) != 2:
            raise self.unsupported(element, "bảng bố cục cần đúng một hàng hai ô")
        table = self.doc.add_table(rows=1, cols=2)
        parts.no_borders(table)
        width = int(self.text_width)
        parts.fixed_widths(table, [Emu(int(width * left_share)), Emu(width - int(width * left_share))])
        parts.cell_margins(table, left=0, right=0)
        for source, target in zip(rows[0], table.rows[0].cells):
            self.blocks(source, target)
        self.doc.add_paragraph().style = self.doc.styles["Duong ke"]  # keeps the next block off the table


class _Runs:
    """Inline content of one paragraph: runs with combined bold/italic/underline."""

    def __init__(self, paragraph, writer: _Writer):
        self.paragraph = paragraph
        self.writer = writer
        self.pending_space = False
        self.started = False

    def walk(self, element, fmt: dict) -> None:
        self.text(element.text, fmt)
        for child in element:
            if not isinstance(child.tag, str):
                self.text(child.tail, fmt)
                continue
            self.inline(child, fmt)
            self.text(child.tail, fmt)

    def inline(self, child, fmt: dict) -> None:
        tag, classes = child.tag, _classes(child)
        if tag not in INLINE or (tag == "span" and classes != {"nowrap"}) or (tag != "span" and classes):
            raise self.writer.unsupported(child)
        if tag == "br":
            self.paragraph.add_run().add_break(WD_BREAK.LINE)
            self.pending_space, self.started = False, False
            return
        inner = dict(fmt)
        inner.update({"b": {"bold": True}, "strong": {"bold": True}, "i": {"italic": True},
                      "em": {"italic": True}, "u": {"underline": True}, "span": {"nowrap": True}}[tag])
        self.walk(child, inner)

    def text(self, text: str | None, fmt: dict) -> None:
        if not text:
            return
        leading, trailing = text[:1] in SPACES, text[-1:] in SPACES
        words = " ".join(w for w in re.split(r"[ \t\n\r\f]+", text) if w)
        if not words:
            self.pending_space = self.pending_space or self.started
            return
        if (leading or self.pending_space) and self.started:
            words = " " + words
        if fmt.get("nowrap"):
            words = words.replace(" ", "\u00a0")
        run = self.paragraph.add_run(words)
        run.bold = fmt.get("bold") or None
        run.italic = fmt.get("italic") or None
        run.underline = fmt.get("underline") or None
        self.started = True
        self.pending_space = trailing

    def finish(self) -> None:
        """Nothing to flush: trailing whitespace of a paragraph is dropped."""


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _rows(table, writer: _Writer) -> list[list]:
    rows = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        if child.tag in ("thead", "tbody", "tfoot"):
            rows += [r for r in child if isinstance(r.tag, str)]
        elif child.tag == "tr":
            rows.append(child)
        else:
            raise writer.unsupported(child)
    return [[c for c in row if isinstance(c.tag, str)] for row in rows]


def _text_width_pt(text: str, size: float, bold: bool) -> float:
    """Width of a line of text in the serif font, measured with the font's own metrics."""
    from matplotlib import font_manager
    from PIL import ImageFont

    path = font_manager.findfont(font_manager.FontProperties(family=["Liberation Serif", "Times New Roman"],
                                                             weight="bold" if bold else "normal"))
    return ImageFont.truetype(path, 100).getlength(text) * size / 100


def _margins(root) -> tuple[float, ...]:
    found = root.xpath('//meta[@name="reportgen:margins"]/@content')
    if not found:
        return DEFAULT_MARGINS
    values = [float(v) for v in found[0].split()]
    return tuple(values) if len(values) == 4 else DEFAULT_MARGINS


def _article(root, template_name: str):
    found = root.xpath('//article[contains(concat(" ", normalize-space(@class), " "), " document ")]')
    if len(found) != 1:
        raise UnsupportedMarkup(f"Mẫu {template_name}: cần đúng một <article class=\"document\">")
    return found[0]


def _properties(doc, properties: dict) -> None:
    date = properties.get("date") or dt.date(2000, 1, 1)
    stamp = dt.datetime(date.year, date.month, date.day)
    core = doc.core_properties
    core.title = properties.get("title", "")
    core.subject = properties.get("subject", "")
    core.author = properties.get("author", "")
    core.keywords = properties.get("keywords", "")
    core.language = properties.get("language", "vi-VN")
    core.created = core.modified = stamp
    core.last_modified_by = "reportgen"
    core.last_printed = stamp
    core.revision = 1
    core.comments = ""
    core.category = properties.get("subject", "")


def render_docx(html: str, *, template_name: str, base_dir: Path, properties: dict,
                out_path: Path | None = None) -> bytes:
    """Render the document HTML to DOCX bytes (also written atomically to ``out_path``)."""
    root = lxml_html.document_fromstring(html)
    writer = _Writer(template_name, base_dir, _margins(root))
    for element in _article(root, template_name):
        if not isinstance(element.tag, str):
            continue
        if element.tag != "section":
            writer.ensure_portrait()
        writer.block(element)
    _properties(writer.doc, properties)
    buffer = io.BytesIO()
    writer.doc.save(buffer)
    data = parts.fixed_zip(buffer.getvalue())
    if out_path is not None:
        write_atomic(Path(out_path), data)
    return data
