"""reportgen.web.signing_form: the number and date the clerk types, and which file of a document
the clerk may sign (never one reached through a link). Signing from the page is in
tests/archive/test_signed.py."""

from __future__ import annotations

import datetime as dt

import pytest

from reportgen.web.signing_form import parse, signable

NUMBER = "Số văn bản là số nguyên dương, ví dụ 5."
DAY = "Ngày ban hành theo dạng ngày/tháng/năm, ví dụ 15/03/2022."


@pytest.mark.parametrize("number, day, parsed", [
    ("5", "15/03/2022", (5, dt.date(2022, 3, 15), {})),
    (" 12 ", " 1/3/2022 ", (12, dt.date(2022, 3, 1), {})),
    ("7", "2022-03-15", (7, dt.date(2022, 3, 15), {})),
    ("0", "15/03/2022", (None, dt.date(2022, 3, 15), {"so": NUMBER})),
    ("-1", "15/03/2022", (None, dt.date(2022, 3, 15), {"so": NUMBER})),
    ("5a", "15/03/2022", (None, dt.date(2022, 3, 15), {"so": NUMBER})),
    ("١٢", "15/03/2022", (None, dt.date(2022, 3, 15), {"so": NUMBER})),   # Arabic-Indic digits, which int() reads
    ("１２", "15/03/2022", (None, dt.date(2022, 3, 15), {"so": NUMBER})),  # full-width digits
    ("1234567890", "15/03/2022", (None, dt.date(2022, 3, 15), {"so": NUMBER})),
    ("", "", (None, None, {"so": NUMBER, "ngay": DAY})),
    ("5", "31/02/2022", (5, None, {"ngay": DAY})),
    ("5", "03/15/2022", (5, None, {"ngay": DAY})),
])
def test_parse(number, day, parsed):
    assert parse(number, day) == parsed


def test_the_signers_copy_comes_first_then_the_built_pdf(tmp_path):
    folder = tmp_path / "2022-Q1" / "TM"
    folder.mkdir(parents=True)
    assert signable(tmp_path, "2022-Q1", "TM", "bao-cao") is None
    (folder / "bao-cao.pdf").write_bytes(b"%PDF")
    assert signable(tmp_path, "2022-Q1", "TM", "bao-cao") == folder / "bao-cao.pdf"
    (folder / "bao-cao.signed.pdf").write_bytes(b"%PDF")
    assert signable(tmp_path, "2022-Q1", "TM", "bao-cao") == folder / "bao-cao.signed.pdf"
    assert signable(tmp_path, "2022-Q1", "TM", "thong-bao") is None


def test_a_linked_file_or_folder_is_never_signable(tmp_path):
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "bao-cao.pdf").write_bytes(b"%PDF")
    out = tmp_path / "outputs"
    (out / "2022-Q1").mkdir(parents=True)
    (out / "2022-Q1" / "TM").symlink_to(outside, target_is_directory=True)
    assert signable(out, "2022-Q1", "TM", "bao-cao") is None
    (out / "2022-Q1" / "AG").mkdir()
    (out / "2022-Q1" / "AG" / "bao-cao.pdf").symlink_to(outside / "bao-cao.pdf")
    assert signable(out, "2022-Q1", "AG", "bao-cao") is None
    (out / "2022-Q1" / "AG" / "bao-cao.signed.pdf").mkdir()  # a folder is not a file to sign
    assert signable(out, "2022-Q1", "AG", "bao-cao") is None
