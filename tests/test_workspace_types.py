"""The loaded workspace as a value (reportgen/workspace_types.py): the reports its figures make,
in order; the units' founding dates; its templates folder."""

from __future__ import annotations

import datetime as dt

from reportgen.periods import Period
from reportgen.workspace import load_workspace
from tests.conftest import SAMPLE


def test_the_2022_sample():
    ws = load_workspace(SAMPLE)
    assert [str(p) for p in ws.periods] == ["2021-Q1", "2021-Q4", "2022-Q1"]
    assert ws.period_of == {"2021-Q1": Period(2021, 1, 1), "2021-Q4": Period(2021, 4, 4), "2022-Q1": Period(2022, 1, 1)}
    assert ws.founded == {}
    assert ws.templates_dir == SAMPLE / "templates"


def test_the_2025_sample_reports_six_months_from_its_quarters():
    ws = load_workspace(SAMPLE / "mau-2025")
    # [periods] in reportgen.toml: 2026-Q2's end makes the six months' report (6T), not the quarter
    assert [str(p) for p in ws.periods] == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-6T"]
    assert len(ws.founded) == 7 and ws.founded["AG"] == dt.date(2025, 7, 1)
