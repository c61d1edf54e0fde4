"""The figure columns are declared once (reportgen/columns.py): every reader and writer agrees with it."""

from __future__ import annotations

import pytest

from reportgen import columns
from reportgen.render import to_xlsx
from reportgen.schema import SOURCE_FIELDS, Labels
from reportgen.sources.workbook import classify


def test_every_column_has_its_label_source_field_and_role():
    assert set(Labels().columns) == set(columns.KEYS)
    assert set(columns.KEYS) <= set(SOURCE_FIELDS)
    assert {c.role for c in columns.COLUMNS} <= set(columns.ROLES)
    assert columns.role_of("ky_truoc") == columns.STOCK_START
    assert columns.role_of("dang_qua_han") == columns.STOCK_END
    assert columns.role_of("truc_tuyen") == columns.FLOW


@pytest.mark.parametrize("column", columns.COLUMNS, ids=lambda c: c.key)
def test_a_workbook_heading_reads_as_its_column(column):
    """The heading messages name, and every alias under its group's heading, read as the column."""
    group = columns.GROUPS[column.group].heading if column.group else None
    assert classify(group, column.label) == column.key
    assert classify(None, column.key) == column.key  # reportgen's own name


def test_the_workbook_writer_takes_its_columns_from_the_registry():
    written = [key for key in to_xlsx.FIELDS if key in columns.KEYS]
    assert written == [c.key for c in columns.COLUMNS if c.required]
    assert to_xlsx.GROUPS == (("Số hồ sơ nhận giải quyết", 3, 7), ("Số hồ sơ đã giải quyết", 8, 11),
                              ("Số hồ sơ đang giải quyết", 12, 14))
