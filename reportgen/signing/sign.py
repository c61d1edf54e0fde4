"""Sign a document reportgen built: the signer's signature, then the office's number, date and seal.

``sign(request)`` writes ``<kind>.signed.pdf`` beside the input (or ``request.output``) and
never changes the input. Each step is an incremental update (PAdES baseline B-B, or B-T with
a time-stamp server), so what was signed before stays valid:

1. ``role="signer"``: the empty number/date fields, then the signer's certification
   signature with DocMDP level 2 (form filling and signing allowed afterwards), its
   appearance the image of the handwritten signature in the signature space.
2. ``role="office"``: a revision that fills the number and date (form filling: permitted by
   level 2), then the body's approval signature, its appearance the red seal over the left
   third of the signer's signature with the body's name and the signing time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from reportgen.errors import Problem
from reportgen.files import write_atomic
from reportgen.signing import appearance, fields
from reportgen.signing.keys import KeySource, check_certificate, open_signer, refuse, subject_name
from reportgen.signing.locate import find_layout, text_width

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SIGNER_FIELD, OFFICE_FIELD = "chu_ky_nguoi_ky", "chu_ky_co_quan"
SEAL_SIZE = 100.0  # points: a 35 mm seal, the size of a People's Committee's (Decree 99/2016)
INFO_SIZE = 10.0  # Times New Roman 10, upright, black (Decree 30, Appendix I)


@dataclass(frozen=True)
class SignRequest:
    pdf: Path
    role: str  # "signer" or "office"
    key: KeySource
    output: Path | None = None
    signature_image: Path | None = None
    seal_image: Path | None = None
    number: int | None = None
    on: date | None = None
    tsa_url: str | None = None
    archive_root: Path | None = None
    now: datetime | None = None  # the signing time (tests); the clock otherwise


@dataclass
class Signed:
    path: Path
    signer: str
    time: datetime
    warnings: list[Problem] = field(default_factory=list)


def default_output(pdf: Path, kind: str) -> Path:
    """``<kind>.signed.pdf`` beside the input; ``<kind>.issued.pdf`` when the input is that file already."""
    signed = pdf.with_name(f"{kind}.signed.pdf")
    return pdf.with_name(f"{kind}.issued.pdf") if signed == pdf else signed


def document_facts(data: bytes, where: str) -> dict:
    """Kind, period and layout of a PDF reportgen built; refused otherwise."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(BytesIO(data))
        info = reader.metadata or {}
    except (PdfReadError, ValueError, OSError):
        raise refuse(where, "không phải tệp PDF đọc được") from None
    creator = str(info.get("/Creator", ""))
    keywords = [k.strip() for k in str(info.get("/Keywords", "")).split(",")]
    if not creator.startswith("reportgen ") or len(keywords) < 3 or keywords[0] != "reportgen":
        raise refuse(where, "không phải văn bản do reportgen lập (thiếu thông tin reportgen trong tệp); "
                     "chỉ ký được văn bản reportgen đã lập hoặc bản lưu trữ của nó")
    layout = find_layout(reader)
    return {"kind": keywords[1], "period": keywords[2], "layout": layout, "reader": reader}


def signature_fields(reader) -> dict[str, bool]:
    """Signature field name -> signed or not."""
    found = {}
    form = reader.trailer["/Root"].get("/AcroForm")
    for ref in (form.get_object().get("/Fields", []) if form else []):
        item = ref.get_object()
        if item.get("/FT") == "/Sig":
            found[str(item.get("/T"))] = item.get("/V") is not None
    return found


def sign(request: SignRequest) -> Signed:
    where = str(request.pdf)
    try:
        data = request.pdf.read_bytes()
    except OSError as exc:
        raise refuse(where, f"không đọc được tệp: {exc.strerror or exc}") from None
    facts = document_facts(data, where)
    layout = facts["layout"]
    existing = signature_fields(facts["reader"])
    now = (request.now or datetime.now(VIETNAM)).astimezone(VIETNAM).replace(microsecond=0)
    warnings: list[Problem] = []
    if request.role == "signer":
        if any(existing.values()):
            raise refuse(where, "văn bản đã có chữ ký số; người có thẩm quyền ký trước, văn thư ký sau")
        if layout.signature_box is None:
            raise refuse(where, "không tìm thấy vị trí chữ ký (khối \"Nơi nhận\" và chức vụ, họ tên người ký)")
        if request.signature_image is None:
            raise refuse(where, "cần ảnh chữ ký của người ký: --signature-image TỆP.png")
    else:
        if existing.get(OFFICE_FIELD):
            raise refuse(where, "văn bản đã được văn thư ký số và cấp số; không ký lại")
        if layout.number is None or layout.date is None:
            raise refuse(where, "văn bản không có dòng \"Số:\" hoặc dòng ngày tháng để văn thư điền")
        if request.number is None or request.on is None or request.seal_image is None:
            raise refuse(where, "văn thư ký cần --number SỐ, --date NĂM-THÁNG-NGÀY và --seal-image TỆP.png")
        _check_issue(request, facts, layout, where, warnings)
    if request.output is None and any((folder / "manifest.jsonl").is_file() for folder in request.pdf.resolve().parents):
        raise refuse(where, "tệp nằm trong kho lưu trữ, nơi không ghi thêm tệp nào ngoài reportgen archive; chọn "
                     f"nơi ghi bằng -o, ví dụ outputs/{facts['period']}/<đơn vị>/{facts['kind']}.signed.pdf, rồi "
                     "chạy reportgen archive để lưu bản đã ký")
    out = request.output or default_output(request.pdf, facts["kind"])
    if out.resolve() == request.pdf.resolve():
        raise refuse(str(out), "tệp ghi ra trùng tệp gốc; tệp gốc không bao giờ bị sửa, chọn tên khác với -o")
    with open_signer(request.key) as signer:
        cert = signer.signing_cert
        check_certificate(cert, now, request.key.where)
        name = subject_name(cert)
        if request.role == "signer":
            signed = _sign_signer(data, layout, request, signer, now)
        else:
            filled = _fill(data, layout, request)
            signed = _sign_office(filled, layout, request, signer, now, name)
    write_atomic(out, signed)  # whole or not at all: temporary file, fsync, rename
    return Signed(out, name, now, warnings)


def _check_issue(request: SignRequest, facts: dict, layout, where: str, warnings: list[Problem]) -> None:
    from reportgen.vi.dates import date_table

    drafted = _drafted_date(layout.date.text)
    if drafted and request.on < drafted:
        raise refuse(where, f"ngày ban hành {date_table(request.on)} trước ngày của văn bản "
                     f"({date_table(drafted)}: số liệu, cuộc họp mà văn bản dựa vào); chọn ngày từ "
                     f"{date_table(drafted)} trở đi")
    if request.number < 1:
        raise refuse(where, f"số văn bản phải là số nguyên dương (giá trị: {request.number})")
    used = number_used(request.archive_root, facts["kind"], request.on.year, request.number)
    if used:
        raise refuse(where, f"số {request.number} đã cấp cho văn bản {facts['kind']} năm {request.on.year} "
                     f"trong kho lưu trữ ({used}); không cấp trùng số, chọn số khác")
    today = (request.now or datetime.now(VIETNAM)).astimezone(VIETNAM).date()
    if request.on > today:
        warnings.append(Problem(where, f"ngày ban hành {date_table(request.on)} sau ngày ký hôm nay "
                                       f"({date_table(today)})", severity="warning"))


def _drafted_date(line: str) -> date | None:
    import re

    found = re.search(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})", line)
    return date(int(found[3]), int(found[2]), int(found[1])) if found else None


def number_used(archive_root: Path | None, kind: str, year: int, number: int) -> str | None:
    """The archived record that already has ``number`` for ``kind`` in ``year``, if any."""
    if archive_root is None or not (archive_root / "manifest.jsonl").is_file():
        return None
    import json

    for line in (archive_root / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if row.get("kind") == kind and str(row.get("number") or "").lstrip("0") == str(number) \
                and str(row.get("date") or "")[:4] == str(year):
            return str(row.get("path"))
    return None


def _writer(data: bytes):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    writer._update_meta = lambda: None  # keep the Info dictionary and the PDF/A XMP packet as they are
    return writer


def _signature_meta(field_name: str, name: str, request: SignRequest, certify: bool):
    from pyhanko.sign import fields as sig_fields
    from pyhanko.sign import signers

    return signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=sig_fields.SigSeedSubFilter.PADES,
        certify=certify, docmdp_permissions=sig_fields.MDPPerm.FILL_FORMS,
        name=name, location=None, reason=None, use_pades_lta=False)


def _timestamper(request: SignRequest):
    if not request.tsa_url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(request.tsa_url, timeout=30)


def _pdf_sign(writer, meta, signer, request, drawing, box, page, existing=False) -> bytes:
    from pyhanko.sign import fields as sig_fields
    from pyhanko.sign import signers
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    style, _ = appearance.render(drawing, writer)
    field_spec = None if existing else sig_fields.SigFieldSpec(meta.field_name, on_page=page,
                                                               box=tuple(round(v, 2) for v in box))
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=_timestamper(request), stamp_style=style,
                                   new_field_spec=field_spec)
    out = BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out)
    except TimestampRequestError as exc:
        raise refuse(request.tsa_url, f"máy chủ cấp dấu thời gian không trả lời được: {exc}") from None
    except SigningError as exc:
        raise refuse(request.key.where, f"không ký được: {exc}") from None
    return out.getvalue()


def _sign_signer(data: bytes, layout, request: SignRequest, signer, now) -> bytes:
    writer = _writer(data)
    fields.add_empty_fields(writer, layout)
    x0, y0, x1, y1 = layout.signature_box
    image = appearance.load_png(request.signature_image, "chữ ký")
    width, height = appearance.fit(image.size, x1 - x0, y1 - y0)
    left = (x0 + x1 - width) / 2
    box = (left, y0 + (y1 - y0 - height) / 2, left + width, y0 + (y1 - y0 + height) / 2)
    drawing = appearance.Drawing(width, height, (appearance.Image(request.signature_image, 0, 0, width, height),))
    from pyhanko.sign import fields as sig_fields

    # the office's field is made now, empty: after a certification signature, filling a field
    # is permitted and adding one is not
    sig_fields.append_signature_field(writer, sig_fields.SigFieldSpec(
        OFFICE_FIELD, on_page=layout.signature_page, box=tuple(round(v, 2) for v in office_box(box))))
    meta = _signature_meta(SIGNER_FIELD, None, request, certify=True)
    return _pdf_sign(writer, meta, signer, request, drawing, box, layout.signature_page)


def _fill(data: bytes, layout, request: SignRequest) -> bytes:
    writer = _writer(data)
    fields.fill(writer, layout, request.number, request.on)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


OFFICE_WIDTH = 220.0  # points: the seal and, under it, the body's name (wrapped) and the signing time


def office_box(signer_box) -> tuple[float, float, float, float]:
    """The office signature's box: the seal's right edge a third of the way into the signer's signature."""
    x0, y0, x1, y1 = signer_box
    right = x0 + (x1 - x0) / 3
    centre_x, centre_y = right - SEAL_SIZE / 2, (y0 + y1) / 2
    text_h = INFO_SIZE * 1.2 * 3
    return (centre_x - OFFICE_WIDTH / 2, centre_y - SEAL_SIZE / 2 - text_h, centre_x + OFFICE_WIDTH / 2,
            centre_y + SEAL_SIZE / 2)


def _wrap(text: str, width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and text_width(trial, INFO_SIZE) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return lines + [current] if current else lines


def _sign_office(data: bytes, layout, request: SignRequest, signer, now, name: str) -> bytes:
    from pypdf import PdfReader

    writer = _writer(data)
    reader = PdfReader(BytesIO(data))
    made = _signed_box(reader, OFFICE_FIELD)
    box = made or office_box(_signed_box(reader, SIGNER_FIELD) or layout.signature_box)
    width, height = box[2] - box[0], box[3] - box[1]
    image = appearance.load_png(request.seal_image, "con dấu")
    seal_w, seal_h = appearance.fit(image.size, SEAL_SIZE, SEAL_SIZE)
    line_h = INFO_SIZE * 1.2
    lines = (_wrap(name, width - 4) + [now.isoformat()])[-3:]
    text_h = line_h * 3
    items = [appearance.Image(request.seal_image, (width - seal_w) / 2, text_h + (SEAL_SIZE - seal_h) / 2,
                              seal_w, seal_h)]
    for index, text in enumerate(lines):
        items.append(appearance.Text(text, width / 2, text_h - line_h * (index + 1) + INFO_SIZE * 0.25,
                                     INFO_SIZE, centred=True))
    drawing = appearance.Drawing(width, height, tuple(items))
    meta = _signature_meta(OFFICE_FIELD, name, request, certify=False)
    return _pdf_sign(writer, meta, signer, request, drawing, box, layout.signature_page, existing=made is not None)


def _signed_box(reader, name: str):
    form = reader.trailer["/Root"].get("/AcroForm")
    for ref in (form.get_object().get("/Fields", []) if form else []):
        item = ref.get_object()
        if str(item.get("/T")) == name and "/Rect" in item:
            return tuple(float(v) for v in item["/Rect"])
    return None
