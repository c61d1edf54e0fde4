"""Templating: sandboxed Jinja2 that turns one document's context into semantic HTML.

Every template runs in Jinja2's sandbox, with autoescaping on (a value from data can never
add markup) and ``StrictUndefined`` (a missing value is an error, never an empty string).
Templates are looked up in the workspace's ``templates/`` folder first, then in the built-in
:data:`BUILTIN_TEMPLATES`, so a workspace overrides a built-in template by giving a file the
same name. The Vietnamese filters of :mod:`reportgen.vi` are registered, and every render
gets its own ``abbr`` (:class:`~reportgen.vi.Abbreviations`), so "spell out at first use"
restarts with each document. Any failure is raised as :class:`~reportgen.errors.TemplateFailure`.

A workspace's templates come from elsewhere, so they are held to limits, one module each:
``sandbox.py`` (the sandbox and its size accounting), ``loader.py`` (nothing read outside
the template folders), ``time_limit.py`` (the time limit of a render) and ``messages.py``
(a failure as the clerk reads it). This face offers :func:`make_environment`,
:func:`render_html`, :func:`phrase` and :func:`check_templates`.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from reportgen.errors import ReportgenError, TemplateFailure
from reportgen.resources import BUILTIN_TEMPLATES
from reportgen.templating.loader import (
    TemplateRefused,
    check_linked_files,
    confined_folder,
    confined_loader,
    link_outside,
    refused_file_message,
)
from reportgen.templating.messages import RENDER_ERRORS, display_name, located, not_found_message, render_message, syntax_message
from reportgen.templating.sandbox import RenderLimit, bounded_output, new_sandbox
from reportgen.templating.time_limit import deadline
from reportgen.vi import FILTERS, Abbreviations

__all__ = ["BUILTIN_TEMPLATES", "PHRASES", "TemplateRefused", "check_templates", "link_outside", "make_environment",
           "phrase", "refused_file_message", "render_html"]


def make_environment(workspace_templates: Path | None = None) -> SandboxedEnvironment:
    """The (cached) sandboxed environment for a workspace templates folder (or none).

    Raises TemplateRefused when the workspace's templates folder is a link leading out of
    the folder that holds it (the workspace).
    """
    return _environment(None if workspace_templates is None else confined_folder(workspace_templates))


@lru_cache(maxsize=16)
def _environment(workspace_templates: Path | None) -> SandboxedEnvironment:
    return new_sandbox(confined_loader(workspace_templates), {**FILTERS, "abbreviate": _abbreviate})


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
    return _rendering(lambda: "".join(bounded_output(env.get_template(template_name).generate(variables))),
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
        with deadline():
            html = render()
    except TemplateRefused as exc:
        raise TemplateRefused(located(str(exc), exc.__traceback__, workspace_templates)) from None
    except ReportgenError:
        raise
    except jinja2.TemplateNotFound as exc:
        raise TemplateFailure(not_found_message(exc, workspace_templates)) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateFailure(syntax_message(exc)) from exc
    except (*RENDER_ERRORS, RenderLimit, RecursionError, MemoryError) as exc:
        raise TemplateFailure(render_message(exc, template_name, workspace_templates)) from None
    return unicodedata.normalize("NFC", html)


def check_templates(names: Iterable[str], workspace_templates: Path | None = None) -> list[str]:
    """Load and compile ``names`` and every template they name statically, and refuse a file of
    the workspace's folder linked outside it; raise TemplateFailure. Returns the names checked,
    in the order they were loaded.

    Run before a build renders anything: a template that cannot be used at all fails the
    run once, instead of once per document.
    """
    env = make_environment(workspace_templates)
    if workspace_templates is not None:
        check_linked_files(Path(os.path.realpath(workspace_templates)))
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
            text = not_found_message(exc, workspace_templates)
            raise TemplateFailure(f"Mẫu {parent}: {text}" if parent else text) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateFailure(syntax_message(exc)) from None
        display = display_name(template.filename) if template.filename else name
        todo += [(child, display) for child in _referenced(env.parse(source, name, template.filename))]
    return list(seen_order)


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
