"""reportgen.archive.seal: the manifest's hash chain, its head signed with the office's key, and
what verify finds wrong with a seal, on hand-made rows (no PDF, no build). The same seal through
the CLI, on a real archive, is in tests/archive/test_signed.py."""

from __future__ import annotations

import asyncio
import hashlib
import json

import pytest

from reportgen.archive import seal
from reportgen.errors import InvalidInput
from reportgen.signing.keys import KeySource, open_signer
from tests.signing_pki import issue

SEALED_AT = "2022-03-16T08:00:00+07:00"
ROW = {"path": "2022/2022-Q1/TM/BC-UBND_bao-cao.pdf", "unit": "TM", "signer": "Trần Thị Quý", "version": 1}
OTHER_ROW = {**ROW, "path": "2022/2022-Q1/TM/BC-UBND_bao-cao_v2.pdf", "version": 2}
CHANGED = ("manifest khác bản đã niêm phong (1 dòng lúc niêm phong, nay {n}): hồ sơ hoặc dòng manifest đã bị "
           "sửa, thêm hoặc bớt sau lần lưu trữ cuối")


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """The office's key and another office's (self-signed, EC: fast), as PKCS#12 with a password file."""
    folder = tmp_path_factory.mktemp("keys")
    (folder / "mat-khau.txt").write_bytes(b"mat-khau-thu\n")
    office = issue(folder, "office", "Ủy ban nhân dân huyện Tháp Mười", None, p12=True)
    other = issue(folder, "other", "Ủy ban nhân dân huyện Cao Lãnh", None, p12=True)
    return folder, office, other


def signer_of(keys, which):
    folder, office, other = keys
    issued = office if which == "office" else other
    with open_signer(KeySource(p12=issued.p12, password_file=folder / "mat-khau.txt")) as signer:
        return signer


def who(issued, name) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding

    return f"{name}, SHA-256 {hashlib.sha256(issued.cert.public_bytes(Encoding.DER)).hexdigest()[:16]}…"


def test_the_chain_starts_from_its_name_and_hashes_each_row_as_canonical_json():
    start = hashlib.sha256(b"reportgen manifest v1").hexdigest()
    assert seal.chain([]) == start
    line = '{"path":"2022/2022-Q1/TM/BC-UBND_bao-cao.pdf","signer":"Trần Thị Quý","unit":"TM","version":1}'
    first = hashlib.sha256(f"{start}\n{line}".encode()).hexdigest()
    assert seal.chain([ROW]) == first
    assert seal.chain([dict(reversed(ROW.items()))]) == first  # key order does not count
    assert seal.chain([ROW, OTHER_ROW]) != seal.chain([OTHER_ROW, ROW])  # row order does
    assert seal.chain([{**ROW, "version": 2}]) != first


def test_an_archive_never_sealed_needs_no_seal_unless_the_office_certificate_is_given(tmp_path, keys):
    assert not seal.is_sealed(tmp_path)
    assert seal.problems(tmp_path, [ROW]) == []
    assert seal.problems(tmp_path, [ROW], expected_cert=keys[1].pem) == [
        "manifest chưa được niêm phong bằng khóa của cơ quan (thiếu manifest.seal.json)"]
    seal.check_key(tmp_path, signer_of(keys, "other").signing_cert, "khoa.p12")  # no office known yet: any key


def test_a_sealed_manifest_is_intact_until_a_row_changes(tmp_path, keys):
    seal.seal(tmp_path, [ROW], signer_of(keys, "office"), SEALED_AT)
    assert seal.is_sealed(tmp_path)
    body = (tmp_path / seal.SEAL_NAME).read_bytes()
    assert json.loads(body) == {"rows": 1, "head": seal.chain([ROW]), "sealed_at": SEALED_AT}
    assert (tmp_path / seal.CERT_NAME).read_bytes() == keys[1].pem.read_bytes()
    assert seal.problems(tmp_path, [ROW]) == []
    assert seal.problems(tmp_path, [ROW], expected_cert=keys[1].pem) == []
    assert seal.problems(tmp_path, [{**ROW, "signer": "Nguyễn Văn A"}]) == [CHANGED.format(n=1)]
    assert seal.problems(tmp_path, [ROW, OTHER_ROW]) == [CHANGED.format(n=2)]
    assert seal.problems(tmp_path, []) == [CHANGED.format(n=0)]
    seal.seal(tmp_path, [ROW, OTHER_ROW], signer_of(keys, "office"), SEALED_AT)  # the next run seals again
    assert seal.problems(tmp_path, [ROW, OTHER_ROW]) == []


def test_the_archive_keeps_its_office_and_refuses_another_key(tmp_path, keys):
    seal.seal(tmp_path, [ROW], signer_of(keys, "office"), SEALED_AT)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(InvalidInput) as raised:
        seal.seal(tmp_path, [ROW, OTHER_ROW], signer_of(keys, "other"), "2022-03-17T08:00:00+07:00")
    problem = raised.value.problems[0]
    assert problem.file == str(tmp_path)
    assert problem.message == (
        f"khóa này ({who(keys[2], 'Ủy ban nhân dân huyện Cao Lãnh')}) không phải khóa văn phòng đã niêm phong kho "
        f"lưu trữ {tmp_path} ({who(keys[1], 'Ủy ban nhân dân huyện Tháp Mười')}, trong manifest.seal.pem); chưa lưu "
        "trữ gì. Dùng đúng khóa của cơ quan; khi cơ quan được cấp chứng thư mới, thay manifest.seal.pem bằng chứng thư "
        "mới (tệp PEM) rồi lưu trữ lại")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing written
    seal.check_key(tmp_path, signer_of(keys, "office").signing_cert, "khoa.p12")  # the office's own passes


def test_a_seal_edited_forged_or_made_with_another_key_is_found(tmp_path, keys):
    seal.seal(tmp_path, [ROW], signer_of(keys, "office"), SEALED_AT)
    body_path, signature_path = tmp_path / seal.SEAL_NAME, tmp_path / seal.SIGNATURE_NAME
    body, signature = body_path.read_bytes(), signature_path.read_bytes()

    body_path.write_bytes(body.replace(b'"rows": 1', b'"rows": 2'))
    assert seal.problems(tmp_path, [ROW]) == ["chữ ký niêm phong manifest không khớp (manifest.seal.json đã bị sửa)"]

    body_path.write_bytes(body)
    signature_path.write_bytes(b"not a signature")
    found = seal.problems(tmp_path, [ROW])
    assert len(found) == 1 and found[0].startswith("chữ ký niêm phong manifest không đọc được (")

    other = signer_of(keys, "other")  # the rewrite re-sealed with a valid signature by another key
    signature_path.write_bytes(asyncio.run(other.async_sign_general_data(body, "sha256", detached=True)).dump())
    assert seal.problems(tmp_path, [ROW]) == [
        f"manifest được niêm phong bằng khóa khác khóa của văn phòng ({who(keys[2], 'Ủy ban nhân dân huyện Cao Lãnh')}, "
        f"không phải {who(keys[1], 'Ủy ban nhân dân huyện Tháp Mười')} trong manifest.seal.pem): manifest đã bị thay "
        "và niêm phong lại"]

    signature_path.write_bytes(signature)
    assert seal.problems(tmp_path, [ROW], expected_cert=keys[2].pem) == [
        f"manifest.seal.pem ({who(keys[1], 'Ủy ban nhân dân huyện Tháp Mười')}) không phải chứng thư của văn phòng đã "
        f"cho (--seal-cert {keys[2].pem}): dấu và chứng thư trong kho đã bị thay"]

    body_path.write_bytes(b"{")
    found = seal.problems(tmp_path, [ROW])
    assert len(found) == 1 and found[0].startswith("không đọc được niêm phong của manifest: ")

    body_path.write_bytes(body)
    (tmp_path / seal.CERT_NAME).unlink()
    assert seal.problems(tmp_path, [ROW]) == [
        "manifest được niêm phong nhưng kho không có chứng thư của văn phòng (manifest.seal.pem): "
        "không biết dấu là của ai"]

    (tmp_path / seal.CERT_NAME).write_bytes(b"-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n")
    found = seal.problems(tmp_path, [ROW])
    assert len(found) == 1 and found[0].startswith("manifest.seal.pem: không đọc được chứng thư của văn phòng (")


def test_a_seal_removed_from_an_archive_that_knows_its_office_is_found(tmp_path, keys):
    seal.seal(tmp_path, [ROW], signer_of(keys, "office"), SEALED_AT)
    (tmp_path / seal.SEAL_NAME).unlink()
    (tmp_path / seal.SIGNATURE_NAME).unlink()
    assert seal.is_sealed(tmp_path)  # the certificate stays: the archive knows its office
    assert seal.problems(tmp_path, [ROW]) == [
        "manifest chưa được niêm phong bằng khóa của cơ quan (thiếu manifest.seal.json)"]
