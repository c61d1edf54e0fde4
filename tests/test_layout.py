"""The output folder's layout (reportgen/layout.py): ``<out>/<period>/<unit>/<kind>.<suffix>``,
and a path below it read back."""

from __future__ import annotations

from pathlib import Path

from reportgen import layout
from reportgen.job import Job
from reportgen.periods import Period

JOB = Job("tin-tuc", "TM-MH", Period.parse("2022-Q1"))
KINDS = ("bao-cao", "thong-bao", "tin-tuc")


def test_paths():
    assert layout.file_name("bao-cao", "pdf") == "bao-cao.pdf"
    assert layout.relative_path(JOB, "fragment.html") == "2022-Q1/TM-MH/tin-tuc.fragment.html"
    assert layout.output_path(Path("/out"), JOB, "docx") == Path("/out/2022-Q1/TM-MH/tin-tuc.docx")
    assert layout.unit_folder(Path("/out"), Period.parse("2025-6T"), "KH") == Path("/out/2025-6T/KH")


def test_a_path_is_read_back_to_period_unit_kind_and_suffix():
    assert layout.parse("2022-Q1/TM-MH/tin-tuc.fragment.html", KINDS) == ("2022-Q1", "TM-MH", "tin-tuc", "fragment.html")
    assert layout.parse("2022-Q1/TM/bao-cao.signed.pdf", KINDS) == ("2022-Q1", "TM", "bao-cao", "signed.pdf")


def test_the_longest_kind_that_prefixes_the_name_wins():
    assert layout.parse("2022-Q1/TM/bao-cao-nam.pdf", ("bao-cao", "bao-cao-nam")) == ("2022-Q1", "TM", "bao-cao-nam", "pdf")
    assert layout.parse("2022-Q1/TM/khac.pdf", KINDS) == ("2022-Q1", "TM", "khac", "pdf")


def test_what_is_not_an_output_path():
    assert layout.parse("2022-Q1/TM", KINDS) is None
    assert layout.parse("2022-Q1/TM/README", KINDS) is None
    assert layout.parse("a/2022-Q1/TM/bao-cao.pdf", KINDS) is None
