"""The figure columns, declared once.

Every column of a figures file (``figures/*.csv`` or the office's workbook) is one
:class:`Column` here: its CSV name, its group, its default label, its workbook heading and
the spellings offices use, how it adds up over a cumulative period (``role``) and what it
must satisfy; the shares computed from them are :class:`Share`, each with its one rounding
rule. Whatever reads columns reads this module and keeps no list of its own
(docs/architecture.md, "Figure columns" and "Adding a column").

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
COUNT, POINTS = "count", "score"  # what a cell holds: a whole number of files, or a score 0..100
MAX_SCORE = 100


@dataclass(frozen=True)
class Group:
    """A group of columns under one heading of the summary table."""

    key: str
    heading: str        # as reportgen writes it (the appendix, the workbook)
    pattern: str        # a regular expression on the plain heading (see workbook.plain) naming the group
    total: bool = False  # a "Tổng số" column of its own, the sum of its columns (parts of a split excepted)


@dataclass(frozen=True)
class Whole:
    """What a column is part of: the sum of ``plus`` less the sum of ``minus``, named ``name``
    in messages; ``share`` says the part's share of it is an indicator (a share above 100 %)."""

    plus: tuple[str, ...]
    name: str
    minus: tuple[str, ...] = ()
    share: str | None = None


@dataclass(frozen=True)
class Column:
    """One figure column.

    ``aliases`` are headings of an office's workbook, written plain (no diacritics, lower
    case: ``dung thoi han``), after the fillers ("Số hồ sơ", "đã") are taken off;
    ``group_aliases`` name this column only under its group's heading ("Quá hạn" is late
    under "Đã giải quyết", overdue under "Đang giải quyết"). ``split_of``: the column is a
    part of that one, which is the sum of its parts (toàn trình + một phần = trực tuyến).
    """

    key: str
    group: str | None
    label: str                      # default [labels.columns]
    heading: str                    # how a message names its workbook heading
    aliases: tuple[str, ...] = ()
    group_aliases: tuple[str, ...] = ()
    role: str = FLOW
    required: bool = True
    kind: str = COUNT
    whole: Whole | None = None
    split_of: str | None = None

    @property
    def optional(self) -> bool:
        return not self.required


NEW = ("truc_tuyen", "truc_tiep", "buu_chinh")  # files newly received in the period

GROUPS: dict[str, Group] = {g.key: g for g in (
    # searched in this order: the new groups first ("phản ánh ... tiếp nhận" is feedback, not files),
    # "đang giải quyết" before "giải quyết", "đã giải quyết" before "nhận"
    Group("so_hoa", "Số hóa", r"\bso hoa\b"),
    Group("thanh_toan", "Thanh toán", r"\bthanh toan\b|\bco phi\b"),
    Group("danh_gia", "Đánh giá", r"\bdanh gia\b"),
    Group("pakn", "Phản ánh, kiến nghị", r"\b(phan anh|kien nghi|pakn)\b"),
    Group("in_progress", "Số hồ sơ đang giải quyết", r"\bdang (giai quyet|xu ly)\b", total=True),
    Group("resolved", "Số hồ sơ đã giải quyết", r"\b(da giai quyet|giai quyet xong|tra ket qua|da tra)\b", total=True),
    Group("received", "Số hồ sơ nhận giải quyết", r"\b(tiep nhan|nhan giai quyet|nhan)\b", total=True),
    # the appendix's heading over toàn trình / một phần; a workbook's heading names no group by it
    Group("truc_tuyen", "Trong đó trực tuyến", r"(?!)"),
)}
# The group headings reportgen writes (render/to_xlsx.py); with the workspace's own column
# labels ([labels.columns]) under them, sources/workbook.py reads them back whatever the labels say.
GROUP_HEADINGS = {key: group.heading for key, group in GROUPS.items()}

_NEW_NAME = "số hồ sơ mới tiếp nhận (truc_tuyen + truc_tiep + buu_chinh)"
COLUMNS: tuple[Column, ...] = (
    Column("truc_tuyen", "received", "Trực tuyến", "Trực tuyến", ("truc tuyen",)),
    Column("truc_tuyen_toan_trinh", "received", "Toàn trình", "Trực tuyến toàn trình",
           ("truc tuyen toan trinh", "dich vu cong truc tuyen toan trinh", "dvc truc tuyen toan trinh",
            "dvctt toan trinh", "toan trinh"),
           required=False, split_of="truc_tuyen"),
    Column("truc_tuyen_mot_phan", "received", "Một phần", "Trực tuyến một phần",
           ("truc tuyen mot phan", "dich vu cong truc tuyen mot phan", "dvc truc tuyen mot phan",
            "dvctt mot phan", "mot phan"),
           required=False, split_of="truc_tuyen"),
    Column("truc_tiep", "received", "Trực tiếp", "Trực tiếp", ("truc tiep",)),
    Column("buu_chinh", "received", "Bưu chính", "Bưu chính",
           ("buu chinh", "buu chinh cong ich", "dich vu buu chinh", "dich vu buu chinh cong ich")),
    Column("ky_truoc", "received", "Kỳ trước", "Kỳ trước chuyển qua",
           ("ky truoc", "ky truoc chuyen qua", "ky truoc chuyen sang", "tu ky truoc chuyen qua", "ton ky truoc"),
           role=STOCK_START),
    Column("truoc_han", "resolved", "Trước hạn", "Đã giải quyết / Trước hạn", ("truoc han",)),
    Column("dung_han", "resolved", "Đúng hạn", "Đã giải quyết / Đúng hạn", ("dung han", "dung thoi han")),
    Column("qua_han", "resolved", "Quá hạn", "Đã giải quyết / Quá hạn", group_aliases=("qua han",)),
    Column("rut_tra_lai", None, "Rút, trả lại", "Rút, trả lại",
           ("rut tra lai", "tra lai", "rut", "rut ho so", "rut hoac tra lai", "rut va tra lai",
            "cong dan rut ho so", "tra lai ho so", "rut tra lai ho so"),
           required=False,
           whole=Whole(NEW + ("ky_truoc",), "số hồ sơ tiếp nhận chưa giải quyết (tiếp nhận − đã giải quyết)",
                       minus=("truoc_han", "dung_han", "qua_han"))),
    Column("dang_trong_han", "in_progress", "Trong hạn", "Đang giải quyết / Trong hạn",
           ("trong han", "chua den han", "trong thoi han"), role=STOCK_END),
    Column("dang_qua_han", "in_progress", "Quá hạn", "Đang giải quyết / Quá hạn", group_aliases=("qua han",),
           role=STOCK_END),
    Column("so_hoa_dau_vao", "so_hoa", "Đầu vào", "Số hóa / Đầu vào",
           ("so hoa dau vao", "so hoa ho so dau vao", "so hoa khi tiep nhan", "so hoa thanh phan ho so"),
           group_aliases=("dau vao", "ho so dau vao", "khi tiep nhan", "tiep nhan"),
           required=False, whole=Whole(NEW, _NEW_NAME, share="digitised_in_share")),
    Column("so_hoa_ket_qua", "so_hoa", "Kết quả", "Số hóa / Kết quả",
           ("so hoa ket qua", "so hoa ket qua giai quyet", "ket qua duoc so hoa", "so hoa ket qua giai quyet tthc"),
           group_aliases=("ket qua", "ket qua giai quyet"),
           required=False, whole=Whole(("truoc_han", "dung_han", "qua_han"), "số hồ sơ đã giải quyết",
                                       share="digitised_out_share")),
    Column("co_phi", "thanh_toan", "Hồ sơ có phí", "Thanh toán / Hồ sơ có phí",
           ("co phi", "co phi le phi", "co thu phi", "thu phi le phi", "phai nop phi", "co phi, le phi",
            "phat sinh phi le phi", "co phat sinh phi"),
           required=False, whole=Whole(NEW + ("ky_truoc",), "tổng số hồ sơ tiếp nhận")),
    Column("thanh_toan_truc_tuyen", "thanh_toan", "Thanh toán trực tuyến", "Thanh toán / Thanh toán trực tuyến",
           ("thanh toan truc tuyen", "da thanh toan truc tuyen", "nop phi truc tuyen", "thanh toan phi truc tuyen"),
           group_aliases=("truc tuyen",),
           required=False, whole=Whole(("co_phi",), "số hồ sơ có phí (co_phi)", share="payment_share")),
    Column("luot_danh_gia", "danh_gia", "Lượt đánh giá", "Đánh giá / Lượt đánh giá",
           ("luot danh gia", "tong luot danh gia", "so luot danh gia"), group_aliases=("tong so", "luot"),
           required=False),
    Column("hai_long", "danh_gia", "Hài lòng", "Đánh giá / Hài lòng",
           ("hai long", "luot hai long", "danh gia hai long", "rat hai long va hai long", "muc do hai long"),
           required=False, whole=Whole(("luot_danh_gia",), "số lượt đánh giá (luot_danh_gia)",
                                      share="satisfaction_share")),
    Column("chi_so_766", None, "Chỉ số 766", "Chỉ số 766",
           ("chi so 766", "diem chi so 766", "diem 766", "chi so phuc vu", "bo chi so 766",
            "chi so phuc vu nguoi dan doanh nghiep", "chi so 766 diem"),
           role=SCORE, required=False, kind=POINTS),
    Column("pakn_tiep_nhan", "pakn", "Tiếp nhận", "Phản ánh, kiến nghị / Tiếp nhận",
           ("pakn tiep nhan", "phan anh kien nghi tiep nhan", "tiep nhan phan anh kien nghi"),
           group_aliases=("tiep nhan", "da tiep nhan", "tong so"), required=False),
    Column("pakn_da_xu_ly", "pakn", "Đã xử lý", "Phản ánh, kiến nghị / Đã xử lý",
           ("pakn da xu ly", "phan anh kien nghi da xu ly", "da xu ly phan anh kien nghi"),
           group_aliases=("da xu ly", "xu ly", "da giai quyet", "giai quyet"),
           required=False, whole=Whole(("pakn_tiep_nhan",), "số phản ánh, kiến nghị tiếp nhận (pakn_tiep_nhan)")),
)
BY_KEY: dict[str, Column] = {}
KEYS: tuple[str, ...] = ()          # every column, in declaration order
REQUIRED: tuple[str, ...] = ()      # every figures file has them
OPTIONAL: tuple[str, ...] = ()      # the others: a row may leave them empty (not stated)
SPLIT: dict[str, tuple[str, ...]] = {}  # truc_tuyen -> its parts
LABELS: dict[str, str] = {}         # default [labels.columns]


def _index() -> None:
    """The tables the other modules read, made from COLUMNS."""
    global BY_KEY, KEYS, REQUIRED, OPTIONAL, SPLIT, LABELS
    BY_KEY = {c.key: c for c in COLUMNS}
    KEYS = tuple(BY_KEY)
    REQUIRED = tuple(c.key for c in COLUMNS if c.required)
    OPTIONAL = tuple(c.key for c in COLUMNS if c.optional)
    SPLIT = {}
    for column in COLUMNS:
        if column.split_of:
            SPLIT[column.split_of] = SPLIT.get(column.split_of, ()) + (column.key,)
    LABELS = {c.key: c.label for c in COLUMNS}


def declare(*columns: Column) -> None:
    """Add columns to the registry. Only before the modules that read it are imported (they copy
    its tables when imported): a test's subprocess does so; reportgen's own columns are in COLUMNS."""
    global COLUMNS
    COLUMNS = COLUMNS + columns
    _index()


_index()


def required_for(header) -> tuple[str, ...]:
    """The columns a figures file with this header must have: ``truc_tuyen`` may be left out
    when all its parts (toàn trình, một phần) are there, and is then their sum."""
    return tuple(key for key in REQUIRED if not (key in SPLIT and key not in header
                                                 and all(p in header for p in SPLIT[key])))


def appendix_group(column: Column) -> str | None:
    """The group an optional column is written under in the appendix and the workbook: a part
    of a split under its whole's (``truc_tuyen``), else its own group; None: a column alone."""
    return column.split_of or column.group


def in_group(group: str, columns=COLUMNS) -> tuple[str, ...]:
    """The keys of ``group``'s columns that its total adds up, in declaration order."""
    return tuple(c.key for c in columns if c.group == group and not c.split_of and c.required)


RECEIVED = in_group("received")        # received = their sum
RESOLVED = in_group("resolved")        # resolved = their sum
IN_PROGRESS = in_group("in_progress")  # in progress = their sum
COUNTS = REQUIRED                      # the counts every row has (an added column is optional)


def role_of(key: str) -> str:
    """How ``key`` adds up over the quarters of a cumulative period (see the module's note)."""
    return BY_KEY[key].role


@dataclass(frozen=True)
class Share:
    """An indicator computed as a share: ``numerator`` / ``denominator`` (sums of columns or of
    the derived ``new``/``resolved``), with its one rounding rule: ``digits`` decimals of the
    percentage, half up, never reaching 100 % (or a target) it falls short of
    (:func:`reportgen.vi.numbers.share_value`). The body, the appendix, the workbook, the
    notice and the bulletin all write it through this rule (the ``share`` filter)."""

    key: str
    numerator: tuple[str, ...]
    denominator: str
    digits: int
    words: tuple[str, ...] = ()  # plain words of a workbook's "Tỷ lệ ..." heading for this share


SHARES: dict[str, Share] = {s.key: s for s in (
    Share("online_share", ("truc_tuyen",), "new", 1),
    Share("on_time_share", ("truoc_han", "dung_han"), "resolved", 2),
    Share("full_online_share", ("truc_tuyen_toan_trinh",), "new", 1, ("toan trinh",)),
    Share("partial_online_share", ("truc_tuyen_mot_phan",), "new", 1, ("mot phan",)),
    Share("digitised_in_share", ("so_hoa_dau_vao",), "new", 1, ("so hoa",)),
    Share("digitised_out_share", ("so_hoa_ket_qua",), "resolved", 1, ("so hoa",)),
    Share("payment_share", ("thanh_toan_truc_tuyen",), "co_phi", 1, ("thanh toan",)),
    Share("satisfaction_share", ("hai_long",), "luot_danh_gia", 1, ("hai long",)),
)}
SCORE_DIGITS = 2  # the 766 score: "87,35 điểm", as the national portal writes it


def appendix_groups(present, labels: dict[str, str]) -> list[dict]:
    """The appendix's (and workbook's) columns for the optional columns ``present``, grouped as
    they are headed: ``[{"heading": "Số hóa" or None (a column alone, headed by its label),
    "columns": [{"key", "label", "kind"}]}]``, in declaration order; ``labels``: [labels.columns]."""
    groups: list[dict] = []
    for key in (k for k in OPTIONAL if k in present):
        column = BY_KEY[key]
        group = appendix_group(column)
        cell = {"key": key, "label": labels.get(key, column.label), "kind": column.kind}
        if group is not None and groups and groups[-1]["key"] == group:
            groups[-1]["columns"].append(cell)
        else:
            groups.append({"key": group, "heading": GROUPS[group].heading if group else None, "columns": [cell]})
    return groups
