"""Verify every signature of a signed document with pyHanko's validator, and say the result plainly.

For each signature: who signed, the certificate chain up to one of the configured trust
roots, the signing time (and the time stamp's, for B-T), whether the document was changed
after it and whether that change was permitted (DocMDP, pyHanko's difference analysis),
and the number and date the clerk filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path

from reportgen.signing.keys import refuse, subject_name

LEVELS = {  # pyHanko's ModificationLevel, as a clerk would say it
    "NONE": "không sửa gì",
    "LTA_UPDATES": "chỉ thêm dữ liệu kiểm tra dài hạn",
    "FORM_FILLING": "điền số, ngày (điền biểu mẫu) và ký tiếp",
    "ANNOTATIONS": "thêm ghi chú",
    "OTHER": "sửa nội dung",
}


FIELD_NAMES = {"chu_ky_nguoi_ky": "người có thẩm quyền", "chu_ky_co_quan": "cơ quan ban hành"}


@dataclass
class SignatureReport:
    field: str
    signer: str
    chain: list[str]
    time: datetime | None
    timestamp: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    changed_after: str  # "" when nothing was added after it
    permitted: bool
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Verification:
    path: Path
    signatures: list[SignatureReport]
    filled: dict[str, str]

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures)


def load_roots(paths: list[Path]) -> list:
    from asn1crypto import pem, x509

    roots = []
    for path in paths:
        try:
            data = path.read_bytes()
            if pem.detect(data):
                data = pem.unarmor(data)[2]
            cert = x509.Certificate.load(data)
            cert.native  # noqa: B018  (parses it now)
        except (OSError, ValueError) as exc:
            raise refuse(str(path), f"không đọc được chứng thư gốc tin cậy (PEM hoặc DER): {exc}") from None
        roots.append(cert)
    return roots


def verify_file(path: Path, trust_roots: list[Path]) -> Verification:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise refuse(str(path), f"không đọc được tệp: {exc.strerror or exc}") from None
    return verify_data(data, load_roots(trust_roots), path)


def verify_data(data: bytes, roots: list, path: Path | None = None) -> Verification:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    from reportgen.signing.fields import values

    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = reader.embedded_regular_signatures
    except Exception as exc:  # a malformed file: pyHanko's own errors vary
        raise refuse(str(path), f"không đọc được tệp PDF: {type(exc).__name__}") from None
    reports = []
    usage = KeyUsageConstraints(key_usage={"digital_signature"}, match_all_key_usages=False)
    for sig in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        ts_context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(sig, signer_validation_context=context, ts_validation_context=ts_context,
                                        key_usage_settings=usage)
        reports.append(_report(sig, status, bool(roots)))
    return Verification(path, reports, values(reader))


def _report(sig, status, have_roots: bool) -> SignatureReport:
    cert = status.signing_cert
    chain = [subject_name(c) for c in status.validation_path] if status.validation_path else [subject_name(cert)]
    level = status.modification_level.name if status.modification_level is not None else "NONE"
    covers_all = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    changed = "" if covers_all else LEVELS.get(level, level)
    permitted = status.docmdp_ok is not False and level != "OTHER"
    timestamp = status.timestamp_validity.timestamp if status.timestamp_validity else None
    report = SignatureReport(str(sig.field_name), subject_name(cert), list(reversed(chain)),
                             status.signer_reported_dt, timestamp, status.intact, status.valid, status.trusted,
                             changed, permitted)
    if not status.intact:
        report.problems.append("nội dung đã ký bị sửa: chữ ký không còn khớp với văn bản")
    elif not status.valid:
        report.problems.append("chữ ký không hợp lệ (kiểm tra mật mã không đạt)")
    if not status.trusted:
        report.problems.append("chứng thư của người ký không dẫn tới chứng thư gốc tin cậy nào đã khai báo"
                               if have_roots else "chưa khai báo chứng thư gốc tin cậy (--trust-root)")
    if not permitted:
        report.problems.append(f"văn bản bị thay đổi sau khi ký theo cách không được phép ({LEVELS.get(level, level)})")
    stamp = status.timestamp_validity
    if stamp is not None and not (stamp.intact and stamp.valid and stamp.trusted):
        report.problems.append("dấu thời gian không hợp lệ hoặc không tin cậy")
    return report
