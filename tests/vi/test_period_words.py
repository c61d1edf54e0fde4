from datetime import date

import pytest

from reportgen.periods import Period
from reportgen.vi.period_words import cutoff_dates, cutoff_window, period, period_title, period_upper, quarter_name


@pytest.mark.parametrize(
    "value, expected",
    [("2022-Q1", "quý I năm 2022"), (Period(2022, 2), "quý II năm 2022"),
     ("2022-Q3", "quý III năm 2022"), (Period(2021, 4), "quý IV năm 2021"), ("2025-Q1", "quý I năm 2025")],
)
def test_period(value, expected):
    assert period(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [("2022-Q1", "QUÝ I NĂM 2022"), (Period(2021, 4), "QUÝ IV NĂM 2021")],
)
def test_period_upper(value, expected):
    assert period_upper(value) == expected


@pytest.mark.parametrize("value, expected", [("2022-Q1", "quý I"), (Period(2022, 4), "quý IV")])
def test_quarter_name(value, expected):
    assert quarter_name(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [("2022-Q2", "Quý II/2022"), (Period(2021, 4), "Quý IV/2021"), (Period(2026, 1, 2), "6 tháng đầu năm 2026"),
     (Period(2026, 1, 3), "9 tháng đầu năm 2026"), (Period(2026, 1, 4), "Năm 2026"), ("2026-6T", "6 tháng đầu năm 2026")],
)
def test_period_title(value, expected):
    """A period as the web page's pickers and headings name it (issue 21), every kind of period."""
    assert period_title(value) == expected


def test_period_works_with_period_arithmetic():
    p = Period(2022, 1)
    assert period(p.previous()) == "quý IV năm 2021"
    assert period(p.next()) == "quý II năm 2022"
    assert period(p.year_before()) == "quý I năm 2021"


@pytest.mark.parametrize("value", ["2022-Q5", "Q1 2022", 2022, None])
def test_bad_periods_raise(value):
    with pytest.raises(ValueError):
        period(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2022-Q1", (date(2021, 12, 15), date(2022, 3, 14))),
        ("2022-Q2", (date(2022, 3, 15), date(2022, 6, 14))),
        ("2022-Q3", (date(2022, 6, 15), date(2022, 9, 14))),
        (Period(2022, 4), (date(2022, 9, 15), date(2022, 12, 14))),
    ],
)
def test_cutoff_dates(value, expected):
    assert cutoff_dates(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2022-Q1", "từ ngày 15/12/2021 đến ngày 14/3/2022"),
        ("2022-Q2", "từ ngày 15/3/2022 đến ngày 14/6/2022"),
        ("2022-Q4", "từ ngày 15/9/2022 đến ngày 14/12/2022"),
        ("2023-Q1", "từ ngày 15/12/2022 đến ngày 14/3/2023"),
    ],
)
def test_cutoff_window(value, expected):
    assert cutoff_window(value) == expected


def test_cutoff_dates_with_another_end_day():
    """[cutoff] ngay_chot: 31 is the calendar quarter; a short month takes its last day."""
    assert cutoff_dates("2022-Q1", 31) == (date(2022, 1, 1), date(2022, 3, 31))
    assert cutoff_dates("2022-Q2", 31) == (date(2022, 4, 1), date(2022, 6, 30))
    assert cutoff_dates("2022-Q4", 20) == (date(2022, 9, 21), date(2022, 12, 20))
    assert cutoff_window("2024-Q1", 30) == "từ ngày 31/12/2023 đến ngày 30/3/2024"
