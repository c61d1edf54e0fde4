"""Benchmark: median wall time of validating and building the sample workspace.

Usage: .venv/bin/python scripts/bench.py [--runs 5]
Each run builds into a fresh temporary folder (no "unchanged" shortcuts). Medians, not
means: these machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from reportgen import batch
from reportgen.plan import plan
from reportgen.workspace import load_workspace

SAMPLE = Path(__file__).resolve().parent.parent / "inputs"


def timed(func):
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    load_times, build_times, parallel_times, per_format = [], [], [], {}
    for _ in range(args.runs):
        seconds, ws = timed(lambda: load_workspace(SAMPLE))
        load_times.append(seconds)
        jobs = plan(ws)
        with tempfile.TemporaryDirectory() as out:
            seconds, results = timed(lambda: batch.build(ws, jobs, Path(out)))
        build_times.append(seconds)
        with tempfile.TemporaryDirectory() as out:
            seconds, _ = timed(lambda: batch.build(ws, jobs, Path(out), workers=os.cpu_count() or 1))
        parallel_times.append(seconds)
        for fmt in ("pdf", "docx", "html"):
            with tempfile.TemporaryDirectory() as out:
                seconds, _ = timed(lambda: batch.build(ws, jobs, Path(out), (fmt,)))
            per_format.setdefault(fmt, []).append(seconds)
    docs = sum(1 for j in jobs if not j.reason)
    files = sum(1 for r in results if r.status == "built")
    print(f"sample: {docs} documents, {files} files, {args.runs} runs")
    print(f"load + validate  median {statistics.median(load_times) * 1000:8.1f} ms")
    print(f"build all        median {statistics.median(build_times):8.2f} s "
          f"({statistics.median(build_times) / docs * 1000:.0f} ms per document)")
    print(f"build all, {os.cpu_count()} workers median {statistics.median(parallel_times):8.2f} s "
          f"(x{statistics.median(build_times) / statistics.median(parallel_times):.2f})")
    for fmt, times in per_format.items():
        print(f"  {fmt:<5} only     median {statistics.median(times):8.2f} s")


if __name__ == "__main__":
    main()
