"""The sandbox and its size accounting: Jinja2's sandbox, with every way a template can make
a value larger than its parts checked *before* the value is made.

No value a template makes may exceed :data:`MAX_OUTPUT_CHARS`: the operators ``*``, ``**``,
``%``, ``+``, ``~`` (:class:`_CodeGenerator`), the output buffers of block sets, macros and
``caller()`` (:class:`_Buffer`), string, list and dict methods, ``format``, and every
conversion of a container to text (:func:`text_size`: a list holding one long string many
times is small in memory but huge as text) in ``{{ }}``, ``join`` and the filters that make
text. Printing ``None`` is an error too: an official document must not say "None".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.environment import TemplateModule
from jinja2.runtime import BlockReference, Namespace
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

MAX_OUTPUT_CHARS = 20_000_000  # one document's HTML, and any value a template computes
_MAX_POWER_BITS = 4096          # ``a ** b`` with an integer result larger than this is refused
_FORMAT_WIDTHS = re.compile(r"%[-+ #0]*(\d+|\*)?(?:\.(\d+|\*))?|\{[^{}]*?:[^{}]*?(\d+)[^{}]*\}")
_NESTED_FIELD = re.compile(r"\{[^{}]*\{")


class NoneOutput(ValueError):
    """A template printed ``None`` (``{{ value }}`` where the value is missing in the data)."""


class RenderLimit(Exception):
    """A template went past one of the render limits (size of a value or of the output, time)."""


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
        return TemplateModule(self, context, list(bounded_output(self.root_render_func(context))))


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


def _finalize(value: object) -> object:
    if value is None:
        raise NoneOutput("giá trị None (trống) được in ra; dùng {% if %} hoặc giá trị mặc định")
    if not isinstance(value, str):  # a container printed: its text, before it is made
        _check_size(text_size(value))
    return value


def bounded_output(chunks: Iterator[str]) -> Iterator[str]:
    """The render's output, stopped once it exceeds :data:`MAX_OUTPUT_CHARS`."""
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            raise RenderLimit(f"văn bản dựng ra vượt {_grouped(MAX_OUTPUT_CHARS)} ký tự, đã dừng "
                              "/ output too large")
        yield chunk


def new_sandbox(loader: jinja2.BaseLoader, filters: Mapping[str, object]) -> SandboxedEnvironment:
    """A sandboxed environment reading through ``loader``, with ``filters`` (the Vietnamese
    ones) and every filter, operator and call that can make a large value bounded."""
    env = _Sandbox(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(filters)
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
