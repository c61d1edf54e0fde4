"""Security of the web page: the password login, CSRF tokens, and request parameters.

Nothing a request names is used as a path: periods, units, kinds and formats are checked
against the workspace's own lists, and files are found by looking them up, never by
joining request text onto a folder.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets

from reportgen.errors import InvalidInput, Problem
from reportgen.periods import Period

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
