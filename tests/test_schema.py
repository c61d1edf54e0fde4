"""The configuration and the meeting file as types (reportgen/schema.py): Decree 30's margins,
defaults a partial table keeps, unknown keys refused, [periods], limits, spellings read."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from reportgen.periods import Period
from reportgen.schema import (
    DEFAULT_BYLINE,
    Config,
    Issuer,
    Labels,
    Limits,
    Meeting,
    News,
    Page,
    ReportText,
    Sources,
    Targets,
    header_form,
)


def errors(model, **values) -> list[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as caught:
        model(**values)
    return [(e["loc"], e["msg"]) for e in caught.value.errors()]


def test_an_empty_config_is_the_2022_sample_s_defaults():
    config = Config()
    assert (config.page.top, config.page.right, config.page.bottom, config.page.left) == (20, 15, 20, 30)
    assert config.labels.levels == {"tinh": "cấp tỉnh", "huyen": "cấp huyện", "xa": "cấp xã"}
    assert config.targets.on_time_share == {"huyen": 0.98, "xa": 0.98}
    assert (config.units_named_max, config.cutoff.ngay_chot, config.news.dates) == (10, 14, "news")
    assert config.reports_at(Period.parse("2026-Q2")) == [Period.parse("2026-Q2")]


def test_margins_outside_decree_30_and_unknown_keys_are_refused():
    assert errors(Page, top=19, left=36) == [(("top",), "Input should be greater than or equal to 20"),
                                             (("left",), "Input should be less than or equal to 35")]
    assert errors(Config, provinc="x") == [(("provinc",), "Extra inputs are not permitted")]


def test_periods_are_read_and_checked():
    config = Config(periods={"q2": ["6t"], "Q4": "năm"})
    assert config.periods == {"Q2": ["6T"], "Q4": ["NAM"]}
    assert config.reports_at(Period.parse("2026-Q2")) == [Period(2026, 1, 2)]
    assert config.reports_at(Period.parse("2026-Q4")) == [Period(2026, 1, 4)]
    assert config.reports_at(Period.parse("2026-Q1")) == []
    assert errors(Config, periods={"Q2": ["9T"]}) == [
        (("periods",), "Value error, Q2 = '9T': hết Q2 chỉ lập được Q2 hoặc 6T")]
    assert errors(Config, periods={"Q5": ["Q5"]}) == [
        (("periods",), "Value error, 'Q5': khóa phải là Q1, Q2, Q3 hoặc Q4 (quý kết thúc kỳ báo cáo)")]


def test_partial_tables_keep_the_defaults_of_what_they_leave_out():
    assert News(byline={"xa": "Đài {don_vi}"}).byline == {**DEFAULT_BYLINE, "xa": "Đài {don_vi}"}
    assert Labels(office={"xa": "Bộ phận Một cửa"}).office["xa"] == "Bộ phận Một cửa"
    assert set(Labels(office={"xa": "Bộ phận Một cửa"}).office) == {"tinh", "huyen", "xa"}
    assert errors(News, byline={"ap": "x"}) == [(("byline",), "Value error, cấp không có: ap; các cấp: tinh, huyen, xa")]


def test_ratios_and_source_fields():
    assert errors(Targets, online_share={"xa": 98}) == [
        (("online_share",), "Value error, xa: tỷ lệ phải từ 0 đến 1, ví dụ 0.98")]
    assert Sources(ky="2022-q1").ky == Period.parse("2022-Q1")
    assert errors(Sources, columns={"Tổng": "tong"})[0][1].startswith(
        "Value error, 'Tổng' = 'tong': trường phải là một trong: ky, ma_don_vi, ten_don_vi, linh_vuc, stt, bo_qua, ")


def test_limits():
    limits = Limits(first_year=2020, last_year=2030, meeting_file_mb=0.5)
    assert (limits.years, limits.meeting_bytes) == ((2020, 2030), 524288)
    assert limits.period_problem(Period.parse("2031-Q1")) == (
        "kỳ ngoài khoảng hợp lý: cần năm từ 2020 đến 2030 (đặt [limits] first_year, last_year trong reportgen.toml để đổi)")
    assert limits.period_problem(Period.parse("2030-Q4")) is None
    assert Limits().years == (2000, dt.date.today().year + 1)
    assert errors(Limits, first_year=2020, last_year=2019) == [
        ((), "Value error, last_year (2019) phải từ first_year (2020) trở đi")]


def test_who_issues():
    assert header_form(Issuer()) == "committee"
    assert header_form(Issuer(body=["UBND XÃ A"])) == "committee"
    assert header_form(Issuer(body=["VĂN PHÒNG"])) == "office"
    assert header_form(Issuer(body=[])) == "office"


MEETING = {"don_vi": "TM", "ky": "2022-q1", "ngay": "2022-03-09", "buoi": "Sáng", "loai_hop": "Hoi nghi",
           "chu_tri": {"ho_ten": "Trần Thị Quý", "danh_xung": "Bà", "chuc_vu": "Chủ tịch"},
           "thanh_phan": ["Các phòng"], "thao_luan": {"noi_dung": ["Ý kiến"]},
           "chi_dao": [{"noi_dung": "Rà soát", "thoi_han": "2022-04-30"}], "tac_gia": {"ho_ten": "Hoàng Kha"}}


def test_a_meeting_file_read_with_its_spellings():
    meeting = Meeting(**MEETING)
    assert (meeting.ky, meeting.ngay, meeting.buoi, meeting.loai_hop) == (
        Period.parse("2022-Q1"), dt.date(2022, 3, 9), "sang", "hội nghị")
    assert (meeting.chu_tri.danh_xung, meeting.chi_dao[0].thoi_han) == ("bà", dt.date(2022, 4, 30))
    assert meeting.model_dump()["ky"] == "2022-Q1"
    assert errors(Meeting, **{**MEETING, "ky": "quý 1"})[0][0] == ("ky",)
    assert errors(Meeting, **{**MEETING, "chi_dao": []}) == [
        (("chi_dao",), "List should have at least 1 item after validation, not 0")]


def test_the_report_s_own_text():
    text = ReportText(don_vi="AG-LX", ky="2026-Q1", ton_tai="Một đoạn cho {don_vi}")
    assert (text.ton_tai, text.nhiem_vu) == (["Một đoạn cho {don_vi}"], [])
    assert errors(ReportText, don_vi="A", ky="2026-Q1", de_xuat=["  "]) == [
        (("de_xuat", 0), "Value error, đoạn văn trống: viết nội dung hoặc xóa dòng đó")]
    assert errors(ReportText, don_vi="A", ky="2026-Q1", de_xuat=["{trung_tam}"]) == [
        (("de_xuat", 0), "Value error, chỗ thay không có: {trung_tam}; chỉ dùng được {don_vi}, {mot_cua}")]
