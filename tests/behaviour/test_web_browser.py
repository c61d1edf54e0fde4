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

from tests.conftest import SAMPLE

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


def _office_workbook(tmp_path: Path) -> Path:
    """The sample's 2022-Q1 figures as an office keeps them: title rows, merged header, unit
    names, group and total rows, and the lines under the table (place, date, signers)."""
    import shutil as sh

    from tests.workbooks import add_footer, office_sheet
    scratch = tmp_path / "scratch"
    sh.copytree(SAMPLE, scratch, ignore=sh.ignore_patterns("mau-2025"))
    book, sheet = office_sheet(scratch)
    add_footer(sheet)
    path = tmp_path / "Bieu tong hop quy I-2022.xlsx"
    book.save(path)
    return path


def _photo(tmp_path: Path) -> Path:
    from PIL import Image
    path = tmp_path / "anh cuoc hop.jpg"
    Image.new("RGB", (64, 48), (30, 90, 160)).save(path, "JPEG")
    return path


def _no_sideways_scroll(driver) -> bool:
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_a_clerk_goes_the_whole_path(server, browser):
    """Meeting with a photo (an error fixed in place, the photo chosen again), then an office
    workbook with its footer, the meeting of the new period, the build, the ZIP and the PDF,
    the archive's list; every page without sideways scrolling at phone width."""
    import io
    import zipfile

    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, ws, tmp_path = server
    # the build page reloads itself when the build ends: an element read then may be stale
    wait = WebDriverWait(browser, 240, ignored_exceptions=(StaleElementReferenceException,))

    # 1. the meeting of 2021-Q4 with a photo; one required field left out, then fixed in place
    browser.get(f"{base}/cuoc-hop?ky=2021-Q4&don_vi=TM")
    browser.find_element(By.ID, "f-ngay").send_keys("10/12/2021")
    browser.find_element(By.ID, "f-chu_tri-ho_ten").send_keys("Trần Thị Quý")
    Select(browser.find_element(By.ID, "f-chu_tri-danh_xung")).select_by_visible_text("bà")
    browser.find_element(By.ID, "f-chu_tri-chuc_vu").send_keys("Chủ tịch Ủy ban nhân dân huyện Tháp Mười")
    browser.find_element(By.ID, "f-thanh_phan-1").send_keys("lãnh đạo các cơ quan chuyên môn thuộc UBND huyện")
    browser.find_element(By.ID, "f-thao_luan-noi_dung-1").send_keys("tỷ lệ hồ sơ trễ hạn")
    browser.find_element(By.ID, "f-cd-nd-1").send_keys("niêm yết công khai các thủ tục hành chính")
    browser.find_element(By.ID, "f-anh-chu_thich").send_keys("Quang cảnh cuộc họp")
    browser.find_element(By.ID, "f-anh_moi").send_keys(str(_photo(tmp_path)))
    browser.find_element(By.ID, "f-tac_gia-don_vi").send_keys("TTVH-TT và TT huyện Tháp Mười")
    browser.find_element(By.CSS_SELECTOR, "form.meeting > button[type=submit]").click()
    summary = wait.until(lambda d: d.find_element(By.ID, "tom-tat-loi")).text
    assert "Tác giả: cần nhập mục này" in summary
    assert browser.switch_to.active_element.get_attribute("id") == "f-tac_gia-ho_ten"  # focused, scrolled to
    assert browser.find_element(By.ID, "f-chu_tri-ho_ten").get_attribute("value") == "Trần Thị Quý"  # kept
    assert browser.find_element(By.ID, "loi-anh_moi").text == "ảnh đã chọn chưa được lưu: hãy chọn lại ảnh trước khi lưu"
    shoot(browser, "cuoc-hop-loi")
    browser.switch_to.active_element.send_keys("Hoàng Kha")
    browser.find_element(By.ID, "f-anh_moi").send_keys(str(_photo(tmp_path)))
    browser.find_element(By.CSS_SELECTOR, "form.meeting > button[type=submit]").click()
    assert wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "p.ok")).text == "Đã lưu tệp cuộc họp."
    assert len(list((ws / "anh").glob("2021-Q4-TM-*.jpg"))) == 1

    # 2. the office's workbook, with its footer: accepted with the photo in place
    browser.get(f"{base}/so-lieu")
    browser.find_element(By.ID, "tep").send_keys(str(_office_workbook(tmp_path)))
    browser.find_element(By.CSS_SELECTOR, "#tai-len button[type=submit]").click()
    status = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".ok-box")).text
    assert "Đã nhận tệp Bieu tong hop quy I-2022.xlsx (lưu là figures/tai-len-" in status
    assert "Nhận ra: số liệu Quý I/2022 của 14 đơn vị" in status
    shoot(browser, "so-lieu")
    browser.refresh()  # POST -> redirect -> GET: nothing is sent again
    assert len(list((ws / "figures").glob("tai-len-*.xlsx"))) == 1

    browser.get(f"{base}/")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Các bước của Quý I/2022" in main and "đã có số liệu Quý I/2022 của 14/14 đơn vị" in main
    assert "chưa có cuộc họp" in main
    shoot(browser, "tong-quan")

    # 3. the meeting of the new period, from the overview's step
    browser.find_element(By.LINK_TEXT, "Nhập hoặc sửa cuộc họp").click()
    wait.until(lambda d: "Cuộc họp của Huyện Tháp Mười, kỳ Quý I/2022" in d.find_element(By.TAG_NAME, "main").text)
    browser.find_element(By.ID, "f-ngay").send_keys("09/03/2022")
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
    assert "ngay: 2022-03-09\n" in saved
    assert "thanh_phan:\n- lãnh đạo các cơ quan chuyên môn thuộc UBND huyện\n- Bưu điện huyện\n" in saved

    # 4. the build: the button is disabled while it runs; the ZIP first, then each document
    browser.get(f"{base}/lap")
    assert Select(browser.find_element(By.ID, "ky")).first_selected_option.text == "Quý I/2022"
    Select(browser.find_element(By.ID, "don_vi")).select_by_visible_text("Huyện Tháp Mười")
    button = browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]")
    button.click()
    wait.until(lambda d: "Kết quả lượt vừa lập" in d.find_element(By.TAG_NAME, "main").text)
    results = browser.find_element(By.TAG_NAME, "main")
    zip_link = results.find_element(By.CSS_SELECTOR, "a.button")
    assert zip_link.text == "Tải tất cả văn bản của Quý I/2022 (một tệp ZIP)"
    titles = [t.text for t in results.find_elements(By.CSS_SELECTOR, ".doc-title")]
    assert titles == ["Báo cáo", "Thông báo kết luận", "Tin bài"]
    links = [a.get_attribute("href").rsplit("/", 1)[-1] for a in browser.find_elements(By.CSS_SELECTOR, ".doc-files a.file")]
    assert links == ["bao-cao.docx", "bao-cao.pdf", "bao-cao.xlsx", "thong-bao.docx", "thong-bao.pdf", "tin-tuc.docx",
                     "tin-tuc.pdf", "tin-tuc.html", "tin-tuc.fragment.html"], links
    page = browser.current_window_handle
    browser.find_element(By.CSS_SELECTOR, "a.preview[href$='tin-tuc.html?xem=1']").click()
    wait.until(lambda d: len(d.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != page))
    assert "Tháp Mười" in wait.until(lambda d: d.find_element(By.TAG_NAME, "body").text)
    browser.close()
    browser.switch_to.window(page)
    shoot(browser, "lap-van-ban")

    zip_link.click()
    bundle = browser.downloads / "reportgen-2022-Q1.zip"
    wait.until(lambda d: bundle.is_file() and bundle.stat().st_size > 0)
    names = zipfile.ZipFile(io.BytesIO(bundle.read_bytes())).namelist()
    assert "2022-Q1/TM/bao-cao.pdf" in names and "2022-Q1/TM/tin-tuc.html" in names
    browser.find_element(By.CSS_SELECTOR, "a.file[href='/tep/2022-Q1/TM/bao-cao.pdf']").click()
    pdf = browser.downloads / "2022-Q1-TM-bao-cao.pdf"
    wait.until(lambda d: pdf.is_file() and pdf.stat().st_size > 0)
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "BÁO CÁO" in text
    assert "tiếp nhận trực tuyến 336" in " ".join(text.split())
    assert pdf.read_bytes() == (tmp_path / "out" / "2022-Q1" / "TM" / "bao-cao.pdf").read_bytes()

    # 5. the archive: the period's records listed, verify's result in words
    browser.get(f"{base}/luu-tru")
    Select(browser.find_element(By.ID, "don_vi")).select_by_visible_text("Huyện Tháp Mười")
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    wait.until(lambda d: "Kết quả lưu trữ" in d.find_element(By.TAG_NAME, "main").text)
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")[:4]]
            for tr in browser.find_elements(By.CSS_SELECTOR, "table.records tbody tr")]
    assert [(r[0], r[1], r[3]) for r in rows] == [("Báo cáo", "Huyện Tháp Mười", "1"),
                                                   ("Thông báo kết luận", "Huyện Tháp Mười", "1"),
                                                   ("Tin bài", "Huyện Tháp Mười", "1")]
    assert "Kho lưu trữ nguyên vẹn" in browser.find_element(By.TAG_NAME, "main").text
    shoot(browser, "luu-tru")

    # the report's own text and the signing page, in words
    browser.get(f"{base}/noi-dung?ky=2022-Q1&don_vi=TM-MH")
    main = wait.until(lambda d: d.find_element(By.TAG_NAME, "main")).text
    assert "Đơn vị Xã Mỹ Hòa, kỳ Quý I/2022" in main
    shoot(browser, "noi-dung")
    browser.get(f"{base}/ky-so")
    assert "Ký số" in wait.until(lambda d: d.find_element(By.TAG_NAME, "main")).text
    shoot(browser, "ky-so")

    # 6. phone width: no page needs sideways scrolling; tables are cards
    browser.set_window_size(390, 900)
    for path in ("/", "/so-lieu", "/cuoc-hop?ky=2022-Q1&don_vi=TM", "/noi-dung?ky=2022-Q1&don_vi=TM-MH", "/lap",
                 "/luu-tru", "/ky-so"):
        browser.get(base + path)
        assert _no_sideways_scroll(browser), path
    bad = tmp_path / "sai.csv"
    bad.write_text("ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,"
                   "dang_qua_han\n2022-Q2,TM-MH,bảy mươi lăm nghìn,201,3,12,150,60,0,14,0\n", encoding="utf-8")
    browser.get(f"{base}/so-lieu")
    browser.find_element(By.ID, "tep").send_keys(str(bad))
    browser.find_element(By.CSS_SELECTOR, "#tai-len button[type=submit]").click()
    value = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "table.problems code.value"))
    assert value.text == "bảy mươi lăm nghìn"
    assert value.size["height"] < 3 * 24  # the value reads as words, not one letter a line
    assert _no_sideways_scroll(browser)
    browser.set_window_size(1280, 1000)
    shoot(browser, "so-lieu-loi")
