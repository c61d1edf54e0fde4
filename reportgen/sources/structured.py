"""Reading the structured files: ``reportgen.toml`` and the meeting YAML files.

Syntax errors carry their line; schema errors are located on the line of the offending
key by walking the YAML node tree (TOML keys are named by their dotted path).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from reportgen.errors import Problem
from reportgen.schema import Config, Meeting
from reportgen.sources.text import decode_bytes, nfc


def load_config(path: Path, label: str) -> tuple[Config | None, list[Problem]]:
    """Parse and check ``reportgen.toml``; a missing file gives the defaults."""
    if not path.exists():
        return None, [Problem(label, "thiếu tệp cấu hình reportgen.toml (tạo bằng `reportgen init`)")]
    try:
        data = tomllib.loads(decode_bytes(path.read_bytes()).text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return None, [Problem(label, f"TOML sai cú pháp: {exc}", row=_toml_line(exc))]
    return _validated(Config, _nfc_tree(data), label, lambda loc: None)


def _toml_line(exc: Exception) -> int | None:
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else None


def load_meeting(path: Path, label: str) -> tuple[Meeting | None, list[Problem]]:
    """Parse and check one meeting file."""
    try:
        text = decode_bytes(path.read_bytes()).text
    except UnicodeDecodeError as exc:
        return None, [Problem(label, f"không đọc được mã ký tự ở byte {exc.start}: cần UTF-8")]
    root = None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        return None, [Problem(label, f"YAML sai cú pháp: {exc.problem}", row=line)]
    except ValueError as exc:  # PyYAML's date constructor: 2022-13-09, 2022-02-30
        node = _bad_date_node(root) if root is not None else None
        return None, [Problem(label, f"ngày không có thật: {exc}; cần NĂM-THÁNG-NGÀY, ví dụ 2022-03-09",
                              row=node.start_mark.line + 1 if node else None,
                              value=node.value if node else None)]
    except yaml.YAMLError as exc:
        return None, [Problem(label, f"không đọc được YAML: {exc}")]
    if not isinstance(data, dict):
        return None, [Problem(label, "tệp cuộc họp phải là một bảng khóa: giá trị (don_vi, ky, ngay, ...)")]
    return _validated(Meeting, _nfc_tree(data), label, lambda loc: _yaml_line(root, loc))


def _bad_date_node(node):
    """The first scalar that looks like a date but is not one (for the error's line)."""
    if isinstance(node, yaml.ScalarNode):
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", node.value or ""):
            try:
                dt.date.fromisoformat("-".join(p.zfill(2) for p in node.value.split("-")))
            except ValueError:
                return node
        return None
    children = node.value if isinstance(node, yaml.SequenceNode) else (
        [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else [])
    return next((found for child in children if (found := _bad_date_node(child)) is not None), None)


def _validated(model: type[BaseModel], data: dict, label: str, line_of) -> tuple[Any, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_schema_problem(err, data, label, line_of) for err in exc.errors()]


def _schema_problem(err: dict, data: dict, label: str, line_of) -> Problem:
    loc = [str(part) for part in err["loc"]]
    key = ".".join(loc)
    if err["type"] == "extra_forbidden":
        message = "khóa không được hỗ trợ (xem docs/workspace.md)"
    elif err["type"] == "missing":
        message = "thiếu khóa bắt buộc"
    else:
        message = f"giá trị không hợp lệ: {err['msg']}"
    value = err.get("input") if err["type"] != "missing" else None
    shown = None if value is None or isinstance(value, (dict, list)) else str(value)
    return Problem(label, message, row=line_of(err["loc"]), column=key, value=shown)


def _yaml_line(node, loc: tuple) -> int | None:
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _nfc_tree(value):
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {nfc(str(k)): _nfc_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc_tree(v) for v in value]
    return value
