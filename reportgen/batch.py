"""Batch: build the planned documents in two phases, and write them atomically.

Phase 1 builds every document's context (nothing is rendered if the inputs are wrong);
phase 2 renders each document to all its formats in memory and only then writes them, each
to a temporary name renamed into place. A document that fails leaves no file behind and
does not stop the others. Phase 2 runs in worker processes when asked (WeasyPrint's
process-wide settings make threads unsafe; processes are not).
"""

from __future__ import annotations

import hashlib
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from collections.abc import Callable
from pathlib import Path

from reportgen.errors import ReportgenError
from reportgen.files import write_atomic
from reportgen.kinds import KINDS, build_context
from reportgen.plan import Job
from reportgen.render import documents
from reportgen.results import Result
from reportgen.templating import check_templates
from reportgen.workspace import Workspace


def output_path(out_root: Path, job: Job, fmt: str) -> Path:
    """``<out>/<period>/<unit>/<kind>.<fmt>``; unit codes are validated safe for paths."""
    return Path(out_root) / job.period / job.unit / f"{job.kind}.{fmt}"


def build(ws: Workspace, jobs: list[Job], out_root: Path, formats: tuple[str, ...] = (),
          progress: Callable[[Job], None] | None = None, workers: int = 1) -> list[Result]:
    """Build every job; return one Result per written file and per failed or skipped job.

    Phase 1 builds every context and loads the templates they use (an InvalidInput, or a
    TemplateFailure of a template that cannot be used at all, stops the run before anything
    is written); phase 2 renders and writes, in ``workers`` processes when more than one.
    """
    tasks = [(job, _prepare(ws, job, formats)) for job in jobs]
    check_templates({prepared[0] for _, prepared in tasks if isinstance(prepared, tuple)}, ws.templates_dir)
    results: dict[int, list[Result]] = {}
    pending = []
    for index, (job, prepared) in enumerate(tasks):
        if job.reason:
            results[index] = [Result.skipped(job)]
        elif prepared is None:
            results[index] = []
        elif isinstance(prepared, Result):  # an unexpected error while building its context
            results[index] = [prepared]
        else:
            pending.append((index, (job, *prepared, ws, Path(out_root))))
    for index, outputs in _run(pending, workers, progress):
        results[index] = outputs
    if progress:
        for index in sorted(set(range(len(tasks))) - {i for i, _ in pending}):
            progress(tasks[index][0])
    return [output for index in sorted(results) for output in results[index]]


def _prepare(ws: Workspace, job: Job, formats: tuple[str, ...]):
    """(template, context, assets, formats) of a job, None when no asked format applies, or the
    failed Result of an unexpected error."""
    wanted = [f for f in KINDS[job.kind].formats if not formats or f in formats]
    if job.reason or not wanted:
        return None
    try:
        template, context, assets = build_context(ws, job)
    except ReportgenError:
        raise
    except Exception as exc:  # a bug: reported (and logged) for this document, the others go on
        return Result.failed(job, exc)
    return template, context, assets, wanted


def _run(pending: list, workers: int, progress):
    """Render the pending jobs, in worker processes when asked; yield (index, outputs)."""
    if workers <= 1 or len(pending) <= 1:
        for index, task in pending:
            outputs = _render_one(task)
            if progress:
                progress(task[0])
            yield index, outputs
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(pending))) as pool:
        futures = {pool.submit(_render_one, task): (index, task[0]) for index, task in pending}
        for future in as_completed(futures):
            index, job = futures[future]
            if progress:
                progress(job)
            yield index, future.result()


def _render_one(task) -> list[Result]:
    job, template, context, assets, wanted, ws, out_root = task
    try:
        with tempfile.TemporaryDirectory(prefix="reportgen-") as tmp:
            rendered = documents.render_all(template, context, assets, wanted, ws, Path(tmp))
        return [_write(job, fmt, data, pages, out_root) for fmt, (data, pages) in rendered.items()]
    except Exception as exc:  # a bug must not stop the other documents; it is reported (and logged), not hidden
        return [Result.failed(job, exc)]


def _write(job: Job, fmt: str, data: bytes, pages: int | None, out_root: Path) -> Result:
    path = output_path(out_root, job, fmt)
    digest = hashlib.sha256(data).hexdigest()
    status = "unchanged" if path.exists() and path.read_bytes() == data else "built"
    if status == "built":
        write_atomic(path, data)
    return Result(job.kind, job.unit, job.period, status, format=fmt, path=str(path), sha256=digest, pages=pages)
