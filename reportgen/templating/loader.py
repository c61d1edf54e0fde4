"""The confined loader: templates are read from the template folders only, the workspace's
``templates/`` first, then the built-in :data:`~reportgen.resources.BUILTIN_TEMPLATES`.

A template (or an ``include``) that is a link, or sits in a linked folder, leading outside
its folder is refused with its name (:class:`ConfinedLoader`), as is a workspace
``templates/`` folder linked elsewhere (:func:`confined_folder`), and any other file of the
workspace's folder (``print.css``, an image) linked outside it (:func:`check_linked_files`).
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from reportgen.errors import TemplateFailure
from reportgen.resources import BUILTIN_TEMPLATES


class TemplateRefused(TemplateFailure):
    """A template would be read through a link (or path) leaving the template folders."""


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


class ConfinedLoader(jinja2.FileSystemLoader):
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


def template_dirs(workspace_templates: Path | None = None) -> list[Path]:
    """The folders searched for templates, in order: the workspace's, then the built-in."""
    dirs = [Path(workspace_templates).resolve()] if workspace_templates is not None else []
    return [*dirs, BUILTIN_TEMPLATES]


def confined_loader(workspace_templates: Path | None) -> jinja2.BaseLoader:
    """The loader of a (resolved) workspace templates folder, or of the built-in ones alone."""
    return jinja2.ChoiceLoader([ConfinedLoader(str(d)) for d in template_dirs(workspace_templates)])


def confined_folder(workspace_templates: Path) -> Path:
    """The workspace's templates folder, resolved; TemplateRefused when it is a link leading
    out of the folder that holds it (the workspace)."""
    folder = Path(workspace_templates)
    real, holder = Path(os.path.realpath(folder)), Path(os.path.realpath(folder.absolute().parent))
    if os.path.lexists(folder) and not real.is_relative_to(holder):
        raise TemplateRefused(f"Thư mục mẫu {folder} dẫn ra ngoài {holder} (tới {real}): không đọc "
                              "/ templates folder leads outside the workspace, refused")
    return real


def check_linked_files(root: Path) -> None:
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
