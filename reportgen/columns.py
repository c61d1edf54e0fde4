"""The figure columns, declared once.

Every column of a figures file (``figures/*.csv`` or the office's workbook) is one
:class:`Column` here: its CSV name (``key``), the group of the summary table it sits under,
its default label (``[labels.columns]``), how an office's workbook heads it (``heading``,
and the spellings ``aliases`` that offices use), how it adds up over a period of several
quarters (``role``) and what it must satisfy (``kind``, ``whole``). Validation
(:mod:`reportgen.validate`), the CSV and workbook readers (:mod:`reportgen.sources.workbook`),
``[labels.columns]`` and ``[sources.columns]`` (:mod:`reportgen.schema`), the indicators
(:mod:`reportgen.indicators`), the contexts and the workbook writer
(:mod:`reportgen.render.to_xlsx`) all read this module; none keeps a list of its own.

Roles (how a column of a cumulative period is made from its quarters):

- ``flow``: files that happen during the window; the quarters add up;
- ``stock_start``: the stock at the window's start (carried over): the first quarter's;
- ``stock_end``: the stock at the window's end (in progress): the last quarter's;
- ``score``: a score out of 100, never summed: the last quarter's.
"""

from __future__ import annotations

from dataclasses import dataclass

FLOW, STOCK_START, STOCK_END, SCORE = "flow", "stock_start", "stock_end", "score"
ROLES = (FLOW, STOCK_START, STOCK_END, SCORE)


@dataclass(frozen=True)
class Group:
    """A group of columns under one heading of the summary table."""

    key: str
    heading: str        # as reportgen writes it (the appendix, the workbook)
    pattern: str        # a regular expression on the plain heading (see workbook.plain) naming the group
    total: bool = True  # a "Tổng số" column of its own (the appendix writes it, a workbook may have it)


@dataclass(frozen=True)
class Column:
    """One figure column.

    ``aliases`` are headings of an office's workbook, written plain (no diacritics, lower
    case: ``dung thoi han``), after the fillers ("Số hồ sơ", "đã") are taken off; with
    ``grouped`` they name this column only under its group's heading ("Quá hạn" is late
    under "Đã giải quyết", overdue under "Đang giải quyết").
    """

    key: str
    group: str | None
    label: str                      # default [labels.columns]
    heading: str                    # how a message names its workbook heading
    aliases: tuple[str, ...] = ()
    grouped: bool = False
    role: str = FLOW
    required: bool = True


GROUPS: dict[str, Group] = {g.key: g for g in (
    # searched in this order: "đang giải quyết" before "giải quyết", "đã giải quyết" before "nhận"
    Group("in_progress", "Số hồ sơ đang giải quyết", r"\bdang (giai quyet|xu ly)\b"),
    Group("resolved", "Số hồ sơ đã giải quyết", r"\b(da giai quyet|giai quyet xong|tra ket qua|da tra)\b"),
    Group("received", "Số hồ sơ nhận giải quyết", r"\b(tiep nhan|nhan giai quyet|nhan)\b"),
)}

COLUMNS: tuple[Column, ...] = (
    Column("truc_tuyen", "received", "Trực tuyến", "Trực tuyến", ("truc tuyen",)),
    Column("truc_tiep", "received", "Trực tiếp", "Trực tiếp", ("truc tiep",)),
    Column("buu_chinh", "received", "Bưu chính", "Bưu chính",
           ("buu chinh", "buu chinh cong ich", "dich vu buu chinh", "dich vu buu chinh cong ich")),
    Column("ky_truoc", "received", "Kỳ trước", "Kỳ trước chuyển qua",
           ("ky truoc", "ky truoc chuyen qua", "ky truoc chuyen sang", "tu ky truoc chuyen qua", "ton ky truoc"),
           role=STOCK_START),
    Column("truoc_han", "resolved", "Trước hạn", "Đã giải quyết / Trước hạn", ("truoc han",)),
    Column("dung_han", "resolved", "Đúng hạn", "Đã giải quyết / Đúng hạn", ("dung han", "dung thoi han")),
    Column("qua_han", "resolved", "Quá hạn", "Đã giải quyết / Quá hạn", ("qua han",), grouped=True),
    Column("dang_trong_han", "in_progress", "Trong hạn", "Đang giải quyết / Trong hạn",
           ("trong han", "chua den han", "trong thoi han"), role=STOCK_END),
    Column("dang_qua_han", "in_progress", "Quá hạn", "Đang giải quyết / Quá hạn", ("qua han",), grouped=True,
           role=STOCK_END),
)
BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
KEYS: tuple[str, ...] = tuple(BY_KEY)
REQUIRED: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.required)  # every figures file has them


def in_group(group: str, columns=COLUMNS) -> tuple[str, ...]:
    """The keys of ``group``'s columns, in declaration order."""
    return tuple(c.key for c in columns if c.group == group)


RECEIVED = in_group("received")        # received = their sum
RESOLVED = in_group("resolved")        # resolved = their sum
IN_PROGRESS = in_group("in_progress")  # in progress = their sum
COUNTS = REQUIRED                      # the counts every row has
LABELS: dict[str, str] = {c.key: c.label for c in COLUMNS}  # default [labels.columns]


def role_of(key: str) -> str:
    """How ``key`` adds up over the quarters of a cumulative period (see the module's note)."""
    return BY_KEY[key].role
