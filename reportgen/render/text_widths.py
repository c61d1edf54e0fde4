"""Approximate widths of a line of Times New Roman text, without any font on the machine.

Both formats need text widths: the DOCX's rule under the motto is as long as the motto's
line, and the columns of a figures table (``table_widths``, for the DOCX and the PDF alike)
get room for their longest word. Word lays the text out later, on the office's machine, so an estimate is all we can have.
Measuring with a system font would make the output depend on the fonts installed (and
break byte-identical builds), so the advance widths are built in: those of Liberation
Serif 2 (Regular, Bold), which is metric-compatible with Times New Roman by design, in
font units (2048 per em) for printable ASCII. A Vietnamese letter takes the width of its
base letter (tone and vowel marks do not advance), except the horn letters ư, ơ, which
are a little wider. Anything else counts as half an em.
"""

from __future__ import annotations

import unicodedata

UNITS_PER_EM = 2048
REGULAR = (512, 682, 836, 1024, 1024, 1706, 1593, 369, 682, 682, 1024, 1155, 512, 682, 512, 569, 1024, 1024,
           1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 569, 569, 1155, 1155, 1155, 909, 1886, 1479, 1366,
           1366, 1479, 1251, 1139, 1479, 1479, 682, 797, 1479, 1251, 1821, 1479, 1479, 1139, 1479, 1366, 1139,
           1251, 1479, 1479, 1933, 1479, 1479, 1251, 682, 569, 682, 961, 1024, 682, 909, 1024, 909, 1024, 909,
           682, 1024, 1024, 569, 569, 1024, 569, 1593, 1024, 1024, 1024, 1024, 682, 797, 569, 1024, 1024, 1479,
           1024, 1024, 909, 983, 410, 983, 1108)
BOLD = (512, 682, 1137, 1024, 1024, 2048, 1706, 569, 682, 682, 1024, 1167, 512, 682, 512, 569, 1024, 1024, 1024,
        1024, 1024, 1024, 1024, 1024, 1024, 1024, 682, 682, 1167, 1167, 1167, 1024, 1905, 1479, 1366, 1479, 1479,
        1366, 1251, 1593, 1593, 797, 1024, 1593, 1366, 1933, 1479, 1593, 1251, 1593, 1479, 1139, 1366, 1479, 1479,
        2048, 1479, 1479, 1366, 682, 569, 682, 1190, 1024, 682, 1024, 1139, 909, 1139, 909, 682, 1024, 1139, 569,
        682, 1139, 569, 1706, 1139, 1024, 1139, 1139, 909, 797, 682, 1139, 1024, 1479, 1024, 1024, 909, 807, 451,
        807, 1065)
SPECIAL = {  # (regular, bold)
    "Ư": (1589, 1630), "ư": (1110, 1229), "Ơ": (1479, 1593), "ơ": (1083, 1134),
    "đ": (1024, 1139), "Đ": (1479, 1479), "\u00a0": (512, 512), "–": (1024, 1024), "—": (2048, 2048),
}


def char_units(char: str, bold: bool = False) -> int:
    """Advance width of one character in font units (2048 per em)."""
    if char in SPECIAL:
        return SPECIAL[char][bold]
    base = _base_letter(char)
    if base in SPECIAL:
        return SPECIAL[base][bold]
    if " " <= base <= "~":
        return (BOLD if bold else REGULAR)[ord(base) - 32]
    return UNITS_PER_EM // 2


def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """Width in points of ``text`` set on one line at ``size_pt``."""
    return text_units(text, bold) * size_pt / UNITS_PER_EM


_KNOWN: tuple[dict[str, int], dict[str, int]] = ({}, {})  # regular, bold: char -> units (a few hundred at most)


def text_units(text: str, bold: bool = False) -> int:
    """Advance width of ``text`` in font units; each character's width is looked up once
    per process (a 3,000-row table measures ~45,000 cells)."""
    known = _KNOWN[bool(bold)]
    try:
        return sum([known[c] for c in text])
    except KeyError:
        for char in text:
            if char not in known:
                known[char] = char_units(char, bold)
        return sum([known[c] for c in text])


def _base_letter(char: str) -> str:
    """The first character of the canonical decomposition: ộ -> o, ừ -> ư."""
    decomposed = unicodedata.normalize("NFD", char)
    letters = [c for c in decomposed if not unicodedata.combining(c)]
    if not letters:
        return char
    base = letters[0]
    return unicodedata.normalize("NFC", base + "".join(c for c in decomposed if c in "\u031b"))
