"""Column widths of a figures table (``<table class="data">``), for the DOCX and the PDF.

Both renderers give a figures table fixed column widths instead of letting the program
that lays it out measure every cell (Word has no automatic layout worth the name for a
table written from code; WeasyPrint's automatic layout lays out the text of every cell
once more, about a fifth of a document's layout time). The widths follow the browser's
automatic table layout, roughly: every column gets at least its longest header word and
its longest unbreakable cell (numbers and row labels do not wrap), and the room left is
shared in proportion to what each column would need to set its cells on one line. When
the page cannot hold every column's minimum (a 100-character name without a space), the
widest columns are cut down to one width and that label breaks inside its cell.
Text is measured with the built-in Times New Roman metrics (:mod:`text_widths`), so the
widths do not depend on the fonts of the machine and the output stays reproducible.

Pure arithmetic on :class:`reportgen.render.subset.Cell`: no python-docx, no WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Iterable

from reportgen.render.text_widths import text_width_pt

MIN_CONTENT_PT = 6  # an empty column still gets this much besides its padding


def _min_pt(cell, size_pt: float) -> float:
    """Header words may wrap between words; data cells do not wrap."""
    bold = cell.total or cell.tag == "th"
    pieces = cell.text.split() if cell.tag == "th" else [cell.text]
    return max((text_width_pt(p, size_pt, bold) for p in pieces), default=0.0)


def _natural_pt(cell, size_pt: float) -> float:
    return text_width_pt(cell.text, size_pt, cell.total or cell.tag == "th")


def _needs(cells: Iterable, columns: int, size_pt: float, padding_pt: float) -> tuple[list[float], list[float]]:
    """(minimum, natural) width of every column, in points, padding included."""
    floor = padding_pt + MIN_CONTENT_PT
    minimum, natural = [floor] * columns, [floor] * columns
    spanning = []
    for cell in cells:
        if cell.colspan > 1:
            spanning.append(cell)
            continue
        natural_pt = _natural_pt(cell, size_pt) + padding_pt
        least = _min_pt(cell, size_pt) + padding_pt if cell.tag == "th" else natural_pt  # data cells: unwrapped
        minimum[cell.col] = max(minimum[cell.col], least)
        natural[cell.col] = max(natural[cell.col], natural_pt)
    for cell in spanning:  # what a spanning cell lacks is shared equally among its columns
        first, count = cell.col, cell.colspan
        lack = _min_pt(cell, size_pt) + padding_pt - sum(minimum[first:first + count])
        for col in range(first, first + count):
            minimum[col] += max(0.0, lack) / count
    return minimum, [max(n, m) for n, m in zip(natural, minimum)]


def column_widths_pt(cells: Iterable, columns: int, room_pt: float, size_pt: float,
                     padding_pt: float) -> list[float]:
    """Widths in points of the ``columns`` columns, adding up to ``room_pt``.

    ``cells``: the table's cells placed on its grid (``col``, ``colspan``, ``tag``,
    ``text``, ``total``); ``size_pt``: the cells' font size; ``padding_pt``: what a cell
    needs besides its text (left and right padding, borders).
    """
    minimum, natural = _needs(cells, columns, size_pt, padding_pt)
    if sum(minimum) >= room_pt:
        return _capped(minimum, room_pt)
    slack = [n - m for n, m in zip(natural, minimum)]
    if sum(slack):
        share = [s / sum(slack) for s in slack]
    else:
        share = [n / sum(natural) for n in natural]
    extra = room_pt - sum(minimum)
    return [m + extra * s for m, s in zip(minimum, share)]


def _capped(minimum: list[float], room_pt: float) -> list[float]:
    """``minimum`` with the widest columns cut down to one width, so that they add up to
    ``room_pt``: a row label longer than the table can hold (a 100-character name without
    a space) breaks in its cell (print.css ``overflow-wrap``; Word and LibreOffice break
    such a word by themselves), the numbers beside it keep their width."""
    rest, count, level = room_pt, len(minimum), room_pt / max(len(minimum), 1)
    for width in sorted(minimum):
        level = rest / count
        if width > level:
            break
        rest, count = rest - width, count - 1
    return [min(width, level) for width in minimum]
