"""Document kinds: one module per kind, and the registry everything else reads.

A kind declares in one place everything about it (:class:`Kind`): its name and title, its
formats, what it needs (figures, a meeting), its template, its default issuer and signer,
its context builder and how the archive types it. Planning, the build, the CLI's choices
and the archive read :data:`KINDS`; nothing else names a kind.

Adding a kind: a module here with a ``KIND = Kind(...)`` and a builder, its template in
``templates/``, and its name in the import line below (docs/architecture.md, "Adding a kind").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from reportgen.kinds import bao_cao, thong_bao, tin_tuc
from reportgen.kinds.kind import Builder, Extra, Kind

if TYPE_CHECKING:
    from reportgen.job import Job
    from reportgen.workspace_types import Workspace

# every kind, in the order a plan lists them
KINDS: dict[str, Kind] = {kind.name: kind for kind in (bao_cao.KIND, thong_bao.KIND, tin_tuc.KIND)}


def kind_of(name: str) -> Kind:
    """The kind called ``name`` (a KeyError for an unknown name: plan() checks --kind first)."""
    return KINDS[name]


def build_context(ws: Workspace, job: Job) -> tuple[str, Mapping[str, Any], dict[str, bytes]]:
    """The template name, the context and the assets (file name -> bytes) of one document."""
    kind = KINDS[job.kind]
    context, assets = kind.build(ws, job)
    return kind.template, context, assets


__all__ = ["KINDS", "Kind", "Extra", "Builder", "kind_of", "build_context"]
