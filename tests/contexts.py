"""A template context made by hand (the Decree 30 blocks and the figures of Tháp Mười, quý I
năm 2022), a template written into a folder, and the message a template fails with: shared by
the templating, rendering and PDF tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reportgen.errors import TemplateFailure
from reportgen.templating import render_html


def sample_doc(**changes) -> dict:
    """The ``doc`` dict of the Decree 30 blocks (shape documented in templates/macros.html.j2)."""
    doc = {
        "kind": "van-ban-mau",
        "issuer": {"parent": None, "lines": ["ỦY BAN NHÂN DÂN", "HUYỆN THÁP MƯỜI"]},
        "number": 5,
        "symbol": "BC-UBND",
        "place": "Tháp Mười",
        "date": dt.date(2022, 3, 9),
        "type": "BÁO CÁO",
        "subject": "Kết quả giải quyết thủ tục hành chính quý I năm 2022",
        "signature": {"authority": "TM. ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": "Trần Thị Quý"},
        "recipients": ["UBND tỉnh (b/c)", "Sở Nội vụ"],
        "archive": "VT, VP",
        "margins": {"top": 20, "right": 15, "bottom": 20, "left": 30},
    }
    doc.update(changes)
    return doc


def _totals(received_online: int, in_person: int, post: int, carried: int,
            early: int, on_time: int, late: int, in_progress: int) -> dict:
    new = received_online + in_person + post
    resolved = early + on_time + late
    return {
        "truc_tuyen": received_online, "truc_tiep": in_person, "buu_chinh": post, "ky_truoc": carried,
        "new": new, "received": new + carried, "truoc_han": early, "dung_han": on_time, "qua_han": late,
        "resolved": resolved, "in_progress": in_progress,
        "online_share": received_online / new, "on_time_share": (early + on_time) / resolved,
    }


def sample_context(**doc_changes) -> dict:
    """A full context for templates/van-ban-mau.html.j2 (figures of Tháp Mười, quý I năm 2022)."""
    district = _totals(336, 1850, 264, 120, 1716, 724, 12, 118)
    communes = _totals(90, 4713, 40, 66, 3189, 1600, 3, 117)
    total = {key: district[key] + communes[key] for key in district if not key.endswith("_share")}
    total["online_share"] = total["truc_tuyen"] / total["new"]
    total["on_time_share"] = (total["truoc_han"] + total["dung_han"]) / total["resolved"]
    return {
        "doc": sample_doc(**doc_changes),
        "fig": {
            "period": "2022-Q1",
            "next_period": "2022-Q2",
            "cutoff": {"start": dt.date(2021, 12, 15), "end": dt.date(2022, 3, 14)},
            "total": total,
            "levels": [{"label": "cấp huyện", "totals": district}, {"label": "cấp xã", "totals": communes}],
        },
        "tasks": ["Tiếp tục rà soát, công khai thủ tục hành chính tại Bộ phận Một cửa",
                  "Kiểm tra, xử lý dứt điểm các hồ sơ quá hạn"],
    }


def write_template(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def render_failure(name: str, folder: Path) -> str:
    """The message of the TemplateFailure that rendering ``name`` (from the workspace templates
    ``folder``, the built-in ones after it) raises."""
    with pytest.raises(TemplateFailure) as info:
        render_html(name, {}, workspace_templates=folder)
    return str(info.value)
