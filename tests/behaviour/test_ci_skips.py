""".ci/check-skips.py: a skip fails CI unless .ci/allowed-skips lists its reason with a justification."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / ".ci" / "check-skips.py"
spec = importlib.util.spec_from_file_location("check_skips", CHECK)
check_skips = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_skips)

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="3" skipped="{skipped}">
<testcase classname="tests.test_a" name="test_runs" time="0.1"/>
{cases}
</testsuite></testsuites>
"""


def report(tmp_path: Path, *reasons: str) -> Path:
    cases = "".join(f'<testcase classname="tests.test_b" name="test_{i}"><skipped type="pytest.skip" '
                    f'message="{reason}">tests/test_b.py:3: {reason}</skipped></testcase>'
                    for i, reason in enumerate(reasons))
    path = tmp_path / "report.xml"
    path.write_text(REPORT.format(skipped=len(reasons), cases=cases), encoding="utf-8")
    return path


def run(*args: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECK), *map(str, args)], capture_output=True, text=True)


def test_an_unlisted_skip_fails_and_is_named(tmp_path):
    allow = tmp_path / "allow"
    allow.write_text("# comment\nno unshare here | a container may lack it\n", encoding="utf-8")
    result = run(report(tmp_path, "no unshare here, sorry", "LibreOffice (soffice) not installed"), allow)
    assert result.returncode == 1
    assert "SKIP NOT ALLOWED  tests.test_b::test_1: LibreOffice (soffice) not installed" in result.stdout
    assert "skip allowed      tests.test_b::test_0: no unshare here, sorry (a container may lack it)" in result.stdout
    assert result.stdout.splitlines()[-1] == "3 tests, 2 skipped, 1 not in the allowlist"


def test_listed_skips_pass(tmp_path):
    allow = tmp_path / "allow"
    allow.write_text("no unshare here | a container may lack it\n", encoding="utf-8")
    result = run(report(tmp_path, "no unshare here"), allow)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "2 tests, 1 skipped, 0 not in the allowlist"


def test_an_entry_without_justification_is_refused(tmp_path):
    allow = tmp_path / "allow"
    allow.write_text("no unshare here\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"allow:1: expected '<reason> \| <justification>'"):
        check_skips.read_allowlist(allow)
    allow.write_text("no unshare here | \n", encoding="utf-8")
    with pytest.raises(SystemExit, match="allow:1"):
        check_skips.read_allowlist(allow)


def test_an_empty_report_fails(tmp_path):
    path = tmp_path / "report.xml"
    path.write_text('<testsuites><testsuite name="pytest" tests="0"/></testsuites>', encoding="utf-8")
    assert run(path, ROOT / ".ci" / "allowed-skips").returncode == 1


def test_the_repository_allowlist_is_well_formed_and_justified():
    entries = check_skips.read_allowlist(ROOT / ".ci" / "allowed-skips")
    assert [reason for reason, _ in entries] == [
        "running as root without unshare(1)", "running as root, and a read-only bind mount is not allowed here",
        "this machine does not allow mounting a tmpfs"]
    assert all(len(why) > 40 for _, why in entries)


def test_ci_run_calls_make_test_then_the_check():
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert 'make test PYTEST_ARGS="--junitxml=$report"' in lines
    assert lines[-1] == '.venv/bin/python .ci/check-skips.py "$report" .ci/allowed-skips'
