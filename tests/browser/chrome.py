"""Headless Debian Chromium driven by Selenium through Debian's chromium-driver (no browser download)."""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--lang=ja-JP", "--hide-scrollbars", "--force-device-scale-factor=1")
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
VNU = Path(__file__).resolve().parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def binaries() -> tuple[str, str]:
    browser = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser") or ""
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not browser or not Path(driver).exists():
        raise SystemExit("chromium と chromedriver が必要です: apt-get install chromium chromium-driver")
    return browser, driver


@contextmanager
def chrome(width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager look for a browser online
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = binaries()
    profile = tempfile.mkdtemp(prefix="shigen-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver) -> list[str]:  # type: ignore[no-untyped-def]
    """Every URL the browser asked for since the last call (from Chromium's network events)."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def set_width(driver, width: int, height: int = 900) -> None:  # type: ignore[no-untyped-def]
    """The CSS viewport width, as a phone or a desktop (device metrics, not only the window)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def emulate_print(driver, on: bool = True) -> None:  # type: ignore[no-untyped-def]
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print" if on else ""})


def print_pdf(driver) -> bytes:  # type: ignore[no-untyped-def]
    """The page printed by Chromium (A4, backgrounds, the page's own @page margins)."""
    result = driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69,
                                                         "printBackground": True, "preferCSSPageSize": True})
    return base64.b64decode(result["data"])


def pdf_pages(pdf: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def full_screenshot(driver, path: Path, width: int) -> None:  # type: ignore[no-untyped-def]
    height = int(driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)"))
    set_width(driver, width, min(max(height, 400), 6000))
    result = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(result["data"]))


def run_axe(driver) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe-core's violations on the current page (WCAG 2.0/2.1 A and AA, and axe's best practices)."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                           resultTypes: ['violations']})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                   nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))
          .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
    """)


def nu_check(folder: Path) -> list[dict]:
    """Every message (errors and warnings) of the Nu Html Checker on the HTML files of ``folder``."""
    import json
    import subprocess

    java = shutil.which("java")
    if not java or not VNU.exists():
        raise SystemExit("java と vnu.jar が必要です: bash tests/browser/install.sh")
    proc = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--skip-non-html", str(folder)],
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    return json.loads(proc.stderr or proc.stdout or "{}").get("messages", [])
