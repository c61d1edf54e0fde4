"""Results (reportgen/results.py): one per file or failed document, printed as JSON, and the
run's exit code the highest of theirs."""

from __future__ import annotations

from reportgen.errors import MissingSystemDependency, TemplateFailure
from reportgen.job import Job
from reportgen.periods import Period
from reportgen.results import Result, run_exit_code

JOB = Job("bao-cao", "TM", Period.parse("2022-Q1"))


def test_a_built_file_is_ok():
    result = Result("bao-cao", "TM", "2022-Q1", "built", format="pdf", path="2022-Q1/TM/bao-cao.pdf")
    assert (result.ok, result.exit_code) == (True, 0)
    assert result.as_dict() == {"kind": "bao-cao", "unit": "TM", "period": "2022-Q1", "status": "built", "format": "pdf",
                                "path": "2022-Q1/TM/bao-cao.pdf", "sha256": None, "pages": None, "version": None,
                                "reason": None, "note": None}


def test_a_skipped_job_carries_its_reason_and_exit_1():
    result = Result.skipped(Job("thong-bao", "TM", Period.parse("2022-Q1"), reason="không có biên bản họp"))
    assert (result.status, result.reason, result.exit_code, result.ok) == ("skipped", "không có biên bản họp", 1, False)


def test_a_failure_carries_the_exit_code_of_its_cause():
    template = Result.failed(JOB, TemplateFailure("Mẫu bao-cao.html.j2: lỗi"))
    font = Result.failed(JOB, MissingSystemDependency("thiếu phông"))
    given = Result.failed(JOB, "đã dừng", exit_code=3)
    assert [(r.status, r.reason, r.exit_code) for r in (template, font, given)] == [
        ("failed", "Mẫu bao-cao.html.j2: lỗi", 1), ("failed", "thiếu phông", 4), ("failed", "đã dừng", 3)]


def test_a_jobs_period_is_written_as_its_text_in_every_result():
    """``--json`` prints ``as_dict()``: the period as output paths spell it, never the value's fields."""
    failed = Result.failed(JOB, TemplateFailure("x"))
    skipped = Result.skipped(Job("thong-bao", "TM", Period.parse("2025-6T"), reason="x"))
    assert [r.as_dict()["period"] for r in (failed, Result.failed(JOB, "y"), skipped)] == ["2022-Q1", "2022-Q1", "2025-6T"]


def test_the_run_exits_with_the_highest_code():
    ok = Result("bao-cao", "TM", "2022-Q1", "unchanged")
    assert run_exit_code([]) == 0
    assert run_exit_code([ok, ok]) == 0
    assert run_exit_code([ok, Result.failed(JOB, MissingSystemDependency("x")), Result.failed(JOB, "y")]) == 4
