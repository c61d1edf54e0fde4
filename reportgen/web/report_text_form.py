"""The report text form: form fields <-> the unit's noi-dung file, as the meeting form does.

One list of paragraphs per section of ``schema.SectionTexts`` (repeated ``<textarea>``
fields named after the key); empty rows are dropped and empty sections left out. A save is
checked by the loader itself (:func:`reportgen.sources.structured.load_report_text` on the
YAML about to be written), so the page can store nothing that ``reportgen validate`` would
refuse: characters, lengths, placeholders, period spelling.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml

from reportgen.context import own_text
from reportgen.context_types import OwnText
from reportgen.job import Job
from reportgen.kinds import KINDS
from reportgen.periods import Period
from reportgen.schema import SECTION_KEYS, Limits, ReportText
from reportgen.sources.structured import load_report_text
from reportgen.workspace import TEXTS_DIR

# the sections as the page names them, in the report's order
SECTIONS = {
    "chi_dao_dieu_hanh": "I.1. Công tác chỉ đạo, điều hành",
    "cong_khai": "I.2.a) Công bố, công khai thủ tục hành chính",
    "ra_soat": "I.2.b) Rà soát, đơn giản hóa thủ tục hành chính",
    "phan_anh_kien_nghi": "I.2.c) Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính",
    "ton_tai": "II. Tồn tại, hạn chế (sau những gì số liệu cho thấy)",
    "nguyen_nhan": "II. Nguyên nhân (các cụm từ, nối bằng dấu chấm phẩy)",
    "nhiem_vu": "III. Nhiệm vụ trọng tâm kỳ tới",
    "de_xuat": "IV. Đề xuất, kiến nghị",
}
assert tuple(SECTIONS) == SECTION_KEYS
OTHER_FIELDS = {"ky": "Kỳ", "don_vi": "Đơn vị", "tep": "Tệp nội dung báo cáo"}


def summary(errors: dict[str, str]) -> list[tuple[str | None, str, str]]:
    """(input id, field in words, message) of each error, in the form's order, as the meeting
    form's summary lists them."""
    order = [*OTHER_FIELDS, *SECTIONS]
    return [(f"f-{name}-1" if name in SECTIONS else None, SECTIONS.get(name) or OTHER_FIELDS.get(name, name), message)
            for name, message in sorted(errors.items(), key=lambda item: order.index(item[0])
                                        if item[0] in order else len(order))]


def data_from_form(form) -> dict:
    """The text as plain data, in the file's key order; empty rows and sections left out."""
    data: dict[str, str | list[str]] = {"don_vi": _text(form, "don_vi"), "ky": _text(form, "ky")}
    for key in SECTION_KEYS:
        items = [v.strip() for v in form.getlist(key) if isinstance(v, str) and v.strip()]
        if items:
            data[key] = items
    return data


def _text(form, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def to_yaml(data: dict, unit_name: str) -> bytes:
    """The file's text: a comment naming it, the keys in the documented order, block lists."""
    header = (f"# Nội dung báo cáo kỳ {data['ky']} của {unit_name} (docs/workspace.md); "
              "mục để trống lấy [noi_dung] trong reportgen.toml\n")
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=4096)
    return (header + body).encode("utf-8")


def checked(data: dict, unit_name: str, limits: Limits) -> tuple[bytes | None, ReportText | None, dict[str, str]]:
    """The file's bytes and the text as the workspace will read them, or the errors keyed by
    form field (``nhiem_vu`` for any of its rows): the loader's own checks on those bytes."""
    content = to_yaml(data, unit_name)
    with tempfile.TemporaryDirectory(prefix="reportgen-noi-dung-") as folder:
        name = f"{TEXTS_DIR}/kiem-tra.yaml"
        (Path(folder) / TEXTS_DIR).mkdir()
        (Path(folder) / name).write_bytes(content)
        text, problems = load_report_text(Path(folder), name, limits)
    key_of_line = _keys_by_line(content.decode("utf-8"))
    errors: dict[str, str] = {}
    for problem in problems:
        if problem.severity == "error":
            field = (problem.column or "").split(".")[0] or key_of_line.get(problem.row or 0, "tep")
            errors.setdefault(field, _shown(problem.message))
    return (None, None, errors) if errors or text is None else (content, text, {})


def _keys_by_line(text: str) -> dict[int, str]:
    """Line number -> the top-level key the line belongs to (for a problem named by line only)."""
    keys, key = {}, "tep"
    for number, line in enumerate(text.splitlines(), start=1):
        if match := re.match(r"([a-z_]+):", line):
            key = match.group(1)
        keys[number] = key
    return keys


def _shown(message: str) -> str:
    return message.removeprefix("giá trị không hợp lệ: ")


def form_values(text: ReportText | None, data: dict | None = None) -> dict:
    """Values to fill the form with: from the unit's file, or from what was typed."""
    if data is None:
        data = text.model_dump() if text else {}
    return {"don_vi": data.get("don_vi", ""), "ky": data.get("ky", ""),
            **{key: list(data.get(key) or []) for key in SECTION_KEYS}}


def defaults(ws, period: Period, unit: str) -> OwnText:
    """What the report says in each section when the file leaves it empty (the meeting's,
    the unit's or the level's text of reportgen.toml), as the empty field's hint."""
    meeting = ws.meetings.get((period, unit))
    kind = next(name for name, k in KINDS.items() if k.uses_report_text)  # the kind that states the text
    return own_text(ws, Job(kind, unit, period), meeting.model_dump() if meeting else None, with_file=False)
