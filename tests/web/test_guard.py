"""reportgen.web.guard: who may listen without a password, CSRF tokens, the request's period and
other values checked against the workspace's own lists, sessions and the password throttle,
called directly. The same defences met through the running page are in
tests/behaviour/test_web_attacks.py."""

from __future__ import annotations

import pytest

from reportgen.errors import InvalidInput, Problem
from reportgen.periods import Period
from reportgen.web import guard

LISTEN_REFUSED = ("không mở trang trên địa chỉ này khi chưa có mật khẩu: máy khác trong mạng sẽ xem và sửa được "
                  "dữ liệu. Dùng --password-file TỆP hoặc biến môi trường REPORTGEN_PASSWORD, hoặc bỏ --host để "
                  "chỉ mở trên máy này (127.0.0.1)")


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1", "127.0.0.2", "127.255.0.9", "0:0:0:0:0:0:0:1"])
def test_a_loopback_address_may_listen_without_a_password(host):
    assert guard.is_loopback(host)
    guard.check_listen(host, None)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "reportgen.lan", "may-chu", ""])
def test_any_other_address_or_host_name_needs_a_password(host):
    assert not guard.is_loopback(host)
    with pytest.raises(InvalidInput) as raised:
        guard.check_listen(host, None)
    assert raised.value.problems == [Problem("--host", LISTEN_REFUSED, value=host)]
    with pytest.raises(InvalidInput):
        guard.check_listen(host, "")
    guard.check_listen(host, "mật khẩu 1")


@pytest.mark.parametrize("value", ["2030-Q1", "rác", "", None])
def test_a_period_the_workspace_lacks_is_not_found(value):
    with pytest.raises(guard.Refused) as raised:
        guard.period(value, [Period(2022, 1), Period(2022, 2)])
    assert (raised.value.status, raised.value.message, str(raised.value)) == (404, "Không có kỳ báo cáo này.",
                                                                              "Không có kỳ báo cáo này.")
    assert guard.period("2022-q2", [Period(2022, 1), Period(2022, 2)]) == Period(2022, 2)
    with pytest.raises(guard.Refused, match="^Không có kỳ so sánh này.$"):
        guard.period(value, [Period(2022, 1)], "kỳ so sánh")


CSRF_REFUSED = ("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (thiếu mã CSRF). "
                "Hãy tải lại trang rồi gửi lại.")


@pytest.mark.parametrize("session, form", [
    ({}, {}), ({}, {"csrf": ""}), ({}, {"csrf": "XXXX"}), ({"csrf": "t1"}, {}), ({"csrf": "t1"}, {"csrf": "t2"}),
    ({"csrf": "t1"}, {"csrf": ["t1"]}), ({"csrf": ""}, {"csrf": ""}),
])
def test_a_form_without_the_sessions_token_is_refused(session, form):
    with pytest.raises(guard.Refused) as raised:
        guard.check_csrf(session, form)
    assert (raised.value.status, raised.value.message) == (403, CSRF_REFUSED)


def test_the_sessions_token_is_made_once_and_lets_its_form_through():
    session: dict = {}
    token = guard.csrf_token(session)
    assert len(token) == 43 and session == {"csrf": token} and guard.csrf_token(session) == token
    guard.check_csrf(session, {"csrf": token})


def test_the_throttle_doubles_the_delay_up_to_the_longest_then_starts_again_after_a_lockout(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(guard.time, "monotonic", lambda: now[0])
    throttle = guard.Throttle(base=0.5, longest=4.0, tries=5, lockout=300.0)
    assert [throttle.failure("a") for _ in range(5)] == [(0.5, False), (1.0, False), (2.0, False), (4.0, False),
                                                         (4.0, True)]
    assert throttle.locked("a") == 300.0 and throttle.locked("b") == 0.0
    now[0] += 300.0
    assert throttle.locked("a") == 0.0
    # after the lockout the count starts again: one more wrong password is the first, not the sixth
    assert throttle.failure("a") == (0.5, False)
    assert throttle.locked("a") == 0.0
    throttle.failure("a")
    throttle.success("a")
    assert throttle.failure("a") == (0.5, False)
    now[0] += 1000.0
    default = guard.Throttle()  # the page's: 0.5 s doubled up to 8 s, 5 tries, then 5 minutes
    assert [default.failure("b") for _ in range(5)] == [(0.5, False), (1.0, False), (2.0, False), (4.0, False),
                                                        (8.0, True)]
    assert default.locked("b") == 300.0


def test_a_password_is_compared_whole_in_constant_time():
    assert guard.password_matches("mật khẩu 1", "mật khẩu 1")
    assert not guard.password_matches("mật khẩu", "mật khẩu 1")
    assert not guard.password_matches("mat khau 1", "mật khẩu 1")  # NFC letters are not their ASCII look-alikes
    assert not guard.password_matches("", "mật khẩu 1")


def test_a_value_must_be_one_of_the_workspaces_own():
    assert guard.one_of("TM", ["TM", "TM-MA"], "đơn vị") == "TM"
    for value in ("tm", "TM/../x", "", None):
        with pytest.raises(guard.Refused) as raised:
            guard.one_of(value, ["TM", "TM-MA"], "đơn vị")
        assert (raised.value.status, raised.value.message) == (404, "Không có đơn vị này.")


def test_a_session_ends_at_its_time_and_at_logout(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(guard.time, "monotonic", lambda: now[0])
    sessions = guard.Sessions(10)
    first = sessions.start()
    now[0] = 1009.5
    second = sessions.start()
    assert sessions.valid(first) and sessions.valid(second) and first != second
    assert not sessions.valid(None) and not sessions.valid("khác") and not sessions.valid([first])
    now[0] = 1010.0
    assert not sessions.valid(first) and sessions.valid(second)
    sessions.end(second)
    assert not sessions.valid(second)
