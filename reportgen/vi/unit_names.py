"""The administrative word a unit's name starts with (``Huyện``, ``Xã``, ``Thị trấn`` ...),
as documents and messages write it in running text."""

from __future__ import annotations

# the level word a unit's name starts with (since 2025 a commune-level unit may be a đặc khu)
LEVEL_WORDS = ("Thị trấn", "Thành phố", "Thị xã", "Đặc khu", "Phường", "Huyện", "Tỉnh", "Xã")


def strip_level_word(name: str) -> str:
    """``Huyện Tháp Mười`` -> ``Tháp Mười``; the name itself when it has no level word."""
    for word in LEVEL_WORDS:
        if name.startswith(word + " "):
            return name[len(word) + 1:]
    return name


def level_word(name: str) -> str:
    """``Thị trấn Mỹ An`` -> ``thị trấn``; ``""`` for a name without a level word."""
    return next((word.lower() for word in LEVEL_WORDS if name.startswith(word + " ")), "")


def lower_level_word(name: str) -> str:
    """``Huyện Tháp Mười`` -> ``huyện Tháp Mười`` (the administrative word in lower case)."""
    for word in LEVEL_WORDS:
        if name.startswith(word + " "):
            return word.lower() + name[len(word):]
    return name
