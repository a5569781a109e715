"""The web UI in a real headless Chromium against a real `newsearch serve` process."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import CHROMIUM

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
# The two Kakao Healthcare seeds: they must rank first (in either order).
KAKAO_HC = {"002_5199239f47117fff.txt", "004_24bd54923c893d98.txt"}
# Seed 002 and its two copies in tests/fixtures/copies_web: one group of three.
COPIES_WEB = REPO / "tests" / "fixtures" / "copies_web"
STORY = {"002_5199239f47117fff.txt", "newsis_kakao_healthcare.txt", "yonhap_kakao_healthcare.txt"}

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(index: Path, log_name: str = "serve.log"):
    """`newsearch serve` of `index` on a free loopback port; yields its base URL, stops it afterwards."""
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / log_name
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "newsearch.cli", "serve", "--index", str(index),
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"newsearch serve exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"newsearch serve did not answer within 60 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def server(seed_index):
    """`newsearch serve` of the seed index."""
    with serving(seed_index) as base:
        yield base


@pytest.fixture(scope="module")
def copies_server(tmp_path_factory, kiwi):
    """`newsearch serve` of the seeds plus two copies of seed 002 (tests/fixtures/copies_web)."""
    from newsearch.backends import update

    ix = tmp_path_factory.mktemp("browser-copies") / "index"
    stats = update(ix, [REPO / "seeds", COPIES_WEB], name="whoosh")
    assert stats.failed == 0 and stats.added == 7, stats.problems
    with serving(ix, "serve-copies.log") as base:
        yield base


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors
    yield pg
    ctx.close()


def result_ids(pg) -> list[str]:
    hrefs = pg.locator(".hit-title a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return [h.split("?")[0].removeprefix("/article/") for h in hrefs]


def search_from_home(pg, base: str, text: str) -> None:
    pg.goto(base + "/")
    box = pg.get_by_role("combobox", name="검색어")  # a search box with suggestions (suggest.js)
    assert box.evaluate("el => el === document.activeElement")  # autofocus
    pg.keyboard.type(text)
    with pg.expect_navigation():
        pg.keyboard.press("Enter")


def test_search_article_paging_and_filter(server, page):
    pg = page
    search_from_home(pg, server, "카카오헬스케어")
    assert "/search?q=" in pg.url
    assert set(result_ids(pg)[:2]) == KAKAO_HC
    assert pg.locator(".hit mark").count() > 0
    assert pg.locator(".hit mark").first.inner_text() in ("카카오헬스케어", "카카오", "헬스케어")
    assert "검색결과" in pg.locator(".results-summary").inner_text()
    # the marks are real elements with a visible background, not escaped text
    bg = pg.locator(".hit mark").first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")

    # the first result opens its article, highlighted, with related articles
    first_id = result_ids(pg)[0]
    with pg.expect_navigation():
        pg.locator(".hit-title a").first.click()
    assert f"/article/{first_id}?q=" in pg.url
    assert pg.locator("#article-title").inner_text()
    assert pg.locator(".article-body mark").count() > 0
    assert pg.locator(".article-body p").count() >= 3
    assert pg.locator(".related li").count() >= 1
    with pg.expect_navigation():
        pg.get_by_role("link", name="검색결과로").click()

    # paging: one hit per page, each page a different article (카카오 is in exactly three seeds)
    pg.goto(server + "/search?q=카카오&limit=1")
    seen = result_ids(pg)
    for _ in range(2):
        with pg.expect_navigation():
            pg.locator('.pagination a[rel="next"]').click()
        seen += result_ids(pg)
    assert set(seen[:2]) == KAKAO_HC and len(set(seen)) == 3
    assert pg.locator('.pagination a[aria-current="page"]').text_content() == "3쪽"  # "쪽" for screen readers only
    assert pg.locator('.pagination a[rel="next"]').count() == 0

    # publisher facet
    pg.goto(server + "/search?q=카카오헬스케어")
    with pg.expect_navigation():
        pg.locator(".publisher-facet a", has_text="코메디닷컴").click()
    assert "publisher=" in pg.url
    assert result_ids(pg) == ["004_24bd54923c893d98.txt"]
    assert pg.locator(".publisher-facet a.active").inner_text().startswith("코메디닷컴")

    # sort by newest
    pg.goto(server + "/search?q=헬스케어")
    with pg.expect_navigation():
        pg.locator(".sort-list a", has_text="최신순").click()
    ids = result_ids(pg)
    assert ids.index("001_2bc103dad1454d7c.txt") < ids.index("000_7982a9e012f08afc.txt")  # 2021 before 2018
    assert pg.console_errors == []  # no CSP violations, no missing assets


def test_keyboard_skip_link_and_focus(server, page):
    pg = page
    pg.goto(server + "/article/002_5199239f47117fff.txt")  # no autofocus here: Tab starts at the top
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.textContent").strip() == "본문 바로가기"
    assert pg.locator(".skip-link").evaluate("el => el.getBoundingClientRect().top >= 0")  # shown on focus
    assert pg.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    pg.keyboard.press("Enter")
    assert pg.evaluate("document.activeElement.id") == "main"
    # on the results page the box has focus, keeps the query, and Tab reaches the button
    pg.goto(server + "/search?q=카카오헬스케어")
    assert pg.evaluate("document.activeElement.name") == "q"
    assert pg.evaluate("document.activeElement.value") == "카카오헬스케어"
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.textContent").strip() == "검색"
    assert pg.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_date_filter_form(server, page):
    pg = page
    pg.goto(server + "/search?q=헬스케어")
    pg.locator("summary", has_text="직접입력").click()  # the date form opens from the period presets
    pg.get_by_label("시작일").fill("2020-01-01")
    with pg.expect_navigation():
        pg.get_by_role("button", name="기간 적용").click()
    assert "from=2020-01-01" in pg.url
    ids = result_ids(pg)
    assert "001_2bc103dad1454d7c.txt" in ids and "000_7982a9e012f08afc.txt" not in ids


def test_unknown_article_is_friendly_404(server, page):
    resp = page.goto(server + "/article/..%2F..%2Fetc%2Fpasswd")
    assert resp.status == 404
    assert "찾을 수 없습니다" in page.locator("h1").inner_text()


# -- as-you-type suggestions (issue 21) -------------------------------------------------------------


def suggest_page(browser, width: int, scheme: str):
    """A page at `width` CSS pixels (a phone below 500) in the light or dark `scheme`, with its console errors
    (the suggestion and the period tests)."""
    mobile = width < 500
    ctx = browser.new_context(viewport={"width": width, "height": 844 if mobile else 900}, is_mobile=mobile,
                              has_touch=mobile, device_scale_factor=2 if mobile else 1, locale="ko-KR",
                              color_scheme=scheme)
    pg = ctx.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    return ctx, pg


def open_suggestions(pg, box, text: str, width: int, scheme: str) -> list[str]:
    """Type `text` into the focused `box`; the suggestions shown (the combobox's listbox, open, in the screen and
    in the scheme's colours)."""
    pg.keyboard.type(text)
    listbox = pg.get_by_role("listbox", name="추천 검색어")
    listbox.wait_for(state="visible")
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
    assert box.get_attribute("aria-autocomplete") == "list"
    under, above = listbox.bounding_box(), box.bounding_box()
    assert under["y"] >= above["y"] + above["height"] - 1
    assert under["x"] >= 0 and under["x"] + under["width"] <= width
    assert pg.evaluate("document.documentElement.scrollWidth") <= width
    # the scheme's colours (style.css's variables): light text on a dark list in dark mode, and the reverse
    colours = listbox.evaluate("el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]")
    background, text = (sum(int(v) for v in re.findall(r"\d+", c)[:3]) / 3 for c in colours)
    assert (background < 80 and text > 180) if scheme == "dark" else (background > 200 and text < 80), colours
    return listbox.get_by_role("option").locator(".suggest-text").all_inner_texts()


@pytest.mark.parametrize("width,scheme", [(1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")])
def test_suggestions_choseong_by_keyboard(server, browser, width, scheme):
    """초성 `ㅋㅋㅇ` lists 카카오 under the box; the arrows make it the active option and Enter searches it."""
    ctx, pg = suggest_page(browser, width, scheme)
    pg.goto(server + "/")
    box = pg.get_by_role("combobox", name="검색어")
    assert box.get_attribute("aria-expanded") == "false"
    texts = open_suggestions(pg, box, "ㅋㅋㅇ", width, scheme)
    assert "카카오" in texts, texts
    for _ in range(texts.index("카카오") + 1):
        pg.keyboard.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and pg.locator(f"#{active}").get_attribute("aria-selected") == "true"
    assert pg.locator(f"#{active} .suggest-text").inner_text() == "카카오"
    assert box.evaluate("el => el === document.activeElement")  # the focus stays in the box
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"suggest-{width}-{scheme}.png"))
    with pg.expect_navigation():
        pg.keyboard.press("Enter")
    assert "/search?q=%EC%B9%B4%EC%B9%B4%EC%98%A4" in pg.url  # q=카카오
    assert pg.locator(".hit").count() >= 1
    assert pg.console_errors == []
    ctx.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_suggestions_escape_typing_in_progress_and_click(server, browser, width):
    """On a results page: Escape closes the list; a syllable still being typed (`카카옿` on the way to 카카오헬스…)
    lists 카카오헬스케어; Enter without an active option searches the box's own text; a click (a tap) searches."""
    ctx, pg = suggest_page(browser, width, "light")
    pg.goto(server + "/search?q=헬스케어")
    box = pg.get_by_role("combobox", name="검색어")
    box.fill("")
    assert "카카오" in open_suggestions(pg, box, "카카", width, "light")
    pg.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and box.input_value() == "카카"
    pg.keyboard.press("Backspace")
    texts = open_suggestions(pg, box, "카옿", width, "light")
    assert texts[0] == "카카오헬스케어", texts
    pg.keyboard.press("ArrowDown")
    pg.keyboard.press("ArrowUp")  # back to the box's own text: no active option
    assert box.get_attribute("aria-activedescendant") is None
    with pg.expect_navigation():
        pg.keyboard.press("Enter")
    assert "/search?q=%EC%B9%B4%EC%B9%B4%EC%98%BF" in pg.url  # q=카카옿, as typed
    box = pg.get_by_role("combobox", name="검색어")
    box.fill("")
    open_suggestions(pg, box, "ㅎㅅㅋㅇ", width, "light")
    option = pg.get_by_role("option").filter(has_text="헬스케어").first
    with pg.expect_navigation():
        option.tap() if width < 500 else option.click()
    assert "/search?q=%ED%97%AC%EC%8A%A4%EC%BC%80%EC%96%B4" in pg.url  # q=헬스케어
    assert pg.console_errors == []
    ctx.close()


def test_screenshots(server, browser):
    """Results page at desktop and phone width; the desktop one also goes to docs/ for the README."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    url = server + "/search?q=카카오헬스케어"
    shots = {}
    for name, viewport, mobile in (("desktop", {"width": 1280, "height": 900}, False),
                                   ("phone", {"width": 375, "height": 812}, True)):
        ctx = browser.new_context(viewport=viewport, device_scale_factor=2 if mobile else 1,
                                  is_mobile=mobile, has_touch=mobile, locale="ko-KR")
        pg = ctx.new_page()
        pg.goto(url)
        pg.evaluate("document.fonts.ready")
        # nothing may be wider than the viewport (no sideways scrolling on phones)
        assert pg.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert set(result_ids(pg)[:2]) == KAKAO_HC
        path = ARTIFACTS / f"results-{name}.png"
        pg.screenshot(path=str(path), full_page=mobile)
        shots[name] = path
        if name == "desktop":
            pg.goto(server + "/article/002_5199239f47117fff.txt?q=카카오헬스케어")
            pg.screenshot(path=str(ARTIFACTS / "article-desktop.png"))
            pg.goto(server + "/")
            pg.screenshot(path=str(ARTIFACTS / "home-desktop.png"))
        else:
            pg.goto(server + "/article/002_5199239f47117fff.txt?q=카카오헬스케어")
            pg.screenshot(path=str(ARTIFACTS / "article-phone.png"))
        ctx.close()
    for path in shots.values():
        assert path.stat().st_size > 10_000
    docs = REPO / "docs"
    docs.mkdir(exist_ok=True)
    shutil.copyfile(shots["desktop"], docs / "screenshot.png")


def tab_to(pg, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches `selector` (fails after `limit` presses)."""
    for _ in range(limit):
        pg.keyboard.press("Tab")
        if pg.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_copies_fold_expand_by_keyboard_and_unfold(copies_server, page):
    pg = page
    pg.goto(copies_server + "/search?q=카카오헬스케어")
    assert "기사 5건 · 중복 묶음 후 3건" in pg.locator(".results-summary").inner_text()
    ids = result_ids(pg)
    assert len(ids) == 3 and len(set(ids) & STORY) == 1
    lead = (set(ids) & STORY).pop()
    details = pg.locator("details.copies")
    assert details.count() == 1 and not details.evaluate("el => el.open")
    assert details.locator("summary").inner_text().startswith("같은 기사 2건")  # the ▸ is decoration
    assert not pg.locator(".copy-link").first.is_visible()

    # keyboard only: Tab reaches the disclosure, Enter opens it, Tab reaches a copy, Enter follows it
    tab_to(pg, "details.copies > summary")
    assert pg.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    pg.keyboard.press("Enter")
    assert details.evaluate("el => el.open")
    links = pg.locator(".copy-link")
    assert links.count() == 2 and links.first.is_visible()
    copies = [h.split("?")[0].removeprefix("/article/")
              for h in links.evaluate_all("els => els.map(e => e.getAttribute('href'))")]
    assert set(copies) == STORY - {lead}
    publishers = pg.locator(".copy .publisher").all_inner_texts()
    assert len(publishers) == 2 and set(publishers) <= {"뉴시스", "연합뉴스", "아이뉴스24"}
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.className") == "copy-link"
    target = pg.evaluate("document.activeElement.getAttribute('href')").split("?")[0].removeprefix("/article/")
    with pg.expect_navigation():
        pg.keyboard.press("Enter")
    assert f"/article/{target}?q=" in pg.url
    # the related articles of a copy never list the story's other copies
    related = [h.split("?")[0].removeprefix("/article/")
               for h in pg.locator(".related li > a").evaluate_all("els => els.map(e => e.getAttribute('href'))")]
    assert related and not set(related) & STORY

    # every copy, then grouped again; each switch keeps the query
    pg.goto(copies_server + "/search?q=카카오헬스케어&sort=newest")
    with pg.expect_navigation():
        pg.get_by_role("link", name="중복 기사 모두 보기").click()
    assert "group=0" in pg.url and "sort=newest" in pg.url
    assert len(result_ids(pg)) == 5 and STORY <= set(result_ids(pg))
    assert pg.locator("details.copies").count() == 0
    assert "중복 묶음 후" not in pg.locator(".results-summary").inner_text()
    with pg.expect_navigation():
        pg.get_by_role("link", name="같은 기사 묶기").click()
    assert "group=0" not in pg.url and "sort=newest" in pg.url
    assert len(result_ids(pg)) == 3
    assert pg.console_errors == []


def test_copies_on_a_phone(copies_server, browser):
    """The open list of copies fits a phone screen (no sideways scrolling)."""
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True,
                              has_touch=True, locale="ko-KR")
    pg = ctx.new_page()
    pg.goto(copies_server + "/search?q=카카오헬스케어")
    pg.locator("details.copies > summary").tap()
    assert pg.locator("details.copies").evaluate("el => el.open")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 375
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.locator("details.copies").scroll_into_view_if_needed()
    pg.screenshot(path=str(ARTIFACTS / "results-copies-phone.png"))
    ctx.close()


# -- the trend above the results (issue 19) ------------------------------------------------------


def test_trend_bar_narrows_results_and_table_works_by_keyboard(server, page):
    pg = page
    pg.goto(server + "/search?q=헬스케어")
    chart = pg.locator("figure.trend svg.trend-chart")
    assert chart.is_visible() and "월별 기사 수" in pg.locator(".trend-caption").inner_text()
    assert "기사 수(건)" in chart.text_content() and "기간(월별)" in chart.text_content()  # SVG: no inner_text
    assert pg.locator(".trend-s0").count() == 2  # two dated articles (2018-09, 2021-11), two undated
    # a click on a bar (the mouse; the chart is hidden from the keyboard, the table serves it)
    bar = pg.locator("a.trend-bar", has=pg.locator(".trend-s0")).last
    assert "2021년 11월" in bar.locator("title").text_content()
    with pg.expect_navigation():
        bar.click()
    assert "from=2021-11-01" in pg.url and "to=2021-11-30" in pg.url
    assert result_ids(pg) == ["001_2bc103dad1454d7c.txt"]
    assert "기간: 2021-11-01 ~ 2021-11-30" in pg.locator(".active-filters").inner_text()
    # the same chart as a table: Tab reaches its disclosure, Enter opens it, its period links narrow too
    pg.goto(server + "/search?q=헬스케어")
    tab_to(pg, "details.trend-table > summary")
    pg.keyboard.press("Enter")
    assert pg.locator("details.trend-table").evaluate("el => el.open")
    rows = pg.locator(".trend-table tbody tr")
    assert rows.count() == pg.locator("a.trend-bar").count()
    assert rows.first.locator("th").inner_text() == "2018년 9월" and rows.first.locator("td").first.inner_text() == "1"
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.closest('.trend-table') !== null")
    with pg.expect_navigation():
        pg.keyboard.press("Enter")
    assert "from=2018-09-01" in pg.url and result_ids(pg) == ["000_7982a9e012f08afc.txt"]
    assert pg.console_errors == []


@pytest.fixture(scope="module")
def archive_server(tmp_path_factory, kiwi):
    """`newsearch serve` of the shared archive (Wikinews + BigKinds leads); skipped without ../shared."""
    from newsearch.backends import update

    shared = REPO.parent / "shared" / "corpus"
    if not shared.is_dir():
        pytest.skip("../shared is absent")
    ix = tmp_path_factory.mktemp("browser-archive") / "index"
    stats = update(ix, [shared / "wikinews_ko.jsonl", shared / "bigkinds_leads.jsonl"], name="whoosh")
    assert stats.failed == 0, stats.problems
    with serving(ix, "serve-archive.log") as base:
        yield base


def desktop_and_phone(browser, url: str, phone: dict):
    """(name, viewport, mobile, page at `url` with its fonts loaded) for a 1280 px desktop and the `phone` viewport
    (a 2x touch screen); each page's context is closed when the next is asked for."""
    for name, viewport, mobile in (("desktop", {"width": 1280, "height": 900}, False), ("phone", phone, True)):
        ctx = browser.new_context(viewport=viewport, device_scale_factor=2 if mobile else 1,
                                  is_mobile=mobile, has_touch=mobile, locale="ko-KR")
        try:
            pg = ctx.new_page()
            pg.goto(url)
            pg.evaluate("document.fonts.ready")
            yield name, viewport, mobile, pg
        finally:
            ctx.close()


def test_trend_chart_on_desktop_and_phone(archive_server, browser):
    """The archive's monthly chart: readable and inside the screen on a phone; the desktop one goes to docs/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, viewport, mobile, pg in desktop_and_phone(browser, archive_server + "/search?q=코로나",
                                                        {"width": 375, "height": 812}):
        figure = pg.locator("figure.trend")
        assert "월별 기사 수" in figure.locator(".trend-caption").inner_text()
        assert pg.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        box = figure.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        # axis labels at least 9 CSS pixels tall however far the chart is scaled down
        heights = pg.locator(".trend-chart text").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().height)")
        assert heights and min(heights) >= 9, heights
        bars = pg.locator(".trend-s0")
        assert bars.count() >= 10
        figure.screenshot(path=str(ARTIFACTS / f"trend-{name}.png"))
        if mobile:  # a tap on a month shows its days
            with pg.expect_navigation():
                bars.nth(3).locator("xpath=..").tap()  # its link (a bar is a rectangle in an <a>)
            assert "from=" in pg.url and "to=" in pg.url and pg.locator(".hit").count() >= 1
            assert "일별 기사 수" in pg.locator(".trend-caption").inner_text()
            pg.locator("figure.trend").screenshot(path=str(ARTIFACTS / "trend-phone-days.png"))
        if name == "desktop":
            pg.set_viewport_size({"width": 1280, "height": 720})
            pg.screenshot(path=str(ARTIFACTS / "trend-results-desktop.png"))
    docs = REPO / "docs"
    docs.mkdir(exist_ok=True)
    assert (ARTIFACTS / "trend-results-desktop.png").stat().st_size > 10_000
    shutil.copyfile(ARTIFACTS / "trend-results-desktop.png", docs / "trend.png")


def test_network_picture_facets_and_click_through(archive_server, browser):
    """The people and organisations of a query's stories drawn together (issue 20): inside the screen on a desktop
    and a phone, labels readable, a node's link narrows the results to it; the desktop picture goes to docs/."""
    from urllib.parse import parse_qs, urlparse

    for name, viewport, mobile, pg in desktop_and_phone(browser, archive_server + "/search?q=대통령",
                                                        {"width": 390, "height": 844}):
        figure = pg.locator("figure.network")
        assert "인물·기관 관계망" in figure.locator("figcaption").inner_text()
        nodes = figure.locator("svg a.network-node")
        assert nodes.count() >= 8
        assert pg.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        box = figure.locator("svg").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        for rect in figure.locator("svg text").evaluate_all("els => els.map(e => e.getBoundingClientRect())"):
            assert box["x"] - 1 <= rect["x"] and rect["x"] + rect["width"] <= box["x"] + box["width"] + 1
            assert rect["height"] >= (9 if mobile else 10)
        assert re.search(r"[가-힣]", figure.locator("svg").text_content())  # labels in Hangul
        people = pg.locator(".entity-facet a.entity-people")
        assert people.count() >= 3
        if name == "desktop":
            figure.screenshot(path=str(ARTIFACTS / "network-desktop.png"))
            link = figure.locator(".network-list a").first
            picked = link.inner_text().split("(")[0].strip()
            with pg.expect_navigation():
                link.click()
            q = parse_qs(urlparse(pg.url).query)["q"][0]
            assert q.startswith("대통령 ") and re.search(r"(인물|기관):", q) and picked.split()[0] in q
            assert pg.locator(".hit").count() >= 1
            assert pg.locator(".entity-facet a[aria-current]").count() >= 1
    docs = REPO / "docs"
    docs.mkdir(exist_ok=True)
    assert (ARTIFACTS / "network-desktop.png").stat().st_size > 10_000
    shutil.copyfile(ARTIFACTS / "network-desktop.png", docs / "network.png")


# -- periods and order, filters kept, detailed search (issue 21) ------------------------------------

PERIOD_TODAY = "2021-11-26"  # the day the presets count back from ($NEWSEARCH_TODAY): 1주 is 11-19..11-26
HC_2021, KT_2018, KT_2020 = "001_2bc103dad1454d7c.txt", "000_7982a9e012f08afc.txt", "003_aba8f5db32093a90.txt"
SURFACE = {"light": "rgb(255, 255, 255)", "dark": "rgb(26, 31, 38)"}  # style.css --surface
WIDTHS_SCHEMES = [(1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")]


@pytest.fixture(scope="module")
def period_server(seed_index):
    """`newsearch serve` of the seed index with today set to PERIOD_TODAY."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSEARCH_TODAY", PERIOD_TODAY)
        with serving(seed_index, "serve-periods.log") as base:
            yield base


def assert_fits(pg, width: int, selector: str) -> None:
    """Every `selector` element visible and inside the screen, and no sideways scrolling."""
    assert pg.evaluate("document.documentElement.scrollWidth") <= width
    boxes = pg.locator(selector).evaluate_all("els => els.map(e => e.getBoundingClientRect())"
                                              ".map(r => [r.left, r.right, r.width])")
    assert boxes and all(left >= 0 and right <= width and w > 0 for left, right, w in boxes), boxes


@pytest.mark.parametrize("width,scheme", WIDTHS_SCHEMES)
def test_presets_narrow_the_results(period_server, browser, width, scheme):
    """The sorts and the period presets are in view (a phone too: no sideways scroll, the filter box folded),
    in the scheme's colours; 1주 narrows the results to that week, 전체 widens them again."""
    ctx, pg = suggest_page(browser, width, scheme)
    pg.goto(period_server + "/search?q=헬스케어")
    pg.evaluate("document.fonts.ready")
    everything = result_ids(pg)
    assert {HC_2021, KT_2018} <= set(everything)
    assert pg.locator(".period-list").is_visible() and pg.locator(".sort-list").is_visible()
    assert_fits(pg, width, ".options-bar a, .options-bar summary")
    assert pg.locator(".period-list a").all_inner_texts() == ["전체", "1일", "1주", "1개월", "3개월", "6개월", "1년"]
    assert pg.locator(".sort-list a").all_inner_texts() == ["관련도순", "최신순", "오래된순"]
    chip = pg.locator(".period-list a", has_text="1주")
    assert chip.evaluate("el => getComputedStyle(el).backgroundColor") == SURFACE[scheme]
    with pg.expect_navigation():
        chip.click()
    assert f"from=2021-11-19&to={PERIOD_TODAY}" in pg.url
    assert result_ids(pg) == [HC_2021]
    active = pg.locator('.period-list a[aria-current="true"]')
    assert active.inner_text() == "1주"
    assert active.evaluate("el => getComputedStyle(el).backgroundColor") != SURFACE[scheme]  # marked
    assert "1주 (2021-11-19 ~ 2021-11-26)" in pg.locator(".active-filters").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"periods-{width}-{scheme}.png"))
    with pg.expect_navigation():
        pg.locator(".period-list a", has_text="전체").click()
    assert result_ids(pg) == everything
    assert pg.console_errors == []
    ctx.close()


@pytest.mark.parametrize("width,scheme", WIDTHS_SCHEMES)
def test_filters_survive_a_new_query_and_the_back_link(period_server, browser, width, scheme):
    """오래된순 and a custom period stay when another query is typed, the article's back link returns to the same
    results, and 조건 초기화 drops them."""
    ctx, pg = suggest_page(browser, width, scheme)
    pg.goto(period_server + "/search?q=헬스케어")
    with pg.expect_navigation():
        pg.locator(".sort-list a", has_text="오래된순").click()
    pg.locator("summary", has_text="직접입력").click()
    pg.get_by_label("시작일").fill("2018-01-01")
    with pg.expect_navigation():
        pg.get_by_role("button", name="기간 적용").click()
    assert "sort=oldest" in pg.url and "from=2018-01-01" in pg.url
    # a new query typed into the box keeps them
    box = pg.locator("header .search-input")
    box.fill("KT")
    with pg.expect_navigation():
        box.press("Enter")
    assert "q=KT" in pg.url and "sort=oldest" in pg.url and "from=2018-01-01" in pg.url
    assert result_ids(pg)[:2] == [KT_2018, KT_2020]  # oldest first
    kept = pg.locator(".active-filters").inner_text()
    assert "오래된순" in kept and "기간: 2018-01-01 ~" in kept
    assert pg.locator('.sort-list a[aria-current="true"]').inner_text() == "오래된순"
    results_url = pg.url
    # the article's back link: the same query, options and results
    with pg.expect_navigation():
        pg.locator(".hit-title a").first.click()
    assert "/article/" in pg.url and "sort=oldest" in pg.url
    with pg.expect_navigation():
        pg.get_by_role("link", name="검색결과로").click()
    assert pg.url == results_url
    assert result_ids(pg)[:2] == [KT_2018, KT_2020]
    # 조건 초기화: the query alone
    with pg.expect_navigation():
        pg.get_by_role("link", name="조건 초기화").click()
    assert "sort=" not in pg.url and "from=" not in pg.url and "q=KT" in pg.url
    assert pg.locator(".active-filters").count() == 0
    assert pg.console_errors == []
    ctx.close()


@pytest.mark.parametrize("width,scheme", [(1280, "light"), (390, "dark")])
def test_detailed_search_writes_the_query_syntax_into_the_box(period_server, browser, width, scheme):
    """상세검색 on the home page: the fields show the query they stand for as they are filled, and the search
    puts it in the results page's box."""
    ctx, pg = suggest_page(browser, width, scheme)
    pg.goto(period_server + "/")
    pg.locator("summary", has_text="상세검색").click()
    form = pg.locator("form.detailed-form")
    assert form.is_visible()
    assert form.evaluate("el => getComputedStyle(el).backgroundColor") == SURFACE[scheme]
    pg.get_by_label("모든 단어 포함").fill("헬스케어")
    pg.get_by_label("제외할 단어").fill("KT")
    pg.get_by_label("제목에서만 찾기").check()
    pg.get_by_label("기자", exact=True).fill("임재현")
    preview = form.locator(".detailed-query")
    preview.wait_for(state="visible")
    pg.wait_for_function("() => document.querySelector('.detailed-query').textContent.includes('기자:')")
    assert preview.inner_text() == "제목:헬스케어 -KT 기자:임재현"
    assert pg.locator(".search-form .search-input").input_value() == "제목:헬스케어 -KT 기자:임재현"
    assert_fits(pg, width, "form.detailed-form input, form.detailed-form select, form.detailed-form button")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"detailed-{width}-{scheme}.png"), full_page=True)
    with pg.expect_navigation():
        form.get_by_role("button", name="상세검색").click()
    assert pg.locator("header .search-input").input_value() == "제목:헬스케어 -KT 기자:임재현"
    assert result_ids(pg) == [HC_2021]
    assert pg.console_errors == []
    ctx.close()
