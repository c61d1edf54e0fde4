"""The one exception hierarchy of reportgen, and the one place exceptions become exit codes.

Nothing in the library prints or exits: it raises one of these, and the CLI exits with
:func:`exit_code_of` the exception. Exit codes:

====  =====================================================================
0     success
1     a build or archive run finished but some documents failed or could not be
      made (each is listed, template errors of one document included); also an
      unexpected error (a bug), whose traceback is written to a log file
2     invalid input: workspace files, config, meeting files, options (``InvalidInput``)
3     a template cannot be used at all: syntax error, template or include not found,
      read through a link leaving the template folders (``TemplateFailure`` raised
      before any document is rendered; nothing is written)
4     the machine lacks something: a font with Vietnamese coverage
      (``MissingSystemDependency``)
130   stopped by Ctrl-C (SIGINT); 143 stopped by SIGTERM (``Interrupted``)
====  =====================================================================

An unexpected exception (any other) is never shown as a traceback: :func:`describe_failure`
writes the traceback to a log file under :data:`LOG_DIR` and returns a short Vietnamese
message naming the document (or command) it concerns and that file.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem found in the input, located as the user sees it."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "error"  # "error" or "warning"
    cell: str | None = None  # a spreadsheet cell as Excel names it ("F6"), shown instead of row/column
    heading: str | None = None  # the column's heading as a workbook writes it ("Số hồ sơ nhận giải quyết / Trực tuyến")

    def __str__(self) -> str:
        where = self.file
        if self.cell:
            where += f", ô {self.cell}"
        elif self.row is not None:
            where += f", dòng {self.row}"
        if self.column and not self.cell:
            where += f", cột {self.column}"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (giá trị: {self.value!r})"
        return text


class ReportgenError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with.

    ``document_exit_code`` is the run's exit code when the error concerns one document of a
    build or archive run (which goes on with the others): 1, but for what the machine lacks.
    """

    exit_code = 1
    document_exit_code = 1


class InvalidInput(ReportgenError):
    """The workspace has errors; ``problems`` lists every one of them."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        self.omitted = 0  # errors counted but not listed (see workspace.bounded)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(f"{len(errors)} lỗi trong dữ liệu đầu vào")

    def __reduce__(self):
        """Picklable (a build's worker process sends it back to stop the run): made again from
        its problems, not from its message."""
        return type(self), (self.problems,), self.__dict__


class TemplateFailure(ReportgenError):
    """A template could not be rendered (undefined value, syntax, sandbox)."""

    exit_code = 3


class UnsupportedMarkup(TemplateFailure):
    """A template produced HTML outside the documented subset (docs/html-subset.md)."""


class MissingSystemDependency(ReportgenError):
    """Something the machine must provide is missing, e.g. a Vietnamese font."""

    exit_code = 4
    document_exit_code = 4


class DiskFault(ReportgenError, OSError):
    """A file could not be written for a reason of the machine, not of reportgen: the disk or
    the quota is full, no permission, a read-only file system. An ``OSError`` too (with the
    folder as its file name), so that code handling the system's errors handles it; its
    message names the folder and what ran out, and it is no bug (nothing to send anyone)."""

    exit_code = 1

    def __init__(self, code: int | None, folder, doing: str = ""):
        OSError.__init__(self, code, os.strerror(code) if code else "", str(folder))
        self.folder, self.doing = str(folder), doing

    def __reduce__(self):
        return type(self), (self.errno, self.folder, self.doing)

    def __str__(self) -> str:
        what = FAULT_TEXT.get(self.errno or 0, self.strerror or "lỗi hệ thống")
        advice = FAULT_ADVICE.get(self.errno or 0, "hãy khắc phục rồi chạy lại lệnh")
        doing = f" khi {self.doing}" if self.doing else ""
        return f"Không ghi được vào thư mục {self.folder}{doing}: {what}; {advice}"


# errno -> what it means for the user (the archive's messages too), and what to do
FAULT_TEXT = {
    errno.EACCES: "không có quyền truy cập", errno.EPERM: "không được phép",
    errno.EROFS: "hệ thống tệp chỉ đọc", errno.ELOOP: "vòng lặp liên kết tượng trưng (symlink)",
    errno.ENOSPC: "hết chỗ trên đĩa", errno.EDQUOT: "vượt hạn mức đĩa (quota)",
    errno.ENOTDIR: "không phải thư mục", errno.EISDIR: "là thư mục, không phải tệp",
    errno.ENOENT: "không tồn tại", errno.EEXIST: "đã có",
    errno.ENAMETOOLONG: "tên quá dài", errno.EIO: "lỗi đọc ghi thiết bị",
}
FAULT_ADVICE = {
    errno.ENOSPC: "hãy giải phóng chỗ trống trên đĩa chứa thư mục này rồi chạy lại lệnh",
    errno.EDQUOT: "hãy xoá bớt tệp hoặc xin nới hạn mức rồi chạy lại lệnh",
    errno.EACCES: "hãy cấp quyền ghi thư mục này hoặc chọn thư mục khác rồi chạy lại lệnh",
    errno.EPERM: "hãy cấp quyền ghi thư mục này hoặc chọn thư mục khác rồi chạy lại lệnh",
    errno.EROFS: "hãy chọn một thư mục ghi được rồi chạy lại lệnh",
}
# The errors of the machine, not of reportgen: named, never logged as a bug.
MACHINE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EIO)


class BuildFailed(ReportgenError):
    """Some documents of a build could not be made; the rest were written."""

    exit_code = 1


UNEXPECTED_EXIT_CODE = 1


def exit_code_of(exc: BaseException, one_document: bool = False) -> int:
    """The exit code a run ends with because of ``exc`` (raised for ``one_document`` of many)."""
    if not isinstance(exc, ReportgenError):
        return UNEXPECTED_EXIT_CODE
    return exc.document_exit_code if one_document else exc.exit_code


def log_dir() -> Path:
    """Where tracebacks of unexpected errors go: ``<temp dir>/reportgen-logs/``."""
    import tempfile  # here, not at the top: the CLI imports this module and should start fast

    return Path(tempfile.gettempdir()) / "reportgen-logs"


def describe_failure(exc: BaseException, concerning: str) -> str:
    """The message for ``exc``; an unexpected one is logged with its traceback first.

    ``concerning`` names the document (``2022-Q1 TM bao-cao``) or the command.
    """
    if isinstance(exc, ReportgenError):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno in MACHINE_ERRNOS:  # the machine's fault, not a bug
        name = os.fsdecode(exc.filename) if exc.filename else None
        folder = (name if os.path.isdir(name) else os.path.dirname(name)) if name else "?"
        return str(DiskFault(exc.errno, folder))
    text = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {text[:150]}{'...' if len(text) > 150 else ''}" if text else type(exc).__name__
    try:
        where = f"chi tiết trong {log_traceback(exc, concerning)}; hãy gửi tệp này cho nhóm phát triển"
    except OSError as log_error:
        where = f"không ghi được tệp nhật ký ({log_error}); hãy báo cho nhóm phát triển"
    return f"lỗi không lường trước ({text}); {where}"


def log_traceback(exc: BaseException, concerning: str) -> Path:
    """Append ``exc``'s traceback to this process's log file; return the file's path."""
    import datetime as dt
    import traceback

    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    path = folder / f"reportgen-{now:%Y%m%d-%H%M%S}-{os.getpid()}.log"
    with path.open("a", encoding="utf-8") as log:
        log.write(f"{now.isoformat(timespec='seconds')} {concerning}\n")
        log.write("".join(traceback.format_exception(exc)))
        log.write("\n")
    return path


class Interrupted(BaseException):
    """The run was stopped by a signal; ``exit_code`` is 128 + its number (130, 143).

    Like KeyboardInterrupt, not an ``Exception``: no ``except Exception`` on the way (a
    document's render, a library) may take it for a failure and carry on.
    """

    NAMES = {2: "Ctrl-C / SIGINT", 15: "SIGTERM"}

    def __init__(self, signum: int):
        self.signum = int(signum)
        super().__init__(self.NAMES.get(self.signum, f"tín hiệu {self.signum}"))

    @property
    def exit_code(self) -> int:
        return 128 + self.signum
