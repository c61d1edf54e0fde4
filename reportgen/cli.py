"""The command line: parse options, call the library, report its results and errors.

Nothing else in reportgen prints or exits. Every command's errors go through one place
(:class:`_Main`): reportgen's own errors print their message and exit with their code,
anything else prints a short message naming the log file that holds its traceback. Files
built or archived are reported by one path (:func:`_report`).

The heavy libraries (pandas, WeasyPrint, python-docx, matplotlib) are imported inside the
commands that use them, so ``reportgen --help`` stays fast and ``validate`` and
``build --dry-run`` never load the renderers.
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from reportgen import __version__
from reportgen.errors import Interrupted, InvalidInput, Problem, ReportgenError, describe_failure, exit_code_of
from reportgen.results import Result, run_exit_code

WORKSPACE = click.option("--workspace", "-w", type=click.Path(path_type=Path), default=Path("inputs"),
                         show_default=True, help="Workspace folder (reportgen.toml, units.csv, figures/, meetings/).")

# What the report says of each result, and the closing summary of each command.
LABELS = {"built": "đã ghi", "unchanged": "không đổi", "removed": "đã xoá", "archived": "đã lưu trữ",
          "new-version": "phiên bản mới", "failed": "LỖI", "skipped": "KHÔNG LẬP ĐƯỢC"}
BUILD_SUMMARY = (("built", "tệp đã ghi"), ("unchanged", "tệp không đổi"), ("skipped", "văn bản không lập được"),
                 ("failed", "văn bản lỗi"))
ARCHIVE_SUMMARY = (("archived", "hồ sơ đã lưu trữ"), ("new-version", "phiên bản mới"), ("unchanged", "không đổi"),
                   ("skipped", "không lập được"), ("failed", "lỗi"))


def _echo_problems(problems: list[Problem]) -> None:
    for problem in problems:
        prefix = "LỖI" if problem.severity == "error" else "CẢNH BÁO"
        click.echo(f"{prefix}: {problem}", err=True)


def _echo_error(exc: ReportgenError) -> None:
    if isinstance(exc, InvalidInput):
        _echo_problems(exc.problems)
        omitted = getattr(exc, "omitted", 0)
        if omitted:
            click.echo(f"... và {omitted} lỗi khác không in ra (chỉ in {len(exc.problems)} lỗi đầu).", err=True)
        errors = sum(p.severity == "error" for p in exc.problems) + omitted
        click.echo(f"Dữ liệu không hợp lệ: {errors} lỗi. Không có tệp nào được ghi.", err=True)
    else:
        click.echo(f"Lỗi: {exc}", err=True)


class _Main(click.Group):
    """The command group; its ``invoke`` is the one place where exceptions become exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except ReportgenError as exc:
            _echo_error(exc)
            ctx.exit(exit_code_of(exc))
        except Exception as exc:  # a bug: a short message and the log file, never a traceback
            click.echo(f"LỖI: {describe_failure(exc, f'reportgen {ctx.invoked_subcommand}')}", err=True)
            ctx.exit(exit_code_of(exc))


class _KindOption(click.Option):
    """``--kind``: its help lists the kinds, read only when the help is shown."""

    def get_help_record(self, ctx):
        from reportgen.kinds import KINDS

        self.help = f"Document kind: {', '.join(KINDS)} (repeatable)."
        return super().get_help_record(ctx)


class _FormatChoice(click.Choice):
    """``--format``: every format some kind writes, read from the registry when first needed.

    Parsing keeps the values as given; :meth:`check` compares them with the registry (same
    message and exit code as click's own check) once the build loads the workspace, so that
    a no-op answered by :mod:`reportgen.noop` does not import the kinds (and pandas with
    them). A recorded no-op's formats were checked by the build that recorded it.
    """

    def __init__(self):
        super().__init__([])

    def convert(self, value, param, ctx):
        return value

    @staticmethod
    def check(values) -> tuple:
        ctx = click.get_current_context()
        param = next(p for p in ctx.command.params if p.name == "formats")
        return tuple(click.Choice.convert(param.type, value, param, ctx) for value in values)

    @property
    def choices(self):
        from reportgen.kinds import KINDS

        return list(dict.fromkeys(f for kind in KINDS.values() for f in kind.formats))

    @choices.setter
    def choices(self, value):  # set by click.Choice.__init__; the registry decides
        pass


def _unique(values) -> tuple:
    """A repeatable option's values, each once, in the order given."""
    return tuple(dict.fromkeys(values))


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def main() -> None:
    """reportgen: official Vietnamese documents (Decree 30/2020) from one-stop-shop figures.

    \b
    Example:
        reportgen init my-district
        reportgen validate --workspace my-district
        reportgen build --workspace my-district --out outputs
    """


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--mau", "sample", type=click.Choice(["2022", "2025"]), default="2022", show_default=True,
              help="Mẫu: 2022 = huyện Tháp Mười (ba cấp); 2025 = tỉnh hai cấp (tỉnh, xã, phường, đặc khu).")
def init(directory: Path, sample: str) -> None:
    """Create a new workspace DIRECTORY with the sample config and data.

    \b
    Example:
        reportgen init huyen-thap-muoi
        reportgen init tinh-an-giang --mau 2025
    """
    from reportgen.init import init_workspace

    written = init_workspace(directory, sample)
    for path in written:
        click.echo(str(path))
    click.echo(f"Đã tạo workspace {directory} ({len(written)} tệp).")


@main.command()
@WORKSPACE
def validate(workspace: Path) -> None:
    """Check every file of a workspace and list every problem at once.

    Exit code 0 when valid (warnings are shown), 2 when there are errors, 3 when a
    template cannot be used at all (as build: syntax, a missing include, a link out of
    the template folders).

    \b
    Example:
        reportgen validate --workspace inputs
    """
    from reportgen.workspace import load_workspace

    from reportgen.kinds import KINDS
    from reportgen.templating import PHRASES, check_templates

    ws = load_workspace(workspace)
    _echo_problems(ws.warnings)
    check_templates([*(kind.template for kind in KINDS.values()), PHRASES], ws.templates_dir)
    click.echo(f"Hợp lệ: {len(ws.units)} đơn vị, {len(ws.figures)} dòng số liệu, "
               f"{len(ws.meetings)} cuộc họp, kỳ {', '.join(map(str, ws.periods))}; {len(ws.warnings)} cảnh báo.")


def _load_and_plan(workspace: Path, period, unit, kind, formats=()):
    """The workspace (its warnings shown) and the plan of the selection, each job once."""
    from reportgen.plan import plan
    from reportgen.workspace import load_workspace

    ws = load_workspace(workspace)
    jobs = plan(ws, _unique(period), _unique(unit), _unique(kind), _unique(formats))
    _echo_problems(ws.warnings)
    return ws, list(dict.fromkeys(jobs))


@main.command()
@WORKSPACE
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True,
              help="Output root; documents go to <out>/<period>/<unit>/<kind>.<format>.")
@click.option("--period", "-p", multiple=True, help="Period such as 2022-Q1 (repeatable).")
@click.option("--unit", "-u", multiple=True, help="Unit code from units.csv (repeatable).")
@click.option("--kind", "-k", multiple=True, cls=_KindOption, help="Document kind (repeatable).")
@click.option("--format", "-f", "formats", multiple=True, type=_FormatChoice(),
              help="Output format (repeatable); default: every format of each kind.")
@click.option("--dry-run", is_flag=True, help="Print the plan and write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per document file.")
@click.option("--jobs", "-j", "workers", type=click.IntRange(0), default=0, show_default=True,
              help="Worker processes for rendering; 0 = one per CPU core, 1 = no workers.")
@click.option("--force", is_flag=True, help="Rebuild every file, even those whose inputs did not change.")
def build(workspace: Path, out: Path, period, unit, kind, formats, dry_run: bool, as_json: bool,
          workers: int, force: bool) -> None:
    """Validate the workspace, plan the documents and build them.

    Builds every kind for every unit and period that has what the kind needs;
    --period, --unit, --kind and --format narrow the selection. A file whose inputs
    did not change since the last build into the same --out is not built again
    ("không đổi"); --force rebuilds everything. Exit code 1 when some documents could
    not be built (the others are written), 2 on invalid input, 3 when a template
    cannot be used at all, 4 without a Vietnamese font, 130/143 when stopped by
    Ctrl-C/SIGTERM (finished files are kept, nothing is left half-written).

    \b
    Example:
        reportgen build --period 2022-Q1 --unit TM --kind bao-cao
        reportgen build --unit TM-MH --format pdf --json
        reportgen build --dry-run
    """
    look = None
    if not dry_run:  # nothing changed since the same command last ran: its answer, without loading anything
        from reportgen import noop

        request = noop.Request(workspace, out, _unique(period), _unique(unit), _unique(kind), _unique(formats))
        look = noop.look(request, replay=not force)
        if look.unchanged:
            _echo_problems(look.warnings)
            _report(look.results, BUILD_SUMMARY, as_json)
            return
    formats = _FormatChoice.check(formats)
    ws, jobs = _load_and_plan(workspace, period, unit, kind, formats)
    from reportgen.plan import Selection
    if dry_run:
        _print_plan(jobs)
        return
    if not formats or "pdf" in formats:
        _require_font()
    try:
        with _stop_on_signals():
            selection = Selection(_unique(period), _unique(unit), _unique(kind), _unique(formats))
            results = _run_build(ws, jobs, out, _unique(formats), as_json, workers or os.cpu_count() or 1, force,
                                 look, selection)
    except Interrupted as exc:
        click.echo(f"Đã dừng ({exc}): các tệp đã lập xong được giữ, không có tệp ghi dở.", err=True)
        raise SystemExit(exc.exit_code)
    for warning in results.warnings:
        click.echo(f"CẢNH BÁO: {warning}", err=True)
    if results.cleaned:
        click.echo(f"Đã dọn {results.cleaned} tệp tạm của lần lập trước bị ngắt.", err=True)
    _report(results, BUILD_SUMMARY, as_json, fault=results.fault)


def _require_font() -> None:
    """Stop (exit 4) before rendering anything when no PDF can be laid out in Times New Roman."""
    from reportgen.render.fonts import ensure_vietnamese_font

    ensure_vietnamese_font()


def _print_plan(jobs) -> None:
    for job in jobs:
        state = f"KHÔNG LẬP ĐƯỢC: {job.reason}" if job.reason else "sẽ lập"
        click.echo(f"{job.period}  {job.unit:<8} {job.kind:<10} {state}")
    ready = sum(job.reason is None for job in jobs)
    click.echo(f"Kế hoạch: {ready} văn bản sẽ lập, {len(jobs) - ready} không lập được.")


def wants_progress(count: int, as_json: bool, stream) -> bool:
    """A progress bar only for more than a few documents, on a terminal, and not with --json."""
    return count > 3 and not as_json and stream.isatty()


@contextmanager
def _stop_on_signals():
    """Ctrl-C and SIGTERM become :class:`Interrupted`, so the build stops its workers and cleans up."""
    def stop(signum, frame):
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run_build(ws, jobs, out: Path, formats, as_json: bool, workers: int, force: bool = False,
               look=None, selection=None) -> list[Result]:
    from reportgen import batch

    if not wants_progress(len(jobs), as_json, sys.stdout):
        return batch.build(ws, jobs, out, formats, workers=workers, force=force, look=look, selection=selection)
    with click.progressbar(length=len(jobs), label="Đang lập văn bản", file=sys.stderr) as bar:
        return batch.build(ws, jobs, out, formats, progress=lambda job: bar.update(1), workers=workers, force=force,
                           look=look, selection=selection)


def _report(results: list[Result], summary, as_json: bool, base: Path | None = None, fault=None) -> None:
    """Every result (``--json``: one object a line), the summary, and the run's exit code.

    ``base`` is the folder the results' paths are relative to (the archive's). ``fault``:
    what stopped the run after these results (a full disk...): said last, exit 1 at least.
    """
    import json

    for item in results:
        if as_json:
            click.echo(json.dumps(item.as_dict(), ensure_ascii=False))
        elif item.ok:
            path = base / item.path if base is not None else item.path
            click.echo(f"{LABELS[item.status]}: {path}" + (f" ({item.note})" if item.note else ""))
        else:
            click.echo(f"{LABELS[item.status]}: {item.period} {item.unit} {item.kind}: {item.reason}", err=True)
    counts = [f"{sum(r.status == status for r in results)} {words}" for status, words in summary]
    removed = sum(r.status == "removed" for r in results)
    counts += [f"{removed} tệp đã xoá (không còn trong kế hoạch lập)"] if removed else []
    click.echo(f"Tổng kết: {', '.join(counts)}.", err=as_json)
    if fault is not None:
        click.echo(f"LỖI: {fault}", err=True)
    code = max(run_exit_code(results), 1 if fault is not None else 0)
    if code:
        click.get_current_context().exit(code)


# ---- archive and verify (issue 6) ---------------------------------------------------------------

ARCHIVE_ROOT = Path("archive")


@main.command("archive")
@WORKSPACE
@click.option("--archive", "-a", "archive_root", type=click.Path(path_type=Path), default=ARCHIVE_ROOT,
              show_default=True, help="Archive folder; records go to <archive>/<year>/<period>/<unit>/.")
@click.option("--period", "-p", multiple=True, help="Period such as 2022-Q1 (repeatable).")
@click.option("--unit", "-u", multiple=True, help="Unit code from units.csv (repeatable).")
@click.option("--kind", "-k", multiple=True, cls=_KindOption, help="Document kind (repeatable).")
@click.option("--built", "built_root", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True,
              help="The build's output folder: only documents built there, from the same data, are archived.")
@click.option("--without-build", is_flag=True, help="Archive straight from the workspace, without the check.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object per document (path relative to the archive folder).")
@click.option("--seal-p12", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The office's key (PKCS#12): seal the manifest with it after the run (docs/archive.md).")
@click.option("--seal-password-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="File whose first line is that PKCS#12 file's password.")
@click.option("--seal-pkcs11-lib", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Or the office's token: its PKCS#11 library.")
@click.option("--seal-token-label", help="The office token's label.")
@click.option("--seal-pin-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="File whose first line is the office token's PIN.")
def archive_command(workspace: Path, archive_root: Path, period, unit, kind, built_root: Path,
                    without_build: bool, as_json: bool, seal_p12, seal_password_file, seal_pkcs11_lib,
                    seal_token_label, seal_pin_file) -> None:
    """Archive built documents as PDF/A-3b records, written once, listed in the manifest.

    Each record embeds its figure rows (CSV), meeting file (YAML) and the built DOCX. A
    document not built yet, or built from other data, is refused with the reason. A record
    signed since (<kind>.issued.pdf or <kind>.signed.pdf beside the build) is filed as
    signed, byte for byte. With --seal-p12 (or a token) the manifest is sealed with the
    office's key.
    Identical content already archived is left as is ("không đổi"); different content
    becomes a new version (..._v2.pdf). Exit code 1 when some documents failed, 2 on
    invalid input, 4 without a Vietnamese font.

    \b
    Example:
        reportgen archive --period 2022-Q1 --unit TM
        reportgen archive --archive /srv/luu-tru --kind bao-cao
    """
    ws, jobs = _load_and_plan(workspace, period, unit, kind)
    _require_font()
    from reportgen import archive as archiving

    _echo_repairs(archiving.repair(archive_root))

    seal_key = None
    if seal_p12 or seal_pkcs11_lib:
        from reportgen.signing.keys import KeySource

        seal_key = KeySource(seal_p12, seal_password_file, seal_pkcs11_lib, seal_token_label, None, seal_pin_file)
    results = archiving.archive(ws, jobs, archive_root, None if without_build else built_root, seal_key)
    _report(results, ARCHIVE_SUMMARY, as_json, base=archive_root)


def _echo_repairs(done: list[str]) -> None:
    for sentence in done:
        click.echo(f"ĐÃ SỬA: {sentence}")


@main.command("verify")
@click.argument("archive_root", metavar="[ARCHIVE]", required=False, default=ARCHIVE_ROOT,
                type=click.Path(path_type=Path))
@click.option("--repair", is_flag=True, help="First complete or roll back what an interrupted archive run left "
                                             "(never deletes a record), and say what was done.")
@click.option("--seal-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The office's certificate: the manifest must be sealed with its key.")
@click.option("--trust-root", "trust_roots", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="For a signed PDF given instead of an archive: a trusted root (repeatable).")
def verify_command(archive_root: Path, repair: bool, seal_cert: Path | None, trust_roots) -> None:
    """Check every record of ARCHIVE (default: archive/) against its manifest.

    Given a signed PDF instead, check its signatures as verify-signature does.

    Checksum, size, readable PDF, PDF/A-3b identification, embedded fonts and
    attachments, metadata, path and identity of each row, the signatures of a signed
    record, the manifest's seal; also missing files, files the manifest does not list and
    an interrupted archive run. Exit code 1 when anything does
    not match, 2 when there is no archive there (no such folder, a file, or a folder without
    manifest.jsonl, manifest.csv or the archive's lock: never used by reportgen archive).

    \b
    Example:
        reportgen verify
        reportgen verify --repair /srv/luu-tru
    """
    from reportgen import archive as archiving

    if archive_root.suffix.lower() == ".pdf" and archive_root.is_file():
        _check_signatures(archive_root, trust_roots)
        return
    reason = archiving.not_an_archive(archive_root)
    if reason:
        raise InvalidInput([Problem(str(archive_root), f"không có kho lưu trữ: {reason}")])
    if repair:
        _echo_repairs(archiving.repair(archive_root))
    mismatches = archiving.verify(archive_root, seal_cert)
    for mismatch in mismatches:
        click.echo(f"KHÔNG KHỚP: {mismatch}")
    if mismatches:
        click.echo(f"Kho lưu trữ {archive_root}: {len(mismatches)} điểm không khớp.", err=True)
        click.get_current_context().exit(1)
    click.echo(f"Kho lưu trữ {archive_root}: {archiving.record_count(archive_root)} hồ sơ, "
               "tất cả khớp manifest.")


# ---- digital signatures (issue 24) ---------------------------------------------------------------
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@main.command("sign")
@click.argument("pdf", type=_FILE)
@click.option("--role", type=click.Choice(["signer", "office"]), required=True,
              help="signer: the person's signature at the signature block; office: the clerk fills the number "
                   "and date, then the body's signature with its seal.")
@click.option("--p12", type=_FILE, help="PKCS#12 file holding the key and certificate.")
@click.option("--password-file", type=_FILE, help="File whose first line is the PKCS#12 password.")
@click.option("--pkcs11-lib", type=_FILE, help="The token's PKCS#11 library (.so).")
@click.option("--token-label", help="Label of the token (USB key).")
@click.option("--key-label", help="Label of the key on the token (default: its only key).")
@click.option("--pin-file", type=_FILE, help="File whose first line is the token's PIN.")
@click.option("--signature-image", type=_FILE, help="signer: the handwritten signature, blue PNG, transparent.")
@click.option("--seal-image", type=_FILE, help="office: the seal, red PNG, transparent.")
@click.option("--number", type=click.IntRange(1), help="office: the document's number.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="office: the issuing date, YYYY-MM-DD.")
@click.option("--tsa-url", help="RFC 3161 time-stamp server: PAdES B-T instead of B-B.")
@click.option("--archive", "-a", "archive_root", type=click.Path(path_type=Path), default=ARCHIVE_ROOT,
              show_default=True, help="Archive whose numbers are already used.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file (default: <kind>.signed.pdf beside the input).")
def sign_command(pdf: Path, role: str, p12, password_file, pkcs11_lib, token_label, key_label, pin_file,
                 signature_image, seal_image, number, on, tsa_url, archive_root, output) -> None:
    """Sign a PDF reportgen built, as Decree 30/2020 lays it out (PAdES; see docs/signing.md).

    The password and PIN are read from files, never from the command line. The input is
    never changed. Exit code 2 for anything refused (wrong PIN, expired certificate,
    number already used...), with the reason; nothing is written then.

    \b
    Example:
        reportgen sign outputs/2022-Q1/TM/bao-cao.pdf --role signer --p12 chu-tich.p12 \\
            --password-file mat-khau.txt --signature-image chu-ky.png
        reportgen sign outputs/2022-Q1/TM/bao-cao.signed.pdf --role office --number 5 --date 2022-03-15 \\
            --pkcs11-lib /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so --token-label VANTHU --pin-file pin.txt \\
            --seal-image con-dau.png
    """
    from reportgen.signing.keys import KeySource
    from reportgen.signing.sign import SignRequest, sign

    key = KeySource(p12, password_file, pkcs11_lib, token_label, key_label, pin_file)
    done = sign(SignRequest(pdf, role, key, output, signature_image, seal_image, number,
                            on.date() if on else None, tsa_url, archive_root))
    _echo_problems(done.warnings)
    click.echo(f"đã ký: {done.path} ({done.signer}, {done.time.isoformat()})")


@main.command("verify-signature")
@click.argument("pdf", type=_FILE)
@click.option("--trust-root", "trust_roots", multiple=True, type=_FILE,
              help="A trusted root certificate, PEM or DER (repeatable).")
def verify_signature_command(pdf: Path, trust_roots) -> None:
    """Check every signature of a signed PDF: signer, chain, time, changes after it, number and date.

    Exit code 1 when a signature is broken or not trusted, or the file has none.

    \b
    Example:
        reportgen verify-signature outputs/2022-Q1/TM/bao-cao.issued.pdf --trust-root root-ca.pem
    """
    _check_signatures(pdf, trust_roots)


def _check_signatures(pdf: Path, trust_roots) -> None:
    from reportgen.signing.check import verify_file

    result = verify_file(pdf, list(trust_roots))
    for line in _signature_lines(result):
        click.echo(line)
    if not result.ok:
        click.echo(f"{pdf}: chữ ký số KHÔNG hợp lệ." if result.signatures else f"{pdf}: không có chữ ký số.",
                   err=True)
        click.get_current_context().exit(1)
    click.echo(f"{pdf}: {len(result.signatures)} chữ ký số, tất cả hợp lệ.")


def _signature_lines(result) -> list[str]:
    from reportgen.signing.check import FIELD_NAMES

    lines = []
    for number, sig in enumerate(result.signatures, 1):
        lines.append(f"Chữ ký {number} ({FIELD_NAMES.get(sig.field, sig.field)}): {sig.signer}")
        lines.append(f"  chuỗi chứng thư: {' <- '.join(sig.chain)}")
        if sig.time:
            lines.append(f"  thời điểm ký: {sig.time.astimezone(_VIETNAM()).isoformat()}")
        if sig.timestamp:
            lines.append(f"  dấu thời gian: {sig.timestamp.astimezone(_VIETNAM()).isoformat()}")
        after = sig.changed_after or "không có"
        allowed = "" if not sig.changed_after else (" (được phép)" if sig.permitted else " (KHÔNG được phép)")
        lines.append(f"  thay đổi sau khi ký: {after}{allowed}")
        for problem in sig.problems:
            lines.append(f"  LỖI: {problem}")
    for value in result.filled.values():
        if value:
            lines.append(f"Đã điền: {value}")
    return lines


def _VIETNAM():  # noqa: N802
    from reportgen.signing.sign import VIETNAM

    return VIETNAM


# ---- the web page (issue 12) --------------------------------------------------------------------

@main.command("serve")
@WORKSPACE
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True,
              help="Thư mục văn bản đã lập: trang lập văn bản vào đây và tải tệp từ đây (như build).")
@click.option("--archive", "-a", "archive_root", type=click.Path(path_type=Path), default=ARCHIVE_ROOT,
              show_default=True, help="Thư mục kho lưu trữ (như archive).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ mở trang; ngoài 127.0.0.1 (máy này) phải có mật khẩu.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="Cổng mở trang.")
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tệp chứa mật khẩu đăng nhập (hoặc đặt biến môi trường REPORTGEN_PASSWORD).")
@click.option("--ten-may", "names", multiple=True, metavar="TÊN",
              help="Tên khác của máy này mà người dùng gõ trên trình duyệt (ví dụ may-chu.ubnd.local); "
                   "yêu cầu mang tên máy khác bị từ chối. Dùng được nhiều lần.")
@click.option("--cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tệp chứng chỉ TLS (PEM) để mở trang bằng https:// trong mạng cơ quan; cần cùng --key.")
@click.option("--key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tệp khóa riêng TLS (PEM) của chứng chỉ --cert.")
@click.option("--office-p12", type=_FILE, help="Khóa của văn phòng (PKCS#12) cho trang ký số của văn thư.")
@click.option("--office-password-file", type=_FILE, help="Tệp có dòng đầu là mật khẩu của tệp khóa đó.")
@click.option("--office-pkcs11-lib", type=_FILE, help="Hoặc thư viện của token văn phòng gắn vào máy chủ.")
@click.option("--office-token-label", help="Nhãn (label) của token văn phòng.")
@click.option("--office-pin-file", type=_FILE, help="Tệp có dòng đầu là mã PIN của token văn phòng.")
@click.option("--seal-image", type=_FILE, help="Ảnh con dấu, PNG màu đỏ, nền trong suốt (cùng khóa văn phòng).")
def serve(workspace: Path, out: Path, archive_root: Path, host: str, port: int, password_file: Path | None,
          names: tuple[str, ...], cert: Path | None, key: Path | None, office_p12, office_password_file,
          office_pkcs11_lib, office_token_label, office_pin_file, seal_image) -> None:
    """Mở trang web cho cán bộ văn phòng: số liệu, cuộc họp, lập văn bản, xem trước, lưu trữ, ký số.

    Chỉ mở trên máy này (127.0.0.1) nếu không có --host; mở ra mạng cơ quan thì phải có mật
    khẩu (--password-file hoặc REPORTGEN_PASSWORD), nên dùng thêm --cert/--key để mở bằng
    https://. Dừng bằng Ctrl-C.

    \b
    Ví dụ:
        reportgen serve --workspace inputs
        reportgen serve --workspace inputs --host 0.0.0.0 --password-file /etc/reportgen-mat-khau \\
            --cert may-chu.pem --key may-chu-khoa.pem --ten-may may-chu.ubnd.local
    """
    from reportgen.web import guard

    password = (password_file.read_text(encoding="utf-8").strip() if password_file
                else os.environ.get("REPORTGEN_PASSWORD") or None)
    guard.check_listen(host, password)
    if (cert is None) != (key is None):
        raise InvalidInput([Problem("--key" if key is None else "--cert",
                                    "cần cả --cert (chứng chỉ) và --key (khóa riêng) để mở trang bằng https://")])
    if not Path(workspace).is_dir():
        raise InvalidInput([Problem(str(workspace), "không tìm thấy thư mục dữ liệu (workspace)")])
    import uvicorn

    from reportgen.web import create_app
    from reportgen.web.shield import TimedH11Protocol

    office = None
    if office_p12 or office_pkcs11_lib:
        from reportgen.signing.keys import KeySource
        from reportgen.web.signing_form import OfficeKey

        if seal_image is None:
            raise InvalidInput([Problem("--seal-image", "cần ảnh con dấu (PNG) cho trang ký số của văn thư")])
        office = OfficeKey(KeySource(office_p12, office_password_file, office_pkcs11_lib, office_token_label, None,
                                     office_pin_file), seal_image)
    app = create_app(workspace, out, archive_root, password, host=host, port=port, names=names,
                     tls=cert is not None, office=office)
    scheme = "https" if cert else "http"
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"reportgen: trang web tại {scheme}://{shown}:{port}/ (Ctrl-C để dừng)", err=True)
    click.echo(f"reportgen: văn bản lập vào {Path(out).resolve()}, kho lưu trữ {Path(archive_root).resolve()}",
               err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False,
                http=TimedH11Protocol, timeout_keep_alive=5, h11_max_incomplete_event_size=64 * 1024,
                ssl_certfile=str(cert) if cert else None, ssl_keyfile=str(key) if key else None)
