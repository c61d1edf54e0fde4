"""Batch: build the planned documents that need work, in two phases, and write them atomically.

Which files need work is :mod:`reportgen.stale`'s decision (``force`` rebuilds every file).
Phase 1 builds every context (an input problem stops the run before anything is written);
phase 2 renders each document to the formats it needs in memory
(:mod:`reportgen.render.documents`, through the writers of :mod:`reportgen.formats`) and only
then writes them, each to a temporary file in the run's folder renamed into place
(:mod:`reportgen.layout`). Both phases may run in worker processes (:mod:`reportgen.workers`),
biggest documents first. A document that fails leaves no file and does not stop the others.
The rules: docs/architecture.md, "Two phases" and "Stopping and temporary files".
"""

from __future__ import annotations

import gc
import shutil
import tempfile
from collections.abc import Callable
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from reportgen import chart_cache, noop, stale
from reportgen import fingerprint as fp
from reportgen import formats as registry
from reportgen.errors import DiskFault, ReportgenError, TemplateFailure
from reportgen.files import RunFolder, faults_named, remove_stray_temps, write_atomic
from reportgen.job import Job
from reportgen.kinds import KINDS, build_context
from reportgen.layout import output_path
from reportgen.plan import Selection
from reportgen.results import Result
from reportgen.store import STATE_DIR, Store, sha256_bytes, state_dir
from reportgen.templating import check_templates
from reportgen.workers import Died, Pool
from reportgen.workspace import Workspace

TEMP_DIR = noop.TEMP_DIR


class Outputs(list):
    """The Results of a build, in plan order, with what the build has to say besides.

    ``warnings``: why the fingerprint store was not trusted (every file was then built);
    ``cleaned``: temporary files of an interrupted earlier run that this build removed;
    ``fault``: the DiskFault that stopped the build after documents were written (the
    fingerprint store or a removal could not be written): the run exits 1 with it.
    """

    def __init__(self, items=(), warnings: list[str] | None = None, cleaned: int = 0, fault: DiskFault | None = None):
        super().__init__(items)
        self.warnings = warnings or []
        self.cleaned = cleaned
        self.fault = fault


@dataclass
class _Document:
    """A job that needs work: its stale formats, then (phase 1) what rendering needs."""

    index: int
    job: Job
    formats: list[str]
    fresh: list[Result]
    size: int
    template: str = ""
    context: dict = field(default_factory=dict)
    assets: dict = field(default_factory=dict)


def build(ws: Workspace, jobs: list[Job], out_root: Path, formats: tuple[str, ...] = (),
          progress: Callable[[Job], None] | None = None, workers: int = 1, force: bool = False,
          look: noop.Look | None = None, selection: Selection | None = None) -> Outputs:
    """Build what changed among ``jobs``; return one Result per file and per failed or skipped job,
    and one per file removed.

    ``selection``: what was asked for (``plan``'s arguments); the files this output root's
    store says reportgen wrote inside it that ``jobs`` no longer make are removed ("removed"
    Results; a file changed since it was written is left alone and forgotten, with a warning).
    Without it, the periods, units and kinds of ``jobs`` are the selection.

    ``force`` builds every file whatever the fingerprints say. Phase 1 builds the contexts
    of the documents to build (an InvalidInput stops the run before anything is written);
    phase 2 renders and writes; both in ``workers`` processes when more than one. ``look``: the
    inputs as :func:`noop.look` found them before ``ws`` was loaded; a build that ends
    without a failure records its run with them, so that the same command can be answered
    without loading the workspace while nothing changes.
    """
    out_root = Path(out_root)
    store, warning = Store.load(out_root)
    warnings = [warning] if warning else []
    inputs = fp.Inputs(ws, skip_folders=[out_root])
    results: dict[int, list[Result]] = {}
    todo: list[_Document] = []
    for index, job in enumerate(jobs):
        wanted = stale.wanted(job, formats)
        if job.reason:
            results[index] = [Result.skipped(job)]
        elif wanted:
            needed, fresh = stale.decide(store, inputs, out_root, job, wanted, force)
            if needed:
                todo.append(_Document(index, job, needed, fresh, len(inputs.scope(job.unit)[0])))
            else:
                results[index] = fresh
        else:
            results[index] = []
    if not store.entries and not warning and not force and any(
            output_path(out_root, d.job, suffix).exists()
            for d in todo for f in d.formats for suffix in registry.files_of(f)):
        warnings.append(f"{store.path}: không có dấu vân tay của lần lập trước; lập lại mọi văn bản")
    # A template unusable at all stops the run (after an input problem of phase 1, which
    # comes first). Compiled here, before any worker is forked, the templates are shared.
    try:
        check_templates({KINDS[d.job.kind].template for d in todo}, ws.templates_dir)
        template_failure = None
    except TemplateFailure as exc:
        template_failure = exc
    processes = min(workers, len(todo)) if workers > 1 and len(todo) > 1 else 0
    if processes:
        _preload({fmt for d in todo for fmt in d.formats})
    # charts drawn before by a build into this output root are not drawn again (same bytes)
    charts_stored = chart_cache.stored_in(state_dir(out_root), sha256_bytes(
        f"{inputs.engine}\0{inputs.fonts}".encode())) if todo else nullcontext()
    with charts_stored, _frozen():
        drawn = _contexts(ws, todo, results, processes)  # phase 1: before anything is written (or any folder made)
        if template_failure:
            raise template_failure
        with RunFolder(state_dir(out_root) / TEMP_DIR) as run:
            cleaned = run.cleaned + remove_stray_temps(out_root, skip=STATE_DIR)
            chart_cache.save(drawn, run.path)
            if todo:  # the render stack imported (here too when rendering in this process), then kept out of the GC
                _preload({fmt for d in todo for fmt in d.formats})
                gc.freeze()
            if progress:
                for index in sorted(results):
                    progress(jobs[index])
            fault = None
            try:
                # phase 2, in fresh workers; an exception (Ctrl-C) kills them before the run's folder goes
                with (Pool(lambda task: _render_one(ws, task), processes) if processes else nullcontext()) as pool, \
                        closing(_run(ws, todo, out_root, run.path, pool, progress)) as finished:
                    for document, rendered in finished:  # an exception here closes the pool first
                        outputs = document.fresh + rendered
                        results[document.index] = outputs
                        stale.remember(store, inputs, document.job, document.template, outputs)
                outcome = [o for index in sorted(results) for o in results[index]]
                try:
                    outcome += stale.remove_stale(store, out_root, ws, jobs, formats, selection, warnings)
                except DiskFault as exc:
                    fault = exc
                if look is not None and fault is None:
                    noop.remember(store, look, ws.warnings, outcome, stale.unchanged(store, ws, jobs, out_root, formats))
            finally:
                try:
                    store.save()  # atomic: on a fault the store on disk is the one before this build
                except DiskFault as exc:
                    fault = fault or exc
    return Outputs(outcome, warnings, cleaned, fault)


# ---- contexts and rendering, here or in workers ----------------------------------------------

def _contexts(ws: Workspace, todo: list[_Document], results: dict, processes: int) -> dict[str, bytes]:
    """Phase 1: build every context, here or in ``processes`` workers (biggest first); return the
    charts drawn (:func:`chart_cache.take_drawn`) for the build to store once it writes.

    An input problem (a ReportgenError) stops the run: with workers, the first in plan order
    once every context is built, as a build in one process would have stopped at it. A
    document whose context fails otherwise (a bug) gets its failure in ``results`` and
    leaves ``todo``.
    """
    outcomes = {}
    if not processes:
        for document in todo:
            outcomes[document.index] = outcome = _context_of(ws, document.job)
            if isinstance(outcome, ReportgenError):
                raise outcome
    else:
        # the workers are let go after: matplotlib and what the contexts left behind are theirs alone
        with Pool(lambda job: _context_of(ws, job), processes) as pool:
            for document, outcome in pool.map(_biggest_first(todo), lambda d: d.job):
                outcomes[document.index] = _failed_if_died(document.job, outcome)
        stop = next((outcomes[d.index] for d in todo if isinstance(outcomes[d.index], ReportgenError)), None)
        if stop is not None:
            raise stop
    drawn: dict[str, bytes] = {}
    for document in list(todo):
        outcome = outcomes[document.index]
        if isinstance(outcome, list):  # failed: a bug, or its worker died
            results[document.index] = document.fresh + outcome
            todo.remove(document)
        else:
            document.template, document.context, document.assets, charts = outcome
            drawn |= charts
    return drawn


def _context_of(ws: Workspace, job: Job):
    """(template, context, assets, charts drawn) of one document; an input problem is returned
    (to stop the run), a bug is returned as the document's failure (reported and logged; the
    others go on)."""
    try:
        return (*build_context(ws, job), chart_cache.take_drawn())
    except ReportgenError as exc:
        return exc
    except Exception as exc:
        return [Result.failed(job, exc)]


def _biggest_first(todo: list[_Document]) -> list[_Document]:
    """Units in scope, then formats: no worker is left with the province's report at the end."""
    return sorted(todo, key=lambda d: (-d.size, -len(d.formats), d.index))


def _run(ws: Workspace, todo: list[_Document], out_root: Path, temp_dir: Path, pool: Pool | None, progress):
    """Phase 2: render the documents; yield (document, outputs) as each finishes."""
    if pool is None:
        for document in todo:
            outputs = _render_one(ws, _task(document, out_root, temp_dir))
            if progress:
                progress(document.job)
            yield document, outputs
        return
    for document, outcome in pool.map(_biggest_first(todo), lambda d: _task(d, out_root, temp_dir)):
        if progress:
            progress(document.job)
        yield document, _failed_if_died(document.job, outcome)


def _failed_if_died(job: Job, outcome):
    """A worker's outcome; the document's failure when its worker died with it."""
    if not isinstance(outcome, Died):
        return outcome
    return [Result.failed(job, f"tiến trình dựng văn bản dừng đột ngột (mã thoát {outcome.exitcode}); "
                               "các văn bản khác vẫn được lập")]


@contextmanager
def _frozen():
    """Everything alive so far (imported modules, the workspace, then the contexts and the render
    stack: a second ``gc.freeze()`` before phase 2) is left out of the cyclic garbage collector's
    passes until the build ends. Python's full collections otherwise walk those ~200,000 objects
    again and again while WeasyPrint allocates: 12 % of the PDF time of the sample's documents,
    4-5 % once frozen. Frozen objects still go when their last reference does; a cycle among
    them waits for ``gc.unfreeze()`` at the end. Forked workers inherit the frozen objects
    (and, as Python advises, do not copy their pages on a collection)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _preload(formats: set[str]) -> None:
    """Import the renderers the documents need before forking, so that every worker (and every
    worker that replaces a retired one) shares them instead of importing them again: about
    1.5 s of CPU each for WeasyPrint, python-docx and matplotlib. Only a build that renders
    gets here, so a no-op build and ``--help`` stay light."""
    from reportgen.render import documents  # noqa: F401,PLC0415  (the subset, templating)

    registry.preload(formats)  # each format's renderer (WeasyPrint, python-docx, openpyxl...)


def _task(document: _Document, out_root: Path, temp_dir: Path) -> tuple:
    return (document.job, document.template, document.context, document.assets, document.formats,
            out_root, temp_dir)


def _render_one(ws: Workspace, task) -> list[Result]:
    from reportgen.render import documents  # noqa: PLC0415 (the render stack loads only to render)

    job, template, context, assets, wanted, out_root, temp_dir = task
    try:
        with faults_named(temp_dir, "tạo thư mục tạm của văn bản"):
            assets_dir = Path(tempfile.mkdtemp(prefix="assets-", dir=temp_dir))
        try:
            rendered = documents.render_all(template, context, assets, wanted, ws.templates_dir, assets_dir)
        finally:
            shutil.rmtree(assets_dir, ignore_errors=True)
        return [_write(job, fmt, data, pages, out_root, temp_dir) for fmt, (data, pages) in rendered.items()]
    except Exception as exc:  # a bug must not stop the other documents; it is reported (and logged), not hidden
        return [Result.failed(job, exc)]


def _write(job: Job, fmt: str, data: bytes, pages: int | None, out_root: Path, temp_dir: Path) -> Result:
    path = output_path(out_root, job, fmt)
    digest = sha256_bytes(data)
    status = "unchanged" if path.is_file() and path.read_bytes() == data else "built"
    if status == "built":
        write_atomic(path, data, temp_dir=temp_dir)
    return Result(job.kind, job.unit, str(job.period), status, format=fmt, path=str(path), sha256=digest, pages=pages)
