"""Column widths of a figures table (reportgen/render/table_widths.py): each column at least
its longest word, the rest shared by what each would need on one line, the widest cut down
when the page cannot hold every minimum."""

from __future__ import annotations

import pytest

from reportgen.render import subset
from reportgen.render.table_widths import MIN_CONTENT_PT, _capped, column_widths_pt
from reportgen.render.text_widths import text_width_pt
from tests.pages import page

SIZE, PADDING = 12, 6.7


def cells(head: str, body: str):
    document = subset.read(page(f'<table class="data"><thead>{head}</thead><tbody>{body}</tbody></table>'), "t")
    return document.blocks[0].cells


ROWS = cells("<tr><th>Đơn vị</th><th>Số hồ sơ nhận</th></tr>",
             '<tr><td class="text">Xã Mỹ Hòa</td><td class="num">1.204</td></tr>')


def test_the_room_is_shared_and_every_column_gets_its_minimum():
    widths = column_widths_pt(ROWS, 2, 400, SIZE, PADDING)
    assert sum(widths) == pytest.approx(400)
    assert widths[0] >= text_width_pt("Xã Mỹ Hòa", SIZE) + PADDING  # a data cell does not wrap
    assert widths[1] >= text_width_pt("nhận", SIZE, bold=True) + PADDING  # a header wraps between words


def test_the_slack_goes_by_what_each_column_lacks_to_sit_on_one_line():
    # column 0 is already on one line at its minimum (its longest cell is a data cell): no slack;
    # column 1's header wraps at its minimum, so it takes all the room left
    minimum_0 = max(text_width_pt("Xã Mỹ Hòa", SIZE), text_width_pt("Đơn", SIZE, True), text_width_pt("vị", SIZE, True))
    widths = column_widths_pt(ROWS, 2, 400, SIZE, PADDING)
    assert widths[0] == pytest.approx(minimum_0 + PADDING)


def test_an_empty_column_still_has_its_floor():
    widths = column_widths_pt(cells("<tr><th>A</th><th></th></tr>", "<tr><td>1</td><td></td></tr>"), 2, 100, SIZE, PADDING)
    assert widths[1] >= PADDING + MIN_CONTENT_PT and sum(widths) == pytest.approx(100)


def test_columns_too_wide_for_the_page_cut_the_widest_only():
    assert _capped([400.0, 30.0, 20.0, 30.0], 200.0) == [120.0, 30.0, 20.0, 30.0]
    assert _capped([400.0, 300.0, 20.0], 200.0) == [90.0, 90.0, 20.0]
    assert _capped([50.0, 50.0], 100.0) == [50.0, 50.0]
    assert column_widths_pt(ROWS, 2, 20, SIZE, PADDING) == [10.0, 10.0]
