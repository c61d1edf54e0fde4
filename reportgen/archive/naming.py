"""Where a record goes: ``<archive>/<year>/<period>/<unit>/<file>``.

Paths are built only from validated codes: the period (``2022-Q1``), the unit code
(``[A-Za-z0-9][A-Za-z0-9_.-]*``, checked when the workspace is loaded), the document kind,
the document number (written by ``vi.document_number``) and the symbol, reduced to ``[A-Za-z0-9-]``. Version 1
has no suffix; later versions end in ``_v2``, ``_v3``...

``05-BC-UBND_bao-cao.pdf``, ``BC-UBND_bao-cao.pdf`` (number left blank),
``tin-tuc.pdf`` (no symbol), ``BC-UBND_bao-cao_v2.pdf`` (second version).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from reportgen.periods import Period
from reportgen.validate import SAFE_CODE

_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def record_dir(root: Path, period: Period, unit: str) -> Path:
    """``<root>/<year>/<period>/<unit>``; refuses a unit code that is not a validated code."""
    if not SAFE_CODE.match(unit):
        raise ValueError(f"unit code not safe for a path: {unit!r}")
    return Path(root) / str(period.year) / str(period) / unit


def safe_symbol(symbol: str | None) -> str:
    """``"BC-UBND"`` -> ``"BC-UBND"``; ``"TB/ĐT"`` -> ``"TB-DT"``; only ``[A-Za-z0-9-]`` remain."""
    text = unicodedata.normalize("NFKD", (symbol or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _UNSAFE.sub("-", text).strip("-")


def stem(kind: str, number: str, symbol: str) -> str:
    """``05-BC-UBND_bao-cao``, ``BC-UBND_bao-cao`` or ``tin-tuc``."""
    code = safe_symbol(symbol)
    if not code:
        return kind
    return f"{number}-{code}_{kind}" if number else f"{code}_{kind}"


def record_name(kind: str, number: str, symbol: str, version: int) -> str:
    """The file name of ``version`` of a record."""
    suffix = "" if version == 1 else f"_v{version}"
    return f"{stem(kind, number, symbol)}{suffix}.pdf"


def record_path(kind: str, unit: str, period: Period, number: str, symbol: str, version: int) -> str:
    """Where ``version`` of a document belongs, relative to the archive, with ``/``:
    ``2022/2022-Q1/TM/BC-UBND_bao-cao.pdf``. Raises ValueError for an unsafe unit or a bad period."""
    folder = record_dir(Path("."), period, unit)
    return (folder / record_name(kind, number, symbol, version)).as_posix()


def version_of(name: str, kind: str) -> int | None:
    """The version of a record file name of ``kind`` (any number and symbol), else None."""
    match = re.fullmatch(rf"(?:[A-Za-z0-9-]+_)?{re.escape(kind)}(?:_v(\d+))?\.pdf", name)
    if not match:
        return None
    return int(match.group(1)) if match.group(1) else 1
