"""Legacy Vietnamese encodings: TCVN3 (ABC) and VNI tables, detection, conversion."""

from __future__ import annotations

import unicodedata

import pytest

from reportgen.sources.legacy import (
    convert_legacy,
    decode_single_byte,
    detect_legacy,
    encode_single_byte,
    reinterpret,
    to_tcvn3,
    to_vni,
    vietnamese_letters,
)

ENCODERS = {"tcvn3": to_tcvn3, "vni": to_vni}
CP1252_GAPS = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])

PLACES = [
    "Ủy ban nhân dân huyện Tháp Mười",
    "Thủ tục hành chính",
    "Xã Mỹ Hòa",
    "Đốc Binh Kiều",
    "Thị trấn Mỹ An",
    "Láng Biển",
    "Trường Xuân",
    "Hưng Thạnh",
    "Phú Điền",
    "Thạnh Lợi",
    "Tháp Mười",
]

UNICODE_PHRASES = [
    "Ủy ban nhân dân huyện Tháp Mười",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Báo cáo kết quả giải quyết thủ tục hành chính quý I năm 2022",
    "Số: 15/BC-UBND",
    "Nơi nhận: Như trên; Lưu: VT.",
    "Tỷ lệ hồ sơ giải quyết đúng hạn",
    "Xã Mỹ Hòa", "Đốc Binh Kiều", "Thị trấn Mỹ An", "Láng Biển", "Trường Xuân",
    "Hưng Thạnh", "Phú Điền", "Thạnh Lợi",
    # Only Latin-1 letters: no veto, the word test must hold on its own.
    "Tháp", "Cà Mau", "Hòa Bình", "Trà Vinh", "Châu Thành", "Cao Lãnh", "Hồ Chí Minh",
    "Bà Rịa", "Tân Hồng", "Lai Vung", "Lấp Vò", "Tam Nông", "Thanh Bình", "Lê Văn Tám",
    "Giám đốc Sở Nội vụ", "Phó Chủ tịch", "Hà Tiên", "Bến Tre",
]

OTHER_TEXT = [
    "", "2022-Q1", "Q4/2023", "1.234,56", "12%", "N/A", "TOTAL",
    "ma_don_vi,ten_don_vi,cap,ma_cap_tren",
    "ma_don_vi;ten_don_vi;cap;ma_cap_tren",
    "DV01,UBND huyen Thap Muoi,huyen,DT",
    "Hello world", "Quarterly report of the one-stop shop",
    "naïve café résumé", "Müller & Söhne GmbH", "São Paulo", "El niño está aquí",
    "Où est la gare ? Voilà", "Je ne sais pas où il est", "Ça va? Très bien, merci",
    "“Smart quotes” – dashes — and ellipses…", "Price: €100 ± 5% (©2020 Acme®)",
    "Ærøskøbing", "Straße über Ärger", "25°C", "x² + y³", "señor año mañana",
]


def _sample_words() -> list[str]:
    """Every vowel with every tone, in upper and lower case, inside syllables."""
    words = []
    for letter in vietnamese_letters() + list("aeiouyAEIOUY"):
        onset = "T" if letter.isupper() else "t"
        words += [letter, onset + letter, onset + letter + "n", letter + "ng"]
    return words


# --- tables ---------------------------------------------------------------------


def test_alphabet_has_134_nfc_letters():
    letters = vietnamese_letters()
    assert len(letters) == len(set(letters)) == 134
    assert all(unicodedata.is_normalized("NFC", c) and len(c) == 1 for c in letters)
    assert letters[67:] == [c.upper() for c in letters[:67]]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_alphabet_round_trips(encoding):
    text = "".join(vietnamese_letters())
    assert convert_legacy(ENCODERS[encoding](text), encoding) == text
    spaced = " ".join(vietnamese_letters())
    assert convert_legacy(ENCODERS[encoding](spaced), encoding) == spaced


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_syllables_round_trip(encoding):
    text = " ".join(_sample_words())
    assert convert_legacy(ENCODERS[encoding](text), encoding) == text


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_every_letter_has_its_own_code(encoding):
    codes = [ENCODERS[encoding](c) for c in vietnamese_letters()]
    assert len(set(codes)) == 134


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_decomposed_input_is_encoded_like_nfc(encoding):
    text = "Thủ tục hành chính"
    assert ENCODERS[encoding](unicodedata.normalize("NFD", text)) == ENCODERS[encoding](text)


@pytest.mark.parametrize(
    ("text", "tcvn3"),
    [
        ("Thủ tục hành chính", "Thñ tôc hµnh chÝnh"),
        ("Tháp Mười", "Th¸p M\xadêi"),
        ("nhân dân", "nh©n d©n"),
        ("Xã Mỹ Hòa", "X· Mü Hßa"),
        ("Đốc Binh Kiều", "§èc Binh KiÒu"),
        ("ăâêôơưđ ĂÂÊÔƠƯĐ", "¨©ª«¬\xad® ¡¢£¤¥¦§"),
    ],
)
def test_tcvn3_known_strings(text, tcvn3):
    assert to_tcvn3(text) == tcvn3


@pytest.mark.parametrize(
    ("letter", "byte"),
    [
        ("à", 0xB5), ("á", 0xB8), ("ả", 0xB6), ("ã", 0xB7), ("ạ", 0xB9),
        ("đ", 0xAE), ("Đ", 0xA7), ("ư", 0xAD), ("ơ", 0xAC), ("ỵ", 0xFE),
        ("À", 0x80), ("Ả", 0x81), ("Ì", 0x8D), ("Ĩ", 0x8F), ("Í", 0x90), ("Ù", 0x9D),
        ("Ủ", 0x9E), ("Ú", 0x01), ("Ý", 0x16), ("Ố", 0xFF),
    ],
)
def test_tcvn3_byte_positions(letter, byte):
    assert encode_single_byte(to_tcvn3(letter)) == bytes([byte])


@pytest.mark.parametrize(
    ("text", "vni"),
    [
        ("Ủy ban nhân dân", "UÛy ban nhaân daân"),
        ("Tháp Mười", "Thaùp Möôøi"),
        ("Mỹ Hòa", "Myõ Hoøa"),
        ("Đốc Binh Kiều", "Ñoác Binh Kieàu"),
        ("Thị trấn", "Thò traán"),
        ("ăằắẳẵặ ĂẰẮẲẴẶ", "aêaèaéaúaüaë AÊAÈAÉAÚAÜAË"),
        ("âầấẩẫậ ÂẦẤẨẪẬ", "aâaàaáaåaãaä AÂAÀAÁAÅAÃAÄ"),
        ("ìíỉĩị ỳýỷỹỵ ĐƠƯ", "ìíæóò yøyùyûyõî ÑÔÖ"),
    ],
)
def test_vni_known_strings(text, vni):
    assert to_vni(text) == vni


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("char", ["ß", "€", "–", "ü", "\x01", "中"])
def test_encoders_refuse_what_they_cannot_hold(encoding, char):
    with pytest.raises(ValueError):
        ENCODERS[encoding]("Tháp" + char)


def test_convert_rejects_unknown_encoding():
    with pytest.raises(ValueError):
        convert_legacy("abc", "viscii")


# --- single-byte decoding -----------------------------------------------------------


def test_decode_single_byte_is_cp1252_with_latin1_gaps():
    every = bytes(range(256))
    text = decode_single_byte(every)
    assert len(text) == 256
    for byte, char in zip(every, text):
        if byte in CP1252_GAPS:
            assert char == chr(byte)
        else:
            assert char == bytes([byte]).decode("cp1252")
    assert encode_single_byte(text) == every


def test_tcvn3_file_bytes_are_cp1252_of_the_mojibake():
    text = "Ủy ban nhân dân huyện Tháp Mười\nXã Mỹ Hòa;ĐỐC BINH KIỀU;Thị trấn Mỹ An\n"
    data = to_tcvn3(text).encode("cp1252")
    assert data == encode_single_byte(to_tcvn3(text))
    assert b"nh\xa9n d\xa9n" in data and b"Th\xb8p M\xad\xeai" in data
    assert decode_single_byte(data) == to_tcvn3(text)
    assert convert_legacy(decode_single_byte(data), "tcvn3") == text


def test_tcvn3_capitals_in_cp1252_gaps_use_latin1():
    text = "Ả Ì Ĩ Í Ù"
    with pytest.raises(UnicodeEncodeError):
        to_tcvn3(text).encode("cp1252")
    data = encode_single_byte(to_tcvn3(text))
    assert data == b"\x81 \x8d \x8f \x90 \x9d"
    assert convert_legacy(decode_single_byte(data), "tcvn3") == text


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_whole_alphabet_through_bytes(encoding):
    text = " ".join(vietnamese_letters())
    data = encode_single_byte(ENCODERS[encoding](text))
    assert convert_legacy(decode_single_byte(data), encoding) == text
    # A Latin-1 reader gets C1 controls for 0x80..0x9F; the tables take those too.
    assert convert_legacy(data.decode("latin-1"), encoding) == text


def test_vni_file_bytes_are_cp1252_of_the_mojibake():
    text = " ".join(vietnamese_letters())
    data = to_vni(text).encode("cp1252")
    assert max(b for b in data if b > 0x7F) >= 0xC0 and min(b for b in data if b > 0x7F) >= 0xC0
    assert decode_single_byte(data) == to_vni(text)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_text_read_as_cp1258_is_reinterpreted(encoding):
    text = "Xã Mỹ Hòa, Đốc Binh Kiều, Thị trấn Mỹ An"
    data = encode_single_byte(ENCODERS[encoding](text))
    as_cp1258 = data.decode("cp1258")  # recomposes some bytes: ơ, ư, combining marks
    assert as_cp1258 != ENCODERS[encoding](text)
    assert detect_legacy(as_cp1258) is None
    view = reinterpret(as_cp1258, "cp1258")
    assert view == ENCODERS[encoding](text)
    assert convert_legacy(view, encoding) == text


# --- detection ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("text", PLACES)
def test_detects_and_converts_place_names(encoding, text):
    legacy = ENCODERS[encoding](text)
    assert detect_legacy(legacy) == encoding
    assert convert_legacy(legacy, encoding) == text


@pytest.mark.parametrize(
    ("mojibake", "encoding", "unicode"),
    [
        ("Thñ tôc hµnh chÝnh", "tcvn3", "Thủ tục hành chính"),
        ("Th¸p M\xadêi", "tcvn3", "Tháp Mười"),
        ("Uû ban nh©n d©n huyÖn Th¸p M\xadêi", "tcvn3", "Uỷ ban nhân dân huyện Tháp Mười"),
        ("§éc lËp - Tù do - H¹nh phóc", "tcvn3", "Độc lập - Tự do - Hạnh phúc"),
        ("UÛy ban nhaân daân", "vni", "Ủy ban nhân dân"),
        ("Thaùp Möôøi", "vni", "Tháp Mười"),
        ("Xaõ Myõ Hoøa", "vni", "Xã Mỹ Hòa"),
    ],
)
def test_detects_mojibake_as_seen_by_users(mojibake, encoding, unicode):
    assert detect_legacy(mojibake) == encoding
    assert convert_legacy(mojibake, encoding) == unicode


def test_abc_capitals_typed_with_lower_case_codes():
    # .VnTimeH shows these in capitals; in plain text the lower-case codes remain.
    line = "CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM"
    assert detect_legacy(line) == "tcvn3"
    assert convert_legacy(line, "tcvn3") == "CộNG HOà Xã HộI CHủ NGHĩA VIệT NAM"


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_detects_a_whole_csv_file(encoding):
    rows = [
        "ma_don_vi,ten_don_vi,cap,ma_cap_tren",
        "DT,Tỉnh Đồng Tháp,tinh,",
        "TM,Ủy ban nhân dân huyện Tháp Mười,huyen,DT",
        "TM01,Thị trấn Mỹ An,xa,TM",
        "TM02,Xã Mỹ Hòa,xa,TM",
        "TM03,Xã Đốc Binh Kiều,xa,TM",
        "TM04,Xã Láng Biển,xa,TM",
        "TM05,Xã Trường Xuân,xa,TM",
        "TM06,Xã Hưng Thạnh,xa,TM",
        "TM07,Xã Phú Điền,xa,TM",
        "TM08,Xã Thạnh Lợi,xa,TM",
        "Q1,2022-Q1,1234,98.5",
    ]
    text = "\r\n".join(rows) + "\r\n"
    data = encode_single_byte(ENCODERS[encoding](text))
    single = decode_single_byte(data)
    assert detect_legacy(single) == encoding
    assert convert_legacy(single, encoding) == text
    assert detect_legacy(text) is None


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_detects_every_row_of_the_csv_on_its_own(encoding):
    for name in ["Tỉnh Đồng Tháp", "Ủy ban nhân dân huyện Tháp Mười", "Xã Phú Điền"]:
        assert detect_legacy(ENCODERS[encoding](f"TM,{name},huyen,DT")) == encoding


@pytest.mark.parametrize("text", UNICODE_PHRASES)
def test_unicode_vietnamese_is_not_flagged(text):
    assert detect_legacy(text) is None
    assert detect_legacy(unicodedata.normalize("NFD", text)) is None


@pytest.mark.parametrize("text", OTHER_TEXT)
def test_ascii_english_and_european_text_is_not_flagged(text):
    assert detect_legacy(text) is None


def test_csv_header_is_not_flagged():
    assert detect_legacy("ma_don_vi,ten_don_vi,cap,ma_cap_tren") is None


def test_utf8_mojibake_is_not_flagged():
    for text in UNICODE_PHRASES:
        assert detect_legacy(decode_single_byte(text.encode("utf-8"))) is None


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_plain_ascii_is_left_alone(encoding):
    text = "UBND huyen Thap Muoi, 2022-Q1: 1234 ho so (98.5%)"
    assert convert_legacy(text, encoding) == text
    assert ENCODERS[encoding](text) == text


def test_conversion_output_is_nfc():
    for encoding, encode in ENCODERS.items():
        out = convert_legacy(encode(" ".join(_sample_words())), encoding)
        assert unicodedata.is_normalized("NFC", out)
