"""Decoding text files: UTF-8 (with or without BOM), Windows-1258, legacy TCVN3/VNI.

Every string leaves this module in Unicode NFC (TCVN 6909:2001).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from reportgen.sources import legacy

LEGACY_NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI"}


@dataclass(frozen=True)
class Decoded:
    """Decoded text and how it was decoded (``utf-8``, ``cp1258``, ``tcvn3``, ``vni``)."""

    text: str
    encoding: str


def nfc(text: str) -> str:
    """Normalise to Unicode NFC, the form Vietnamese official text must take."""
    return unicodedata.normalize("NFC", text)


def decode_bytes(data: bytes) -> Decoded:
    """Decode a text file's bytes, converting legacy Vietnamese encodings to Unicode."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        single = legacy.decode_single_byte(data)
        found = legacy.detect_legacy(single)
        if found:
            return Decoded(nfc(legacy.convert_legacy(single, found)), found)
        return Decoded(nfc(data.decode("cp1258")), "cp1258")
    found = legacy.detect_legacy(text)
    if found:
        return Decoded(nfc(legacy.convert_legacy(text, found)), found)
    return Decoded(nfc(text), "utf-8")


def clean_cell(value: str) -> tuple[str, str | None]:
    """NFC-normalise one cell read from Excel; convert it if it is legacy-encoded."""
    found = legacy.detect_legacy(value)
    if found:
        return nfc(legacy.convert_legacy(value, found)), found
    return nfc(value), None
