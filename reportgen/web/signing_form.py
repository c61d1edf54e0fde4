"""The clerk's signing form (issue 24): number, date and the body's signature, with a key the server was given.

The key is never uploaded through the page: ``reportgen serve --office-p12 FILE
--office-password-file FILE --seal-image PNG`` (or ``--office-pkcs11-lib``,
``--office-token-label``, ``--office-pin-file`` for a token attached to the server) tells
the server of it. The clerk chooses the document (period, unit, kind), enters the number
and date, and the server signs ``<kind>.signed.pdf`` when the person with authority has
signed it (else ``<kind>.pdf``) into ``<kind>.issued.pdf`` (or ``<kind>.signed.pdf``), as
``reportgen sign --role office`` does.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from reportgen.layout import unit_folder
from reportgen.signing.keys import KeySource
from reportgen.sources.boundary import Refused, check_inside
from reportgen.web.meeting_form import iso_date


@dataclass(frozen=True)
class OfficeKey:
    key: KeySource
    seal_image: Path


def signable(out: Path, period: str, unit: str, kind: str) -> Path | None:
    """The file the clerk signs: the signer's ``<kind>.signed.pdf``, else the built ``<kind>.pdf``;
    only a regular file really inside ``out`` (no symbolic link on the way, a linked
    ``<period>/<unit>`` folder included), as ``/tep`` serves them."""
    for name in (f"{kind}.signed.pdf", f"{kind}.pdf"):
        try:
            path = check_inside(out, (unit_folder(out, period, unit) / name).relative_to(out))
        except Refused:
            return None
        if path.is_file():
            return path
    return None


def parse(number: str, day: str) -> tuple[int | None, dt.date | None, dict[str, str]]:
    """The number and date the clerk typed (the date day first, ``15/03/2022``, as the
    meeting form takes it), and an error by field name."""
    errors, value, on = {}, None, None
    if not re.fullmatch(r"[0-9]{1,9}", number.strip()) or int(number) < 1:  # ASCII digits: int() reads "١٢" too
        errors["so"] = "Số văn bản là số nguyên dương, ví dụ 5."
    else:
        value = int(number)
    try:
        on = dt.date.fromisoformat(iso_date(day.strip()))
    except ValueError:
        errors["ngay"] = "Ngày ban hành theo dạng ngày/tháng/năm, ví dụ 15/03/2022."
    return value, on, errors


def sign_for_clerk(office: OfficeKey, pdf: Path, number: int, on: dt.date, archive_root: Path):
    from reportgen.signing.sign import SignRequest, sign

    return sign(SignRequest(pdf, "office", office.key, None, None, office.seal_image, number, on, None, archive_root))
