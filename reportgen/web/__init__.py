"""The local web page for office staff (``reportgen serve``).

A Starlette application over the same library the CLI uses: the workspace overview, figures
upload (validated before it is kept), the meeting form (written as ``meetings/*.yaml``),
build with progress, preview and download, archive and verify. Pages are server-rendered
with Jinja2 (autoescaped), in Vietnamese; a few lines of plain JavaScript add rows to the
meeting form and poll the build's progress.

Modules: ``app`` (routes), ``guard`` (login, CSRF, request parameters), ``figures_upload``,
``meeting_form``, ``runner`` (one build at a time).
"""

from reportgen.web.app import create_app

__all__ = ["create_app"]
