"""Text cells of the workbooks and CSV files reportgen writes: text stays text.

One rule for every writer (OWASP, "CSV Injection"): a text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is one a spreadsheet would read as a
formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``), so it is neutralised:

- in a CSV file (the archive's manifest.csv, the figure rows embedded in a record), by a
  leading ``'``: :func:`neutralise`; a cell that starts with ``'`` itself gets one more, so
  that :func:`restore` (drop one leading ``'``) gives the original text back exactly;
- in a workbook (``bao-cao.xlsx``), by :func:`put_text`: the cell is written as a string
  (openpyxl would otherwise store ``=...`` as a formula) with Excel's "quote prefix"
  style, the workbook's own form of the leading ``'`` (the cell shows, and an edit keeps,
  text); read back, the cell's value is the original text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def is_formula(text: str) -> bool:
    """A cell a spreadsheet would read as a formula."""
    return text.startswith(FORMULA_STARTS)


def needs_neutralising(text: str) -> bool:
    """The rule: a formula-like text, or one that starts with the escape itself."""
    return text.startswith(FORMULA_STARTS + (ESCAPE,))


def neutralise(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet reads as a formula: ``"=1+1"`` -> ``"'=1+1"``."""
    return ESCAPE + text if needs_neutralising(text) else text


def restore(cell: str) -> str:
    """The text of a CSV cell written by :func:`neutralise` (one leading ``'`` dropped)."""
    return cell[1:] if cell.startswith(ESCAPE) else cell


def put_text(cell, text: str) -> None:
    """Write ``text`` into an openpyxl ``cell`` as text, never as a formula (the same rule)."""
    cell.value = text
    cell.data_type = "s"
    if needs_neutralising(text):
        cell.quotePrefix = True
