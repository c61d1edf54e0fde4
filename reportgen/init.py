"""``reportgen init``: a new workspace with the sample config and data."""

from __future__ import annotations

import shutil
from pathlib import Path

from reportgen.errors import InvalidInput, Problem
from reportgen.resources import SAMPLE_WORKSPACE

SAMPLE_PARTS = ("reportgen.toml", "units.csv", "figures", "meetings")
# The samples ``reportgen init --mau`` offers: the 2022 district (three tiers) and the
# two-tier province of 2025 (province and communes, wards, special zones).
SAMPLES = {"2022": SAMPLE_WORKSPACE, "2025": SAMPLE_WORKSPACE / "mau-2025"}


def init_workspace(target: Path, sample: str = "2022") -> list[Path]:
    """Copy a sample workspace into ``target`` (new or empty); return the files written."""
    if sample not in SAMPLES:
        raise InvalidInput([Problem("--mau", f"không có mẫu này; có: {', '.join(SAMPLES)}", value=sample)])
    source_root = SAMPLES[sample]
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise InvalidInput([Problem(str(target), "thư mục đã có dữ liệu; hãy chọn một thư mục mới hoặc rỗng")])
    staging = target.with_name(f".{target.name}.init-tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for part in SAMPLE_PARTS:
        source = source_root / part
        if source.is_dir():
            shutil.copytree(source, staging / part)
        else:
            shutil.copy2(source, staging / part)
    if target.exists():
        target.rmdir()
    staging.rename(target)
    return sorted(p for p in target.rglob("*") if p.is_file())
