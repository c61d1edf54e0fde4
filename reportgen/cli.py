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
from reportgen.periods import read_periods
from reportgen.results import Result, run_exit_code

# click's own words (usage line, section headings, the help and version options, its most
# common errors) in Vietnamese, like every other message: its modules look up ``_`` at call time.
CLICK_WORDS = {
    "Usage:": "Cách dùng:", "Options": "Tùy chọn", "Commands": "Lệnh", "Positional arguments": "Tham số",
    "Show this message and exit.": "In hướng dẫn này rồi thoát.", "Show the version and exit.": "In phiên bản rồi thoát.",
    "default: {default}": "mặc định: {default}", "required": "bắt buộc", "Error": "Lỗi", "Missing command.": "Thiếu lệnh.",
    "No such option: {name}": "Không có tùy chọn {name}", "No such command {name!r}.": "Không có lệnh {name!r}.",
    "Missing argument": "Thiếu tham số", "Missing option": "Thiếu tùy chọn",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Try {command!r} for help.": "Xem hướng dẫn: {command!r}.", "Invalid value": "Giá trị không hợp lệ",
    "Invalid value for {param_hint}": "Giá trị không hợp lệ cho {param_hint}", "Aborted!": "Đã dừng.",
    "{value!r} is not one of {choices}.": "{value!r} không phải một trong {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải số hợp lệ.",
    "{len_type} {name!r} does not exist.": "{len_type} {name!r} không tồn tại.", "File": "Tệp", "Directory": "Thư mục",
    "Path": "Đường dẫn", "(dynamic)": "(tùy lúc chạy)", "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: '{command} {option}'.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.", "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Missing parameter": "Thiếu tham số", "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
}


def _click_words(text: str) -> str:
    return CLICK_WORDS.get(text, text)


for _module in ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui"):
    _loaded = sys.modules.get(f"click.{_module}")
    if _loaded is not None and hasattr(_loaded, "_"):
        _loaded._ = _click_words

WORKSPACE = click.option("--workspace", "-w", type=click.Path(path_type=Path), default=Path("inputs"),
                         show_default=True, help="Thư mục dữ liệu (workspace: reportgen.toml, units.csv, figures/, "
                         "meetings/); tạo mới bằng reportgen init.")

def _periods(ctx, param, values) -> tuple:
    """``--period``: written as the user likes it (``2022-q1``, `` 2022-Q1``), read as ``2022-Q1``."""
    return tuple(str(value).strip().upper() for value in values)


PERIOD = click.option("--period", "-p", multiple=True, callback=_periods,
                      help="Kỳ báo cáo, ví dụ 2022-Q1 hoặc 2022-q1 (dùng được nhiều lần).")
UNIT = click.option("--unit", "-u", multiple=True, help="Mã đơn vị trong units.csv (dùng được nhiều lần).")

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

        self.help = f"Loại văn bản: {', '.join(KINDS)} (dùng được nhiều lần)."
        return super().get_help_record(ctx)


class _FormatChoice(click.Choice):
    """``--format``: every format some kind writes, read from the registry when first needed.

    Parsing keeps the values as given; the build use case checks them past the no-op
    (:class:`reportgen.build.UnknownFormat`), and :meth:`check` then says it with click's
    own message and exit code, so that a no-op answered by :mod:`reportgen.noop` does not
    import the kinds (and pandas with them). A recorded no-op's formats were checked by the
    build that recorded it.
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
    """reportgen: lập văn bản hành chính (Nghị định 30/2020) từ số liệu Bộ phận Một cửa.

    Báo cáo, thông báo kết luận và tin bài, dạng Word, PDF (PDF/A) và HTML.

    \b
    Ví dụ:
        reportgen init huyen-thap-muoi
        reportgen validate --workspace huyen-thap-muoi
        reportgen build --workspace huyen-thap-muoi --out outputs
    """


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--mau", "sample", type=click.Choice(["2022", "2025"]), default="2022", show_default=True,
              help="Mẫu: 2022 = huyện Tháp Mười (ba cấp); 2025 = tỉnh hai cấp (tỉnh, xã, phường, đặc khu).")
def init(directory: Path, sample: str) -> None:
    """Tạo thư mục dữ liệu (workspace) mới THƯ-MỤC từ cấu hình và số liệu mẫu.

    Chỉ thêm reportgen.toml, units.csv, figures/ và meetings/; tệp khác đã có trong thư
    mục được giữ nguyên. Thư mục đã có một trong các mục đó thì không ghi gì.

    \b
    Ví dụ:
        reportgen init huyen-thap-muoi
        reportgen init tinh-an-giang --mau 2025
    """
    from reportgen.new_workspace import SAMPLE_PARTS, init_workspace, others

    kept = others(directory)
    written = init_workspace(directory, sample)
    for path in written:
        click.echo(str(path))
    click.echo(f"Đã tạo workspace {directory} ({len(written)} tệp).")
    if kept:
        shown = ", ".join(kept[:5]) + (f" và {len(kept) - 5} mục khác" if len(kept) > 5 else "")
        click.echo(f"Thư mục đã có {len(kept)} mục khác ({shown}): giữ nguyên, không sửa hay xóa; reportgen chỉ "
                   f"thêm {', '.join(SAMPLE_PARTS)} và chỉ đọc các mục đó.", err=True)


@main.command()
@WORKSPACE
def validate(workspace: Path) -> None:
    """Kiểm tra mọi tệp của thư mục dữ liệu và liệt kê mọi vấn đề một lần.

    Mã thoát 0 khi hợp lệ (có in cảnh báo), 2 khi có lỗi, 3 khi một mẫu văn bản không dùng
    được (như khi lập: sai cú pháp, thiếu tệp được include, liên kết ra ngoài thư mục mẫu).

    \b
    Ví dụ:
        reportgen validate --workspace inputs
    """
    from reportgen.kinds import KINDS
    from reportgen.templating import PHRASES, check_templates
    from reportgen.workspace import load_workspace

    ws = load_workspace(workspace)
    _echo_problems(ws.warnings)
    check_templates([*(kind.template for kind in KINDS.values()), PHRASES], ws.templates_dir)
    click.echo(f"Hợp lệ: {len(ws.units)} đơn vị, {len(ws.figures)} dòng số liệu, "
               f"{len(ws.meetings)} cuộc họp, kỳ {', '.join(map(str, ws.periods))}; {len(ws.warnings)} cảnh báo.")


def _load_and_plan(workspace: Path, period, unit, kind, formats=()):
    """The workspace (its warnings shown) and the plan of the selection, each job once."""
    from reportgen.plan import plan
    from reportgen.workspace import load_workspace

    periods = read_periods(period)
    ws = load_workspace(workspace)
    jobs = plan(ws, periods, _unique(unit), _unique(kind), _unique(formats))
    _echo_problems(ws.warnings)
    return ws, list(dict.fromkeys(jobs))


@main.command()
@WORKSPACE
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True,
              help="Thư mục văn bản lập ra: <out>/<kỳ>/<đơn vị>/<loại>.<định dạng>.")
@PERIOD
@UNIT
@click.option("--kind", "-k", multiple=True, cls=_KindOption, help="Loại văn bản (dùng được nhiều lần).")
@click.option("--format", "-f", "formats", multiple=True, type=_FormatChoice(),
              help="Định dạng (dùng được nhiều lần); mặc định: mọi định dạng của từng loại.")
@click.option("--dry-run", is_flag=True, help="Chỉ in kế hoạch lập, không ghi gì.")
@click.option("--json", "as_json", is_flag=True, help="In một đối tượng JSON cho mỗi tệp.")
@click.option("--jobs", "-j", "workers", type=click.IntRange(0), default=0, show_default=True,
              help="Số tiến trình dàn trang; 0 = mỗi lõi CPU một tiến trình, 1 = không dùng tiến trình phụ.")
@click.option("--force", is_flag=True, help="Lập lại mọi tệp, kể cả tệp có dữ liệu không đổi.")
def build(workspace: Path, out: Path, period, unit, kind, formats, dry_run: bool, as_json: bool,
          workers: int, force: bool) -> None:
    """Kiểm tra dữ liệu, lập kế hoạch và lập văn bản.

    Lập mọi loại văn bản cho mọi đơn vị và kỳ có đủ dữ liệu; --period, --unit, --kind
    và --format thu hẹp lựa chọn. Tệp có dữ liệu không đổi từ lần lập trước vào cùng
    --out thì không lập lại ("không đổi"); --force lập lại tất cả. Mã thoát 1 khi có văn
    bản không lập được (các văn bản khác vẫn được ghi), 2 khi dữ liệu không hợp lệ, 3
    khi mẫu văn bản không dùng được, 4 khi thiếu phông chữ tiếng Việt, 130/143 khi bị
    dừng bằng Ctrl-C/SIGTERM (tệp đã xong được giữ, không có tệp ghi dở).

    \b
    Ví dụ:
        reportgen build --period 2022-Q1 --unit TM --kind bao-cao
        reportgen build --unit TM-MH --format pdf --json
        reportgen build --dry-run
    """
    from reportgen.build import BuildRequest, UnknownFormat
    from reportgen.build import build as build_documents

    request = BuildRequest(workspace, out, read_periods(period), _unique(unit), _unique(kind), _unique(formats),
                           workers=workers or os.cpu_count() or 1, force=force, dry_run=dry_run)
    console = _BuildConsole(as_json)
    try:
        built = build_documents(request, planned=console.planned, progress=console.progress, running=console.running)
    except UnknownFormat:
        _FormatChoice.check(formats)  # click's own message and exit code, as for any option
        raise
    except Interrupted as exc:
        click.echo(f"Đã dừng ({exc}): các tệp đã lập xong được giữ, không có tệp ghi dở.", err=True)
        raise SystemExit(exc.exit_code)
    if built.replayed:  # the no-op: the recorded warnings and results
        _echo_problems(built.problems)
    elif dry_run:
        _print_plan(built.jobs)
        return
    for warning in built.warnings:
        click.echo(f"CẢNH BÁO: {warning}", err=True)
    if built.cleaned:
        click.echo(f"Đã dọn {built.cleaned} tệp tạm của lần lập trước bị ngắt.", err=True)
    _report(built.results, BUILD_SUMMARY, as_json, fault=built.fault)


class _BuildConsole:
    """The build's console: the workspace's warnings once planned, a progress bar on a
    terminal, Ctrl-C and SIGTERM as :class:`Interrupted` while documents are built."""

    def __init__(self, as_json: bool):
        self.as_json = as_json
        self.count = 0
        self.bar = None

    def planned(self, ws, jobs) -> None:
        _echo_problems(ws.warnings)
        self.count = len(jobs)

    def progress(self, job) -> None:
        if self.bar is not None:
            self.bar.update(1)

    @contextmanager
    def running(self):
        with _stop_on_signals():
            if not wants_progress(self.count, self.as_json, sys.stdout):
                yield
                return
            with click.progressbar(length=self.count, label="Đang lập văn bản", file=sys.stderr) as self.bar:
                yield


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
              show_default=True, help="Thư mục kho lưu trữ; hồ sơ ghi vào <archive>/<năm>/<kỳ>/<đơn vị>/.")
@PERIOD
@UNIT
@click.option("--kind", "-k", multiple=True, cls=_KindOption, help="Loại văn bản (dùng được nhiều lần).")
@click.option("--built", "built_root", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True,
              help="Thư mục văn bản đã lập: chỉ lưu trữ văn bản đã lập ở đó từ cùng dữ liệu.")
@click.option("--without-build", is_flag=True, help="Lưu trữ thẳng từ dữ liệu, không kiểm tra bản đã lập.")
@click.option("--json", "as_json", is_flag=True,
              help="In một đối tượng JSON cho mỗi văn bản (đường dẫn tính từ thư mục kho).")
@click.option("--seal-p12", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Khóa của văn phòng (PKCS#12): đóng dấu manifest sau lượt lưu trữ (docs/archive.md).")
@click.option("--seal-password-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tệp có dòng đầu là mật khẩu của tệp PKCS#12 đó.")
@click.option("--seal-pkcs11-lib", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Hoặc token của văn phòng: thư viện PKCS#11 của nó.")
@click.option("--seal-token-label", help="Nhãn (label) của token văn phòng.")
@click.option("--seal-pin-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tệp có dòng đầu là mã PIN của token văn phòng.")
def archive_command(workspace: Path, archive_root: Path, period, unit, kind, built_root: Path,
                    without_build: bool, as_json: bool, seal_p12, seal_password_file, seal_pkcs11_lib,
                    seal_token_label, seal_pin_file) -> None:
    """Đưa văn bản đã lập vào kho lưu trữ: hồ sơ PDF/A-3b ghi một lần, có trong manifest.

    Mỗi hồ sơ kèm các dòng số liệu (CSV), tệp cuộc họp (YAML) và bản Word đã lập. Văn bản
    chưa lập, hoặc lập từ dữ liệu khác, bị từ chối kèm lý do. Bản đã ký sau đó
    (<kind>.issued.pdf hoặc <kind>.signed.pdf cạnh bản đã lập) được lưu nguyên từng byte
    như bản đã ký. Có --seal-p12 (hoặc token) thì manifest được đóng dấu bằng khóa văn
    phòng. Nội dung đã có trong kho được giữ nguyên ("không đổi"); nội dung khác thành
    phiên bản mới (..._v2.pdf). Mã thoát 1 khi có văn bản lỗi, 2 khi dữ liệu không hợp lệ,
    4 khi thiếu phông chữ.

    \b
    Ví dụ:
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
    elif archiving.is_sealed(archive_root):
        click.echo(f"CẢNH BÁO: kho lưu trữ {archive_root} đã được niêm phong bằng khóa của văn phòng, nhưng lần "
                   "này không có khóa (--seal-p12 hoặc --seal-pkcs11-lib): hồ sơ lưu lần này làm niêm phong cũ "
                   "không còn khớp, verify sẽ báo manifest khác bản đã niêm phong. Lưu trữ lại với khóa của "
                   "văn phòng để niêm phong lại.", err=True)
    try:
        results = archiving.archive(ws, jobs, archive_root, None if without_build else built_root, seal_key)
    except archiving.ArchiveStopped as stopped:  # the records filed before it, then what stopped the run
        _report(stopped.results, ARCHIVE_SUMMARY, as_json, base=archive_root, fault=stopped)
        return
    _report(results, ARCHIVE_SUMMARY, as_json, base=archive_root)


def _echo_repairs(done: list[str]) -> None:
    for sentence in done:
        click.echo(f"ĐÃ SỬA: {sentence}")


@main.command("verify")
@click.argument("archive_root", metavar="[KHO]", required=False, default=ARCHIVE_ROOT,
                type=click.Path(path_type=Path))
@click.option("--repair", is_flag=True, help="Trước hết hoàn tất hoặc hủy phần việc dở của lần lưu trữ bị ngắt "
                                             "(không bao giờ xóa hồ sơ), và in việc đã làm.")
@click.option("--seal-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Chứng thư của văn phòng: manifest phải được đóng dấu bằng khóa của nó.")
@click.option("--trust-root", "trust_roots", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Với một PDF đã ký thay cho kho: chứng thư gốc tin cậy (dùng được nhiều lần).")
def verify_command(archive_root: Path, repair: bool, seal_cert: Path | None, trust_roots) -> None:
    """Kiểm tra mọi hồ sơ của kho KHO (mặc định: archive/) với manifest của kho.

    Nếu thay kho bằng một PDF đã ký: kiểm tra chữ ký của nó như verify-signature.

    Mã băm, kích thước, PDF đọc được, nhận dạng PDF/A-3b, phông chữ và tệp đính kèm,
    siêu dữ liệu, đường dẫn và danh tính từng dòng, chữ ký của hồ sơ đã ký, dấu của
    manifest; cả tệp bị mất, tệp manifest không ghi và lần lưu trữ bị ngắt. Mã thoát 1 khi
    có điểm không khớp, 2 khi không có kho ở đó (không có thư mục, là một tệp, hoặc thư
    mục chưa từng dùng làm kho).

    \b
    Ví dụ:
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
              help="signer: chữ ký của người có thẩm quyền ở khối chữ ký; office: văn thư điền số, ngày rồi "
                   "ký số của cơ quan kèm con dấu.")
@click.option("--p12", type=_FILE, help="Tệp PKCS#12 chứa khóa và chứng thư.")
@click.option("--password-file", type=_FILE, help="Tệp có dòng đầu là mật khẩu của tệp PKCS#12.")
@click.option("--pkcs11-lib", type=_FILE, help="Thư viện PKCS#11 (.so) của thiết bị ký số (token).")
@click.option("--token-label", help="Nhãn (label) của token (khóa USB).")
@click.option("--key-label", help="Nhãn của khóa trên token (mặc định: khóa duy nhất).")
@click.option("--pin-file", type=_FILE, help="Tệp có dòng đầu là mã PIN của token.")
@click.option("--signature-image", type=_FILE, help="signer: ảnh chữ ký tay, PNG màu xanh, nền trong suốt.")
@click.option("--seal-image", type=_FILE, help="office: ảnh con dấu, PNG màu đỏ, nền trong suốt.")
@click.option("--number", type=click.IntRange(1), help="office: số của văn bản.")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="office: ngày ban hành, NĂM-THÁNG-NGÀY.")
@click.option("--tsa-url", help="Máy chủ dấu thời gian RFC 3161: PAdES B-T thay cho B-B.")
@click.option("--archive", "-a", "archive_root", type=click.Path(path_type=Path), default=ARCHIVE_ROOT,
              show_default=True, help="Kho lưu trữ có các số văn bản đã dùng.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp ghi ra (mặc định: <loại>.signed.pdf cạnh tệp vào).")
def sign_command(pdf: Path, role: str, p12, password_file, pkcs11_lib, token_label, key_label, pin_file,
                 signature_image, seal_image, number, on, tsa_url, archive_root, output) -> None:
    """Ký số một PDF reportgen đã lập, theo bố cục Nghị định 30/2020 (PAdES; xem docs/signing.md).

    Mật khẩu và mã PIN đọc từ tệp, không bao giờ từ dòng lệnh. Tệp vào không bị sửa. Mã
    thoát 2 cho mọi trường hợp bị từ chối (sai PIN, chứng thư hết hạn, số đã dùng...),
    kèm lý do; khi đó không ghi gì.

    \b
    Ví dụ:
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
              help="Chứng thư gốc tin cậy, PEM hoặc DER (dùng được nhiều lần).")
def verify_signature_command(pdf: Path, trust_roots) -> None:
    """Kiểm tra mọi chữ ký số của một PDF: người ký, chuỗi chứng thư, thời điểm, thay đổi sau khi ký, số và ngày.

    Mã thoát 1 khi có chữ ký hỏng hoặc không tin cậy, hoặc tệp không có chữ ký nào.

    \b
    Ví dụ:
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
        from reportgen.workspace import NO_WORKSPACE
        raise InvalidInput([Problem(str(workspace), NO_WORKSPACE)])
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


# The placeholders of the help's usage lines and options, in Vietnamese like its words: click
# makes them from English type names ([OPTIONS], COMMAND [ARGS]..., PATH, FILE, TEXT).
METAVARS = {"path": "ĐƯỜNG-DẪN", "file": "TỆP", "directory": "THƯ-MỤC", "text": "GIÁ-TRỊ", "integer": "SỐ",
            "integer range": "SỐ", "float": "SỐ", "float range": "SỐ"}
ARGUMENT_METAVARS = {"directory": "THƯ-MỤC", "pdf": "TỆP-PDF"}
OPTION_METAVARS = {"period": "KỲ", "unit": "MÃ-ĐƠN-VỊ", "kind": "LOẠI", "host": "ĐỊA-CHỈ", "tsa_url": "URL",
                   "token_label": "NHÃN", "key_label": "NHÃN", "seal_token_label": "NHÃN", "office_token_label": "NHÃN"}


def _vietnamese_placeholders(group: click.Group) -> None:
    group.options_metavar, group.subcommand_metavar = "[TÙY CHỌN]", "LỆNH [THAM SỐ]..."
    for command in group.commands.values():
        command.options_metavar = "[TÙY CHỌN]"
        for param in command.params + group.params:
            if param.metavar is not None:
                continue
            if isinstance(param, click.Argument):
                param.metavar = ARGUMENT_METAVARS.get(param.name) or METAVARS.get(param.type.name)
            elif param.name in OPTION_METAVARS:
                param.metavar = OPTION_METAVARS[param.name]
            elif not isinstance(param.type, (click.Choice, click.types.BoolParamType)) and not param.is_flag:
                param.metavar = METAVARS.get(param.type.name)


_vietnamese_placeholders(main)
