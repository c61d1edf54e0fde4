"""Text cells (reportgen/cells.py): a formula-like text is neutralised in a CSV and written as
text in a workbook, and reads back exactly."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from reportgen.cells import FORMULA_STARTS, is_formula, neutralise, put_text, restore


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"), ("+84 912", "'+84 912"), ("-5", "'-5"), ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("'trích dẫn", "''trích dẫn"),
    ("Trần Thị Quý", "Trần Thị Quý"), ("a=b", "a=b"), ("", ""),
])
def test_csv_cell_neutralises_formulas_and_reads_back_exactly(value, cell):
    assert neutralise(value) == cell
    assert restore(cell) == value
    assert not is_formula(cell)


def test_the_formula_starts():
    assert FORMULA_STARTS == ("=", "+", "-", "@", "\t", "\r")
    assert [is_formula(t) for t in ("=A1", "x=1", "'=A1", " =A1")] == [True, False, False, False]


def test_a_workbook_cell_keeps_a_formula_as_text_with_the_quote_prefix():
    book = Workbook()
    sheet = book.active
    put_text(sheet["A1"], "=HYPERLINK(\"http://x\")")
    put_text(sheet["A2"], "Xã Mỹ Hòa")
    data = io.BytesIO()
    book.save(data)
    back = load_workbook(io.BytesIO(data.getvalue())).active
    assert (back["A1"].value, back["A1"].data_type, back["A1"].quotePrefix) == ("=HYPERLINK(\"http://x\")", "s", True)
    assert (back["A2"].value, back["A2"].quotePrefix) == ("Xã Mỹ Hòa", False)
