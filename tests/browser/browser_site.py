"""`make browser-test`: the built site in a real browser (headless Debian Chromium), opened from its folder.

Not collected by `make test` (the file name does not start with test_); run it with
``python -m pytest tests/browser/browser_site.py`` or ``make browser-test``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chrome import chrome, emulate_print, nu_check, pdf_pages, print_pdf, requested_urls, run_axe, set_width  # noqa: E402
from fixture import KANJI_NAME, build  # noqa: E402

from shigen.site import search as py  # noqa: E402
from shigen.text import search_key  # noqa: E402

PHONE, DESKTOP = 390, 1280


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def browser():
    with chrome() as driver:
        yield driver


@pytest.fixture(autouse=True)
def reset(browser):
    set_width(browser, DESKTOP)
    emulate_print(browser, False)
    yield


def open_page(driver, site, rel: str):  # type: ignore[no-untyped-def]
    """Open a page and wait until it is the page asked for, fully loaded.

    ChromeDriver's get can return while the previous page is still the document (seen once in CI, Chromium 150,
    right after a search page had rewritten its own address): wait for the new address and a complete document.
    """
    path, _, query = rel.partition("?")
    url = (site.path / path).as_uri()
    driver.get(url + (f"?{query}" if query else ""))

    def arrived(d) -> bool:  # type: ignore[no-untyped-def]
        here = unquote(d.current_url.split("?")[0].split("#")[0])
        return here == unquote(url) and d.execute_script("return document.readyState") == "complete"

    WebDriverWait(driver, 10).until(arrived, f"{rel} が開きません (今は {driver.current_url})")
    return driver


def result_names(driver) -> list[str]:  # type: ignore[no-untyped-def]
    WebDriverWait(driver, 10).until(lambda d: d.find_element("id", "count").text.strip())
    return [e.text for e in driver.find_elements("css selector", "#results .card-title a")]


def search_data(site) -> dict:  # type: ignore[no-untyped-def]
    text = (site.path / "data" / "search.js").read_text(encoding="utf-8")
    return json.loads(text[len("window.SHIGEN_SEARCH = "):-2])


def names_of(site, ids: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    by_id = {item[0]: item[1] for item in search_data(site)["items"]}
    return [by_id[i] for i in ids]


def test_search_in_hiragana_from_the_top_page_finds_the_kanji_record(browser, site):
    from selenium.webdriver.common.keys import Keys

    open_page(browser, site, "index.html")
    box = browser.find_element("id", "top-q")
    box.send_keys("はいしょく")
    box.send_keys(Keys.ENTER)
    names = result_names(browser)
    assert browser.current_url.split("?")[0].endswith("search.html")
    assert names and names[0] == KANJI_NAME  # found through its ふりがな and name, shown first
    assert names == names_of(site, py.search(search_data(site), py.make_filters("はいしょく")))
    assert "件見つかりました" in browser.find_element("id", "count").text
    for query in ("ハイショク", "ﾊｲｼｮｸ", "配食"):
        open_page(browser, site, f"search.html?q={query}")
        assert KANJI_NAME in result_names(browser), query


def test_filter_by_district_gives_what_can_be_used_there(browser, site):
    from selenium.webdriver.support.ui import Select

    open_page(browser, site, "search.html")
    data = search_data(site)
    north = data["districts"].index("北地区")
    Select(browser.find_element("id", "d")).select_by_visible_text("北地区")
    browser.find_element("css selector", "#search button[type=submit]").click()
    names = result_names(browser)
    expected = names_of(site, py.search(data, py.make_filters("", district=north)))
    assert names == expected[:30]
    assert KANJI_NAME in names and "みどり野弁当" in names  # its own, and a 市内全域 one
    assert "ふれあいサロン南浜" not in names  # 南地区 only
    assert "d=" in browser.current_url  # the search is in the address: can be bookmarked or shared
    assert browser.switch_to.active_element.get_attribute("id") == "h-results"  # focus moves to the results
    # day and 無料 filters together
    open_page(browser, site, "search.html?day=2&free=1")
    assert result_names(browser) == ["ふれあいサロン南浜"]


def test_large_type_switch_is_remembered_across_pages(browser, site):
    open_page(browser, site, "index.html")
    size = "return parseFloat(getComputedStyle(document.documentElement).fontSize)"
    base = browser.execute_script(size)
    assert base >= 19  # large type by default
    button = browser.find_element("id", "bigger")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    assert browser.execute_script(size) > base * 1.2
    assert button.get_attribute("aria-pressed") == "true"
    open_page(browser, site, "genre/02.html")
    assert browser.execute_script(size) > base * 1.2  # remembered on the next page
    assert browser.find_element("id", "bigger").get_attribute("aria-pressed") == "true"
    browser.find_element("id", "bigger").click()
    assert browser.execute_script(size) == base


def test_print_preview_of_a_resource_is_one_clean_card(browser, site):
    data = search_data(site)
    item = next(i for i in data["items"] if i[1] == KANJI_NAME)
    open_page(browser, site, f"resource/{item[3]}")
    emulate_print(browser)
    hidden = browser.execute_script("""
        return ['.site-nav', '#bigger', '.crumbs', '.print-row'].map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert hidden == ["none"] * 4
    border = browser.execute_script("return getComputedStyle(document.querySelector('.resource')).borderTopStyle")
    assert border == "solid"
    pdf = print_pdf(browser)
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 1
    # a genre page prints as a list: cards without boxes, never cut in two
    open_page(browser, site, "genre/02.html")
    emulate_print(browser)
    style = browser.execute_script("""const c = getComputedStyle(document.querySelector('.card'));
        return [c.borderTopStyle, c.breakInside]""")
    assert style == ["none", "avoid"]
    assert pdf_pages(print_pdf(browser)) >= 1


def test_keyboard_reaches_the_skip_link_first_and_the_search_box(browser, site):
    from selenium.webdriver.common.keys import Keys

    open_page(browser, site, "index.html")
    body = browser.find_element("tag name", "body")
    body.send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert active.get_attribute("class") == "skip" and active.is_displayed()
    for _ in range(12):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if browser.switch_to.active_element.get_attribute("id") == "top-q":
            break
    assert browser.switch_to.active_element.get_attribute("id") == "top-q"


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("big", [False, True])
def test_axe_finds_no_serious_violation(browser, site, width, big):
    data = search_data(site)
    pages = ["index.html", "genre/02.html", "district/02.html", f"resource/{data['items'][0][3]}",
             "search.html?q=はいしょく"]
    open_page(browser, site, "index.html")
    browser.execute_script(f"localStorage.setItem('shigen-big', '{1 if big else 0}')")
    set_width(browser, width)
    found = {}
    for rel in pages:
        open_page(browser, site, rel)
        if rel.startswith("search"):
            result_names(browser)
        assert browser.execute_script("return document.documentElement.classList.contains('big')") == big
        violations = run_axe(browser)
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        if serious:
            found[rel] = serious
        # a phone never scrolls sideways
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), rel
    browser.execute_script("localStorage.removeItem('shigen-big')")
    assert found == {}


def test_staff_site_shows_the_banner_and_passes_axe(browser, tmp_path):
    staff = build(tmp_path, audience="staff")
    open_page(browser, staff, "index.html")
    banners = browser.find_elements("css selector", ".staff-banner")
    assert len(banners) == 1, (browser.current_url, browser.title)
    banner = banners[0]
    assert "関係者用" in banner.text and banner.is_displayed()
    assert browser.find_element("css selector", 'meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
    assert [v for v in run_axe(browser) if v["impact"] in ("serious", "critical")] == []


def test_chromium_folds_like_python_and_fetches_nothing(browser, site):
    import random
    import unicodedata

    open_page(browser, site, "search.html?q=みどり")
    result_names(browser)
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) != "Cn"]
    rng = random.Random(5)
    alphabet = "あいうかがぱゃっーアイウカガパャッヴｱｲｳｶﾞﾊﾟｯｰ配食弁当㈱①ⅡＡＢａｂ０１ABab01 　～〜－ー・（）"
    strings = chars + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    folded = browser.execute_script("return arguments[0].map(window.shigenSearch.fold)", strings)
    assert [(s, f) for s, f in zip(strings, folded, strict=True) if f != search_key(s)] == []
    data = search_data(site)
    for q in ("はいしょく", "ハイショク", "ﾊｲｼｮｸ", "たいそう", "タクシー"):
        open_page(browser, site, f"search.html?q={q}")
        assert result_names(browser) == names_of(site, py.search(data, py.make_filters(q)))[:30], q



def test_pages_fetch_nothing_from_another_host(browser, site):
    requested_urls(browser)  # forget earlier tests' requests
    data = search_data(site)
    for rel in ("index.html", "genre/02.html", "district/01.html", f"resource/{data['items'][0][3]}",
                "search.html?q=はいしょく"):
        open_page(browser, site, rel)
    result_names(browser)
    urls = requested_urls(browser)
    assert any(u.endswith("data/search.js") for u in urls) and any(u.endswith("assets/site.css") for u in urls)
    assert [u for u in urls if not u.startswith("file://")] == []


def test_the_accessibility_checker_really_checks(browser, site):
    """axe must report a page broken on purpose (no lang, a control without label), or its silence means nothing."""
    open_page(browser, site, "search.html")
    browser.execute_script("document.querySelector('label[for=q]').remove();"
                           "document.documentElement.removeAttribute('lang')")
    found = {v["id"] for v in run_axe(browser)}
    assert {"html-has-lang", "label"} <= found


def test_every_page_passes_the_nu_html_checker(site, tmp_path):
    """The W3C's HTML5 validator (vnu.jar) on every page of the public and the staff site: no error, no warning."""
    staff = build(tmp_path, audience="staff")
    pages = len(list(site.path.rglob("*.html")))
    assert pages > 15
    assert nu_check(site.path) == []
    assert nu_check(staff.path) == []
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.html").write_text("<!DOCTYPE html><html lang=ja><head><title>x</title></head><body><p><div></p>",
                                   encoding="utf-8")
    assert any(m.get("type") == "error" for m in nu_check(broken))  # the checker really checks


def test_the_same_folder_works_from_a_web_server(browser, site):
    """Copied to a server as it is: served over HTTP from 127.0.0.1 (this machine only), search and links work."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):  # type: ignore[no-untyped-def]
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site.path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        requested_urls(browser)
        browser.get(base + "index.html")
        browser.find_element("css selector", 'a[href="genre/02.html"]').click()
        WebDriverWait(browser, 10).until(lambda d: d.current_url == base + "genre/02.html", browser.current_url)
        browser.get(base + "search.html?q=はいしょく")
        assert KANJI_NAME in result_names(browser)
        urls = requested_urls(browser)
        assert urls and [u for u in urls if not u.startswith(base)] == []
    finally:
        server.shutdown()
        server.server_close()
