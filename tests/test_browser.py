"""A real headless Chromium against ``dafu serve`` (waitress) over the seed index."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
QUESTION = "医疗护理员培训补助标准是多少"
CITED = "闽卫督函〔2024〕25号"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason="needs Debian chromium and chromium-driver (apt-get install chromium chromium-driver)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


@pytest.fixture(scope="module", params=["faiss", "milvus"])
def server(request, seed_index, tmp_path_factory):
    """``python -m dafu serve`` on a free port, over the seed index on each backend (Milvus: the seed index
    migrated to the session's milvus-lite server); yields its base URL once /api/health answers."""
    env = {**os.environ, **(request.getfixturevalue("milvus_seed")[0] if request.param == "milvus" else {})}
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "dafu", "serve", "--index-dir", str(seed_index),
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"dafu serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                if _get_json(f"{base}/api/health")["status"] == "ok":
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dafu serve did not answer:\n{log.read_text(errors='replace')}")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1000", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console messages for get_log("browser")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _citations(driver) -> list[str]:
    """The citations of the results on the page, read in one script so that no element can go stale between finding
    and reading it; none while the page is loading or is one that _leave marked, so that a wait tries again."""
    return driver.execute_script(
        "if (document.readyState !== 'complete' || window.dafuLeft) return [];"
        "return Array.from(document.querySelectorAll('.result .citation'), e => e.innerText);")


def _leave(driver) -> None:
    """Mark the page shown, which a click is about to replace: a browser may report the next page's address while it
    still shows this one."""
    driver.execute_script("window.dafuLeft = true;")


def test_search_open_letter_and_filter(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 60)
    browser.get(server + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    box = browser.find_element(By.ID, "q")
    box.send_keys(QUESTION + Keys.ENTER)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".result")))
    cites = _citations(browser)
    assert cites and CITED in cites[0]
    assert browser.find_elements(By.CSS_SELECTOR, ".result .passage mark")
    browser.save_screenshot(str(tmp_path / "results.png"))

    browser.find_element(By.CSS_SELECTOR, ".result a.open").click()
    cited = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".chunk.cited")))
    assert "/letters/" in browser.current_url and browser.current_url.endswith("#c" + cited.get_attribute("id")[1:])
    in_view = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight;", cited)
    assert in_view
    assert cited.value_of_css_property("background-color") == "rgba(255, 246, 204, 1)"
    assert browser.find_elements(By.CSS_SELECTOR, ".chunk.cited mark")
    assert CITED in browser.find_element(By.CSS_SELECTOR, "table.meta").text
    browser.save_screenshot(str(tmp_path / "letter.png"))

    browser.back()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".result")))
    href = browser.find_element(By.CSS_SELECTOR, ".result a.open").get_attribute("href")
    letter_id = urllib.parse.unquote(href.split("/letters/")[1].split("?")[0])
    agency = _get_json(f"{server}/api/letters/{letter_id}")["agency"]
    before = _citations(browser)
    assert any(agency not in c for c in before), "the unfiltered results span several agencies"
    browser.find_element(By.CSS_SELECTOR, "details.filters summary").click()
    Select(browser.find_element(By.NAME, "agency")).select_by_value(agency)
    _leave(browser)
    browser.find_element(By.CSS_SELECTOR, "details.filters button[type=submit]").click()
    after = wait.until(_citations)  # the filtered page's results, not the old page's
    assert "agency=" in browser.current_url
    assert after and all(agency in c for c in after), (browser.current_url, agency, after)
    browser.save_screenshot(str(tmp_path / "filtered.png"))

    browser.set_window_size(390, 844)  # a phone: one column, nothing wider than the screen
    browser.get(f"{server}/?q={QUESTION}")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".result")))
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    browser.save_screenshot(str(tmp_path / "phone.png"))
    print(f"screenshots in {tmp_path}")


def test_answer_box_and_dupes_page(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 120)
    browser.get(server + "/")
    browser.find_element(By.ID, "q").send_keys(QUESTION + Keys.ENTER)
    box = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "section.answer")))
    figure = box.find_element(By.CSS_SELECTOR, ".answer-text strong.figure")
    assert "2000" in figure.text and int(figure.value_of_css_property("font-weight")) >= 700
    cite = box.find_element(By.CSS_SELECTOR, "a.cite")
    assert cite.text == "[1]"
    assert browser.find_elements(By.CSS_SELECTOR, ".result")  # the results stay under the box
    browser.save_screenshot(str(tmp_path / "answer.png"))
    cite.click()
    cited = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".chunk.cited")))
    assert browser.current_url.endswith("#c" + cited.get_attribute("id")[1:])
    assert "2000" in "".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, ".chunk.cited"))

    browser.find_element(By.LINK_TEXT, "查重").click()
    wait.until(ec.presence_of_element_located((By.ID, "text")))
    browser.find_element(By.ID, "title").send_keys("关于加快医疗和养老融合发展的建议")
    browser.find_element(By.ID, "text").send_keys(
        "建议鼓励养老院在院内开设医务室或护理站，并把符合条件的纳入医疗联合体统一管理。"
        "推动医院与养老机构签约合作，为入住老人开通就医绿色通道。加大医疗护理员培训力度，给予培训补贴。")
    browser.find_element(By.CSS_SELECTOR, "form.draft button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".dupes-result")))
    matches = browser.find_elements(By.CSS_SELECTOR, ".match")
    assert matches and matches[0].find_element(By.CSS_SELECTOR, ".tier").text in ("疑似重复", "高度相似", "相关")
    assert [e.text for e in matches[0].find_elements(By.CSS_SELECTOR, "table.aligned th")] == ["草稿", "来信"]
    browser.save_screenshot(str(tmp_path / "dupes.png"))
    browser.set_window_size(390, 844)
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    browser.save_screenshot(str(tmp_path / "dupes-phone.png"))
    print(f"screenshots in {tmp_path}")


def test_overview_charts_draw_and_bars_open_filtered_lists(server, browser, tmp_path):
    """/overview draws its SVG charts with nothing from the network and no console errors; a bar opens the
    letters it counts; on a phone nothing is wider than the screen."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 60)
    browser.get(server + "/")
    browser.find_element(By.LINK_TEXT, "概览").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg.line-chart")))
    drawn = browser.execute_script("""
        const box = e => e.getBoundingClientRect();
        const bars = [...document.querySelectorAll('svg.bar rect.bar-fill')].map(r => box(r).width);
        const points = [...document.querySelectorAll('svg.line-chart circle')].map(c => box(c).width);
        return {bars: bars, points: points, line: box(document.querySelector('svg.line-chart')).height};""")
    assert drawn["bars"] and max(drawn["bars"]) > 50 and drawn["points"] and min(drawn["points"]) > 0
    assert drawn["line"] > 100
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    browser.save_screenshot(str(tmp_path / "overview.png"))

    bar = browser.find_element(By.CSS_SELECTOR, "a.bar-row[href*='agency=']")
    agency = bar.find_element(By.CSS_SELECTOR, ".bar-label").text
    count = int(bar.find_element(By.CSS_SELECTOR, ".bar-value").text.split()[0])
    bar.click()
    wait.until(ec.url_contains("agency="))
    listed = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "section.browse-letters")))
    assert f"共 {count} 封" in listed.text
    assert all(agency in e.text for e in browser.find_elements(By.CSS_SELECTOR, "ol.browse .muted"))

    browser.set_window_size(390, 844)
    browser.get(server + "/overview")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg.line-chart")))
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    browser.save_screenshot(str(tmp_path / "overview-phone.png"))


def test_promises_page_and_its_passage(server, browser, tmp_path):
    """/promises lists the seed letters' promises with their status; a promise opens its letter at the passage,
    where the promises box shows it too; on a phone nothing is wider than the screen."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 60)
    browser.get(server + "/")
    browser.find_element(By.LINK_TEXT, "承诺").click()
    items = wait.until(ec.presence_of_all_elements_located((By.CSS_SELECTOR, "li.promise")))
    assert items and all(i.find_element(By.CSS_SELECTOR, ".status").text for i in items)
    assert "条承诺" in browser.find_element(By.CSS_SELECTOR, ".count").text
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    browser.save_screenshot(str(tmp_path / "promises.png"))

    promise = items[0].find_element(By.CSS_SELECTOR, ".promise-text").text
    items[0].find_element(By.LINK_TEXT, "查看原文中的这一段").click()
    cited = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".chunk.cited")))
    assert promise[:12] in browser.find_element(By.CSS_SELECTOR, ".letter-body").text
    assert cited.text
    box = browser.find_element(By.CSS_SELECTOR, "aside.promises-box")
    assert promise[:12] in box.text

    browser.set_window_size(390, 844)
    browser.get(server + "/promises")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "li.promise")))
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    browser.save_screenshot(str(tmp_path / "promises-phone.png"))
