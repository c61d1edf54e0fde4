"""reportgen.sources.boundary: what may be read from a workspace (no link, no special file, within
its limit, a zip within its unpacked limit) and which characters text may hold. The CLI's side of
the same refusals is in tests/behaviour/test_hostile_input.py."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest

from reportgen.sources.boundary import (
    Refused,
    bad_character,
    check_inside,
    check_size,
    check_unpacked,
    first_bad_line,
    read_inside,
    shorten,
    vi_int,
    visible,
)

SECRET = "BÍ-MẬT-NGOÀI-WORKSPACE root:x:0:0"
SYMLINK = "là liên kết tượng trưng (symlink): không đọc; reportgen chỉ đọc tệp nằm thật trong thư mục dữ liệu"
OUTSIDE = "đường dẫn ra ngoài thư mục dữ liệu: không đọc"
# every shape of path the workspace is read through (reportgen.toml and units.csv have no folder)
READ_PATHS = ["figures/mot-cua-2022-q1.csv", "figures/bieu-tong-hop.xlsx", "meetings/2022-q1-thap-muoi.yaml",
              "anh/hop.jpg", "anh/2022/q1/hop.jpg"]


@pytest.mark.parametrize("number, text", [(0, "0"), (999, "999"), (1000, "1.000"), (1_048_576, "1.048.576"),
                                          (-12_345, "-12.345")])
def test_vi_int_groups_digits_with_dots(number, text):
    assert vi_int(number) == text


@pytest.mark.parametrize("relative", READ_PATHS)
def test_a_folder_symlinked_anywhere_in_a_read_path_is_refused(tmp_path, relative):
    """Each folder on the way, linked to a real folder outside holding the rest of the path:
    refused by check_inside and read_inside, whichever part is the link."""
    parts = Path(relative).parts
    assert len(parts) >= 2
    for depth in range(1, len(parts)):
        root = tmp_path / f"ws-{depth}"
        outside = tmp_path / f"outside-{depth}"
        (outside / Path(*parts[depth:])).parent.mkdir(parents=True, exist_ok=True)
        (outside / Path(*parts[depth:])).write_text(SECRET, encoding="utf-8")
        (root / Path(*parts[:depth])).parent.mkdir(parents=True, exist_ok=True)
        (root / Path(*parts[:depth])).symlink_to(outside, target_is_directory=True)
        assert (root / relative).read_text(encoding="utf-8") == SECRET  # the link does lead outside
        with pytest.raises(Refused, match=f"^{re.escape(SYMLINK)}$"):
            check_inside(root, relative)
        with pytest.raises(Refused, match=f"^{re.escape(SYMLINK)}$"):
            read_inside(root, relative, 1 << 20, None)


@pytest.mark.parametrize("relative", ["../ngoai.csv", "figures/../../ngoai.csv", "/etc/passwd"])
def test_a_path_leaving_the_workspace_is_refused_before_anything_is_looked_at(tmp_path, relative):
    with pytest.raises(Refused, match=f"^{re.escape(OUTSIDE)}$"):
        check_inside(tmp_path, relative)
    with pytest.raises(Refused, match=f"^{re.escape(OUTSIDE)}$"):
        read_inside(tmp_path, relative, 100, None)


def test_a_file_linked_inside_the_workspace_is_refused_too(tmp_path):
    (tmp_path / "that.csv").write_text("ky\n", encoding="utf-8")
    (tmp_path / "this.csv").symlink_to(tmp_path / "that.csv")
    with pytest.raises(Refused, match=f"^{re.escape(SYMLINK)}$"):
        read_inside(tmp_path, "this.csv", 100, None)
    assert check_inside(tmp_path, "that.csv") == tmp_path / "that.csv"
    assert check_inside(tmp_path, "chua-co/tep.csv") == tmp_path / "chua-co" / "tep.csv"  # missing is not refused


def test_a_regular_file_is_read_up_to_its_limit_and_refused_one_byte_past_it(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.csv").write_bytes(b"x" * 1000)
    assert read_inside(tmp_path, "figures/a.csv", 1000, "figures_file_mb") == b"x" * 1000
    with pytest.raises(Refused) as raised:
        read_inside(tmp_path, "figures/a.csv", 999, "figures_file_mb")
    assert str(raised.value) == ("tệp quá lớn: 1.000 byte, tối đa 999 byte "
                                 "(đặt [limits] figures_file_mb trong reportgen.toml để nâng)")
    with pytest.raises(Refused) as raised:
        read_inside(tmp_path, "figures/a.csv", 10, None)
    assert str(raised.value) == "tệp quá lớn: 1.000 byte, tối đa 10 byte"


def test_a_link_swapped_in_after_the_check_is_not_followed(tmp_path, monkeypatch):
    """The race: figures/a.csv is a regular file when check_inside looks, a link outside when
    read_inside opens it (simulated by skipping the check). The open itself refuses the link."""
    from reportgen.sources import boundary

    (tmp_path / "figures").mkdir()
    (tmp_path / "ngoai.csv").write_text(SECRET, encoding="utf-8")
    (tmp_path / "figures/a.csv").symlink_to(tmp_path / "ngoai.csv")
    monkeypatch.setattr(boundary, "check_inside", lambda root, relative: Path(root) / relative)
    with pytest.raises(Refused, match=r"^không mở được tệp \(Too many levels of symbolic links\)$"):
        read_inside(tmp_path, "figures/a.csv", 1 << 20, None)


def test_a_folder_a_pipe_and_a_missing_file_are_refused_unread(tmp_path):
    (tmp_path / "thu-muc.csv").mkdir()
    with pytest.raises(Refused, match=r"^không phải tệp thông thường \(thư mục, thiết bị hoặc đường ống\): không đọc$"):
        read_inside(tmp_path, "thu-muc.csv", 100, None)
    os.mkfifo(tmp_path / "ong.csv")  # opened without blocking, refused without waiting for a writer
    with pytest.raises(Refused, match=r"^không phải tệp thông thường"):
        read_inside(tmp_path, "ong.csv", 100, None)
    with pytest.raises(Refused, match=r"^không mở được tệp \(No such file or directory\)$"):
        read_inside(tmp_path, "khong-co.csv", 100, None)


def test_check_size_refuses_bytes_as_read_inside_refuses_a_file():
    assert check_size(b"abc", 3, None) == b"abc"
    with pytest.raises(Refused) as raised:
        check_size(b"x" * 2048, 2047, "upload_mb")
    assert str(raised.value) == "tệp quá lớn: 2.048 byte, tối đa 2.047 byte (đặt [limits] upload_mb trong reportgen.toml để nâng)"


def _zip_declaring(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", b"\0" * (size - 100))
        archive.writestr("b.xml", b"\0" * 100)
    return buffer.getvalue()


def test_a_zip_unpacking_to_exactly_five_times_the_limit_passes_one_byte_more_does_not():
    check_unpacked(_zip_declaring(5000), 1000, "figures_file_mb")
    with pytest.raises(Refused) as raised:
        check_unpacked(_zip_declaring(5001), 1000, "figures_file_mb")
    assert str(raised.value) == ("tệp nén (Excel) giải nén ra quá lớn: 5.001 byte, tối đa 5.000 byte, 5 lần giới hạn "
                                 "tệp (đặt [limits] figures_file_mb trong reportgen.toml để nâng)")
    with pytest.raises(Refused) as raised:
        check_unpacked(_zip_declaring(12_345), 2000, None)
    assert str(raised.value) == "tệp nén (Excel) giải nén ra quá lớn: 12.345 byte, tối đa 10.000 byte, 5 lần giới hạn tệp"
    check_unpacked(b"ky,ma_don_vi\n" * 1000, 10, None)  # not a zip: left to the reader


@pytest.mark.parametrize("text, found", [
    ("Xã Mỹ An\tB", None), ("dòng 1\r\ndòng 2", None), ("Tháp Mười", None),
    ("a\x00b", "ký tự điều khiển U+0000 ở vị trí 2 không được phép trong văn bản"),
    ("ab\x1b[31m", "ký tự điều khiển U+001B ở vị trí 3 không được phép trong văn bản"),
    ("\x7f", "ký tự điều khiển U+007F ở vị trí 1 không được phép trong văn bản"),
    ("x\x85", "ký tự điều khiển U+0085 ở vị trí 2 không được phép trong văn bản"),
    ("Xã \u202eAn", "ký tự điều khiển U+202E ở vị trí 4 không được phép trong văn bản"),
    ("\u2066", "ký tự điều khiển U+2066 ở vị trí 1 không được phép trong văn bản"),
    ("a\ud800", "ký tự điều khiển U+D800 ở vị trí 2 không được phép trong văn bản"),
    ("\uffff", "ký tự điều khiển U+FFFF ở vị trí 1 không được phép trong văn bản"),
])
def test_bad_character_in_text(text, found):
    assert bad_character(text) == found


@pytest.mark.parametrize("char, bad", [
    ("\x00", True), ("\x08", True), ("\t", False), ("\n", False), ("\x0b", True), ("\x0c", True), ("\r", False),
    ("\x0e", True), ("\x1f", True), (" ", False), ("~", False), ("\x7f", True), ("\x9f", True), ("\xa0", False),
    ("\u2029", False), ("\u202a", True), ("\u202e", True), ("\u202f", False), ("\u2065", False),
    ("\u2066", True), ("\u2069", True), ("\u206a", False), ("\ufffd", False), ("\ufffe", True), ("\uffff", True),
    ("\ud800", True), ("\udfff", True), ("ư", False),
])
def test_each_forbidden_range_ends_where_it_says(char, bad):
    """Each range of forbidden characters with its neighbours on both sides, through all four
    functions that use it (a cell forbids tab and line breaks too)."""
    text = f"Xã{char}An"
    found = f"ký tự điều khiển U+{ord(char):04X} ở vị trí 3 không được phép trong văn bản"
    in_cell = bad or char in "\t\n\r"
    assert bad_character(text) == (found if bad else None)
    assert bad_character(text, in_cell=True) == (found if in_cell else None)
    assert first_bad_line("dòng 1\n" + text) == ((2, f"ký tự điều khiển U+{ord(char):04X} ở cột 3 không được phép")
                                                 if bad else None)
    escaped = char.encode("unicode_escape", "backslashreplace").decode("ascii")
    assert visible(text) == (f"Xã{escaped}An" if in_cell else text)


def test_a_cell_is_one_line_so_tab_and_line_breaks_are_bad_there():
    assert bad_character("Xã\tMỹ An", in_cell=True) == "ký tự điều khiển U+0009 ở vị trí 3 không được phép trong văn bản"
    assert bad_character("a\nb", in_cell=True) == "ký tự điều khiển U+000A ở vị trí 2 không được phép trong văn bản"
    assert bad_character("a\rb", in_cell=True) == "ký tự điều khiển U+000D ở vị trí 2 không được phép trong văn bản"
    assert bad_character("Xã Mỹ An", in_cell=True) is None


def test_first_bad_line_names_line_and_column():
    assert first_bad_line("a: 1\nb: 2\n") is None
    assert first_bad_line("a: 1\nchu_tri: Ng\x1bA\n") == (2, "ký tự điều khiển U+001B ở cột 12 không được phép")
    assert first_bad_line("\x00") == (1, "ký tự điều khiển U+0000 ở cột 1 không được phép")
    assert first_bad_line("ok\tok\r\nx\u202e") == (2, "ký tự điều khiển U+202E ở cột 2 không được phép")
    assert first_bad_line("\nab\x07") == (2, "ký tự điều khiển U+0007 ở cột 3 không được phép")  # opens on a blank line


def test_shorten_keeps_80_characters_and_says_how_many_there_were():
    assert shorten(None) is None
    assert shorten("a" * 80) == "a" * 80
    assert shorten("a" * 81) == "a" * 80 + "… (81 ký tự)"
    assert shorten("b" * 5000, 3) == "bbb… (5.000 ký tự)"


def test_visible_escapes_what_could_drive_a_terminal():
    assert visible(None) is None
    assert visible("Tháp Mười") == "Tháp Mười"
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("cột\tmột\n") == "cột\\tmột\\n"
    assert visible("\u202eabc") == "\\u202eabc"
