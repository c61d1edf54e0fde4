"""Which outputs a build must make: the stale decision, and the files the plan no longer makes.

Per output file, the fingerprint of its inputs (:mod:`reportgen.fingerprint`) is compared
with the one the store remembers for it (``<out>/.reportgen/fingerprints.json``); a file
whose inputs and bytes are unchanged is "unchanged" and not built (``force``: every file
is built). The files a job makes are its kind's formats (narrowed to those asked) with
their files (:mod:`reportgen.formats`) and the kind's extra files (the bulletin's photo);
after a build, a file the store lists inside the selection that the plan no longer makes
is removed. :func:`current_outputs` is what the web page may show and hand out.
"""

from __future__ import annotations

from pathlib import Path

from reportgen import fingerprint as fp
from reportgen import formats as registry
from reportgen.files import faults_named
from reportgen.job import Job
from reportgen.kinds import KINDS
from reportgen.layout import output_path, parse, relative_path
from reportgen.periods import Period
from reportgen.plan import Selection
from reportgen.results import Result
from reportgen.store import Store, sha256_file
from reportgen.workspace import Workspace


def planned_files(ws: Workspace, jobs: list[Job], formats: tuple[str, ...] = ()) -> dict[str, tuple[Job, str]]:
    """Store key (``<period>/<unit>/<kind>.<suffix>``) -> (job, suffix) of every file ``jobs`` make."""
    return {relative_path(job, suffix): (job, suffix) for job in jobs if not job.reason
            for fmt in wanted(job, formats) for suffix in suffixes(ws, job, fmt)}


def current_outputs(ws: Workspace, out_root: Path, period: Period | None = None) -> list[tuple[Job, str, Path]]:
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


def remove_stale(store: Store, out_root: Path, ws: Workspace, jobs: list[Job], formats: tuple[str, ...],
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
                if sha256_file(path) != store.entries[relpath].sha256:
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


def wanted(job: Job, formats: tuple[str, ...]) -> list[str]:
    """The formats of ``job`` to build: its kind's, narrowed to ``formats`` when given."""
    return [f for f in KINDS[job.kind].formats if not formats or f in formats]


def suffixes(ws: Workspace, job: Job, fmt: str) -> tuple[str, ...]:
    """The files an asked format of ``job`` makes: its own, and its kind's extra files (the
    bulletin's HTML also writes its photo)."""
    return registry.files_of(fmt) + KINDS[job.kind].extra_suffixes(ws, job, fmt)


def unchanged(store: Store, ws: Workspace, jobs: list[Job], out_root: Path, formats) -> list[Result] | None:
    """The Results the same build gives while nothing changes (every file "unchanged", as
    :func:`decide` reports it), or None if some file it needs is not in the store."""
    results = []
    for job in jobs:
        if job.reason:
            results.append(Result.skipped(job))
            continue
        for fmt in wanted(job, formats):
            for suffix in suffixes(ws, job, fmt):
                entry = store.entry(relative_path(job, suffix))
                if entry is None:
                    return None
                results.append(Result(job.kind, job.unit, str(job.period), "unchanged", format=suffix,
                                      path=str(output_path(out_root, job, suffix)), sha256=entry.sha256,
                                      pages=entry.pages))
    return results


def decide(store: Store, inputs: fp.Inputs, out_root: Path, job: Job, formats: list[str], force: bool):
    """(the formats of ``formats`` to build, Results of the files that are up to date)."""
    stale: list[str] = []
    fresh: list[Result] = []
    for fmt in formats:
        outputs: list[Result] = []
        for suffix in suffixes(inputs.ws, job, fmt):
            entry = None if force else store.entry(relative_path(job, suffix))
            path = output_path(out_root, job, suffix)
            if (entry is None or not path.is_file()
                    or inputs.fingerprint(job, suffix, entry.template) != entry.fingerprint
                    or sha256_file(path) != entry.sha256):
                stale.append(fmt)
                break
            outputs.append(Result(job.kind, job.unit, str(job.period), "unchanged", format=suffix, path=str(path),
                                  sha256=entry.sha256, pages=entry.pages))
        else:
            fresh += outputs
    return stale, fresh


def remember(store: Store, inputs: fp.Inputs, job: Job, template: str, outputs: list[Result]) -> None:
    """Record the files of ``job``'s document in the store with their fingerprints; a document
    that failed is forgotten (its earlier files are kept, and built again next time)."""
    for output in outputs:
        if output.status in ("built", "unchanged") and output.format and output.sha256:
            relpath = relative_path(job, output.format)
            if any(o.status == "failed" for o in outputs):
                store.forget(relpath)
            else:
                store.record(relpath, output.sha256, output.pages, template,
                             inputs.fingerprint(job, output.format, template))
