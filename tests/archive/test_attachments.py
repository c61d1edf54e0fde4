"""reportgen.archive.attachments: what a record carries (figure rows, meeting file, the report's
own text, DOCX), named from validated codes, in a fixed order; on the two samples' workspaces
(loaded, never built)."""

from __future__ import annotations

import pytest

from reportgen.archive import attachments
from reportgen.job import Job
from reportgen.periods import Period
from reportgen.workspace import load_workspace
from tests.conftest import SAMPLE

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADER = "ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,dang_qua_han"


@pytest.fixture(scope="module")
def sample():
    return load_workspace(SAMPLE)


@pytest.fixture(scope="module")
def sample_2025():
    return load_workspace(SAMPLE / "mau-2025")


def test_names_carry_period_unit_and_kind():
    job = Job("bao-cao", "TM", Period.parse("2022-Q1"))
    assert (attachments.figures_name(job), attachments.meeting_name(job), attachments.text_name(job),
            attachments.docx_name(job)) == ("so-lieu_2022-Q1_TM.csv", "cuoc-hop_2022-Q1_TM.yaml",
                                            "noi-dung_2022-Q1_TM.yaml", "bao-cao_2022-Q1_TM.docx")


@pytest.mark.parametrize("period, used", [("2022-Q1", ["2021-Q1", "2021-Q4", "2022-Q1"]),
                                          ("2022-Q3", ["2021-Q3", "2022-Q2", "2022-Q3"]),
                                          ("2026-6T", ["2025-6T", "2025-6C", "2026-6T"])])
def test_a_documents_figures_come_from_its_period_and_the_two_it_is_compared_with(period, used):
    assert [str(p) for p in attachments.used_periods(Period.parse(period))] == used


def test_the_figure_rows_of_a_commune(sample):
    rows = attachments.figure_rows_csv(sample, Job("thong-bao", "TM-MA", Period.parse("2022-Q1")))
    assert rows.decode("utf-8") == (f"{HEADER}\n2021-Q1,TM-MA,3,304,2,6,229,79,1,6,0\n"
                                    "2021-Q4,TM-MA,1,138,2,3,76,57,0,11,0\n2022-Q1,TM-MA,9,600,2,3,437,173,0,4,0\n")


def test_a_district_carries_its_communes_rows_period_by_period(sample):
    lines = attachments.figure_rows_csv(sample, Job("bao-cao", "TM", Period.parse("2022-Q1"))).decode().splitlines()
    assert lines[0] == HEADER and len(lines) == 1 + 3 * 14  # the district and its 13 communes, three periods
    assert [line.split(",")[0] for line in lines[1:]] == ["2021-Q1"] * 14 + ["2021-Q4"] * 14 + ["2022-Q1"] * 14
    assert lines[1] == "2021-Q1,TM,180,1620,150,95,1367,565,21,88,4"
    assert lines[-1] == "2022-Q1,TM-DBK,7,342,5,9,202,145,2,13,1"


def test_optional_columns_only_where_given_and_counts_as_whole_numbers(sample_2025):
    lines = attachments.figure_rows_csv(sample_2025, Job("bao-cao", "AG-LX", Period.parse("2025-Q4"))).decode().splitlines()
    assert lines == [
        "ky,ma_don_vi,truc_tuyen,truc_tuyen_toan_trinh,truc_tuyen_mot_phan,truc_tiep,buu_chinh,ky_truoc,truoc_han,"
        "dung_han,qua_han,rut_tra_lai,dang_trong_han,dang_qua_han,so_hoa_dau_vao,so_hoa_ket_qua,co_phi,"
        "thanh_toan_truc_tuyen,luot_danh_gia,hai_long,chi_so_766,pakn_tiep_nhan,pakn_da_xu_ly",
        "2025-Q3,AG-LX,1204,,,786,41,0,1337,611,2,,81,0,,,,,,,,,",
        "2025-Q4,AG-LX,1391,802,589,707,48,81,1498,679,0,5,45,0,1870,1905,640,498,1120,1098,88.15,2,2"]


def described(files) -> list[tuple[str, str, str, str]]:
    return [(f.name, f.mime_type, f.relationship, f.description) for f in files]


def test_a_report_carries_figures_meeting_its_own_text_and_docx_in_that_order(sample_2025):
    job = Job("bao-cao", "AG-LX", Period.parse("2025-Q4"))
    files = attachments.attachments(sample_2025, job, b"DOCX")
    assert described(files) == [
        ("so-lieu_2025-Q4_AG-LX.csv", "text/csv", "Source",
         "Số liệu một cửa dùng để lập văn bản (AG-LX, 2024-Q4, 2025-Q3, 2025-Q4)"),
        ("cuoc-hop_2025-Q4_AG-LX.yaml", "application/yaml", "Source", "Tệp cuộc họp (meetings/2025-q4-long-xuyen.yaml)"),
        ("noi-dung_2025-Q4_AG-LX.yaml", "application/yaml", "Source", "Nội dung báo cáo (noi-dung/2025-Q4-AG-LX.yaml)"),
        ("bao-cao_2025-Q4_AG-LX.docx", DOCX_TYPE, "Alternative", "Văn bản dạng DOCX")]
    assert files[1].data == (SAMPLE / "mau-2025" / "meetings" / "2025-q4-long-xuyen.yaml").read_bytes()
    assert files[2].data == (SAMPLE / "mau-2025" / "noi-dung" / "2025-Q4-AG-LX.yaml").read_bytes()
    assert files[3].data == b"DOCX"


def test_a_notice_carries_no_report_text_and_a_unit_without_a_meeting_no_meeting(sample, sample_2025):
    notice = attachments.attachments(sample_2025, Job("thong-bao", "AG-LX", Period.parse("2025-Q4")), b"D")
    assert [f.name for f in notice] == ["so-lieu_2025-Q4_AG-LX.csv", "cuoc-hop_2025-Q4_AG-LX.yaml",
                                        "thong-bao_2025-Q4_AG-LX.docx"]
    commune = attachments.attachments(sample, Job("thong-bao", "TM-MA", Period.parse("2022-Q1")), b"D")
    assert [f.name for f in commune] == ["so-lieu_2022-Q1_TM-MA.csv", "thong-bao_2022-Q1_TM-MA.docx"]

