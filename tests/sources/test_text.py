"""reportgen.sources.text: a text file's bytes decoded (UTF-8 with or without BOM, Windows-1258,
TCVN3, VNI) and every string left in Unicode NFC."""

from __future__ import annotations

import pytest

from reportgen.sources.legacy import encode_single_byte, to_tcvn3, to_vni
from reportgen.sources.text import Decoded, clean_cell, decode_bytes, nfc

SENTENCE = "Ủy ban nhân dân huyện Tháp Mười báo cáo kết quả"
# Windows-1258 writes tones as combining marks after the letter (ờ = ơ + U+0300)
CP1258 = "Xa\u0303 My\u0303 An, Tha\u0301p M\u01b0\u01a1\u0300i".encode("cp1258")


def test_nfc_composes_letters_and_tones():
    assert nfc("Xa\u0303") == "Xã"
    assert nfc("M\u01b0\u01a1\u0300i") == "Mười"
    assert nfc("Tháp Mười") == "Tháp Mười"


@pytest.mark.parametrize("data", ["Xã Mỹ An".encode(), "\ufeffXã Mỹ An".encode(), "Xa\u0303 My\u0303 An".encode()])
def test_utf8_with_or_without_bom_decomposed_or_not(data):
    assert decode_bytes(data) == Decoded("Xã Mỹ An", "utf-8")


def test_windows_1258_is_decoded_and_composed():
    assert decode_bytes(CP1258) == Decoded("Xã Mỹ An, Tháp Mười", "cp1258")


@pytest.mark.parametrize("encoding, encoder", [("tcvn3", to_tcvn3), ("vni", to_vni)])
def test_a_legacy_file_is_converted_whether_its_bytes_or_utf8_carry_it(encoding, encoder):
    legacy = encoder(SENTENCE)
    assert legacy != SENTENCE
    assert decode_bytes(encode_single_byte(legacy)) == Decoded(SENTENCE, encoding)
    assert decode_bytes(legacy.encode("utf-8")) == Decoded(SENTENCE, encoding)  # re-saved as UTF-8 by an editor


@pytest.mark.parametrize("encoding, encoder", [("tcvn3", to_tcvn3), ("vni", to_vni)])
def test_a_legacy_cell_is_converted_and_says_from_what(encoding, encoder):
    assert clean_cell(encoder(SENTENCE)) == (SENTENCE, encoding)


def test_a_unicode_cell_is_only_composed():
    assert clean_cell("Xa\u0303 My\u0303 An") == ("Xã Mỹ An", None)
    assert clean_cell("ky") == ("ky", None)
