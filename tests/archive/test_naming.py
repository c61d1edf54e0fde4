"""reportgen.archive.naming: where a record goes, built only from validated codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen import vi
from reportgen.archive import naming
from reportgen.periods import Period

Q1 = Period.parse("2022-Q1")


def test_file_names_carry_number_and_symbol():
    assert naming.record_name("bao-cao", "05", "BC-UBND", 1) == "05-BC-UBND_bao-cao.pdf"
    assert naming.record_name("bao-cao", "", "BC-UBND", 1) == "BC-UBND_bao-cao.pdf"
    assert naming.record_name("bao-cao", "", "BC-UBND", 2) == "BC-UBND_bao-cao_v2.pdf"
    assert naming.record_name("tin-tuc", "", "", 1) == "tin-tuc.pdf"
    assert naming.record_name("thong-bao", "12", "TB/ĐT ../x", 3) == "12-TB-DT-x_thong-bao_v3.pdf"
    assert vi.document_number(5) == "05" and vi.document_number(None) == ""
    assert naming.version_of("05-BC-UBND_bao-cao_v3.pdf", "bao-cao") == 3
    assert naming.version_of("BC-UBND_bao-cao.pdf", "bao-cao") == 1
    assert naming.version_of("TB-VP_thong-bao.pdf", "bao-cao") is None
    with pytest.raises(ValueError):
        naming.record_dir(Path("a"), "2022-Q1", "../etc")


@pytest.mark.parametrize("symbol, safe", [("BC-UBND", "BC-UBND"), ("TB/ĐT", "TB-DT"), ("--Ấp//Mỹ--", "Ap-My"),
                                          ("../..", ""), (None, ""), ("", ""), ("QĐ-UBND", "QD-UBND")])
def test_a_symbol_keeps_only_letters_digits_and_dashes(symbol, safe):
    assert naming.safe_symbol(symbol) == safe


def test_without_a_symbol_the_kind_alone_names_the_file():
    assert naming.stem("bao-cao", "05", "") == "bao-cao"
    assert naming.stem("bao-cao", "05", "/") == "bao-cao"
    assert naming.record_name("bao-cao", "05", "", 2) == "bao-cao_v2.pdf"


def test_a_record_path_is_year_period_unit_file():
    assert naming.record_dir(Path("/kho"), Q1, "TM") == Path("/kho/2022/2022-Q1/TM")
    assert naming.record_path("bao-cao", "TM", Q1, "05", "BC-UBND", 2) == "2022/2022-Q1/TM/05-BC-UBND_bao-cao_v2.pdf"
    assert naming.record_path("tin-tuc", "TM.1", Period.parse("2026-6T"), "", "", 1) == "2026/2026-6T/TM.1/tin-tuc.pdf"
    assert naming.record_path("bao-cao", "AG", Period.parse("2026"), "", "BC", 1) == "2026/2026/AG/BC_bao-cao.pdf"


@pytest.mark.parametrize("unit", ["-x", ".x", "TM/", "TM ", "", "../etc", "TM/../AG", "Xã"])
def test_a_unit_code_unsafe_for_a_path_is_refused(unit):
    with pytest.raises(ValueError, match=r"^unit code not safe for a path: "):
        naming.record_dir(Path("."), Q1, unit)
    with pytest.raises(ValueError):
        naming.record_path("bao-cao", unit, Q1, "", "", 1)


@pytest.mark.parametrize("name, version", [("bao-cao.pdf", 1), ("bao-cao_v12.pdf", 12), ("x_bao-cao_v.pdf", None),
                                           ("05-BC_bao-cao.PDF", None), ("bao-cao.pdf.tmp", None),
                                           ("../x_bao-cao.pdf", None), ("tin-tuc.pdf", None)])
def test_the_version_read_back_from_a_file_name(name, version):
    assert naming.version_of(name, "bao-cao") == version
