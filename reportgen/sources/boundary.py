"""The workspace as a boundary: what may be read, how much of it, and which characters.

A workspace often comes from elsewhere (a commune sends its folder), so nothing is read
through a symbolic link, nothing that is not a regular file (a device, a pipe, a folder),
and nothing larger than its limit. A refused file's content is never read, so it can
never be echoed in an error. Text is checked for characters that have no place in an
official document (control characters, bidirectional overrides, lone surrogates).
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from pathlib import Path


class Refused(Exception):
    """The file may not be read; the message says why, in Vietnamese."""


def vi_int(number: int) -> str:
    """``1048576`` -> ``1.048.576``, digits grouped as Vietnamese writes them."""
    return f"{number:,}".replace(",", ".")


def check_inside(root: Path, relative: str | Path) -> Path:
    """``root / relative`` if no part of it below ``root`` is a symbolic link, else Refused.

    ``relative`` never leaves ``root`` (no ``..``, not absolute): callers pass names they
    listed themselves, and this is checked too.
    """
    relative = Path(relative)
    if relative.is_absolute() or ".." in relative.parts:
        raise Refused("đường dẫn ra ngoài thư mục dữ liệu: không đọc")
    path = Path(root)
    for part in relative.parts:
        path = path / part
        if path.is_symlink():
            raise Refused("là liên kết tượng trưng (symlink): không đọc; "
                          "reportgen chỉ đọc tệp nằm thật trong thư mục dữ liệu")
    return path


def read_inside(root: Path, relative: str | Path, limit: int, limit_key: str | None) -> bytes:
    """The bytes of a regular file inside ``root``, at most ``limit`` of them, else Refused.

    ``limit_key`` names the setting of ``reportgen.toml`` that raises the limit.
    """
    path = check_inside(root, relative)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Refused(f"không mở được tệp ({exc.strerror})") from exc
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise Refused("không phải tệp thông thường (thư mục, thiết bị hoặc đường ống): không đọc")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > limit:
            raise Refused(_too_big(info.st_size, limit, limit_key))
        data = handle.read(limit + 1)
    if len(data) > limit:  # the file grew while being read
        raise Refused(_too_big(len(data), limit, limit_key))
    return data


# An .xlsx is a zip of XML: it may unpack to this many times the file size limit.
UNPACKED_FACTOR = 5


def check_unpacked(data: bytes, limit: int, limit_key: str | None) -> None:
    """Refuse a zip (an .xlsx) whose members unpack to more than ``UNPACKED_FACTOR × limit``.

    The sizes are those the zip declares; Python's zipfile never inflates a member past
    its declared size (a lie ends in a CRC error), so a "zip bomb" is caught here, before
    openpyxl inflates it. A file that is not a zip is left to the reader to report.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if unpacked > UNPACKED_FACTOR * limit:
        how = f" (đặt [limits] {limit_key} trong reportgen.toml để nâng)" if limit_key else ""
        raise Refused(f"tệp nén (Excel) giải nén ra quá lớn: {vi_int(unpacked)} byte, tối đa "
                      f"{vi_int(UNPACKED_FACTOR * limit)} byte, {UNPACKED_FACTOR} lần giới hạn tệp{how}")


def check_size(data: bytes, limit: int, limit_key: str | None) -> bytes:
    """``data`` when it holds at most ``limit`` bytes, else Refused as ``read_inside`` refuses a file
    (for bytes not read from a file yet: the web page's pending files)."""
    if len(data) > limit:
        raise Refused(_too_big(len(data), limit, limit_key))
    return data


def _too_big(size: int, limit: int, limit_key: str | None) -> str:
    how = f" (đặt [limits] {limit_key} trong reportgen.toml để nâng)" if limit_key else ""
    return f"tệp quá lớn: {vi_int(size)} byte, tối đa {vi_int(limit)} byte{how}"


# C0/C1 controls except tab, line feed and carriage return; DEL; lone surrogates;
# bidirectional embeddings, overrides and isolates (they reorder what a reader sees);
# the noncharacters U+FFFE/U+FFFF (not allowed in XML, so in DOCX).
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
                  "\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_BAD_IN_CELL = re.compile(_BAD.pattern[:-1] + "\t\n\r]")


def bad_character(text: str, *, in_cell: bool = False) -> str | None:
    """A description of the first forbidden character of ``text``, or None.

    In a table cell (``in_cell``) tab and line breaks are forbidden too: a cell is one line.
    """
    match = (_BAD_IN_CELL if in_cell else _BAD).search(text)
    if match is None:
        return None
    char = match.group()
    return f"ký tự điều khiển U+{ord(char):04X} ở vị trí {match.start() + 1} không được phép trong văn bản"


def first_bad_line(text: str) -> tuple[int, str] | None:
    """(line number, description) of the first forbidden character of a whole file."""
    match = _BAD.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    char = match.group()
    return line, f"ký tự điều khiển U+{ord(char):04X} ở cột {column} không được phép"


def shorten(value: str | None, limit: int = 80) -> str | None:
    """A value as an error may show it: at most ``limit`` characters."""
    if value is None or len(value) <= limit:
        return value
    return value[:limit] + f"… ({vi_int(len(value))} ký tự)"


def visible(text: str | None) -> str | None:
    """``text`` with every forbidden character written as an escape (``\\x1b``).

    For what an error prints as it is (file names, column names): a control character
    there could otherwise drive the user's terminal.
    """
    if text is None or not _BAD_IN_CELL.search(text):
        return text
    return _BAD_IN_CELL.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)
