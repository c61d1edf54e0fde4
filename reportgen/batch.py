"""Batch: build the planned documents in two phases, and write them atomically.

Phase 1 builds every document's context (nothing is rendered if the inputs are wrong);
phase 2 renders each document to all its formats in memory and only then writes them, each
to a temporary name renamed into place. A document that fails leaves no file behind and
does not stop the others.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from reportgen.context import build_context
from reportgen.errors import ReportgenError
from reportgen.files import write_atomic
from reportgen.plan import FORMATS, Job
from reportgen.render import documents
from reportgen.workspace import Workspace


@dataclass
class Output:
    """One file of a build (or one document that could not be built)."""

    kind: str
    unit: str
    period: str
    format: str | None
    path: str | None
    sha256: str | None
    pages: int | None
    status: str  # "built", "unchanged", "failed", "skipped"
    reason: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def output_path(out_root: Path, job: Job, fmt: str) -> Path:
    """``<out>/<period>/<unit>/<kind>.<fmt>``; unit codes are validated safe for paths."""
    return Path(out_root) / job.period / job.unit / f"{job.kind}.{fmt}"


def build(ws: Workspace, jobs: list[Job], out_root: Path, formats: tuple[str, ...] = (),
          progress: Callable[[Job], None] | None = None) -> list[Output]:
    """Build every job; return one Output per written file and per failed or skipped job."""
    results: list[Output] = []
    for job in jobs:
        if job.reason:
            results.append(Output(job.kind, job.unit, job.period, None, None, None, None, "skipped", job.reason))
        else:
            results += _build_one(ws, job, Path(out_root), formats)
        if progress:
            progress(job)
    return results


def _build_one(ws: Workspace, job: Job, out_root: Path, formats: tuple[str, ...]) -> list[Output]:
    wanted = [f for f in FORMATS[job.kind] if not formats or f in formats]
    if not wanted:
        return []
    try:
        template, context, assets = build_context(ws, job)
        with tempfile.TemporaryDirectory(prefix="reportgen-") as tmp:
            rendered = documents.render_all(template, context, assets, wanted, ws, Path(tmp))
        return [_write(job, fmt, data, pages, out_root) for fmt, (data, pages) in rendered.items()]
    except ReportgenError as exc:
        return [Output(job.kind, job.unit, job.period, None, None, None, None, "failed", str(exc))]


def _write(job: Job, fmt: str, data: bytes, pages: int | None, out_root: Path) -> Output:
    path = output_path(out_root, job, fmt)
    digest = hashlib.sha256(data).hexdigest()
    status = "unchanged" if path.exists() and path.read_bytes() == data else "built"
    if status == "built":
        write_atomic(path, data)
    return Output(job.kind, job.unit, job.period, fmt, str(path), digest, pages, status)
