"""reportgen sign / verify-signature (issue 24) with real components.

A test PKI made here (tests/signing_pki.py), pyHanko's validator on every result, a local
RFC 3161 server for B-T, SoftHSM2 as the signer's token, PDFBox Preflight on a signed record.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from reportgen.cli import main
from tests.conftest import SAMPLE
from tests.signing_pki import NOW, PASSWORD, TimeStampServer, issue, make_pki, p12_args, validate

SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built")
    result = CliRunner().invoke(main, ["build", "-w", str(SAMPLE), "-o", str(out), "-p", "2022-Q1", "-u", "TM",
                                       "-k", "bao-cao", "-k", "thong-bao", "-f", "pdf"])
    assert result.exit_code == 0, result.output
    return out / "2022-Q1" / "TM"


@pytest.fixture
def report(built, tmp_path) -> Path:
    """A fresh copy of the built report, alone in its folder."""
    target = tmp_path / "bao-cao.pdf"
    shutil.copy(built / "bao-cao.pdf", target)
    return target


def sign_signer(pdf: Path, pki, *extra) -> object:
    return CliRunner().invoke(main, ["sign", str(pdf), "--role", "signer", *p12_args(pki.signer, pki),
                                     "--signature-image", str(pki.signature_png), *extra])


def sign_office(pdf: Path, pki, number="5", on="2022-03-15", *extra, issued=None) -> object:
    return CliRunner().invoke(main, ["sign", str(pdf), "--role", "office", *p12_args(issued or pki.office, pki),
                                     "--seal-image", str(pki.seal_png), "--number", number, "--date", on,
                                     "-a", str(pdf.parent / "archive"), *extra])


def test_signer_then_office_as_decree_30_lays_out(report, pki):
    original = report.read_bytes()
    result = sign_signer(report, pki)
    assert result.exit_code == 0, result.output
    signed = report.with_name("bao-cao.signed.pdf")
    assert result.output.startswith(f"đã ký: {signed} (Trần Thị Quý, ")
    result = sign_office(signed, pki)
    assert result.exit_code == 0, result.output
    issued = report.with_name("bao-cao.issued.pdf")
    assert report.read_bytes() == original  # the input is never changed
    assert sorted(p.name for p in report.parent.iterdir()) == ["bao-cao.issued.pdf", "bao-cao.pdf",
                                                                "bao-cao.signed.pdf"]
    # each step is an incremental update: the earlier file is a prefix of the later one
    assert issued.read_bytes().startswith(signed.read_bytes()) and signed.read_bytes().startswith(original)

    statuses = validate(issued, pki)
    assert [s.signing_cert.subject.native["common_name"] for s in statuses] == ["Trần Thị Quý",
                                                                               "Ủy ban nhân dân huyện Tháp Mười"]
    assert all(s.intact and s.valid and s.trusted for s in statuses)
    signer, office = statuses
    assert signer.docmdp_ok and signer.modification_level.name == "FORM_FILLING"
    assert office.coverage.name == "ENTIRE_FILE"

    reader = PdfReader(issued)
    values = {str(f["/T"]): str(f.get("/V", "")) for f in (r.get_object() for r in
                                                          reader.trailer["/Root"]["/AcroForm"]["/Fields"])}
    assert values["so_ky_hieu"] == "Số: 05/BC-UBND"
    assert values["ngay_ban_hanh"] == "Tháp Mười, ngày 15 tháng 3 năm 2022"
    assert values["phu_luc_so_ngay"] == ("(Kèm theo Báo cáo số 05/BC-UBND ngày 15/3/2022 của Ủy ban nhân dân "
                                         "huyện Tháp Mười)")
    assert reader.get_fields()["chu_ky_co_quan"]["/V"]["/Name"] == "Ủy ban nhân dân huyện Tháp Mười"

    result = CliRunner().invoke(main, ["verify-signature", str(issued), "--trust-root", str(pki.root.pem)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Chữ ký 1 (người có thẩm quyền): Trần Thị Quý"
    assert lines[1] == "  chuỗi chứng thư: Trần Thị Quý <- CA trung gian thử nghiệm <- Root CA thử nghiệm"
    assert lines[2].startswith("  thời điểm ký: ") and lines[2].endswith("+07:00")
    assert lines[3] == "  thay đổi sau khi ký: điền số, ngày (điền biểu mẫu) và ký tiếp (được phép)"
    assert lines[4] == "Chữ ký 2 (cơ quan ban hành): Ủy ban nhân dân huyện Tháp Mười"
    assert lines[7] == "  thay đổi sau khi ký: không có"
    assert lines[8:11] == ["Đã điền: Số: 05/BC-UBND", "Đã điền: Tháp Mười, ngày 15 tháng 3 năm 2022",
                           "Đã điền: (Kèm theo Báo cáo số 05/BC-UBND ngày 15/3/2022 của Ủy ban nhân dân huyện "
                           "Tháp Mười)"]
    assert lines[-1] == f"{issued}: 2 chữ ký số, tất cả hợp lệ."
    _look(issued, report.parent)


def _look(issued: Path, folder: Path) -> None:
    """The signed pages as a clerk sees them: the red seal overlaps the blue signature's left third."""
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(issued), str(folder / "trang")], check=True)
    page = Image.open(folder / "trang-3.png").convert("RGB")
    pixels = page.load()
    red = [x for x in range(page.width) for y in range(page.height)
           if pixels[x, y][0] > 180 and pixels[x, y][1] < 90 and pixels[x, y][2] < 90]
    blue = [x for x in range(page.width) for y in range(page.height)
            if pixels[x, y][2] > 120 and pixels[x, y][0] < 90 and pixels[x, y][1] < 110]
    assert red and blue
    third = (max(red) - min(blue)) / (max(blue) - min(blue))
    assert 0.25 < third < 0.42, third  # "about a third of the signature, on its left" (Decree 30, art. 33(1)(b))
    if os.environ.get("REPORTGEN_SIGNED_PNG"):  # how docs/signed-page.png is made
        from PIL import ImageDraw

        header = Image.open(folder / "trang-1.png").convert("RGB").crop((100, 40, 800, 165))
        closing = page.crop((100, 228, 800, 480))
        both = Image.new("RGB", (700, 387), "white")
        both.paste(header, (0, 0))
        ImageDraw.Draw(both).line([(0, 129), (700, 129)], fill=(170, 170, 170), width=1)
        both.paste(closing, (0, 135))
        both.save(os.environ["REPORTGEN_SIGNED_PNG"])


def test_b_t_with_a_local_time_stamp_server(report, pki):
    with TimeStampServer(pki.tsa, [pki.intermediate, pki.root]) as tsa:
        assert sign_signer(report, pki, "--tsa-url", tsa.url).exit_code == 0
        assert tsa.requests >= 1  # pyHanko asks once more to learn the token's size
    statuses = validate(report.with_name("bao-cao.signed.pdf"), pki)
    stamp = statuses[0].timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    result = CliRunner().invoke(main, ["verify-signature", str(report.with_name("bao-cao.signed.pdf")),
                                       "--trust-root", str(pki.root.pem)])
    assert result.exit_code == 0 and "  dấu thời gian: " in result.output
    same = CliRunner().invoke(main, ["verify", str(report.with_name("bao-cao.signed.pdf")),
                                     "--trust-root", str(pki.root.pem)])
    assert (same.exit_code, same.output) == (0, result.output)  # verify on a signed file checks its signatures


def test_an_office_document_without_a_signer_and_a_broken_one(report, pki):
    """The office may sign alone; a byte changed in the signed part is reported, exit 1."""
    assert sign_office(report, pki).exit_code == 0
    signed = report.with_name("bao-cao.signed.pdf")
    data = bytearray(signed.read_bytes())
    assert data[9:10] == b"%"  # the binary comment line after the header: still a PDF, not the same bytes
    data[10] ^= 0x01
    broken = report.with_name("sua.pdf")
    broken.write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["verify-signature", str(broken), "--trust-root", str(pki.root.pem)])
    assert result.exit_code == 1
    assert "  LỖI: nội dung đã ký bị sửa: chữ ký không còn khớp với văn bản" in result.output
    other = issue(pki.folder, "other-root", "Gốc khác", None, ca=True)
    result = CliRunner().invoke(main, ["verify-signature", str(signed), "--trust-root", str(other.pem)])
    assert result.exit_code == 1
    assert "  LỖI: chứng thư của người ký không dẫn tới chứng thư gốc tin cậy nào đã khai báo" in result.output


def _refused(result, report: Path, message: str) -> None:
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "mat-khau-thu" not in result.output
    assert [p.name for p in report.parent.iterdir() if p.is_file()] == [report.name]


def test_wrong_password(report, pki, tmp_path):
    wrong = tmp_path / "sai.txt"
    wrong.write_text("khong-dung\n")
    result = CliRunner().invoke(main, ["sign", str(report), "--role", "signer", "--p12", str(pki.signer.p12),
                                       "--password-file", str(wrong), "--signature-image", str(pki.signature_png)])
    wrong.unlink()
    _refused(result, report, f"{pki.signer.p12}: sai mật khẩu của tệp khóa PKCS#12")


@pytest.mark.parametrize("case, message", [
    ("expired", "chứng thư số đã hết hạn ngày"),
    ("not-yet", "chứng thư số chưa có hiệu lực: có hiệu lực từ"),
    ("encrypt", "chứng thư số không có mục đích sử dụng ký số (digitalSignature)"),
])
def test_certificates_that_may_not_sign(report, pki, case, message):
    dates = {"expired": dict(not_before=NOW - timedelta(days=400), not_after=NOW - timedelta(days=1)),
             "not-yet": dict(not_before=NOW + timedelta(days=10), not_after=NOW + timedelta(days=400))}
    cert = issue(pki.folder, case, "Nguyễn Văn A", pki.intermediate, p12=True, usage=case if case == "encrypt"
                 else "sign", **dates.get(case, {}))
    result = CliRunner().invoke(main, ["sign", str(report), "--role", "signer", *p12_args(cert, pki),
                                       "--signature-image", str(pki.signature_png)])
    _refused(result, report, message)


def test_a_pdf_reportgen_did_not_build(tmp_path, pki):
    from pypdf import PdfWriter

    other = tmp_path / "khac.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Creator": "Microsoft Word"})
    writer.write(other)
    result = sign_signer(other, pki)
    _refused(result, other, f"{other}: không phải văn bản do reportgen lập")


def test_already_signed_by_the_office_and_a_date_before_the_figures(report, pki):
    result = sign_office(report, pki, on="2022-03-08")
    _refused(result, report, "ngày ban hành 08/3/2022 trước ngày của văn bản (09/3/2022")
    assert sign_office(report, pki).exit_code == 0
    signed = report.with_name("bao-cao.signed.pdf")
    result = sign_office(signed, pki, "6")
    assert result.exit_code == 2
    assert f"{signed}: văn bản đã được văn thư ký số và cấp số; không ký lại" in result.output
    assert not report.with_name("bao-cao.issued.pdf").exists()


def test_a_number_already_used_in_the_archive(report, pki):
    archive = report.parent / "archive"
    archive.mkdir()
    row = {"path": "2022/2022-Q2/TM/05-BC-UBND_bao-cao.pdf", "kind": "bao-cao", "number": "05",
           "date": "2022-06-20"}
    (archive / "manifest.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = sign_office(report, pki)
    assert result.exit_code == 2, result.output
    assert ("số 5 đã cấp cho văn bản bao-cao năm 2022 trong kho lưu trữ (2022/2022-Q2/TM/05-BC-UBND_bao-cao.pdf)"
            in result.output)
    assert sorted(p.name for p in report.parent.iterdir()) == ["archive", "bao-cao.pdf"]
    assert sign_office(report, pki, "6").exit_code == 0


# ---- the signer's token: SoftHSM2 -------------------------------------------------------------------
@pytest.fixture
def token(tmp_path, pki):
    """A SoftHSM2 token initialised here, the signer's key and certificate imported."""
    if not SOFTHSM.exists() or not shutil.which("softhsm2-util"):
        pytest.skip("SoftHSM2 is not installed (Debian package softhsm2; scripts/system-deps.sh installs it)")
    from cryptography.hazmat.primitives import serialization

    folder = tmp_path / "softhsm"
    (folder / "tokens").mkdir(parents=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    init = subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "CHU-TICH", "--pin", "123456",
                           "--so-pin", "654321"], env=env, capture_output=True, text=True)
    if init.returncode != 0:
        pytest.skip(f"SoftHSM2 cannot start here: {init.stderr.strip() or init.stdout.strip()}")
    key = folder / "key.pem"
    key.write_bytes(pki.signer.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    subprocess.run(["softhsm2-util", "--import", str(key), "--token", "CHU-TICH", "--label", "chu-ky", "--id", "01",
                    "--pin", "123456"], env=env, check=True, capture_output=True)
    key.unlink()
    os.environ["SOFTHSM2_CONF"] = str(conf)
    import pkcs11

    lib = pkcs11.lib(str(SOFTHSM))
    with lib.get_token(token_label="CHU-TICH").open(rw=True, user_pin="123456") as session:
        session.create_object({
            pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
            pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
            pkcs11.Attribute.TOKEN: True, pkcs11.Attribute.LABEL: "chu-ky", pkcs11.Attribute.ID: b"\x01",
            pkcs11.Attribute.SUBJECT: pki.signer.cert.subject.public_bytes(),
            pkcs11.Attribute.VALUE: pki.signer.cert.public_bytes(serialization.Encoding.DER)})
        session.create_object({  # the issuing CA's certificate, as the tokens CAs hand out carry it
            pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
            pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
            pkcs11.Attribute.TOKEN: True, pkcs11.Attribute.LABEL: "ca", pkcs11.Attribute.ID: b"\x02",
            pkcs11.Attribute.SUBJECT: pki.intermediate.cert.subject.public_bytes(),
            pkcs11.Attribute.VALUE: pki.intermediate.cert.public_bytes(serialization.Encoding.DER)})
    pin = folder / "pin.txt"
    pin.write_text("123456\n")
    yield pin
    del os.environ["SOFTHSM2_CONF"]


def token_args(pin: Path, label: str = "CHU-TICH") -> list[str]:
    return ["--pkcs11-lib", str(SOFTHSM), "--token-label", label, "--pin-file", str(pin)]


def test_signing_with_a_token(report, pki, token):
    result = CliRunner().invoke(main, ["sign", str(report), "--role", "signer", *token_args(token),
                                       "--signature-image", str(pki.signature_png)])
    assert result.exit_code == 0, result.output
    statuses = validate(report.with_name("bao-cao.signed.pdf"), pki)
    assert [(s.signing_cert.subject.native["common_name"], s.bottom_line) for s in statuses] == [
        ("Trần Thị Quý", True)]


def test_wrong_pin_and_a_token_not_found(report, pki, token, tmp_path):
    wrong = tmp_path / "sai-pin.txt"
    wrong.write_text("000000\n")
    result = CliRunner().invoke(main, ["sign", str(report), "--role", "signer", *token_args(wrong),
                                       "--signature-image", str(pki.signature_png)])
    wrong.unlink()
    _refused(result, report, "sai mã PIN của thiết bị ký số")  # exit 2, and no file left beside the input
    assert "000000" not in result.output
    result = CliRunner().invoke(main, ["sign", str(report), "--role", "signer", *token_args(token, "KHONG-CO"),
                                       "--signature-image", str(pki.signature_png)])
    _refused(result, report, "token 'KHONG-CO'")
    assert "không tìm thấy thiết bị ký số (token) có nhãn này" in result.output


# ---- PDF/A-3b stays PDF/A-3b --------------------------------------------------------------------
def test_a_signed_record_is_still_pdfa_3b(tmp_path, pki):
    from tests.preflight import A1B_ONLY, PREFLIGHT_CLASSPATH, needs_preflight

    needs_preflight()
    archive = tmp_path / "archive"
    result = CliRunner().invoke(main, ["archive", "-w", str(SAMPLE), "-a", str(archive), "-p", "2022-Q1", "-u", "TM",
                                       "-k", "bao-cao", "--without-build"])
    assert result.exit_code == 0, result.output
    record = next(archive.rglob("*.pdf"))
    copy = tmp_path / "bao-cao.pdf"
    shutil.copy(record, copy)
    assert sign_signer(copy, pki).exit_code == 0
    assert sign_office(copy.with_name("bao-cao.signed.pdf"), pki).exit_code == 0
    issued = copy.with_name("bao-cao.issued.pdf")
    assert all(s.bottom_line for s in validate(issued, pki))
    listing = tmp_path / "list.txt"
    listing.write_text(f"{copy}\n{issued}\n", encoding="utf-8")
    run = subprocess.run(["java", "-cp", PREFLIGHT_CLASSPATH, "org.apache.pdfbox.preflight.Validator_A1b",
                          "xml", "group", str(listing)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    results = ET.parse(f"{listing}.preflight.xml").getroot().findall("preflight")
    codes = [{c.text for c in r.iter("code")} for r in results]
    assert codes[1] - A1B_ONLY == set(), codes[1]
    assert codes[1] == codes[0]  # signing added no finding to the record's
    assert PASSWORD not in issued.read_bytes()
