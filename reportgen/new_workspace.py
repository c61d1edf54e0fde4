"""``reportgen init``: a new workspace with the sample config and data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from reportgen.errors import InvalidInput, Problem
from reportgen.resources import SAMPLE_WORKSPACE

SAMPLE_PARTS = ("reportgen.toml", "units.csv", "figures", "meetings")
# The samples ``reportgen init --mau`` offers: the 2022 district (three tiers) and the
# two-tier province of 2025 (province and communes, wards, special zones).
SAMPLES = {"2022": SAMPLE_WORKSPACE, "2025": SAMPLE_WORKSPACE / "mau-2025"}


def others(target: Path) -> list[str]:
    """The names already in ``target`` that are no part of a workspace (kept as they are by init)."""
    target = Path(target)
    if not target.is_dir():
        return []
    return sorted(p.name for p in target.iterdir() if p.name not in SAMPLE_PARTS)


def init_workspace(target: Path, sample: str = "2022") -> list[Path]:
    """Copy a sample workspace into ``target`` (new, empty, or holding only other files, which
    are left as they are); return the files written. A folder that already has any part of a
    workspace (reportgen.toml, units.csv, figures/, meetings/) is refused: nothing is replaced."""
    if sample not in SAMPLES:
        raise InvalidInput([Problem("--mau", f"không có mẫu này; có: {', '.join(SAMPLES)}", value=sample)])
    source_root = SAMPLES[sample]
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise InvalidInput([Problem(str(target), "đây là một tệp, không phải thư mục; hãy chọn một thư mục mới")])
    present = [part for part in SAMPLE_PARTS if os.path.lexists(target / part)]
    if present:
        raise InvalidInput([Problem(str(target), "thư mục đã có dữ liệu của một workspace ("
                                    + ", ".join(present) + "); reportgen init không ghi đè gì: hãy chọn một "
                                    "thư mục mới hoặc rỗng, hoặc dùng thư mục này bằng --workspace")])
    staging = (target / ".reportgen-init-tmp") if target.exists() else target.with_name(f".{target.name}.init-tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for part in SAMPLE_PARTS:
        source = source_root / part
        if source.is_dir():
            shutil.copytree(source, staging / part)
        else:
            shutil.copy2(source, staging / part)
    if not target.exists():
        staging.rename(target)
    else:  # beside the user's own files, which stay untouched
        for part in SAMPLE_PARTS:
            (staging / part).rename(target / part)
        staging.rmdir()
    return sorted(p for part in SAMPLE_PARTS for p in [target / part, *(target / part).rglob("*")] if p.is_file())
