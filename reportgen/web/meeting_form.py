"""The meeting form: form fields <-> the meeting file, written as a person would write it.

The form has one field per key of ``meetings/*.yaml`` (see docs/workspace.md); lists are
repeated fields (``thanh_phan``), and the chair's directions are rows of three parallel
fields (``chi_dao.noi_dung``, ``chi_dao.don_vi``, ``chi_dao.thoi_han``). Empty rows are
dropped, optional keys left out when empty, and the YAML keeps the documented key order,
block lists and Vietnamese text unescaped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import ValidationError

from reportgen.errors import Problem
from reportgen.schema import Meeting
from reportgen.sources.boundary import bad_character

LISTS = ("thanh_phan", "ket_qua", "thao_luan.noi_dung", "nguyen_nhan", "han_che", "nhiem_vu")
DIRECTION_FIELDS = ("noi_dung", "don_vi", "thoi_han")
KEY_ORDER = ("don_vi", "ky", "ngay", "buoi", "loai_hop", "chu_tri", "thanh_phan", "ket_qua", "thao_luan", "chi_dao",
             "khen_thuong", "anh", "nguyen_nhan", "han_che", "nhiem_vu", "tac_gia", "bao_cao_boi", "ngay_bao_cao", "so_lieu_den",
             "ngay_thong_bao")


DATES = ("ngay", "ngay_bao_cao", "so_lieu_den", "ngay_thong_bao", "chi_dao.thoi_han")
# Each field in words, for the summary of errors at the top of the form.
LABELS = {
    "ngay": "Ngày họp", "buoi": "Buổi", "don_vi": "Đơn vị", "ky": "Kỳ",
    "chu_tri.ho_ten": "Họ và tên người chủ trì", "chu_tri.danh_xung": "Danh xưng người chủ trì",
    "chu_tri.chuc_vu": "Chức vụ người chủ trì", "thanh_phan": "Thành phần dự họp", "ket_qua": "Kết quả đã làm",
    "thao_luan.noi_dung": "Nội dung thảo luận", "chi_dao": "Ý kiến chỉ đạo", "chi_dao.noi_dung": "Nội dung chỉ đạo",
    "chi_dao.don_vi": "Đơn vị thực hiện", "chi_dao.thoi_han": "Thời hạn thực hiện",
    "khen_thuong.hinh_thuc": "Hình thức khen thưởng", "khen_thuong.tap_the": "Số tập thể được khen",
    "khen_thuong.ca_nhan": "Số cá nhân được khen", "khen_thuong.noi_dung": "Lý do khen thưởng",
    "anh.chu_thich": "Chú thích ảnh", "anh.tac_gia": "Người chụp ảnh", "anh_moi": "Ảnh",
    "nguyen_nhan": "Nguyên nhân tồn tại", "han_che": "Hạn chế", "loai_hop": "Loại cuộc họp",
    "nhiem_vu": "Nhiệm vụ kỳ tới", "tac_gia.ho_ten": "Tác giả", "tac_gia.don_vi": "Đơn vị của tác giả",
    "bao_cao_boi": "Cơ quan trình bày báo cáo", "ngay_bao_cao": "Ngày báo cáo", "so_lieu_den": "Số liệu tính đến ngày",
    "ngay_thong_bao": "Ngày thông báo",
}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YEAR_MONTH_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def iso_date(text: str) -> str:
    """``09/03/2022`` -> ``2022-03-09`` (a date as typed); anything else is returned as it is, to be refused."""
    match = _DAY_MONTH_YEAR.match(text)
    if not match:
        return text
    day, month, year = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def shown_date(value) -> str:
    """A date as the form shows it: ``09/03/2022``; text that is not a date stays as typed."""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    try:
        return f"{dt.date.fromisoformat(value):%d/%m/%Y}" if value else ""
    except (TypeError, ValueError):
        # not a real date (32/03/2022 typed, iso_date made it 2022-03-32): shown day first again
        match = _YEAR_MONTH_DAY.match(value) if isinstance(value, str) else None
        return f"{match[3]}/{match[2]}/{match[1]}" if match else (value or "")


def _text(form, name: str) -> str:
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    return iso_date(text) if name in DATES else text


def _items(form, name: str) -> list[str]:
    return [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def data_from_form(form) -> dict:
    """The meeting as plain data, in the file's key order; empty optional parts left out."""
    data: dict = {"don_vi": _text(form, "don_vi"), "ky": _text(form, "ky"), "ngay": _text(form, "ngay"),
                  "buoi": _text(form, "buoi"), "loai_hop": _text(form, "loai_hop") or "cuộc họp",
                  "chu_tri": {"ho_ten": _text(form, "chu_tri.ho_ten"), "danh_xung": _text(form, "chu_tri.danh_xung"),
                              "chuc_vu": _text(form, "chu_tri.chuc_vu")},
                  "thanh_phan": _items(form, "thanh_phan"), "ket_qua": _items(form, "ket_qua"),
                  "thao_luan": {"noi_dung": _items(form, "thao_luan.noi_dung"),
                                "con_nua": form.get("thao_luan.con_nua") == "on"},
                  "chi_dao": _directions(form)}
    commendation = {k: _text(form, f"khen_thuong.{k}") for k in ("hinh_thuc", "tap_the", "ca_nhan", "noi_dung")}
    if any(commendation.values()):
        data["khen_thuong"] = {k: v for k, v in commendation.items() if v}
    photo = {k: _text(form, f"anh.{k}") for k in ("chu_thich", "tep", "tac_gia")}
    if any(photo.values()):
        data["anh"] = {k: v for k, v in photo.items() if v}
    for name in ("nguyen_nhan", "han_che", "nhiem_vu"):
        if _items(form, name):
            data[name] = _items(form, name)
    data["tac_gia"] = {"ho_ten": _text(form, "tac_gia.ho_ten")}
    if _text(form, "tac_gia.don_vi"):  # else the byline's unit is [news.byline] of the level
        data["tac_gia"]["don_vi"] = _text(form, "tac_gia.don_vi")
    for name in ("bao_cao_boi", "ngay_bao_cao", "so_lieu_den", "ngay_thong_bao"):
        if _text(form, name):
            data[name] = _text(form, name)
    if not data["ket_qua"]:
        del data["ket_qua"]
    return data


def _directions(form) -> list[dict]:
    columns = [form.getlist(f"chi_dao.{name}") for name in DIRECTION_FIELDS]
    rows = []
    for values in zip(*columns):
        row = {name: (iso_date(value.strip()) if name == "thoi_han" else value.strip())
               for name, value in zip(DIRECTION_FIELDS, values) if isinstance(value, str) and value.strip()}
        if row:
            rows.append(row)
    return rows


REQUIRED_TEXT = ("chu_tri.ho_ten", "chu_tri.chuc_vu", "tac_gia.ho_ten")


def validate(data: dict) -> tuple[Meeting | None, dict[str, str]]:
    """The meeting, or the errors keyed by form field (``chi_dao.noi_dung`` for a row's field)."""
    errors = {name: "cần nhập mục này" for name in REQUIRED_TEXT
              if not data[name.split(".")[0]][name.split(".")[1]]}
    errors.update(_bad_characters(data))
    try:
        meeting = Meeting.model_validate(data)
    except ValidationError as exc:
        return None, {_field_of(err["loc"]): _message(err) for err in exc.errors()} | errors
    return (None, errors) if errors else (meeting, {})


def _bad_characters(data, loc: tuple = ()) -> dict[str, str]:
    """Control and bidirectional characters, by field: the loader refuses them in the file."""
    found: dict[str, str] = {}
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        if isinstance(value, str) and (bad := bad_character(value)):
            found.setdefault(_field_of(loc + (key,)), bad)
        elif isinstance(value, (dict, list)):
            for name, message in _bad_characters(value, loc + (key,)).items():
                found.setdefault(name, message)
    return found


ANCHORS = {"buoi": "f-buoi", "chi_dao": "f-cd-nd-1", "chi_dao.noi_dung": "f-cd-nd-1", "chi_dao.don_vi": "f-cd-dv-1",
           "chi_dao.thoi_han": "f-cd-th-1", "anh_moi": "f-anh_moi", "don_vi": None, "ky": None}


def field_id(name: str) -> str | None:
    """The id of the (first) input of a form field, for the summary's links and the focus."""
    if name in ANCHORS:
        return ANCHORS[name]
    base = "f-" + name.replace(".", "-")
    return base + "-1" if name in LISTS or name in ("nguyen_nhan", "nhiem_vu") else base


def summary(errors: dict[str, str]) -> list[tuple[str | None, str, str]]:
    """(input id, field in words, message) of each error, in the form's order."""
    order = list(LABELS)
    return [(field_id(name), LABELS.get(name, name), message)
            for name, message in sorted(errors.items(), key=lambda item: order.index(item[0])
                                        if item[0] in order else len(order))]


def loader_errors(problems: list[Problem], label: str) -> tuple[dict[str, str], list[str]]:
    """The workspace loader's errors about the meeting file ``label``: by form field, and the rest."""
    by_field: dict[str, str] = {}
    rest: list[str] = []
    for problem in problems:
        if problem.file != label or problem.severity != "error":
            continue
        field = _field_of(tuple(p for p in (problem.column or "").split(".") if p and not p.isdigit()))
        field = "anh_moi" if field == "anh.tep" else field
        if field in LABELS:
            by_field.setdefault(field, problem.message)
        else:
            rest.append(problem.message)
    return by_field, rest


def _field_of(loc: tuple) -> str:
    return ".".join(str(part) for part in loc if not isinstance(part, int))


def _message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    if kind == "missing" or (kind == "too_short" and err.get("input") in ([], "")):
        return "cần nhập mục này"
    if kind == "too_short":
        return "cần ít nhất một dòng"
    if kind.startswith("date"):
        return "ngày không hợp lệ: cần ngày/tháng/năm, ví dụ 09/03/2022"
    if kind == "literal_error":
        return "hãy chọn một giá trị trong danh sách"
    if kind.startswith("int") or kind == "greater_than_equal":
        return "cần một số nguyên không âm"
    return err["msg"]


def to_yaml(meeting: Meeting, unit_name: str) -> bytes:
    """The meeting file's text: the documented key order, block style, dates as 2022-03-09."""
    data = meeting.model_dump(mode="python", exclude_none=True, exclude_defaults=False)
    for key in ("nguyen_nhan", "han_che", "nhiem_vu", "ket_qua"):
        if not data.get(key):
            data.pop(key, None)
    if data.get("loai_hop") == Meeting.model_fields["loai_hop"].default:  # written only when it is not
        del data["loai_hop"]
    ordered = {key: data[key] for key in KEY_ORDER if key in data}
    header = f"# Cuộc họp đánh giá kết quả giải quyết TTHC kỳ {meeting.ky} của {unit_name}\n"
    body = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, default_flow_style=False, width=4096)
    return (header + body).encode("utf-8")


def form_values(meeting: Meeting | None, data: dict | None = None) -> dict:
    """Values to fill the form with: from a meeting file, or from what was typed."""
    if data is None:
        data = meeting.model_dump(mode="python") if meeting else {}
    date_text = shown_date
    chair = data.get("chu_tri") or {}
    discussion = data.get("thao_luan") or {}
    return {
        "don_vi": data.get("don_vi", ""), "ky": data.get("ky", ""), "ngay": date_text(data.get("ngay")),
        "buoi": data.get("buoi", "sang"), "loai_hop": data.get("loai_hop") or "cuộc họp",
        "chu_tri": {k: chair.get(k, "") for k in ("ho_ten", "danh_xung", "chuc_vu")},
        "thanh_phan": data.get("thanh_phan") or [], "ket_qua": data.get("ket_qua") or [],
        "thao_luan_noi_dung": discussion.get("noi_dung") or [], "con_nua": discussion.get("con_nua", True),
        "chi_dao": [{"noi_dung": d.get("noi_dung", ""), "don_vi": d.get("don_vi") or "",
                     "thoi_han": date_text(d.get("thoi_han"))} for d in data.get("chi_dao") or []],
        "khen_thuong": {k: (data.get("khen_thuong") or {}).get(k, "") for k in ("hinh_thuc", "tap_the", "ca_nhan",
                                                                              "noi_dung")},
        "anh": {k: (data.get("anh") or {}).get(k) or "" for k in ("chu_thich", "tep", "tac_gia")},
        "nguyen_nhan": data.get("nguyen_nhan") or [], "han_che": data.get("han_che") or [],
        "nhiem_vu": data.get("nhiem_vu") or [],
        "tac_gia": {k: (data.get("tac_gia") or {}).get(k) or "" for k in ("ho_ten", "don_vi")},
        "bao_cao_boi": data.get("bao_cao_boi") or "",
        "ngay_bao_cao": date_text(data.get("ngay_bao_cao")), "ngay_thong_bao": date_text(data.get("ngay_thong_bao")),
        "so_lieu_den": date_text(data.get("so_lieu_den")),
    }
