"""Each indicator written one way: its rounding rule (reportgen.columns.SHARES) everywhere.

The report's body, its appendix, the workbook, the notice and the bulletin write a share
through these functions (the ``share`` and ``share_table`` filters), so the same figure is
the same number in each ("99,94%" in the text, "99,94" in the table); a threshold phrase is
decided on :func:`share_rounded`, the figure as written, never on the exact ratio.
"""

from __future__ import annotations

from decimal import Decimal

from reportgen.columns import SCORE_DIGITS, SHARES
from reportgen.vi.numbers import PERCENT_SIGN, format_fixed, format_trimmed, round_decimal, share_value, to_decimal


def _digits(key: str) -> int:
    if key not in SHARES:
        raise ValueError(f"unknown indicator {key!r}; one of {', '.join(SHARES)}")
    return SHARES[key].digits


def share_rounded(ratio: object, key: str, short_of: object = None) -> Decimal:
    """The percentage of ``ratio`` as the indicator ``key`` writes it (``0.99936`` -> 99.94)."""
    return share_value(ratio, _digits(key), "half_up", short_of)[0]


def share(ratio: object, key: str, short_of: object = None) -> str:
    """The indicator ``key``'s share in running text: ``share(0.99936, "on_time_share")`` -> ``"99,94%"``.

    Its rule's decimals, half up, a whole value without decimals (``"100%"``), never reaching
    100 % or ``short_of`` (a target) it falls short of (vi.numbers.share_value)."""
    value, used = share_value(ratio, _digits(key), "half_up", short_of)
    return format_trimmed(value, used) + PERCENT_SIGN


def share_table(ratio: object, key: str, short_of: object = None) -> str:
    """The same figure in a table's percentage column, without the sign and with all its
    decimals: ``share_table(0.99936, "on_time_share")`` -> ``"99,94"``; None -> ``"-"``."""
    if ratio is None:
        return "-"
    value, used = share_value(ratio, _digits(key), "half_up", short_of)
    return format_fixed(value, used)


def score(value: object) -> str:
    """A score out of 100 (the Decision 766 index) with its decimals: ``86.4`` -> ``"86,40"``."""
    return format_fixed(round_decimal(to_decimal(value, "score"), SCORE_DIGITS), SCORE_DIGITS)


__all__ = ["share", "share_table", "share_rounded", "score"]
