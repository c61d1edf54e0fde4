"""``reportgen init``: a new workspace with the sample config and data."""

from __future__ import annotations

import shutil
from pathlib import Path

from reportgen.errors import InvalidInput, Problem
from reportgen.resources import SAMPLE_WORKSPACE

SAMPLE_PARTS = ("reportgen.toml", "units.csv", "figures", "meetings")


def init_workspace(target: Path) -> list[Path]:
    """Copy the sample workspace into ``target`` (new or empty); return the files written."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise InvalidInput([Problem(str(target), "thư mục đã có dữ liệu; hãy chọn một thư mục mới hoặc rỗng")])
    staging = target.with_name(f".{target.name}.init-tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for part in SAMPLE_PARTS:
        source = SAMPLE_WORKSPACE / part
        if source.is_dir():
            shutil.copytree(source, staging / part)
        else:
            shutil.copy2(source, staging / part)
    if target.exists():
        target.rmdir()
    staging.rename(target)
    return sorted(p for p in target.rglob("*") if p.is_file())
