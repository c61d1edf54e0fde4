"""What every request passes before a page sees it, and what every response carries.

An ASGI middleware (``Shield``) around the whole application, static files and errors
included:
- the ``Host`` header must name the address served (or a name given with ``--ten-may``, or,
  listening on all addresses, the IP address the connection reached): a DNS-rebinding page,
  whose requests carry its own name, gets 421;
- a POST whose ``Origin`` (or, without one, ``Referer``) is another site's is refused (403);
- a request body larger than the limit is refused by its ``Content-Length`` before it is
  read (413), and one sent without a length is cut off once it passes the limit;
- a body that stops arriving is cut off after ``body_seconds`` (408);
- every response gets the security headers (CSP with ``frame-ancestors 'none'``, nosniff,
  referrer policy), whatever produced it.

``TimedH11Protocol`` adds what uvicorn lacks: a connection that has not sent a whole request
head within ``HEADER_SECONDS`` of opening (or of its last response) is closed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from urllib.parse import urlsplit

from uvicorn.protocols.http.h11_impl import H11Protocol

LOG = logging.getLogger("reportgen.web")
HEADER_SECONDS = 15.0  # to send a request's head
BODY_SECONDS = 30.0  # between two parts of a request's body
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-src 'none'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class BodyTooLarge(Exception):
    """The request's body passed the limit while it was read."""


class BodyTooSlow(Exception):
    """The request's body stopped arriving."""


def host_names(host: str, names: tuple[str, ...] = ()) -> frozenset[str]:
    """The names a request's Host may carry for a server listening on ``host``.

    Loopback: 127.0.0.1, localhost and ::1. A named address: itself. All addresses (0.0.0.0,
    ::): this machine's name and addresses. ``names``: names given by the office (``--ten-may``).
    """
    allowed = {n.lower().strip("[]") for n in names}
    if host in ("0.0.0.0", "::", ""):
        import socket
        allowed |= set(LOOPBACK)
        hostname = socket.gethostname()
        allowed |= {hostname.lower(), socket.getfqdn().lower()}
        try:
            allowed |= set(socket.gethostbyname_ex(hostname)[2])
        except OSError:
            pass
    elif _is_loopback(host):
        allowed |= set(LOOPBACK)
    else:
        allowed.add(host.lower().strip("[]"))
    return frozenset(allowed)


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def split_host(value: str) -> tuple[str, int | None] | None:
    """``example:8080`` -> (``example``, 8080); ``[::1]:80`` -> (``::1``, 80); None if malformed."""
    try:
        parts = urlsplit(f"//{value}")
        return (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None


class Shield:
    """The ASGI middleware described in the module's docstring."""

    def __init__(self, app, hosts: frozenset[str], port: int | None, body_limit: int,
                 body_seconds: float = BODY_SECONDS):
        self.app, self.hosts, self.port = app, hosts, port
        self.body_limit, self.body_seconds = body_limit, body_seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def send_secured(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()
                    if name.encode() not in present]
            await send(message)

        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        refusal = self.refusal(scope, headers)
        if refusal:
            status, message = refusal
            LOG.warning("từ chối %s %s từ %s: %s", scope["method"], scope["path"],
                        (scope.get("client") or ("?",))[0], message)
            return await _plain(send_secured, status, message)
        received = 0

        async def receive_bounded():
            nonlocal received
            try:
                message = await asyncio.wait_for(receive(), self.body_seconds)
            except asyncio.TimeoutError:
                raise BodyTooSlow() from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.body_limit:
                    raise BodyTooLarge()
            return message

        try:
            await self.app(scope, receive_bounded, send_secured)
        except (BodyTooLarge, BodyTooSlow) as exc:
            if started:
                raise
            large = isinstance(exc, BodyTooLarge)
            LOG.warning("cắt yêu cầu %s %s: %s", scope["method"], scope["path"],
                        "quá lớn" if large else "gửi quá chậm")
            await _plain(send_secured, 413 if large else 408, TOO_LARGE if large else TOO_SLOW, close=True)

    def refusal(self, scope, headers: dict[str, str]) -> tuple[int, str] | None:
        """(status, message) when the request is refused before the application sees it."""
        host = split_host(headers.get("host", ""))
        if host is None or not host[0]:
            return 400, "Yêu cầu thiếu hoặc sai tên máy (Host)."
        name, port = host
        arrived = str((scope.get("server") or ("",))[0]).lower()  # the address the connection reached
        known = name in self.hosts or (name == arrived and _is_address(name))
        if not known or (self.port is not None and port not in (None, self.port)):
            return 421, ("Trang này chỉ phục vụ địa chỉ của chính nó; tên máy trong yêu cầu không đúng. "
                         "Hãy mở trang bằng địa chỉ reportgen serve đã in ra.")
        if scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            source = headers.get("origin") or headers.get("referer")
            if source is not None and not self.same_origin(source, scope, headers["host"]):
                return 403, "Biểu mẫu được gửi từ một trang khác; chỉ nhận biểu mẫu gửi từ chính trang này."
            length = headers.get("content-length")
            if length is not None:
                if not (length.isascii() and length.isdigit()):  # "²" is a digit to str.isdigit, not to int()
                    return 400, "Độ dài nội dung (Content-Length) không hợp lệ."
                if int(length) > self.body_limit:
                    return 413, TOO_LARGE
        return None

    @staticmethod
    def same_origin(source: str, scope, host: str) -> bool:
        try:
            parts = urlsplit(source)
        except ValueError:
            return False
        return parts.scheme == scope.get("scheme", "http") and parts.netloc.lower() == host.lower()


TOO_LARGE = "Nội dung gửi lên quá lớn; tệp tải lên tối đa theo giới hạn ghi trên trang."
TOO_SLOW = "Nội dung gửi lên quá chậm nên kết nối bị ngắt; hãy gửi lại."


async def _plain(send, status: int, message: str, close: bool = False) -> None:
    body = (f"<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Không thực hiện được</title>"
            f"<p>{message}</p></html>").encode("utf-8")
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class TimedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection that is slow to send a request head."""

    header_seconds = HEADER_SECONDS

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm_head_timer()

    def _arm_head_timer(self) -> None:
        self._head_timer = self.loop.call_later(self.header_seconds, self._head_timeout)

    def _head_timeout(self) -> None:
        waiting = self.cycle is None or self.cycle.response_complete
        if waiting and not self.transport.is_closing():
            LOG.warning("đóng kết nối từ %s: không gửi xong yêu cầu trong %s giây",
                        (self.client or ("?",))[0], self.header_seconds)
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._head_timer.cancel()
        self._arm_head_timer()

    def connection_lost(self, exc) -> None:
        self._head_timer.cancel()
        super().connection_lost(exc)
