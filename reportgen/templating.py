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
- no value a template makes may exceed :data:`MAX_OUTPUT_CHARS`, checked before it is
  made: the operators ``*``, ``**``, ``%``, ``+``, ``~`` (:class:`_CodeGenerator`), the
  output buffers of block sets, macros and ``caller()`` (:class:`_Buffer`), string, list
  and dict methods, ``format``, and every conversion of a container to text
  (:func:`text_size`: a list holding one long string many times is small in memory but
  huge as text) in ``{{ }}``, ``join`` and the filters that make text;
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
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.loaders import split_template_path
from jinja2.environment import TemplateModule
from jinja2.runtime import BlockReference, Namespace
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
    """A format string (``%`` or ``format``) whose widths, or fields repeating an argument
    (``'%s%s' % (s, s)``, ``'{0}{0}'.format(s)``), would make a huge string."""
    if not isinstance(text, str):
        return
    args = list(args)
    widths = [int(w) for match in _FORMAT_WIDTHS.findall(text) for w in match if w.isdigit()]
    if "*" in text or _NESTED_FIELD.search(text):  # widths taken from the arguments
        widths += [a for a in args if isinstance(a, int) and not isinstance(a, bool)]
    if widths and max(widths) > MAX_OUTPUT_CHARS:
        raise _too_big(max(widths))
    fields = text.count("%") + text.count("{")
    if fields and args:
        _check_size(len(text) + fields * max(text_size(a) for a in args))


def text_size(value: object, limit: int | None = None) -> int:
    """How many characters ``value`` makes as text (``str()``), counted without making it.

    A list holding the same long string many times is small in memory but huge as text:
    containers (and Jinja's namespaces) are counted item by item, stopping once past
    ``limit`` (default :data:`MAX_OUTPUT_CHARS`). Other values (numbers, dates) count 0:
    their text is short.
    """
    limit = MAX_OUTPUT_CHARS if limit is None else limit
    if isinstance(value, str):
        return len(value)
    if isinstance(value, TemplateModule):  # {% import %}ed: its text is its body's output
        value = value._body_stream
    if isinstance(value, Namespace):
        value = object.__getattribute__(value, "_Namespace__attrs")
    if isinstance(value, Mapping):
        items: Iterable[object] = (part for pair in value.items() for part in pair)
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = value
    else:
        return 0
    size, seen, todo = 2, {id(value)}, [iter(items)]
    while todo:
        item = next(todo[-1], _END)
        if item is _END:
            todo.pop()
            continue
        size += 2
        if isinstance(item, str):
            size += len(item) + 2
        elif isinstance(item, Namespace | Mapping | list | tuple | set | frozenset) and id(item) not in seen:
            seen.add(id(item))
            if isinstance(item, Namespace):
                item = object.__getattribute__(item, "_Namespace__attrs")
            todo.append(iter((part for pair in item.items() for part in pair) if isinstance(item, Mapping) else item))
        if size > limit:
            break
    return size


_END = object()


def _check_size(size: int) -> None:
    if size > MAX_OUTPUT_CHARS:
        raise _too_big(size)


def _check_texts(values: Iterable[object], separator: int = 0) -> list[object]:
    """``values`` (as a list) if joining them, ``separator`` characters apart, stays within the limit."""
    values = list(values)
    size = separator * max(len(values) - 1, 0)
    for value in values:
        size += text_size(value, MAX_OUTPUT_CHARS - size)
        _check_size(size)
    return values


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


def _bounded_concat(chunks: Iterable[str]) -> str:
    """``environment.concat``: the output of a block set, a macro, a ``caller()`` or a filter block."""
    return "".join(_check_texts(chunks))


def _checked_method_call(owner: object, name: str, args: tuple, kwargs: dict) -> tuple:
    """Refuse a method call on a string, list, dict or set whose result would be too large;
    return the arguments to call it with (an iterable to join, made a list)."""
    if isinstance(owner, (str, bytes, list, tuple)):
        _check_int_arguments([*args, *kwargs.values()])
        if name == "replace" and len(args) >= 2:
            _check_replace(owner, args[0], args[1])
    if isinstance(owner, str) and args:
        if name == "join":  # "sep".join(items): the items' text and the separators
            return (_check_texts(args[0], len(owner)), *args[1:])
        if name == "expandtabs" and isinstance(args[0], int):
            _check_size(len(owner) + owner.count("\t") * args[0])
        elif name == "translate" and isinstance(args[0], Mapping):
            _check_size(len(owner) * max([1, *(text_size(v) for v in args[0].values())]))
    elif isinstance(owner, (list, dict, set)) and name in _GROWING:
        added = len(args[0]) if name in ("extend", "update") and args and hasattr(args[0], "__len__") else 1
        _check_size(len(owner) + added)
    return args


def _block_text(block: BlockReference) -> str:
    """What ``BlockReference.__call__`` returns (it joins with Jinja2's own ``concat``), bounded."""
    text = _bounded_concat(block._stack[block._depth](block._context))
    return Markup(text) if block._context.eval_ctx.autoescape else text


class _Buffer(list):
    """The output buffer of a block set, a macro, a ``caller()``, a filter block: refused once
    its text exceeds the limit (it may hold many references to one long string)."""

    __slots__ = ("size",)

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def append(self, chunk: str) -> None:
        self.size += len(chunk) if isinstance(chunk, str) else 0
        _check_size(self.size)
        super().append(chunk)

    def extend(self, chunks: Iterable[str]) -> None:
        for chunk in chunks:
            self.append(chunk)


class _Template(jinja2.Template):
    """A template whose module (``{% import %}``) is made from its bounded output."""

    def make_module(self, vars=None, shared=False, locals=None):  # noqa: A002 (Jinja2's names)
        context = self.new_context(vars, shared, locals)
        return TemplateModule(self, context, list(_bounded(self.root_render_func(context))))


class _CodeGenerator(CodeGenerator):
    """Jinja2's code generator, with ``a ~ b`` checked (``environment.bounded_join``) before it
    joins (the same code as Jinja2's ``visit_Concat``, the join function passed to the check),
    and output buffers of :class:`_Buffer` (``environment.output_buffer``).
    """

    def buffer(self, frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.output_buffer()")

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        else:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        self.write(f"environment.bounded_join({join}, (")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


# List, dict and set methods that grow their object: checked against the limit on element count.
_GROWING = {"append", "extend", "insert", "update", "add", "setdefault"}


class _Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox, with the operators and calls that can build huge values bounded."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _CodeGenerator
    template_class = _Template
    concat = staticmethod(_bounded_concat)
    output_buffer = _Buffer

    @staticmethod
    def bounded_join(join, values: tuple) -> str:
        """``a ~ b ~ ...``: refused before joining when the text would be too large."""
        return join(_check_texts(values))

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            _check_repeat(left, right)
            _check_product(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "%":
            _check_format(left, right if isinstance(right, tuple) else (right,))
        elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            _check_size(len(left) + len(right))
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (the sandbox's own signature)
        owner = getattr(__obj, "__self__", None)
        if owner is not None:
            args = _checked_method_call(owner, getattr(__obj, "__name__", ""), args, kwargs)
        elif type(__obj) is BlockReference and not args and not kwargs:  # {{ self.name() }}, {{ super() }}
            return _block_text(__obj)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        def bounded(*args, **kwargs):
            _check_format(value.__self__, [*args, *kwargs.values()])
            return wrapped(*args, **kwargs)
        return bounded


def _check_product(left: object, right: object) -> None:
    """An integer product far beyond any figure (repeated squaring makes gigabytes)."""
    if isinstance(left, int) and isinstance(right, int) and not isinstance(left, bool) \
            and not isinstance(right, bool) and abs(left).bit_length() + abs(right).bit_length() > _MAX_POWER_BITS:
        raise RenderLimit(f"tích quá lớn (quá {_MAX_POWER_BITS} bit) / product too large")


def _bounded_filter(function, repeats_arguments: bool = False):
    """``function`` (a filter) refused on a value too large as text, or on a width or count
    argument over the limit; with ``repeats_arguments``, also when a string argument inserted
    at every line or word (``wordwrap``'s wrapstring, ``indent``'s string width) would be."""
    passed = getattr(function, "jinja_pass_arg", None)

    def bounded(*args, **kwargs):
        value, rest = (args[1], args[2:]) if passed is not None else (args[0], args[1:])
        size = text_size(value)
        _check_size(size)
        _check_int_arguments([*rest, *kwargs.values()])
        if repeats_arguments:
            _check_size(size * max([1, *(len(a) for a in (*rest, *kwargs.values()) if isinstance(a, str))]))
        return function(*args, **kwargs)

    if passed is not None:
        bounded.jinja_pass_arg = passed
    return bounded


# Filters that turn their value into text (a container's repr can be far larger than it is in
# memory), or build sequences from an integer argument (batch, slice): bounded.
_TEXT_FILTERS = ("string", "e", "escape", "forceescape", "tojson", "pprint", "trim", "upper", "lower", "title",
                 "capitalize", "striptags", "urlencode", "wordcount", "truncate", "xmlattr", "center",
                 "batch", "slice", "list", "safe")
_REPEATING_FILTERS = ("wordwrap", "indent", "urlize")


@jinja2.pass_eval_context
def _join_filter(eval_ctx, value, d="", attribute=None):
    items = list(value)
    if attribute is not None:
        items = list(map(jinja2.filters.make_attrgetter(eval_ctx.environment, attribute), items))
    return jinja2.filters.do_join(eval_ctx, _check_texts(items, len(str(d))), d)


@jinja2.pass_environment
def _sum_filter(environment, iterable, attribute=None, start=0):
    """``[a, b]|sum(start=[])`` joins lists: bounded like ``+``."""
    items = list(iterable)
    if attribute is not None:
        items = list(map(jinja2.filters.make_attrgetter(environment, attribute), items))
    if isinstance(start, (list, tuple, str)):
        _check_size(len(start) + sum(len(i) for i in items if isinstance(i, (list, tuple, str))))
    return sum(items, start)


def _lipsum(n=5, html=True, min=20, max=100):  # noqa: A002 (Jinja2's own argument names)
    _check_size(int(n) * int(max) * 12)  # words of at most 11 letters and a space
    return jinja2.utils.generate_lorem_ipsum(n, html, min, max)


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
    if not isinstance(value, str):  # a container printed: its text, before it is made
        _check_size(text_size(value))
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
    for name in _TEXT_FILTERS:
        env.filters[name] = _bounded_filter(env.filters[name])
    for name in _REPEATING_FILTERS:
        env.filters[name] = _bounded_filter(env.filters[name], repeats_arguments=True)
    env.filters["format"] = _format_filter
    env.filters["replace"] = _replace_filter
    env.filters["join"] = _join_filter
    env.filters["sum"] = _sum_filter
    env.globals["lipsum"] = _lipsum
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


def check_templates(names: Iterable[str], workspace_templates: Path | None = None) -> list[str]:
    """Load and compile ``names`` and every template they name statically, and refuse a file of
    the workspace's folder linked outside it; raise TemplateFailure. Returns the names checked,
    in the order they were loaded.

    Run before a build renders anything: a template that cannot be used at all fails the
    run once, instead of once per document.
    """
    env = make_environment(workspace_templates)
    if workspace_templates is not None:
        _check_linked_files(Path(os.path.realpath(workspace_templates)))
    todo = [(name, None) for name in dict.fromkeys(names)]
    seen: set[str] = set()
    seen_order: list[str] = []
    while todo:
        name, parent = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        seen_order.append(name)
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
    return list(seen_order)


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
