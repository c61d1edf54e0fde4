"""Security of the web page: the password login (server-side sessions, throttling), CSRF
tokens, and request parameters.

Nothing a request names is used as a path: periods, units, kinds and formats are checked
against the workspace's own lists, and files are found by looking them up, never by
joining request text onto a folder.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
import threading
import time

from reportgen.errors import InvalidInput, Problem
from reportgen.periods import Period

LOG = logging.getLogger("reportgen.web")
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
CSRF_FIELD = "csrf"


class Refused(Exception):
    """A request the server will not serve; ``status`` is the HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def is_loopback(host: str) -> bool:
    """True when ``host`` only listens on this machine."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_listen(host: str, password: str | None) -> None:
    """Listening beyond loopback needs a password; raise InvalidInput saying why otherwise."""
    if not is_loopback(host) and not password:
        raise InvalidInput([Problem("--host", "không mở trang trên địa chỉ này khi chưa có mật khẩu: máy khác "
                                    "trong mạng sẽ xem và sửa được dữ liệu. Dùng --password-file TỆP hoặc biến "
                                    "môi trường REPORTGEN_PASSWORD, hoặc bỏ --host để chỉ mở trên máy này "
                                    "(127.0.0.1)", value=host)])


def password_matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def csrf_token(session: dict) -> str:
    """The session's CSRF token, created on first use."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def check_csrf(session: dict, form) -> None:
    expected = session.get(CSRF_FIELD)
    given = form.get(CSRF_FIELD) or ""
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise Refused(403, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (thiếu mã CSRF). "
                           "Hãy tải lại trang rồi gửi lại.")


def period(value: str | None, allowed, what: str = "kỳ báo cáo") -> Period:
    """The period ``value`` spells (read by the library's parser, any letter case) when it is one
    of ``allowed``; otherwise the request is refused (404)."""
    try:
        parsed = Period.parse(value or "")
    except ValueError:
        raise Refused(404, f"Không có {what} này.") from None
    return one_of(parsed, allowed, what)


def one_of(value, allowed, what: str):
    """``value`` when it is one of ``allowed``; otherwise the request is refused (404)."""
    if value is None or value not in set(allowed):
        raise Refused(404, f"Không có {what} này.")
    return value


class Sessions:
    """Logged-in sessions, kept by the server: the cookie only names one, and logout ends it
    (a copy of the cookie kept by someone is worth nothing afterwards)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._ends: dict[str, float] = {}
        self._lock = threading.Lock()

    def start(self) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            now = time.monotonic()
            self._ends = {k: end for k, end in self._ends.items() if end > now}
            self._ends[sid] = now + self.seconds
        return sid

    def valid(self, sid) -> bool:
        with self._lock:
            return isinstance(sid, str) and self._ends.get(sid, 0) > time.monotonic()

    def end(self, sid) -> None:
        with self._lock:
            self._ends.pop(sid, None)


class Throttle:
    """Wrong passwords per client: each failure is answered after a growing delay (``base``,
    doubled each time, at most ``longest`` seconds); after ``tries`` failures the client is
    locked out for ``lockout`` seconds. A right password clears the count."""

    def __init__(self, base: float = 0.5, longest: float = 8.0, tries: int = 5, lockout: float = 300.0):
        self.base, self.longest, self.tries, self.lockout = base, longest, tries, lockout
        self._failures: dict[str, tuple[int, float]] = {}  # client -> (failures, locked until)
        self._lock = threading.Lock()

    def locked(self, client: str) -> float:
        """Seconds the client must still wait; 0 when it may try."""
        with self._lock:
            _, until = self._failures.get(client, (0, 0.0))
        return max(0.0, until - time.monotonic())

    def failure(self, client: str) -> tuple[float, bool]:
        """Count a wrong password: (seconds to wait before answering, whether the client is now locked out)."""
        with self._lock:
            count, _ = self._failures.get(client, (0, 0.0))
            count += 1
            locked = count >= self.tries
            self._failures[client] = (0 if locked else count, time.monotonic() + self.lockout if locked else 0.0)
        delay = min(self.longest, self.base * 2 ** (count - 1))
        LOG.warning("mật khẩu sai từ %s (lần %d)%s", client, count,
                    f"; khóa {self.lockout:.0f} giây" if locked else "")
        return delay, locked

    def success(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
