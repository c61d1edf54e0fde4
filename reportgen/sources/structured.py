"""Reading the structured files: ``reportgen.toml`` and the meeting YAML files.

Syntax errors carry their line; schema errors are located on the line of the offending
key by walking the YAML node tree (TOML keys are named by their dotted path).

A meeting file is parsed with PyYAML's C safe loader (libyaml; the pure-Python one when
libyaml is missing, and to word a syntax error as PyYAML does), bounded: nesting deeper than
``YAML_MAX_DEPTH`` (counted from libyaml's events before any node is made: the C composer
cannot be stopped midway), or aliases that add more than ``YAML_MAX_NODES`` values once expanded
(the "billion laughs"), or an alias that contains itself, is refused before anything is
built from it; a key repeated in one mapping is an error on the line of the repeat.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from reportgen.errors import Problem
from reportgen.periods import PERIOD_FORMAT_MESSAGE, Period
from reportgen.schema import (
    CONFIG_FILE_BYTES,
    DEADLINE_MONTHS_AFTER,
    MEETING_MONTHS_AFTER,
    YAML_MAX_DEPTH,
    YAML_MAX_NODES,
    Config,
    Limits,
    Meeting,
    ReportText,
)
from reportgen.sources.boundary import Refused, bad_character, check_size, first_bad_line, read_inside
from reportgen.sources.text import decode_bytes, nfc
from reportgen.validate import check_meeting_text


def load_config(root: Path, name: str, data: bytes | None = None) -> tuple[Config | None, list[Problem]]:
    """Parse and check ``reportgen.toml`` in ``root``; a missing file gives the defaults.
    ``data``: the file's content as a change would write it (the web page's heading mapping)."""
    path = Path(root) / name
    if data is None and not path.exists() and not path.is_symlink():
        return None, [Problem(name, "thiếu tệp cấu hình reportgen.toml (tạo bằng `reportgen init`)")]
    try:
        text = decode_bytes(read_inside(root, name, CONFIG_FILE_BYTES, None) if data is None
                            else check_size(data, CONFIG_FILE_BYTES, None)).text
    except Refused as exc:
        return None, [Problem(name, str(exc))]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, f"không đọc được mã ký tự ở byte {exc.start}: cần UTF-8")]
    bad = first_bad_line(text)
    if bad:
        return None, [Problem(name, bad[1], row=bad[0])]
    try:
        data, problems = _clean_tree(tomllib.loads(text), name, lambda loc: None)
    except tomllib.TOMLDecodeError as exc:
        return None, [Problem(name, f"TOML sai cú pháp: {exc}", row=_toml_line(exc))]
    except RecursionError:  # tomllib parses nested arrays recursively
        return None, [Problem(name, "TOML lồng nhau quá sâu (mảng hoặc bảng trong nhau quá nhiều mức)")]
    if problems:
        return None, problems
    config, problems = _validated(Config, data, name, lambda loc: None)
    if config is None:
        return None, problems
    limit = config.limits.name_chars
    bad = [Problem(name, f"tên quá dài: {len(signer.name)} ký tự, tối đa {limit}",
                   column=f"signers.{code}.{kind}.name", value=signer.name)
           for code, kinds in config.signers.items() for kind, signer in kinds.items() if len(signer.name) > limit]
    periods = [("sources.ky", config.sources.ky)] if config.sources.ky else []
    periods += [(f"cutoff.so_lieu_den.{key}", key) for key in config.cutoff.so_lieu_den]
    bad += [Problem(name, implausible, column=column, value=str(period)) for column, period in periods
            if (implausible := config.limits.period_problem(period))]
    return (None if bad else config), bad + repeated_items(config.model_dump(), name)


def _toml_line(exc: Exception) -> int | None:
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else None


class TooDeep(yaml.MarkedYAMLError):
    """Nesting beyond YAML_MAX_DEPTH (a limit, not a syntax error)."""


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader with the nesting of the composed tree bounded."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self.written = 0  # nodes written in the file (an alias is not one: it reuses a node)

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > YAML_MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise TooDeep(None, None, f"lồng nhau quá sâu: quá {YAML_MAX_DEPTH} mức", mark)
            if not self.check_event(yaml.AliasEvent):
                self.written += 1
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# libyaml's C parser and composer (PyYAML's CSafeLoader), with the same SafeConstructor:
# a 1 MB meeting file costs tens of MB instead of the pure-Python parser's hundreds.
FastLoader = getattr(yaml, "CSafeLoader", None) or BoundedLoader
_OPEN, _CLOSE = (yaml.MappingStartEvent, yaml.SequenceStartEvent), (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _written_nodes(text: str) -> int:
    """The nodes ``text`` writes (an alias is not one), its nesting bounded by YAML_MAX_DEPTH
    (TooDeep), from libyaml's events, before anything is composed: the same limits as
    :class:`BoundedLoader` for the C loader, which cannot be bounded while it composes.
    A syntax error raises PyYAML's MarkedYAMLError."""
    if FastLoader is BoundedLoader:
        return 0  # no libyaml: BoundedLoader bounds and counts while composing
    depth = written = 0
    for event in yaml.parse(text, Loader=FastLoader):
        if isinstance(event, _OPEN):
            depth += 1
            written += 1
            if depth > YAML_MAX_DEPTH:
                raise TooDeep(None, None, f"lồng nhau quá sâu: quá {YAML_MAX_DEPTH} mức", event.start_mark)
        elif isinstance(event, _CLOSE):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent):
            written += 1
    return written


def load_meeting(root: Path, name: str, limits: Limits | None = None,
                 data: bytes | None = None) -> tuple[Meeting | None, list[Problem]]:
    """Parse and check one meeting file, ``root / name`` (label ``name``); ``data``: its bytes
    when they are not written yet (the web page's meeting form checks what it would save)."""
    limits = limits or Limits()
    meeting, lines, problems = load_yaml_model(root, name, Meeting, limits, "tệp cuộc họp", "don_vi, ky, ngay, ...",
                                               data)
    if meeting is None:
        return None, problems
    # The meeting is returned with these errors so that the workspace's checks run too.
    return meeting, (_check_names(meeting, name, lines, limits) + _check_dates(meeting, name, lines, limits)
                     + check_meeting_text(meeting, name, lines))


def load_report_text(root: Path, name: str, limits: Limits | None = None,
                     data: bytes | None = None) -> tuple[ReportText | None, list[Problem]]:
    """Parse and check one file of a report's own text (``noi-dung/*.yaml``), bounded as a
    meeting file is (its size limit is ``meeting_file_mb``); ``data``: its bytes when they are
    not written yet."""
    limits = limits or Limits()
    text, lines, problems = load_yaml_model(root, name, ReportText, limits, "tệp nội dung báo cáo",
                                            "don_vi, ky, nhiem_vu, ...", data)
    if text is None:
        return None, problems
    implausible = limits.period_problem(text.ky)
    found = [Problem(name, implausible, row=lines(("ky",)), column="ky", value=str(text.ky))] if implausible else []
    return text, found + repeated_items(text.model_dump(), name, lines)


def load_yaml_model(root: Path, name: str, model: type[BaseModel], limits: Limits, what: str, keys: str,
                    data: bytes | None = None):
    """``root / name`` (label ``name``; ``data``: its bytes when given) read within
    ``meeting_file_mb``, parsed by the bounded loader, every text checked and NFC, then
    validated as ``model``.

    Returns (the model or None, the line of a key path, problems); ``what`` names the file in
    messages ("tệp cuộc họp"), ``keys`` its first keys.
    """
    label = name
    try:
        if data is None:
            data = read_inside(root, name, limits.meeting_bytes, "meeting_file_mb")
        check_size(data, limits.meeting_bytes, "meeting_file_mb")
        text = decode_bytes(data).text
    except Refused as exc:
        return None, None, [Problem(label, str(exc))]
    except UnicodeDecodeError as exc:
        return None, None, [Problem(label, f"không đọc được mã ký tự ở byte {exc.start}: cần UTF-8")]
    bad = first_bad_line(text)
    if bad:  # PyYAML would refuse it too, in English and without the line
        return None, None, [Problem(label, bad[1], row=bad[0])]
    root_node = None
    try:
        try:
            loader, written = FastLoader(text), _written_nodes(text)
        except TooDeep:
            raise
        except yaml.MarkedYAMLError:  # a syntax error: PyYAML's own parser says it as users know it
            loader, written = BoundedLoader(text), None
        try:
            root_node = loader.get_single_node()
            if root_node is None:
                return None, None, [Problem(label, f"{what} rỗng: cần các khóa {keys}")]
            problems = _check_graph(root_node, label, loader.written if written is None else written)
            if problems:
                return None, None, problems
            data = loader.construct_document(root_node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        syntax = "" if isinstance(exc, TooDeep) else "YAML sai cú pháp: "
        return None, None, [Problem(label, f"{syntax}{exc.problem}", row=line)]
    except ValueError as exc:  # PyYAML's date constructor: 2022-13-09, 2022-02-30
        node = _bad_date_node(root_node) if root_node is not None else None
        return None, None, [Problem(label, f"ngày không có thật: {exc}; cần NĂM-THÁNG-NGÀY, ví dụ 2022-03-09",
                                    row=node.start_mark.line + 1 if node else None,
                                    value=node.value if node else None)]
    except yaml.YAMLError as exc:
        return None, None, [Problem(label, f"không đọc được YAML: {exc}")]
    if not isinstance(data, dict):
        return None, None, [Problem(label, f"{what} phải là một bảng khóa: giá trị ({keys})")]
    lines = _LineIndex(root_node)
    data, problems = _clean_tree(data, label, lines)
    if problems:
        return None, lines, problems
    result, problems = _validated(model, data, label, lines)
    return result, lines, problems


_INT_TAG = "tag:yaml.org,2002:int"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_LONGEST_INT = 15  # digits; more is no count of files (and Python refuses > 4300)


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _check_graph(root, label: str, written: int) -> list[Problem]:
    """Expanded size, depth, cycles, repeated keys and overlong integers, in one linear walk.

    Aliases make the node tree a graph (one node object per anchor); sizes and depths are
    memoised per node, so the walk is linear in the file while measuring the expansion.
    Only what aliases add counts against ``YAML_MAX_NODES``: a node's expanded size is
    compared with the ``written`` nodes of the file plus that limit, so a big file without
    aliases is never refused here (its size is bounded by ``meeting_file_mb``).
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    visiting: set[int] = set()
    stack = [(root, False)]

    def at(node, message, value=None):
        return [Problem(label, message, row=node.start_mark.line + 1, value=value)]

    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            visiting.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] > written + YAML_MAX_NODES:
                return at(node, f"quá nhiều giá trị khi mở rộng các bí danh (alias *): quá {YAML_MAX_NODES} giá trị")
            if depth[key] > YAML_MAX_DEPTH:
                return at(node, f"lồng nhau quá sâu (kể cả qua bí danh *): quá {YAML_MAX_DEPTH} mức")
            continue
        if key in size:
            continue
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _INT_TAG and len(node.value.lstrip("+-0_")) > _LONGEST_INT:
                return at(node, f"số quá lớn: quá {_LONGEST_INT} chữ số", value=node.value[:40])
            size[key], depth[key] = 1, 1
            continue
        if isinstance(node, yaml.MappingNode):
            problems = _repeated_keys(node, label)
            if problems:
                return problems
        visiting.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in visiting:
                return at(child, "bí danh (alias *) tham chiếu chính nó: vòng lặp không được phép")
            if id(child) not in size:
                stack.append((child, False))
    return []


def _repeated_keys(node, label: str) -> list[Problem]:
    seen: dict[str, int] = {}
    for key, _ in node.value:
        if key.tag == _MERGE_TAG or not isinstance(key, yaml.ScalarNode):
            continue
        name = nfc(key.value)
        line = key.start_mark.line + 1
        if name in seen:
            return [Problem(label, f"khóa lặp lại (đã có ở dòng {seen[name]}); mỗi khóa chỉ được viết một lần",
                            row=line, column=name)]
        seen[name] = line
    return []


class _LineIndex:
    """The line of a key path (``("chi_dao", 0, "thoi_han")``) in a composed YAML tree.

    Each mapping's keys are indexed once, on first use, so locating n errors is linear.
    """

    def __init__(self, root):
        self.root = root
        self._keys: dict[int, dict[str, Any]] = {}

    def __call__(self, loc) -> int | None:
        node, line = self.root, None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                index = self._keys.get(id(node))
                if index is None:
                    index = self._keys[id(node)] = {}
                    for k, v in node.value:
                        index.setdefault(str(k.value), v)
                node = index.get(str(part))
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
            else:
                break
            if node is None:
                break
            line = node.start_mark.line + 1
        return line


def _check_names(meeting: Meeting, label: str, line_of, limits: Limits) -> list[Problem]:
    names = {("chu_tri", "ho_ten"): meeting.chu_tri.ho_ten, ("tac_gia", "ho_ten"): meeting.tac_gia.ho_ten}
    return [Problem(label, f"tên quá dài: {len(name)} ký tự, tối đa {limits.name_chars}",
                    row=line_of(loc), column=".".join(loc), value=name)
            for loc, name in names.items() if len(name) > limits.name_chars]


def meeting_window(period: Period, months_after: int = MEETING_MONTHS_AFTER) -> tuple[dt.date, dt.date]:
    """First and last plausible date: the period's first day to ``months_after`` months after its end."""
    first = dt.date(period.year, period.first * 3 - 2, 1)
    month = period.last_month + months_after
    year, month = period.year + (month - 1) // 12, (month - 1) % 12 + 1
    return first, dt.date(year, month, calendar.monthrange(year, month)[1])


def _check_dates(meeting: Meeting, label: str, line_of, limits: Limits) -> list[Problem]:
    period = meeting.ky
    if implausible := limits.period_problem(period):  # and no date window of it can be made
        return [Problem(label, implausible, row=line_of(("ky",)), column="ky", value=str(period))]
    dates = [(("ngay",), meeting.ngay), (("ngay_thong_bao",), meeting.ngay_thong_bao),
             (("ngay_bao_cao",), meeting.ngay_bao_cao), (("so_lieu_den",), meeting.so_lieu_den)]
    deadlines = [(("chi_dao", i, "thoi_han"), d.thoi_han) for i, d in enumerate(meeting.chi_dao)]
    problems = []
    for items, months in ((dates, MEETING_MONTHS_AFTER), (deadlines, DEADLINE_MONTHS_AFTER)):
        first, last = meeting_window(period, months)
        for loc, day in items:
            if day is not None and not first <= day <= last:
                problems.append(Problem(
                    label, f"ngày ngoài khoảng hợp lý của kỳ {period}: cần từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}",
                    row=line_of(loc), column=".".join(map(str, loc)), value=day.isoformat()))
    report_date = meeting.ngay_bao_cao or meeting.ngay
    if meeting.so_lieu_den and meeting.so_lieu_den > report_date:
        problems.append(Problem(
            label, f"số liệu tính đến sau ngày báo cáo ({report_date:%d/%m/%Y}): báo cáo không thể có số liệu "
            "của những ngày chưa đến", row=line_of(("so_lieu_den",)), column="so_lieu_den",
            value=meeting.so_lieu_den.isoformat(), severity="warning"))
    return problems + repeated_items(meeting.model_dump(), label, line_of)


def repeated_items(data, label: str, line_of=lambda loc: None, loc: tuple = ()) -> list[Problem]:
    """A warning for every text that a list of ``data`` (a config or a meeting, as dicts and
    lists) holds twice, naming the key: a recipient or a participant printed twice."""
    problems = []
    if isinstance(data, dict):
        for key, value in data.items():
            problems += repeated_items(value, label, line_of, loc + (key,))
    elif isinstance(data, list):
        seen = set()
        for index, item in enumerate(data):
            if isinstance(item, str):
                key = " ".join(item.split()).casefold()
                if key in seen:
                    problems.append(Problem(label, "mục lặp lại trong danh sách (sẽ in hai lần)",
                                            row=line_of(loc + (index,)), column=".".join(map(str, loc)),
                                            value=item, severity="warning"))
                seen.add(key)
            else:
                problems += repeated_items(item, label, line_of, loc + (index,))
    return problems


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
    elif err["type"] == "value_error" and str(err.get("ctx", {}).get("error")) == PERIOD_FORMAT_MESSAGE:
        message = PERIOD_FORMAT_MESSAGE  # a period, as every reader of periods says it
    elif err["type"] == "value_error":  # reportgen's own checks, already in Vietnamese
        message = f"giá trị không hợp lệ: {err['ctx']['error']}"
    else:
        message = f"giá trị không hợp lệ: {err['msg']}"
    value = err.get("input") if err["type"] != "missing" else None
    shown = None if value is None or isinstance(value, (dict, list)) else str(value)
    return Problem(label, message, row=line_of(err["loc"]), column=key, value=shown)


def _clean_tree(value, label: str, line_of, loc: tuple = ()) -> tuple[Any, list[Problem]]:
    """Every string (keys too) in NFC; a forbidden character is an error naming its key path.

    Recursive: the YAML loader bounds the depth, and load_config catches RecursionError.
    """
    problems: list[Problem] = []

    def text(s: str, where: tuple) -> str:
        bad = bad_character(s)
        if bad:
            problems.append(Problem(label, bad, row=line_of(where), column=".".join(map(str, where)) or None,
                                    value=s))
        return nfc(s)

    def walk(item, where):
        if isinstance(item, str):
            return text(item, where)
        if isinstance(item, dict):
            return {text(str(k), where + (k,)): walk(v, where + (k,)) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v, where + (i,)) for i, v in enumerate(item)]
        return item

    return walk(value, loc), problems
