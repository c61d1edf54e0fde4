"""A PDF of a few kilobytes made with pypdf, for the archive's rules without a build: one blank page
or more, an XMP packet (PDF/A-3b identification and the record's fields, as reportgen.archive.xmp
writes them), embedded files, and on request a font without its program or an image with
/Interpolate true; and its manifest row, and an archive folder holding both."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import BooleanObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject

from reportgen.archive import manifest, naming, xmp
from reportgen.periods import Period

FIELDS = {"title": "Thông báo kết luận cuộc họp", "language": "vi", "document_type": "THÔNG BÁO", "number": "",
          "symbol": "TB-VP", "date": "2022-03-15", "issuer": "Văn phòng HĐND và UBND huyện", "signer": "Trần Thị Quý",
          "signer_title": "Chánh Văn phòng", "kind": "thong-bao", "unit": "TM", "period": "2022-Q1",
          "period_name": "quý I năm 2022", "generator": "reportgen", "generator_version": "1.0"}


def packet(fields: Mapping[str, str], pages: int, part: str = "3", conformance: str = "B") -> bytes:
    head = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="{xmp.RDF}"><rdf:Description rdf:about="" '
            f'xmlns:pdfaid="{xmp.PDFAID}" xmlns:dc="{xmp.DC}" pdfaid:part="{part}" pdfaid:conformance="{conformance}">'
            f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{fields["title"]}</rdf:li></rdf:Alt></dc:title>'
            '</rdf:Description></rdf:RDF>')
    return head.encode("utf-8") + xmp.rdf_xml(fields, pages) + b"</x:xmpmeta>"


def tiny_pdf(fields: Mapping[str, str] = FIELDS, pages: int = 1, *, metadata: bytes | None = None, xmp_packet=True,
             attachments: Mapping[str, bytes] = {}, bare_font: str | None = None, interpolated: int = 0) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    resources = DictionaryObject()
    if bare_font:
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject(f"/{bare_font}")})
        resources[NameObject("/Font")] = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    if interpolated:
        images = DictionaryObject()
        for n in range(interpolated):
            image = DecodedStreamObject()
            image.set_data(b"\x00")
            image.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                          NameObject("/Width"): NumberObject(1), NameObject("/Height"): NumberObject(1),
                          NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                          NameObject("/BitsPerComponent"): NumberObject(8),
                          NameObject("/Interpolate"): BooleanObject(True)})
            images[NameObject(f"/Im{n}")] = writer._add_object(image)
        resources[NameObject("/XObject")] = images
    writer.pages[0][NameObject("/Resources")] = resources
    if xmp_packet:
        stream = DecodedStreamObject()
        stream.set_data(metadata if metadata is not None else packet(fields, pages))
        stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
        writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    for name, data in attachments.items():
        writer.add_attachment(name, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PATH = "2022/2022-Q1/TM/TB-VP_thong-bao.pdf"
FIGURES = b"ky,ma_don_vi\n2022-Q1,TM\n"


def row_of(data: bytes, version: int = 1, **other) -> dict:
    """The manifest row of the TM notice ``data`` as archive would write it."""
    f = FIELDS
    path = naming.record_path("thong-bao", "TM", Period(2022, 1), f["number"], f["symbol"], version)
    return {"path": path, "kind": f["kind"], "unit": f["unit"], "period": f["period"], "version": version,
            "title": f["title"], "document_type": f["document_type"], "number": f["number"], "symbol": f["symbol"],
            "date": f["date"], "issuer": f["issuer"], "signer": f["signer"], "signer_title": f["signer_title"],
            "pages": 1, "language": f["language"], "generator": "reportgen 1.0",
            "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
            "attachments": [{"name": "so-lieu.csv", "sha256": hashlib.sha256(FIGURES).hexdigest()}],
            "archived_at": "2022-03-16T08:00:00+07:00", **other}


def archive_of(root: Path, *records: tuple[bytes, dict]) -> Path:
    """An archive folder holding each (PDF bytes, row) of ``records``, with both manifests."""
    manifest.save(root, [row for _, row in records])
    for data, row in records:
        (root / row["path"]).parent.mkdir(parents=True, exist_ok=True)
        (root / row["path"]).write_bytes(data)
    return root


GOOD = tiny_pdf(attachments={"so-lieu.csv": FIGURES})  # a record every rule of verify accepts with row_of(GOOD)


def hand_row(number: str = "", version: int = 1, data: bytes = b"%PDF-1.7 x", **other) -> dict:
    """A well-formed manifest row of the TM notice whose file would hold ``data`` (any bytes: the
    manifest's own rules, without a PDF)."""
    path = naming.record_path("thong-bao", "TM", Period(2022, 1), number, "TB-VP", version)
    row = {c: "" for c in manifest.COLUMNS}
    row.update(path=path, kind="thong-bao", unit="TM", period="2022-Q1", version=version, number=number,
               symbol="TB-VP", pages=1, sha256=hashlib.sha256(data).hexdigest(), size=len(data), attachments=[])
    return {**row, **other}
