import inspect
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest

import reportgen.vi as vi
from reportgen.templating import phrase
from reportgen.vi import FILTERS
from reportgen.vi.prose import (
    BLANK_NUMBER,
    DEFAULT_ABBREVIATIONS,
    Abbreviations,
    CountChange,
    ShareChange,
    count_change,
    join_prose,
    number_line,
    sentence,
    share_change,
)


def compare(current, previous, noun="hồ sơ", reference=None):
    """The built-in count_compared macro fed by count_change (as phrases.html.j2's changes does)."""
    return phrase("count_compared", c=count_change(current, previous), reference=reference, noun=noun)


def compare_share(current, previous, reference):
    return phrase("share_compared", c=share_change(current, previous), reference=reference)

NBSP = "\u00a0"
# Open syllables "oa", "oe", "uy" with the tone on the last vowel (modern placement); "quý" is fine.
MODERN_TONE = re.compile(r"(?<![qQ])(?:[oO][àáảãạèéẻẽẹ]|[uU][ỳýỷỹỵ])(?!\w)")


# number_line

@pytest.mark.parametrize(
    "number, symbol, expected",
    [
        (5, "BC-UBND", "Số: 05/BC-UBND"),
        (1, "TB-VP", "Số: 01/TB-VP"),
        (9, "BC-UBND", "Số: 09/BC-UBND"),
        (10, "BC-UBND", "Số: 10/BC-UBND"),
        (123, "UBND-VP", "Số: 123/UBND-VP"),
        (1234, "UBND-VP", "Số: 1234/UBND-VP"),
        ("7", "KH-UBND", "Số: 07/KH-UBND"),
        (5, "/XD-UBND", "Số: 05/XD-UBND"),  # a symbol written with its slash: one slash only
    ],
)
def test_number_line(number, symbol, expected):
    assert number_line(number, symbol) == expected


def test_number_line_blank_for_the_records_clerk():
    assert BLANK_NUMBER == NBSP * 6
    assert number_line(None, "BC-UBND") == "Số:" + NBSP * 6 + "/BC-UBND"
    assert number_line("", "TB-VP") == "Số:" + NBSP * 6 + "/TB-VP"


@pytest.mark.parametrize("number, symbol", [(0, "BC-UBND"), (-3, "BC-UBND"), ("5a", "BC-UBND"), (5, ""), (5, None)])
def test_number_line_rejects(number, symbol):
    with pytest.raises(ValueError):
        number_line(number, symbol)


def test_number_line_names_the_missing_symbol():
    with pytest.raises(ValueError, match="^symbol is required$"):
        number_line(5, " ")


# join_prose

@pytest.mark.parametrize(
    "items, kwargs, expected",
    [
        ([], {}, ""),
        ([], {"open_ended": True}, ""),
        (["a"], {}, "a"),
        (["a"], {"open_ended": True}, "a,..."),
        (["a", "b", "c"], {}, "a; b; c"),
        (["a", "b", "c"], {"open_ended": True}, "a; b; c,..."),
        (["a", "b", "c"], {"sep": ","}, "a, b, c"),
        (["a", "b"], {"sep": ",", "open_ended": True}, "a, b,..."),
        ([" a; ", "", "b,"], {}, "a; b"),
        (["Khu phố X;", "Ấp IX"], {}, "Khu phố X; Ấp IX"),  # only the separators are stripped
    ],
)
def test_join_prose(items, kwargs, expected):
    assert join_prose(items, **kwargs) == expected


def test_join_prose_takes_any_iterable():
    # made here, not in the parameters: a generator made at collection is empty when run again
    assert join_prose("x" for x in range(2)) == "x; x"


def test_join_prose_rejects_other_separators():
    with pytest.raises(ValueError, match="^sep must be ';' or ',', got '/'$"):
        join_prose(["a", "b"], sep="/")


# Abbreviations

def test_abbreviation_spelled_out_once_per_object():
    abbr = Abbreviations({"UBND": "Ủy ban nhân dân", "CCHC": "cải cách hành chính"})
    assert abbr("UBND") == "Ủy ban nhân dân (UBND)"
    assert abbr("UBND") == "UBND"
    assert abbr("CCHC") == "cải cách hành chính (CCHC)"
    assert abbr("CCHC") == "CCHC"
    other = Abbreviations({"UBND": "Ủy ban nhân dân"})
    assert other("UBND") == "Ủy ban nhân dân (UBND)"


def test_abbreviation_capitalised_at_sentence_start():
    abbr = Abbreviations()
    assert abbr("TTHC", capitalize=True) == "Thủ tục hành chính (TTHC)"
    assert abbr("TTHC", capitalize=True) == "TTHC"
    assert abbr("CCHC", capitalize=True) == "Cải cách hành chính (CCHC)"


def test_abbreviations_reset_and_contains():
    abbr = Abbreviations()
    assert abbr("UBND") == "Ủy ban nhân dân (UBND)"
    abbr.reset()
    assert abbr("UBND") == "Ủy ban nhân dân (UBND)"
    assert "TTHC" in abbr
    assert "XYZ" not in abbr


def test_the_longest_form_is_found_first_whatever_its_letter_case():
    """An abbreviation whose long form begins another's: the longer one is found in the text
    (forms tried longest first, not in the order of their letters)."""
    abbr = Abbreviations({"UB": "ủy ban", "UBND": "Ủy ban nhân dân"})
    assert abbr.text("Ủy ban nhân dân huyện và ủy ban") == "Ủy ban nhân dân (UBND) huyện và ủy ban (UB)"


def test_unknown_abbreviation_is_a_clear_key_error():
    abbr = Abbreviations({"UBND": "Ủy ban nhân dân"})
    with pytest.raises(KeyError, match="unknown abbreviation 'HĐND'.*UBND"):
        abbr("HĐND")


def test_default_abbreviations():
    assert DEFAULT_ABBREVIATIONS["UBND"] == "Ủy ban nhân dân"
    assert DEFAULT_ABBREVIATIONS["CCHC"] == "cải cách hành chính"
    assert DEFAULT_ABBREVIATIONS["TTHC"] == "thủ tục hành chính"


def test_abbreviations_normalise_input_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Ủy ban nhân dân")
    abbr = Abbreviations({"UBND": decomposed})
    assert abbr("UBND") == "Ủy ban nhân dân (UBND)"


# compare

@pytest.mark.parametrize(
    "current, previous, expected",
    [
        (91, 79, "tăng 12 hồ sơ (15,2%) so với cùng kỳ năm 2021"),
        (117, 122, "giảm 05 hồ sơ (4,1%) so với cùng kỳ năm 2021"),
        (80, 80, "bằng cùng kỳ năm 2021"),
        (0, 0, "bằng cùng kỳ năm 2021"),
        (12, 0, "tăng 12 hồ sơ so với cùng kỳ năm 2021"),
        (0, 7, "giảm 07 hồ sơ (100%) so với cùng kỳ năm 2021"),
        (20, 10, "tăng 10 hồ sơ (100%) so với cùng kỳ năm 2021"),
        (1234, 200, "tăng 1.034 hồ sơ (517%) so với cùng kỳ năm 2021"),
        (2000, 1000, "tăng 1.000 hồ sơ (100%) so với cùng kỳ năm 2021"),
        (9, 8, "tăng 01 hồ sơ (12,5%) so với cùng kỳ năm 2021"),
        (161, 160, "tăng 01 hồ sơ (0,6%) so với cùng kỳ năm 2021"),
        # 1/400 = 0,25%: half-up gives 0,3 (half-even would give 0,2)
        (401, 400, "tăng 01 hồ sơ (0,3%) so với cùng kỳ năm 2021"),
    ],
)
def test_compare(current, previous, expected):
    assert compare(current, previous, reference="cùng kỳ năm 2021") == expected


def test_compare_noun_and_positional_reference():
    assert compare(15, 10, "tập thể", "quý IV năm 2021") == "tăng 05 tập thể (50%) so với quý IV năm 2021"


@pytest.mark.parametrize("current, previous", [(10, None), (None, 10), (-1, 5), (5, -1), (2.5, 1)])
def test_compare_rejects_missing_or_bad_figures(current, previous):
    with pytest.raises(ValueError):
        compare(current, previous, reference="cùng kỳ năm 2021")


def test_count_change_values():
    assert count_change(91, 79) == CountChange("up", 12, Decimal(12) / Decimal(79))
    assert count_change(117, 122) == CountChange("down", 5, Decimal(5) / Decimal(122))
    assert count_change(80, 80) == CountChange("same", 0, None)
    assert count_change(12, 0) == CountChange("up", 12, None)


# compare_share

@pytest.mark.parametrize(
    "current, previous, expected",
    [
        (0.985, 0.962, "tăng 2,3 điểm phần trăm so với quý IV năm 2021"),
        (0.962, 0.985, "giảm 2,3 điểm phần trăm so với quý IV năm 2021"),
        (0.985, 0.985, "bằng quý IV năm 2021"),
        (0.9851, 0.985, "bằng quý IV năm 2021"),
        (0.99, 0.97, "tăng 2 điểm phần trăm so với quý IV năm 2021"),
        (0.9, 0.85, "tăng 5 điểm phần trăm so với quý IV năm 2021"),
        (0.50, 0.4995, "tăng 0,1 điểm phần trăm so với quý IV năm 2021"),
        (0.4995, 0.50, "giảm 0,1 điểm phần trăm so với quý IV năm 2021"),
    ],
)
def test_compare_share(current, previous, expected):
    assert compare_share(current, previous, "quý IV năm 2021") == expected


def test_share_change_values_are_rounded_points():
    assert share_change(0.985, 0.962) == ShareChange("up", Decimal("2.3"), 1)
    assert share_change(0.4995, 0.50) == ShareChange("down", Decimal("0.1"), 1)
    assert share_change(0.9851, 0.985) == ShareChange("same", Decimal("0.0"), 1)
    assert share_change(0.985, 0.962, 2) == ShareChange("up", Decimal("2.30"), 2)


def test_share_change_rejects_missing():
    with pytest.raises(ValueError):
        share_change(None, 0.9)


# FILTERS, Unicode

EXPECTED_FILTERS = {
    "number", "decimal", "percent", "count", "roman", "date_prose", "date_line", "date_table", "date_news",
    "part_of_day", "period", "period_upper", "quarter_name", "cutoff_window", "number_line", "document_number",
    "join_prose", "count_change", "share_change", "upper_first", "point_letter", "percent_exact", "share_cell",
    "share", "share_table", "score", "sentence",
}


def test_filters_names_and_targets():
    assert set(FILTERS) == EXPECTED_FILTERS
    for name, func in FILTERS.items():
        assert func is getattr(vi, name)


def test_filters_render_in_jinja():
    env = jinja2.Environment()
    env.filters.update(FILTERS)
    template = env.from_string(
        "{{ 1234 | number }} {{ 0.985 | percent }} {{ 6 | count }} {{ '2022-Q1' | period }} "
        "{{ 5 | number_line('BC-UBND') }} {{ (91 | count_change(79)).difference }} {{ 2 | decimal(1, trim=true) }}"
    )
    assert template.render() == "1.234 98,5% 06 quý I năm 2022 Số: 05/BC-UBND 12 2"


def test_outputs_are_nfc():
    outputs = [
        vi.period_upper("2022-Q1"), vi.date_line("Tháp Mười", "2022-03-09"), vi.part_of_day("chieu"),
        compare(91, 79, reference="cùng kỳ năm 2021"), Abbreviations()("UBND"),
    ]
    for text in outputs:
        assert unicodedata.is_normalized("NFC", text), text


def test_source_is_nfc_with_traditional_tone_marks():
    package = Path(inspect.getfile(vi)).parent
    for path in package.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), path.name
        assert not MODERN_TONE.findall(text), path.name


def test_modern_tone_pattern_catches_modern_spelling():
    assert MODERN_TONE.findall("Uỷ ban, Hoà, thuỷ, khoẻ") == ["Uỷ", "oà", "uỷ", "oẻ"]
    assert MODERN_TONE.findall("Ủy ban, Hòa, thủy, khỏe, quý, toán, hoạt") == []


def test_abbreviations_inside_data_text():
    from reportgen.vi import Abbreviations

    abbr = Abbreviations()
    assert abbr.text("lãnh đạo các cơ quan chuyên môn thuộc UBND huyện") == \
        "lãnh đạo các cơ quan chuyên môn thuộc Ủy ban nhân dân (UBND) huyện"
    assert abbr.text("Chủ tịch Ủy ban nhân dân huyện Tháp Mười") == "Chủ tịch UBND huyện Tháp Mười"
    assert abbr.text("Cải cách hành chính và thủ tục hành chính; CCHC") == \
        "Cải cách hành chính (CCHC) và thủ tục hành chính (TTHC); CCHC"
    assert abbr.text("đơn giản hóa các thủ tục hành chính") == "đơn giản hóa các TTHC"
    assert abbr.text("UBNDX không phải viết tắt") == "UBNDX không phải viết tắt"


def test_upper_first_keeps_the_rest():
    from reportgen.vi import upper_first

    assert upper_first("cấp xã và UBND huyện") == "Cấp xã và UBND huyện"
    assert upper_first("ủy ban") == "Ủy ban"
    assert upper_first("") == ""


@pytest.mark.parametrize("number, letter", [(1, "a"), (4, "d"), (5, "đ"), (6, "e"), (7, "g"), (23, "y"), (24, "aa")])
def test_point_letters_follow_the_vietnamese_alphabet(number, letter):
    from reportgen.vi import point_letter

    assert point_letter(number) == letter


def test_point_letter_refuses_zero():
    from reportgen.vi import point_letter

    with pytest.raises(ValueError, match="point number must be 1 or more"):
        point_letter(0)


@pytest.mark.parametrize(("text", "expected"), [
    ("niêm yết công khai thủ tục", "Niêm yết công khai thủ tục."),
    ("Đã xong.", "Đã xong."),
    ("gồm:", "Gồm:"),
    ("có thật không?  ", "Có thật không?"),
    ("ước đạt…", "Ước đạt…"),
])
def test_sentence_starts_upper_and_ends_with_a_stop(text, expected):
    assert sentence(text) == expected
