"""``archive(ws, jobs, root)``: make each job's record and file it, write-once, in the manifest.

For each document (kind × unit × period) the record is rendered in memory, then:

- identical (same SHA-256) to a version the manifest lists: ``unchanged``, nothing is
  written (a listed file that has gone missing is put back, with the same bytes);
- identical to a record file present on disk but missing from the manifest (with no
  intent: an archive from before the write-ahead intent): the manifest row is completed;
- otherwise: the next version is written (``archived`` for version 1, ``new-version``
  after), then the manifest is updated.

Order of operations (write-ahead, see ``journal``): intent (the row to be) -> record to a
temporary name -> fsync -> link into place -> manifests -> intent removed. Whatever a
killed run left is settled first, under the archive lock (:func:`repair`): completed or
rolled back, never by deleting a record. ``archived_at`` is the time of archiving (UTC;
``SOURCE_DATE_EPOCH`` when set): it is only in the manifest, never in a record.

Errors of the archive folder itself (read-only, a symbolic link loop...) raise
``storage.ArchiveUnavailable`` with the reason; a document that cannot be written fails
with the reason, and the others go on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from pathlib import Path

from reportgen.archive import journal, manifest, naming, seal, signed, storage
from reportgen.archive.built import BuildCheck
from reportgen.archive.manifest import ManifestError
from reportgen.archive.records import Record, make_record
from reportgen.archive.verify import manifest_findings, not_an_archive
from reportgen.job import Job
from reportgen.layout import unit_folder
from reportgen.results import Result
from reportgen.workspace import Workspace

STATUSES = ("archived", "new-version", "unchanged", "failed", "skipped")
COMPLETED = "đã bổ sung dòng manifest cho tệp có sẵn"
RESTORED = "đã khôi phục tệp bị thiếu (cùng SHA-256 trong manifest)"


def archive(ws: Workspace, jobs: list[Job], archive_root: Path, built_root: Path | None = None,
            seal_key=None) -> list[Result]:
    """Archive every job into ``archive_root``; one result per job, in order.

    With ``built_root`` (the build's output folder), a document is archived only when it
    was built there from the very inputs it has now (``built.BuildCheck``: data, templates
    and stylesheets, base.docx, fonts, reportgen) and the built DOCX is the one the record
    embeds: a document not built yet, or built from other inputs, fails with the reasons.
    A document signed after archiving (``<kind>.issued.pdf`` or ``<kind>.signed.pdf`` in the
    build's folder, starting with this record's bytes) is filed as signed, byte for byte
    (``signed.adopt``). With ``seal_key`` (a ``signing.keys.KeySource``) the manifest is
    sealed with that key at the end of the run (``seal.seal``).
    What a killed run left is settled first (call :func:`repair` before to learn what).
    Raises ArchiveStopped (with the results so far) when a record is written but its row
    cannot be (a full disk...); ManifestError (before writing anything) if the manifest is malformed or its
    CSV and JSON Lines disagree (other than a CSV a killed run left one step behind), or
    verify's manifest checks find anything (duplicate rows, a path or a size or SHA-256
    that does not match its row: :func:`verify.manifest_findings`);
    ArchiveUnavailable when the archive folder cannot be used.
    """
    root = Path(archive_root)
    with storage.locked(root):
        try:
            rows, _ = journal.recover(root)
            _refuse_broken(root, rows)
            check = BuildCheck(ws, built_root) if built_root is not None else None
            with _office_signer(root, seal_key) as signer:  # a key not the archive's is refused first
                results = []
                try:
                    for job in jobs:
                        results.append(_archive_one(ws, job, root, rows, check))
                except ArchiveStopped as stopped:
                    stopped.results = results  # the records filed before the stop, for the report
                    raise
                if signer is not None:
                    seal.seal(root, rows, signer, archived_at())
            return results
        except OSError as exc:
            raise storage.unavailable(root, exc) from None


SHOWN_FINDINGS = 10


def _refuse_broken(root: Path, rows: list[dict]) -> None:
    """Stop before writing anything when verify's manifest checks find anything
    (:func:`verify.manifest_findings`): a record filed on a broken manifest would be a
    wrong version (a changed SHA-256 made a byte-identical ``_v2``)."""
    found = manifest_findings(root, rows)
    if not found:
        return
    listed = "; ".join(str(m) for m in found[:SHOWN_FINDINGS])
    more = f"; và {len(found) - SHOWN_FINDINGS} điểm khác" if len(found) > SHOWN_FINDINGS else ""
    raise ManifestError(
        f"Kho lưu trữ {root}: manifest không khớp với hồ sơ ({len(found)} điểm): {listed}{more}. "
        f"Chưa lưu trữ gì. Cách sửa: xem đủ bằng reportgen verify {root}; sửa {manifest.JSONL_NAME} và "
        f"{manifest.CSV_NAME} cho khớp với các tệp hồ sơ (hoặc khôi phục chúng từ bản sao lưu), "
        f"chạy reportgen verify --repair {root} cho tới khi không còn điểm không khớp, rồi lưu trữ lại")


def repair(archive_root: Path) -> list[str]:
    """Complete or roll back what a killed archive run left; one sentence per thing done.

    Never deletes a record: only hidden temporary files and the intent itself are removed.
    Nothing to do (or no archive there, :func:`verify.not_an_archive`: then not even a lock
    is made) gives an empty list. Raises ManifestError when the manifest is malformed,
    ArchiveUnavailable when the folder cannot be used.
    """
    root = Path(archive_root)
    if not_an_archive(root):
        return []
    with storage.locked(root, create=False):
        try:
            return journal.recover(root)[1]
        except OSError as exc:
            raise storage.unavailable(root, exc) from None


def _archive_one(ws: Workspace, job: Job, root: Path, rows: list[dict], check: BuildCheck | None) -> Result:
    if job.reason:
        return Result.skipped(job)
    try:
        problem = check.before(job) if check else None
        if problem:
            return Result.failed(job, problem)
        record = make_record(ws, job)
        problem = check.after(record) if check else None
        if not problem and check is not None:
            found = signed.signed_copy(unit_folder(check.root, job.period, job.unit), job.kind)
            adopted = signed.adopt(record, found) if found else record
            problem, record = (adopted, record) if isinstance(adopted, str) else (None, adopted)
        if problem:
            return Result.failed(job, problem)
        return _file(record, root, rows)
    except ArchiveStopped:
        raise
    except OSError as exc:
        return Result.failed(job, _reason(exc))
    except Exception as exc:  # reportgen's errors with their exit code; a bug is logged, the others go on
        return Result.failed(job, exc)


class ArchiveStopped(storage.ArchiveUnavailable):
    """A record is written but its row could not be: the run stops, the intent stays for repair.
    ``results``: those of the jobs done before it (set by :func:`archive`)."""

    results: list[Result] = []


def _reason(exc: Exception) -> str:
    if isinstance(exc, storage.RecordExists):
        return f"tệp {exc.args[0]} đã có, không ghi đè"
    if isinstance(exc, OSError):
        return f"không ghi được vào kho lưu trữ: {storage.describe(exc)}"
    return str(exc)


def _file(record: Record, root: Path, rows: list[dict]) -> Result:
    job = record.job
    versions = [r for r in rows if (r["period"], r["unit"], r["kind"]) == (str(job.period), job.unit, job.kind)]
    same = next((r for r in versions if r["sha256"] == record.sha256), None)
    if same is not None:
        return _unchanged(record, root, same)
    orphans = _orphans(naming.record_dir(root, job.period, job.unit), job.kind, root, rows)
    found = next((p for p in orphans if _sha256(p) == record.sha256), None)
    if found is not None:
        return _add_row(record, root, rows, found, orphans[found], note=COMPLETED)
    version = 1 + max([r["version"] for r in versions] + list(orphans.values()), default=0)
    path = _new_path(record, root, version)
    row = manifest.new_row(record, _relative(path, root), version, archived_at())
    journal.begin(root, row)
    try:
        storage.write_once(path, record.pdf)
    except OSError:
        if not (path.is_file() and _sha256(path) == record.sha256):
            journal.end(root)  # nothing of this record is visible: roll back
            raise
    storage.crash_point("record")
    try:
        manifest.save(root, rows + [row])
    except OSError as exc:
        raise ArchiveStopped(f"Hồ sơ {row['path']} đã ghi nhưng không ghi được manifest ({storage.describe(exc)}); "
                             "khắc phục rồi chạy reportgen verify --repair để hoàn tất") from None
    rows.append(row)
    storage.crash_point("row")
    journal.end(root)
    return _result(record, "archived" if version == 1 else "new-version", row["path"], version, None)


@contextlib.contextmanager
def _office_signer(root: Path, key):
    """The office's signer for ``key`` (None without a key), checked before anything is filed:
    a valid certificate, and the one the archive was sealed with (``seal.check_key``)."""
    if key is None:
        yield None
        return
    from reportgen.signing.keys import check_certificate, open_signer

    with open_signer(key) as signer:
        check_certificate(signer.signing_cert, dt.datetime.now(dt.timezone.utc), key.where)
        seal.check_key(root, signer.signing_cert, key.where)
        yield signer


def _new_path(record: Record, root: Path, version: int) -> Path:
    job, fields = record.job, record.fields
    name = naming.record_name(job.kind, fields["number"], fields["symbol"], version)
    return naming.record_dir(root, job.period, job.unit) / name


def _unchanged(record: Record, root: Path, row: dict) -> Result:
    path = root / row["path"]
    note = None
    if not path.exists():
        storage.write_once(path, record.pdf)
        note = RESTORED
    return _result(record, "unchanged", row["path"], row["version"], note)


def _orphans(folder: Path, kind: str, root: Path, rows: list[dict]) -> dict[Path, int]:
    """Record files of ``kind`` in ``folder`` that the manifest does not list -> their version."""
    if not folder.is_dir():
        return {}
    listed = {r["path"] for r in rows}
    found = {}
    for path in sorted(folder.iterdir()):
        version = naming.version_of(path.name, kind)
        if version is not None and path.is_file() and _relative(path, root) not in listed:
            found[path] = version
    return found


def _add_row(record: Record, root: Path, rows: list[dict], path: Path, version: int,
             note: str | None = None) -> Result:
    relative = _relative(path, root)
    rows.append(manifest.new_row(record, relative, version, archived_at()))
    manifest.save(root, rows)
    return _result(record, "archived" if version == 1 else "new-version", relative, version, note)


def _result(record: Record, status: str, path: str, version: int, note: str | None) -> Result:
    job = record.job
    return Result(job.kind, job.unit, str(job.period), status, format="pdf", path=path, sha256=record.sha256,
                  pages=record.pages, version=version, note=note)


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def archived_at() -> str:
    """Now, in UTC to the second (``SOURCE_DATE_EPOCH`` when set, for reproducible manifests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit() else dt.datetime.now(dt.timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")
