"""reportgen.web.shield: the Host, Origin and body checks every request passes, and the security
headers every response gets, called directly (the ASGI middleware run with asyncio, no server)."""

from __future__ import annotations

import asyncio
import socket

import pytest

from reportgen.web import shield
from reportgen.web.shield import SECURITY_HEADERS, TOO_LARGE, TOO_SLOW, Shield, host_names, split_host

WRONG_HOST = ("Trang này chỉ phục vụ địa chỉ của chính nó; tên máy trong yêu cầu không đúng. "
              "Hãy mở trang bằng địa chỉ reportgen serve đã in ra.")
OTHER_SITE = "Biểu mẫu được gửi từ một trang khác; chỉ nhận biểu mẫu gửi từ chính trang này."


@pytest.mark.parametrize("value, expected", [
    ("example:8080", ("example", 8080)), ("EXAMPLE", ("example", None)), ("[::1]:80", ("::1", 80)),
    ("127.0.0.1:8000", ("127.0.0.1", 8000)), ("", ("", None)),
    ("example:port", None), ("[::1", None), ("example:99999", None)])
def test_split_host(value, expected):
    assert split_host(value) == expected


def test_the_names_a_host_may_carry():
    assert host_names("127.0.0.1") == {"127.0.0.1", "localhost", "::1"}
    assert host_names("localhost") == host_names("[::1]") == host_names("127.0.0.2") == {"127.0.0.1", "localhost", "::1"}
    assert host_names("192.168.1.5") == {"192.168.1.5"}
    assert host_names("192.168.1.5", ("UBND-TM.local", "[fe80::1]")) == {"192.168.1.5", "ubnd-tm.local", "fe80::1"}
    everywhere = host_names("0.0.0.0")
    assert {"127.0.0.1", "localhost", "::1", socket.gethostname().lower()} <= everywhere
    assert host_names("::") == everywhere


def scope(method="GET", server=("127.0.0.1", 8000), scheme="http"):
    return {"type": "http", "method": method, "path": "/tai-len", "server": server, "scheme": scheme,
            "client": ("127.0.0.1", 5555)}


LOCAL = Shield(None, host_names("127.0.0.1"), 8000, body_limit=100)


@pytest.mark.parametrize("host, expected", [
    ("127.0.0.1:8000", None), ("localhost:8000", None), ("127.0.0.1", None), ("[::1]:8000", None),
    ("LOCALHOST:8000", None),
    ("", (400, "Yêu cầu thiếu hoặc sai tên máy (Host).")), (":8000", (400, "Yêu cầu thiếu hoặc sai tên máy (Host).")),
    ("127.0.0.1:port", (400, "Yêu cầu thiếu hoặc sai tên máy (Host).")),
    ("attacker.example:8000", (421, WRONG_HOST)), ("127.0.0.1:8001", (421, WRONG_HOST)),
    ("127.0.0.2:8000", (421, WRONG_HOST))])
def test_the_host_must_name_the_address_served(host, expected):
    headers = {"host": host} if host else {}
    assert LOCAL.refusal(scope(), headers) == expected


def test_any_port_is_accepted_when_none_is_known():
    assert Shield(None, host_names("127.0.0.1"), None, 100).refusal(scope(), {"host": "localhost:1234"}) is None


def test_listening_on_all_addresses_the_address_reached_is_accepted_but_not_another():
    everywhere = Shield(None, frozenset({"ubnd-tm"}), 8000, 100)
    reached = scope(server=("10.0.0.7", 8000))
    assert everywhere.refusal(reached, {"host": "10.0.0.7:8000"}) is None
    assert everywhere.refusal(reached, {"host": "ubnd-tm:8000"}) is None
    assert everywhere.refusal(reached, {"host": "10.0.0.8:8000"}) == (421, WRONG_HOST)
    # a name is never taken for the address it reached: that is what DNS rebinding relies on
    assert everywhere.refusal(scope(server=("rebind.example", 8000)), {"host": "rebind.example:8000"}) == (421, WRONG_HOST)


@pytest.mark.parametrize("headers, expected", [
    ({"origin": "http://127.0.0.1:8000"}, None),
    ({"referer": "http://127.0.0.1:8000/tai-len?x=1"}, None),
    ({}, None),
    ({"origin": "http://attacker.example"}, (403, OTHER_SITE)),
    ({"origin": "https://127.0.0.1:8000"}, (403, OTHER_SITE)),
    ({"origin": "http://127.0.0.1:8001"}, (403, OTHER_SITE)),
    ({"origin": "null"}, (403, OTHER_SITE)),
    ({"referer": "http://attacker.example/127.0.0.1:8000"}, (403, OTHER_SITE)),
    ({"origin": "http://[::1"}, (403, OTHER_SITE)),
    ({"origin": "http://127.0.0.1:8000", "referer": "http://attacker.example/"}, None),  # Origin decides
    ({"content-length": "100"}, None),
    ({"content-length": "101"}, (413, TOO_LARGE)),
    ({"content-length": "-1"}, (400, "Độ dài nội dung (Content-Length) không hợp lệ.")),
    ({"content-length": "1e3"}, (400, "Độ dài nội dung (Content-Length) không hợp lệ.")),
    ({"content-length": "²"}, (400, "Độ dài nội dung (Content-Length) không hợp lệ.")),  # a latin-1 digit int() refuses
])
def test_a_form_must_come_from_the_page_itself_and_within_the_limit(headers, expected):
    assert LOCAL.refusal(scope("POST"), {"host": "127.0.0.1:8000", **headers}) == expected


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_reading_is_not_checked_for_origin_or_length(method):
    headers = {"host": "127.0.0.1:8000", "origin": "http://attacker.example", "content-length": "999999"}
    assert LOCAL.refusal(scope(method), headers) is None


# The middleware run on one request, with a small application standing in for the page.

def run(app, request_scope, headers, body_parts=(b"",), body_limit=100, body_seconds=1.0, delay=None):
    """The messages the shield sends for one request whose body arrives in ``body_parts``
    (``delay``: seconds before the second part arrives)."""
    sent = []
    parts = list(body_parts)

    async def receive():
        if delay is not None and len(parts) < len(body_parts):
            await asyncio.sleep(delay)
        body = parts.pop(0) if parts else b""
        return {"type": "http.request", "body": body, "more_body": bool(parts)}

    async def send(message):
        sent.append(message)

    request_scope = {**request_scope, "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]}
    asyncio.run(Shield(app, host_names("127.0.0.1"), 8000, body_limit, body_seconds)(request_scope, receive, send))
    return sent


async def page(scope, receive, send):
    """Reads the whole body, answers 200 with its length and its own content type."""
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"x-frame-options", b"SAMEORIGIN")]})
    await send({"type": "http.response.body", "body": str(size).encode()})


def headers_of(sent) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in sent[0]["headers"]}


def test_a_served_response_carries_every_security_header_without_replacing_the_pages_own():
    sent = run(page, scope("POST"), [("host", "127.0.0.1:8000")], [b"abc", b"de"])
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"5"
    headers = headers_of(sent)
    for name, value in SECURITY_HEADERS.items():
        if name != "x-frame-options":
            assert headers[name] == value
    assert [v for k, v in sent[0]["headers"] if k == b"x-frame-options"] == [b"SAMEORIGIN"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_a_refused_request_never_reaches_the_page_and_says_why_in_vietnamese():
    async def never(scope, receive, send):
        raise AssertionError("the page was called")

    sent = run(never, scope(), [("host", "attacker.example:8000")])
    assert sent[0]["status"] == 421
    assert headers_of(sent)["content-type"] == "text/html; charset=utf-8"
    assert headers_of(sent)["x-content-type-options"] == "nosniff"
    body = sent[1]["body"].decode("utf-8")
    assert f"<p>{WRONG_HOST}</p>" in body and '<html lang="vi">' in body
    assert int(headers_of(sent)["content-length"]) == len(sent[1]["body"])


def test_a_body_without_a_length_is_cut_off_once_past_the_limit():
    sent = run(page, scope("POST"), [("host", "127.0.0.1:8000")], [b"x" * 60, b"x" * 41])
    assert sent[0]["status"] == 413
    assert headers_of(sent)["connection"] == "close"
    assert TOO_LARGE in sent[1]["body"].decode("utf-8")
    exactly = run(page, scope("POST"), [("host", "127.0.0.1:8000")], [b"x" * 60, b"x" * 40])
    assert exactly[0]["status"] == 200 and exactly[1]["body"] == b"100"


def test_a_body_that_stops_arriving_gets_408():
    sent = run(page, scope("POST"), [("host", "127.0.0.1:8000")], [b"abc", b"de"], body_seconds=0.05, delay=1.0)
    assert sent[0]["status"] == 408
    assert TOO_SLOW in sent[1]["body"].decode("utf-8")


def test_a_body_too_large_after_the_page_answered_is_not_answered_twice():
    async def answers_first(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await receive()

    with pytest.raises(shield.BodyTooLarge):
        run(answers_first, scope("POST"), [("host", "127.0.0.1:8000")], [b"x" * 101])


def test_other_protocols_pass_through_untouched():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    asyncio.run(Shield(app, frozenset(), 8000, 1)({"type": "lifespan"}, None, None))
    assert seen == ["lifespan"]
