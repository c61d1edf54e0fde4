"""The report's context builder (reportgen/kinds/bao_cao.py) on the sample workspace, 2022-Q1:
dated by the meeting, its window ending the day the figures were taken, the chart only where a
level has several units."""

from __future__ import annotations

import datetime as dt

import pytest

from reportgen.job import Job
from reportgen.kinds import bao_cao
from reportgen.periods import Period
from reportgen.workspace import load_workspace
from tests.conftest import SAMPLE

Q1 = Period.parse("2022-Q1")


@pytest.fixture(scope="module")
def ws():
    return load_workspace(SAMPLE)


@pytest.fixture(scope="module")
def district(ws):
    return bao_cao.build(ws, Job("bao-cao", "TM", Q1))


def test_the_district_report_is_dated_by_its_meeting_and_signed_by_the_chair(district):
    ctx, _ = district
    doc = ctx["doc"]
    assert (doc["kind"], doc["type"], doc["symbol"], doc["date"]) == ("bao-cao", "BÁO CÁO", "BC-UBND", dt.date(2022, 3, 9))
    assert doc["subject"] == "Kết quả tiếp nhận, giải quyết thủ tục hành chính quý I năm 2022"
    assert doc["issuer"]["lines"] == ["ỦY BAN NHÂN DÂN", "HUYỆN THÁP MƯỜI"]
    assert doc["signature"] == {"name": "Trần Thị Quý", "title": "CHỦ TỊCH", "authority": "TM. ỦY BAN NHÂN DÂN"}


def test_the_window_ends_the_day_before_the_meeting(district):
    ctx, _ = district
    assert ctx["fig"]["cutoff"] == {"start": dt.date(2021, 12, 15), "end": dt.date(2022, 3, 8)}


def test_the_chart_of_the_communes_is_the_reports_one_asset(district):
    ctx, assets = district
    assert [(lv["label"], len(lv["units"])) for lv in ctx["fig"]["levels"]] == [("cấp huyện", 1), ("cấp xã", 13)]
    assert list(assets) == ["ty-le-truc-tuyen.png"] and ctx["chart"] == "ty-le-truc-tuyen.png"
    assert assets["ty-le-truc-tuyen.png"].startswith(b"\x89PNG\r\n\x1a\n")


def test_the_tasks_are_the_meetings(district, ws):
    ctx, _ = district
    assert ctx["tasks"] == ctx["text"]["nhiem_vu"] == ws.meetings[(Q1, "TM")].nhiem_vu


def test_a_commune_without_a_meeting_dates_its_report_at_the_cutoff_and_has_no_chart(ws):
    ctx, assets = bao_cao.build(ws, Job("bao-cao", "TM-MH", Q1))
    assert ctx["doc"]["date"] == dt.date(2022, 3, 14)
    assert ctx["doc"]["issuer"]["lines"] == ["ỦY BAN NHÂN DÂN", "XÃ MỸ HÒA"]
    assert ctx["doc"]["signature"]["name"] == "Phạm Văn Tài"
    assert (assets, ctx["chart"]) == ({}, None)
