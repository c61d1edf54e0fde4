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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from reportgen.errors import ReportgenError, TemplateFailure
from reportgen.resources import BUILTIN_TEMPLATES
from reportgen.vi import FILTERS, Abbreviations


# Errors of filters and data access inside a template: reported as template failures.
_RENDER_ERRORS = (jinja2.TemplateError, ValueError, TypeError, LookupError, ArithmeticError)
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'|no element '?([^']+?)'?$")


class NoneOutput(ValueError):
    """A template printed ``None`` (``{{ value }}`` where the value is missing in the data)."""


def _finalize(value: object) -> object:
    if value is None:
        raise NoneOutput("giá trị None (trống) được in ra; dùng {% if %} hoặc giá trị mặc định")
    return value


def template_dirs(workspace_templates: Path | None = None) -> list[Path]:
    """The folders searched for templates, in order: the workspace's, then the built-in."""
    dirs = [Path(workspace_templates).resolve()] if workspace_templates is not None else []
    return [*dirs, BUILTIN_TEMPLATES]


def make_environment(workspace_templates: Path | None = None) -> SandboxedEnvironment:
    """The (cached) sandboxed environment for a workspace templates folder (or none)."""
    key = Path(workspace_templates).resolve() if workspace_templates is not None else None
    return _environment(key)


@lru_cache(maxsize=16)
def _environment(workspace_templates: Path | None) -> SandboxedEnvironment:
    loaders = [jinja2.FileSystemLoader(str(d)) for d in template_dirs(workspace_templates)]
    env = SandboxedEnvironment(
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
    return _rendering(lambda: env.get_template(template_name).render(variables), template_name, workspace_templates)


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
        html = render()
    except ReportgenError:
        raise
    except jinja2.TemplateNotFound as exc:
        raise TemplateFailure(_not_found_message(exc, workspace_templates)) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateFailure(_syntax_message(exc)) from exc
    except _RENDER_ERRORS as exc:
        raise TemplateFailure(_render_message(exc, template_name, workspace_templates)) from exc
    return unicodedata.normalize("NFC", html)


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
    if isinstance(exc, NoneOutput):
        return text
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
