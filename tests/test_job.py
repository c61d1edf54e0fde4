"""A job (reportgen/job.py): kind x unit x period, keyed the way the output paths are."""

from __future__ import annotations

import pytest

from reportgen.job import Job
from reportgen.periods import Period


def test_a_jobs_key_and_value():
    job = Job("bao-cao", "TM-MH", Period.parse("2025-6T"))
    assert job.key == "2025-6T/TM-MH/bao-cao"
    assert job.reason is None
    assert job == Job("bao-cao", "TM-MH", Period.parse("2025-6T")) and len({job, Job("bao-cao", "TM-MH", Period.parse("2025-6T"))}) == 1
    with pytest.raises(AttributeError):
        job.unit = "TM"  # frozen: a planned job is a value
