"""Legacy 8-bit Vietnamese encodings: TCVN3 (ABC, TCVN 5712:1993) and VNI-Windows.

Both tables are defined on *characters*, namely the characters a reader gets
when the legacy bytes are decoded with :func:`decode_single_byte`:

* Windows-1252 for every byte cp1252 defines, and
* Latin-1 (the C1 control with the same number) for the five bytes cp1252
  leaves undefined: 0x81, 0x8D, 0x8F, 0x90, 0x9D.

That is what a user sees as mojibake, and what Excel stores for a cell typed
in a ``.VnTime``/``VNI-Times`` font.  :func:`convert_legacy` also accepts the
plain Latin-1 view (C1 controls U+0080..U+009F for bytes 0x80..0x9F).  Text
decoded with another single-byte code page (e.g. cp1258, which recomposes some
bytes into combining marks) must first be put back with :func:`reinterpret`.

TCVN3
    The byte table of TCVN 5712:1993 VN1 (glibc ``TCVN5712-1``).  Its lower
    case letters and the seven capitals Ă Â Ê Ô Ơ Ư Đ (0xA1..0xA7) are the ABC
    (VN3) set used by the ``.VnTime`` fonts; the 60 capitals with a tone mark
    sit at 0x80..0x9F, in the gaps of 0xAF..0xFF and, for Ú Ụ Ừ Ử Ữ Ứ Ự Ỳ Ỷ Ỹ
    Ý Ỵ, at the C0 positions 0x01..0x17.  Files typed with ABC fonts write
    such capitals with the lower-case code and the ``.VnTimeH`` font; plain
    text does not keep the font, so they come back lower case.  The combining
    tone marks of VN1 (0xB0..0xB4) are not converted (they would clash with
    ``°±²³´`` in ordinary text).

VNI
    VNI-Windows: a base letter followed by one Latin-1 modifier (``aù`` = á,
    ``aâ`` = â, ``aá`` = ấ, ``ô`` = ơ, ``ö`` = ư, ``ñ`` = đ, ``ó`` = ĩ ...).
    Every VNI code is in 0xC0..0xFF, where cp1252 and Latin-1 agree.

Detection (:func:`detect_legacy`) works on words, split at white space,
ASCII punctuation and digits; see the thresholds below.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "ENCODINGS",
    "convert_legacy",
    "decode_single_byte",
    "detect_legacy",
    "encode_single_byte",
    "reinterpret",
    "to_tcvn3",
    "to_vni",
    "vietnamese_letters",
]

ENCODINGS = ("tcvn3", "vni")

# Tone order of every table row: none, acute, grave, hook above, tilde, dot below.
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_VOWELS = "aăâeêioôơuưy"

# Byte of each toned vowel in TCVN 5712:1993 VN1; None = the ASCII letter itself.
_TCVN3_ROWS = {
    "a": (None, 0xB8, 0xB5, 0xB6, 0xB7, 0xB9),
    "ă": (0xA8, 0xBE, 0xBB, 0xBC, 0xBD, 0xC6),
    "â": (0xA9, 0xCA, 0xC7, 0xC8, 0xC9, 0xCB),
    "e": (None, 0xD0, 0xCC, 0xCE, 0xCF, 0xD1),
    "ê": (0xAA, 0xD5, 0xD2, 0xD3, 0xD4, 0xD6),
    "i": (None, 0xDD, 0xD7, 0xD8, 0xDC, 0xDE),
    "o": (None, 0xE3, 0xDF, 0xE1, 0xE2, 0xE4),
    "ô": (0xAB, 0xE8, 0xE5, 0xE6, 0xE7, 0xE9),
    "ơ": (0xAC, 0xED, 0xEA, 0xEB, 0xEC, 0xEE),
    "u": (None, 0xF3, 0xEF, 0xF1, 0xF2, 0xF4),
    "ư": (0xAD, 0xF8, 0xF5, 0xF6, 0xF7, 0xF9),
    "y": (None, 0xFD, 0xFA, 0xFB, 0xFC, 0xFE),
    "A": (None, 0x83, 0x80, 0x81, 0x82, 0x84),
    "Ă": (0xA1, 0xC0, 0xAF, 0xBA, 0xBF, 0x85),
    "Â": (0xA2, 0xC4, 0xC1, 0xC2, 0xC3, 0x86),
    "E": (None, 0x8A, 0x87, 0x88, 0x89, 0x8B),
    "Ê": (0xA3, 0xDA, 0xC5, 0xCD, 0xD9, 0x8C),
    "I": (None, 0x90, 0x8D, 0x8E, 0x8F, 0x91),
    "O": (None, 0x95, 0x92, 0x93, 0x94, 0x96),
    "Ô": (0xA4, 0xFF, 0xDB, 0xE0, 0xF0, 0x97),
    "Ơ": (0xA5, 0x9B, 0x98, 0x99, 0x9A, 0x9C),
    "U": (None, 0x01, 0x9D, 0x9E, 0x9F, 0x02),
    "Ư": (0xA6, 0x11, 0x04, 0x05, 0x06, 0x12),
    "Y": (None, 0x16, 0x13, 0x14, 0x15, 0x17),
}
_TCVN3_D = {"đ": 0xAE, "Đ": 0xA7}

# VNI-Windows code of each toned vowel (as cp1252/Latin-1 characters).
_VNI_ROWS = {
    "a": ("a", "aù", "aø", "aû", "aõ", "aï"),
    "ă": ("aê", "aé", "aè", "aú", "aü", "aë"),
    "â": ("aâ", "aá", "aà", "aå", "aã", "aä"),
    "e": ("e", "eù", "eø", "eû", "eõ", "eï"),
    "ê": ("eâ", "eá", "eà", "eå", "eã", "eä"),
    "i": ("i", "í", "ì", "æ", "ó", "ò"),
    "o": ("o", "où", "oø", "oû", "oõ", "oï"),
    "ô": ("oâ", "oá", "oà", "oå", "oã", "oä"),
    "ơ": ("ô", "ôù", "ôø", "ôû", "ôõ", "ôï"),
    "u": ("u", "uù", "uø", "uû", "uõ", "uï"),
    "ư": ("ö", "öù", "öø", "öû", "öõ", "öï"),
    "y": ("y", "yù", "yø", "yû", "yõ", "î"),
    "A": ("A", "AÙ", "AØ", "AÛ", "AÕ", "AÏ"),
    "Ă": ("AÊ", "AÉ", "AÈ", "AÚ", "AÜ", "AË"),
    "Â": ("AÂ", "AÁ", "AÀ", "AÅ", "AÃ", "AÄ"),
    "E": ("E", "EÙ", "EØ", "EÛ", "EÕ", "EÏ"),
    "Ê": ("EÂ", "EÁ", "EÀ", "EÅ", "EÃ", "EÄ"),
    "I": ("I", "Í", "Ì", "Æ", "Ó", "Ò"),
    "O": ("O", "OÙ", "OØ", "OÛ", "OÕ", "OÏ"),
    "Ô": ("OÂ", "OÁ", "OÀ", "OÅ", "OÃ", "OÄ"),
    "Ơ": ("Ô", "ÔÙ", "ÔØ", "ÔÛ", "ÔÕ", "ÔÏ"),
    "U": ("U", "UÙ", "UØ", "UÛ", "UÕ", "UÏ"),
    "Ư": ("Ö", "ÖÙ", "ÖØ", "ÖÛ", "ÖÕ", "ÖÏ"),
    "Y": ("Y", "YÙ", "YØ", "YÛ", "YÕ", "Î"),
}
_VNI_D = {"đ": "ñ", "Đ": "Ñ"}


def _cp1252_or_latin1(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


# Characters of bytes 0x80..0x9F: cp1252, or the C1 control where cp1252 has none.
_CP1252_HIGH = "".join(_cp1252_or_latin1(b) for b in range(0x80, 0xA0))
_C1_TO_CP1252 = {0x80 + i: ch for i, ch in enumerate(_CP1252_HIGH)}
_CP1252_TO_C1 = {ord(ch): 0x80 + i for i, ch in enumerate(_CP1252_HIGH)}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _toned(base: str, tone: int) -> str:
    return _nfc(base + _TONES[tone])


def decode_single_byte(data: bytes) -> str:
    """Decode bytes as cp1252, keeping Latin-1 for 0x81/0x8D/0x8F/0x90/0x9D.

    Never fails: every byte gives exactly one character, so the result encodes
    back to the same bytes with ``encode("cp1252")`` except for those five.
    """
    return data.decode("latin-1").translate(_C1_TO_CP1252)


def encode_single_byte(text: str) -> bytes:
    """Inverse of :func:`decode_single_byte` (cp1252, Latin-1 for its 5 gaps)."""
    return text.translate(_CP1252_TO_C1).encode("latin-1")


def reinterpret(text: str, codec: str) -> str:
    """Return the :func:`decode_single_byte` view of text decoded with ``codec``.

    ``codec`` is the single-byte code page the text was decoded with (e.g.
    ``"cp1258"``); the text must not have been normalised since.
    """
    return decode_single_byte(text.encode(codec))


def vietnamese_letters() -> list[str]:
    """The 134 non-ASCII Vietnamese letters (NFC): 67 lower case, then 67 upper case."""
    lower = [_toned(v, t) for v in _VOWELS for t in range(6)] + ["đ"]
    lower = [c for c in lower if not c.isascii()]
    return lower + [c.upper() for c in lower]


def _tcvn3_encode_table() -> dict[str, str]:
    table = {_toned(v, t): decode_single_byte(bytes([b]))
             for v, row in _TCVN3_ROWS.items() for t, b in enumerate(row) if b is not None}
    table.update({c: decode_single_byte(bytes([b])) for c, b in _TCVN3_D.items()})
    return table


def _vni_encode_table() -> dict[str, str]:
    table = {_toned(v, t): code for v, row in _VNI_ROWS.items() for t, code in enumerate(row)}
    table.update(_VNI_D)
    return table


_TO_TCVN3 = _tcvn3_encode_table()
_TO_VNI = _vni_encode_table()
_FROM_TCVN3 = {ord(code): c for c, code in _TO_TCVN3.items()}
_FROM_TCVN3.update({b: _FROM_TCVN3[ord(ch)] for b, ch in _C1_TO_CP1252.items()
                    if ord(ch) in _FROM_TCVN3})
_FROM_VNI = {code: c for c, code in _TO_VNI.items() if code != c}
_VNI_CODE = re.compile("|".join(sorted(map(re.escape, _FROM_VNI), key=len, reverse=True)))


def _encode(text: str, table: dict[str, str], name: str) -> str:
    out = []
    for ch in _nfc(text):
        if ch in table:
            out.append(table[ch])
        elif ch.isascii() and (ch.isprintable() or ch in "\t\n\r"):
            out.append(ch)
        else:
            raise ValueError(f"{ch!r} (U+{ord(ch):04X}) cannot be written in {name}")
    return "".join(out)


def to_tcvn3(text: str) -> str:
    """Encode to TCVN3, returned as :func:`decode_single_byte` characters.

    ``encode_single_byte(to_tcvn3(s))`` gives the bytes of the TCVN3 file; it
    equals ``to_tcvn3(s).encode("cp1252")`` unless one of Ả Ì Ĩ Í Ù (bytes
    0x81 0x8D 0x8F 0x90 0x9D) occurs.  Raises ``ValueError`` for characters
    TCVN3 cannot hold (anything but ASCII and the 134 Vietnamese letters).
    """
    return _encode(text, _TO_TCVN3, "TCVN3")


def to_vni(text: str) -> str:
    """Encode to VNI-Windows, returned as cp1252/Latin-1 characters.

    ``to_vni(s).encode("cp1252")`` gives the file bytes.  Raises ``ValueError``
    like :func:`to_tcvn3`.
    """
    return _encode(text, _TO_VNI, "VNI")


def _from_tcvn3(text: str) -> str:
    return text.translate(_FROM_TCVN3)


def _from_vni(text: str) -> str:
    return _VNI_CODE.sub(lambda m: _FROM_VNI[m.group()], text)


_DECODERS = {"tcvn3": _from_tcvn3, "vni": _from_vni}


def convert_legacy(text: str, encoding: str) -> str:
    """Convert TCVN3 or VNI text (single-byte view) to NFC Unicode."""
    if encoding not in _DECODERS:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {ENCODINGS}")
    return _nfc(_DECODERS[encoding](text))


# --- detection -----------------------------------------------------------------
#
# A word (split at white space, ASCII punctuation and digits) is *legacy
# evidence* for an encoding when it is at least 2 characters long, is not a
# well-formed Vietnamese syllable as it stands (letters, one tone mark placed
# by the old or new rule, valid onset/rhyme, all lower, all upper or title
# case), and becomes one once converted (see _converted_ok for case).
# A word well formed both ways ("Phó" is TCVN3 for "Phú") is neutral, so is a
# word the conversion leaves alone; any other word counts *against*.
#
# detect_legacy returns an encoding when, for that encoding:
#   * the text holds no Vietnamese letter outside Latin-1 (ă đ ơ ư ạ ...) and no
#     combining mark U+0300..U+036F -- such text is Unicode already;
#   * legacy >= 1 and legacy / (legacy + against) >= MIN_LEGACY_RATIO;
#   * legacy >= MIN_LEGACY_WORDS or legacy / words >= MIN_WORD_SHARE, so that
#     one odd word in a long English line is not enough.
# If both pass: more legacy words wins, then the higher ratio, then TCVN3 if
# the text holds one of its non-letter codes (¸ µ © ® ...; VNI text never
# does), else VNI.  Single words such as "thö" (VNI "thư", TCVN3 "thử") are
# ambiguous by nature; whole lines and files are not.

MIN_LEGACY_RATIO = 0.6
MIN_LEGACY_WORDS = 3
MIN_WORD_SHARE = 0.25

# Lower-case letter -> (letter without tone mark, tone index into _TONES).
_LETTERS = {_toned(v, t): (v, t) for v in _VOWELS for t in range(6)}
_LETTERS.update({c: (c, 0) for c in "bcdđghklmnpqrstvx"})
_UNICODE_ONLY = {c for v in _LETTERS for c in (v, v.upper()) if ord(c) > 0xFF}
_UNICODE_ONLY |= {chr(c) for c in range(0x300, 0x370)}  # combining marks (NFD text)
_TCVN3_SYMBOLS = {chr(k) for k in _FROM_TCVN3 if 0xA0 < k <= 0xFF and not chr(k).isalpha()}


def _alternatives(nuclei: str) -> str:
    return "|".join(sorted(nuclei.split(), key=len, reverse=True))


# Rhymes: a nucleus ending in a glide takes no final consonant; ă â iê yê uô ươ
# uyê uâ oă need one; the rest may have one.  ("oo" of xoong/boong is left out:
# it is rare and makes VNI "coâng" read as TCVN3 "coõng".)
_OPEN = _alternatives("ai ao au ay âu ây eo êu ia iu oi ôi ơi ui ưi ưu ua ưa uơ iêu yêu"
                      " oai oay oao oeo uây uôi ươi ươu uya uyu uêu")
_CLOSED = _alternatives("ă â iê yê uô ươ uyê uâ oă")
_EITHER = _alternatives("a e ê i o ô ơ u ư y oa oe uê uy")
_CODA = "ch|ng|nh|[ckmnpt]"
_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
    f"(?:(?P<open>{_OPEN})|(?P<closed>{_CLOSED})(?:{_CODA})|(?P<either>{_EITHER})(?:{_CODA})?)"
)
_STOPS = ("c", "ch", "k", "p", "t")
_STOP_TONES = (1, 5)  # after -c -ch -k -p -t only acute or dot below
_WORD_SPLIT = re.compile(r"[\s\x21-\x40\x5b-\x60\x7b-\x7e]+")


def _tone_position_ok(nucleus: str, pos: int, closed: bool) -> bool:
    """Whether the tone mark may stand on ``nucleus[pos]`` (old and new styles)."""
    marked = [i for i, c in enumerate(nucleus) if c in "ăâêôơư"]
    if marked:
        return pos == marked[-1]
    if len(nucleus) == 1 or closed:
        return pos == len(nucleus) - 1
    if nucleus in ("oa", "oe", "uy"):
        return pos in (0, 1)
    return pos == len(nucleus) // 2 if len(nucleus) == 3 else pos == 0


def _coda_ok(nucleus: str, coda: str | None) -> bool:
    """-nh/-ch only after a ê i y; -ng/-c never after i y (it is -nh/-ch there)."""
    if coda in ("nh", "ch"):
        return nucleus[-1] in "aêiy"
    return not (coda in ("ng", "c") and nucleus[-1] in "iy")


def _rhyme(match: re.Match) -> tuple[str, str | None]:
    """(nucleus, final consonant or None) of a _SYLLABLE match."""
    name = next(g for g in ("open", "closed", "either") if match[g])
    return match[name], match.string[match.end(name):] or None


def _tone_ok(match: re.Match, tone_at: int, tone: int) -> bool:
    nucleus, coda = _rhyme(match)
    start = match.end() - len(nucleus) - len(coda or "")
    if match.string.endswith(_STOPS) and tone not in _STOP_TONES:
        return False
    return _tone_position_ok(nucleus, tone_at - start, coda is not None)


@lru_cache(maxsize=1 << 14)
def _plausible(word: str) -> bool:
    """Whether ``word`` is a well-formed Vietnamese syllable."""
    if not (word.islower() or word.isupper() or word.istitle()):
        return False
    lower = word.lower()
    if any(c not in _LETTERS for c in lower):
        return False
    toned = [(i, _LETTERS[c][1]) for i, c in enumerate(lower) if _LETTERS[c][1]]
    bare = "".join(_LETTERS[c][0] for c in lower)
    match = _SYLLABLE.fullmatch(bare)
    if match is None or len(toned) > 1 or not _coda_ok(*_rhyme(match)):
        return False
    return not toned or _tone_ok(match, *toned[0])


def _converted_ok(word: str, converted: str) -> bool:
    """_plausible for a converted word; words typed in capitals may mix case.

    ABC files type a capital with a tone mark as the lower-case code (shown in
    capitals by the .VnTimeH font): "VIÖT" converts to "VIệT".
    """
    if _plausible(converted):
        return True
    ascii_letters = [c for c in word if c.isascii() and c.isalpha()]
    shouting = bool(ascii_letters) and all(c.isupper() for c in ascii_letters)
    return shouting and _plausible(converted.upper())


def _classify(word: str, decode) -> str:
    """``legacy``, ``against`` or ``neutral`` for one word."""
    converted = _nfc(decode(word))
    if converted == word:
        return "neutral"
    raw_ok, conv_ok = _plausible(word), _converted_ok(word, converted)
    if raw_ok and conv_ok:
        return "neutral"
    if conv_ok:
        return "legacy" if len(word) >= 2 else "neutral"
    return "against"


def _words(text: str) -> list[str]:
    """Words with a letter or a non-ASCII character (TCVN3 codes include ¸ © ® ...)."""
    return [w for w in _WORD_SPLIT.split(text) if any(c.isalpha() or ord(c) > 0x7F for c in w)]


def _score(words: list[str], decode) -> tuple[int, float] | None:
    """(legacy words, legacy ratio) if the thresholds pass, else None."""
    kinds = [_classify(w, decode) for w in words]
    legacy, against = kinds.count("legacy"), kinds.count("against")
    if not legacy or legacy / (legacy + against) < MIN_LEGACY_RATIO:
        return None
    if legacy < MIN_LEGACY_WORDS and legacy / len(words) < MIN_WORD_SHARE:
        return None
    return legacy, legacy / (legacy + against)


def detect_legacy(text: str) -> str | None:
    """Return ``"tcvn3"``, ``"vni"`` or None for text in the single-byte view."""
    if any(c in _UNICODE_ONLY for c in text):
        return None
    words = _words(text)
    tcvn3_first = any(c in _TCVN3_SYMBOLS for c in text)
    passed = []
    for enc, decode in _DECODERS.items():
        score = _score(words, decode)
        if score:
            passed.append((*score, (enc == "tcvn3") == tcvn3_first, enc))
    return max(passed)[-1] if passed else None
