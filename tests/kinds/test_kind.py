"""A kind's description (reportgen/kinds/kind.py): which issuer a unit's document has, where
the configuration's [issuers] entries apply, the record's type."""

from __future__ import annotations

from reportgen.kinds import bao_cao, thong_bao, tin_tuc
from reportgen.kinds.kind import Kind
from reportgen.schema import Issuer

REPORT, NOTICE = bao_cao.KIND, thong_bao.KIND


def test_without_configuration_the_kinds_default():
    assert REPORT.issuer_for({}, "xa") == (Issuer(symbol="BC-UBND"), None)


def test_a_level_entry_wins_over_the_kind_entry():
    by_level, by_kind = Issuer(symbol="BC-X"), Issuer(symbol="BC-K")
    configured = {"bao-cao.xa": by_level, "bao-cao": by_kind}
    assert REPORT.issuer_for(configured, "xa") == (by_level, "bao-cao.xa")
    assert REPORT.issuer_for(configured, "huyen") == (by_kind, "bao-cao")


def test_a_level_with_its_own_default_ignores_the_kind_entry():
    # the commune's notice is its People's Committee's: [issuers.thong-bao] is the offices'
    assert NOTICE.issuer_for({"thong-bao": Issuer(symbol="TB-X")}, "xa") == (thong_bao.COMMITTEE, None)


def test_an_entry_of_a_two_form_kind_keeps_its_keys_and_takes_the_rest_from_its_form():
    issuer, key = NOTICE.issuer_for({"thong-bao.huyen": Issuer(symbol="TB-VPX")}, "huyen")
    assert key == "thong-bao.huyen"
    assert (issuer.issued_by, issuer.symbol, issuer.body, issuer.parent) == (
        "office", "TB-VPX", ["VĂN PHÒNG HĐND VÀ UBND"], "UBND {don_vi}")


def test_record_type():
    assert (REPORT.record_type, NOTICE.record_type, tin_tuc.KIND.record_type) == ("BÁO CÁO", "THÔNG BÁO", "TIN BÀI")
    assert Kind("x", "X", ("pdf",), "x.html.j2", REPORT.build).record_type == ""
