"""reportgen.signing.check: trust roots read as PEM or DER, and what it says of a file it cannot
read or that carries no signature. Signed documents checked signature by signature are in
test_sign.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from reportgen.errors import InvalidInput
from reportgen.signing.check import SignatureReport, Verification, load_roots, verify_data, verify_file
from tests.signing_pki import issue
from tests.tiny_pdf import tiny_pdf

ROOT_REFUSED = "không đọc được chứng thư gốc tin cậy (PEM hoặc DER): "


def refusal(raised) -> tuple[str, str]:
    [problem] = raised.value.problems
    return problem.file, problem.message


def test_a_root_is_read_as_pem_or_der(tmp_path):
    root = issue(tmp_path, "root", "Root CA thử nghiệm", None, ca=True)
    (tmp_path / "root.der").write_bytes(root.cert.public_bytes(Encoding.DER))
    pem, der = load_roots([root.pem, tmp_path / "root.der"])
    assert pem.dump() == der.dump() == root.cert.public_bytes(Encoding.DER)
    assert pem.subject.native["common_name"] == "Root CA thử nghiệm"
    assert load_roots([]) == []


@pytest.mark.parametrize("content", [b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", b"garbage",
                                     None])
def test_a_root_that_is_no_certificate_is_refused_by_its_path(tmp_path, content):
    path = tmp_path / "goc.pem"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InvalidInput) as raised:
        load_roots([path])
    file, message = refusal(raised)
    assert file == str(path) and message.startswith(ROOT_REFUSED) and len(message) > len(ROOT_REFUSED)


def test_a_file_that_is_no_pdf_or_is_missing_is_refused(tmp_path):
    with pytest.raises(InvalidInput) as raised:
        verify_data(b"not a pdf", [], Path("bao-cao.pdf"))
    assert refusal(raised) == ("bao-cao.pdf", "không đọc được tệp PDF: PdfReadError")
    with pytest.raises(InvalidInput) as raised:
        verify_file(tmp_path / "khong-co.pdf", [])
    assert refusal(raised) == (str(tmp_path / "khong-co.pdf"), "không đọc được tệp: No such file or directory")


def test_an_unsigned_pdf_is_not_ok():
    found = verify_data(tiny_pdf(), [], Path("bao-cao.pdf"))
    assert found == Verification(Path("bao-cao.pdf"), [], {})
    assert not found.ok


def test_a_verification_is_ok_when_it_has_signatures_all_without_problems():
    good = SignatureReport("chu_ky_nguoi_ky", "Trần Thị Quý", ["Root", "Trần Thị Quý"], None, None, True, True, True,
                           "", True)
    bad = SignatureReport("chu_ky_co_quan", "UBND", ["UBND"], None, None, True, True, False, "", True,
                          ["chưa khai báo chứng thư gốc tin cậy (--trust-root)"])
    assert good.ok and not bad.ok
    assert Verification(Path("a.pdf"), [good], {}).ok
    assert not Verification(Path("a.pdf"), [good, bad], {}).ok
