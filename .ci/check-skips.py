"""Fail CI on a skipped test whose reason is not allowed in .ci/allowed-skips.

    python3 .ci/check-skips.py REPORT.xml [.ci/allowed-skips]

REPORT.xml is pytest's JUnit XML report (``--junitxml``). Each entry of the allowlist is one
line ``<reason> | <justification>``: a skip is allowed when its reason contains <reason>; an entry
without a justification is refused. Prints every skip with its verdict; exits 1 if any is not
allowed (or the report holds no test at all), 0 otherwise.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def read_allowlist(path: Path) -> list[tuple[str, str]]:
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        reason, sep, why = line.partition(" | ")
        if not sep or not reason.strip() or not why.strip():
            raise SystemExit(f"{path}:{number}: expected '<reason> | <justification>', found {line!r}")
        entries.append((reason.strip(), why.strip()))
    return entries


def skips(report: Path) -> tuple[int, list[tuple[str, str]]]:
    """(number of test cases, [(test id, skip reason)])."""
    root = ET.parse(report).getroot()
    cases = list(root.iter("testcase"))
    found = []
    for case in cases:
        for skipped in case.findall("skipped"):
            reason = skipped.get("message") or (skipped.text or "")
            found.append((f"{case.get('classname')}::{case.get('name')}", reason.strip()))
    return len(cases), found


def main(argv: list[str]) -> int:
    report = Path(argv[1])
    allowlist = read_allowlist(Path(argv[2]) if len(argv) > 2 else Path(__file__).with_name("allowed-skips"))
    count, found = skips(report)
    if count == 0:
        print(f"{report}: no test case in the report", file=sys.stderr)
        return 1
    refused = 0
    for test, reason in found:
        allowed = next((why for text, why in allowlist if text in reason), None)
        if allowed is None:
            refused += 1
            print(f"SKIP NOT ALLOWED  {test}: {reason}")
        else:
            print(f"skip allowed      {test}: {reason} ({allowed})")
    print(f"{count} tests, {len(found)} skipped, {refused} not in the allowlist")
    return 1 if refused else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
