"""The notice's context builder and issuers (reportgen/kinds/thong_bao.py): the office of a
district or province issues it, a commune's People's Committee does (Decree 30, art. 13)."""

from __future__ import annotations

import datetime as dt

import pytest

from reportgen.job import Job
from reportgen.kinds import thong_bao
from reportgen.periods import Period
from reportgen.schema import Issuer
from reportgen.workspace import load_workspace
from tests.conftest import SAMPLE

Q1 = Period.parse("2022-Q1")


@pytest.fixture(scope="module")
def ws():
    return load_workspace(SAMPLE)


def test_the_district_notice(ws):
    ctx, assets = thong_bao.build(ws, Job("thong-bao", "TM", Q1))
    doc = ctx["doc"]
    assert (doc["type"], doc["symbol"], doc["date"], assets) == ("THÔNG BÁO", "TB-VP", dt.date(2022, 3, 9), {})
    assert doc["subject"] == ("Kết luận của Chủ tịch Ủy ban nhân dân huyện Tháp Mười tại cuộc họp đánh giá kết quả "
                              "thực hiện cải cách hành chính quý I năm 2022 và triển khai nhiệm vụ trọng tâm năm 2022")
    assert doc["issuer"] == {"parent": "UBND HUYỆN THÁP MƯỜI", "lines": ["VĂN PHÒNG HĐND VÀ UBND"],
                             "name": "Văn phòng HĐND và UBND huyện Tháp Mười"}
    assert doc["signature"] == {"name": "Nguyễn Văn Thành", "title": "CHÁNH VĂN PHÒNG", "authority": None}
    assert ctx["reporter"] == "Văn phòng HĐND và UBND huyện"


def test_the_default_issuer_of_each_level():
    kind = thong_bao.KIND
    assert kind.default_issuer("xa") == thong_bao.COMMITTEE
    assert (kind.default_issuer("huyen").body, kind.default_issuer("huyen").symbol) == (["VĂN PHÒNG HĐND VÀ UBND"], "TB-VP")
    assert (kind.default_issuer("tinh").body, kind.default_issuer("tinh").name) == (["VĂN PHÒNG"], "Văn phòng UBND {don_vi}")


def test_a_configured_committee_form_takes_the_committees_header_and_number():
    issuer, key = thong_bao.KIND.issuer_for({"thong-bao": Issuer(issued_by="committee")}, "huyen")
    assert (key, issuer.issued_by, issuer.body, issuer.symbol) == ("thong-bao", "committee",
                                                                   ["ỦY BAN NHÂN DÂN", "{don_vi}"], "TB-UBND")
