"""Reporting periods in administrative Vietnamese (bao-cao-2026.md §1): ``quý I năm 2026``,
``6 tháng đầu năm 2026``, ``9 tháng đầu năm 2026``, ``năm 2026``, and the cut-off window."""

from __future__ import annotations

from datetime import date

from reportgen.periods import Period
from reportgen.vi.dates import date_table
from reportgen.vi.numbers import roman

# the words of a period inside its year, by its quarters
_WORDS = {(1, 2): "6 tháng đầu", (3, 4): "6 tháng cuối", (1, 3): "9 tháng đầu"}


def as_period(p: Period | str) -> Period:
    """Accept a :class:`~reportgen.periods.Period`, or a ``"2022-Q1"`` string in a workspace's own template."""
    if isinstance(p, Period):
        return p
    if isinstance(p, str):
        return Period.parse(p)
    raise ValueError(f"expected a Period or a string like 2022-Q1, got {type(p).__name__} ({p!r})")


def quarter_name(p: Period | str) -> str:
    """``"2022-Q1"`` -> ``"quý I"``; a longer period's name without its year (``"6 tháng đầu"``)."""
    value = as_period(p)
    if value.is_quarter:
        return f"quý {roman(value.quarter)}"
    return _WORDS.get((value.first, value.last), "")


def period(p: Period | str) -> str:
    """``"2022-Q1"`` -> ``"quý I năm 2022"``, ``"2026-6T"`` -> ``"6 tháng đầu năm 2026"``,
    ``"2026"`` -> ``"năm 2026"`` (the year is never digit-grouped)."""
    value = as_period(p)
    name = quarter_name(value)
    return f"{name} năm {value.year}" if name else f"năm {value.year}"


def period_title(p: Period | str) -> str:
    """``"2022-Q2"`` -> ``"Quý II/2022"``: a period as a heading or a list names it; a longer
    period in words (``"6 tháng đầu năm 2026"``, ``"9 tháng đầu năm 2026"``, ``"Năm 2026"``)."""
    value = as_period(p)
    if value.is_quarter:
        return f"Quý {roman(value.quarter)}/{value.year}"
    text = period(value)
    return text[:1].upper() + text[1:]


def period_upper(p: Period | str) -> str:
    """``"2022-Q1"`` -> ``"QUÝ I NĂM 2022"`` for upper-case titles."""
    return period(p).upper()


def cutoff_dates(p: Period | str, end_day: int = 14, founded: date | None = None) -> tuple[date, date]:
    """First and last day of the figures (Decree 09/2019/ND-CP, art. 12): :meth:`Period.window`."""
    return as_period(p).window(end_day, founded)


def cutoff_window(p: Period | str, end_day: int = 14) -> str:
    """``"2022-Q1"`` -> ``"từ ngày 15/12/2021 đến ngày 14/3/2022"``."""
    start, end = cutoff_dates(p, end_day)
    return f"từ ngày {date_table(start)} đến ngày {date_table(end)}"


__all__ = ["period", "period_title", "period_upper", "quarter_name", "cutoff_dates", "cutoff_window"]
