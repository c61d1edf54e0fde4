"""Periods as values (reportgen/periods.py): spellings, order, the periods around one, windows, words."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.periods import PERIOD_FORMAT_MESSAGE, Period, period_format_message
from reportgen.vi.period_words import cutoff_window, period, period_upper

KINDS = [(1, 1), (2, 2), (3, 3), (4, 4), (1, 2), (1, 3), (1, 4)]


@pytest.mark.parametrize("text, expected, canonical", [
    ("2026-Q1", Period(2026, 1), "2026-Q1"), ("2022-q1", Period(2022, 1), "2022-Q1"),
    (" 2026-Q4 ", Period(2026, 4), "2026-Q4"), ("2026-6T", Period(2026, 1, 2), "2026-6T"),
    ("2026-6t", Period(2026, 1, 2), "2026-6T"), ("2026-9T", Period(2026, 1, 3), "2026-9T"),
    ("2026", Period(2026, 1, 4), "2026")])
def test_every_spelling_in_any_case(text, expected, canonical):
    assert Period.parse(text) == expected
    assert str(Period.parse(text)) == canonical


@pytest.mark.parametrize("text", ["2026-Q5", "2026-Q0", "2026-6", "2026-H1", "2026-12T", "26-Q1", "Q1-2026",
                                  "2026 Q1", "2026-6C", ""])
def test_unknown_spellings_are_refused_with_every_form(text):
    with pytest.raises(ValueError) as caught:
        Period.parse(text)
    assert str(caught.value) == f"{PERIOD_FORMAT_MESSAGE} (giá trị: {text!r})"
    assert "NĂM-6T (6 tháng), NĂM-9T (9 tháng) hoặc NĂM (cả năm)" in PERIOD_FORMAT_MESSAGE


def test_periods_sort_by_their_end_the_shorter_first():
    spelled = ["2026", "2026-9T", "2026-Q4", "2026-Q3", "2026-6T", "2026-Q2", "2026-Q1", "2025"]
    assert [str(p) for p in sorted(map(Period.parse, spelled))] == \
        ["2025", "2026-Q1", "2026-Q2", "2026-6T", "2026-Q3", "2026-9T", "2026-Q4", "2026"]


@pytest.mark.parametrize("text, words, upper, window", [
    ("2026-Q1", "quý I năm 2026", "QUÝ I NĂM 2026", "từ ngày 15/12/2025 đến ngày 14/3/2026"),
    ("2026-Q4", "quý IV năm 2026", "QUÝ IV NĂM 2026", "từ ngày 15/9/2026 đến ngày 14/12/2026"),
    ("2026-6T", "6 tháng đầu năm 2026", "6 THÁNG ĐẦU NĂM 2026", "từ ngày 15/12/2025 đến ngày 14/6/2026"),
    ("2026-9T", "9 tháng đầu năm 2026", "9 THÁNG ĐẦU NĂM 2026", "từ ngày 15/12/2025 đến ngày 14/9/2026"),
    ("2026", "năm 2026", "NĂM 2026", "từ ngày 15/12/2025 đến ngày 14/12/2026")])
def test_words_and_windows_of_each_kind(text, words, upper, window):
    value = Period.parse(text)
    assert (period(value), period_upper(value), cutoff_window(value)) == (words, upper, window)


@pytest.mark.parametrize("text, after, before, year_before", [
    ("2026-Q1", "quý II năm 2026", "quý IV năm 2025", "quý I năm 2025"),
    ("2026-Q4", "quý I năm 2027", "quý III năm 2026", "quý IV năm 2025"),
    ("2026-6T", "6 tháng cuối năm 2026", "6 tháng cuối năm 2025", "6 tháng đầu năm 2025"),
    ("2026-9T", "quý IV năm 2026", "9 tháng đầu năm 2025", "9 tháng đầu năm 2025"),
    ("2026", "năm 2027", "năm 2025", "năm 2025")])
def test_the_periods_around_each_kind(text, after, before, year_before):
    value = Period.parse(text)
    assert period(value.next()) == after          # what the next tasks look to
    assert period(value.previous()) == before     # the previous period of the same length
    assert period(value.year_before()) == year_before


def test_the_second_half_is_a_value_never_a_spelling():
    half = Period.parse("2026-6T").next()
    assert [str(q) for q in half.quarters()] == ["2026-Q3", "2026-Q4"]
    assert half.window() == (date(2026, 6, 15), date(2026, 12, 14))
    assert half.previous() == Period.parse("2026-6T") and half.next() == Period.parse("2027-6T")


def test_a_unit_founded_inside_the_window_counts_from_that_day():
    q3 = Period.parse("2025-Q3")
    assert q3.window(14, date(2025, 7, 1)) == (date(2025, 7, 1), date(2025, 9, 14))
    assert Period.parse("2025").window(14, date(2025, 7, 1)) == (date(2025, 7, 1), date(2025, 12, 14))
    assert q3.window(14, date(2025, 1, 1)) == (date(2025, 6, 15), date(2025, 9, 14))  # founded before: the rule
    assert Period.parse("2026-6T").window(31) == (date(2026, 1, 1), date(2026, 6, 30))  # calendar half-year


periods = st.builds(lambda year, kind: Period(year, *kind), st.integers(1001, 8999), st.sampled_from(KINDS))


@settings(deadline=None)  # a loaded machine: no per-example time limit
@given(periods, st.sampled_from([str.lower, str.upper, str]))
def test_a_period_reads_back_as_it_is_written(value, case):
    assert Period.parse(case(str(value))) == value


@settings(deadline=None)  # a loaded machine: no per-example time limit
@given(periods)
def test_a_period_is_its_quarters_window_to_window(value):
    quarters = value.quarters()
    assert quarters[0].window()[0] == value.window()[0] and quarters[-1].window()[1] == value.window()[1]
    assert all(value.contains(q) and q.is_quarter for q in quarters)
    assert value.year_before().next().year == value.next().year - 1
    # consecutive quarters' windows touch: no day counted twice, none left out
    assert all(a.window()[1].toordinal() + 1 == b.window()[0].toordinal() for a, b in zip(quarters, quarters[1:]))


@pytest.mark.parametrize("text, before, after", [
    ("2022-Q1", "2021-Q4", "2022-Q2"), ("2022-Q2", "2022-Q1", "2022-Q3"),
    ("2022-Q3", "2022-Q2", "2022-Q4"), ("2022-Q4", "2022-Q3", "2023-Q1"),
])
def test_every_quarter_has_its_neighbours(text, before, after):
    """Survivors of make mutate: previous() and next() were checked only from a first quarter."""
    p = Period.parse(text)
    assert (str(p.previous()), str(p.next())) == (before, after)
    assert p.previous().next() == p and p.next().previous() == p
    assert str(p.year_before()) == f"2021-Q{p.quarter}"


def test_a_badly_written_period_names_the_form():
    form = ("sai định dạng: cần NĂM-Qn (quý n), NĂM-6T (6 tháng), NĂM-9T (9 tháng) hoặc NĂM (cả năm), "
            "ví dụ 2026-Q1, 2026-6T, 2026")  # every period spelling of the 2026 cycle (issue 19)
    assert PERIOD_FORMAT_MESSAGE == "kỳ " + form
    assert period_format_message("[sources] ky") == "[sources] ky " + form
    with pytest.raises(ValueError, match=r"^kỳ sai định dạng: cần NĂM-Qn .* \(giá trị: '2022-Q5'\)$"):
        Period.parse("2022-Q5")


# Where a period comes in, and the only places it is parsed (issue 23 item 3): everything past
# these holds Period values, so a new `Period.parse` elsewhere is a re-parse of a value's text.
PARSED_WHERE_IT_COMES_IN = {
    "reportgen/periods.py": "read_periods: --period on the command line",
    "reportgen/web/guard.py": "a web form's or link's ky",
    "reportgen/validate.py": "a figures row's ky",
    "reportgen/sources/workbook.py": "an office workbook's title",
    "reportgen/schema.py": "a meeting's or reportgen.toml's period (PeriodValue)",
    "reportgen/archive/verify.py": "an archive manifest's period column",
    "reportgen/vi/period_words.py": "a workspace template's own '2026-Q1' string",
}


def test_periods_are_parsed_only_where_they_come_in():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    calls = {}
    for path in sorted((root / "reportgen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "parse"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "Period"):
                calls.setdefault(path.relative_to(root).as_posix(), []).append(node.lineno)
    assert set(calls) == set(PARSED_WHERE_IT_COMES_IN), calls
