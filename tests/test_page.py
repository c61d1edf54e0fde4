"""The page (reportgen/page.py): Decree 30's margins, their default, the landscape page."""

from __future__ import annotations

from reportgen.page import DEFAULT_MARGINS, Margins


def test_the_default_is_decree_30s():
    assert DEFAULT_MARGINS.as_tuple() == (20.0, 15.0, 20.0, 30.0)


def test_landscape_turns_the_binding_edge_to_the_top():
    assert Margins(25, 20, 22, 35).landscape() == Margins(top=35, right=25, bottom=20, left=22)
    assert Margins(25, 20, 22, 35).landscape().landscape().landscape().landscape() == Margins(25, 20, 22, 35)
