"""The bulletin's context builder (reportgen/kinds/tin_tuc.py): the wording's facts, the
headline, no Decree 30 header, the photo as its asset."""

from __future__ import annotations

import datetime as dt

import pytest

from reportgen.job import Job
from reportgen.kinds import tin_tuc
from reportgen.periods import Period
from reportgen.workspace import load_workspace
from tests.conftest import SAMPLE

Q1 = Period.parse("2022-Q1")
JOB = Job("tin-tuc", "TM", Q1)


@pytest.fixture(scope="module")
def ws():
    return load_workspace(SAMPLE)


def test_the_district_bulletin(ws):
    ctx, assets = tin_tuc.build(ws, JOB)
    # 12 of the district's files were resolved late: not every level at 100 %
    assert ctx["news"] == {"all_on_time": False, "honorific": "bà", "dates": "news",
                           "byline": "TTVH-TT và TT huyện Tháp Mười"}
    assert ctx["headline"] == "Cuộc họp đánh giá kết quả thực hiện cải cách hành chính quý I năm 2022"
    assert ctx["doc"]["subject"] == "HUYỆN THÁP MƯỜI: Cuộc họp đánh giá kết quả thực hiện cải cách hành chính quý I năm 2022"
    assert (ctx["doc"]["date"], "issuer" in ctx["doc"]) == (dt.date(2022, 3, 9), False)
    assert (assets, ctx["photo"], tin_tuc.photo_suffix(ws, JOB)) == ({}, None, None)


def test_a_photo_is_the_asset_and_the_html_formats_extra_file(ws, monkeypatch):
    monkeypatch.setitem(ws.photos, (Q1, "TM"), ("png", b"\x89PNG-bytes"))
    ctx, assets = tin_tuc.build(ws, JOB)
    assert (assets, ctx["photo"]) == ({"tin-tuc.anh.png": b"\x89PNG-bytes"}, "tin-tuc.anh.png")
    assert tin_tuc.KIND.extra_suffixes(ws, JOB, "html") == ("anh.png",)
    assert tin_tuc.KIND.extra_suffixes(ws, JOB, "pdf") == ()
    assert (tin_tuc.KIND.extra_format("anh.jpg"), tin_tuc.KIND.extra_format("anh.gif")) == ("html", None)


def test_all_on_time_only_when_every_level_is_at_100_percent(ws):
    fig = {"levels": [{"totals": {"on_time_share": 1}}, {"totals": {"on_time_share": 1}}]}
    meeting = ws.meetings[(Q1, "TM")]
    unit = {"level": "huyen", "name_lower": "huyện Tháp Mười"}
    assert tin_tuc._news(ws, fig, unit, meeting)["all_on_time"] is True
    fig["levels"][1]["totals"]["on_time_share"] = 0.9994
    assert tin_tuc._news(ws, fig, unit, meeting)["all_on_time"] is False
    assert tin_tuc._news(ws, {"levels": []}, unit, meeting)["all_on_time"] is False
