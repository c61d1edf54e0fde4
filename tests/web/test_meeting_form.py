"""reportgen.web.meeting_form: the meeting page's fields -> the meeting file and back, its dates
typed day first, and its errors by field, in the form's order. The page itself is in test_app.py."""

from __future__ import annotations

import yaml
from starlette.datastructures import FormData

from reportgen.errors import Problem
from reportgen.web import meeting_form as mf

TYPED = FormData([
    ("don_vi", "TM"), ("ky", "2022-Q1"), ("ngay", "9/3/2022"), ("buoi", "sang"), ("loai_hop", ""),
    ("chu_tri.ho_ten", " Trần Thị Quý "), ("chu_tri.danh_xung", "bà"), ("chu_tri.chuc_vu", "Chủ tịch UBND huyện"),
    ("thanh_phan", "Bưu điện huyện"), ("thanh_phan", "  "), ("thanh_phan", "UBND các xã"),
    ("thao_luan.noi_dung", "tỷ lệ trễ hạn"), ("thao_luan.con_nua", "on"),
    ("chi_dao.noi_dung", "niêm yết công khai"), ("chi_dao.don_vi", "Văn phòng"), ("chi_dao.thoi_han", "31/03/2022"),
    ("chi_dao.noi_dung", ""), ("chi_dao.don_vi", " "), ("chi_dao.thoi_han", ""),  # an empty row, dropped
    ("khen_thuong.hinh_thuc", ""), ("anh.chu_thich", ""), ("nhiem_vu", "Nâng cao tỷ lệ"),
    ("tac_gia.ho_ten", "Hoàng Kha"), ("tac_gia.don_vi", ""), ("bao_cao_boi", "Văn phòng HĐND và UBND huyện")])
DATA = {
    "don_vi": "TM", "ky": "2022-Q1", "ngay": "2022-03-09", "buoi": "sang", "loai_hop": "cuộc họp",
    "chu_tri": {"ho_ten": "Trần Thị Quý", "danh_xung": "bà", "chuc_vu": "Chủ tịch UBND huyện"},
    "thanh_phan": ["Bưu điện huyện", "UBND các xã"], "thao_luan": {"noi_dung": ["tỷ lệ trễ hạn"], "con_nua": True},
    "chi_dao": [{"noi_dung": "niêm yết công khai", "don_vi": "Văn phòng", "thoi_han": "2022-03-31"}],
    "nhiem_vu": ["Nâng cao tỷ lệ"], "tac_gia": {"ho_ten": "Hoàng Kha"}, "bao_cao_boi": "Văn phòng HĐND và UBND huyện"}
FILE = """\
# Cuộc họp đánh giá kết quả giải quyết TTHC kỳ 2022-Q1 của Huyện Tháp Mười
don_vi: TM
ky: 2022-Q1
ngay: 2022-03-09
buoi: sang
chu_tri:
  ho_ten: Trần Thị Quý
  danh_xung: bà
  chuc_vu: Chủ tịch UBND huyện
thanh_phan:
- Bưu điện huyện
- UBND các xã
thao_luan:
  noi_dung:
  - tỷ lệ trễ hạn
  con_nua: true
chi_dao:
- noi_dung: niêm yết công khai
  don_vi: Văn phòng
  thoi_han: 2022-03-31
nhiem_vu:
- Nâng cao tỷ lệ
tac_gia:
  ho_ten: Hoàng Kha
bao_cao_boi: Văn phòng HĐND và UBND huyện
"""


def test_dates_typed_day_first_are_written_iso_and_shown_day_first():
    assert [mf.iso_date(t) for t in ("9/3/2022", "09.03.2022", "9-3-2022", "2022-03-09", "hôm qua")] == [
        "2022-03-09", "2022-03-09", "2022-03-09", "2022-03-09", "hôm qua"]
    assert [mf.shown_date(v) for v in ("2022-03-09", "2022-03-32", "hôm qua", None, "")] == [
        "09/03/2022", "32/03/2022", "hôm qua", "", ""]


def test_the_form_becomes_the_meeting_file_a_person_would_write():
    assert mf.data_from_form(TYPED) == DATA
    meeting, errors = mf.validate(DATA)
    assert errors == {}
    text = mf.to_yaml(meeting, "Huyện Tháp Mười")
    assert text.decode("utf-8") == FILE
    assert yaml.safe_load(text) == {**{k: v for k, v in DATA.items() if k != "loai_hop"},
                                    "ngay": meeting.ngay, "chi_dao": [{**DATA["chi_dao"][0], "thoi_han": meeting.chi_dao[0].thoi_han}]}


def test_the_form_is_filled_again_from_the_meeting():
    meeting, _ = mf.validate(DATA)
    values = mf.form_values(meeting)
    assert values["ngay"] == "09/03/2022"
    assert values["chi_dao"] == [{"noi_dung": "niêm yết công khai", "don_vi": "Văn phòng", "thoi_han": "31/03/2022"}]
    assert values["chu_tri"] == DATA["chu_tri"] and values["thanh_phan"] == DATA["thanh_phan"]
    assert values["loai_hop"] == "cuộc họp" and values["con_nua"] is True
    assert values["khen_thuong"] == {"hinh_thuc": "", "tap_the": "", "ca_nhan": "", "noi_dung": ""}
    typed_again = mf.form_values(None, {**DATA, "ngay": "2022-03-32"})  # what was typed, shown as typed
    assert typed_again["ngay"] == "32/03/2022"


def test_each_wrong_field_gets_its_message_in_the_forms_order():
    data = mf.data_from_form(FormData([
        ("don_vi", "TM"), ("ky", "2022-Q1"), ("ngay", "32/03/2022"), ("buoi", "trua"), ("chu_tri.ho_ten", "A\x1bB"),
        ("khen_thuong.tap_the", "-1"), ("chi_dao.noi_dung", "x"), ("chi_dao.don_vi", ""),
        ("chi_dao.thoi_han", "31/02/2022")]))
    meeting, errors = mf.validate(data)
    assert meeting is None
    assert mf.summary(errors) == [
        ("f-ngay", "Ngày họp", "ngày không hợp lệ: cần ngày/tháng/năm, ví dụ 09/03/2022"),
        ("f-buoi", "Buổi", "hãy chọn một giá trị trong danh sách"),
        ("f-chu_tri-ho_ten", "Họ và tên người chủ trì", "ký tự điều khiển U+001B ở vị trí 2 không được phép trong văn bản"),
        ("f-chu_tri-danh_xung", "Danh xưng người chủ trì", "hãy chọn một giá trị trong danh sách"),
        ("f-chu_tri-chuc_vu", "Chức vụ người chủ trì", "cần nhập mục này"),
        ("f-thanh_phan-1", "Thành phần dự họp", "cần nhập mục này"),
        ("f-thao_luan-noi_dung-1", "Nội dung thảo luận", "cần nhập mục này"),
        ("f-cd-th-1", "Thời hạn thực hiện", "ngày không hợp lệ: cần ngày/tháng/năm, ví dụ 09/03/2022"),
        ("f-khen_thuong-tap_the", "Số tập thể được khen", "cần một số nguyên không âm"),
        ("f-tac_gia-ho_ten", "Tác giả", "cần nhập mục này")]


def test_a_control_character_alone_is_enough_to_refuse():
    meeting, errors = mf.validate({**DATA, "nhiem_vu": ["Nâng cao\u202e tỷ lệ"]})
    assert meeting is None
    assert errors == {"nhiem_vu": "ký tự điều khiển U+202E ở vị trí 9 không được phép trong văn bản"}


def test_field_ids():
    assert [mf.field_id(n) for n in ("buoi", "ky", "thanh_phan", "nhiem_vu", "han_che", "chu_tri.ho_ten", "ngay")] == [
        "f-buoi", None, "f-thanh_phan-1", "f-nhiem_vu-1", "f-han_che-1", "f-chu_tri-ho_ten", "f-ngay"]


def test_the_loaders_errors_about_this_file_by_field_and_the_rest():
    problems = [Problem("meetings/a.yaml", "sai ngày", column="chi_dao.2.thoi_han"),
                Problem("meetings/a.yaml", "không có ảnh này", column="anh.tep"),
                Problem("meetings/a.yaml", "khóa lạ", column="khac"),
                Problem("meetings/a.yaml", "sai lần hai", column="chi_dao.3.thoi_han"),
                Problem("meetings/b.yaml", "của tệp khác", column="ngay")]
    assert mf.loader_errors(problems, "meetings/a.yaml") == (
        {"chi_dao.thoi_han": "sai ngày", "anh_moi": "không có ảnh này"}, ["khóa lạ"])
