"""Templating: sandboxed Jinja2 that turns one document's context into semantic HTML.

Every template runs in Jinja2's sandbox, with autoescaping on (a value from data can never
add markup) and ``StrictUndefined`` (a missing value is an error, never an empty string).
Printing ``None`` is an error too: an official document must not say "None".

Templates are looked up in the workspace's ``templates/`` folder first, then in the
built-in :data:`BUILTIN_TEMPLATES`, so a workspace overrides a built-in template by
giving a file the same name. The Vietnamese filters of :mod:`reportgen.vi` are
registered, and every render gets its own ``abbr`` (:class:`~reportgen.vi.Abbreviations`),
so "spell out at first use" restarts with each document.

Any failure is raised as :class:`~reportgen.errors.TemplateFailure` with a message that
names the template, the line and, for a missing value, the variable.

A workspace's templates come from elsewhere, so they are held to limits:

- nothing is read outside the template folders: a template (or an ``include``) that is a
  link, or sits in a linked folder, leading outside its folder is refused with its name
  (:class:`_ConfinedLoader`), as is a workspace ``templates/`` folder linked elsewhere, and
  any other file of the workspace's folder (``print.css``, an image) linked outside it;
- the sandbox refuses a ``*``, ``**``, ``%``, ``format``, string method or ``center`` /
  ``indent`` filter whose result would exceed :data:`MAX_OUTPUT_CHARS`;
- one render stops after :data:`RENDER_SECONDS` (a timer signal in the main thread of the
  rendering process, a trace hook elsewhere) or once its output exceeds
  :data:`MAX_OUTPUT_CHARS`; a template that includes or calls itself without end is
  reported as such.

:func:`check_templates` loads and compiles the templates a build will use, and every
template they name statically, and looks for files of the workspace's folder linked
outside it, before any document is rendered: a template that cannot be used at all
(syntax, not found, refused) stops the run once (exit code 3) instead of failing every
document.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2 import nodes
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from reportgen.errors import ReportgenError, TemplateFailure
from reportgen.resources import BUILTIN_TEMPLATES
from reportgen.vi import FILTERS, Abbreviations


# Errors of filters and data access inside a template: reported as template failures.
_RENDER_ERRORS = (jinja2.TemplateError, ValueError, TypeError, LookupError, ArithmeticError)
MAX_OUTPUT_CHARS = 20_000_000  # one document's HTML, and any value a template computes
RENDER_SECONDS = 60.0          # one document's render
_MAX_POWER_BITS = 4096          # ``a ** b`` with an integer result larger than this is refused
_FORMAT_WIDTHS = re.compile(r"%[-+ #0]*(\d+|\*)?(?:\.(\d+|\*))?|\{[^{}]*?:[^{}]*?(\d+)[^{}]*\}")
_NESTED_FIELD = re.compile(r"\{[^{}]*\{")
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'|no element '?([^']+?)'?$")


class NoneOutput(ValueError):
    """A template printed ``None`` (``{{ value }}`` where the value is missing in the data)."""


class RenderLimit(Exception):
    """A template went past one of the render limits (size of a value or of the output, time)."""


class TemplateRefused(TemplateFailure):
    """A template would be read through a link (or path) leaving the template folders."""


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _too_big(size: int) -> RenderLimit:
    return RenderLimit(f"giá trị quá lớn ({_grouped(size)} phần tử; giới hạn {_grouped(MAX_OUTPUT_CHARS)}) "
                       "/ value too large")


def _check_repeat(left: object, right: object) -> None:
    """``sequence * n`` (either order) must stay within the output limit."""
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int) and not isinstance(times, bool):
            if len(seq) * times > MAX_OUTPUT_CHARS:
                raise _too_big(len(seq) * times)


def _check_power(base: object, exponent: object) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        if exponent * abs(base).bit_length() > _MAX_POWER_BITS:
            raise RenderLimit(f"lũy thừa quá lớn ({base} ** {exponent}) / power too large")


def _check_format(text: object, args: Iterable[object] = ()) -> None:
    """A format string (``%`` or ``format``) whose widths would make a huge string."""
    if not isinstance(text, str):
        return
    widths = [int(w) for match in _FORMAT_WIDTHS.findall(text) for w in match if w.isdigit()]
    if "*" in text or _NESTED_FIELD.search(text):  # widths taken from the arguments
        widths += [a for a in args if isinstance(a, int) and not isinstance(a, bool)]
    if widths and max(widths) > MAX_OUTPUT_CHARS:
        raise _too_big(max(widths))


def _check_int_arguments(args: Iterable[object]) -> None:
    """Arguments of a string method or filter that sets a width or a count (``ljust``, ``center``)."""
    for value in args:
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_OUTPUT_CHARS:
            raise _too_big(value)


def _check_replace(text: object, old: object, new: object) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
        size = len(text) + (text.count(old) if old else len(text) + 1) * (len(new) - len(old))
        if size > MAX_OUTPUT_CHARS:
            raise _too_big(size)


class _Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox, with the operators and calls that can build huge values bounded."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            _check_repeat(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "%":
            _check_format(left, right if isinstance(right, tuple) else (right,))
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (the sandbox's own signature)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, (str, bytes, list, tuple)):
            _check_int_arguments([*args, *kwargs.values()])
            if getattr(__obj, "__name__", "") == "replace" and len(args) >= 2:
                _check_replace(owner, args[0], args[1])
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        def bounded(*args, **kwargs):
            _check_format(value.__self__, [*args, *kwargs.values()])
            return wrapped(*args, **kwargs)
        return bounded


def _bounded_filter(function):
    def bounded(value, *args, **kwargs):
        _check_int_arguments([*args, *kwargs.values()])
        return function(value, *args, **kwargs)
    return bounded


@jinja2.pass_eval_context
def _replace_filter(eval_ctx, value, old, new, count=None):
    _check_replace(str(value), str(old), str(new))
    return jinja2.filters.do_replace(eval_ctx, value, old, new, count)


def _format_filter(value, *args, **kwargs):
    _check_format(value, args)
    return jinja2.filters.do_format(value, *args, **kwargs)


def link_outside(root: str | Path, path: str | Path) -> str | None:
    """Where ``path`` (inside the template folder ``root``) really leads, when that is outside
    ``root`` (through a link of its own or of a folder on the way); else None."""
    if not os.path.lexists(path):
        return None
    real = os.path.realpath(path)
    return None if Path(real).is_relative_to(os.path.realpath(root)) else real


def refused_file_message(name: str, path: str | Path, root: str | Path, real: str) -> str:
    """The message for a non-template file of a template folder (a stylesheet, an image) leading outside it."""
    return (f"Tệp {name!r} ({path}) dẫn ra ngoài thư mục mẫu {root} (tới {real}): không đọc "
            "/ file leads outside the template folder, refused")


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader for one folder that reads nothing outside it, through links or otherwise."""

    def get_source(self, environment, template):
        root = self.searchpath[0]
        path = os.path.join(root, *split_template_path(template))  # refuses ".." itself
        real = link_outside(root, path)
        if real is not None:
            raise TemplateRefused(
                f"Mẫu {template!r} ({path}) dẫn ra ngoài thư mục mẫu {root} (tới {real}): không đọc "
                "/ template leads outside the template folder, refused")
        return super().get_source(environment, template)


def _finalize(value: object) -> object:
    if value is None:
        raise NoneOutput("giá trị None (trống) được in ra; dùng {% if %} hoặc giá trị mặc định")
    return value


def template_dirs(workspace_templates: Path | None = None) -> list[Path]:
    """The folders searched for templates, in order: the workspace's, then the built-in."""
    dirs = [Path(workspace_templates).resolve()] if workspace_templates is not None else []
    return [*dirs, BUILTIN_TEMPLATES]


def make_environment(workspace_templates: Path | None = None) -> SandboxedEnvironment:
    """The (cached) sandboxed environment for a workspace templates folder (or none).

    Raises TemplateRefused when the workspace's templates folder is a link leading out of
    the folder that holds it (the workspace).
    """
    if workspace_templates is None:
        return _environment(None)
    folder = Path(workspace_templates)
    real, holder = Path(os.path.realpath(folder)), Path(os.path.realpath(folder.absolute().parent))
    if os.path.lexists(folder) and not real.is_relative_to(holder):
        raise TemplateRefused(f"Thư mục mẫu {folder} dẫn ra ngoài {holder} (tới {real}): không đọc "
                              "/ templates folder leads outside the workspace, refused")
    return _environment(real)


@lru_cache(maxsize=16)
def _environment(workspace_templates: Path | None) -> SandboxedEnvironment:
    loaders = [_ConfinedLoader(str(d)) for d in template_dirs(workspace_templates)]
    env = _Sandbox(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.filters["abbreviate"] = _abbreviate
    env.filters["center"] = _bounded_filter(env.filters["center"])
    env.filters["indent"] = _bounded_filter(env.filters["indent"])
    env.filters["format"] = _format_filter
    env.filters["replace"] = _replace_filter
    return env


@jinja2.pass_context
def _abbreviate(context: jinja2.runtime.Context, text: object) -> str:
    """``{{ value|abbreviate }}``: the first-use rule of the document's ``abbr`` inside data text."""
    return context["abbr"].text(text)


def render_html(template_name: str, context: Mapping[str, object],
                workspace_templates: Path | None = None,
                abbreviations: Mapping[str, str] | None = None) -> str:
    """Render ``template_name`` with ``context``; return NFC-normalised HTML.

    ``abbreviations`` (short form -> long form) replaces the default list of the ``abbr``
    global (see :data:`reportgen.vi.DEFAULT_ABBREVIATIONS`). Raises TemplateFailure.
    """
    env = make_environment(workspace_templates)
    variables = {**context, "abbr": Abbreviations(abbreviations)}
    return _rendering(lambda: "".join(_bounded(env.get_template(template_name).generate(variables))),
                      template_name, workspace_templates)


PHRASES = "phrases.html.j2"


def phrase(macro: str, workspace_templates: Path | None = None, **values: object) -> str:
    """The text of one macro of ``phrases.html.j2`` (the workspace's copy first), as plain text.

    For the sentences Python needs before the document is rendered: the subject lines (the
    document's title and metadata), the bulletin's headline, the chart's title. The macro
    is called with ``values`` as keyword arguments; the result is unescaped (the document
    template escapes it again where it prints it). Raises TemplateFailure.
    """
    env = make_environment(workspace_templates)

    def call() -> str:
        module = env.get_template(PHRASES).module
        if not hasattr(module, macro):
            raise TemplateFailure(f"Mẫu {PHRASES}: không có macro {macro!r} (cần cho câu chữ của văn bản)")
        return Markup(getattr(module, macro)(**values)).unescape()

    return _rendering(call, PHRASES, workspace_templates)


def _rendering(render, template_name: str, workspace_templates: Path | None) -> str:
    """Run ``render()``; Jinja2's errors become TemplateFailure naming template and line."""
    try:
        with _deadline(RENDER_SECONDS):
            html = render()
    except TemplateRefused as exc:
        raise TemplateRefused(_located(str(exc), exc.__traceback__, workspace_templates)) from None
    except ReportgenError:
        raise
    except jinja2.TemplateNotFound as exc:
        raise TemplateFailure(_not_found_message(exc, workspace_templates)) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateFailure(_syntax_message(exc)) from exc
    except (*_RENDER_ERRORS, RenderLimit, RecursionError, MemoryError) as exc:
        raise TemplateFailure(_render_message(exc, template_name, workspace_templates)) from None
    return unicodedata.normalize("NFC", html)


def _bounded(chunks: Iterator[str]) -> Iterator[str]:
    """The render's output, stopped once it exceeds :data:`MAX_OUTPUT_CHARS`."""
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            raise RenderLimit(f"văn bản dựng ra vượt {_grouped(MAX_OUTPUT_CHARS)} ký tự, đã dừng "
                              "/ output too large")
        yield chunk


@contextmanager
def _deadline(seconds: float):
    """Raise RenderLimit in the block once ``seconds`` have passed."""
    def expired(*_):
        raise RenderLimit(f"dựng văn bản quá {seconds:g} giây, đã dừng (vòng lặp quá lớn?) / render timed out")

    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    end = time.monotonic() + seconds

    def trace(frame, event, arg):  # function calls only: cheap, and every template loop makes them
        if time.monotonic() > end:
            expired()

    previous_trace = sys.gettrace()
    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous_trace)


def check_templates(names: Iterable[str], workspace_templates: Path | None = None) -> None:
    """Load and compile ``names`` and every template they name statically, and refuse a file of
    the workspace's folder linked outside it; raise TemplateFailure.

    Run before a build renders anything: a template that cannot be used at all fails the
    run once, instead of once per document.
    """
    env = make_environment(workspace_templates)
    if workspace_templates is not None:
        _check_linked_files(Path(os.path.realpath(workspace_templates)))
    todo = [(name, None) for name in dict.fromkeys(names)]
    seen: set[str] = set()
    while todo:
        name, parent = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        try:
            template = env.get_template(name)
            source = env.loader.get_source(env, name)[0]
        except jinja2.TemplateNotFound as exc:
            text = _not_found_message(exc, workspace_templates)
            raise TemplateFailure(f"Mẫu {parent}: {text}" if parent else text) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateFailure(_syntax_message(exc)) from None
        display = _display_name(template.filename) if template.filename else name
        todo += [(child, display) for child in _referenced(env.parse(source, name, template.filename))]


def _check_linked_files(root: Path) -> None:
    """Refuse a file of the workspace's templates folder other than a Jinja template (``*.j2``):
    a stylesheet, an image or a font, that is a link leading outside the folder.

    The PDF renderer would refuse it too, document by document; found here, the run stops
    once, before rendering. Linked folders are not entered: what is read through them is
    refused where it is read.
    """
    if not root.is_dir():
        return
    for folder, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            path = Path(folder, name)
            real = None if name.endswith(".j2") else link_outside(root, path)
            if real is not None:
                raise TemplateRefused(refused_file_message(path.relative_to(root).as_posix(), path, root, real))


def _referenced(tree: nodes.Template) -> list[str]:
    """Templates named by constants in ``extends``, ``import`` and ``include`` (not ``ignore missing``)."""
    found = []
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        if isinstance(node, nodes.Include) and node.ignore_missing:
            continue
        target = node.template
        items = target.items if isinstance(target, (nodes.List, nodes.Tuple)) else [target]
        found += [item.value for item in items if isinstance(item, nodes.Const) and isinstance(item.value, str)]
    return found


def _located(text: str, tb: TracebackType | None, workspace_templates: Path | None) -> str:
    """``text`` prefixed with the template line that asked for it, when there is one."""
    filename, line = _template_frame(tb, workspace_templates)
    return f"Mẫu {_display_name(filename)}, dòng {line}: {text}" if filename else text


def _not_found_message(exc: jinja2.TemplateNotFound, workspace_templates: Path | None) -> str:
    where = ", ".join(str(d) for d in template_dirs(workspace_templates))
    text = f"Không tìm thấy mẫu {exc.name!r} (đã tìm trong: {where}) / template not found"
    filename, line = _template_frame(exc.__traceback__, workspace_templates)
    if filename:
        text = f"Mẫu {_display_name(filename)}, dòng {line}: {text}"
    return text


def _syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    name = _display_name(exc.filename) if exc.filename else exc.name
    return f"Mẫu {name}, dòng {exc.lineno}: lỗi cú pháp: {exc.message}"


def _render_message(exc: Exception, template_name: str, workspace_templates: Path | None) -> str:
    filename, line = _template_frame(exc.__traceback__, workspace_templates)
    name = _display_name(filename) if filename else template_name
    where = f"Mẫu {name}" + (f", dòng {line}" if line else "")
    source = _source_line(filename, line)
    return f"{where}: {_describe(exc)}" + (f" [{source}]" if source else "")


def _describe(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, jinja2.UndefinedError):
        match = _UNDEFINED_NAME.search(text)
        variable = next((g for g in match.groups() if g), None) if match else None
        if variable:
            return f"biến {variable!r} không có trong dữ liệu ({text})"
        return f"giá trị không có trong dữ liệu ({text})"
    if isinstance(exc, SecurityError):
        return f"mẫu truy cập thuộc tính không được phép trong sandbox ({text})"
    if isinstance(exc, (NoneOutput, RenderLimit)):
        return text
    if isinstance(exc, RecursionError):
        return "mẫu gọi lại chính nó không dừng (include hoặc macro đệ quy) / endless template recursion"
    if isinstance(exc, MemoryError):
        return "hết bộ nhớ khi dựng văn bản / out of memory"
    return f"{type(exc).__name__}: {text}"


def _template_frame(tb: TracebackType | None,
                    workspace_templates: Path | None) -> tuple[str | None, int | None]:
    """The innermost traceback frame that runs template code: (filename, template line)."""
    found: tuple[str | None, int | None] = (None, None)
    roots = template_dirs(workspace_templates)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if _is_template_file(filename, roots):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _is_template_file(filename: str, roots: list[Path]) -> bool:
    if not filename or filename.startswith("<"):
        return False
    path = Path(filename)
    return any(path.is_relative_to(root) for root in roots)


def _display_name(filename: str) -> str:
    """``van-ban-mau.html.j2`` for a built-in template, the full path for a workspace one."""
    path = Path(filename)
    if path.is_relative_to(BUILTIN_TEMPLATES):
        return path.relative_to(BUILTIN_TEMPLATES).as_posix()
    return str(path)


def _source_line(filename: str | None, line: int | None) -> str:
    if not filename or not line:
        return ""
    try:
        lines = Path(filename).read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1].strip()
    return text if len(text) <= 120 else text[:117] + "..."
