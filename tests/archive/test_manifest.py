"""reportgen.archive.manifest: the rows of manifest.jsonl checked one by one, the CSV that must
agree with them cell for cell, and load's rule for a CSV a killed run left short, on rows made
by hand (no PDF). The manifest of a real archive is in tests/archive/test_archive.py."""

from __future__ import annotations

import json

import pytest

from reportgen.archive import manifest
from tests.tiny_pdf import hand_row


def without(row: dict, column: str) -> dict:
    return {k: v for k, v in row.items() if k != column}


A = "a" * 64


@pytest.mark.parametrize("row, problems", [
    (hand_row(), []),
    (hand_row(attachments=[{"name": "so-lieu.csv", "sha256": A}]), []),
    ([], ["không phải một đối tượng JSON"]),
    ("2022/x.pdf", ["không phải một đối tượng JSON"]),
    ({**hand_row(), "extra": 1}, ["cột sai: thiếu [], thừa ['extra']"]),
    (without(hand_row(), "title"), ["cột sai: thiếu ['title'], thừa []"]),
    (hand_row(version="1", pages=True, size=1.0), ["version phải là số nguyên", "pages phải là số nguyên",
                                                   "size phải là số nguyên"]),
    (hand_row(title=None, signer=5), ["title phải là chuỗi", "signer phải là chuỗi"]),
    (hand_row(sha256="A" * 64), ["sha256 không hợp lệ"]),
    (hand_row(sha256="a" * 63), ["sha256 không hợp lệ"]),
    (hand_row(path="../x.pdf"), ["đường dẫn không hợp lệ: '../x.pdf'"]),
    (hand_row(attachments={}), ["attachments phải là danh sách {name, sha256}"]),
    (hand_row(attachments=[{"name": "a", "sha256": "x"}]), ["attachments phải là danh sách {name, sha256}"]),
    (hand_row(attachments=[{"name": 1, "sha256": A}]), ["attachments phải là danh sách {name, sha256}"]),
    (hand_row(attachments=[{"name": "a", "sha256": A, "size": 1}]), ["attachments phải là danh sách {name, sha256}"]),
])
def test_row_problems(row, problems):
    assert manifest.row_problems(row) == problems


@pytest.mark.parametrize("path, safe", [
    ("2022/2022-Q1/TM/TB-VP_thong-bao.pdf", True), ("x.pdf", True),
    ("/x.pdf", False), ("a/../x.pdf", False), ("..", False), ("a\\x.pdf", False), ("x.PDF", False),
    ("x.pdf.tmp", False), ("", False), ("a//x.pdf", False), ("./x.pdf", False)])
def test_a_row_path_stays_inside_the_archive_and_names_a_pdf(path, safe):
    assert manifest.safe_path(path) is safe


def test_csv_cells_write_numbers_as_text_attachments_joined_and_formulas_neutralised():
    row = hand_row(title="=HYPERLINK(\"http://x\")", attachments=[{"name": "so-lieu.csv", "sha256": "0" * 64},
                                                                  {"name": "@b", "sha256": "1" * 64}])
    cells = manifest.csv_cells(row)
    assert list(cells) == list(manifest.COLUMNS)
    assert (cells["version"], cells["pages"], cells["size"]) == ("1", "1", "10")
    assert cells["title"] == "'=HYPERLINK(\"http://x\")"
    assert cells["attachments"] == f"so-lieu.csv:{'0' * 64};@b:{'1' * 64}"
    assert manifest.csv_cells(hand_row())["attachments"] == ""


def test_save_writes_the_jsonl_exactly_and_a_bom_csv_that_agrees(tmp_path):
    rows = [hand_row(signer="Trần Thị Quý"), hand_row(version=2, data=b"y", title="-5")]
    manifest.save(tmp_path, rows)
    jsonl = (tmp_path / manifest.JSONL_NAME).read_bytes()
    assert jsonl.decode("utf-8").splitlines() == [json.dumps(r, ensure_ascii=False) for r in rows]
    data = (tmp_path / manifest.CSV_NAME).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + ",".join(manifest.COLUMNS).encode() + b"\r\n")
    assert manifest.read_jsonl(tmp_path) == (rows, [])
    assert manifest.read_csv(tmp_path) == [manifest.csv_cells(r) for r in rows]
    assert manifest.disagreements(rows, manifest.read_csv(tmp_path)) == []
    assert manifest.load(tmp_path) == (rows, 0)


def test_an_archive_without_manifests_has_no_rows(tmp_path):
    assert manifest.read_jsonl(tmp_path) == ([], [])
    assert manifest.read_csv(tmp_path) is None
    assert manifest.disagreements([], None) == []
    assert manifest.load(tmp_path) == ([], 0)
    assert not (tmp_path / manifest.CSV_NAME).exists()


def test_read_jsonl_keeps_the_good_rows_and_names_each_bad_line(tmp_path):
    good = hand_row()
    lines = [json.dumps(good), "{", json.dumps([1]), json.dumps(hand_row(version=2, sha256="x")), " "]
    (tmp_path / manifest.JSONL_NAME).write_text("\n".join(lines), encoding="utf-8")
    rows, problems = manifest.read_jsonl(tmp_path)
    assert rows == [good]
    assert problems == [
        ("manifest.jsonl", "dòng 2: không đọc được JSON (Expecting property name enclosed in double quotes)"),
        ("manifest.jsonl", "dòng 3: không phải một đối tượng JSON"),
        ("manifest.jsonl", "dòng 4: sha256 không hợp lệ"),
        ("manifest.jsonl", "dòng 5: không đọc được JSON (Expecting value)")]


def test_disagreements_name_the_csv_line_and_column(tmp_path):
    rows = [hand_row(), hand_row(version=2, data=b"y", signer="Trần Thị Quý")]
    manifest.save(tmp_path, rows)
    cells = manifest.read_csv(tmp_path)
    assert manifest.disagreements(rows, None) == [("manifest.csv", "thiếu tệp manifest.csv")]
    assert manifest.disagreements(rows, cells[:1]) == [("manifest.csv", "có 1 dòng dữ liệu, manifest.jsonl có 2 dòng")]
    cells[1]["signer"] = "Nguyễn Văn A"
    cells[0]["size"] = "=10"
    del cells[1]["title"]
    assert manifest.disagreements(rows, cells) == [
        ("manifest.csv", "dòng 2: cột size có thể bị bảng tính hiểu là công thức ('=10'); phải ghi '10'"),
        ("manifest.csv", "dòng 3: cột title khác manifest.jsonl (None ≠ '')"),
        ("manifest.csv", "dòng 3: cột signer khác manifest.jsonl ('Nguyễn Văn A' ≠ 'Trần Thị Quý')")]


def test_load_completes_a_csv_a_killed_run_left_short_and_refuses_any_other_disagreement(tmp_path):
    first, second = hand_row(), hand_row(version=2, data=b"y")
    manifest.save(tmp_path, [first])
    (tmp_path / manifest.JSONL_NAME).write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (first, second)), encoding="utf-8")
    assert manifest.load(tmp_path) == ([first, second], 1)
    assert manifest.read_csv(tmp_path) == [manifest.csv_cells(first), manifest.csv_cells(second)]

    (tmp_path / manifest.CSV_NAME).unlink()  # no CSV at all: a short one too
    assert manifest.load(tmp_path) == ([first, second], 2)

    text = (tmp_path / manifest.CSV_NAME).read_text(encoding="utf-8-sig").replace("TB-VP", "TB-XX", 1)
    (tmp_path / manifest.CSV_NAME).write_text(text, encoding="utf-8-sig")
    before = (tmp_path / manifest.CSV_NAME).read_bytes()
    with pytest.raises(manifest.ManifestError) as raised:
        manifest.load(tmp_path)
    assert str(raised.value) == ("Manifest hỏng, hãy kiểm tra bằng reportgen verify: manifest.csv dòng 2: cột path "
                                 "khác manifest.jsonl ('2022/2022-Q1/TM/TB-XX_thong-bao.pdf' ≠ "
                                 "'2022/2022-Q1/TM/TB-VP_thong-bao.pdf')")
    assert raised.value.exit_code == 1
    assert (tmp_path / manifest.CSV_NAME).read_bytes() == before  # nothing rewritten
