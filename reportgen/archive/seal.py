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

``verify`` recomputes the chain from ``manifest.jsonl`` and checks the signature; with
``--seal-cert`` it also requires the seal to be there and to be signed by that certificate
(deleting the seal is then detected too).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

from reportgen.files import write_atomic

SEAL_NAME = "manifest.seal.json"
SIGNATURE_NAME = "manifest.seal.p7s"
START = "reportgen manifest v1"


def chain(rows: list[dict]) -> str:
    head = hashlib.sha256(START.encode()).hexdigest()
    for row in rows:
        line = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        head = hashlib.sha256(f"{head}\n{line}".encode()).hexdigest()
    return head


def seal(root: Path, rows: list[dict], signer, sealed_at: str) -> None:
    """Sign the manifest's chain head with ``signer`` (a pyHanko signer): write both seal files."""
    body = json.dumps({"rows": len(rows), "head": chain(rows), "sealed_at": sealed_at}, ensure_ascii=False,
                      indent=1).encode() + b"\n"
    signature = asyncio.run(signer.async_sign_general_data(body, "sha256", detached=True))
    write_atomic(root / SIGNATURE_NAME, signature.dump())
    write_atomic(root / SEAL_NAME, body)


def problems(root: Path, rows: list[dict], expected_cert: Path | None = None) -> list[str]:
    """What is wrong with the seal (empty: sealed and intact, or not sealed and not required)."""
    body_path, sig_path = root / SEAL_NAME, root / SIGNATURE_NAME
    if not body_path.exists() and not sig_path.exists():
        return ["manifest chưa được niêm phong bằng khóa của cơ quan (thiếu manifest.seal.json)"] \
            if expected_cert else []
    try:
        body, signature = body_path.read_bytes(), sig_path.read_bytes()
        sealed = json.loads(body)
    except (OSError, ValueError) as exc:
        return [f"không đọc được niêm phong của manifest: {exc}"]
    found = []
    if not _signature_ok(body, signature, expected_cert, found):
        return found
    if sealed.get("rows") != len(rows) or sealed.get("head") != chain(rows):
        found.append(f"manifest khác bản đã niêm phong ({sealed.get('rows')} dòng lúc niêm phong, nay "
                     f"{len(rows)}): hồ sơ hoặc dòng manifest đã bị sửa, thêm hoặc bớt sau lần lưu trữ cuối")
    return found


def _signature_ok(body: bytes, signature: bytes, expected_cert: Path | None, found: list[str]) -> bool:
    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
    from pyhanko_certvalidator import ValidationContext

    from reportgen.signing.check import load_roots

    try:
        signed = cms.ContentInfo.load(signature)["content"]
        roots = load_roots([expected_cert]) if expected_cert else []
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        status = asyncio.run(async_validate_detached_cms(body, signed, signer_validation_context=context))
    except Exception as exc:  # a file that is not CMS: asn1crypto and pyHanko raise many kinds
        found.append(f"chữ ký niêm phong manifest không đọc được ({type(exc).__name__})")
        return False
    if not (status.intact and status.valid):
        found.append("chữ ký niêm phong manifest không khớp (manifest.seal.json đã bị sửa)")
        return False
    if expected_cert and status.signing_cert.dump() != roots[0].dump() and not status.trusted:
        found.append("manifest được niêm phong bằng khóa khác khóa của cơ quan (--seal-cert)")
        return False
    return True
