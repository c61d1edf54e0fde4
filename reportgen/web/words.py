"""The clerk's words for what the library names by code: periods, kinds, formats, statuses.

Pages show these; a code appears at most as a secondary hint.
"""

from __future__ import annotations

from reportgen.formats import FORMATS
from reportgen.kinds import KINDS
from reportgen.vi.period_words import period_title

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


COLUMN_WORDS = {"truc_tuyen": "Trực tuyến", "truc_tiep": "Trực tiếp", "buu_chinh": "Bưu chính công ích",
                "ky_truoc": "Kỳ trước chuyển qua", "truoc_han": "Đã giải quyết trước hạn",
                "dung_han": "Đã giải quyết đúng hạn", "qua_han": "Đã giải quyết quá hạn",
                "dang_trong_han": "Đang giải quyết trong hạn", "dang_qua_han": "Đang giải quyết quá hạn",
                "ky": "Kỳ", "ma_don_vi": "Mã đơn vị", "ten_don_vi": "Tên đơn vị", "anh.tep": "Ảnh (tệp)",
                "ngay": "Ngày họp", "don_vi": "Đơn vị", "chu_tri.ho_ten": "Người chủ trì",
                "tac_gia.ho_ten": "Tác giả", "so_lieu_den": "Số liệu tính đến ngày",
                "ngay_bao_cao": "Ngày báo cáo", "ngay_thong_bao": "Ngày thông báo"}


def column_words(column: str) -> str:
    """A column as the file writes it, with its meaning when that is a code: ``truc_tuyen (Trực tuyến)``."""
    meaning = COLUMN_WORDS.get(column)
    return f"{column} ({meaning})" if meaning else column


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


FILTERS = {"ngay": date_words, "so": count_words, "ky": period_words, "van_ban": kind_words, "tep": file_words, "cot": column_words}
