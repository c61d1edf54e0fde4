"""Planning a build: which documents (kind × unit × period) to make, and which cannot be.

A kind names what it needs; the plan pairs every selected unit and period with every
selected kind, and marks a job ``missing`` with the reason when its inputs are absent.
A job that cannot be built is kept in the plan (and reported) when the user named its kind
and its unit or period; broader selections simply leave such jobs out.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.errors import BuildFailed, InvalidInput, Problem
from reportgen.indicators import scope_of
from reportgen.periods import Period
from reportgen.workspace import Workspace

KINDS = {
    "bao-cao": "Báo cáo kết quả giải quyết TTHC của UBND",
    "thong-bao": "Thông báo kết luận của Chủ tịch UBND tại cuộc họp",
    "tin-tuc": "Tin bài đăng Cổng thông tin điện tử",
}
NEEDS_MEETING = {"thong-bao", "tin-tuc"}
FORMATS = {"bao-cao": ("docx", "pdf"), "thong-bao": ("docx", "pdf"), "tin-tuc": ("docx", "pdf", "html")}


@dataclass(frozen=True)
class Job:
    """One document to build; ``reason`` is set when it cannot be built."""

    kind: str
    unit: str
    period: str
    reason: str | None = None

    @property
    def key(self) -> str:
        return f"{self.period}/{self.unit}/{self.kind}"


def plan(ws: Workspace, periods=(), units=(), kinds=(), formats=()) -> list[Job]:
    """Every job of the selection; unknown selectors raise InvalidInput.

    A kind named with ``kinds`` that has none of the ``formats`` asked for is an error too
    (``--kind bao-cao --format html`` would otherwise build nothing, silently).
    """
    _check_selectors(ws, periods, units, kinds)
    _check_formats(kinds, formats)
    _check_periods_have_figures(ws, periods)
    explicit = bool(kinds) and (bool(units) or bool(periods))
    jobs = []
    for period in periods or ws.periods:
        for unit in units or list(ws.units.index):
            for kind in kinds or list(KINDS):
                job = Job(kind, unit, str(Period.parse(period)), _missing(ws, kind, unit, period))
                if job.reason is None or explicit:
                    jobs.append(job)
    return jobs


def _missing(ws: Workspace, kind: str, unit: str, period: str) -> str | None:
    if not has_figures(ws, unit, period):
        return f"không có số liệu kỳ {period} của đơn vị {unit} hoặc các đơn vị trực thuộc"
    if kind in NEEDS_MEETING and (period, unit) not in ws.meetings:
        return f"không có tệp cuộc họp (meetings/*.yaml) của đơn vị {unit} kỳ {period}"
    return None


def has_figures(ws: Workspace, unit: str, period: str) -> bool:
    """True when the unit or one of the units below it has figures for the period."""
    codes = set(ws.figures.loc[ws.figures["ky"] == period, "ma_don_vi"])
    return bool(codes & set(scope_of(ws.units, unit).codes))


def _check_periods_have_figures(ws: Workspace, periods) -> None:
    """A named period with no figures at all builds nothing: say so (exit 1), not silently 0."""
    empty = [str(Period.parse(p)) for p in periods if str(Period.parse(p)) not in ws.periods]
    if empty:
        raise BuildFailed(f"không có số liệu của kỳ {', '.join(dict.fromkeys(empty))} trong figures/ "
                          f"(các kỳ có số liệu: {', '.join(ws.periods)}); không có văn bản nào được lập")


def _check_formats(kinds, formats) -> None:
    problems = [Problem("--format", f"{kind} không có định dạng {', '.join(formats)}; có: {', '.join(FORMATS[kind])}",
                        value=kind)
                for kind in kinds if kind in FORMATS and formats and not set(formats) & set(FORMATS[kind])]
    if problems:
        raise InvalidInput(problems)


def _check_selectors(ws: Workspace, periods, units, kinds) -> None:
    problems = []
    for period in periods:
        try:
            Period.parse(period)
        except ValueError:
            problems.append(Problem("--period", "kỳ sai định dạng: cần NĂM-Qn, ví dụ 2022-Q1", value=period))
    for unit in units:
        if unit not in ws.units.index:
            problems.append(Problem("--unit", f"mã đơn vị không có trong units.csv; có: {', '.join(ws.units.index)}", value=unit))
    for kind in kinds:
        if kind not in KINDS:
            problems.append(Problem("--kind", f"loại văn bản không có; có: {', '.join(KINDS)}", value=kind))
    if problems:
        raise InvalidInput(problems)
