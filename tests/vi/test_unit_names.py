"""reportgen.vi.unit_names: the administrative word a unit's name starts with."""

from __future__ import annotations

import pytest

from reportgen.vi.unit_names import level_word, lower_level_word, strip_level_word


@pytest.mark.parametrize("name, stripped, word, lowered", [
    ("Huyện Tháp Mười", "Tháp Mười", "huyện", "huyện Tháp Mười"),
    ("Thị trấn Mỹ An", "Mỹ An", "thị trấn", "thị trấn Mỹ An"),
    ("Thành phố Cao Lãnh", "Cao Lãnh", "thành phố", "thành phố Cao Lãnh"),
    ("Thị xã Hồng Ngự", "Hồng Ngự", "thị xã", "thị xã Hồng Ngự"),
    ("Đặc khu Phú Quốc", "Phú Quốc", "đặc khu", "đặc khu Phú Quốc"),
    ("Phường Long Xuyên", "Long Xuyên", "phường", "phường Long Xuyên"),
    ("Tỉnh An Giang", "An Giang", "tỉnh", "tỉnh An Giang"),
    ("Xã Mỹ Hòa", "Mỹ Hòa", "xã", "xã Mỹ Hòa"),
    ("Xã Thị trấn", "Thị trấn", "xã", "xã Thị trấn"),          # only the first word is the level
    ("Văn phòng UBND", "Văn phòng UBND", "", "Văn phòng UBND"),  # no level word
    ("Xãhội", "Xãhội", "", "Xãhội"),                              # a word, not a prefix
    ("Huyện", "Huyện", "", "Huyện"),
    ("huyện Tháp Mười", "huyện Tháp Mười", "", "huyện Tháp Mười"),  # already lower: not a name's start
])
def test_the_level_word_of_a_name(name, stripped, word, lowered):
    assert strip_level_word(name) == stripped
    assert level_word(name) == word
    assert lower_level_word(name) == lowered
