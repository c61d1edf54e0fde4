"""``verify(archive_root)``: every record checked against the manifest, every mismatch listed.

The manifest is read from ``manifest.jsonl``, which is authoritative; ``manifest.csv`` must
agree with it row for row and cell for cell. For each row: the file exists, its size and
SHA-256 match, it reads as a PDF, its XMP identifies it as PDF/A-3 (``pdfaid:part=3``,
conformance B), no image says ``/Interpolate true``, every font is embedded (descendant
fonts of Type0 fonts included), the attachments the row lists are embedded with the same
SHA-256, and the XMP metadata and page count agree with the row. Files in the archive that
no row lists are reported too (the manifests and the lock file aside).

A folder is an archive when ``reportgen archive`` has used it: it holds ``manifest.jsonl``,
``manifest.csv``, the intent of an interrupted run or the archive lock
(:func:`not_an_archive`). Any other path (missing, a file, an empty folder, a workspace)
is no archive, and nothing in it is listed.

Identity, not only bytes: each row's path must be where its kind, unit, period, number,
symbol and version put it (:func:`naming.record_path`), and no two rows may claim the same
document and version, or the same content. So a record and its row copied over another
document's are caught, even with checksums that match.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from reportgen.archive import journal, manifest, naming, seal, signed, storage
from reportgen.archive.pdf_facts import INTERPOLATED, PdfFacts, read_pdf
from reportgen.archive.storage import LOCK_NAME, is_temp
from reportgen.periods import Period

UNLISTED = "tệp không có trong manifest"
UNLISTED_TEMP = ("tệp tạm của một lần lưu trữ bị ngắt "
                 "(chạy lại reportgen archive để dọn và hoàn tất)")
NOT_PDFA = "không có nhận dạng PDF/A-3b trong XMP (pdfaid:part=3, conformance=B)"
INTERRUPTED = "lần lưu trữ bị ngắt giữa chừng; chạy reportgen verify --repair để hoàn tất hoặc huỷ"
OWN_FILES = {manifest.JSONL_NAME, manifest.CSV_NAME, LOCK_NAME, journal.INTENT_NAME, seal.SEAL_NAME,
             seal.SIGNATURE_NAME, seal.CERT_NAME}
# what only an archive folder holds: one of them makes a folder an archive
MARKS = (manifest.JSONL_NAME, manifest.CSV_NAME, journal.INTENT_NAME, LOCK_NAME)
# manifest column -> XMP property that must hold the same value
XMP_OF_COLUMN = {
    "title": "dc:title", "language": "dc:language", "document_type": "vb:documentType",
    "number": "vb:number", "symbol": "vb:symbol", "date": "vb:issueDate", "issuer": "vb:issuer",
    "signer": "vb:signer", "signer_title": "vb:signerTitle", "kind": "vb:kind", "unit": "vb:unit",
    "period": "vb:period",
}


@dataclass(frozen=True)
class Mismatch:
    """One thing wrong: ``path`` (relative to the archive) and what is wrong with it."""

    path: str
    check: str  # manifest, interrupted, identity, missing, unlisted, size, checksum, unreadable, pdfa, font, attachment, metadata
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def not_an_archive(archive_root: Path) -> str | None:
    """Why there is no archive at ``archive_root`` (missing, a file, a folder without any of
    :data:`MARKS`), in Vietnamese; None for an archive, or a folder that cannot be read
    (:func:`verify` says why)."""
    root = Path(archive_root)
    try:
        info = os.stat(root)
    except FileNotFoundError:
        return "thư mục không tồn tại" if not os.path.lexists(root) else None  # a dangling link: verify says
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return "là một tệp, không phải thư mục"
    for name in MARKS:
        try:
            os.lstat(root / name)
            return None
        except FileNotFoundError:
            continue
        except OSError:
            return None
    return (f"thư mục không có {manifest.JSONL_NAME} (chưa có hồ sơ nào được lưu trữ vào đây bằng "
            "reportgen archive)")


def verify(archive_root: Path, seal_cert: Path | None = None) -> list[Mismatch]:
    """Every mismatch between the archive folder and its manifest (empty: all good).

    A sealed manifest (``seal``) is checked against its signature; with ``seal_cert`` the
    seal must be there and be made with that certificate's key.

    No archive there (:func:`not_an_archive`): one mismatch, ``missing``, saying why.
    """
    root = Path(archive_root)
    reason = not_an_archive(root)
    if reason:
        return [Mismatch(str(root), "missing", f"không có kho lưu trữ: {reason}")]
    try:
        storage.check_folder(root)
        rows, problems = manifest.read_jsonl(root)
        if not problems:
            problems = manifest.disagreements(rows, manifest.read_csv(root))
    except OSError as exc:
        return [Mismatch(str(root), "unreadable", f"không đọc được kho lưu trữ: {storage.describe(exc)}")]
    found = [Mismatch(name, "manifest", message) for name, message in problems]
    found += _interrupted(root)
    found += _duplicates(rows)
    for row in rows:
        found += _identity(row) + check_record(root, row)
    if not problems:
        found += [Mismatch(seal.SEAL_NAME, "seal", message) for message in seal.problems(root, rows, seal_cert)]
    return found + _unlisted(root, rows)


def manifest_findings(root: Path, rows: list[dict]) -> list[Mismatch]:
    """What ``archive`` must not build on (its first step, after a killed run is settled):
    rows claiming the same path, document and version or content, a path that is not where
    its row's identity puts it, a listed file whose size or SHA-256 is not its row's.
    (A listed file that is missing is put back by the archive itself.)"""
    found = _duplicates(rows)
    for row in rows:
        found += _identity(row)
        path = Path(root) / row["path"]
        if path.is_file():
            try:
                found += _bytes_mismatches(row, path.read_bytes())
            except OSError as exc:
                found.append(Mismatch(row["path"], "unreadable", f"không đọc được tệp: {storage.describe(exc)}"))
    return found


def _interrupted(root: Path) -> list[Mismatch]:
    try:
        intent = journal.pending(root)
    except journal.IntentError as exc:
        return [Mismatch(journal.INTENT_NAME, "interrupted", str(exc).split(": ", 1)[1])]
    except OSError as exc:
        return [Mismatch(journal.INTENT_NAME, "unreadable", f"không đọc được tệp: {storage.describe(exc)}")]
    return [] if intent is None else [Mismatch(intent["path"], "interrupted", INTERRUPTED)]


def record_count(archive_root: Path) -> int:
    """How many records the manifest lists."""
    return len(manifest.read_jsonl(Path(archive_root))[0])


def _duplicates(rows: list[dict]) -> list[Mismatch]:
    counts = Counter(row["path"] for row in rows)
    found = [Mismatch(manifest.JSONL_NAME, "manifest", f"{path} có {n} dòng trong manifest")
             for path, n in counts.items() if n > 1]
    documents: dict[tuple, str] = {}
    contents: dict[str, str] = {}
    for row in rows:
        key = (row["kind"], row["unit"], row["period"], row["version"])
        if key in documents and documents[key] != row["path"]:
            found.append(Mismatch(row["path"], "identity", f"cùng văn bản và phiên bản ({row['kind']} {row['unit']} "
                                                           f"{row['period']}, phiên bản {row['version']}) "
                                                           f"với {documents[key]}"))
        documents.setdefault(key, row["path"])
        if row["sha256"] in contents and contents[row["sha256"]] != row["path"]:
            found.append(Mismatch(row["path"], "identity", f"cùng nội dung (SHA-256) với {contents[row['sha256']]}"))
        contents.setdefault(row["sha256"], row["path"])
    return found


def _identity(row: dict) -> list[Mismatch]:
    """The row's path is where its kind, unit, period, number, symbol and version put it."""
    try:
        expected = naming.record_path(row["kind"], row["unit"], Period.parse(row["period"]), row["number"],
                                      row["symbol"], row["version"])
    except ValueError:
        return [Mismatch(row["path"], "identity", f"đơn vị {row['unit']!r} hoặc kỳ {row['period']!r} "
                                                  "của dòng manifest không hợp lệ")]
    if row["path"] == expected:
        return []
    return [Mismatch(row["path"], "identity", "đường dẫn không khớp với loại, đơn vị, kỳ, số, ký hiệu và phiên bản "
                                              f"của dòng manifest (phải là {expected})")]


def _unlisted(root: Path, rows: list[dict]) -> list[Mismatch]:
    listed = {row["path"] for row in rows}
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if relative not in listed and relative not in OWN_FILES:
            found.append(Mismatch(relative, "unlisted", UNLISTED_TEMP if is_temp(path) else UNLISTED))
    return found


def check_record(root: Path, row: dict) -> list[Mismatch]:
    """The mismatches of one manifest row and its file."""
    path = root / row["path"]
    if not path.is_file():
        return [Mismatch(row["path"], "missing", "có trong manifest nhưng không có tệp")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [Mismatch(row["path"], "unreadable", f"không đọc được tệp: {storage.describe(exc)}")]
    found = _bytes_mismatches(row, data)
    try:
        facts = read_pdf(data)
    except Exception as exc:  # pypdf and XML parsers raise many kinds of errors
        reason = f"{type(exc).__name__}: {exc}"
        return found + [Mismatch(row["path"], "unreadable", f"không đọc được như PDF ({reason})")]
    if signed.is_signed(data):
        found += [Mismatch(row["path"], "signature", message) for message in signed.signature_problems(data)]
        number, issued = signed.filled(data)  # the number and date are the clerk's, not the drafted XMP's
        filled = {"vb:number": number, "vb:issueDate": issued.isoformat() if issued else ""}
        facts = replace(facts, xmp={**(facts.xmp or {}), **{k: v for k, v in filled.items() if v}})
    return found + _pdf_mismatches(row, facts)


def _bytes_mismatches(row: dict, data: bytes) -> list[Mismatch]:
    found = []
    if len(data) != row["size"]:
        found.append(Mismatch(row["path"], "size", f"kích thước {len(data)} byte, manifest ghi {row['size']} byte"))
    digest = hashlib.sha256(data).hexdigest()
    if digest != row["sha256"]:
        found.append(Mismatch(row["path"], "checksum", f"SHA-256 {digest} khác manifest ({row['sha256']})"))
    return found


def _pdf_mismatches(row: dict, facts: PdfFacts) -> list[Mismatch]:
    xmp = facts.xmp or {}
    found = []
    if xmp.get("pdfaid:part") != "3" or xmp.get("pdfaid:conformance") != "B":
        found.append(Mismatch(row["path"], "pdfa", NOT_PDFA))
    if facts.interpolated_images:
        found.append(Mismatch(row["path"], "pdfa", f"{facts.interpolated_images} {INTERPOLATED}"))
    found += [Mismatch(row["path"], "font", f"phông chữ {name} không được nhúng")
              for name in facts.unembedded_fonts]
    found += _attachment_mismatches(row, facts.attachments)
    return found + _metadata_mismatches(row, facts, xmp)


def _attachment_mismatches(row: dict, files: dict[str, bytes]) -> list[Mismatch]:
    found = []
    for item in row["attachments"]:
        name = item["name"]
        if name not in files:
            found.append(Mismatch(row["path"], "attachment", f"thiếu tệp đính kèm {name}"))
        elif hashlib.sha256(files[name]).hexdigest() != item["sha256"]:
            found.append(Mismatch(row["path"], "attachment", f"tệp đính kèm {name} có SHA-256 khác manifest"))
    return found


def _metadata_mismatches(row: dict, facts: PdfFacts, xmp: dict[str, str]) -> list[Mismatch]:
    pairs = [(column, str(row[column]), xmp.get(prop)) for column, prop in XMP_OF_COLUMN.items()]
    pairs += [("pages", str(row["pages"]), str(facts.pages)), ("pages", str(row["pages"]), xmp.get("xmpTPg:NPages"))]
    return [Mismatch(row["path"], "metadata", f"{column} trong manifest ({expected!r}) khác tệp ({actual!r})")
            for column, expected, actual in pairs if expected != actual]
