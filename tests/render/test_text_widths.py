"""Text widths without a font (reportgen/render/text_widths.py): Liberation Serif's advance
widths (Times New Roman's metrics), a Vietnamese letter as wide as its base letter but for
the horn letters, anything else half an em."""

from __future__ import annotations

import pytest

from reportgen.render.text_widths import UNITS_PER_EM, char_units, text_units, text_width_pt


def test_a_name_adds_up_letter_by_letter():
    # X 1479, a 909, space 512, M 1821, y 1024, space 512, H 1479, o 1024, a 909 (regular)
    assert text_units("Xã Mỹ Hòa") == 1479 + 909 + 512 + 1821 + 1024 + 512 + 1479 + 1024 + 909 == 9669
    assert text_width_pt("Xã Mỹ Hòa", 13) == pytest.approx(9669 * 13 / 2048)


def test_marks_do_not_advance_the_horn_does():
    assert [char_units(c) for c in "ộeệ"] == [1024, 909, 909]
    assert (char_units("ư"), char_units("ừ"), char_units("u")) == (1110, 1110, 1024)
    assert (char_units("Ơ", bold=True), char_units("Đ"), char_units("đ", bold=True)) == (1593, 1479, 1139)


def test_bold_is_wider_and_other_characters_are_half_an_em():
    assert text_width_pt("ĐỘC", 14, bold=True) > text_width_pt("ĐỘC", 14)
    assert char_units("中") == char_units("→") == UNITS_PER_EM // 2
    assert char_units("\u00a0") == char_units(" ") == 512


def test_text_widths_follow_times_new_roman():
    assert text_width_pt("M", 10) == pytest.approx(10 * 1821 / 2048)
    assert text_width_pt("ệ", 14) == text_width_pt("e", 14)  # marks do not advance
    assert text_width_pt("ư", 14) > text_width_pt("u", 14)  # the horn does
    assert text_width_pt("ĐỘC", 14, bold=True) > text_width_pt("ĐỘC", 14)
