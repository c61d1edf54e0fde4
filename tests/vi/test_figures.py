"""reportgen.vi.figures: each indicator written one way (its rule's decimals, half up), the same
figure in running text and in a table, never rounded up to 100 % or to a target it misses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reportgen.vi.figures import score, share, share_rounded, share_table

UNKNOWN = ("unknown indicator 'x'; one of online_share, on_time_share, full_online_share, partial_online_share, "
           "digitised_in_share, digitised_out_share, payment_share, satisfaction_share")


@pytest.mark.parametrize("ratio, key, text, table", [
    (0.99936, "on_time_share", "99,94%", "99,94"),     # two decimals for on time
    (0.12345, "online_share", "12,3%", "12,3"),        # one for online
    (0.9995, "online_share", "99,95%", "99,95"),       # never 100 % when one file is missing
    (0.99999, "on_time_share", "99,999%", "99,999"),
    (1, "on_time_share", "100%", "100,00"),            # a whole value without decimals in the text
    (0.5, "online_share", "50%", "50,0"),
    (0.00049, "on_time_share", "0,05%", "0,05"),       # half up
    (0.000049, "on_time_share", "0%", "0,00"),
])
def test_a_share_in_the_text_and_in_the_table(ratio, key, text, table):
    assert share(ratio, key) == text
    assert share_table(ratio, key) == table


def test_a_share_is_never_rounded_up_to_the_target_it_falls_short_of():
    assert share(0.8996, "online_share") == "90%"
    assert share(0.8996, "online_share", short_of=0.9) == "89,96%"
    assert share_table(0.8996, "online_share", short_of=0.9) == "89,96"
    assert share_rounded(0.8996, "online_share", 0.9) == Decimal("89.96")
    assert share(0.9, "online_share", short_of=0.9) == "90%"  # reaching it is not falling short


def test_share_rounded_is_the_figure_as_written():
    assert share_rounded(0.99936, "on_time_share") == Decimal("99.94")
    assert share_rounded(0.12345, "online_share") == Decimal("12.3")


def test_no_figure_is_a_dash_in_a_table():
    assert share_table(None, "online_share") == "-"


def test_an_unknown_indicator_is_a_programming_error():
    for write in (share, share_table, share_rounded):
        with pytest.raises(ValueError) as raised:
            write(0.5, "x")
        assert str(raised.value) == UNKNOWN


@pytest.mark.parametrize("value, text", [(86.4, "86,40"), (Decimal("87.355"), "87,36"), (100, "100,00"),
                                         (0, "0,00")])
def test_a_score_keeps_two_decimals(value, text):
    assert score(value) == text


def test_a_score_must_be_a_number():
    with pytest.raises(ValueError, match=r"^score must be a number, got str \('87,3'\)$"):
        score("87,3")
