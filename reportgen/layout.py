"""The output folder's layout, in one place: ``<out>/<period>/<unit>/<kind>.<suffix>``.

The build writes there, the fingerprint store keys its entries by the path below the
folder, the archive finds the built files and the web page serves and zips them, all
through these functions. Unit codes are validated safe for paths; kinds and suffixes come
from the registries.
"""

from __future__ import annotations

from pathlib import Path


def file_name(kind: str, suffix: str) -> str:
    """``bao-cao.pdf``, ``tin-tuc.fragment.html``."""
    return f"{kind}.{suffix}"


def relative_path(job, suffix: str) -> str:
    """``<period>/<unit>/<kind>.<suffix>``: the file's path below the output folder, the
    fingerprint store's key and the name in a period's ZIP (``job``: anything with
    ``period``, ``unit`` and ``kind``, a Result too)."""
    return f"{job.period}/{job.unit}/{file_name(job.kind, suffix)}"


def output_path(out_root: Path, job, suffix: str) -> Path:
    """``<out>/<period>/<unit>/<kind>.<suffix>``."""
    return unit_folder(out_root, job.period, job.unit) / file_name(job.kind, suffix)


def unit_folder(out_root: Path, period, unit: str) -> Path:
    """``<out>/<period>/<unit>``: a unit's documents of one period."""
    return Path(out_root) / str(period) / unit


def parse(relpath: str, kinds) -> tuple[str, str, str, str] | None:
    """(period, unit, kind, suffix) of a path below the output folder; None when it is not
    one. ``kinds``: the kind names (the longest one that prefixes the file name wins)."""
    parts = relpath.split("/")
    if len(parts) != 3 or "." not in parts[2]:
        return None
    kind = next((k for k in sorted(kinds, key=len, reverse=True) if parts[2].startswith(k + ".")),
                parts[2].split(".", 1)[0])
    return parts[0], parts[1], kind, parts[2][len(kind) + 1:]
