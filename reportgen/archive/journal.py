"""Write-ahead intent: a record and its manifest row become visible together.

Filing a record takes three steps, each durable before the next begins:

1. the **intent**: the manifest row the record will have (path, SHA-256, every field) is
   written to ``<archive>/.archive.intent.json`` (temporary file, fsync, rename);
2. the **record** file (``storage.write_once``);
3. the **row**, added to ``manifest.jsonl`` and then ``manifest.csv``; then the intent is
   removed.

A run killed at any point leaves the intent behind, and the next ``reportgen archive`` or
``reportgen verify --repair`` settles it before anything else (:func:`recover`), from the
intent alone, whatever the data say by then:

- the row is already in ``manifest.jsonl``: the run had finished; the intent is removed
  (and ``manifest.csv`` brought level if the run died between the two manifests);
- the record file is there with the intent's SHA-256: the run is **completed**, the row
  added from the intent;
- no record file (at most a hidden temporary file, removed): the run is **rolled back**,
  nothing of it was visible;
- a file with other content at the intent's path: that file is kept as it is (a record is
  never deleted or replaced) and the intent dropped; ``verify`` reports the file.

Each settled intent, removed temporary file and levelled CSV is reported as a sentence.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from reportgen.archive import manifest, storage
from reportgen.archive.manifest import ManifestError
from reportgen.files import fsync_dir, write_atomic

INTENT_NAME = ".archive.intent.json"


class IntentError(ManifestError):
    """The intent file is there but is not a well-formed manifest row."""


def begin(root: Path, row: dict) -> None:
    """Record the intent to file ``row`` (durably), before its record is written."""
    write_atomic(Path(root) / INTENT_NAME, (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
    storage.crash_point("intent")


def end(root: Path) -> None:
    """The intent is settled: remove it (durably)."""
    path = Path(root) / INTENT_NAME
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)


def pending(root: Path) -> dict | None:
    """The row of an unsettled intent, or None; raises IntentError when it is malformed."""
    path = Path(root) / INTENT_NAME
    if not path.exists():
        return None
    try:
        row = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IntentError(f"{INTENT_NAME}: không đọc được ({exc})") from None
    problems = manifest.row_problems(row)
    if problems:
        raise IntentError(f"{INTENT_NAME}: {'; '.join(problems)}")
    return row


def recover(root: Path) -> tuple[list[dict], list[str]]:
    """Settle what a killed run left in ``root``; return the manifest rows and what was done.

    Call with the archive lock held. Raises ManifestError when the manifest (or the intent)
    is malformed: that needs a person, not a repair.
    """
    root = Path(root)
    done = [f"{path.relative_to(root).as_posix()}: đã xoá tệp tạm của lần chạy bị ngắt"
            for path in storage.remove_stray_temps(root)]
    rows, levelled = manifest.load(root)
    if levelled:
        done.append(f"{manifest.CSV_NAME}: đã bổ sung {levelled} dòng cho khớp {manifest.JSONL_NAME}")
    intent = pending(root)
    if intent is not None:
        done.append(_settle(root, rows, intent))
        end(root)
    return rows, done


def _settle(root: Path, rows: list[dict], intent: dict) -> str:
    path = intent["path"]
    if any(row["path"] == path for row in rows):
        return f"{path}: lần lưu trữ bị ngắt đã xong (có trong manifest); đã xoá ghi chú dở dang"
    target = root / path
    if not target.is_file():
        return f"{path}: lần lưu trữ bị ngắt trước khi ghi xong hồ sơ; đã huỷ (kho không đổi)"
    if hashlib.sha256(target.read_bytes()).hexdigest() != intent["sha256"]:
        return (f"{path}: tệp có nội dung khác với lần lưu trữ bị ngắt; giữ nguyên tệp, "
                "huỷ lần lưu trữ đó (reportgen verify sẽ báo tệp này)")
    rows.append(intent)
    manifest.save(root, rows)
    return f"{path}: hồ sơ đã ghi nhưng chưa có trong manifest; đã thêm dòng manifest"
