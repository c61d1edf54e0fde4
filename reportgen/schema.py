"""The shape of the workspace's structured files: ``reportgen.toml`` and meeting YAML.

Pydantic models with ``extra="forbid"`` so a misspelt key is reported, not ignored.
Every term that the law changes (labels of levels and indicators, targets) lives here as
configuration with a default, never in code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    field_validator,
    model_validator,
)

from reportgen.columns import KEYS as COLUMN_KEYS
from reportgen.columns import LABELS as COLUMN_LABELS
from reportgen.page import DEFAULT_MARGINS
from reportgen.periods import PERIOD_FORMAT_MESSAGE, Period

LEVELS = ("tinh", "huyen", "xa")  # the levels of units, highest first
LEVEL_LABELS = {"tinh": "cấp tỉnh", "huyen": "cấp huyện", "xa": "cấp xã"}  # default [labels] levels
DEFAULT_ON_TIME_TARGET = 0.98  # the on-time share every level must pass unless [targets] says otherwise


def _period(value) -> Period:
    if isinstance(value, Period):
        return value
    try:
        return Period.parse(value)
    except ValueError:
        raise ValueError(PERIOD_FORMAT_MESSAGE) from None


# A period in reportgen.toml or a meeting file: parsed once, written back in its canonical spelling
PeriodValue = Annotated[Period, PlainValidator(_period), PlainSerializer(str, return_type=str)]


def known_levels(value: dict) -> dict:
    """``value`` whose keys are levels (schema.LEVELS), or the error naming the others."""
    unknown = sorted(set(value) - set(LEVELS))
    if unknown:
        raise ValueError(f"cấp không có: {', '.join(unknown)}; các cấp: {', '.join(LEVELS)}")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Page(Strict):
    """Margins in millimetres, within the ranges of Decree 30, Appendix I."""

    top: float = Field(DEFAULT_MARGINS.top, ge=20, le=25)
    bottom: float = Field(DEFAULT_MARGINS.bottom, ge=20, le=25)
    left: float = Field(DEFAULT_MARGINS.left, ge=30, le=35)
    right: float = Field(DEFAULT_MARGINS.right, ge=15, le=20)


class Signer(Strict):
    """Who signs a kind of document, with the authority prefix (TM., KT., TL. ...)."""

    name: str
    title: str
    authority: str | None = None


class Issuer(Strict):
    """How one kind of document is issued.

    ``{don_vi}`` in ``body`` / ``parent`` is replaced with the unit's name in upper case,
    e.g. ``HUYỆN THÁP MƯỜI``; in ``name`` with the name in running text, ``huyện Tháp Mười``.
    """

    parent: str | None = None
    body: list[str] = ["ỦY BAN NHÂN DÂN", "{don_vi}"]
    name: str = "Ủy ban nhân dân {don_vi}"  # in running text; {don_vi} = "huyện Tháp Mười"
    symbol: str = "BC-UBND"
    number: int | None = Field(default=None, ge=1)
    recipients: list[str] = []
    archive: str = "VT"
    signer: Signer | None = None
    subject: str | None = None
    # who issues a kind that may be issued two ways (the notice, Decree 30, art. 13):
    # "committee", the People's Committee (its header, .../TB-UBND, signed "TL. CHỦ TỊCH" by
    # the office head) or "office", the office in its own name (its header and number, signed
    # by its head or "KT." by a deputy); unset: read from ``body``, else the level's default.
    # The keys left out take that form's values (reportgen.kinds.kind.Kind.issuer_for).
    issued_by: Literal["committee", "office"] | None = None
    # a body a task (chi_dao.don_vi) names that is neither a recipient nor the issuer:
    # "add" it to "Nơi nhận", or "warn" (validate) and leave the list as configured
    task_recipients: Literal["add", "warn"] = "add"


def header_form(issuer: Issuer) -> str:
    """``committee`` when the header is the People's Committee's ("ỦY BAN NHÂN DÂN" first),
    else ``office``."""
    first = issuer.body[0].upper() if issuer.body else ""
    return "committee" if first.startswith(("ỦY BAN NHÂN DÂN", "UBND")) else "office"


class Labels(Strict):
    """Terms that change with the law (Decree 42/2022, the 2025 two-tier reform)."""

    levels: dict[str, str] = dict(LEVEL_LABELS)
    online_services: str = "dịch vụ công trực tuyến"
    postal_service: str = "dịch vụ bưu chính công ích"
    # the appendix row of a unit's own office when levels below it are listed too (so it is
    # not read as the total); {cap}: the unit's level word, {don_vi}: its name in running text
    # (a level left out keeps the unit's name, as the district of the 2022 sample does)
    own_office: dict[str, str] = {"tinh": "Trung tâm Phục vụ hành chính công {cap}"}
    # the name of a unit's own office that receives and returns files, per level, in running
    # text ({mot_cua} in the report's own text): since Decree 118/2025 each commune, ward and
    # special zone has its own public administration service centre; {cap}, {don_vi} as above
    office: dict[str, str] = {"tinh": "Trung tâm Phục vụ hành chính công {cap}",
                              "huyen": "Bộ phận Một cửa {cap}",
                              "xa": "Trung tâm Phục vụ hành chính công {cap}"}
    columns: dict[str, str] = dict(COLUMN_LABELS)  # reportgen.columns: every column's default label

    @field_validator("columns")
    @classmethod
    def _all_columns(cls, value: dict[str, str]) -> dict[str, str]:
        """A partial [labels.columns] keeps the default label of every column it leaves out."""
        defaults = cls.model_fields["columns"].default
        unknown = sorted(set(value) - set(defaults))
        if unknown:
            raise ValueError(f"cột không có: {', '.join(unknown)}; các cột: {', '.join(defaults)}")
        return {**defaults, **value}

    @field_validator("office")
    @classmethod
    def _every_level(cls, value: dict[str, str]) -> dict[str, str]:
        """A partial [labels.office] keeps the default name of every level it leaves out."""
        return {**cls.model_fields["office"].default, **known_levels(value)}


class Targets(Strict):
    """Targets as ratios 0..1; ``online_share`` and ``on_time_share`` per level."""

    on_time_share: dict[str, float] = {"huyen": DEFAULT_ON_TIME_TARGET, "xa": DEFAULT_ON_TIME_TARGET}
    online_share: dict[str, float] = {}

    @field_validator("on_time_share", "online_share")
    @classmethod
    def _ratios(cls, value: dict[str, float]) -> dict[str, float]:
        for level, ratio in value.items():
            if not 0 <= ratio <= 1:
                raise ValueError(f"{level}: tỷ lệ phải từ 0 đến 1, ví dụ 0.98")
        return value


SOURCE_FIELDS = ("ky", "ma_don_vi", "ten_don_vi", "linh_vuc", "stt", "bo_qua", *COLUMN_KEYS)


class Sources(Strict):
    """How figure files are read: the Excel sheet, the period of workbooks that do not
    state it, and headings of the office's workbook mapped to fields (``bo_qua``: ignore)."""

    excel_sheet: str | None = None
    ky: PeriodValue | None = None
    columns: dict[str, str] = {}
    # a by-field workbook (figures/<name>.xlsx) -> the unit it belongs to, when its title does not say
    don_vi: dict[str, str] = {}

    @field_validator("columns")
    @classmethod
    def _fields(cls, value: dict[str, str]) -> dict[str, str]:
        for heading, name in value.items():
            if name not in SOURCE_FIELDS:
                raise ValueError(f"{heading!r} = {name!r}: trường phải là một trong: {', '.join(SOURCE_FIELDS)}")
        return value


MB = 1024 * 1024
# Checked before reportgen.toml is read, so it cannot be raised there.
CONFIG_FILE_BYTES = 1 * MB
# Lines of errors shown at most; the rest are counted (InvalidInput.omitted).
MAX_PROBLEMS = 200
# Nesting of a meeting file, and the values its aliases may add once expanded (each use of
# an alias counts the values of what it names).
YAML_MAX_DEPTH = 50
YAML_MAX_NODES = 100_000
# Meeting dates: from the period's first day to this many months after its last day.
MEETING_MONTHS_AFTER = 3
# A direction's deadline (chi_dao.thoi_han): up to this many months after the period.
DEADLINE_MONTHS_AFTER = 24
# The longest name the documents are laid out for (the notice's header block).
NAME_CHARS_MAX = 100
# Plausible years of a period (figures rows, meeting files): the first one, and how many
# years after the current one the last is (limits.first_year, limits.last_year).
FIRST_YEAR = 2000
YEARS_AHEAD = 1


class Limits(Strict):
    """Bounds on what a workspace may hold; a file or value beyond them is an error."""

    meeting_file_mb: float = Field(1, gt=0, le=100)
    figures_file_mb: float = Field(10, gt=0, le=1000)  # each file of figures/, and units.csv
    name_chars: int = Field(NAME_CHARS_MAX, ge=10, le=NAME_CHARS_MAX)
    max_count: int = Field(10_000_000, ge=1, le=10**12)
    photo_file_mb: float = Field(20, gt=0, le=200)  # a meeting's photo (anh.tep)
    # the years a period may have; last_year unset: the current year + YEARS_AHEAD
    first_year: int = Field(FIRST_YEAR, ge=1000, le=9000)
    last_year: int | None = Field(None, ge=1000, le=9000)

    @model_validator(mode="after")
    def _years_in_order(self) -> "Limits":
        if self.last_year is not None and self.last_year < self.first_year:
            raise ValueError(f"last_year ({self.last_year}) phải từ first_year ({self.first_year}) trở đi")
        return self

    @property
    def years(self) -> tuple[int, int]:
        """The first and last plausible year of a period."""
        last = self.last_year if self.last_year is not None else dt.date.today().year + YEARS_AHEAD
        return self.first_year, max(last, self.first_year)

    def period_problem(self, period: Period, what: str = "kỳ") -> str | None:
        """Why ``period`` is not plausible (its year outside :attr:`years`), or None."""
        first, last = self.years
        if first <= period.year <= last:
            return None
        return (f"{what} ngoài khoảng hợp lý: cần năm từ {first} đến {last} "
                "(đặt [limits] first_year, last_year trong reportgen.toml để đổi)")

    @property
    def meeting_bytes(self) -> int:
        return int(self.meeting_file_mb * MB)

    @property
    def figures_bytes(self) -> int:
        return int(self.figures_file_mb * MB)

    @property
    def photo_bytes(self) -> int:
        return int(self.photo_file_mb * MB)


class Cutoff(Strict):
    """The window of a quarter's figures: Decree 09/2019/ND-CP, art. 12 by default (day 15
    of the month before the quarter to day 14 of its last month).

    ``ngay_chot``: the day of the quarter's last month the window ends on (31: the month's
    last day, the calendar quarter); it starts the day after the same day three months
    earlier. ``so_lieu_den``: the day the figures were actually taken, by period
    (``"2022-Q1" = 2022-03-08``); a meeting file's ``so_lieu_den`` comes first.
    """

    ngay_chot: int = Field(14, ge=1, le=31)
    so_lieu_den: dict[PeriodValue, dt.date] = {}


# [periods]: the reports a quarter's end may produce (a report ends with its quarter)
REPORTS_AT = {"Q1": ("Q1",), "Q2": ("Q2", "6T"), "Q3": ("Q3", "9T"), "Q4": ("Q4", "NAM")}
_REPORT_QUARTERS = {"Q1": (1, 1), "Q2": (2, 2), "Q3": (3, 3), "Q4": (4, 4), "6T": (1, 2), "9T": (1, 3), "NAM": (1, 4)}


def _report_spelling(value: str) -> str:
    text = str(value).strip().upper()
    return "NAM" if text in ("NĂM", "NAM") else text


# the bulletin's byline unit by level when the meeting file's tac_gia.don_vi does not give it
# ({don_vi}: the unit's name in running text); two tiers since July 2025, so no district body
DEFAULT_BYLINE = {"tinh": "Văn phòng UBND {don_vi}", "huyen": "UBND {don_vi}", "xa": "UBND {don_vi}"}


class News(Strict):
    """How the news bulletin (tin-tuc) writes people, dates and its byline."""

    # the chair at first mention: the meeting file's danh_xung (bà/ông) or "đồng chí"
    honorific: Literal["danh_xung", "dong_chi"] = "danh_xung"
    # "news": "Sáng 16/12"; "document": "Sáng ngày 16 tháng 12 năm 2025"
    dates: Literal["news", "document"] = "news"
    byline: dict[str, str] = dict(DEFAULT_BYLINE)

    @field_validator("byline")
    @classmethod
    def _levels(cls, value: dict[str, str]) -> dict[str, str]:
        """A partial [news.byline] keeps the default of every level it leaves out."""
        unknown = sorted(set(value) - set(LEVELS))
        if unknown:
            raise ValueError(f"cấp không có: {', '.join(unknown)}; các cấp: {', '.join(LEVELS)}")
        return {**DEFAULT_BYLINE, **value}


# The report's own text (noi-dung/*.yaml, and [noi_dung] defaults of reportgen.toml): each
# section is a list of paragraphs (or list items) written by the office; these names may
# stand in them for the unit's words.
TEXT_PLACEHOLDERS = {"{don_vi}": "the unit's name in running text (phường Long Xuyên)",
                     "{mot_cua}": "its own office ([labels.office] of its level)"}
TEXT_ITEM_CHARS = 5000  # the longest paragraph of the report's own text


def _paragraph(item: str) -> str:
    """A paragraph of the report's own text: not empty, bounded, only known placeholders."""
    if not item.strip():
        raise ValueError("đoạn văn trống: viết nội dung hoặc xóa dòng đó")
    if len(item) > TEXT_ITEM_CHARS:
        raise ValueError(f"đoạn văn quá dài: {len(item)} ký tự, tối đa {TEXT_ITEM_CHARS}")
    unknown = sorted(set(re.findall(r"\{[^{}]*\}", item)) - set(TEXT_PLACEHOLDERS))
    if unknown:
        raise ValueError(f"chỗ thay không có: {', '.join(unknown)}; chỉ dùng được {', '.join(TEXT_PLACEHOLDERS)}")
    return item


def _one_or_many(value):
    """One text stands for a list of one."""
    return [value] if isinstance(value, str) else value


Paragraphs = Annotated[list[Annotated[str, AfterValidator(_paragraph)]], BeforeValidator(_one_or_many)]


class SectionTexts(Strict):
    """The office's own text of a report, by section (bao-cao-2026.md §3); empty: not given.

    I. 1 ``chi_dao_dieu_hanh``; I. 2 ``cong_khai``, ``ra_soat``, ``phan_anh_kien_nghi``
    (control of procedures: publication and disclosure, review and simplification, feedback
    received and handled); II ``ton_tai``, ``nguyen_nhan``; III ``nhiem_vu``; IV ``de_xuat``.
    """

    chi_dao_dieu_hanh: Paragraphs = []
    cong_khai: Paragraphs = []
    ra_soat: Paragraphs = []
    phan_anh_kien_nghi: Paragraphs = []
    ton_tai: Paragraphs = []
    nguyen_nhan: Paragraphs = []
    nhiem_vu: Paragraphs = []
    de_xuat: Paragraphs = []


SECTION_KEYS = tuple(SectionTexts.model_fields)


class ReportText(SectionTexts):
    """One unit's own text for one period's report (``noi-dung/*.yaml``)."""

    don_vi: str
    ky: PeriodValue


class TextDefaults(Strict):
    """``[noi_dung]`` of reportgen.toml: section texts for a unit without its own file,
    per level (``[noi_dung.cap.xa]``) and per unit (``[noi_dung.don_vi.AG-LX]``)."""

    cap: dict[str, SectionTexts] = {}
    don_vi: dict[str, SectionTexts] = {}

    @field_validator("cap")
    @classmethod
    def _levels(cls, value: dict[str, SectionTexts]) -> dict[str, SectionTexts]:
        return known_levels(value)


class Fields(Strict):
    """``[linh_vuc]``: the workspace's own fields of procedure, in the order its tables list them,
    before the usual ones reportgen ships (reportgen/linh-vuc.txt)."""

    thu_tu: list[Annotated[str, Field(min_length=1, max_length=NAME_CHARS_MAX)]] = []


class Config(Strict):
    """The whole of ``reportgen.toml``."""

    province: str = ""
    page: Page = Page()
    labels: Labels = Labels()
    targets: Targets = Targets()
    sources: Sources = Sources()
    linh_vuc: Fields = Fields()
    limits: Limits = Limits()
    issuers: dict[str, Issuer] = {}
    signers: dict[str, dict[str, Signer]] = {}
    # the next period's tasks of the workspace's highest unit (a unit without ma_cap_tren);
    # other units take [noi_dung] (see TextDefaults)
    tasks_next_quarter: Paragraphs = []
    noi_dung: TextDefaults = TextDefaults()
    # a report names at most this many units in a sentence (those with the most late files,
    # the lowest shares); the others are counted and left to the appendix, which lists all
    units_named_max: int = Field(10, ge=1, le=1000)
    cutoff: Cutoff = Cutoff()
    news: News = News()
    # which report each quarter's end produces: {"Q2": ["6T"], "Q4": ["NAM"]}; empty: each quarter's own
    periods: dict[str, list[str]] = {}

    @field_validator("periods", mode="before")
    @classmethod
    def _reports(cls, value):
        if not isinstance(value, dict):
            return value
        out = {}
        for key, reports in value.items():
            quarter = str(key).strip().upper()
            if quarter not in REPORTS_AT:
                raise ValueError(f"{key!r}: khóa phải là Q1, Q2, Q3 hoặc Q4 (quý kết thúc kỳ báo cáo)")
            spelled = [_report_spelling(r) for r in ([reports] if isinstance(reports, str) else reports)]
            for report in spelled:
                if report not in REPORTS_AT[quarter]:
                    raise ValueError(f"{key} = {report!r}: hết {quarter} chỉ lập được "
                                     f"{' hoặc '.join(REPORTS_AT[quarter])}")
            out[quarter] = list(dict.fromkeys(spelled))
        return out

    def reports_at(self, quarter: Period) -> list[Period]:
        """The reports the end of ``quarter`` produces: ``[periods]``, else the quarter itself."""
        if not self.periods:
            return [quarter]
        return [Period(quarter.year, *_REPORT_QUARTERS[r]) for r in self.periods.get(f"Q{quarter.quarter}", [])]


class Person(Strict):
    ho_ten: str
    danh_xung: Literal["bà", "ông"]
    chuc_vu: str

    @field_validator("danh_xung", mode="before")
    @classmethod
    def _lower(cls, value):
        return value.lower() if isinstance(value, str) else value


class Direction(Strict):
    noi_dung: str
    don_vi: str | None = None
    thoi_han: dt.date | None = None


class Commendation(Strict):
    hinh_thuc: str = "Giấy khen"
    tap_the: int = Field(0, ge=0, le=100_000)
    ca_nhan: int = Field(0, ge=0, le=100_000)
    noi_dung: str = ""


class Author(Strict):
    ho_ten: str
    don_vi: str | None = None  # the byline's unit; unset: [news.byline] of the unit's level


class Photo(Strict):
    """The bulletin's photo: the JPEG or PNG file, a path relative to the workspace
    (``anh/hop-quy-1.jpg``), its caption and who took it. The caption is printed only with
    the photo; without ``chu_thich`` it is "Quang cảnh <cuộc họp|hội nghị>"."""

    chu_thich: str | None = None
    tep: str | None = None
    tac_gia: str | None = None  # the credit under the caption: "Ảnh: <tac_gia>"


class Discussion(Strict):
    noi_dung: list[str] = Field(min_length=1)
    con_nua: bool = True


class Meeting(Strict):
    """One quarterly review meeting (``meetings/*.yaml``)."""

    don_vi: str
    ky: PeriodValue
    ngay: dt.date
    buoi: Literal["sang", "chieu", "toi"]

    @field_validator("buoi", mode="before")
    @classmethod
    def _part_of_day(cls, value):
        spelled = {"sáng": "sang", "chiều": "chieu", "tối": "toi"}
        return spelled.get(value.lower(), value.lower()) if isinstance(value, str) else value
    chu_tri: Person
    # what the documents call it: "cuộc họp" (a meeting) or "hội nghị" (a conference)
    loai_hop: Literal["cuộc họp", "hội nghị"] = "cuộc họp"

    @field_validator("loai_hop", mode="before")
    @classmethod
    def _kind_of_meeting(cls, value):
        spelled = {"cuoc hop": "cuộc họp", "cuoc-hop": "cuộc họp", "hoi nghi": "hội nghị", "hoi-nghi": "hội nghị"}
        return spelled.get(value.lower(), value.lower()) if isinstance(value, str) else value
    thanh_phan: list[str] = Field(min_length=1)
    ket_qua: list[str] = []
    thao_luan: Discussion
    chi_dao: list[Direction] = Field(min_length=1)
    khen_thuong: Commendation | None = None
    anh: Photo | None = None
    nguyen_nhan: list[str] = []
    han_che: list[str] = []  # shortcomings the meeting named (the notice's assessment states them)
    nhiem_vu: list[str] = []
    tac_gia: Author
    bao_cao_boi: str | None = None
    ngay_thong_bao: dt.date | None = None
    ngay_bao_cao: dt.date | None = None
    so_lieu_den: dt.date | None = None  # the day the report's figures were taken
