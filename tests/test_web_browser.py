"""End to end in a real browser: Debian's Chromium driven by Selenium (chromium-driver).

Starts ``reportgen serve`` on a free port over a workspace without the 2022-Q1 figures or
meeting, then does what a clerk does: uploads the figures, fills in the meeting form (adding
a row with the page's button), builds the district's documents, previews them, downloads
the PDF and reads its text. ``make test`` installs chromium and chromium-driver; where the
browser cannot start the test is skipped with the reason.

With ``REPORTGEN_SCREENSHOTS=docs`` it also saves the README's screenshots (desktop and
phone width) into that folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import SAMPLE

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="chromium / chromedriver not installed (apt-get install chromium chromium-driver)")
SHOTS = os.environ.get("REPORTGEN_SCREENSHOTS")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLE, ws, ignore=shutil.ignore_patterns("mau-2025"))
    (ws / "figures" / "mot-cua-2022-q1.csv").unlink()
    for meeting in (ws / "meetings").iterdir():
        meeting.unlink()
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "reportgen", "serve", "--workspace", str(ws), "--out",
                                str(tmp_path / "out"), "--archive", str(tmp_path / "archive"), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(process.stdout.read().decode())
            time.sleep(0.3)
    yield f"http://127.0.0.1:{port}", ws, tmp_path
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1000"):
        options.add_argument(flag)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "plugins.always_open_pdf_externally": True})
    try:
        driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    except WebDriverException as exc:
        pytest.skip(f"the browser cannot start here: {exc.msg}")
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def shoot(driver, name: str) -> None:
    """Save desktop and phone-width screenshots of the current page (only when asked)."""
    if not SHOTS:
        return
    for label, width in (("desktop", 1280), ("phone", 390)):
        driver.set_window_size(width, 1000)
        driver.execute_script("window.scrollTo(0, 0)")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(max(height, 700), 2400))
        driver.save_screenshot(str(Path(SHOTS) / f"web-{name}-{label}.png"))
    driver.set_window_size(1280, 1000)


def test_a_clerk_uploads_fills_in_builds_previews_and_downloads(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from selenium.common.exceptions import StaleElementReferenceException

    base, ws, tmp_path = server
    # the build page reloads itself when the build ends: an element read then may be stale
    wait = WebDriverWait(browser, 240, ignored_exceptions=(StaleElementReferenceException,))

    browser.get(f"{base}/so-lieu")
    browser.find_element(By.ID, "tep").send_keys(str(SAMPLE / "figures" / "mot-cua-2022-q1.csv"))
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    status = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "p.ok")).text
    assert status.startswith("Đã nhận tệp mot-cua-2022-q1.csv (lưu là figures/tai-len-")
    assert len(list((ws / "figures").glob("tai-len-*.csv"))) == 1

    browser.get(f"{base}/")
    assert "Các bước của Quý I/2022" in browser.find_element(By.TAG_NAME, "main").text
    shoot(browser, "tong-quan")

    browser.get(f"{base}/cuoc-hop?ky=2022-Q1&don_vi=TM")
    browser.execute_script("document.getElementById('f-ngay').value = '2022-03-09'")
    Select(browser.find_element(By.ID, "f-buoi")).select_by_visible_text("sáng")
    browser.find_element(By.ID, "f-chu_tri-ho_ten").send_keys("Trần Thị Quý")
    Select(browser.find_element(By.ID, "f-chu_tri-danh_xung")).select_by_visible_text("bà")
    browser.find_element(By.ID, "f-chu_tri-chuc_vu").send_keys("Chủ tịch Ủy ban nhân dân huyện Tháp Mười")
    browser.find_element(By.ID, "f-thanh_phan-1").send_keys("lãnh đạo các cơ quan chuyên môn thuộc UBND huyện")
    participants = browser.find_element(By.ID, "f-thanh_phan-1").find_element(By.XPATH, "ancestor::fieldset")
    participants.find_element(By.CSS_SELECTOR, "[data-add]").click()
    assert len(participants.find_elements(By.CSS_SELECTOR, "[data-row]")) == 3
    browser.switch_to.active_element.send_keys("Bưu điện huyện")
    browser.find_element(By.ID, "f-thao_luan-noi_dung-1").send_keys("tỷ lệ hồ sơ trễ hạn")
    browser.find_element(By.ID, "f-cd-nd-1").send_keys("niêm yết công khai các thủ tục hành chính")
    browser.find_element(By.ID, "f-tac_gia-ho_ten").send_keys("Hoàng Kha")
    browser.find_element(By.ID, "f-tac_gia-don_vi").send_keys("TTVH-TT và TT huyện Tháp Mười")
    shoot(browser, "cuoc-hop")
    browser.find_element(By.CSS_SELECTOR, "form.meeting > button[type=submit]").click()
    assert wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "p.ok")).text == "Đã lưu tệp cuộc họp."
    saved = (ws / "meetings" / "2022-Q1-TM.yaml").read_text(encoding="utf-8")
    assert "thanh_phan:\n- lãnh đạo các cơ quan chuyên môn thuộc UBND huyện\n- Bưu điện huyện\n" in saved

    browser.get(f"{base}/lap")
    Select(browser.find_element(By.ID, "ky")).select_by_visible_text("Quý I/2022")
    Select(browser.find_element(By.ID, "don_vi")).select_by_value("TM")
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    wait.until(lambda d: "Kết quả lượt vừa lập" in d.find_element(By.TAG_NAME, "main").text)
    links = [a.get_attribute("href").rsplit("/", 1)[-1]
             for a in browser.find_elements(By.CSS_SELECTOR, ".doc-files a.file")]
    assert sorted(links) == ["bao-cao.docx", "bao-cao.pdf", "bao-cao.xlsx", "thong-bao.docx", "thong-bao.pdf", "tin-tuc.docx",
                             "tin-tuc.fragment.html", "tin-tuc.html", "tin-tuc.pdf"]
    page = browser.current_window_handle
    browser.find_element(By.CSS_SELECTOR, "a.preview[href$='tin-tuc.html?xem=1']").click()
    wait.until(lambda d: len(d.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != page))
    assert "Tháp Mười" in wait.until(lambda d: d.find_element(By.TAG_NAME, "body").text)
    browser.close()
    browser.switch_to.window(page)
    shoot(browser, "lap-van-ban")

    browser.find_element(By.CSS_SELECTOR, "a[href='/tep/2022-Q1/TM/bao-cao.pdf']").click()
    pdf = browser.downloads / "2022-Q1-TM-bao-cao.pdf"
    wait.until(lambda d: pdf.is_file() and pdf.stat().st_size > 0)
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "BÁO CÁO" in text
    assert "tiếp nhận trực tuyến 336" in " ".join(text.split())
    assert pdf.read_bytes() == (tmp_path / "out" / "2022-Q1" / "TM" / "bao-cao.pdf").read_bytes()
