"""reportgen.web.runner: one build at a time, in a thread, with its progress and its error in words."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from reportgen.errors import InvalidInput, Problem
from reportgen.web.runner import Runner


def test_a_build_runs_in_the_background_and_counts_its_documents():
    runner, release = Runner(), threading.Event()

    def work(progress):
        progress()
        progress("bao-cao", "TM")
        release.wait(5)
        return SimpleNamespace(results=["a", "b"], fault=None)

    assert runner.start("Quý I/2022", 3, work)
    assert runner.busy and runner.state.running
    assert (runner.state.label, runner.state.total) == ("Quý I/2022", 3)
    assert not runner.start("Quý II/2022", 1, work)  # a second build is told, not queued
    assert runner.state.label == "Quý I/2022"
    release.set()
    runner.thread.join(5)
    assert not runner.busy and not runner.state.running
    assert (runner.state.done, runner.state.results, runner.state.error) == (2, ["a", "b"], None)
    assert runner.start("Quý II/2022", 1, lambda progress: [])  # free again, with a fresh state
    runner.thread.join(5)
    assert (runner.state.label, runner.state.done, runner.state.results) == ("Quý II/2022", 0, [])


def test_a_full_disk_after_writing_keeps_the_results_and_says_why():
    runner = Runner()
    runner.start("x", 1, lambda progress: SimpleNamespace(results=["a"], fault=OSError("Không ghi được vào thư mục")))
    runner.thread.join(5)
    assert (runner.state.results, runner.state.error) == (["a"], "Không ghi được vào thư mục")


def test_a_failed_build_is_reported_in_words_and_frees_the_runner():
    runner = Runner()

    def invalid(progress):
        raise InvalidInput([Problem(f"f{i}.csv", "sai") for i in range(25)])

    runner.start("x", 1, invalid)
    runner.thread.join(5)
    assert runner.state.error == "; ".join(str(Problem(f"f{i}.csv", "sai")) for i in range(20))  # the first 20
    assert not runner.busy and not runner.state.running

    def broken(progress):
        raise KeyError

    runner.start("x", 1, broken)
    runner.thread.join(5)
    assert runner.state.error == "KeyError"
    runner.start("x", 1, lambda progress: 1 / 0)
    runner.thread.join(5)
    assert runner.state.error == "division by zero"
