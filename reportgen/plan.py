"""Planning a build: which documents (kind × unit × period) to make, and which cannot be.

A kind names what it needs (:mod:`reportgen.kinds`); the plan pairs every selected unit and
period with every selected kind, and marks a job with the reason when its inputs are absent.
The figures are indexed once per plan (:class:`FigureIndex`), so planning is linear in the
number of jobs.
A job that cannot be built is kept in the plan (and reported) when the user named its kind
and its unit or period; broader selections simply leave such jobs out.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from reportgen import cycle
from reportgen.errors import BuildFailed, InvalidInput, Problem
from reportgen.job import Job
from reportgen.kinds import KINDS, Kind
from reportgen.periods import Period
from reportgen.workspace_types import Workspace

UNITS_LISTED_MAX = 20  # an unknown --unit lists every code up to this many, else the closest


@dataclass(frozen=True)
class Selection:
    """What a build was asked for (empty: everything): the outputs it answers for.

    A build removes the files it once wrote inside its selection that its plan no longer
    makes (:func:`reportgen.batch.build`); nothing outside the selection is touched.
    """

    periods: tuple[Period, ...] = ()  # read once, where the request came in (periods.read_periods)
    units: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()

    def covers(self, period: str, unit: str, kind: str, fmt: str) -> bool:
        """``period``: a file's folder (a period's canonical text); ``fmt`` is the asked format
        (``html`` for the bulletin's fragment and photo)."""
        return ((not self.periods or period in self._period_texts) and (not self.units or unit in self.units)
                and (not self.kinds or kind in self.kinds) and (not self.formats or fmt in self.formats))

    @cached_property
    def _period_texts(self) -> frozenset[str]:
        return frozenset(map(str, self.periods))


def plan(ws: Workspace, periods: Iterable[Period] = (), units=(), kinds=(), formats=()) -> list[Job]:
    """Every job of the selection; unknown selectors raise InvalidInput.

    ``periods``: Period values (a request's spellings are read by :func:`reportgen.periods.read_periods`).

    A kind named with ``kinds`` that has none of the ``formats`` asked for is an error too
    (``--kind bao-cao --format html`` would otherwise build nothing, silently).
    """
    periods = tuple(dict.fromkeys(periods))
    if not all(isinstance(p, Period) for p in periods):
        raise TypeError("plan() takes Period values: a request's spellings are read by periods.read_periods")
    _check_selectors(ws, units, kinds)
    _check_formats(kinds, formats)
    _check_periods_have_figures(ws, periods)
    _check_quarters(ws, periods or ws.periods)
    explicit = bool(kinds) and (bool(units) or bool(periods))
    index = FigureIndex(ws)
    jobs = []
    for period in periods or ws.periods:
        for unit in units or list(ws.units.index):
            for name in kinds or list(KINDS):
                job = Job(name, unit, period, _missing(ws, index, KINDS[name], unit, period))
                if job.reason is None or explicit:
                    jobs.append(job)
    return jobs


def _missing(ws: Workspace, index: FigureIndex, kind: Kind, unit: str, period: Period) -> str | None:
    if kind.needs_figures and not index.has_figures(unit, period):
        return f"không có số liệu kỳ {period} của đơn vị {unit} hoặc các đơn vị trực thuộc"
    if kind.needs_meeting and (period, unit) not in ws.meetings:
        return f"không có tệp cuộc họp (meetings/*.yaml) của đơn vị {unit} kỳ {period}"
    return None


class FigureIndex:
    """Which (period, unit) pairs have figures, and each unit's scope, read once per plan.

    ``has_figures(unit, period)`` is then a set lookup per unit of the scope instead of a
    scan of the whole figures table (issue 9: a 10,001-unit plan took 76 s).
    """

    def __init__(self, ws: Workspace) -> None:
        self._reported = set(zip(ws.figures["ky"], ws.figures["ma_don_vi"]))  # (canonical period, unit)
        self._scopes = _scopes(ws)

    def has_figures(self, unit: str, period: Period) -> bool:
        """True when the unit or one of the units below it has figures for the period (for a longer
        period: its own row or a quarter's)."""
        keys = [str(period)] + ([str(q) for q in period.quarters()] if period.is_cumulative else [])
        return any((key, code) in self._reported for code in self._scopes[unit] for key in keys)


def _scopes(ws: Workspace) -> dict[str, tuple[str, ...]]:
    """Each unit's code and the codes of every unit below it, in one walk of the tree."""
    children: dict[str, list[str]] = {}
    for code, parent in ws.units["ma_cap_tren"].items():
        if parent:
            children.setdefault(parent, []).append(code)
    scopes: dict[str, tuple[str, ...]] = {}

    def scope(code: str) -> tuple[str, ...]:  # depth = number of levels (validated: at most 3)
        if code not in scopes:
            scopes[code] = (code, *(member for child in children.get(code, []) for member in scope(child)))
        return scopes[code]

    for code in ws.units.index:
        scope(code)
    return scopes


def has_figures(ws: Workspace, unit: str, period: Period) -> bool:
    """True when the unit or one of the units below it has figures for the period."""
    return FigureIndex(ws).has_figures(unit, period)


def _check_periods_have_figures(ws: Workspace, periods) -> None:
    """A named period with no figures at all builds nothing: say so (exit 1), not silently 0."""
    empty = [str(p) for p in periods if not cycle.available(ws.figures, p)]
    if empty:
        raise BuildFailed(f"không có số liệu của kỳ {', '.join(empty)} trong figures/ "
                          f"(các kỳ có số liệu: {', '.join(map(str, ws.periods))}); không có văn bản nào được lập")


def _check_quarters(ws: Workspace, periods) -> None:
    """A longer period needs every quarter inside it (after the unit was founded): an input error."""
    problems = [problem for period in periods
                for problem in cycle.missing_quarters(ws.figures, ws.units, period, ws.config.cutoff.ngay_chot)]
    if problems:
        raise InvalidInput(problems)


def _check_formats(kinds, formats) -> None:
    problems = [Problem("--format", f"{kind} không có định dạng {', '.join(formats)}; "
                        f"có: {', '.join(KINDS[kind].formats)}", value=kind)
                for kind in kinds if kind in KINDS and formats and not set(formats) & set(KINDS[kind].formats)]
    if problems:
        raise InvalidInput(problems)


def _known_units(ws: Workspace, unit: str) -> str:
    """The codes to suggest: all of them for a district, the closest few for a province's hundreds."""
    known = [str(code) for code in ws.units.index]
    if len(known) <= UNITS_LISTED_MAX:
        return f"có: {', '.join(known)}"
    close = difflib.get_close_matches(unit, known, n=5, cutoff=0.6)
    return (f"gần giống: {', '.join(close)}; " if close else "") + f"units.csv có {len(known)} mã"


def _check_selectors(ws: Workspace, units, kinds) -> None:
    problems = []
    for unit in units:
        if unit not in ws.units.index:
            problems.append(Problem("--unit", f"mã đơn vị không có trong units.csv; {_known_units(ws, unit)}", value=unit))
    for kind in kinds:
        if kind not in KINDS:
            problems.append(Problem("--kind", f"loại văn bản không có; có: {', '.join(KINDS)}", value=kind))
    if problems:
        raise InvalidInput(problems)
