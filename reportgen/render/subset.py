"""The HTML subset (docs/html-subset.md), read once: a rendered document's HTML -> blocks.

:func:`read` walks the document's HTML one time, rejects everything the subset does not
allow (an element, a class, an attribute, text outside a paragraph, anything in the body
outside ``<article class="document">``) with :class:`~reportgen.errors.UnsupportedMarkup`
naming the template, and returns a :class:`Document`: the frame (title, margins, head
metadata), the article's blocks for the DOCX writer, and a clean HTML rebuilt from the
checked tree for WeasyPrint and the portal. No renderer parses the HTML on its own, so a bad
tag is refused the same way whatever formats were asked for, and nothing a template writes
outside the article (a link, a script) reaches any output.

The walk creates no python-docx or WeasyPrint objects: it is cheap enough to run for every
document even when only the PDF is wanted.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from lxml import html as lxml_html

from reportgen.errors import TemplateFailure, UnsupportedMarkup
from reportgen.page import DEFAULT_MARGINS, Margins
from reportgen.render import table_widths

SPACES = " \t\n\r\f"  # HTML whitespace; no-break spaces (U+00A0) are text
MARGINS_META = "reportgen:margins"
INLINE_TAGS = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "span": "nowrap"}
PARAGRAPH_STYLE_CLASSES = frozenset({
    "parent-body", "issuing-body", "number", "national-title", "motto", "date-line", "doc-type", "subject",
    "recipients-title", "recipient", "authority", "signer-title", "signature-space", "signer-name",
    "appendix-title", "appendix-note", "headline", "photo-caption", "byline"})
PARAGRAPH_PLAIN_CLASSES = frozenset({"no-indent", "center", "right"})
LIST_CLASSES = {"ul": ("", "plus"), "ol": ("", "alpha")}
LAYOUT_TABLES = {"header-block": ("issuer", "national"), "closing": ("recipients", "signature")}
CELL_CLASSES = ("", "num", "text")
# The attributes a template may write, per element (everything else, ``on*`` handlers,
# ``style`` and ``id`` included, is refused). ``class`` is checked per element below.
ATTRIBUTES = {"article": {"class", "data-kind"}, "td": {"class", "colspan", "rowspan"},
              "th": {"class", "colspan", "rowspan"}, "img": {"src", "alt", "width"}}
DEFAULT_ATTRIBUTES = {"class"}
HEAD_ATTRIBUTES = {"html": {"lang"}, "head": set(), "body": set(), "title": set(),
                   "meta": {"name", "content", "charset"}, "link": {"rel", "href"}}
SUBSET_TAGS = frozenset({"article", "p", "h1", "h2", "h3", "ul", "ol", "li", "table", "thead", "tbody", "tr", "td",
                         "th", "figure", "img", "figcaption", "div", "section", "br", *INLINE_TAGS})
# Figures tables in print.css: cells of 12 pt (11 pt in a landscape section), 3 pt of padding
# each side and 0.5 pt borders; a point more so that a measured line never just misses.
PDF_CELL_SIZE_PT = {False: 12.0, True: 11.0}
PDF_CELL_PADDING_PT = 2 * 3 + 0.5 + 1
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


# ---- margins: their parsing (their one default: reportgen.page) ------------------------------
def parse_margins(text: str) -> Margins:
    """``"20 15 20 30"`` (top right bottom left, mm) -> Margins; anything else is a TemplateFailure."""
    try:
        values = [float(part) for part in text.split()]
    except ValueError:
        values = []
    if len(values) != 4 or any(not v >= 0 or v == float("inf") for v in values):
        raise TemplateFailure(
            f'<meta name="{MARGINS_META}" content="{text}">: cần 4 số mm (trên phải dưới trái), ví dụ "20 15 20 30"')
    return Margins(*values)


# ---- the blocks -----------------------------------------------------------------------------
# Inline content is a flat tuple of pieces in document order: (text, format) with format a
# frozenset of "bold", "italic", "underline", "nowrap", or None for a line break (<br>).
Inline = tuple[str | None, frozenset]


@dataclass(frozen=True)
class Paragraph:
    classes: frozenset
    inlines: tuple
    text: str  # plain text, whitespace collapsed (for measuring)


@dataclass(frozen=True)
class Heading:
    level: int
    inlines: tuple


@dataclass(frozen=True)
class ListItem:
    inlines: tuple
    nested: tuple  # ListBlocks following the item's text


@dataclass(frozen=True)
class ListBlock:
    tag: str  # "ul" or "ol"
    kind: str  # "" or "plus" (ul), "" or "alpha" (ol)
    items: tuple


@dataclass(frozen=True)
class Cell:
    """A data-table cell placed on the grid (rowspan clipped to the table)."""

    tag: str  # "td" or "th"
    cls: str  # "", "num" or "text"
    row: int
    col: int
    rowspan: int
    colspan: int
    total: bool  # in a <tr class="total">
    text: str
    blocks: tuple | None  # its paragraphs and lists, or None when it holds inline content
    inlines: tuple


@dataclass(frozen=True)
class Row:
    header: bool


@dataclass(frozen=True)
class DataTable:
    rows: tuple  # Row per <tr>, in order
    cells: tuple  # Cell, in document order
    columns: int


@dataclass(frozen=True)
class LayoutTable:
    kind: str  # "header-block" or "closing"
    cells: tuple  # two tuples of blocks


@dataclass(frozen=True)
class Image:
    src: str
    width: int | None  # the width attribute, CSS px
    data: bytes = field(repr=False)

    @property
    def mime_type(self) -> str:
        return {b"\x89P": "image/png", b"\xff\xd8": "image/jpeg"}.get(self.data[:2], "image/gif")

    @property
    def data_url(self) -> str:
        return f"data:{self.mime_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class Caption:
    inlines: tuple


@dataclass(frozen=True)
class Figure:
    items: tuple  # Image and Caption, in order


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Landscape:
    blocks: tuple


@dataclass(frozen=True)
class Document:
    """A document read through the subset."""

    template: str
    title: str
    lang: str | None
    margins: Margins
    metas: tuple  # (name, content) of the head's <meta name> elements, in order
    stylesheets: tuple  # the hrefs of <link rel="stylesheet">, relative
    blocks: tuple
    article_html: str  # the checked <article> (serialised from the checked tree), images as written
    pdf_html: str = field(repr=False)  # head metadata (no stylesheet links) and the article, images inline

    @property
    def author(self) -> str:
        """The issuing body's text (the first ``<p class="issuing-body">``), or ""."""
        for block in _walk_blocks(self.blocks):
            if isinstance(block, Paragraph) and "issuing-body" in block.classes:
                return block.text
        return ""


def _walk_blocks(blocks):
    for block in blocks:
        yield block
        if isinstance(block, Landscape):
            yield from _walk_blocks(block.blocks)
        elif isinstance(block, LayoutTable):
            for cell in block.cells:
                yield from _walk_blocks(cell)


def read(html: str, template: str, assets_dir: Path | None = None) -> Document:
    """Read ``html`` (rendered from ``template``) through the subset; raise UnsupportedMarkup.

    ``assets_dir``: the folder the document's images must be in (read here, once); None
    refuses every image.
    """
    root = lxml_html.document_fromstring(html)
    return _Reader(template, assets_dir).document(root)


def plain_text(element) -> str:
    """The element's text, whitespace collapsed, a line break counted as a space."""
    pieces = [element.text or ""]
    for child in element:
        pieces += [" " if child.tag == "br" else plain_text(child) if isinstance(child.tag, str) else "",
                   child.tail or ""]
    return " ".join("".join(pieces).split())


def _elements(container) -> list:
    """The element children (comments and processing instructions skipped)."""
    return [child for child in container if isinstance(child.tag, str)]


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _loose(text: str | None) -> bool:
    return bool(text and text.strip(SPACES))


class _Reader:
    def __init__(self, template: str, assets_dir: Path | None):
        self.template = template
        self.assets_dir = Path(assets_dir).resolve() if assets_dir is not None else None
        self.images: list = []  # (img element, Image)
        self.data_tables: list = []  # (table element, DataTable, in a landscape section?)

    # ---- errors -------------------------------------------------------------------------
    def unsupported(self, element, why: str = "") -> UnsupportedMarkup:
        classes = element.get("class") or ""
        shown = f"<{element.tag}{f' class={classes!r}' if classes else ''}>"
        return UnsupportedMarkup(f"Mẫu {self.template}: thẻ {shown} không thuộc tập HTML được hỗ trợ "
                                 f"(docs/html-subset.md){': ' + why if why else ''}")

    def attributes(self, element, allowed: set[str]) -> None:
        for name, value in element.attrib.items():
            if name not in allowed:
                raise UnsupportedMarkup(
                    f"Mẫu {self.template}: thuộc tính {name}={value!r} của thẻ <{element.tag}> không được phép "
                    f"(docs/html-subset.md: chỉ {', '.join(sorted(allowed)) or 'không thuộc tính nào'})")

    def no_loose_text(self, container) -> None:
        """Text between blocks (outside any paragraph) would be lost: refuse it."""
        if _loose(container.text) or any(_loose(child.tail) for child in container):
            raise self.unsupported(container, "có chữ nằm ngoài đoạn văn")

    def element(self, element) -> None:
        """Every element of the article passes here first: the attributes of a subset tag
        (a tag outside the subset is refused as such by the caller)."""
        if element.tag in SUBSET_TAGS:
            self.attributes(element, ATTRIBUTES.get(element.tag, DEFAULT_ATTRIBUTES))

    # ---- the frame ----------------------------------------------------------------------
    def document(self, root) -> Document:
        self.attributes(root, HEAD_ATTRIBUTES["html"])
        head, body = root.find("head"), root.find("body")
        title, metas, stylesheets = self.head(head) if head is not None else ("", [], [])
        article = self.article_of(body)
        blocks = self.article(article)
        margins = DEFAULT_MARGINS
        for name, content in metas:
            if name == MARGINS_META:
                margins = parse_margins(content)
                break
        article_html = lxml_html.tostring(article, encoding="unicode", method="html", with_tail=False)
        for element, image in self.images:
            element.set("src", image.data_url)
        for element, table, in_landscape in self.data_tables:
            _set_column_widths(element, table, margins.landscape() if in_landscape else margins, in_landscape)
        inline_images = lxml_html.tostring(article, encoding="unicode", method="html", with_tail=False)
        return Document(template=self.template, title=title, lang=root.get("lang"), margins=margins,
                        metas=tuple(metas), stylesheets=tuple(stylesheets), blocks=blocks,
                        article_html=article_html, pdf_html=_rebuild(root.get("lang"), title, metas, inline_images))

    def head(self, head):
        self.attributes(head, HEAD_ATTRIBUTES["head"])
        self.no_loose_text(head)
        title, metas, stylesheets = "", [], []
        for child in _elements(head):
            if child.tag not in ("title", "meta", "link"):
                raise self.unsupported(child, "trong <head> chỉ được có <title>, <meta>, <link rel=\"stylesheet\">")
            self.attributes(child, HEAD_ATTRIBUTES[child.tag])
            if child.tag == "title":
                if len(child):
                    raise self.unsupported(child, "tiêu đề chỉ có chữ")
                title = " ".join((child.text or "").split())
            elif child.tag == "meta" and child.get("name") is not None:
                metas.append((child.get("name"), child.get("content") or ""))
            elif child.tag == "link":
                href = child.get("href") or ""
                parts = urlsplit(href)
                if (child.get("rel") or "").lower() != "stylesheet" or parts.scheme or parts.netloc \
                        or not href or href.startswith("/") or ".." in Path(parts.path).parts:
                    raise self.unsupported(child, f"chỉ cho phép <link rel=\"stylesheet\"> tới một tệp trong thư mục "
                                                  f"mẫu (href={href!r})")
                stylesheets.append(href)
        return title, metas, stylesheets

    def article_of(self, body):
        """The one ``<article class="document">``, alone in the body."""
        found = body.xpath('.//article[contains(concat(" ", normalize-space(@class), " "), " document ")]') \
            if body is not None else []
        if len(found) != 1:
            raise UnsupportedMarkup(f"Mẫu {self.template}: cần đúng một <article class=\"document\">")
        article = found[0]
        self.attributes(body, HEAD_ATTRIBUTES["body"])
        if article.getparent() is not body:
            raise self.unsupported(article.getparent(), "nằm ngoài <article class=\"document\">: chỉ nội dung "
                                                        "trong bài được dàn trang")
        for other in _elements(body):
            if other is not article:
                raise self.unsupported(other, "nằm ngoài <article class=\"document\">: chỉ nội dung trong bài "
                                              "được dàn trang")
        if _loose(body.text) or any(_loose(child.tail) for child in body):
            raise UnsupportedMarkup(f"Mẫu {self.template}: có chữ nằm ngoài <article class=\"document\">")
        return article

    # ---- blocks -------------------------------------------------------------------------
    def article(self, article) -> tuple:
        self.element(article)
        if _classes(article) != {"document"}:
            raise self.unsupported(article)
        self.no_loose_text(article)
        return tuple(self.block(element, in_cell=False, in_landscape=False) for element in _elements(article))

    def blocks(self, container, in_cell: bool, in_landscape: bool = False) -> tuple:
        self.no_loose_text(container)
        return tuple(self.block(element, in_cell, in_landscape) for element in _elements(container))

    def block(self, element, in_cell: bool, in_landscape: bool):
        self.element(element)
        tag, classes = element.tag, _classes(element)
        if tag == "p":
            return self.paragraph(element, classes)
        if tag in ("h1", "h2", "h3") and not classes:
            return Heading(int(tag[1]), self.inlines(element))
        if tag in ("ul", "ol"):
            return self.list(element, classes)
        if tag == "table" and not in_cell:
            return self.table(element, classes, in_landscape)
        if tag == "figure" and not classes and not in_cell:
            return self.figure(element)
        if tag == "div" and classes == {"page-break"} and not in_cell and not len(element):
            return PageBreak()
        if tag == "section" and classes == {"landscape"} and not in_cell and not in_landscape:
            return Landscape(self.blocks(element, in_cell=False, in_landscape=True))
        raise self.unsupported(element)

    def paragraph(self, element, classes: set[str]) -> Paragraph:
        styled = classes & PARAGRAPH_STYLE_CLASSES
        if len(styled) > 1 or classes - PARAGRAPH_STYLE_CLASSES - PARAGRAPH_PLAIN_CLASSES or (styled and classes - styled):
            raise self.unsupported(element)
        return Paragraph(frozenset(classes), self.inlines(element), plain_text(element))

    # ---- inline content ------------------------------------------------------------------
    def inlines(self, element) -> tuple:
        pieces: list = []
        self._inline(element, frozenset(), pieces)
        return tuple(pieces)

    def _inline(self, element, fmt: frozenset, pieces: list, until: tuple[str, ...] = ()) -> list:
        if element.text:
            pieces.append((element.text, fmt))
        children = list(element)
        for position, child in enumerate(children):
            if isinstance(child.tag, str) and child.tag in until:
                return children[position:]
            if isinstance(child.tag, str):
                self.inline_element(child, fmt, pieces)
            if child.tail:
                pieces.append((child.tail, fmt))
        return []

    def inline_element(self, child, fmt: frozenset, pieces: list) -> None:
        self.element(child)
        tag, classes = child.tag, _classes(child)
        if tag == "br" and not classes and not len(child) and not (child.text or "").strip():
            pieces.append((None, fmt))
            return
        if tag not in INLINE_TAGS or classes != ({"nowrap"} if tag == "span" else set()):
            raise self.unsupported(child)
        self._inline(child, fmt | {INLINE_TAGS[tag]}, pieces)

    # ---- lists --------------------------------------------------------------------------
    def list(self, element, classes: set[str]) -> ListBlock:
        kind = " ".join(sorted(classes))
        if kind not in LIST_CLASSES[element.tag]:
            raise self.unsupported(element)
        self.no_loose_text(element)
        items = []
        for item in _elements(element):
            self.element(item)
            if item.tag != "li" or _classes(item):
                raise self.unsupported(item)
            items.append(self.list_item(item))
        return ListBlock(element.tag, kind, tuple(items))

    def list_item(self, item) -> ListItem:
        """The item's text; lists nested at its end follow it."""
        pieces: list = []
        rest = self._inline(item, frozenset(), pieces, until=("ul", "ol"))
        nested = []
        for child in rest:
            if not isinstance(child.tag, str) or child.tag not in ("ul", "ol"):
                raise self.unsupported(child if isinstance(child.tag, str) else item, "sau danh sách con")
            if _loose(child.tail):
                raise self.unsupported(item, "có chữ sau danh sách con")
            self.element(child)
            nested.append(self.list(child, _classes(child)))
        return ListItem(tuple(pieces), tuple(nested))

    # ---- figures ------------------------------------------------------------------------
    def figure(self, element) -> Figure:
        self.no_loose_text(element)
        items = []
        for child in _elements(element):
            self.element(child)
            if child.tag == "img" and not _classes(child) and not len(child):
                items.append(self.image(child))
            elif child.tag == "figcaption" and not _classes(child):
                items.append(Caption(self.inlines(child)))
            else:
                raise self.unsupported(child)
        return Figure(tuple(items))

    def image(self, element) -> Image:
        """The file named by ``src``, only from inside the document's assets folder."""
        src = element.get("src") or ""
        path = (self.assets_dir / src).resolve() if self.assets_dir is not None and src else None
        if path is None or urlsplit(src).scheme or not path.is_relative_to(self.assets_dir) or not path.is_file():
            raise UnsupportedMarkup(f"Mẫu {self.template}: ảnh {src!r} không có trong thư mục "
                                    f"tài nguyên của văn bản")
        data = path.read_bytes()
        if not data.startswith(IMAGE_SIGNATURES):
            raise UnsupportedMarkup(f"Mẫu {self.template}: {src!r} không phải ảnh PNG/JPEG/GIF")
        hint = element.get("width") or ""
        image = Image(src, int(hint) if hint.isdigit() and int(hint) > 0 else None, data)
        self.images.append((element, image))
        return image

    # ---- tables -------------------------------------------------------------------------
    def table(self, element, classes: set[str], in_landscape: bool):
        if classes == {"data"}:
            table = self.data_table(element)
            self.data_tables.append((element, table, in_landscape))
            return table
        if len(classes) == 1 and next(iter(classes)) in LAYOUT_TABLES:
            kind = next(iter(classes))
            return LayoutTable(kind, tuple(self.blocks(cell, in_cell=True)
                                           for cell in self.layout_cells(element, LAYOUT_TABLES[kind])))
        raise self.unsupported(element)

    def layout_cells(self, table, cell_classes: tuple[str, str]) -> list:
        """The two cells of a header-block / closing table: one row, the documented classes."""
        self.no_loose_text(table)
        rows = []
        for child in _elements(table):
            self.element(child)
            if child.tag == "tbody" and not _classes(child):
                self.no_loose_text(child)
                rows += _elements(child)
            else:
                rows.append(child)
        for row in rows:
            self.element(row)
        if len(rows) != 1 or rows[0].tag != "tr" or _classes(rows[0]):
            raise self.unsupported(table, "bảng bố cục cần đúng một hàng <tr> hai ô")
        self.no_loose_text(rows[0])
        cells = _elements(rows[0])
        for cell in cells:
            self.element(cell)
        if [(c.tag, c.get("class") or "") for c in cells] != [("td", name) for name in cell_classes] \
                or any(c.get("rowspan") or c.get("colspan") for c in cells):
            raise self.unsupported(table, f"cần hai ô <td class=\"{cell_classes[0]}\">, <td class=\"{cell_classes[1]}\">")
        return cells

    def data_table(self, element) -> DataTable:
        rows = self.rows(element)
        taken: set[tuple[int, int]] = set()
        cells = []
        for r, (tr, _) in enumerate(rows):
            self.no_loose_text(tr)
            c = 0
            for cell in _elements(tr):
                self.element(cell)
                if cell.tag not in ("td", "th") or (cell.get("class") or "") not in CELL_CLASSES:
                    raise self.unsupported(cell)
                while (r, c) in taken:
                    c += 1
                rs = min(self.span(cell, "rowspan"), len(rows) - r)
                cs = self.span(cell, "colspan")
                taken.update((r + dr, c + dc) for dr in range(rs) for dc in range(cs))
                cells.append(self.cell(cell, r, c, rs, cs, (tr.get("class") or "") == "total"))
                c += cs
        if not taken:
            raise self.unsupported(element, "bảng không có ô nào")
        return DataTable(tuple(Row(header) for _, header in rows), tuple(cells), max(c for _, c in taken) + 1)

    def rows(self, element) -> list[tuple[object, bool]]:
        """(tr, is_header) for every row, in order."""
        self.no_loose_text(element)
        rows = []
        for child in _elements(element):
            self.element(child)
            if child.tag not in ("thead", "tbody", "tr") or child.get("class"):
                raise self.unsupported(child)
            if child.tag != "tr":
                self.no_loose_text(child)
            for row in [child] if child.tag == "tr" else _elements(child):
                self.element(row)
                if row.tag != "tr" or (row.get("class") or "") not in ("", "total"):
                    raise self.unsupported(row)
                rows.append((row, child.tag == "thead"))
        return rows

    def span(self, cell, name: str) -> int:
        value = cell.get(name) or "1"
        if not value.isdigit() or int(value) < 1 or int(value) > 1000:
            raise self.unsupported(cell, f"{name}={value!r} phải là số nguyên dương (tối đa 1000)")
        return int(value)

    def cell(self, element, row: int, col: int, rowspan: int, colspan: int, total: bool) -> Cell:
        """Inline text as one paragraph, or its own paragraphs and lists."""
        if any(isinstance(ch.tag, str) and ch.tag in ("p", "ul", "ol") for ch in element):
            blocks, inlines = self.blocks(element, in_cell=True), ()
        else:
            blocks, inlines = None, self.inlines(element)
        return Cell(element.tag, element.get("class") or "", row, col, rowspan, colspan, total,
                    plain_text(element), blocks, inlines)


def _set_column_widths(element, table: DataTable, margins: Margins, in_landscape: bool) -> None:
    """Give the PDF's copy of a figures table its column widths (``<colgroup>``, in % of the
    text width), which print.css's ``table-layout: fixed`` then uses as they are, instead
    of WeasyPrint measuring every cell (see :mod:`reportgen.render.table_widths`)."""
    room_mm = (297.0 if in_landscape else 210.0) - margins.left - margins.right
    size_pt = PDF_CELL_SIZE_PT[in_landscape]
    widths = table_widths.column_widths_pt(table.cells, table.columns, room_mm * 72 / 25.4, size_pt, PDF_CELL_PADDING_PT)
    percents = [round(w * 100 / sum(widths), 3) for w in widths]
    percents[-1] = round(100 - sum(percents[:-1]), 3)
    colgroup = element.makeelement("colgroup", {})
    for percent in percents:
        colgroup.append(element.makeelement("col", {"style": f"width: {percent:g}%"}))
    element.insert(0, colgroup)


def _rebuild(lang: str | None, title: str, metas: list, article_html: str) -> str:
    """The document the PDF sees: the checked head metadata and the checked article."""
    head = ['<meta charset="utf-8">', f"<title>{_escape(title)}</title>"]
    head += [f'<meta name="{_escape(name)}" content="{_escape(content)}">' for name, content in metas]
    lang_attr = f' lang="{_escape(lang)}"' if lang else ""
    return (f"<!DOCTYPE html>\n<html{lang_attr}>\n<head>\n" + "\n".join(head) + "\n</head>\n<body>\n"
            + article_html + "\n</body>\n</html>\n")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")

