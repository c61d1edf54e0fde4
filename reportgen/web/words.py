"""The clerk's words for what the library names by code: periods, kinds, formats, statuses.

Pages show these; a code appears at most as a secondary hint.
"""

from __future__ import annotations

from reportgen.formats import FORMATS
from reportgen.kinds import KINDS
from reportgen.vi.period_words import period_title
from reportgen.web import meeting_form

BUILD_STATUS = {"built": "đã lập", "unchanged": "không đổi (đã lập từ trước)"}
ARCHIVE_STATUS = {"archived": "đã đưa vào kho", "new-version": "đã đưa vào kho (phiên bản mới)",
                  "unchanged": "đã có trong kho, không đổi", "failed": "không đưa vào kho được",
                  "skipped": "chưa đủ dữ liệu để lập"}


def period_words(code) -> str:
    """A Period (or a result's ``2022-Q2``) -> ``Quý II/2022``, ``6 tháng đầu năm 2026``; a code
    that is no period stays as it is."""
    try:
        return period_title(code)
    except (ValueError, TypeError):
        return str(code)


def kind_words(name: str) -> str:
    """``thong-bao`` -> ``Thông báo kết luận``."""
    kind = KINDS.get(name)
    return (kind.short or kind.title) if kind else name


def file_words(file_name: str) -> str:
    """``tin-tuc.fragment.html`` -> ``Đoạn HTML dán vào Cổng thông tin``; ``bao-cao.pdf`` -> ``PDF``."""
    tail = file_name.split(".", 1)[1] if "." in file_name else file_name
    files = [f for fmt in FORMATS.values() for f in fmt.files]
    files += [f for kind in KINDS.values() for extra in kind.extras for f in extra.files]
    return next((f.words for f in files if f.suffix == tail), tail)


def unit_words(ws, code: str) -> str:
    """A unit's name from units.csv; the code when the unit is unknown."""
    try:
        return str(ws.units.at[code, "ten_don_vi"])
    except (KeyError, AttributeError):
        return code


def _figure_words() -> dict[str, str]:
    """Each figure column in words, under its group as the summary table heads it:
    ``truc_tuyen`` -> ``Số hồ sơ nhận giải quyết / Trực tuyến``."""
    from reportgen import columns as registry

    found = {}
    for column in registry.COLUMNS:
        group = registry.GROUPS.get(column.group) if column.group else None
        found[column.key] = f"{group.heading} / {column.heading.split(' / ')[-1]}" if group else column.heading
    return found


COLUMN_WORDS = {
    **_figure_words(), **meeting_form.LABELS,
    "ky": "Kỳ báo cáo", "ma_don_vi": "Mã đơn vị", "ten_don_vi": "Tên đơn vị", "cap": "Cấp",
    "ma_cap_tren": "Mã đơn vị cấp trên", "ngay_thanh_lap": "Ngày thành lập",
    "anh.tep": "Tệp ảnh", "anh": "Ảnh", "chu_tri": "Người chủ trì", "khen_thuong": "Khen thưởng",
    "tac_gia": "Tác giả", "thao_luan": "Thảo luận", "thao_luan.con_nua": "Còn ý kiến thảo luận khác",
    "don_vi": "Đơn vị", "ngay": "Ngày họp",
}


def column_words(column: str) -> str:
    """A column (or a file's key) in words: ``truc_tuyen`` -> ``Số hồ sơ nhận giải quyết / Trực
    tuyến``, ``chi_dao.0.thoi_han`` -> ``Thời hạn thực hiện``, ``ky, ma_don_vi`` -> ``Kỳ báo cáo,
    Mã đơn vị``; a column it does not know stays as it is. The key itself is the hint beside it."""
    parts = [part.strip() for part in str(column).split(",")]
    meanings = [COLUMN_WORDS.get(".".join(p for p in part.split(".") if not p.isdigit()), part) for part in parts]
    return ", ".join(meanings)


def time_words(moment) -> str:
    """A moment as the clerk reads it, in the server's time: ``14 giờ 05 phút, ngày 07/12/2026``."""
    if getattr(moment, "tzinfo", None) is not None:
        moment = moment.astimezone()
    return f"{moment.hour} giờ {moment.minute:02d} phút, ngày {moment:%d/%m/%Y}"


def archive_reason(reason: str | None) -> str | None:
    """Why a document was not archived, as the clerk is told it on the page: what to do there,
    not a path on the server or a command to type (``archive/built``'s messages are the CLI's)."""
    from reportgen.archive.built import NOT_BUILT, RERUN

    if reason and reason.startswith(NOT_BUILT + ":"):
        return f"{NOT_BUILT}: hãy lập văn bản ở trang Lập văn bản trước khi lưu trữ"
    if reason and reason.endswith(RERUN):
        return reason[:-len(RERUN)] + "hãy lập lại văn bản ở trang Lập văn bản rồi lưu trữ"
    return reason


def count_words(n: int) -> str:
    """``4792`` -> ``4.792``: a count as Vietnamese writes it."""
    return f"{int(n):,}".replace(",", ".")


def date_words(text: str) -> str:
    """``2022-03-09`` or ``2026-12-07T13:56:56+00:00`` -> ``09/03/2022``; other text as it is."""
    import datetime as dt
    try:
        return f"{dt.date.fromisoformat(str(text)[:10]):%d/%m/%Y}"
    except ValueError:
        return str(text)


FILTERS = {"ngay": date_words, "so": count_words, "ky": period_words, "van_ban": kind_words, "tep": file_words,
           "cot": column_words, "ly_do_luu_tru": archive_reason}
