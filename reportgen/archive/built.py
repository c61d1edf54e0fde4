"""Is a record what was built? Every input of the document against the build in ``outputs/``.

The build remembers, per output file, the fingerprint of everything that made it
(:mod:`reportgen.fingerprint`: the data the context comes from, every template, stylesheet
and image of the workspace's and the built-in template folders, ``base.docx``, the fonts,
reportgen's version and code). Before a record is made, the fingerprints of the document's
built DOCX (which the record embeds) and, when it was built, its PDF (which the record is
laid out like) must be those of the inputs now, and the files those the build wrote; after,
the DOCX the record embeds must be byte-identical to the built one. Any difference refuses
the document, with every reason, each naming the file or input that changed.
"""

from __future__ import annotations

from pathlib import Path

from reportgen import fingerprint as fp
from reportgen.archive import attachments
from reportgen.archive.records import Record
from reportgen.job import Job
from reportgen.layout import output_path, relative_path
from reportgen.store import Store, sha256_file
from reportgen.workspace import Workspace

CHECKED_FORMATS = ("docx", "pdf")  # the DOCX is embedded; the PDF is what the record is laid out like
RERUN = "chạy lại reportgen build rồi lưu trữ"
NOT_BUILT = "chưa lập văn bản"  # the web page says these two in its own words (web/words.archive_reason)


class BuildCheck:
    """The build in ``built_root``, against the inputs of ``ws`` (fingerprints computed once)."""

    def __init__(self, ws: Workspace, built_root: Path):
        self.root = Path(built_root)
        self.store, self.warning = Store.load(self.root)
        self.inputs = fp.Inputs(ws, skip_folders=[self.root])

    def before(self, job: Job) -> str | None:
        """Why ``job``'s built files are not what its inputs make now (None: they are). Renders nothing."""
        docx = output_path(self.root, job, "docx")
        if not docx.is_file():
            return f"{NOT_BUILT}: không có {docx}; chạy reportgen build trước khi lưu trữ"
        reasons = [self.warning] if self.warning else []
        for fmt in CHECKED_FORMATS:
            if fmt == "docx" or self.store.entry(relative_path(job, fmt)) is not None:
                reasons += [r for r in fp.built_differences(self.store, self.inputs, job, fmt) if r not in reasons]
        return _refused(reasons)

    def after(self, record: Record) -> str | None:
        """Why the record's embedded DOCX is not the built one (None: byte-identical)."""
        docx = output_path(self.root, record.job, "docx")
        embedded = next(a["sha256"] for a in record.attachments if a["name"] == attachments.docx_name(record.job))
        if sha256_file(docx) == embedded:
            return None
        return _refused([f"{docx} khác với văn bản lập từ dữ liệu hiện tại"])


def _refused(reasons: list[str]) -> str | None:
    return f"không phải văn bản đã lập: {'; '.join(reasons)}; {RERUN}" if reasons else None
