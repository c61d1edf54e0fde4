"""The manifest sealed with the office's key: a hash chain of its rows, the chain's head signed.

Without it, whoever can write to the archive can replace a record and its rows in both
manifests together, and ``verify`` cannot tell (the checksums are the manifest's own). With
an office key (``reportgen archive --seal-p12 … --seal-password-file …``, or a token),
every archive run ends by sealing the manifest:

- the chain: ``h0 = SHA-256("reportgen manifest v1")``, ``hᵢ = SHA-256(hᵢ₋₁ ‖ "\\n" ‖ rowᵢ)``
  over the rows of ``manifest.jsonl`` in order, each as canonical JSON (sorted keys, no
  spaces, UTF-8): the head depends on every value of every row, the records' SHA-256
  included;
- ``manifest.seal.json``: ``{"rows": n, "head": hₙ, "sealed_at": …}``;
- ``manifest.seal.p7s``: a detached CMS signature (SHA-256) of that file's bytes with the
  office's key.

- ``manifest.seal.pem``: the office's certificate, written at the first sealing and never
  changed by reportgen after: the archive knows its office. A later run with another key is
  refused before anything is filed (``check_key``).

``verify`` recomputes the chain from ``manifest.jsonl`` and accepts the signature only when it
was made with the key of the certificate in ``manifest.seal.pem`` (a valid signature by any
other key is a finding: a rewrite re-sealed with another key); a seal without that file is a
finding too. With ``--seal-cert`` (the office's certificate, kept outside the archive) it also
requires the seal to be there and ``manifest.seal.pem`` to be that certificate: deleting the
seal, or replacing the seal and ``manifest.seal.pem`` together, is then detected too.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

from reportgen.files import write_atomic

SEAL_NAME = "manifest.seal.json"
SIGNATURE_NAME = "manifest.seal.p7s"
CERT_NAME = "manifest.seal.pem"
START = "reportgen manifest v1"


def chain(rows: list[dict]) -> str:
    head = hashlib.sha256(START.encode()).hexdigest()
    for row in rows:
        line = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        head = hashlib.sha256(f"{head}\n{line}".encode()).hexdigest()
    return head


def is_sealed(root: Path) -> bool:
    return (Path(root) / SEAL_NAME).exists() or (Path(root) / CERT_NAME).exists()


def check_key(root: Path, certificate, where: str) -> None:
    """Refuse (InvalidInput) a key whose certificate (asn1crypto) is not the office's the
    archive knows (``manifest.seal.pem``); any key when the archive knows none yet."""
    known = _known_certificate(root)
    if known is not None and known.dump() != certificate.dump():
        from reportgen.errors import InvalidInput, Problem  # noqa: PLC0415

        raise InvalidInput([Problem(file=where, message=(
            f"khóa này ({_who(certificate)}) không phải khóa văn phòng đã niêm phong kho lưu trữ "
            f"{root} ({_who(known)}, trong {CERT_NAME}); chưa lưu trữ gì. Dùng đúng khóa của cơ quan; "
            f"khi cơ quan được cấp chứng thư mới, thay {CERT_NAME} bằng chứng thư mới (tệp PEM) rồi lưu trữ lại"))])


def seal(root: Path, rows: list[dict], signer, sealed_at: str) -> None:
    """Sign the manifest's chain head with ``signer`` (a pyHanko signer): write both seal files,
    and the office's certificate at the first sealing (:func:`check_key` ran before)."""
    check_key(root, signer.signing_cert, str(root))
    if _known_certificate(root) is None:
        write_atomic(root / CERT_NAME, _pem(signer.signing_cert))
    body = json.dumps({"rows": len(rows), "head": chain(rows), "sealed_at": sealed_at}, ensure_ascii=False,
                      indent=1).encode() + b"\n"
    signature = asyncio.run(signer.async_sign_general_data(body, "sha256", detached=True))
    write_atomic(root / SIGNATURE_NAME, signature.dump())
    write_atomic(root / SEAL_NAME, body)


def problems(root: Path, rows: list[dict], expected_cert: Path | None = None) -> list[str]:
    """What is wrong with the seal (empty: sealed and intact, or not sealed and not required)."""
    body_path, sig_path = root / SEAL_NAME, root / SIGNATURE_NAME
    if not body_path.exists() and not sig_path.exists():  # required once the archive knows its office
        return ["manifest chưa được niêm phong bằng khóa của cơ quan (thiếu manifest.seal.json)"] \
            if expected_cert or (root / CERT_NAME).exists() else []
    try:
        body, signature = body_path.read_bytes(), sig_path.read_bytes()
        sealed = json.loads(body)
    except (OSError, ValueError) as exc:
        return [f"không đọc được niêm phong của manifest: {exc}"]
    found: list[str] = []
    known = _known_certificate(root, found)
    if found:
        return found
    if known is None:
        return [f"manifest được niêm phong nhưng kho không có chứng thư của văn phòng ({CERT_NAME}): "
                "không biết dấu là của ai"]
    if expected_cert is not None and not _same_certificate(known, expected_cert, found):
        return found
    if not _signature_ok(body, signature, known, found):
        return found
    if sealed.get("rows") != len(rows) or sealed.get("head") != chain(rows):
        found.append(f"manifest khác bản đã niêm phong ({sealed.get('rows')} dòng lúc niêm phong, nay "
                     f"{len(rows)}): hồ sơ hoặc dòng manifest đã bị sửa, thêm hoặc bớt sau lần lưu trữ cuối")
    return found


def _signature_ok(body: bytes, signature: bytes, known, found: list[str]) -> bool:
    """The detached signature is intact and made with the key of ``known`` (the office's
    certificate the archive knows): a valid signature by another key is refused."""
    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
    from pyhanko_certvalidator import ValidationContext

    try:
        signed = cms.ContentInfo.load(signature)["content"]
        context = ValidationContext(trust_roots=[known], allow_fetching=False, revocation_mode="soft-fail")
        status = asyncio.run(async_validate_detached_cms(body, signed, signer_validation_context=context))
    except Exception as exc:  # a file that is not CMS: asn1crypto and pyHanko raise many kinds
        found.append(f"chữ ký niêm phong manifest không đọc được ({type(exc).__name__})")
        return False
    if not (status.intact and status.valid):
        found.append("chữ ký niêm phong manifest không khớp (manifest.seal.json đã bị sửa)")
        return False
    if status.signing_cert.dump() != known.dump():
        found.append(f"manifest được niêm phong bằng khóa khác khóa của văn phòng ({_who(status.signing_cert)}, "
                     f"không phải {_who(known)} trong {CERT_NAME}): manifest đã bị thay và niêm phong lại")
        return False
    return True


def _known_certificate(root: Path, found: list[str] | None = None):
    """The office's certificate in ``manifest.seal.pem`` (asn1crypto), or None (no file, or
    unreadable: then a finding in ``found``; InvalidInput when ``found`` is None)."""
    path = Path(root) / CERT_NAME
    if not path.exists():
        return None
    from reportgen.signing.check import load_roots  # noqa: PLC0415

    if found is None:
        return load_roots([path])[0]
    try:
        return load_roots([path])[0]
    except Exception as exc:  # noqa: BLE001 (not a certificate: InvalidInput, or asn1crypto's many kinds)
        found.append(f"{CERT_NAME}: không đọc được chứng thư của văn phòng ({exc})")
        return None


def _same_certificate(known, expected_cert: Path, found: list[str]) -> bool:
    from reportgen.signing.check import load_roots  # noqa: PLC0415

    if load_roots([expected_cert])[0].dump() == known.dump():
        return True
    found.append(f"{CERT_NAME} ({_who(known)}) không phải chứng thư của văn phòng đã cho (--seal-cert {expected_cert}): "
                 "dấu và chứng thư trong kho đã bị thay")
    return False


def _who(certificate) -> str:
    """A certificate in words: its subject's common name and its SHA-256 fingerprint's start."""
    name = certificate.subject.native.get("common_name", certificate.subject.human_friendly)
    return f"{name}, SHA-256 {hashlib.sha256(certificate.dump()).hexdigest()[:16]}…"


def _pem(certificate) -> bytes:
    from asn1crypto import pem  # noqa: PLC0415

    return pem.armor("CERTIFICATE", certificate.dump())
