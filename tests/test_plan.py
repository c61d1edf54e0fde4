"""Planning (reportgen/plan.py) on the sample workspace: every kind x unit x period that can be
built, a job that cannot kept with its reason only when asked for by name, selectors checked,
a selection that covers what it asked for."""

from __future__ import annotations

import itertools

import pytest

from reportgen.errors import BuildFailed, InvalidInput
from reportgen.indicators import scope_of
from reportgen.job import Job
from reportgen.periods import Period
from reportgen.plan import FigureIndex, Selection, has_figures, plan
from reportgen.workspace import load_workspace
from tests.conftest import SAMPLE

Q1 = Period.parse("2022-Q1")


@pytest.fixture(scope="module")
def ws():
    return load_workspace(SAMPLE)


def test_everything_the_sample_can_build(ws):
    jobs = plan(ws)
    # 14 units' reports in each of 3 periods, and the district's notice and bulletin of its one meeting
    assert len(jobs) == 3 * 14 + 2
    assert [j.key for j in jobs[:2]] == ["2021-Q1/TM/bao-cao", "2021-Q1/TM-TT/bao-cao"]
    assert [j.key for j in jobs if j.kind != "bao-cao"] == ["2022-Q1/TM/thong-bao", "2022-Q1/TM/tin-tuc"]
    assert all(j.reason is None for j in jobs)


def test_a_job_that_cannot_be_built_is_kept_only_when_named(ws):
    assert plan(ws, [Q1], ["TM-MH"], ["thong-bao"]) == [
        Job("thong-bao", "TM-MH", Q1, "không có tệp cuộc họp (meetings/*.yaml) của đơn vị TM-MH kỳ 2022-Q1")]
    assert [j.key for j in plan(ws, [Q1], ["TM-MH"])] == ["2022-Q1/TM-MH/bao-cao"]


def test_unknown_selectors_are_all_named(ws):
    with pytest.raises(InvalidInput) as caught:
        plan(ws, [Q1], ["XX"], ["bao"])
    assert [str(p) for p in caught.value.problems] == [
        "--unit: mã đơn vị không có trong units.csv; có: TM, TM-TT, TM-MA, TM-MH, TM-MD, TM-MQ, TM-TK, TM-TL, TM-TM, "
        "TM-TX, TM-HT, TM-PD, TM-LB, TM-DBK (giá trị: 'XX')",
        "--kind: loại văn bản không có; có: bao-cao, thong-bao, tin-tuc (giá trị: 'bao')"]


def test_a_kind_without_the_asked_format_is_refused(ws):
    with pytest.raises(InvalidInput) as caught:
        plan(ws, kinds=["bao-cao"], formats=["html"])
    assert [str(p) for p in caught.value.problems] == [
        "--format: bao-cao không có định dạng html; có: docx, pdf, xlsx (giá trị: 'bao-cao')"]


def test_a_period_without_figures_builds_nothing_and_says_so(ws):
    with pytest.raises(BuildFailed) as caught:
        plan(ws, [Period.parse("2030-Q1")])
    assert str(caught.value) == ("không có số liệu của kỳ 2030-Q1 trong figures/ (các kỳ có số liệu: 2021-Q1, 2021-Q4, "
                                 "2022-Q1); không có văn bản nào được lập")


def test_plan_takes_period_values_once_each(ws):
    assert [j.key for j in plan(ws, [Q1, Q1], ["TM"], ["bao-cao"])] == ["2022-Q1/TM/bao-cao"]
    with pytest.raises(TypeError):
        plan(ws, ["2022-Q1"])


def test_figures_of_the_unit_or_a_unit_below_it(ws):
    assert has_figures(ws, "TM", Q1) and has_figures(ws, "TM-MH", Q1)
    assert not has_figures(ws, "TM-MH", Period.parse("2022-Q2"))


def test_a_selection_covers_what_it_asked_for():
    selection = Selection((Q1,), ("TM",), (), ("pdf",))
    assert selection.covers("2022-Q1", "TM", "bao-cao", "pdf")
    assert not selection.covers("2022-Q1", "TM", "bao-cao", "docx")
    assert not selection.covers("2021-Q4", "TM", "bao-cao", "pdf")
    assert not selection.covers("2022-Q1", "TM-MH", "bao-cao", "pdf")
    assert Selection().covers("2030-Q1", "X", "y", "z")


# ---- the figures indexed once per plan (issue 9: a 10,001-unit plan took 76 s) -------------------
def _brute_force(ws, unit, period):
    spellings = {str(q) for q in (period, *period.quarters())}  # a longer period: its own rows or its quarters'
    codes = set(ws.figures.loc[ws.figures["ky"].isin(spellings), "ma_don_vi"])
    return bool(codes & set(scope_of(ws.units, unit).codes))


@pytest.mark.parametrize("folder", [SAMPLE, SAMPLE / "mau-2025"])
def test_figure_index_agrees_with_a_scan(folder):
    ws = load_workspace(folder)
    index = FigureIndex(ws)
    periods = [*ws.periods, Period(2020, 1)]
    answers = {(u, p): index.has_figures(u, p) for u, p in itertools.product(ws.units.index, periods)}
    assert answers == {(u, p): _brute_force(ws, u, p) for u, p in answers}
    assert any(answers.values()) and not all(answers.values())


def test_a_parent_without_own_figures_is_planned_when_a_child_reported(workspace):
    figures = workspace / "figures" / "mot-cua-2022-q1.csv"
    lines = figures.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if ",TM," not in line]
    assert len(kept) == len(lines) - 1
    figures.write_text("\n".join(kept) + "\n", encoding="utf-8")
    ws = load_workspace(workspace)
    index = FigureIndex(ws)
    assert index.has_figures("TM", Period(2022, 1))  # its communes reported
    assert not index.has_figures("TM", Period(2020, 1))
    jobs = {j.key: j.reason for j in plan(ws, [Period.parse("2022-Q1")], ["TM"], ["bao-cao"])}
    assert jobs == {"2022-Q1/TM/bao-cao": None}

