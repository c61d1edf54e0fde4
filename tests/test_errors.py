"""Errors (reportgen/errors.py): a problem located as the user sees it, each error's exit
code, the machine's faults named in words, an unexpected error logged, a signal's exit code."""

from __future__ import annotations

import errno
import pickle

import pytest

from reportgen import errors
from reportgen.errors import (
    DiskFault,
    Interrupted,
    InvalidInput,
    MissingSystemDependency,
    Problem,
    TemplateFailure,
    UnsupportedMarkup,
    describe_failure,
    exit_code_of,
)


def test_a_problem_names_file_row_column_and_value():
    assert str(Problem("figures/q1.csv", "cần một số nguyên", row=4, column="truc_tuyen", value="abc")) == (
        "figures/q1.csv, dòng 4, cột truc_tuyen: cần một số nguyên (giá trị: 'abc')")


def test_a_spreadsheet_cell_is_named_instead_of_row_and_column():
    problem = Problem("figures/bieu.xlsx", "ô trống", row=6, column="truc_tuyen", cell="F6")
    assert str(problem) == "figures/bieu.xlsx, ô F6: ô trống"


def test_a_problem_of_the_whole_file_names_only_the_file():
    assert str(Problem("units.csv", "thiếu cột ma_don_vi")) == "units.csv: thiếu cột ma_don_vi"


def test_invalid_input_counts_errors_not_warnings_and_survives_pickling():
    exc = InvalidInput([Problem("a", "x"), Problem("b", "y", severity="warning"), Problem("c", "z")])
    assert str(exc) == "2 lỗi trong dữ liệu đầu vào"
    back = pickle.loads(pickle.dumps(exc))
    assert (type(back), back.problems, str(back)) == (InvalidInput, exc.problems, str(exc))


@pytest.mark.parametrize("exc, run, one_document", [
    (InvalidInput([]), 2, 1), (TemplateFailure("t"), 3, 1), (UnsupportedMarkup("u"), 3, 1),
    (MissingSystemDependency("font"), 4, 4), (DiskFault(errno.ENOSPC, "/out"), 1, 1), (ValueError("bug"), 1, 1),
])
def test_exit_codes(exc, run, one_document):
    assert exit_code_of(exc) == run
    assert exit_code_of(exc, one_document=True) == one_document


def test_a_disk_fault_names_the_folder_what_ran_out_and_what_to_do():
    fault = DiskFault(errno.ENOSPC, "/srv/out", "ghi bao-cao.pdf")
    assert str(fault) == ("Không ghi được vào thư mục /srv/out khi ghi bao-cao.pdf: hết chỗ trên đĩa; "
                          "hãy giải phóng chỗ trống trên đĩa chứa thư mục này rồi chạy lại lệnh")
    assert isinstance(fault, OSError) and fault.errno == errno.ENOSPC and fault.filename == "/srv/out"
    assert str(pickle.loads(pickle.dumps(fault))) == str(fault)
    assert str(DiskFault(errno.EIO, "/x")) == ("Không ghi được vào thư mục /x: lỗi đọc ghi thiết bị; "
                                               "hãy khắc phục rồi chạy lại lệnh")


def test_the_machines_os_error_is_described_as_a_disk_fault_of_its_folder(tmp_path):
    exc = OSError(errno.EROFS, "Read-only file system", str(tmp_path / "bao-cao.pdf"))
    assert describe_failure(exc, "2022-Q1 TM bao-cao") == (
        f"Không ghi được vào thư mục {tmp_path}: hệ thống tệp chỉ đọc; "
        "hãy chọn một thư mục ghi được rồi chạy lại lệnh")


def test_an_unexpected_error_is_logged_with_its_traceback(tmp_path, monkeypatch):
    monkeypatch.setattr(errors, "log_dir", lambda: tmp_path / "logs")
    try:
        raise KeyError("khoá lạ")
    except KeyError as exc:
        text = describe_failure(exc, "2022-Q1 TM bao-cao")
    [log] = (tmp_path / "logs").iterdir()
    assert text == (f"lỗi không lường trước (KeyError: 'khoá lạ'); chi tiết trong {log}; "
                    "hãy gửi tệp này cho nhóm phát triển")
    content = log.read_text(encoding="utf-8")
    assert " 2022-Q1 TM bao-cao\n" in content and 'raise KeyError("khoá lạ")' in content


def test_a_reportgen_error_is_its_own_message():
    assert describe_failure(TemplateFailure("Mẫu bao-cao.html.j2, dòng 3: lỗi cú pháp"), "x") == (
        "Mẫu bao-cao.html.j2, dòng 3: lỗi cú pháp")


def test_interrupted_exits_128_plus_the_signal_and_is_no_exception():
    assert (Interrupted(2).exit_code, str(Interrupted(2))) == (130, "Ctrl-C / SIGINT")
    assert (Interrupted(15).exit_code, str(Interrupted(15))) == (143, "SIGTERM")
    assert str(Interrupted(1)) == "tín hiệu 1"
    assert not isinstance(Interrupted(2), Exception)
