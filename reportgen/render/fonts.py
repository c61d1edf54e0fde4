"""The system font check: Times New Roman, or metric-compatible Liberation Serif, for Vietnamese.

Decree 30/2020 sets documents in Times New Roman. On Linux the PDF is laid out with
whichever of the two fontconfig finds with Vietnamese coverage; without one, WeasyPrint
would silently fall back to another font (other widths, other line breaks), so the build
stops with :class:`~reportgen.errors.MissingSystemDependency` instead.
"""

from __future__ import annotations

import subprocess
from functools import lru_cache

from reportgen.errors import MissingSystemDependency

ACCEPTED_FAMILIES = ("Times New Roman", "Liberation Serif")

INSTALL_HINT = (
    "Không tìm thấy phông chữ Times New Roman hoặc Liberation Serif có hỗ trợ tiếng Việt. "
    "Hãy cài gói fonts-liberation2: sudo apt-get install fonts-liberation2 / "
    "No Times New Roman or Liberation Serif font with Vietnamese coverage was found. "
    "Install fonts-liberation2: sudo apt-get install fonts-liberation2"
)


def ensure_vietnamese_font() -> str:
    """Return the family the PDF will use; raise MissingSystemDependency if there is none.

    A found family is cached for the life of the process; a failure is checked again on
    the next call (the user may have installed the font meanwhile).
    """
    return _found_family()


@lru_cache(maxsize=1)
def _found_family() -> str:
    families = vietnamese_families()
    for wanted in ACCEPTED_FAMILIES:
        if wanted.casefold() in families:
            return wanted
    raise MissingSystemDependency(INSTALL_HINT)


def vietnamese_families() -> set[str]:
    """Case-folded names of every font family fontconfig says covers Vietnamese."""
    try:
        result = subprocess.run(
            ["fc-list", ":lang=vi", "family"],
            capture_output=True, text=True, check=True, timeout=30,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise MissingSystemDependency(
            f"Không chạy được fc-list (fontconfig) để kiểm tra phông chữ: {exc}. {INSTALL_HINT}"
        ) from exc
    return {name.strip().casefold() for line in result.stdout.splitlines() for name in line.split(",") if name.strip()}
