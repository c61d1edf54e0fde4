"""The manifest: one row per record, as JSON Lines (authoritative) and as CSV (for Excel).

``manifest.jsonl`` is the authoritative list, with every value exactly as in the record;
``manifest.csv`` (UTF-8 with BOM, so that Excel shows Vietnamese) holds the same rows in
the same order, and must agree with it cell for cell (:func:`csv_cells`). Both are
rewritten whole on each change: temporary file, fsync, rename, JSON Lines first.

CSV cells are safe to open in a spreadsheet: every cell goes through the rule of
:mod:`reportgen.cells` (``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``; reading back drops
one leading ``'``), the same as every workbook and CSV file reportgen writes. The csv
module quotes the rest.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path, PurePosixPath

from reportgen.archive.records import Record
from reportgen.archive.storage import crash_point
from reportgen.cells import is_formula, neutralise, restore
from reportgen.errors import ReportgenError
from reportgen.files import write_atomic

JSONL_NAME = "manifest.jsonl"
CSV_NAME = "manifest.csv"
COLUMNS = ("path", "kind", "unit", "period", "version", "title", "document_type", "number", "symbol",
           "date", "issuer", "signer", "signer_title", "pages", "language", "generator", "sha256", "size",
           "attachments", "archived_at")
INTEGERS = ("version", "pages", "size")
_SHA256 = re.compile(r"[0-9a-f]{64}")
Problem = tuple[str, str]  # (manifest file name, message)


class ManifestError(ReportgenError):
    """The manifest cannot be read; nothing is archived until it is repaired."""

    exit_code = 1


def new_row(record: Record, path: str, version: int, archived_at: str) -> dict:
    """The manifest row of ``record`` stored at ``path`` (relative, with ``/``)."""
    f = record.fields
    return {
        "path": path, "kind": f["kind"], "unit": f["unit"], "period": f["period"], "version": version,
        "title": f["title"], "document_type": f["document_type"], "number": f["number"], "symbol": f["symbol"],
        "date": f["date"], "issuer": f["issuer"], "signer": f["signer"], "signer_title": f["signer_title"],
        "pages": record.pages, "language": f["language"],
        "generator": f"{f['generator']} {f['generator_version']}", "sha256": record.sha256,
        "size": len(record.pdf), "attachments": [dict(a) for a in record.attachments], "archived_at": archived_at,
    }


def row_problems(row: object) -> list[str]:
    """What is wrong with one JSONL row (empty when it is well formed)."""
    if not isinstance(row, dict):
        return ["không phải một đối tượng JSON"]
    if set(row) != set(COLUMNS):
        missing, extra = set(COLUMNS) - set(row), set(row) - set(COLUMNS)
        return [f"cột sai: thiếu {sorted(missing)}, thừa {sorted(extra)}"]
    problems = [f"{c} phải là số nguyên" for c in INTEGERS if type(row[c]) is not int]
    problems += [f"{c} phải là chuỗi" for c in COLUMNS if c not in INTEGERS + ("attachments",)
                 and not isinstance(row[c], str)]
    if isinstance(row["sha256"], str) and not _SHA256.fullmatch(row["sha256"]):
        problems.append("sha256 không hợp lệ")
    if isinstance(row["path"], str) and not safe_path(row["path"]):
        problems.append(f"đường dẫn không hợp lệ: {row['path']!r}")
    return problems + _attachment_problems(row["attachments"])


def _attachment_problems(items: object) -> list[str]:
    ok = isinstance(items, list) and all(
        isinstance(a, dict) and set(a) == {"name", "sha256"} and isinstance(a["name"], str)
        and isinstance(a["sha256"], str) and _SHA256.fullmatch(a["sha256"]) for a in items)
    return [] if ok else ["attachments phải là danh sách {name, sha256}"]


def safe_path(text: str) -> bool:
    """A relative path inside the archive, with ``/``, no ``..``, ending in ``.pdf``."""
    path = PurePosixPath(text)
    return (bool(text) and not path.is_absolute() and "\\" not in text and ".." not in path.parts
            and path.suffix == ".pdf" and str(path) == text)


def csv_cells(row: dict) -> dict[str, str]:
    """A JSONL row as the CSV writes it: numbers as text, attachments as ``name:sha256;...``,
    every cell made safe by :func:`reportgen.cells.neutralise`."""
    cells = {c: str(row[c]) for c in COLUMNS if c != "attachments"}
    cells["attachments"] = ";".join(f"{a['name']}:{a['sha256']}" for a in row["attachments"])
    return {c: neutralise(cells[c]) for c in COLUMNS}


def read_jsonl(root: Path) -> tuple[list[dict], list[Problem]]:
    """The rows of manifest.jsonl (well-formed ones) and a problem per malformed line."""
    path = Path(root) / JSONL_NAME
    if not path.exists():
        return [], []
    rows, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append((JSONL_NAME, f"dòng {number}: không đọc được JSON ({exc.msg})"))
            continue
        found = row_problems(row)
        problems += [(JSONL_NAME, f"dòng {number}: {p}") for p in found]
        if not found:
            rows.append(row)
    return rows, problems


def load(root: Path) -> tuple[list[dict], int]:
    """The rows of manifest.jsonl, with manifest.csv brought level with it; and how many
    rows the CSV lacked.

    A CSV that holds the first rows of the JSONL and lacks the last ones is what a run
    killed between the two files leaves: it is rewritten. Any other disagreement, or a
    malformed JSONL line, raises ManifestError: an archive that may have been tampered
    with is not written to until someone has looked at it (``reportgen verify``).
    """
    rows, problems = read_jsonl(root)
    csv_rows = read_csv(root) or []
    if not problems and len(csv_rows) <= len(rows):
        problems = disagreements(rows[:len(csv_rows)], csv_rows)
    elif not problems:
        problems = disagreements(rows, csv_rows)
    if problems:
        listed = "; ".join(f"{name} {message}" for name, message in problems)
        raise ManifestError(f"Manifest hỏng, hãy kiểm tra bằng reportgen verify: {listed}")
    lacking = len(rows) - len(csv_rows)
    if lacking:
        save(root, rows)
    return rows, lacking


def read_csv(root: Path) -> list[dict[str, str]] | None:
    """The rows of manifest.csv as text, or None when there is no such file."""
    path = Path(root) / CSV_NAME
    if not path.exists():
        return None
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def disagreements(rows: list[dict], csv_rows: list[dict[str, str]] | None) -> list[Problem]:
    """Where manifest.csv differs from manifest.jsonl (CSV line numbers as Excel shows them)."""
    if csv_rows is None:
        return [(CSV_NAME, "thiếu tệp manifest.csv")] if rows else []
    if len(csv_rows) != len(rows):
        return [(CSV_NAME, f"có {len(csv_rows)} dòng dữ liệu, {JSONL_NAME} có {len(rows)} dòng")]
    found = []
    for line, (row, cells) in enumerate(zip(rows, csv_rows), start=2):
        expected = csv_cells(row)
        for column in COLUMNS:
            cell = cells.get(column)
            if cell == expected[column]:
                continue
            if cell is not None and is_formula(cell):
                found.append((CSV_NAME, f"dòng {line}: cột {column} có thể bị bảng tính hiểu là công thức "
                                        f"({cell!r}); phải ghi {expected[column]!r}"))
            else:
                shown = None if cell is None else restore(cell)
                found.append((CSV_NAME, f"dòng {line}: cột {column} khác {JSONL_NAME} "
                                        f"({shown!r} ≠ {restore(expected[column])!r})"))
    return found


def save(root: Path, rows: list[dict]) -> None:
    """Replace both manifests with ``rows`` (JSON Lines first: it is authoritative)."""
    write_atomic(Path(root) / JSONL_NAME, _jsonl(rows))
    crash_point("manifest")
    write_atomic(Path(root) / CSV_NAME, _csv(rows))


def _jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(csv_cells(row) for row in rows)
    return out.getvalue().encode("utf-8-sig")
