"""Benchmark (``make bench``): reportgen at province scale, timed as a user runs it.

Usage: .venv/bin/python scripts/bench.py [--province 10x10] [--district 3000] [--runs 3]
                                         [--lo-docs 12] [--fields 166x40 ...] [--profile]
                                         [--only help|sample|mix|province|district|libreoffice|fields]

Every figure is the median of ``--runs`` runs of the real command (``reportgen ...`` in a
subprocess: start-up, loading, planning and writing included), on workspaces made by
scripts/synthetic.py (nothing committed):

- ``reportgen --help``;
- the sample workspace (inputs/), every document, all cores;
- a synthetic province (``--province DxC``: 1 province, D districts of C communes, period
  2022-Q1): documents per second with ``--jobs 1`` and with all cores, each into a fresh
  folder; then the same build again with nothing changed, as a share of the full build;
- one district whose report's appendix has ``--district`` communes: that one report
  (DOCX + PDF, ``--jobs 1``);
- peak resident memory (VmHWM) of every process of those builds, main and workers;
- when ``soffice`` is installed: LibreOffice headless converting ``--lo-docs`` of the
  province's DOCX files to PDF in one batch, against reportgen building the same
  documents' PDFs (``--format pdf --jobs 1``). Start-up is removed from both by timing a
  batch of 1 and a batch of N and taking the slope (seconds per extra document);
- the same comparison over the sample's own mix (inputs/: reports with charts and
  appendices, the notice, the bulletin): :func:`bench_mix`;
- the two-tier province whose communes give their figures by field (``--fields CxF``,
  default 42x40, 83x40 and 166x40), step by step, each step's time per figure row:
  :func:`bench_fields`.

``--profile`` adds a cProfile of a serial in-process build of the province's district
documents (where the time goes). Medians, not means: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import synthetic  # noqa: E402

REPORTGEN = Path(sys.executable).with_name("reportgen")
PERIOD = "2022-Q1"
PARTS = ("help", "sample", "mix", "province", "district", "libreoffice", "fields")


# ---- measuring a command ----------------------------------------------------------------------

def _tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            for child in (task / "children").read_text().split():
                found += _tree(int(child))
        except OSError:
            pass
    return found


def _hwm_mb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


class TimedOut(Exception):
    pass


def run(args: list[str], timeout: float | None = None) -> tuple[float, int, int, str]:
    """Run a command; (seconds, peak RSS of the main process, of its largest child, stdout)."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    peaks: dict[int, int] = {}
    chunks = []
    os.set_blocking(process.stdout.fileno(), False)
    while process.poll() is None:
        for pid in _tree(process.pid):
            mb = _hwm_mb(pid)
            if mb:
                peaks[pid] = max(peaks.get(pid, 0), mb)
        data = process.stdout.read()
        if data:
            chunks.append(data)
        if timeout is not None and time.perf_counter() - start > timeout:
            os.killpg(process.pid, 9)
            process.wait()
            raise TimedOut
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    chunks.append(process.stdout.read() or b"")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} exited {process.returncode}")
    main = peaks.pop(process.pid, 0)
    return seconds, main, max(peaks.values(), default=0), b"".join(chunks).decode("utf-8", "replace")


def reportgen(*args) -> list[str]:
    return [str(REPORTGEN), *map(str, args)]


def median(values) -> float:
    return statistics.median(values)


def line(label: str, text: str) -> None:
    print(f"{label:<46} {text}", flush=True)


# ---- the figures ---------------------------------------------------------------------------------

def bench_help(runs: int) -> None:
    times = [run(reportgen("--help"))[0] for _ in range(max(runs, 5))]
    line("reportgen --help", f"median {median(times):.3f} s")


def bench_sample(runs: int, tmp: Path) -> None:
    times = []
    for i in range(runs):
        seconds, *_ = run(reportgen("build", "-w", ROOT / "inputs", "-o", tmp / f"sample-{i}"))
        times.append(seconds)
    line("sample (inputs/), every document, all cores", f"median {median(times):.2f} s")


def bench_province(shape: str, runs: int, tmp: Path) -> Path:
    workspace = synthetic.make_province(tmp / "province", shape)
    docs = None
    results = {}
    for label, jobs in (("1 process", "1"), (f"all cores ({os.cpu_count()})", "0")):
        times, mains, workers = [], [], []
        for i in range(runs):
            out = tmp / f"province-{jobs}-{i}"
            seconds, main, worker, stdout = run(reportgen("build", "-w", workspace, "-o", out, "-p", PERIOD,
                                                          "--jobs", jobs, "--json"))
            built = [json.loads(text) for text in stdout.splitlines() if text.startswith("{")]
            docs = len({(o["unit"], o["kind"]) for o in built if o["status"] == "built"})
            times.append(seconds)
            mains.append(main)
            workers.append(worker)
        results[jobs] = median(times)
        rss = f"peak RSS main {max(mains)} MB" + (f", workers {max(workers)} MB" if jobs != "1" else "")
        line(f"province {shape}, {docs} documents, {label}",
             f"median {median(times):.2f} s = {docs / median(times):.2f} documents/s; {rss}")
    out = tmp / "province-0-0"
    noop = [run(reportgen("build", "-w", workspace, "-o", out, "-p", PERIOD))[0] for _ in range(runs)]
    line("province, same build again, nothing changed",
         f"median {median(noop):.2f} s = {100 * median(noop) / results['0']:.1f} % of the full build")
    return workspace


def bench_district(communes: int, runs: int, tmp: Path, timeout: float) -> None:
    workspace = synthetic.make_district(tmp / "district", communes)
    times, mains = [], []
    for i in range(runs):
        try:
            seconds, main, _, _ = run(reportgen("build", "-w", workspace, "-o", tmp / f"district-{i}", "-p", PERIOD,
                                                "-u", "D", "-k", "bao-cao", "--jobs", "1"), timeout)
        except TimedOut:
            line(f"one report, appendix of {communes} rows (DOCX+PDF)", f"did not finish in {timeout:.0f} s")
            return
        times.append(seconds)
        mains.append(main)
    line(f"one report, appendix of {communes} rows (DOCX+PDF)", f"median {median(times):.2f} s; peak RSS {max(mains)} MB")


def bench_libreoffice(province: Path, count: int, runs: int, tmp: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        line("LibreOffice comparison", "skipped: soffice is not installed")
        return
    with (province / "units.csv").open(encoding="utf-8") as handle:  # the first communes, across districts
        units = [row["ma_don_vi"] for row in csv.DictReader(handle) if row["cap"] == "xa"][:count]
    if len(units) < count:
        line("LibreOffice comparison", f"skipped: the province has {len(units)} communes, --lo-docs asks for {count}")
        return
    source = tmp / "lo-docx"
    run(reportgen("build", "-w", province, "-o", source, "-p", PERIOD, "-k", "bao-cao", "-f", "docx", "--jobs", "1",
                  *[a for u in units for a in ("-u", u)]))
    docx = [source / PERIOD / u / "bao-cao.docx" for u in units]
    profile = (tmp / "lo-profile").as_uri()

    def libreoffice(files, i):
        out = tmp / f"lo-pdf-{len(files)}-{i}"
        return run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, files)])[0]

    def ours(chosen, i):
        return run(reportgen("build", "-w", province, "-o", tmp / f"rg-pdf-{len(chosen)}-{i}", "-p", PERIOD,
                             "-k", "bao-cao", "-f", "pdf", "--jobs", "1", *[a for u in chosen for a in ("-u", u)]))[0]

    libreoffice(docx[:1], "warm")  # the first start creates the profile
    lo_one = median([libreoffice(docx[:1], i) for i in range(runs)])
    lo_many = median([libreoffice(docx, i) for i in range(runs)])
    rg_one = median([ours(units[:1], i) for i in range(runs)])
    rg_many = median([ours(units, i) for i in range(runs)])
    lo_slope = (lo_many - lo_one) / (count - 1)
    rg_slope = (rg_many - rg_one) / (count - 1)
    line(f"PDF per document, {count} commune reports",
         f"reportgen {rg_slope:.3f} s, LibreOffice {lo_slope:.3f} s: ratio {rg_slope / lo_slope:.2f}x "
         f"(batches of 1/{count}: reportgen {rg_one:.2f}/{rg_many:.2f} s, LibreOffice {lo_one:.2f}/{lo_many:.2f} s)")


def bench_mix(runs: int, tmp: Path) -> None:
    """The sample's own mix (inputs/: reports with charts and appendices, notices, bulletins):
    reportgen's PDF per document against LibreOffice converting the same DOCX, side by side.

    Start-up is removed from both as a slope: a batch of the mix's first document (the
    district's report, with its chart: both sides pay for their imports there) and a batch of
    the whole mix, each timed as a whole process; (all - one) / (documents - 1). Runs
    alternate (LibreOffice, reportgen, ...) so that the machine's drift falls on both.
    """
    soffice = shutil.which("soffice")
    if soffice is None:
        line("sample mix against LibreOffice", "skipped: soffice is not installed")
        return
    sample = ROOT / "inputs"
    source = tmp / "mix-docx"
    _, _, _, stdout = run(reportgen("build", "-w", sample, "-o", source, "-f", "docx", "--jobs", "1", "--json"))
    built = [json.loads(text) for text in stdout.splitlines() if text.startswith("{")]
    docs = [(o["period"], o["unit"], o["kind"], Path(o["path"])) for o in built if o.get("format") == "docx"]
    count = len(docs)
    kinds = {kind: sum(1 for d in docs if d[2] == kind) for kind in dict.fromkeys(d[2] for d in docs)}
    first = docs[0]
    profile = (tmp / "lo-profile").as_uri()

    def libreoffice(files, i):
        out = tmp / f"mix-lo-{len(files)}-{i}"
        return run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, files)])[0]

    def ours(whole, i):
        only = () if whole else ("-p", first[0], "-u", first[1], "-k", first[2])
        return run(reportgen("build", "-w", sample, "-o", tmp / f"mix-rg-{whole}-{i}", "-f", "pdf", "--jobs", "1",
                             *only))[0]

    libreoffice([first[3]], "warm")  # the first start creates the profile
    ours(False, "warm")
    times = {"lo1": [], "loN": [], "rg1": [], "rgN": []}
    for i in range(runs):
        times["lo1"].append(libreoffice([first[3]], i))
        times["rg1"].append(ours(False, i))
        times["loN"].append(libreoffice([d[3] for d in docs], i))
        times["rgN"].append(ours(True, i))
    lo = (median(times["loN"]) - median(times["lo1"])) / (count - 1)
    rg = (median(times["rgN"]) - median(times["rg1"])) / (count - 1)
    mix = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    line(f"PDF per document, the sample's mix ({count}: {mix})",
         f"reportgen {rg:.3f} s, LibreOffice {lo:.3f} s: ratio {rg / lo:.2f}x "
         f"(batches of 1/{count}: reportgen {median(times['rg1']):.2f}/{median(times['rgN']):.2f} s, "
         f"LibreOffice {median(times['lo1']):.2f}/{median(times['loN']):.2f} s)")


# One size of the by-field province, timed step by step in a fresh process (the render stack
# imported before the clock starts: a start-up cost, not a cost per row).
_FIELD_STEPS = r"""
import json, sys, tempfile, time
from pathlib import Path
from reportgen import batch
from reportgen.kinds import build_context
from reportgen.periods import Period
from reportgen.plan import plan
from reportgen.render import documents, to_docx  # noqa: F401  (imported before timing)
from reportgen.workspace import load_workspace

root, out, period = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
times = {}
start = time.perf_counter(); ws = load_workspace(root); times["load"] = time.perf_counter() - start
start = time.perf_counter(); jobs = plan(ws, [Period.parse(period)]); times["plan"] = time.perf_counter() - start
built = [j for j in jobs if not j.reason]
start = time.perf_counter()
for job in built:
    build_context(ws, job)
times["contexts"] = time.perf_counter() - start
report = [j for j in built if j.unit == "P" and j.kind == "bao-cao"]
start = time.perf_counter(); build_context(ws, report[0]); times["province context"] = time.perf_counter() - start
start = time.perf_counter(); batch.build(ws, report, out, ("docx", "pdf")); times["province report"] = time.perf_counter() - start
times["rows"] = len(ws.fields) if hasattr(ws, "fields") else 0
times["documents"] = len(built)
print(json.dumps(times))
"""


def bench_fields(shapes: list[str], runs: int, tmp: Path) -> None:
    """The two-tier province whose communes give their figures by field (``CxF``: C communes of F
    fields each, 3 quarters of figures), at each size: reading and validating the workspace,
    planning a quarter, the context of every document of that quarter, the province report's
    context alone (its sums by commune and by field), and that report built (DOCX + PDF: its
    table by commune and its table by field). Each step's time per figure row of the quarter
    (C x F) is printed beside the others: a step that grew faster than the rows would show a
    time per row rising with the size. Compare the province report's time per row with the
    3,000-row appendix's (``--district``)."""
    for shape in shapes:
        communes, fields = (int(n) for n in shape.lower().split("x"))
        try:
            workspace = synthetic.make_fields_province(tmp / f"fields-{shape}", shape)
        except ImportError:  # reportgen.procedure_fields: figures by field (issue 20, item 1)
            line(f"by field {shape}", "skipped: this reportgen does not read figures by field")
            return
        rows = communes * fields
        results = []
        try:
            for i in range(runs):
                out = tmp / f"fields-{shape}-out-{i}"
                _, peak, _, stdout = run([sys.executable, "-c", _FIELD_STEPS, str(workspace), str(out), PERIOD])
                results.append(json.loads(stdout.strip().splitlines()[-1]))
        except SystemExit as exc:  # a reportgen that cannot read figures by field
            line(f"by field {shape}", f"failed: {exc}")
            continue
        steps = {step: median([r[step] for r in results])
                 for step in ("load", "plan", "contexts", "province context", "province report")}
        per_row = "; ".join(f"{step} {seconds:.3f} s = {seconds / rows * 1e6:.0f} µs/row"
                            for step, seconds in steps.items())
        line(f"by field {shape}: {rows} rows a quarter, {results[0]['documents']} documents",
             f"{per_row} (load reads 3 quarters: {3 * rows} rows; peak RSS {peak} MB)")


def profile_build(province: Path, top: int = 25) -> None:
    from reportgen import batch
    from reportgen.periods import Period
    from reportgen.plan import plan
    from reportgen.workspace import load_workspace

    ws = load_workspace(province)
    jobs = plan(ws, [Period.parse(PERIOD)], [u for u in ws.units.index if u.count("-") <= 1])
    with tempfile.TemporaryDirectory() as out:
        profiler = cProfile.Profile()
        profiler.enable()
        batch.build(ws, jobs, Path(out))
        profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(top)
    print(f"\nprofile: serial build of the province's and districts' documents ({len(jobs)} documents)")
    print(text.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--province", default="10x10", help="DxC: D districts of C communes (default 10x10)")
    parser.add_argument("--district", type=int, default=3000, help="communes in the big district (default 3000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; medians are printed (default 3)")
    parser.add_argument("--lo-docs", type=int, default=12, help="documents in the LibreOffice batch (default 12)")
    parser.add_argument("--timeout", type=float, default=120,
                        help="give up on the big district's report after this many seconds (default 120)")
    parser.add_argument("--fields", action="append",
                        help="CxF: a two-tier province of C communes giving F fields each, timed step by step "
                             "(repeatable; default 42x40, 83x40 and 166x40)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of a serial build")
    parser.add_argument("--only", action="append", choices=PARTS,
                        help="only these figures (repeatable; default: all)")
    args = parser.parse_args(argv)
    only = set(args.only or PARTS)
    started = time.perf_counter()
    print(f"reportgen bench: {os.cpu_count()} cores, {args.runs} runs per figure, medians; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        tmp = Path(tmp)
        if "help" in only:
            bench_help(args.runs)
        if "sample" in only:
            bench_sample(args.runs, tmp)
        if "mix" in only:
            bench_mix(args.runs, tmp)
        if only & {"province", "libreoffice"} or args.profile:
            province = bench_province(args.province, args.runs, tmp) if "province" in only else \
                synthetic.make_province(tmp / "province", args.province)
            if "libreoffice" in only:
                bench_libreoffice(province, args.lo_docs, args.runs, tmp)
            if args.profile:
                profile_build(province)
        if "fields" in only:
            bench_fields(args.fields or ["42x40", "83x40", "166x40"], args.runs, tmp)
        if "district" in only:
            bench_district(args.district, args.runs, tmp, args.timeout)
    line("bench total", f"{time.perf_counter() - started:.0f} s; load average now {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
