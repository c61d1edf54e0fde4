"""The messages: what went wrong in a template, as the clerk reads it, naming the template
(its name for a built-in one, its path for a workspace's), the line and, for a missing
value, the variable."""

from __future__ import annotations

import re
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2.sandbox import SecurityError

from reportgen.resources import BUILTIN_TEMPLATES
from reportgen.templating.loader import template_dirs
from reportgen.templating.sandbox import NoneOutput, RenderLimit

# Errors of filters and data access inside a template: reported as template failures.
RENDER_ERRORS = (jinja2.TemplateError, ValueError, TypeError, LookupError, ArithmeticError)
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'|no element '?([^']+?)'?$")


def located(text: str, tb: TracebackType | None, workspace_templates: Path | None) -> str:
    """``text`` prefixed with the template line that asked for it, when there is one."""
    filename, line = _template_frame(tb, workspace_templates)
    return f"Mẫu {display_name(filename)}, dòng {line}: {text}" if filename else text


def not_found_message(exc: jinja2.TemplateNotFound, workspace_templates: Path | None) -> str:
    where = ", ".join(str(d) for d in template_dirs(workspace_templates))
    text = f"Không tìm thấy mẫu {exc.name!r} (đã tìm trong: {where}) / template not found"
    filename, line = _template_frame(exc.__traceback__, workspace_templates)
    if filename:
        text = f"Mẫu {display_name(filename)}, dòng {line}: {text}"
    return text


def syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    name = display_name(exc.filename) if exc.filename else exc.name
    return f"Mẫu {name}, dòng {exc.lineno}: lỗi cú pháp: {exc.message}"


def render_message(exc: Exception, template_name: str, workspace_templates: Path | None) -> str:
    filename, line = _template_frame(exc.__traceback__, workspace_templates)
    name = display_name(filename) if filename else template_name
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


def display_name(filename: str) -> str:
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
