"""The parts of a document's context (reportgen/context.py) on the sample workspace, 2022-Q1,
against hand-computed figures (inputs/figures/mot-cua-2022-q1.csv): district office received
336 + 1.850 + 264 + 120 = 2.570, resolved 1.716 + 724 + 12 = 2.452, on time or early 2.440/2.452;
communes received 4.909, resolved 4.792, 3 late; online 336 and 90 (2021-Q4: 290 and 71)."""

from __future__ import annotations

import datetime as dt

import pytest

from reportgen.context import common, figures_context, figures_taken, own_office_name, own_text, unit_info
from reportgen.job import Job
from reportgen.periods import Period
from reportgen.workspace import load_workspace
from tests.conftest import SAMPLE

Q1 = Period.parse("2022-Q1")


@pytest.fixture(scope="module")
def ws():
    return load_workspace(SAMPLE)


@pytest.fixture(scope="module")
def fig(ws):
    return figures_context(ws, "TM", Q1)


def test_the_periods_around_the_report(fig):
    assert [str(fig[k]) for k in ("period", "previous_period", "year_before", "next_period")] == [
        "2022-Q1", "2021-Q4", "2021-Q1", "2022-Q2"]
    assert fig["cutoff"] == {"start": dt.date(2021, 12, 15), "end": dt.date(2022, 3, 14)}


def test_each_levels_totals(fig):
    district, communes = fig["levels"]
    assert (district["label"], len(district["units"]), communes["label"], len(communes["units"])) == (
        "cấp huyện", 1, "cấp xã", 13)
    d, c = district["totals"], communes["totals"]
    assert (d["received"], d["new"], d["resolved"], d["in_progress"], d["qua_han"]) == (2570, 2450, 2452, 118, 12)
    assert d["on_time_share"] == 2440 / 2452 and d["online_share"] == 336 / 2450
    assert (c["received"], c["resolved"], c["qua_han"], c["truc_tuyen"]) == (4909, 4792, 3, 90)
    assert c["on_time_share"] == 4789 / 4792
    assert (fig["total"]["received"], fig["total"]["resolved"]) == (2570 + 4909, 2452 + 4792)


def test_the_quarter_before_and_the_late_units(fig):
    district, communes = fig["levels"]
    assert (district["previous"]["truc_tuyen"], communes["previous"]["truc_tuyen"]) == (290, 71)
    assert str(district["previous"]["period"]) == "2021-Q4"
    assert district["late"] == [{"name": "Huyện Tháp Mười", "name_lower": "huyện Tháp Mười", "count": 12}]
    assert [u["name"] for u in communes["late"]] == ["Xã Láng Biển", "Xã Đốc Binh Kiều"]
    assert fig["all_targets_met"] is False


def test_a_unit_in_words(ws):
    assert unit_info(ws, "TM-MH") == {
        "code": "TM-MH", "name": "Xã Mỹ Hòa", "name_lower": "xã Mỹ Hòa", "level": "xa", "level_label": "cấp xã",
        "level_word": "xã", "place": "Mỹ Hòa", "has_below": False, "office": "Bộ phận Một cửa xã"}
    assert (unit_info(ws, "TM")["has_below"], own_office_name(ws, "TM")) == (True, "Huyện Tháp Mười")


def test_the_day_the_figures_were_taken(ws):
    job = Job("bao-cao", "TM", Q1)
    # a report dated 09/3 cannot have figures up to 14/3: up to the day before it
    assert figures_taken(ws, job, dt.date(2022, 3, 9), dt.date(2022, 3, 14)) == dt.date(2022, 3, 8)
    assert figures_taken(ws, job, dt.date(2022, 3, 20), dt.date(2022, 3, 14)) == dt.date(2022, 3, 14)


def test_the_parts_every_kind_has(ws):
    parts = common(ws, Job("thong-bao", "TM", Q1))
    assert sorted(parts) == ["fig", "labels", "meeting", "unit"]
    assert (parts["meeting"]["ky"], parts["meeting"]["ngay"]) == ("2022-Q1", dt.date(2022, 3, 9))
    assert parts["labels"]["levels"] == {"tinh": "cấp tỉnh", "huyen": "cấp huyện", "xa": "cấp xã"}
    assert common(ws, Job("bao-cao", "TM-MH", Q1))["meeting"] is None


def test_the_tasks_without_a_text_file_are_the_configs(ws):
    assert own_text(ws, Job("bao-cao", "TM", Q1), None)["nhiem_vu"] == ws.config.tasks_next_quarter
    assert len(ws.config.tasks_next_quarter) == 3
