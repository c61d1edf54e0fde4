"""The signing key: a PKCS#12 file or a PKCS#11 token (the USB key), and the checks on its certificate.

The password and the PIN are read from a file (never from the command line), used once and
never written anywhere: no error message carries them.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from reportgen.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer


@dataclass(frozen=True)
class KeySource:
    """Where the key is: ``p12`` (+ ``password_file``), or ``pkcs11_lib`` + ``token_label`` (+ ``pin_file``)."""

    p12: Path | None = None
    password_file: Path | None = None
    pkcs11_lib: Path | None = None
    token_label: str | None = None
    key_label: str | None = None
    pin_file: Path | None = None

    @property
    def where(self) -> str:
        if self.p12 is not None:
            return str(self.p12)
        return f"token {self.token_label!r} ({self.pkcs11_lib})"


def refuse(where: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(file=where, message=message)])


def read_secret(path: Path | None, what: str) -> bytes | None:
    """The first line of ``path``, without its line end: a password or PIN file."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise refuse(str(path), f"không đọc được tệp {what}: {exc.strerror or exc}") from None
    return data.splitlines()[0] if data.strip() else b""


@contextmanager
def open_signer(source: KeySource) -> Iterator[Signer]:
    """A pyHanko signer for ``source``; a token's session is closed on leaving."""
    if source.p12 is not None:
        yield _p12_signer(source)
        return
    if source.pkcs11_lib is None or not source.token_label:
        raise refuse("reportgen sign", "cần khóa ký: --p12 TỆP (kèm --password-file) hoặc "
                     "--pkcs11-lib THƯ-VIỆN --token-label NHÃN (kèm --pin-file)")
    with _pkcs11_signer(source) as signer:
        yield signer


def _p12_signer(source: KeySource):
    from pyhanko.sign import signers

    password = read_secret(source.password_file, "mật khẩu")
    try:
        data = source.p12.read_bytes()
    except OSError as exc:
        raise refuse(str(source.p12), f"không đọc được tệp khóa PKCS#12: {exc.strerror or exc}") from None
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        raise refuse(str(source.p12), "sai mật khẩu của tệp khóa PKCS#12, hoặc tệp không phải PKCS#12") from None
    signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=None, passphrase=password)
    if signer is None:
        raise refuse(str(source.p12), "tệp PKCS#12 không chứa khóa ký và chứng thư số")
    return signer


@contextmanager
def _pkcs11_signer(source: KeySource):
    import pkcs11
    from pkcs11 import exceptions as p11
    from pyhanko.sign.pkcs11 import PKCS11Signer

    pin = read_secret(source.pin_file, "mã PIN")
    where = source.where
    try:
        lib = pkcs11.lib(str(source.pkcs11_lib))
    except (RuntimeError, OSError, p11.PKCS11Error) as exc:
        raise refuse(str(source.pkcs11_lib), f"không nạp được thư viện PKCS#11: {exc}") from None
    tokens = [t for t in lib.get_tokens() if t.label == source.token_label]
    if not tokens:
        raise refuse(where, "không tìm thấy thiết bị ký số (token) có nhãn này; kiểm tra đã cắm thiết bị "
                     "và nhãn đúng chưa")
    try:
        session = tokens[0].open(user_pin=pin.decode() if pin is not None else None)
    except p11.PinIncorrect:
        raise refuse(where, "sai mã PIN của thiết bị ký số") from None
    except p11.PinLocked:
        raise refuse(where, "thiết bị ký số đã bị khóa do nhập sai mã PIN nhiều lần") from None
    except p11.PKCS11Error as exc:
        raise refuse(where, f"không mở được thiết bị ký số: {type(exc).__name__}") from None
    try:
        label = source.key_label or _only_key_label(session, where)
        try:
            # hash here, sign on the token with the plain mechanism (CKM_ECDSA, CKM_RSA_PKCS): every token has it
            signer = PKCS11Signer(session, key_label=label, cert_label=label, use_raw_mechanism=True,
                                  other_certs_to_pull=None)  # the CA certificates the token holds, for the chain
            signer.signing_cert  # noqa: B018  (loads the certificate now, so a wrong label is reported here)
        except Exception:
            raise refuse(where, f"không tìm thấy khóa và chứng thư có nhãn {label!r} trên thiết bị ký số") from None
        yield signer
    finally:
        session.close()


def _only_key_label(session, where: str) -> str:
    from pkcs11 import Attribute, ObjectClass

    labels = sorted({key[Attribute.LABEL] for key in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})})
    if len(labels) != 1:
        raise refuse(where, f"thiết bị ký số có {len(labels)} khóa ({', '.join(labels) or 'không có'}); "
                     "chọn một bằng --key-label")
    return labels[0]


def check_certificate(cert, at: datetime, where: str) -> None:
    """Refuse a certificate not valid at ``at``, or one that may not make digital signatures."""
    from reportgen.vi.dates import date_table

    start, end = cert.not_valid_before, cert.not_valid_after
    if at < start:
        raise refuse(where, f"chứng thư số chưa có hiệu lực: có hiệu lực từ {date_table(start.date())} "
                     f"({start.isoformat()})")
    if at > end:
        raise refuse(where, f"chứng thư số đã hết hạn ngày {date_table(end.date())} ({end.isoformat()})")
    usage = cert.key_usage_value
    if usage is None or "digital_signature" not in usage.native:
        raise refuse(where, "chứng thư số không có mục đích sử dụng ký số (digitalSignature): "
                     "không dùng để ký văn bản được")


def subject_name(cert) -> str:
    """The certificate's common name (or its whole subject)."""
    subject = cert.subject.native
    return subject.get("common_name") or cert.subject.human_friendly
