"""The web page's tests: the site under Starlette's test client, and the CSRF token of a page."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from reportgen.web import create_app

BASE = "http://127.0.0.1:8080"  # the address served: a request naming another host is refused


@pytest.fixture
def site(workspace, tmp_path):
    app = create_app(workspace, tmp_path / "out", tmp_path / "archive")
    client = TestClient(app, base_url=BASE, raise_server_exceptions=False, follow_redirects=False)
    return client, workspace, tmp_path



def token(client: TestClient, page: str = "/so-lieu") -> str:
    html = client.get(page).text
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)
