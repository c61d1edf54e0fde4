"""The build use case: a request in, its results out. `reportgen build` and the web page call it.

:func:`build` first asks :mod:`reportgen.noop` whether the same request, with nothing
changed since it last ran, can be answered from its record (then neither pandas nor the
workspace is loaded); otherwise it loads the workspace, plans the selection, checks the
machine for the formats asked (:mod:`reportgen.formats`: the PDF's font), and runs
:func:`reportgen.batch.build` (the stale decision, the two phases, the workers), which
records the run for the next no-op. The front end hears of the plan (``planned``: the CLI
prints the workspace's warnings and sizes its progress bar), of each document
(``progress``), and wraps the run (``running``: the CLI turns Ctrl-C into
:class:`reportgen.errors.Interrupted` there). Nothing here prints or exits.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen import noop
from reportgen.errors import DiskFault, Problem, ReportgenError
from reportgen.formats import FORMATS, check_machine
from reportgen.periods import Period
from reportgen.results import Result

if TYPE_CHECKING:
    from reportgen.job import Job
    from reportgen.workspace import Workspace


@dataclass(frozen=True)
class BuildRequest:
    """What to build: the workspace, the output folder, the selection (empty: everything)."""

    workspace: Path
    out: Path
    periods: tuple[Period, ...] = ()  # read where the request came in (periods.read_periods)
    units: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    workers: int = 1       # worker processes (1: none)
    force: bool = False    # build every file, whatever the fingerprints say (and never replay)
    dry_run: bool = False  # plan only: nothing built, nothing recorded

    def __post_init__(self) -> None:
        if not all(isinstance(p, Period) for p in self.periods):
            raise TypeError("BuildRequest takes Period values: a request's spellings are read by periods.read_periods")

    @property
    def recorded_as(self) -> noop.Request:
        """The options a no-op's record is kept under."""
        return noop.Request(self.workspace, self.out, tuple(map(str, self.periods)), self.units, self.kinds, self.formats)


@dataclass
class Built:
    """What a build gives back.

    ``results``: one Result per file and per document not made, in plan order (a dry run:
    none); ``problems``: the workspace's warnings; ``jobs``: the plan (none when replayed);
    ``replayed``: nothing changed since the same request last ran, and this is its recorded
    answer; ``warnings``, ``cleaned``, ``fault``: as :class:`reportgen.batch.Outputs`.
    """

    results: list[Result]
    problems: list[Problem]
    jobs: list[Job] = field(default_factory=list)
    replayed: bool = False
    warnings: list[str] = field(default_factory=list)
    cleaned: int = 0
    fault: DiskFault | None = None


class UnknownFormat(ReportgenError):
    """A format no kind is written in (the CLI says it as it says any bad option)."""

    exit_code = 2


def build(request: BuildRequest, planned: Callable[[Workspace, list[Job]], None] | None = None,
          progress: Callable[[Job], None] | None = None,
          running: Callable[[], AbstractContextManager] = nullcontext) -> Built:
    """Build what ``request`` asks, only what changed; see the module's docstring.

    Raises InvalidInput (the workspace, the selection), UnknownFormat, TemplateFailure,
    MissingSystemDependency before anything is written; a document that fails is a result.
    """
    look = None
    if not request.dry_run:  # nothing changed since the same request last ran: its answer, loading nothing
        look = noop.look(request.recorded_as, replay=not request.force)
        if look.results is not None:  # look.unchanged
            return Built(look.results, look.warnings, replayed=True)
    from reportgen import batch  # noqa: PLC0415 (pandas and the workspace: only past the no-op)
    from reportgen.kinds import KINDS  # noqa: PLC0415
    from reportgen.plan import Selection, plan  # noqa: PLC0415
    from reportgen.workspace import load_workspace  # noqa: PLC0415

    written = list(dict.fromkeys(fmt for kind in KINDS.values() for fmt in kind.formats))
    unknown = [fmt for fmt in request.formats if fmt not in written]
    if unknown:
        raise UnknownFormat(f"--format: không có định dạng {unknown[0]}; có: {', '.join(written)}")
    ws = load_workspace(request.workspace)
    jobs = list(dict.fromkeys(plan(ws, request.periods, request.units, request.kinds, request.formats)))
    if planned:
        planned(ws, jobs)
    if request.dry_run:
        return Built([], ws.warnings, jobs)
    check_machine(request.formats or FORMATS)  # before rendering anything: the PDF's font (exit 4)
    selection = Selection(request.periods, request.units, request.kinds, request.formats)
    with running():
        outputs = batch.build(ws, jobs, request.out, request.formats, progress=progress, workers=request.workers,
                              force=request.force, look=look, selection=selection)
    return Built(list(outputs), ws.warnings, jobs, warnings=outputs.warnings, cleaned=outputs.cleaned,
                 fault=outputs.fault)
