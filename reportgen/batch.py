"""Batch: build the planned documents, only those whose inputs changed, and write them atomically.

A build first decides, per output file, whether it must be made: the fingerprint of its
inputs (:mod:`reportgen.fingerprint`) is compared with the one remembered for the file in
``<out>/.reportgen/fingerprints.json``; a file whose inputs and bytes are unchanged is
reported "unchanged" without building anything (``force`` rebuilds every file). Then two
phases, for the documents that need work: phase 1 builds every context (nothing is
rendered if the inputs are wrong: an input problem stops the run before anything is
written); phase 2 renders each document to the formats it needs in memory and only then
writes them, each to a temporary file in the run's folder (``<out>/.reportgen/tmp/run-...``)
renamed into place. A document that fails leaves no file behind and does not stop the others.

Both phases run in worker processes when asked (WeasyPrint's process-wide settings make
threads unsafe; processes are not), biggest documents first so that every worker stays
busy to the end. Phase 1's workers send the contexts back (or the input problem that
stops the run: the first in plan order, as one process would have met it) and are let
go; phase 2's are forked fresh. The pool is small and ours rather than ``concurrent.futures``: its
workers are forked (they share the validated workspace without copying it), retire when
their memory grows past :data:`WORKER_RSS_LIMIT_MB` (``ProcessPoolExecutor`` cannot recycle
forked workers), die with the main process (parent-death signal on Linux, and end of
file on their pipe), ignore Ctrl-C (the main process stops them), and hold neither the
terminal nor the main process's stdout/stderr. A worker that dies fails its document
only. An exception in the main process (Ctrl-C, SIGTERM turned into an exception by the
CLI) kills the workers, removes the run's temporary folder and keeps what was finished.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

from reportgen import chart_cache, noop
from reportgen import fingerprint as fp
from reportgen import formats as registry
from reportgen.errors import DiskFault, ReportgenError, TemplateFailure
from reportgen.files import RunFolder, faults_named, remove_stray_temps, write_atomic
from reportgen.kinds import KINDS, build_context
from reportgen.job import Job
from reportgen.layout import output_path, parse, relative_path
from reportgen.plan import Selection
from reportgen.results import Result
from reportgen.templating import check_templates
from reportgen.workspace import Workspace

TEMP_DIR = noop.TEMP_DIR
# A worker whose resident memory passes this after a document, having grown by more than
# WORKER_GROWTH_MB since it was forked (what it shares with the main process does not
# shrink by forking again), hands over to a fresh one.
WORKER_RSS_LIMIT_MB = 170
WORKER_GROWTH_MB = 24
# What a worker is asked to do with a document: build its context (phase 1), render it (phase 2).
_CONTEXT, _RENDER = "context", "render"


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
    store, warning = fp.Store.load(out_root)
    warnings = [warning] if warning else []
    inputs = fp.Inputs(ws, skip_folders=[out_root])
    results: dict[int, list[Result]] = {}
    todo: list[_Document] = []
    for index, job in enumerate(jobs):
        wanted = _wanted(job, formats)
        if job.reason:
            results[index] = [Result.skipped(job)]
        elif wanted:
            stale, fresh = _decide(store, inputs, out_root, job, wanted, force)
            if stale:
                todo.append(_Document(index, job, stale, fresh, len(inputs.scope(job.unit)[0])))
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
    pool = None
    if workers > 1 and len(todo) > 1:
        _preload({fmt for d in todo for fmt in d.formats})
        pool = _Pool(ws, min(workers, len(todo)))
    # charts drawn before by a build into this output root are not drawn again (same bytes)
    charts_stored = chart_cache.stored_in(fp.state_dir(out_root), fp.sha256_bytes(
        f"{inputs.engine}\0{inputs.fonts}".encode())) if todo else nullcontext()
    with pool or nullcontext(), charts_stored, _frozen():  # an exception (an input problem, Ctrl-C) kills the workers
        drawn = _contexts(ws, todo, results, pool)  # phase 1: before anything is written (or any folder made)
        if template_failure:
            raise template_failure
        with RunFolder(fp.state_dir(out_root) / TEMP_DIR) as run:
            cleaned = run.cleaned + remove_stray_temps(out_root, skip=fp.STATE_DIR)
            chart_cache.save(drawn, run.path)
            if todo:  # the render stack imported (here too when rendering in this process), then kept out of the GC
                _preload({fmt for d in todo for fmt in d.formats})
                gc.freeze()
            if progress:
                for index in sorted(results):
                    progress(jobs[index])
            fault = None
            try:
                with closing(_run(ws, todo, out_root, run.path, pool, progress)) as finished:
                    for document, rendered in finished:  # an exception here closes the pool first
                        outputs = document.fresh + rendered
                        results[document.index] = outputs
                        _remember(store, inputs, document, outputs)
                outcome = [o for index in sorted(results) for o in results[index]]
                try:
                    outcome += remove_stale(store, out_root, ws, jobs, formats, selection, warnings)
                except DiskFault as exc:
                    fault = exc
                if look is not None and fault is None:
                    noop.remember(store, look, ws.warnings, outcome, _unchanged(store, ws, jobs, out_root, formats))
            except BaseException:
                if pool is not None:  # stop the workers before their temporary folder is removed
                    pool.__exit__(*sys.exc_info())
                raise
            finally:
                try:
                    store.save()  # atomic: on a fault the store on disk is the one before this build
                except DiskFault as exc:
                    fault = fault or exc
    return Outputs(outcome, warnings, cleaned, fault)


def planned_files(ws: Workspace, jobs: list[Job], formats: tuple[str, ...] = ()) -> dict[str, tuple[Job, str]]:
    """Store key (``<period>/<unit>/<kind>.<suffix>``) -> (job, suffix) of every file ``jobs`` make."""
    return {relative_path(job, suffix): (job, suffix) for job in jobs if not job.reason
            for fmt in _wanted(job, formats) for suffix in _suffixes(ws, job, fmt)}


def current_outputs(ws: Workspace, out_root: Path, period: str | None = None) -> list[tuple[Job, str, Path]]:
    """The files of the current plan (every kind and unit; one period or all) found under
    ``out_root``, as (job, suffix, path), in plan order: what may be shown or handed out.
    A file the plan no longer makes, or that is a link, is not among them."""
    from reportgen.plan import plan  # noqa: PLC0415

    found = []
    for job, suffix in planned_files(ws, plan(ws, [period] if period else [])).values():
        path = output_path(out_root, job, suffix)
        if path.is_file() and not path.is_symlink():
            found.append((job, suffix, path))
    return found


def remove_stale(store: fp.Store, out_root: Path, ws: Workspace, jobs: list[Job], formats: tuple[str, ...],
                 selection: Selection | None, warnings: list[str]) -> list[Result]:
    """Remove the files reportgen wrote (the store's entries) inside ``selection`` that ``jobs``
    no longer make; one "removed" Result each. A file whose bytes are not those written is
    left as it is (and forgotten): reportgen never touches a file it did not write."""
    if selection is None:
        if not jobs:
            return []
        selection = Selection(tuple({j.period: 0 for j in jobs}), tuple({j.unit: 0 for j in jobs}),
                              tuple({j.kind: 0 for j in jobs}), tuple(formats))
    planned = planned_files(ws, jobs, formats)
    removed, folders = [], set()
    for relpath in sorted(store.entries):
        if relpath in planned:
            continue
        parsed = parse(relpath, KINDS)
        if parsed is None or not selection.covers(*parsed[:3], asked_format(parsed[2], parsed[3])):
            continue
        period, unit, kind, suffix = parsed
        path = Path(out_root) / relpath
        with faults_named(path.parent, f"xoá tệp không còn trong kế hoạch lập ({path.name})"):
            if path.is_file() and not path.is_symlink():
                if fp.sha256_file(path) != store.entry(relpath).sha256:
                    warnings.append(f"{path}: không còn trong kế hoạch lập nhưng đã bị sửa sau khi lập; "
                                    "giữ nguyên, không theo dõi nữa")
                    store.forget(relpath)
                    continue
                path.unlink()
        store.forget(relpath)
        if not path.parent.is_dir():
            continue
        folders.add(path.parent)
        removed.append(Result(kind, unit, period, "removed", format=suffix, path=str(path)))
    for folder in sorted(folders, key=lambda f: -len(f.parts)):  # the unit's folder, then the period's
        for empty in (folder, folder.parent):
            if empty != Path(out_root) and empty.is_dir() and not any(empty.iterdir()):
                empty.rmdir()
    return removed


def asked_format(kind: str, suffix: str) -> str:
    """The format asked for that makes a file of ``suffix`` (``fragment.html``, the bulletin's
    ``anh.jpg``: ``html``)."""
    fmt = registry.format_of(suffix)
    if fmt is not None:
        return fmt.name
    return (KINDS[kind].extra_format(suffix) if kind in KINDS else None) or suffix


def _wanted(job: Job, formats: tuple[str, ...]) -> list[str]:
    """The formats of ``job`` to build: its kind's, narrowed to ``formats`` when given."""
    return [f for f in KINDS[job.kind].formats if not formats or f in formats]


def _suffixes(ws: Workspace, job: Job, fmt: str) -> tuple[str, ...]:
    """The files an asked format of ``job`` makes: its own, and its kind's extra files (the
    bulletin's HTML also writes its photo)."""
    return registry.files_of(fmt) + KINDS[job.kind].extra_suffixes(ws, job, fmt)


def _unchanged(store: fp.Store, ws: Workspace, jobs: list[Job], out_root: Path, formats) -> list[Result] | None:
    """The Results the same build gives while nothing changes (every file "unchanged", as
    ``_decide`` reports it), or None if some file it needs is not in the store."""
    results = []
    for job in jobs:
        if job.reason:
            results.append(Result.skipped(job))
            continue
        for fmt in _wanted(job, formats):
            for suffix in _suffixes(ws, job, fmt):
                entry = store.entry(relative_path(job, suffix))
                if entry is None:
                    return None
                results.append(Result(job.kind, job.unit, job.period, "unchanged", format=suffix,
                                      path=str(output_path(out_root, job, suffix)), sha256=entry.sha256,
                                      pages=entry.pages))
    return results


def _decide(store: fp.Store, inputs: fp.Inputs, out_root: Path, job: Job, wanted: list[str], force: bool):
    """(formats to build, Results of the files that are up to date)."""
    stale, fresh = [], []
    for fmt in wanted:
        outputs = []
        for suffix in _suffixes(inputs.ws, job, fmt):
            entry = None if force else store.entry(relative_path(job, suffix))
            path = output_path(out_root, job, suffix)
            if (entry is None or not path.is_file()
                    or inputs.fingerprint(job, suffix, entry.template) != entry.fingerprint
                    or fp.sha256_file(path) != entry.sha256):
                outputs = None
                break
            outputs.append(Result(job.kind, job.unit, job.period, "unchanged", format=suffix, path=str(path),
                                  sha256=entry.sha256, pages=entry.pages))
        if outputs is None:
            stale.append(fmt)
        else:
            fresh += outputs
    return stale, fresh


def _remember(store: fp.Store, inputs: fp.Inputs, document: _Document, outputs: list[Result]):
    for output in outputs:
        if output.status in ("built", "unchanged") and output.format:
            relpath = relative_path(document.job, output.format)
            if any(o.status == "failed" for o in outputs):
                store.forget(relpath)
            else:
                store.record(relpath, output.sha256, output.pages, document.template,
                             inputs.fingerprint(document.job, output.format, document.template))


# ---- contexts and rendering, here or in workers ----------------------------------------------

def _contexts(ws: Workspace, todo: list[_Document], results: dict, pool: _Pool | None) -> dict[str, bytes]:
    """Phase 1: build every context, here or in the pool's workers (biggest first); return the
    charts drawn (:func:`chart_cache.take_drawn`) for the build to store once it writes.

    An input problem (a ReportgenError) stops the run: with workers, the first in plan order
    once every context is built, as a build in one process would have stopped at it. A
    document whose context fails otherwise (a bug) gets its failure in ``results`` and
    leaves ``todo``.
    """
    outcomes = {}
    if pool is None:
        for document in todo:
            outcomes[document.index] = outcome = _context_of(ws, document.job)
            if isinstance(outcome, ReportgenError):
                raise outcome
    else:
        for document, outcome in pool.map(_biggest_first(todo), lambda d: (_CONTEXT, d.job)):
            outcomes[document.index] = outcome
        pool.renew()
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


def _run(ws: Workspace, todo: list[_Document], out_root: Path, temp_dir: Path, pool: _Pool | None, progress):
    """Phase 2: render the documents; yield (document, outputs) as each finishes."""
    if pool is None:
        for document in todo:
            outputs = _render_one(ws, _task(document, out_root, temp_dir))
            if progress:
                progress(document.job)
            yield document, outputs
        return
    for document, outputs in pool.map(_biggest_first(todo), lambda d: (_RENDER, _task(d, out_root, temp_dir))):
        if progress:
            progress(document.job)
        yield document, outputs


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
    digest = fp.sha256_bytes(data)
    status = "unchanged" if path.is_file() and path.read_bytes() == data else "built"
    if status == "built":
        write_atomic(path, data, temp_dir=temp_dir)
    return Result(job.kind, job.unit, job.period, status, format=fmt, path=str(path), sha256=digest, pages=pages)


class _Pool:
    """Forked worker processes fed one document at a time through a pipe each."""

    def __init__(self, ws: Workspace, size: int):
        self.ws = ws
        self.size = size
        self.context = multiprocessing.get_context("fork")
        self.workers: dict = {}  # connection -> process
        self.busy: dict = {}  # connection -> document
        self.peak_rss_mb = 0

    def __enter__(self) -> "_Pool":
        return self

    def __exit__(self, *exc) -> None:
        for conn, process in list(self.workers.items()):
            if exc[0] is None:
                _send(conn, None)
            else:
                process.kill()
        for conn, process in list(self.workers.items()):
            process.join(timeout=None if exc[0] is None else 5)
            conn.close()
        self.workers.clear()

    def renew(self) -> None:
        """Let every (idle) worker go; the next map forks fresh ones from the main process.

        Between the phases: a worker that built contexts carries its own matplotlib (charts)
        and pandas leftovers, ~50 MB that rendering the biggest document on top of would
        take past the per-process bound."""
        for conn in self.workers:
            _send(conn, None)
        for conn, process in self.workers.items():
            process.join()
            conn.close()
        self.workers.clear()

    def _start(self) -> None:
        parent, child = self.context.Pipe()
        others = list(self.workers)
        process = self.context.Process(target=_worker_main, args=(child, others, os.getpid(), self.ws),
                                       name="reportgen-worker", daemon=True)
        process.start()
        child.close()
        self.workers[parent] = process

    def map(self, documents: list[_Document], task: Callable):
        """Yield (document, outputs) as they finish; documents are handed out in order."""
        queue = list(reversed(documents))
        while queue or self.busy:
            while queue and len(self.workers) < self.size:
                self._start()
            for conn in self.workers:
                if queue and conn not in self.busy:
                    document = queue.pop()
                    self.busy[conn] = document
                    _send(conn, task(document))  # if the worker is gone, its sentinel says so below
            sentinels = {process.sentinel: conn for conn, process in self.workers.items()}
            for ready in wait(list(self.busy) + list(sentinels)):
                conn = sentinels.get(ready, ready)
                if conn not in self.workers:
                    continue
                yield from self._collect(conn)

    def _collect(self, conn):
        document = self.busy.pop(conn, None)
        try:
            outputs, rss, retiring = conn.recv()
        except (EOFError, OSError):
            outputs = retiring = None
        else:
            self.peak_rss_mb = max(self.peak_rss_mb, rss)
            if document is not None:
                yield document, outputs
            if not retiring:
                return
            document = None
        process = self.workers.pop(conn)
        process.join()
        conn.close()
        if document is not None:  # it died with a document in hand
            reason = (f"tiến trình dựng văn bản dừng đột ngột (mã thoát {process.exitcode}); "
                      "các văn bản khác vẫn được lập")
            job = document.job
            yield document, [Result.failed(job, reason)]


def _send(conn, item) -> bool:
    try:
        conn.send(item)
        return True
    except (BrokenPipeError, OSError):
        return False


def _worker_main(conn, others, parent_pid: int, ws: Workspace) -> None:
    """A worker: render what the pipe brings until it closes; never outlive the main process."""
    for other in others:  # the main process's ends of the other workers' pipes: EOF must mean "gone"
        other.close()
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the main process decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _detach_std_streams()
    start_rss = _rss_mb()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if task is None:
            os._exit(0)
        step, item = task
        outputs = _context_of(ws, item) if step == _CONTEXT else _render_one(ws, item)
        rss = _rss_mb()
        retiring = rss > WORKER_RSS_LIMIT_MB and rss - start_rss > WORKER_GROWTH_MB
        if not _send(conn, (outputs, _peak_rss_mb(), retiring)) or retiring:
            os._exit(0)


def die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when its parent dies (prctl PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def _detach_std_streams() -> None:
    """Point stdin, stdout and stderr at /dev/null: a reader of the main process's output
    sees its end when the main process ends, whatever the workers do."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _rss_mb() -> int:
    return _status_mb("VmRSS:")


def _peak_rss_mb() -> int:
    return _status_mb("VmHWM:")


def _status_mb(field_name: str) -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0
