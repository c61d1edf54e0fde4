"""The web page against the attacks of issue 21's reliability pass: another site driving it
(DNS rebinding, cross-site forms), oversized and malformed bodies, slow clients, password
guessing, replayed cookies, links out of the output folder. Each attack is made as it would
be, and the test reads what the server answered and what it wrote."""

from __future__ import annotations

import io
import logging
import re
import socket
import threading
import time
import zipfile

import pytest
from starlette.testclient import TestClient

from reportgen.web import create_app, guard, shield

BASE = "http://127.0.0.1:8080"
CSV = ("ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,"
       "dang_qua_han\n2022-Q2,TM-MH,8,201,3,12,150,60,0,14,0\n").encode()


def client_of(app, base: str = BASE) -> TestClient:
    return TestClient(app, base_url=base, raise_server_exceptions=False, follow_redirects=False)


@pytest.fixture
def site(workspace, tmp_path):
    app = create_app(workspace, tmp_path / "out", tmp_path / "archive", upload_limit=1024 * 1024, port=8080)
    return client_of(app), workspace, tmp_path


def token(client, page: str = "/so-lieu") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(page).text).group(1)


def figures(ws) -> list[str]:
    return sorted(p.name for p in (ws / "figures").iterdir())


# ---- another site --------------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1:9999", "127.0.0.1.evil.example",
                                  "", "[::1"])
def test_a_foreign_host_is_refused_before_any_page(site, host):
    client, _, _ = site
    page = client.get("/", headers={"host": host})
    assert page.status_code in (400, 421)
    assert page.status_code == (400 if host in ("", "[::1") else 421)
    assert "Tổng quan" not in page.text and "csrf" not in page.text
    assert page.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "LOCALHOST", "127.0.0.1"])
def test_the_address_served_is_accepted(site, host):
    client, _, _ = site
    assert client.get("/", headers={"host": host}).status_code == 200


def test_a_name_given_by_the_office_is_accepted(workspace, tmp_path):
    app = create_app(workspace, tmp_path / "o", tmp_path / "a", host="0.0.0.0", port=8080,
                     names=("may-chu.ubnd.local",), password="x")
    client = client_of(app, "http://may-chu.ubnd.local:8080")
    assert client.get("/dang-nhap").status_code == 200
    assert client.get("/dang-nhap", headers={"host": "evil.example:8080"}).status_code == 421


@pytest.mark.parametrize("header", [{"origin": "http://evil.example"}, {"origin": "null"},
                                    {"origin": "http://127.0.0.1:9999"}, {"origin": "https://127.0.0.1:8080"},
                                    {"referer": "http://evil.example/trang.html"}])
def test_a_form_sent_from_another_site_is_refused(site, header):
    client, ws, _ = site
    before = figures(ws)
    page = client.post("/so-lieu", data={"csrf": token(client)}, files={"tep": ("q2.csv", CSV, "text/csv")},
                       headers=header)
    assert page.status_code == 403
    assert "gửi từ một trang khác" in page.text
    assert figures(ws) == before


def test_a_form_sent_from_the_page_itself_is_accepted(site):
    client, ws, _ = site
    page = client.post("/so-lieu", data={"csrf": token(client)}, files={"tep": ("q2.csv", CSV, "text/csv")},
                       headers={"origin": BASE, "referer": BASE + "/so-lieu"})
    assert page.status_code == 303, page.text


# ---- bodies ---------------------------------------------------------------------------------------

def test_an_upload_larger_than_the_limit_is_refused_by_its_length(site):
    client, ws, _ = site
    before = figures(ws)
    body = b"x" * (3 * 1024 * 1024)
    page = client.post("/so-lieu", content=body, headers={"content-type": "multipart/form-data; boundary=b"})
    assert page.status_code == 413
    assert "quá lớn" in page.text
    assert figures(ws) == before


def test_a_form_with_three_files_is_a_client_error(site):
    client, ws, _ = site
    before = figures(ws)
    page = client.post("/so-lieu", data={"csrf": token(client)},
                       files=[("tep", ("a.csv", CSV, "text/csv")), ("tep", ("b.csv", CSV, "text/csv")),
                              ("anh_moi", ("c.jpg", b"x", "image/jpeg"))])
    assert page.status_code == 400
    assert "quá nhiều tệp" in page.text
    assert figures(ws) == before


def test_a_malformed_body_is_a_client_error(site):
    client, _, _ = site
    token(client)
    page = client.post("/so-lieu", content=b"--b\r\nrac", headers={"content-type": "multipart/form-data; boundary=b"})
    assert 400 <= page.status_code < 500


# ---- every response carries the headers -----------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/static/web.css", "/static/khong-co.css", "/khong-co", "/lap/trang-thai",
                                  "/tep/2022-Q1/TM/bao-cao.pdf"])
def test_every_response_carries_the_security_headers(site, path):
    client, _, _ = site
    page = client.get(path)
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"


# ---- links out of the output folder ---------------------------------------------------------------

def test_a_linked_folder_in_the_outputs_is_neither_served_nor_zipped(site, tmp_path):
    client, _, _ = site
    secret = tmp_path / "bi-mat"
    secret.mkdir()
    (secret / "bao-cao.pdf").write_bytes(b"%PDF-1.7 bi mat")
    real = tmp_path / "out" / "2022-Q1" / "TM-MH"
    real.mkdir(parents=True)
    (real / "bao-cao.pdf").write_bytes(b"%PDF-1.7 that")
    (tmp_path / "out" / "2022-Q1" / "TM").symlink_to(secret, target_is_directory=True)
    assert client.get("/tep/2022-Q1/TM/bao-cao.pdf").status_code == 404
    assert client.get("/tep/2022-Q1/TM-MH/bao-cao.pdf").content == b"%PDF-1.7 that"
    names = zipfile.ZipFile(io.BytesIO(client.get("/tai-ky/2022-Q1").content)).namelist()
    assert names == ["2022-Q1/TM-MH/bao-cao.pdf"]
    (tmp_path / "out" / "2022-Q1" / "TM").unlink()
    (tmp_path / "out" / "2022-Q1").rename(tmp_path / "that")
    (tmp_path / "out" / "2022-Q1").symlink_to(tmp_path / "that", target_is_directory=True)
    assert client.get("/tep/2022-Q1/TM-MH/bao-cao.pdf").status_code == 404
    assert client.get("/tai-ky/2022-Q1").status_code == 404


# ---- the password mode ----------------------------------------------------------------------------

def password_site(workspace, tmp_path, **kwargs):
    throttle = guard.Throttle(base=0.05, longest=0.2, tries=4, lockout=60)
    app = create_app(workspace, tmp_path / "o", tmp_path / "a", password="mật khẩu 1", throttle=throttle, **kwargs)
    return client_of(app, kwargs.get("base", BASE) if "base" in kwargs else BASE), throttle


def login(client, password: str):
    return client.post("/dang-nhap", data={"csrf": token(client, "/dang-nhap"), "mat_khau": password})


def test_wrong_passwords_are_answered_slower_and_slower_then_locked_out(workspace, tmp_path, caplog):
    client, _ = password_site(workspace, tmp_path)
    caplog.set_level(logging.WARNING, logger="reportgen.web")
    times = []
    for _ in range(3):
        start = time.monotonic()
        page = login(client, "sai")
        times.append(time.monotonic() - start)
        assert page.status_code == 401 and "Mật khẩu không đúng." in page.text
    assert times[0] >= 0.05 and times[1] >= 0.1 and times[2] >= 0.2
    locked = login(client, "sai")
    assert locked.status_code == 429 and "hãy thử lại sau 1 phút" in locked.text
    right = login(client, "mật khẩu 1")  # even the right password waits out the lockout
    assert right.status_code == 429
    assert client.get("/").headers["location"] == "/dang-nhap"
    logged = [r.getMessage() for r in caplog.records if "mật khẩu sai" in r.getMessage()]
    assert logged == ["mật khẩu sai từ testclient (lần 1)", "mật khẩu sai từ testclient (lần 2)",
                      "mật khẩu sai từ testclient (lần 3)", "mật khẩu sai từ testclient (lần 4); khóa 60 giây"]


def test_a_right_password_clears_the_count(workspace, tmp_path):
    client, throttle = password_site(workspace, tmp_path)
    login(client, "sai")
    assert login(client, "mật khẩu 1").status_code == 303
    assert throttle.locked("testclient") == 0 and "testclient" not in throttle._failures


def test_after_logout_the_old_cookie_is_worth_nothing(workspace, tmp_path):
    client, _ = password_site(workspace, tmp_path)
    assert login(client, "mật khẩu 1").status_code == 303
    cookie = client.cookies["reportgen"]
    assert client.get("/").status_code == 200
    out = client.post("/dang-xuat", data={"csrf": token(client, "/")})
    assert out.headers["location"] == "/dang-nhap"
    client.cookies.clear()
    client.cookies.set("reportgen", cookie, domain="127.0.0.1")
    replay = client.get("/")
    assert replay.status_code == 303 and replay.headers["location"] == "/dang-nhap"


def test_the_cookie_is_secure_over_tls(workspace, tmp_path):
    app = create_app(workspace, tmp_path / "o", tmp_path / "a", password="mật khẩu 1", tls=True, port=8443)
    client = client_of(app, "https://127.0.0.1:8443")
    page = login(client, "mật khẩu 1")
    assert page.status_code == 303
    assert "secure" in page.headers["set-cookie"].lower()
    plain = create_app(workspace, tmp_path / "o", tmp_path / "a", password="mật khẩu 1")
    assert "secure" not in login(client_of(plain), "mật khẩu 1").headers["set-cookie"].lower()


def test_serve_needs_both_cert_and_key(cli, workspace, tmp_path):
    cert = tmp_path / "may-chu.pem"
    cert.write_text("x")
    result = cli("serve", "--workspace", workspace, "--cert", cert)
    assert result.exit_code == 2
    assert "LỖI: --key: cần cả --cert (chứng chỉ) và --key (khóa riêng) để mở trang bằng https://" in result.stderr


# ---- a slow client, against the real server -------------------------------------------------------

@pytest.fixture
def server(workspace, tmp_path, monkeypatch):
    import uvicorn

    monkeypatch.setattr(shield.TimedH11Protocol, "header_seconds", 0.5)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(workspace, tmp_path / "o", tmp_path / "a", port=port, body_seconds=0.5,
                     upload_limit=1024 * 1024)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", http=shield.TimedH11Protocol,
                            lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def _read_all(sock: socket.socket, seconds: float) -> tuple[bytes, float]:
    sock.settimeout(seconds)
    start, data = time.monotonic(), b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except TimeoutError:
        pass
    return data, time.monotonic() - start


def test_a_client_slow_to_send_its_request_head_is_cut_off(server):
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
        data, took = _read_all(sock, 5)
    assert data == b"" and took < 3  # closed by the server, not by our 5 s timeout


def test_a_client_slow_to_send_its_body_gets_408(server):
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"POST /so-lieu HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                     b"Content-Length: 1000\r\n\r\n--b\r\n")
        data, took = _read_all(sock, 5)
    assert data.startswith(b"HTTP/1.1 408 ") and took < 3
    assert "quá chậm" in data.decode("utf-8", "replace")


def test_an_idle_keep_alive_connection_is_closed(server):
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"GET /static/web.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        data, took = _read_all(sock, 8)
    assert data.startswith(b"HTTP/1.1 200 ") and took < 7


def test_an_upload_without_a_length_is_cut_off_once_past_the_limit(server, workspace):
    before = figures(workspace)
    sent = 0
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"POST /so-lieu HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        head = b'--b\r\nContent-Disposition: form-data; name="tep"; filename="q.csv"\r\n\r\n'
        sock.sendall(b"%x\r\n%s\r\n" % (len(head), head))
        chunk = b"1" * 65536
        sock.setblocking(False)
        answer = b""
        try:
            while sent < 40 * 1024 * 1024 and not answer:
                try:
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                except BlockingIOError:
                    time.sleep(0.01)
                try:
                    answer = sock.recv(65536)
                except BlockingIOError:
                    pass
        except (BrokenPipeError, ConnectionResetError):
            pass
        if not answer:
            sock.setblocking(True)
            answer, _ = _read_all(sock, 5)
    assert answer.startswith(b"HTTP/1.1 413 ")
    # the limit is 1 MiB (+ 1 MiB for the form's fields); what was sent beyond it sits in the
    # kernel's socket buffers (a few MiB on loopback), unread
    assert sent < 12 * 1024 * 1024
    assert figures(workspace) == before


# ---- TLS: reportgen serve --cert --key ------------------------------------------------------------

def test_serve_over_tls_marks_the_session_cookie_secure(workspace, tmp_path):
    import http.client
    import shutil
    import ssl
    import subprocess
    import sys

    if not shutil.which("openssl"):
        pytest.skip("openssl not installed")
    cert, key = tmp_path / "may-chu.pem", tmp_path / "may-chu-khoa.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    (tmp_path / "mat-khau.txt").write_text("mật khẩu 1\n", encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "reportgen", "serve", "-w", str(workspace), "--port", str(port),
                               "--password-file", str(tmp_path / "mat-khau.txt"), "--cert", str(cert), "--key", str(key),
                               "-o", str(tmp_path / "o"), "-a", str(tmp_path / "a")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
                connection.request("GET", "/dang-nhap")
                page = connection.getresponse()
                break
            except (ConnectionRefusedError, ssl.SSLError, OSError):
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(server.stdout.read().decode() if server.poll() is not None else "no server")
                time.sleep(0.3)
        body = page.read().decode("utf-8")
        assert page.status == 200
        cookie = page.getheader("set-cookie")
        csrf = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
        from urllib.parse import urlencode
        connection.request("POST", "/dang-nhap", body=urlencode({"csrf": csrf, "mat_khau": "mật khẩu 1"}),
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie.split(";")[0],
                                    "Origin": f"https://127.0.0.1:{port}"})
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 303
        assert "secure" in answer.getheader("set-cookie").lower()
        plain = socket.create_connection(("127.0.0.1", port))  # plain HTTP on the TLS port gets nothing
        plain.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert not _read_all(plain, 3)[0].startswith(b"HTTP/1.1 200")
        plain.close()
        connection.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_listening_on_all_addresses_the_address_reached_is_accepted_not_a_name_pointing_at_it(workspace, tmp_path):
    app = create_app(workspace, tmp_path / "o", tmp_path / "a", host="0.0.0.0", port=8080, password="x")
    office = client_of(app, "http://192.168.1.10:8080")  # the test client says it reached 192.168.1.10
    assert office.get("/dang-nhap").status_code == 200
    rebinding = office.get("/dang-nhap", headers={"host": "rebind.evil.example:8080"})  # resolves to 192.168.1.10
    assert rebinding.status_code == 421
    assert office.get("/dang-nhap", headers={"host": "10.0.0.9:8080"}).status_code == 421  # another address
