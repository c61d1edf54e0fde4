"""reportgen.signing.keys: the password file, the PKCS#12 key and its refusals (never echoing the
password), and the checks on a certificate before it signs. Signing itself is in test_sign.py."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding

from reportgen.errors import InvalidInput
from reportgen.signing.keys import KeySource, check_certificate, open_signer, read_secret, subject_name
from tests.signing_pki import NOW, PASSWORD, issue

NO_KEY = ("cần khóa ký: --p12 TỆP (kèm --password-file) hoặc --pkcs11-lib THƯ-VIỆN --token-label NHÃN "
          "(kèm --pin-file)")


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    (folder / "mat-khau.txt").write_bytes(PASSWORD + b"\r\nmore\n")
    (folder / "sai.txt").write_bytes(b"sai-mat-khau\n")
    return folder, issue(folder, "signer", "Trần Thị Quý", None, p12=True)


def refusal(raised) -> tuple[str, str]:
    [problem] = raised.value.problems
    return problem.file, problem.message


def asn1(issued) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(issued.cert.public_bytes(Encoding.DER))


def test_a_secret_is_the_files_first_line(tmp_path):
    (tmp_path / "a").write_bytes(b"mat khau \t\r\nsecond line\n")
    (tmp_path / "b").write_bytes(b"  \n")
    assert read_secret(tmp_path / "a", "mật khẩu") == b"mat khau \t"
    assert read_secret(tmp_path / "b", "mật khẩu") == b""
    assert read_secret(None, "mật khẩu") is None
    with pytest.raises(InvalidInput) as raised:
        read_secret(tmp_path / "khong-co", "mã PIN")
    assert refusal(raised) == (str(tmp_path / "khong-co"), "không đọc được tệp mã PIN: No such file or directory")


def test_a_pkcs12_key_opens_with_its_password(keys):
    folder, signer = keys
    with open_signer(KeySource(p12=signer.p12, password_file=folder / "mat-khau.txt")) as opened:
        assert subject_name(opened.signing_cert) == "Trần Thị Quý"
        assert opened.signing_cert.dump() == signer.cert.public_bytes(Encoding.DER)


def test_a_wrong_password_or_file_is_refused_without_echoing_the_password(keys, tmp_path):
    folder, signer = keys
    with pytest.raises(InvalidInput) as raised:
        with open_signer(KeySource(p12=signer.p12, password_file=folder / "sai.txt")):
            pass
    assert refusal(raised) == (str(signer.p12), "sai mật khẩu của tệp khóa PKCS#12, hoặc tệp không phải PKCS#12")
    assert "sai-mat-khau" not in str(raised.value)
    (tmp_path / "khoa.p12").write_bytes(b"not pkcs12")
    with pytest.raises(InvalidInput) as raised:
        with open_signer(KeySource(p12=tmp_path / "khoa.p12", password_file=folder / "mat-khau.txt")):
            pass
    assert refusal(raised)[1] == "sai mật khẩu của tệp khóa PKCS#12, hoặc tệp không phải PKCS#12"
    with pytest.raises(InvalidInput) as raised:
        with open_signer(KeySource(p12=tmp_path / "khong-co.p12", password_file=folder / "mat-khau.txt")):
            pass
    assert refusal(raised) == (str(tmp_path / "khong-co.p12"),
                               "không đọc được tệp khóa PKCS#12: No such file or directory")


@pytest.mark.parametrize("source", [KeySource(), KeySource(pkcs11_lib="/usr/lib/softhsm/libsofthsm2.so"),
                                    KeySource(token_label="ubnd")])
def test_without_a_whole_key_source_the_command_says_what_it_needs(source):
    with pytest.raises(InvalidInput) as raised:
        with open_signer(source):
            pass
    assert refusal(raised) == ("reportgen sign", NO_KEY)


def test_where_names_the_file_or_the_token():
    assert KeySource(p12="a/khoa.p12").where == "a/khoa.p12"
    assert KeySource(pkcs11_lib="/lib/p11.so", token_label="UBND").where == "token 'UBND' (/lib/p11.so)"


def test_a_certificate_is_checked_for_its_dates_and_its_use(tmp_path):
    start, end = datetime(2026, 1, 5, tzinfo=timezone.utc), datetime(2027, 3, 9, tzinfo=timezone.utc)
    cert = asn1(issue(tmp_path, "dated", "Trần Thị Quý", None, not_before=start, not_after=end))
    check_certificate(cert, start, "khoa.p12")
    check_certificate(cert, end, "khoa.p12")
    with pytest.raises(InvalidInput) as raised:
        check_certificate(cert, start - timedelta(seconds=1), "khoa.p12")
    assert refusal(raised) == ("khoa.p12", "chứng thư số chưa có hiệu lực: có hiệu lực từ 05/01/2026 "
                                           "(2026-01-05T00:00:00+00:00)")
    with pytest.raises(InvalidInput) as raised:
        check_certificate(cert, end + timedelta(seconds=1), "khoa.p12")
    assert refusal(raised) == ("khoa.p12", "chứng thư số đã hết hạn ngày 09/3/2027 (2027-03-09T00:00:00+00:00)")
    encrypting = asn1(issue(tmp_path, "encrypt", "Trần Thị Quý", None, usage="encrypt"))
    with pytest.raises(InvalidInput) as raised:
        check_certificate(encrypting, NOW, "khoa.p12")
    assert refusal(raised) == ("khoa.p12", "chứng thư số không có mục đích sử dụng ký số (digitalSignature): "
                                           "không dùng để ký văn bản được")
