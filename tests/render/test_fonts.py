"""The system font check (reportgen/render/fonts.py): Times New Roman or Liberation Serif with
Vietnamese coverage, as fontconfig reports it; without one, a MissingSystemDependency saying
what to install, checked again on the next call."""

from __future__ import annotations

import subprocess

import pytest

from reportgen.errors import MissingSystemDependency
from reportgen.render import fonts


@pytest.fixture
def fc_list(monkeypatch):
    """fc-list, answering with the texts appended to the list it yields, one per call."""
    answers: list[str] = []

    def run(args, **kwargs):
        assert args == ["fc-list", ":lang=vi", "family"]
        return subprocess.CompletedProcess(args, 0, answers.pop(0), "")

    monkeypatch.setattr(fonts.subprocess, "run", run)
    fonts._found_family.cache_clear()
    yield answers
    fonts._found_family.cache_clear()


def test_families_are_read_case_folded_one_per_name(fc_list):
    fc_list.append("Liberation Serif\nDejaVu Sans,DejaVu Sans Condensed\n\n")
    assert fonts.vietnamese_families() == {"liberation serif", "dejavu sans", "dejavu sans condensed"}


def test_times_new_roman_is_preferred_and_the_answer_kept(fc_list):
    fc_list.append("liberation serif\nTimes New Roman\n")
    assert fonts.ensure_vietnamese_font() == "Times New Roman"
    assert fonts.ensure_vietnamese_font() == "Times New Roman"  # cached: fc-list ran once
    assert fc_list == []


def test_no_vietnamese_serif_is_a_missing_dependency_checked_again_next_time(fc_list):
    fc_list += ["DejaVu Sans\n", "Liberation Serif\n"]
    with pytest.raises(MissingSystemDependency) as caught:
        fonts.ensure_vietnamese_font()
    assert str(caught.value) == fonts.INSTALL_HINT
    assert "sudo apt-get install fonts-liberation2" in fonts.INSTALL_HINT
    assert fonts.ensure_vietnamese_font() == "Liberation Serif"  # installed meanwhile


def test_without_fontconfig(monkeypatch):
    def missing(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory", "fc-list")

    monkeypatch.setattr(fonts.subprocess, "run", missing)
    with pytest.raises(MissingSystemDependency) as caught:
        fonts.vietnamese_families()
    assert str(caught.value) == (f"Không chạy được fc-list (fontconfig) để kiểm tra phông chữ: [Errno 2] No such file or "
                                 f"directory: 'fc-list'. {fonts.INSTALL_HINT}")


def test_this_machine_has_one():
    assert fonts.ensure_vietnamese_font() in fonts.ACCEPTED_FAMILIES
