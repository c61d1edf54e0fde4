"""reportgen.archive.verify on an archive made by hand: a PDF of a few hundred bytes
(tests/tiny_pdf.py) and its manifest row, then each rule broken one at a time. Tampering with a
real archive is in tests/archive/test_archive.py and tests/behaviour/test_archive_integrity.py."""

from __future__ import annotations

import hashlib

import pytest

from reportgen.archive import manifest
from reportgen.archive.pdf_facts import INTERPOLATED
from reportgen.archive.verify import (
    MARKS,
    NOT_PDFA,
    OWN_FILES,
    UNLISTED,
    UNLISTED_TEMP,
    XMP_OF_COLUMN,
    Mismatch,
    manifest_findings,
    not_an_archive,
    record_count,
    verify,
)
from tests.tiny_pdf import FIELDS, FIGURES, GOOD, PATH, archive_of, packet, row_of, tiny_pdf


def test_a_record_that_agrees_with_its_row_has_no_mismatch(tmp_path):
    root = archive_of(tmp_path, (GOOD, row_of(GOOD)))
    assert verify(root) == []
    assert record_count(root) == 1
    assert manifest_findings(root, [row_of(GOOD)]) == []
    assert row_of(GOOD)["path"] == PATH


def test_no_archive_is_one_missing_mismatch_saying_why(tmp_path):
    (tmp_path / "tep").write_text("x", encoding="utf-8")
    (tmp_path / "rong").mkdir()
    assert not_an_archive(tmp_path / "chua-co") == "thư mục không tồn tại"
    assert not_an_archive(tmp_path / "tep") == "là một tệp, không phải thư mục"
    assert not_an_archive(tmp_path / "rong") == ("thư mục không có manifest.jsonl (chưa có hồ sơ nào được lưu "
                                                        "trữ vào đây bằng reportgen archive)")
    assert verify(tmp_path / "rong") == [Mismatch(str(tmp_path / "rong"), "missing", "không có kho lưu trữ: thư "
                                                         "mục không có manifest.jsonl (chưa có hồ sơ nào được lưu trữ "
                                                         "vào đây bằng reportgen archive)")]
    (tmp_path / "lien-ket").symlink_to(tmp_path / "chua-co")
    assert not_an_archive(tmp_path / "lien-ket") is None  # a dangling link: verify says what it is
    for mark in MARKS:
        folder = tmp_path / mark.strip(".")
        folder.mkdir()
        (folder / mark).write_bytes(b"")
        assert not_an_archive(folder) is None, mark


def test_what_the_bytes_say(tmp_path):
    row = row_of(GOOD)
    root = archive_of(tmp_path, (GOOD + b"\n", row))
    digest = hashlib.sha256(GOOD + b"\n").hexdigest()
    expected = [Mismatch(PATH, "size", f"kích thước {len(GOOD) + 1} byte, manifest ghi {len(GOOD)} byte"),
                Mismatch(PATH, "checksum", f"SHA-256 {digest} khác manifest ({row['sha256']})")]
    assert verify(root) == expected
    assert manifest_findings(root, [row]) == expected
    (root / PATH).unlink()
    assert verify(root) == [Mismatch(PATH, "missing", "có trong manifest nhưng không có tệp")]
    assert manifest_findings(root, [row]) == []  # archive puts a missing record back itself
    (root / PATH).write_bytes(b"not a pdf")
    [*_, unreadable] = verify(root)
    assert unreadable == Mismatch(PATH, "unreadable", "không đọc được như PDF (PdfReadError: PDF starts with 'not a', but '%PDF-' expected)")


@pytest.mark.parametrize("pdf, mismatches", [
    (tiny_pdf(attachments={"so-lieu.csv": FIGURES}, bare_font="Helvetica"),
     [("font", "phông chữ Helvetica không được nhúng")]),
    (tiny_pdf(attachments={"so-lieu.csv": FIGURES}, interpolated=2), [("pdfa", f"2 {INTERPOLATED}")]),
    (tiny_pdf(attachments={"so-lieu.csv": FIGURES}, metadata=packet(FIELDS, 1, part="2")), [("pdfa", NOT_PDFA)]),
    (tiny_pdf(attachments={"so-lieu.csv": FIGURES}, metadata=packet(FIELDS, 1, conformance="A")), [("pdfa", NOT_PDFA)]),
    (tiny_pdf(), [("attachment", "thiếu tệp đính kèm so-lieu.csv")]),
    (tiny_pdf(attachments={"so-lieu.csv": FIGURES + b"x"}), [("attachment", "tệp đính kèm so-lieu.csv có SHA-256 khác manifest")]),
    (tiny_pdf({**FIELDS, "signer": "Nguyễn Văn A"}, attachments={"so-lieu.csv": FIGURES}),
     [("metadata", "signer trong manifest ('Trần Thị Quý') khác tệp ('Nguyễn Văn A')")]),
    (tiny_pdf({**FIELDS, "title": "Thông báo khác"}, attachments={"so-lieu.csv": FIGURES}),
     [("metadata", "title trong manifest ('Thông báo kết luận cuộc họp') khác tệp ('Thông báo khác')")]),
    (tiny_pdf(pages=2, attachments={"so-lieu.csv": FIGURES}, metadata=packet(FIELDS, 1)),
     [("metadata", "pages trong manifest ('1') khác tệp ('2')")]),
    (tiny_pdf(attachments={"so-lieu.csv": FIGURES}, metadata=packet(FIELDS, 2)),
     [("metadata", "pages trong manifest ('1') khác tệp ('2')")]),
])
def test_what_the_pdf_says(tmp_path, pdf, mismatches):
    """Each rule alone: the row is made for the altered file, so only that rule can object."""
    root = archive_of(tmp_path, (pdf, row_of(pdf)))
    assert [(m.check, m.message) for m in verify(root)] == mismatches
    assert {m.path for m in verify(root)} == {PATH}


def test_a_pdf_without_xmp_fails_pdfa_and_every_metadata_column(tmp_path):
    pdf = tiny_pdf(attachments={"so-lieu.csv": FIGURES}, xmp_packet=False)
    row = row_of(pdf)
    found = verify(archive_of(tmp_path, (pdf, row)))
    assert found[0] == Mismatch(PATH, "pdfa", NOT_PDFA)
    assert [m.message for m in found[1:]] == [
        f"{column} trong manifest ({str(row[column])!r}) khác tệp (None)" for column in XMP_OF_COLUMN
    ] + ["pages trong manifest ('1') khác tệp (None)"]


def test_files_no_row_lists_are_reported_but_not_the_archives_own(tmp_path):
    root = archive_of(tmp_path, (GOOD, row_of(GOOD)))
    (root / "2022" / "ghi-chu.txt").write_text("x", encoding="utf-8")
    (root / "2022" / "2022-Q1" / "TM" / ".TB-VP_thong-bao_v2.pdf.k3j4.tmp").write_bytes(b"%PDF")
    (root / ".archive.lock").write_bytes(b"")  # the archive's own files are not listed, and not unlisted
    assert ".archive.lock" in OWN_FILES
    assert verify(root) == [Mismatch("2022/2022-Q1/TM/.TB-VP_thong-bao_v2.pdf.k3j4.tmp", "unlisted", UNLISTED_TEMP),
                            Mismatch("2022/ghi-chu.txt", "unlisted", UNLISTED)]


def test_a_row_must_be_where_its_identity_puts_it_and_claim_nothing_twice(tmp_path):
    second = tiny_pdf({**FIELDS, "signer": "B"}, attachments={"so-lieu.csv": FIGURES})
    moved = row_of(second, version=2, unit="AG")  # path says TM, row says AG
    root = archive_of(tmp_path, (GOOD, row_of(GOOD)), (second, {**moved, "signer": "B"}))
    identity = [m for m in verify(root) if m.check == "identity"]
    assert identity == [Mismatch("2022/2022-Q1/TM/TB-VP_thong-bao_v2.pdf", "identity",
                                 "đường dẫn không khớp với loại, đơn vị, kỳ, số, ký hiệu và phiên bản của dòng manifest "
                                 "(phải là 2022/2022-Q1/AG/TB-VP_thong-bao_v2.pdf)")]
    rows = [row_of(GOOD), row_of(GOOD), {**row_of(second, version=2), "version": 1, "sha256": row_of(GOOD)["sha256"]},
            row_of(second, version=3, period="2022-Q5")]
    assert manifest_findings(tmp_path / "khong-co", rows) == [
        Mismatch("manifest.jsonl", "manifest", f"{PATH} có 2 dòng trong manifest"),
        Mismatch("2022/2022-Q1/TM/TB-VP_thong-bao_v2.pdf", "identity", "cùng văn bản và phiên bản (thong-bao TM 2022-Q1, "
                 f"phiên bản 1) với {PATH}"),
        Mismatch("2022/2022-Q1/TM/TB-VP_thong-bao_v2.pdf", "identity", f"cùng nội dung (SHA-256) với {PATH}"),
        Mismatch("2022/2022-Q1/TM/TB-VP_thong-bao_v2.pdf", "identity", "đường dẫn không khớp với loại, đơn vị, kỳ, số, "
                 f"ký hiệu và phiên bản của dòng manifest (phải là {PATH})"),
        Mismatch("2022/2022-Q1/TM/TB-VP_thong-bao_v3.pdf", "identity", "đơn vị 'TM' hoặc kỳ '2022-Q5' của dòng "
                 "manifest không hợp lệ")]


def test_a_broken_manifest_is_reported_and_its_rows_still_checked(tmp_path):
    root = archive_of(tmp_path, (GOOD, row_of(GOOD)))
    (root / manifest.CSV_NAME).unlink()
    assert verify(root) == [Mismatch("manifest.csv", "manifest", "thiếu tệp manifest.csv")]
    with open(root / manifest.JSONL_NAME, "a", encoding="utf-8") as handle:
        handle.write("[]\n")
    assert verify(root) == [Mismatch("manifest.jsonl", "manifest", "dòng 2: không phải một đối tượng JSON")]
    assert str(verify(root)[0]) == "manifest.jsonl: dòng 2: không phải một đối tượng JSON"
