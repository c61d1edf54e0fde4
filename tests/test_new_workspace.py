"""``reportgen init`` (reportgen/new_workspace.py): a sample workspace copied into a new or
empty folder, other files kept, nothing replaced."""

from __future__ import annotations

import pytest

from reportgen.errors import InvalidInput
from reportgen.new_workspace import init_workspace, others
from tests.conftest import SAMPLE


def relative(files, root) -> list[str]:
    return [str(p.relative_to(root)) for p in files]


def test_the_2022_sample_into_a_new_folder(tmp_path):
    target = tmp_path / "moi"
    written = init_workspace(target)
    expected = sorted(str(p.relative_to(SAMPLE)) for part in ("reportgen.toml", "units.csv", "figures", "meetings")
                      for p in [SAMPLE / part, *(SAMPLE / part).rglob("*")] if p.is_file())
    assert sorted(relative(written, target)) == expected
    assert (target / "units.csv").read_bytes() == (SAMPLE / "units.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moi"]  # no staging folder left


def test_the_2025_sample_beside_other_files_which_are_kept(tmp_path):
    (tmp_path / "ghi-chu.txt").write_text("của tôi", encoding="utf-8")
    assert others(tmp_path) == ["ghi-chu.txt"]
    init_workspace(tmp_path, "2025")
    assert (tmp_path / "reportgen.toml").read_bytes() == (SAMPLE / "mau-2025" / "reportgen.toml").read_bytes()
    assert (tmp_path / "ghi-chu.txt").read_text(encoding="utf-8") == "của tôi"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures", "ghi-chu.txt", "meetings", "reportgen.toml", "units.csv"]


def messages(target, sample="2022") -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        init_workspace(target, sample)
    return [str(p) for p in caught.value.problems]


def test_what_is_refused(tmp_path):
    (tmp_path / "units.csv").write_text("giữ nguyên", encoding="utf-8")
    assert messages(tmp_path) == [
        f"{tmp_path}: thư mục đã có dữ liệu của một workspace (units.csv); reportgen init không ghi đè gì: hãy chọn "
        "một thư mục mới hoặc rỗng, hoặc dùng thư mục này bằng --workspace"]
    assert (tmp_path / "units.csv").read_text(encoding="utf-8") == "giữ nguyên"
    assert messages(tmp_path / "units.csv") == [
        f"{tmp_path}/units.csv: đây là một tệp, không phải thư mục; hãy chọn một thư mục mới"]
    assert messages(tmp_path / "x", "2030") == ["--mau: không có mẫu này; có: 2022, 2025 (giá trị: '2030')"]
    assert others(tmp_path / "khong-co") == []
