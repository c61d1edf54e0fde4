"""Signed records: a document signed after it was archived is filed as it is, byte for byte.

The person with authority and the clerk sign the PDF/A-3b record itself (``reportgen sign
archive/…/BC-UBND_bao-cao.pdf -o outputs/2022-Q1/TM/bao-cao.signed.pdf``, then the office
step). Each signature is an incremental update, so the signed file starts with the
record's bytes, unchanged: its sources (figure rows, meeting file, DOCX) stay embedded,
inside what was signed, and it stays PDF/A-3b. ``reportgen archive`` takes
``<kind>.issued.pdf`` (else ``<kind>.signed.pdf``) from the build's folder when it starts
with the record it would make now, and files those bytes, under the number and date the
clerk filled in (``05-BC-UBND_bao-cao_v2.pdf``). ``verify`` checks every signature of
such a record (:func:`signature_problems`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

from reportgen.archive.records import Record

SIGNED_NAMES = ("{kind}.issued.pdf", "{kind}.signed.pdf")  # the office's step first: it is the later one


def signed_copy(folder: Path, kind: str) -> Path | None:
    """The signed file of ``kind`` in the build's ``folder``, if there is one."""
    for name in SIGNED_NAMES:
        path = folder / name.format(kind=kind)
        if path.is_file():
            return path
    return None


def adopt(record: Record, path: Path) -> Record | str:
    """``record`` as signed in ``path`` (its bytes, number and date), or why it is not that record signed."""
    data = path.read_bytes()
    if not data.startswith(record.pdf):
        return (f"{path}: bản đã ký không phải bản lưu trữ của văn bản này (phải ký chính bản lưu trữ PDF/A, "
                "ví dụ reportgen sign archive/…/BC-UBND_bao-cao.pdf -o " f"{path.name}; hoặc dữ liệu đã đổi "
                "sau khi ký)")
    if len(data) == len(record.pdf):
        return record
    number, issued = filled(data)
    fields = dict(record.fields)
    if number:
        fields["number"] = number
    if issued:
        fields["date"] = issued.isoformat()
    return replace(record, pdf=data, fields=fields)


def filled(data: bytes) -> tuple[str, date | None]:
    """The number ("05") and the date the clerk filled in a signed file ("" and None where not)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from reportgen.signing.fields import DATE, NUMBER, values

    found = values(PdfFileReader(BytesIO(data), strict=False))
    number = re.match(r"Số: (\d+)/", found.get(NUMBER, ""))
    day = re.search(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})", found.get(DATE, ""))
    return (number[1] if number else "",
            date(int(day[3]), int(day[2]), int(day[1])) if day else None)


def is_signed(data: bytes) -> bool:
    return b"/ByteRange" in data and b"/Sig" in data


def signature_problems(data: bytes) -> list[str]:
    """What is wrong with the signatures of a signed record: broken, or a change after one that is not permitted.

    Trust in the signers' certificates is not judged here (no roots are configured for an
    archive): ``reportgen verify-signature FILE --trust-root …`` does that.
    """
    from reportgen.signing.check import verify_data

    found = []
    for number, sig in enumerate(verify_data(data, []).signatures, 1):
        found += [f"chữ ký {number} ({sig.signer}): {p}" for p in sig.problems
                  if not p.startswith("chưa khai báo chứng thư gốc")]
    return found
