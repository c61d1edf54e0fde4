"""Administrative Vietnamese formatting: numbers, dates, periods and phrases.

Pure functions, plus :data:`FILTERS`, the Jinja2 filters that expose them to templates.
Sentences are the templates': a comparison here is a value (:func:`count_change`,
:func:`share_change`) that the ``count_compared``/``share_compared`` macros word.
"""

from __future__ import annotations

from collections.abc import Callable

from reportgen.vi.dates import date_line, date_news, date_prose, date_table, part_of_day
from reportgen.vi.figures import score, share, share_rounded, share_table
from reportgen.vi.numbers import count, decimal, number, percent, percent_exact, roman, share_cell
from reportgen.vi.period_words import cutoff_dates, cutoff_window, period, period_upper, quarter_name
from reportgen.vi.prose import (
    BLANK_NUMBER,
    DEFAULT_ABBREVIATIONS,
    Abbreviations,
    CountChange,
    ShareChange,
    count_change,
    document_number,
    join_prose,
    number_line,
    point_letter,
    sentence,
    share_change,
    upper_first,
)

FILTERS: dict[str, Callable[..., object]] = {
    "number": number,
    "decimal": decimal,
    "percent": percent,
    "percent_exact": percent_exact,
    "share_cell": share_cell,
    "share": share,
    "share_table": share_table,
    "score": score,
    "count": count,
    "roman": roman,
    "date_prose": date_prose,
    "date_line": date_line,
    "date_table": date_table,
    "date_news": date_news,
    "part_of_day": part_of_day,
    "period": period,
    "period_upper": period_upper,
    "quarter_name": quarter_name,
    "cutoff_window": cutoff_window,
    "document_number": document_number,
    "number_line": number_line,
    "join_prose": join_prose,
    "count_change": count_change,
    "share_change": share_change,
    "upper_first": upper_first,
    "sentence": sentence,
    "point_letter": point_letter,
}

__all__ = [
    "FILTERS", "BLANK_NUMBER", "DEFAULT_ABBREVIATIONS", "Abbreviations",
    "number", "decimal", "percent", "percent_exact", "share_cell", "count", "roman",
    "share", "share_table", "share_rounded", "score",
    "date_prose", "date_line", "date_table", "date_news", "part_of_day",
    "period", "period_upper", "quarter_name", "cutoff_dates", "cutoff_window",
    "document_number", "number_line", "join_prose", "upper_first", "sentence", "point_letter",
    "CountChange", "ShareChange", "count_change", "share_change",
]
