"""Signed records in the archive, and the manifest sealed with the office's key (issue 24)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.archive import manifest, verify
from reportgen.cli import main
from tests.conftest import SAMPLE
from tests.signing_pki import issue, make_pki, p12_args, validate

PERIOD, UNIT = "2022-Q1", "TM"
UNSIGNED = "2022/2022-Q1/TM/BC-UBND_bao-cao.pdf"
SIGNED = "2022/2022-Q1/TM/05-BC-UBND_bao-cao_v2.pdf"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def signed_archive(tmp_path_factory, pki) -> Path:
    """Build, archive, sign the record (signer, then office), archive again with the manifest sealed."""
    root = tmp_path_factory.mktemp("kho")
    out, archive = root / "outputs", root / "archive"
    scope = ["-w", SAMPLE, "-p", PERIOD, "-u", UNIT, "-k", "bao-cao"]
    assert run("build", *scope, "-o", out).exit_code == 0
    result = run("archive", *scope, "-a", archive, "--built", out)
    assert result.exit_code == 0, result.output
    record = archive / UNSIGNED
    built = out / PERIOD / UNIT
    result = run("sign", record, "--role", "signer", *p12_args(pki.signer, pki), "--signature-image",
                 pki.signature_png)
    assert result.exit_code == 2 and "tệp nằm trong kho lưu trữ" in result.output
    assert run("sign", record, "--role", "signer", *p12_args(pki.signer, pki), "--signature-image",
               pki.signature_png, "-o", built / "bao-cao.signed.pdf").exit_code == 0
    result = run("sign", built / "bao-cao.signed.pdf", "--role", "office", *p12_args(pki.office, pki),
                 "--seal-image", pki.seal_png, "--number", "5", "--date", "2022-03-15", "-a", archive)
    assert result.exit_code == 0, result.output
    result = run("archive", *scope, "-a", archive, "--built", out, *["--seal-p12", pki.office.p12,
                 "--seal-password-file", pki.password_file])
    assert result.exit_code == 0, result.output
    assert f"phiên bản mới: {archive / SIGNED}" in result.output or SIGNED in result.output
    return archive


@pytest.fixture
def copy_of(signed_archive, tmp_path) -> Path:
    target = tmp_path / "archive"
    shutil.copytree(signed_archive, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def test_a_signed_record_is_filed_byte_for_byte(signed_archive, pki):
    issued = signed_archive.parent / "outputs" / PERIOD / UNIT / "bao-cao.issued.pdf"
    assert (signed_archive / SIGNED).read_bytes() == issued.read_bytes()
    assert (signed_archive / SIGNED).read_bytes().startswith((signed_archive / UNSIGNED).read_bytes())
    assert all(s.bottom_line for s in validate(signed_archive / SIGNED, pki))
    rows, _ = manifest.read_jsonl(signed_archive)
    row = next(r for r in rows if r["path"] == SIGNED)
    assert (row["number"], row["date"], row["version"]) == ("05", "2022-03-15", 2)
    assert [a["name"] for a in row["attachments"]] == ["bao-cao_2022-Q1_TM.docx", "cuoc-hop_2022-Q1_TM.yaml",
                                                      "so-lieu_2022-Q1_TM.csv"]
    result = run("verify", signed_archive, "--seal-cert", pki.office.pem)
    assert result.exit_code == 0, result.output
    assert result.output == f"Kho lưu trữ {signed_archive}: 2 hồ sơ, tất cả khớp manifest.\n"
    # the clerk's number is now taken: signing another document with it is refused
    result = run("sign", signed_archive / UNSIGNED, "--role", "office", *p12_args(pki.office, pki), "--seal-image",
                 pki.seal_png, "--number", "5", "--date", "2022-04-01", "-a", signed_archive, "-o",
                 signed_archive.parent / "khac.pdf")
    assert result.exit_code == 2 and f"số 5 đã cấp cho văn bản bao-cao năm 2022 trong kho lưu trữ ({SIGNED})" \
        in result.output


def _rewrite(archive: Path, relative: str, data: bytes) -> None:
    """What someone with write access does: new bytes, and both manifests made to agree."""
    (archive / relative).write_bytes(data)
    rows, _ = manifest.read_jsonl(archive)
    for row in rows:
        if row["path"] == relative:
            row.update(sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    manifest.save(archive, rows)


def test_verify_checks_the_signatures_of_a_signed_record(copy_of):
    data = bytearray((copy_of / SIGNED).read_bytes())
    data[10] ^= 0x01  # inside what both signatures cover
    _rewrite(copy_of, SIGNED, bytes(data))
    result = run("verify", copy_of)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"KHÔNG KHỚP: {SIGNED}: chữ ký 1 (Trần Thị Quý): nội dung đã ký bị sửa: chữ ký không còn khớp với văn bản" \
        in lines
    assert any(line.startswith(f"KHÔNG KHỚP: {manifest.JSONL_NAME[:0]}manifest.seal.json: manifest khác bản đã "
                               "niêm phong") for line in lines)


def test_a_signed_record_changed_behind_the_manifest_keeps_its_checksum_mismatch(copy_of):
    """The signatures' problems are added to the bytes' (size, SHA-256), not put in their place."""
    original = (copy_of / SIGNED).read_bytes()
    data = bytearray(original)
    data[10] ^= 0x01
    (copy_of / SIGNED).write_bytes(bytes(data))
    found = [m for m in verify(copy_of) if m.path == SIGNED]
    assert [m.check for m in found][:2] == ["checksum", "signature"]
    assert found[0].message == (f"SHA-256 {hashlib.sha256(data).hexdigest()} khác manifest "
                                f"({hashlib.sha256(original).hexdigest()})")


def test_a_record_rewritten_with_both_manifests_is_caught_by_the_seal(copy_of, pki):
    data = (copy_of / UNSIGNED).read_bytes() + b"%\n"  # still a PDF, still PDF/A, other bytes
    _rewrite(copy_of, UNSIGNED, data)
    result = run("verify", copy_of)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "KHÔNG KHỚP: manifest.seal.json: manifest khác bản đã niêm phong (2 dòng lúc niêm phong, nay 2): hồ sơ "
        "hoặc dòng manifest đã bị sửa, thêm hoặc bớt sau lần lưu trữ cuối")


def test_a_removed_or_forged_seal(copy_of, pki, tmp_path):
    (copy_of / "manifest.seal.json").write_bytes((copy_of / "manifest.seal.json").read_bytes().replace(b'"rows"',
                                                                                                      b'"rows" '))
    result = run("verify", copy_of)
    assert result.exit_code == 1
    assert "manifest.seal.json: chữ ký niêm phong manifest không khớp (manifest.seal.json đã bị sửa)" in result.output
    (copy_of / "manifest.seal.json").unlink()
    (copy_of / "manifest.seal.p7s").unlink()
    result = run("verify", copy_of)  # the archive knows its office (manifest.seal.pem): a seal is required
    assert result.exit_code == 1
    assert "manifest chưa được niêm phong bằng khóa của cơ quan (thiếu manifest.seal.json)" in result.output
    (copy_of / "manifest.seal.pem").unlink()
    assert run("verify", copy_of).exit_code == 0  # nothing says it was sealed ...
    result = run("verify", copy_of, "--seal-cert", pki.office.pem)  # ... unless the office's certificate is given
    assert result.exit_code == 1
    assert "manifest chưa được niêm phong bằng khóa của cơ quan (thiếu manifest.seal.json)" in result.output


def _fingerprint(issued) -> str:
    from cryptography.hazmat.primitives import serialization

    return hashlib.sha256(issued.cert.public_bytes(serialization.Encoding.DER)).hexdigest()[:16]


def test_a_rewrite_resealed_with_another_key_is_caught(signed_archive, copy_of, pki, tmp_path):
    """Another key of the same name under the same CA: refused by archive, caught by verify."""
    import asyncio
    import json

    from pyhanko.sign.signers import SimpleSigner

    from reportgen.archive import seal

    other = issue(tmp_path, "khac", "Ủy ban nhân dân huyện Tháp Mười", pki.intermediate, p12=True)
    office_name = f"Ủy ban nhân dân huyện Tháp Mười, SHA-256 {_fingerprint(pki.office)}…"
    other_name = f"Ủy ban nhân dân huyện Tháp Mười, SHA-256 {_fingerprint(other)}…"
    scope = ["-w", SAMPLE, "-p", PERIOD, "-u", UNIT, "-k", "bao-cao", "-a", copy_of,
             "--built", signed_archive.parent / "outputs"]
    before = sorted(p.relative_to(copy_of) for p in copy_of.rglob("*"))
    result = run("archive", *scope, "--seal-p12", other.p12, "--seal-password-file", pki.password_file)
    assert result.exit_code == 2, result.output
    assert (f"khóa này ({other_name}) không phải khóa văn phòng đã niêm phong kho lưu trữ {copy_of} ({office_name}, "
            "trong manifest.seal.pem); chưa lưu trữ gì.") in result.output
    assert sorted(p.relative_to(copy_of) for p in copy_of.rglob("*")) == before
    # the rewrite, both manifests made to agree, and the seal made again with the other key
    _rewrite(copy_of, UNSIGNED, (copy_of / UNSIGNED).read_bytes() + b"%\n")
    rows, _ = manifest.read_jsonl(copy_of)
    body = json.dumps({"rows": len(rows), "head": seal.chain(rows), "sealed_at": "2022-03-16T08:00:00+07:00"},
                      indent=1).encode() + b"\n"
    signer = SimpleSigner.load_pkcs12(str(other.p12), passphrase=pki.password_file.read_bytes().strip())
    (copy_of / seal.SIGNATURE_NAME).write_bytes(
        asyncio.run(signer.async_sign_general_data(body, "sha256", detached=True)).dump())
    (copy_of / seal.SEAL_NAME).write_bytes(body)
    result = run("verify", copy_of)
    assert result.exit_code == 1
    assert result.output.splitlines()[:-1] == [
        f"KHÔNG KHỚP: manifest.seal.json: manifest được niêm phong bằng khóa khác khóa của văn phòng ({other_name}, "
        f"không phải {office_name} trong manifest.seal.pem): manifest đã bị thay và niêm phong lại"]
    # the known certificate replaced too: only the office's own copy (--seal-cert) tells
    shutil.copyfile(other.pem, copy_of / seal.CERT_NAME)
    assert run("verify", copy_of).exit_code == 0
    result = run("verify", copy_of, "--seal-cert", pki.office.pem)
    assert result.exit_code == 1
    assert result.output.splitlines()[:-1] == [
        f"KHÔNG KHỚP: manifest.seal.json: manifest.seal.pem ({other_name}) không phải chứng thư của văn phòng đã "
        f"cho (--seal-cert {pki.office.pem}): dấu và chứng thư trong kho đã bị thay"]


def test_archiving_a_sealed_archive_without_the_key_warns(signed_archive, copy_of):
    scope = ["-w", SAMPLE, "-p", PERIOD, "-u", UNIT, "-k", "bao-cao", "-a", copy_of,
             "--built", signed_archive.parent / "outputs"]
    result = run("archive", *scope)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"CẢNH BÁO: kho lưu trữ {copy_of} đã được niêm phong bằng khóa của văn phòng, nhưng lần này không có khóa "
        "(--seal-p12 hoặc --seal-pkcs11-lib)")


def test_a_signed_copy_of_other_bytes_is_refused(tmp_path, pki):
    out, archive = tmp_path / "outputs", tmp_path / "archive"
    scope = ["-w", SAMPLE, "-p", PERIOD, "-u", UNIT, "-k", "thong-bao"]
    assert run("build", *scope, "-o", out).exit_code == 0
    built = out / PERIOD / UNIT
    assert run("sign", built / "thong-bao.pdf", "--role", "signer", *p12_args(pki.signer, pki),
               "--signature-image", pki.signature_png).exit_code == 0
    result = run("archive", *scope, "-a", archive, "--built", out)
    assert result.exit_code == 1
    assert (f"{built / 'thong-bao.signed.pdf'}: bản đã ký không phải bản lưu trữ của văn bản này (phải ký chính bản "
            "lưu trữ PDF/A") in result.output


# ---- the clerk's page -----------------------------------------------------------------------------
def test_the_clerk_signs_from_the_web_page(tmp_path, pki):
    import re

    from starlette.testclient import TestClient

    from reportgen.signing.keys import KeySource
    from reportgen.web import create_app
    from reportgen.web.signing_form import OfficeKey

    out = tmp_path / "outputs"
    assert run("build", "-w", SAMPLE, "-p", PERIOD, "-u", UNIT, "-k", "thong-bao", "-f", "pdf", "-o", out).exit_code == 0
    built = out / PERIOD / UNIT
    assert run("sign", built / "thong-bao.pdf", "--role", "signer", *p12_args(pki.signer, pki),
               "--signature-image", pki.signature_png).exit_code == 0
    bare = TestClient(create_app(SAMPLE, out, tmp_path / "archive"), base_url="http://127.0.0.1:8080")
    assert "Máy chủ chưa được cấu hình khóa của cơ quan" in bare.get("/ky-so").text
    office = OfficeKey(KeySource(p12=pki.office.p12, password_file=pki.password_file), pki.seal_png)
    client = TestClient(create_app(SAMPLE, out, tmp_path / "archive", office=office), base_url="http://127.0.0.1:8080")
    page = client.get("/ky-so").text
    assert '<option value="thong-bao">' in page and "tin-tuc" not in page
    assert 'type="file"' not in page  # the key is never uploaded
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = {"csrf": csrf, "ky": PERIOD, "don_vi": UNIT, "loai": "thong-bao"}
    assert 'id="ngay" name="ngay" type="text"' in page and "ngày/tháng/năm, ví dụ 15/03/2022" in page
    bad = client.post("/ky-so", data={**form, "so": "0", "ngay": "2022-13-45"})
    assert bad.status_code == 400
    assert "Số văn bản là số nguyên dương, ví dụ 5." in bad.text
    assert "Ngày ban hành theo dạng ngày/tháng/năm, ví dụ 15/03/2022." in bad.text
    # what was typed and chosen is kept: the period, unit and kind selected, number and date refilled
    assert f'<option value="{PERIOD}" selected>' in bad.text and f'<option value="{UNIT}" selected>' in bad.text
    assert '<option value="thong-bao" selected>' in bad.text
    assert 'value="0"' in bad.text and 'value="2022-13-45"' in bad.text
    early = client.post("/ky-so", data={**form, "so": "7", "ngay": "01/03/2022"})
    assert early.status_code == 400 and "trước ngày của văn bản" in early.text
    assert 'value="01/03/2022"' in early.text
    done = client.post("/ky-so", data={**form, "so": "7", "ngay": "15/03/2022"})
    assert done.status_code == 200, done.text
    assert re.search(r"Đã ký: Ủy ban nhân dân huyện Tháp Mười, \d{1,2} giờ \d\d phút, ngày \d\d/\d\d/\d{4} → "
                     rf'<a href="/tep/{PERIOD}/{UNIT}/thong-bao.issued.pdf">Thông báo kết luận của Huyện Tháp Mười, '
                     r"Quý I/2022 \(bản đã cấp số\)</a>", done.text), done.text
    assert "T" not in re.search(r"Đã ký: [^→]*→", done.text).group(0).split(", ", 1)[1]  # no ISO time
    issued = built / "thong-bao.issued.pdf"
    statuses = validate(issued, pki)
    assert [s.bottom_line for s in statuses] == [True, True]
    assert client.get(f"/tep/{PERIOD}/{UNIT}/thong-bao.issued.pdf").content == issued.read_bytes()
    result = run("verify-signature", issued, "--trust-root", pki.root.pem)
    assert result.exit_code == 0 and "Đã điền: Số: 07/TB-VP" in result.output


def test_the_signing_page_names_a_missing_document_in_words_and_never_follows_a_linked_folder(tmp_path):
    """outputs/<period>/<unit> a symbolic link to a folder elsewhere (holding a thong-bao.pdf):
    the page does not sign through it, as /tep does not serve through it."""
    import re

    from starlette.testclient import TestClient

    from reportgen.signing.keys import KeySource
    from reportgen.web import create_app
    from reportgen.web.signing_form import OfficeKey, signable

    out, elsewhere = tmp_path / "outputs", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "thong-bao.pdf").write_bytes(b"%PDF-1.7 not ours")
    (out / PERIOD).mkdir(parents=True)
    (out / PERIOD / UNIT).symlink_to(elsewhere, target_is_directory=True)
    assert signable(out, PERIOD, UNIT, "thong-bao") is None
    (out / PERIOD / "TM-MH").mkdir()
    (out / PERIOD / "TM-MH" / "thong-bao.pdf").symlink_to(elsewhere / "thong-bao.pdf")
    assert signable(out, PERIOD, "TM-MH", "thong-bao") is None
    (out / PERIOD / "TM-MH" / "bao-cao.pdf").write_bytes(b"%PDF-1.7")  # a real file inside: the control
    assert signable(out, PERIOD, "TM-MH", "bao-cao") == out / PERIOD / "TM-MH" / "bao-cao.pdf"
    office = OfficeKey(KeySource(p12=tmp_path / "no-key.p12", password_file=tmp_path / "no-password"),
                       tmp_path / "no-seal.png")
    client = TestClient(create_app(SAMPLE, out, tmp_path / "archive", office=office), base_url="http://127.0.0.1:8080")
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/ky-so").text).group(1)
    answer = client.post("/ky-so", data={"csrf": csrf, "ky": PERIOD, "don_vi": UNIT, "loai": "thong-bao",
                                         "so": "3", "ngay": "15/03/2022"})
    assert answer.status_code == 400
    assert ("Chưa lập Thông báo kết luận của Huyện Tháp Mười, Quý I/2022; hãy lập văn bản trước "
            "(trang Lập văn bản).") in answer.text
    assert (elsewhere / "thong-bao.pdf").read_bytes() == b"%PDF-1.7 not ours"
    assert not (elsewhere / "thong-bao.issued.pdf").exists()


# ---- reportgen.archive.signed's functions on PDFs made by hand (tests/tiny_pdf.py) ---------------

def _signed_over(record_pdf: bytes, values: dict[str, str]) -> bytes:
    """``record_pdf`` with an incremental update adding the clerk's filled text fields, as a
    signing revision does (the record's bytes stay the file's start)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(io.BytesIO(record_pdf), incremental=True)
    fields = ArrayObject(writer._add_object(DictionaryObject({
        NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject(name),
        NameObject("/V"): TextStringObject(value)})) for name, value in values.items())
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): fields})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_office_step_is_taken_before_the_signers(tmp_path):
    from reportgen.archive.signed import signed_copy

    assert signed_copy(tmp_path, "bao-cao") is None
    (tmp_path / "bao-cao.signed.pdf").write_bytes(b"%PDF")
    assert signed_copy(tmp_path, "bao-cao") == tmp_path / "bao-cao.signed.pdf"
    (tmp_path / "bao-cao.issued.pdf").write_bytes(b"%PDF")
    assert signed_copy(tmp_path, "bao-cao") == tmp_path / "bao-cao.issued.pdf"
    assert signed_copy(tmp_path, "thong-bao") is None


def test_a_signed_copy_is_adopted_with_the_number_and_date_the_clerk_filled(tmp_path):
    import datetime as dt

    from reportgen.archive.records import Record
    from reportgen.archive.signed import adopt, filled, is_signed
    from reportgen.job import Job
    from reportgen.periods import Period
    from reportgen.signing.fields import DATE, NUMBER
    from tests.tiny_pdf import tiny_pdf

    pdf = tiny_pdf()
    record = Record(Job("bao-cao", "TM", Period(2022, 1)), pdf, 1, {"number": "", "date": "2022-03-09", "unit": "TM"})
    signed = _signed_over(pdf, {NUMBER: "Số: 05/BC-UBND", DATE: "Tháp Mười, ngày 15 tháng 3 năm 2022"})
    assert filled(signed) == ("05", dt.date(2022, 3, 15)) and filled(pdf) == ("", None)
    (tmp_path / "bao-cao.issued.pdf").write_bytes(signed)
    adopted = adopt(record, tmp_path / "bao-cao.issued.pdf")
    assert adopted.pdf == signed and adopted.fields == {"number": "05", "date": "2022-03-15", "unit": "TM"}
    assert (adopted.job, adopted.pages) == (record.job, 1)
    (tmp_path / "same.pdf").write_bytes(pdf)
    assert adopt(record, tmp_path / "same.pdf") is record  # not signed yet: the record itself
    (tmp_path / "empty.pdf").write_bytes(_signed_over(pdf, {NUMBER: "Số: /BC-UBND"}))
    assert adopt(record, tmp_path / "empty.pdf").fields == record.fields  # nothing filled: the drafted values
    other = tmp_path / "bao-cao.signed.pdf"
    other.write_bytes(_signed_over(tiny_pdf(pages=2), {NUMBER: "Số: 05/BC-UBND"}))
    assert adopt(record, other) == (
        f"{other}: bản đã ký không phải bản lưu trữ của văn bản này (phải ký chính bản lưu trữ PDF/A, ví dụ reportgen "
        "sign archive/…/BC-UBND_bao-cao.pdf -o bao-cao.signed.pdf; hoặc dữ liệu đã đổi sau khi ký)")
    assert not is_signed(pdf) and not is_signed(signed)  # fields alone are no signature
