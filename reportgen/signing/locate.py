"""Where things are on a page of a PDF that reportgen built: the lines the clerk fills, the signature space.

reportgen lays out every document the same way (``templates/macros.html.j2``): the number
line ``Số:      /BC-UBND`` under the issuing body, the place-and-date line under the motto,
and the closing table whose right cell holds the authority, the signer's title, a 2.5 cm
space and the signer's name. An appendix bound in the same file (the report's table) says
``(Kèm theo Báo cáo số      /BC-UBND ngày 09/3/2022 ...)`` under its title. This module
reads those positions back from the PDF's text (pypdf), in PDF points, so signing needs
nothing but the file.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from pypdf import PdfReader

NUMBER_LINE = re.compile(r"^Số:\s*(?P<number>\d*)\s*/(?P<symbol>[^\s]+)$")
DATE_LINE = re.compile(r"^(?P<place>.+), ngày \d{1,2} tháng \d{1,2} năm \d{4}$")
APPENDIX_LINE = re.compile(r"Kèm theo .* số\s*[\d\u00a0 ]*/")


@dataclass(frozen=True)
class Line:
    """One line of text as laid out: its page (0-based), text, baseline, font and extent."""

    page: int
    text: str
    x: float
    y: float
    size: float  # in points
    style: str  # "Regular", "Italic", "Bold", "BoldItalic"
    width: float

    @property
    def center(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Layout:
    """What signing needs to know of one document's pages."""

    number: Line | None  # "Số: .../BC-UBND"
    date: Line | None  # "Tháp Mười, ngày 09 tháng 3 năm 2022"
    appendix: Line | None  # "(Kèm theo Báo cáo số .../BC-UBND ngày ...)"
    signature_page: int | None
    signature_box: tuple[float, float, float, float] | None  # x0, y0, x1, y1 of the signature space
    signer_name: Line | None
    page_sizes: tuple[tuple[float, float], ...]


def font_file(style: str) -> str:
    """The TrueType file of Times New Roman, or Liberation Serif, in ``style``."""
    return _font_file(style)


@lru_cache(maxsize=8)
def _font_file(style: str) -> str:
    for family in ("Times New Roman", "Liberation Serif"):
        found = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", f"{family}:style={style}"],
                               capture_output=True, text=True, check=False).stdout.splitlines()
        if len(found) == 2 and family.casefold() in found[0].casefold():
            return found[1]
    from reportgen.errors import MissingSystemDependency
    from reportgen.render.fonts import INSTALL_HINT

    raise MissingSystemDependency(INSTALL_HINT)


@lru_cache(maxsize=8)
def _metrics(style: str):
    from fontTools.ttLib import TTFont

    font = TTFont(font_file(style), lazy=True)
    return font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm


def text_width(text: str, size: float, style: str = "Regular") -> float:
    """The width of ``text`` in points, set in ``style`` at ``size`` (no kerning: as WeasyPrint sets it)."""
    cmap, hmtx, units = _metrics(style)
    total = 0
    for char in text:
        glyph = cmap.get(ord(char)) or cmap.get(0x20)
        total += hmtx[glyph][0] if glyph else 0
    return total * size / units


def _style_of(font: object) -> str:
    name = str((font or {}).get("/BaseFont", "")) if hasattr(font, "get") else ""
    bold, italic = "Bold" in name, "Italic" in name
    return "BoldItalic" if bold and italic else "Bold" if bold else "Italic" if italic else "Regular"


def page_lines(reader: PdfReader, index: int) -> list[Line]:
    """The lines of one page: text pieces on the same baseline joined, left to right."""
    pieces: list[tuple[float, float, float, str, str]] = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + cm[4]
        y = tm[5] * cm[3] + cm[5]
        pieces.append((round(y, 1), x, size * tm[3] * cm[3], _style_of(font), text.rstrip("\n")))

    reader.pages[index].extract_text(visitor_text=visit)
    lines: dict[float, list] = {}
    for y, x, size, style, text in pieces:
        lines.setdefault(y, []).append((x, size, style, text))
    result = []
    for y, parts in lines.items():
        parts.sort()
        # pieces on one baseline far apart are separate lines (two table cells)
        groups, current = [], [parts[0]]
        for part in parts[1:]:
            previous = current[-1]
            end = previous[0] + text_width(previous[3], previous[1], previous[2])
            if part[0] - end > 20:
                groups.append(current)
                current = [part]
            else:
                current.append(part)
        groups.append(current)
        for group in groups:
            text = "".join(p[3] for p in group)
            x, size, style = group[0][0], group[0][1], group[0][2]
            width = group[-1][0] + text_width(group[-1][3], size, style) - x
            result.append(Line(index, text, x, y, size, style, width))
    result.sort(key=lambda line: (-line.y, line.x))
    return result


def find_layout(reader: PdfReader) -> Layout:
    """Find the number line, date line, appendix note and signature space of a reportgen document."""
    sizes = tuple((float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages)
    first = page_lines(reader, 0)
    number = next((line for line in first if NUMBER_LINE.match(line.text.strip())), None)
    date = next((line for line in first if DATE_LINE.match(line.text.strip())), None)
    signature_page = box = signer = None
    appendix = None
    for index in range(len(reader.pages)):
        lines = first if index == 0 else page_lines(reader, index)
        recipients = next((line for line in lines if line.text.strip() == "Nơi nhận:"), None)
        if recipients is not None and signature_page is None:
            signature_page = index
            box, signer = _signature_space(lines, recipients, sizes[index][0])
        elif signature_page is not None and appendix is None:
            appendix = next((line for line in lines if APPENDIX_LINE.search(line.text)), None)
    return Layout(number, date, appendix, signature_page, box, signer, sizes)


def _signature_space(lines: list[Line], recipients: Line, page_width: float):
    """The widest vertical gap between lines of the closing table's right cell: the 2.5 cm signature space."""
    right = [line for line in lines if line.x > page_width * 0.45 and line.y <= recipients.y + 4]
    right.sort(key=lambda line: -line.y)
    best = None
    for above, below in zip(right, right[1:]):
        gap = above.y - (below.y + below.size)
        if best is None or gap > best[0]:
            best = (gap, above, below)
    if best is None:
        return None, None
    _, above, below = best
    center = below.center
    half = 70.0
    return (center - half, below.y + below.size * 0.9, center + half, above.y - above.size * 0.3), below
