"""The context handed to the document templates, typed: every name a template may use.

Builders (:mod:`reportgen.kinds`) make plain dicts of these shapes, so templates, the
workbook writer and the archive read them with ``ctx["doc"]["subject"]`` or
``doc.subject`` alike; tests/test_context_types.py checks every sample document's context
against these declarations key by key, and docs/templates.md documents them.
Numbers stay numbers (the ``vi`` filters format them in the templates); a share is a
ratio 0..1 or None when there is nothing to divide by.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from reportgen.periods import Period


class Unit(TypedDict):
    code: str           # "TM"
    name: str           # "Huyện Tháp Mười"
    name_lower: str     # "huyện Tháp Mười" (the level word in lower case, for running text)
    level: str          # "huyen" (schema.LEVELS)
    level_label: str    # "cấp huyện" ([labels] levels)
    level_word: str     # "huyện"; "" when the name has none
    place: str          # "Tháp Mười" (the date line's place)
    has_below: bool     # units.csv has units under it (a district, a province)
    office: str         # its own office in running text ([labels.office]): "Trung tâm Phục vụ hành chính công phường"


class Counts(TypedDict):
    """The counts of figures/*.csv and the figures derived from them (indicators.py)."""

    truc_tuyen: int
    truc_tiep: int
    buu_chinh: int
    ky_truoc: int
    truoc_han: int
    dung_han: int
    qua_han: int
    dang_trong_han: int
    dang_qua_han: int
    new: int
    received: int
    resolved: int
    in_progress: int
    online_share: float | None
    on_time_share: float | None
    # optional columns (reportgen.columns): None where the figures do not give them (for a
    # level or a total: unless every unit gives them; a score only for a single unit)
    truc_tuyen_toan_trinh: int | None
    truc_tuyen_mot_phan: int | None
    rut_tra_lai: int | None
    so_hoa_dau_vao: int | None
    so_hoa_ket_qua: int | None
    co_phi: int | None
    thanh_toan_truc_tuyen: int | None
    luot_danh_gia: int | None
    hai_long: int | None
    chi_so_766: float | None   # score out of 100
    pakn_tiep_nhan: int | None
    pakn_da_xu_ly: int | None
    # their shares (reportgen.columns.SHARES), None without the columns or with nothing to divide by
    full_online_share: float | None     # toàn trình / files newly received (the dashboard's headline)
    partial_online_share: float | None  # một phần / files newly received
    digitised_in_share: float | None    # so_hoa_dau_vao / files newly received
    digitised_out_share: float | None   # so_hoa_ket_qua / files resolved
    payment_share: float | None         # thanh_toan_truc_tuyen / co_phi
    satisfaction_share: float | None    # hai_long / luot_danh_gia


class LevelTotals(Counts):
    units_reporting: int


class UnitFigures(Counts):
    code: str
    name: str
    row_name: str       # the appendix's row: the unit's own office is named by [labels.own_office]


class NamedShare(TypedDict):
    name: str
    name_lower: str
    share: float


class NamedScore(TypedDict):
    name: str
    name_lower: str
    score: float


class NamedCount(TypedDict):
    name: str
    name_lower: str
    count: int


class Change(TypedDict):
    """The level's figures in another period (the previous period of the same length, the same
    period a year before)."""

    truc_tuyen: int | None
    buu_chinh: int | None
    received: int | None
    online_share: float | None
    on_time_share: float | None
    period: Period
    available: bool
    reason: str | None  # None, "no_data", "different_units" or "founded" (it ended before the units were founded)
    founded: dt.date | None  # with reason "founded": the day the level's figures count from


class Level(TypedDict):
    key: str                       # "huyen"
    label: str                     # "cấp huyện"
    name: str                      # in sentences: the label, or the unit's name ("phường Long Xuyên")
                                   # when the document covers that unit alone
    own: bool                      # the document's own unit's level
    totals: LevelTotals
    units: list[UnitFigures]
    missing_units: list[str]       # names of the level's units without figures
    ranked_online: list[NamedShare]
    ranked_766: list[NamedScore]   # the level's units by 766 score, highest first (3 or more units
                                   # below the document's own level with a score; else empty)
    below_online: list[NamedShare]
    below_on_time: list[NamedShare]
    late: list[NamedCount]         # units with files resolved late (qua_han)
    overdue: list[NamedCount]      # units with files in progress past their deadline
    online_target: float | None
    on_time_target: float | None
    previous: Change
    year_before: Change


class ExtraColumn(TypedDict):
    key: str                       # "so_hoa_dau_vao"
    label: str                     # [labels.columns]: "Đầu vào"
    kind: str                      # "count" or "score"


class ExtraGroup(TypedDict):
    key: str | None                # "so_hoa"; None: a column alone
    heading: str | None            # "Số hóa"; None: the column is headed by its label alone
    columns: list[ExtraColumn]


class Cutoff(TypedDict):
    start: dt.date
    end: dt.date


class FieldFigures(Counts):
    name: str                      # "Đất đai", as the fields' list writes it
    name_lower: str                # "đất đai", for running text


class FieldTable(TypedDict):
    """The document's figures by field of procedure (context.fields_table)."""

    rows: list[FieldFigures]       # one per field, summed over the units that give fields, in the fields' order
    alone: bool                    # the document covers one unit: its appendix is this table
    units: int                     # how many of its units give fields
    unclassified: Counts | None    # the units that give totals only, together ("chưa phân theo lĩnh vực")
    unclassified_units: list[str]  # their names
    total: Counts                  # the document's total (fig.total)
    late: list[NamedCount]         # fields with files resolved late, the most first
    overdue: list[NamedCount]      # fields with files in progress past their deadline, the most first
    without_delay: int             # how many fields have neither
    extra_groups: list[ExtraGroup]   # the optional columns some field gives, as fig.extra_groups
    extra_columns: list[ExtraColumn]


class Figures(TypedDict):
    period: Period
    next_period: Period
    previous_period: Period
    year_before: Period
    cutoff: Cutoff
    levels: list[Level]            # levels with figures, highest first
    level: dict[str, Level]        # the same, by key
    missing_levels: list[str]      # names of units of levels without any figures
    all_targets_met: bool
    total: Counts
    present: list[str]             # optional columns some unit of the document gives (reportgen.columns)
    extra_groups: list[ExtraGroup]   # their appendix (and workbook) columns, grouped under their headings
    extra_columns: list[ExtraColumn]  # the same columns, in order
    fields: FieldTable | None      # by field of procedure, when a unit of the document gives fields


class PrintedIssuer(TypedDict):
    parent: str | None
    lines: list[str]
    name: str


class Signature(TypedDict):
    name: str
    title: str
    authority: str | None


class Margins(TypedDict):
    top: float
    bottom: float
    left: float
    right: float


class Doc(TypedDict):
    """The Decree 30 frame of a document (context.document_frame; macros.html.j2)."""

    kind: str
    issuer: PrintedIssuer
    number: int | None
    symbol: str
    place: str
    date: dt.date
    type: str
    subject: str
    signature: Signature
    recipients: list[str]
    archive: str
    margins: Margins


class BulletinDoc(TypedDict):
    kind: str
    subject: str
    date: dt.date
    margins: Margins


class News(TypedDict):
    all_on_time: bool  # every level resolved files, all early or on time (the report's 100%)
    honorific: str     # the chair's at first mention: "bà", "ông" or "đồng chí" ([news] honorific)
    dates: str         # "news" ("Sáng 16/12") or "document" ("Sáng ngày 16 tháng 12 năm 2025")
    byline: str        # the author's unit: tac_gia.don_vi, else [news.byline] of the unit's level


class Common(TypedDict):
    unit: Unit
    fig: Figures
    meeting: dict[str, Any] | None   # the meeting file (schema.Meeting), as read
    labels: dict[str, Any]           # [labels] of reportgen.toml (schema.Labels)


class OwnText(TypedDict):
    """The office's own text of a report by section (noi-dung/*.yaml, else the defaults of
    reportgen.toml): paragraphs, placeholders replaced; [] where nothing is given."""

    chi_dao_dieu_hanh: list[str]   # I. 1 (empty: the meeting's ket_qua, else the template's sentence)
    cong_khai: list[str]           # I. 2 a) publication and disclosure of procedures
    ra_soat: list[str]             # I. 2 b) review and simplification
    phan_anh_kien_nghi: list[str]  # I. 2 c) feedback on administrative rules received and handled
    ton_tai: list[str]             # II. shortcomings, after those the figures show
    nguyen_nhan: list[str]         # II. causes
    nhiem_vu: list[str]            # III. tasks for the next period
    de_xuat: list[str]             # IV. proposals


class ReportContext(Common):
    doc: Doc
    text: OwnText
    tasks: list[str]                 # text.nhiem_vu (the name older templates use)
    chart: str | None                # the chart's file name, None without a chart
    units_named_max: int             # reportgen.toml units_named_max: units a sentence names at most


class NoticeContext(Common):
    doc: Doc
    reporter: str  # who reported to the meeting: bao_cao_boi, else the office
    units_named_max: int  # reportgen.toml units_named_max: units a sentence names at most


class BulletinContext(Common):
    doc: BulletinDoc
    news: News
    headline: str
    photo: str | None  # the photo's file name among the document's assets (anh.tep), or None


__all__ = ["Common", "OwnText", "ReportContext", "NoticeContext", "BulletinContext", "Doc", "BulletinDoc", "Unit",
           "Figures", "Level", "Counts", "LevelTotals", "UnitFigures", "Change", "News"]
