"""Phrases of administrative Vietnamese prose: the number line, lists, abbreviations; comparisons as values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from reportgen.vi.numbers import round_decimal, to_decimal, to_int

# Six no-break spaces: the blank survives HTML/PDF rendering (plain spaces collapse there)
# and cannot be broken across lines in the DOCX cell.
BLANK_NUMBER = "\u00a0" * 6

DEFAULT_ABBREVIATIONS: Mapping[str, str] = MappingProxyType({
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "CCHC": "cải cách hành chính",
    "TTHC": "thủ tục hành chính",
})


def nfc(text: object) -> str:
    """``str(text)`` in Unicode NFC, stripped."""
    return unicodedata.normalize("NFC", str(text)).strip()


def _required(text: object, what: str) -> str:
    value = nfc(text) if text is not None else ""
    if not value:
        raise ValueError(f"{what} is required")
    return value


def document_number(number: int | str | None, blank: str = "") -> str:
    """The document number as written after ``Số:`` everywhere (header, appendix note, records).

    Numbers below 10 get a leading zero (``5`` -> ``"05"``); larger numbers are written as
    is, an identifier without thousands separator (``1234`` -> ``"1234"``, never
    ``"1.234"``). ``None`` or ``""`` (the records clerk fills it in) gives ``blank``.
    Anything but a positive whole number raises ValueError.
    """
    if number is None or (isinstance(number, str) and not number.strip()):
        return blank
    if isinstance(number, str):
        if not number.strip().isdigit():
            raise ValueError(f"document number must be a positive whole number, got {number!r}")
        number = int(number.strip())
    value = to_int(number, "document number")
    if value < 1:
        raise ValueError(f"document number must be positive, got {number!r}")
    return f"{value:02d}"


def number_line(number: int | str | None, symbol: str) -> str:
    """The number-and-symbol line: ``number_line(5, "BC-UBND")`` -> ``"Số: 05/BC-UBND"``.

    The number is written by :func:`document_number` (``"Số: 1234/UBND-VP"``). ``None``
    (or ``""``) leaves the number blank for the records clerk: ``"Số:"`` + six no-break
    spaces (U+00A0) + ``"/BC-UBND"``.
    """
    code = _required(symbol, "symbol").lstrip("/")
    number_text = document_number(number)
    if not number_text:
        return f"Số:{BLANK_NUMBER}/{code}"
    return f"Số: {number_text}/{code}"


def join_prose(items: Iterable[object], sep: str = ";", open_ended: bool = False) -> str:
    """Join items with ``"; "`` (or ``", "`` when ``sep=","``); ``open_ended`` closes with ``",..."``.

    ``["a", "b", "c"]`` -> ``"a; b; c"``; open-ended -> ``"a; b; c,..."``. Items are NFC-normalised
    and stripped of surrounding spaces and trailing ``;``/``,``; items left empty are dropped.
    No items -> ``""``.
    """
    if sep not in (";", ","):
        raise ValueError(f"sep must be ';' or ',', got {sep!r}")
    cleaned = [nfc(item).rstrip(";,").strip() for item in items]
    cleaned = [item for item in cleaned if item]
    if not cleaned:
        return ""
    text = f"{sep} ".join(cleaned)
    return text + ",..." if open_ended else text


# Points of an administrative text are lettered with the Vietnamese alphabet: a), b), c),
# d), đ), e), g) ... (no f, j, w, z).
POINT_LETTERS = "a b c d đ e g h i k l m n o p q r s t u v x y".split()


def point_letter(number: object) -> str:
    """The letter of the ``number``-th point (1-based): 1 -> ``a``, 5 -> ``đ``, 6 -> ``e``, 7 -> ``g``.

    After ``y`` the letters double (``aa``, ``ab`` ...), as spreadsheet columns do.
    """
    value = to_int(number, "point number")
    if value < 1:
        raise ValueError(f"point number must be 1 or more, got {number!r}")
    letters = ""
    while value:
        value, rest = divmod(value - 1, len(POINT_LETTERS))
        letters = POINT_LETTERS[rest] + letters
    return letters


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def upper_first(text: object) -> str:
    """Upper-case the first letter only (unlike str.capitalize, the rest is kept)."""
    return _capitalize(nfc(text))


def sentence(text: object) -> str:
    """A paragraph as a sentence: first letter upper-cased, a full stop added when it ends
    without one (``.``, ``!``, ``?``, ``…`` or ``:`` kept)."""
    text = upper_first(text).rstrip()
    return text if text.endswith((".", "!", "?", "…", ":")) else text + "."


class Abbreviations:
    """Spell an abbreviation out at its first use in one document, short after.

    >>> abbr = Abbreviations({"UBND": "Ủy ban nhân dân"})
    >>> abbr("UBND"), abbr("UBND")
    ('Ủy ban nhân dân (UBND)', 'UBND')

    Create one object per document. ``capitalize=True`` upper-cases the first letter of the
    long form at a sentence start (``"Thủ tục hành chính (TTHC)"``).
    """

    def __init__(self, mapping: Mapping[str, str] | None = None) -> None:
        source = DEFAULT_ABBREVIATIONS if mapping is None else mapping
        self._long = {_required(key, "abbreviation"): _required(value, f"long form of {key!r}")
                      for key, value in source.items()}
        self._used: set[str] = set()

    def __call__(self, key: str, capitalize: bool = False) -> str:
        short = nfc(key)
        if short not in self._long:
            known = ", ".join(sorted(self._long)) or "none"
            raise KeyError(f"unknown abbreviation {key!r}; known: {known}")
        if short in self._used:
            return short
        self._used.add(short)
        long_form = _capitalize(self._long[short]) if capitalize else self._long[short]
        return f"{long_form} ({short})"

    def __contains__(self, key: object) -> bool:
        return nfc(key) in self._long

    def text(self, text: object) -> str:
        """Apply the first-use rule inside a sentence taken from data.

        Every long form and every short form of a known abbreviation, in reading order, is
        replaced by what ``self(key)`` says now: ``"Chủ tịch Ủy ban nhân dân huyện"`` becomes
        ``"Chủ tịch Ủy ban nhân dân (UBND) huyện"`` at the first use in the document and
        ``"Chủ tịch UBND huyện"`` after. The long form keeps the capital letter it had.
        """
        source = nfc(text)
        out, pos = [], 0
        for match in self._pattern().finditer(source):
            out.append(source[pos:match.start()])
            found = match.group(0)
            key = found if found in self._long else self._key_of(found)
            capital = found[:1].isupper() and found not in self._long
            out.append(self(key, capitalize=capital))
            pos = match.end()
        out.append(source[pos:])
        return "".join(out)

    def _key_of(self, long_form: str) -> str:
        return next(k for k, v in self._long.items() if v.lower() == long_form.lower())

    def _pattern(self) -> "re.Pattern[str]":
        forms = sorted([*self._long, *self._long.values()], key=len, reverse=True)
        return re.compile(r"(?<!\w)(" + "|".join(re.escape(f) for f in forms) + r")(?!\w)", re.IGNORECASE)

    def reset(self) -> None:
        """Forget which abbreviations were used (for a new document)."""
        self._used.clear()


@dataclass(frozen=True)
class CountChange:
    """A count against the same count in another period, as values for the ``count_compared`` macro.

    ``direction`` is ``"up"``, ``"down"`` or ``"same"``; ``difference`` the size of the change
    (a whole number, never negative); ``share`` the change relative to the earlier count (a
    ratio, written with ``|percent``: 1 decimal, half-up), None when the earlier count is 0.
    """

    direction: str
    difference: int
    share: Decimal | None


@dataclass(frozen=True)
class ShareChange:
    """A share against the same share in another period, for the ``share_compared`` macro.

    ``direction`` is ``"up"``, ``"down"`` or ``"same"`` (the difference rounds to 0);
    ``points`` the size of the difference in percentage points, already rounded half-up to
    ``digits`` decimals (written with ``|decimal(digits, trim=true)``).
    """

    direction: str
    points: Decimal
    digits: int


def count_change(current: object, previous: object) -> CountChange:
    """What changed between two counts: ``count_change(91, 79)`` -> up by 12, share 12/79.

    The words are the ``count_compared`` macro's (templates/phrases.html.j2):
    ``"tăng 12 hồ sơ (15,2%) so với cùng kỳ năm 2021"``. A None figure raises ValueError
    (the caller says "no comparable figures" itself), and so does a negative count.
    """
    if current is None or previous is None:
        raise ValueError("count_change() needs both figures; say there are no comparable figures instead")
    cur, prev = to_int(current, "current"), to_int(previous, "previous")
    if cur < 0 or prev < 0:
        raise ValueError(f"counts must not be negative, got {current!r} and {previous!r}")
    diff = cur - prev
    direction = "same" if diff == 0 else "up" if diff > 0 else "down"
    share = Decimal(abs(diff)) / Decimal(prev) if prev and diff else None
    return CountChange(direction, abs(diff), share)


def share_change(current_ratio: object, previous_ratio: object, digits: int = 1) -> ShareChange:
    """What changed between two shares (ratios 0..1), in percentage points rounded half-up
    to ``digits`` decimals: ``share_change(0.985, 0.962)`` -> up 2.3 points; a difference
    that rounds to 0 is ``"same"``. The words are the ``share_compared`` macro's:
    ``"tăng 2,3 điểm phần trăm so với quý IV năm 2021"``.
    """
    points = (to_decimal(current_ratio, "current_ratio") - to_decimal(previous_ratio, "previous_ratio")) * 100
    size = round_decimal(abs(points), digits)
    direction = "same" if size == 0 else "up" if points > 0 else "down"
    return ShareChange(direction, size, digits)


__all__ = [
    "point_letter", "POINT_LETTERS", "upper_first", "BLANK_NUMBER", "DEFAULT_ABBREVIATIONS", "Abbreviations", "document_number",
    "number_line",
    "join_prose",
    "CountChange", "ShareChange", "count_change", "share_change",
]
