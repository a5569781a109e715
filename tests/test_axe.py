"""Accessibility in a real Chromium (issue 21): axe-core reports no violations on the home, results, article, 404 and
reversed-range pages at desktop and phone width in both colour schemes; and the rough edges it does not see.

axe-core comes from the npm registry, installed before the tests by .ci/run into .cache/npm (git-ignored):
    npm install --prefix .cache/npm --no-save axe-core@4
The test serves it to the page itself (playwright's add_script_tag; the context bypasses the page's CSP for that
one script only, the page's own CSP stays as it is for everything it loads). Nothing is downloaded here.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import write_jsonl
from .test_browser import ARTIFACTS, COPIES_WEB, REPO, serving

pytestmark = pytest.mark.browser

AXE = Path(os.environ.get("NEWSEARCH_AXE") or REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js")
if not AXE.is_file():
    pytest.skip(f"axe-core is not installed ({AXE}): `npm install --prefix .cache/npm --no-save axe-core@4` "
                "(.ci/run does it)", allow_module_level=True)

# A publisher with a long name and a three-digit count (its count wrapped to 14/6 at 1280px), and an article whose
# source URL is percent-encoded Korean (shown as %EA%B8%B0… before).
LONG_PUBLISHER = "위키뉴스 (ko.wikinews.org)"
ENCODED_URL = "https://news.example.com/%EA%B8%B0%EC%82%AC/2023/%EB%B0%98%EB%8F%84%EC%B2%B4-%EC%88%98%EC%B6%9C"
WIDTHS = {"desktop": 1280, "phone": 390}
SCHEMES = ("light", "dark")
PAGES = {
    "home": "/",
    "results": "/search?q=" + quote("헬스케어") + "&limit=2",
    "article": "/article/002_5199239f47117fff.txt?q=" + quote("헬스케어"),
    "404": "/no/such/page",
    "reversed": "/search?q=" + quote("헬스케어") + "&from=2022-01-01&to=2020-01-01",
    "facets": "/search?q=" + quote("반도체"),
    "encoded": "/article/wiki/000?q=" + quote("반도체"),
}

# Screenshots that also go to docs/ (the README shows them).
DOCS = {("desktop", "results", "dark"): "screenshot-dark.png", ("phone", "encoded", "dark"): "screenshot-article-phone-dark.png"}


def wiki_rows(n: int = 146) -> list[dict]:
    """`n` distinct short articles of one long-named publisher (words drawn from the seeds, so no two are copies)."""
    words = sorted({w for p in (REPO / "seeds").glob("*.txt") for w in p.read_text(encoding="utf-8").split()
                    if len(w) > 1 and not any(s in w for s in ("헬스", "케어", "카카오"))})  # the seeds' queries stay theirs
    rng = random.Random(21)
    rows = [{"id": "wiki/000", "title": "반도체 수출, 넉 달 만에 다시 늘어", "publisher": LONG_PUBLISHER, "date": "2023-01-01",
             "url": ENCODED_URL, "body": "반도체 수출이 넉 달 만에 다시 늘었다. 메모리 값이 오르고 서버 투자가 되살아난 덕이다.\n\n"
                                        "업계는 하반기에도 반도체 수출이 늘 것으로 본다. 다만 재고가 아직 많아 회복 속도는 더딜 수 있다."}]
    for i in range(1, n):
        body = "반도체 " + " ".join(rng.sample(words, 40)) + "."
        rows.append({"id": f"wiki/{i:03d}", "title": f"반도체 소식 {i}", "body": body, "publisher": LONG_PUBLISHER,
                     "date": f"2023-01-{i % 28 + 1:02d}", "url": f"https://news.example.com/{i}"})
    return rows


@pytest.fixture(scope="module")
def server(tmp_path_factory, kiwi):
    """`newsearch serve` of the seeds, two copies of seed 002 and 146 articles of a long-named publisher."""
    from newsearch.backends import update

    base = tmp_path_factory.mktemp("axe")
    wiki = base / "wiki.jsonl"
    write_jsonl(wiki, wiki_rows())
    stats = update(base / "index", [REPO / "seeds", COPIES_WEB, wiki], name="whoosh")
    assert stats.failed == 0, stats.problems
    with serving(base / "index", "serve-axe.log") as url:
        yield url


def new_page(browser, width: int, scheme: str):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, locale="ko-KR",
                              bypass_csp=True)
    pg = ctx.new_page()
    pg.console_errors = []
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    return ctx, pg


def axe_violations(pg) -> list[str]:
    """axe-core's violations on the page as it is, then with every disclosure opened (copies, the trend's table, the
    date form), one line each: rule, impact, and the first nodes with axe's summary."""
    pg.add_script_tag(path=str(AXE))
    found = []
    for opened in (False, True):
        if opened:
            pg.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        got = pg.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map("
                          "v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': '"
                          " + (n.failureSummary || '').replace(/\\s+/g, ' '))])")
        found += [f"{rule} ({impact}){' [details open]' if opened else ''}: {' | '.join(nodes)}"
                  for rule, impact, nodes in got]
    return found


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("size", list(WIDTHS))
def test_axe_finds_no_violations(server, browser, size, scheme):
    width = WIDTHS[size]
    ctx, pg = new_page(browser, width, scheme)
    problems = {}
    try:
        for name, path in PAGES.items():
            pg.goto(server + path)
            pg.evaluate("document.fonts.ready")
            assert pg.evaluate("document.documentElement.scrollWidth") <= width, name  # no sideways scrolling
            pg.screenshot(path=str(ARTIFACTS / f"axe-{name}-{size}-{scheme}.png"), full_page=True)
            if (size, name, scheme) in DOCS:  # for the README: one screen of it
                pg.screenshot(path=str(REPO / "docs" / DOCS[size, name, scheme]))
            found = axe_violations(pg)
            if found:
                problems[name] = found
        assert pg.console_errors == []
    finally:
        ctx.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


# -- what axe does not see ------------------------------------------------------------------------


def test_a_three_digit_count_stays_on_one_line(server, browser):
    ctx, pg = new_page(browser, 1280, "light")
    try:
        pg.goto(server + PAGES["facets"])
        link = pg.locator(".publisher-facet a", has_text=LONG_PUBLISHER)
        count = link.locator(".count")
        assert count.inner_text() == "146"
        lines = count.evaluate("el => { const r = document.createRange(); r.selectNodeContents(el);"
                               " return new Set([...r.getClientRects()].map(c => Math.round(c.top))).size; }")
        assert lines == 1
        # the name wraps beside it instead, and the count sits on the name's first line
        assert count.bounding_box()["y"] < link.bounding_box()["y"] + 12
    finally:
        ctx.close()


@pytest.mark.parametrize("width", [390, 320])
def test_article_source_label_and_link_on_a_phone(server, browser, width):
    ctx, pg = new_page(browser, width, "light")
    try:
        pg.goto(server + PAGES["encoded"])
        label = pg.locator(".article-meta dt", has_text="원문")
        box = label.bounding_box()
        assert box["height"] < 2 * box["width"], box  # one line, not a syllable a line
        link = pg.locator("a.source-link")
        text = link.inner_text()
        assert "%" not in text and text.startswith("news.example.com/기사/2023/반도체")
        assert link.get_attribute("href") == ENCODED_URL  # the link itself is the original address
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        ctx.close()


def test_404_page_has_room_under_the_header_on_a_phone(server, browser):
    ctx, pg = new_page(browser, 390, "light")
    try:
        pg.goto(server + PAGES["404"])
        header = pg.locator(".site-header").bounding_box()
        code = pg.locator(".error-code").bounding_box()
        assert code["y"] - (header["y"] + header["height"]) >= 24
        assert "맨 위 검색창" in pg.locator(".error-inner").inner_text()
    finally:
        ctx.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_skip_link_reaches_the_first_result_in_three_tabs(server, browser, width):
    """From the search box (focused on arrival): Tab to the button, Tab to "검색결과 바로가기" (shown when
    focused), Enter, and Tab is on the first result, past the filters, options, chart and related words."""
    ctx, pg = new_page(browser, width, "light")
    try:
        pg.goto(server + "/search?q=" + quote("헬스케어"))
        assert pg.evaluate("document.activeElement.name") == "q"
        pg.keyboard.press("Tab")
        pg.keyboard.press("Tab")
        skip = pg.locator(".skip-link[href='#results-list']")
        assert skip.evaluate("el => el === document.activeElement")
        box = skip.bounding_box()
        assert box["y"] >= 0 and box["x"] >= 0 and box["width"] > 40  # visible while focused
        pg.keyboard.press("Enter")
        pg.keyboard.press("Tab")
        first = pg.locator(".hit-title a").first
        assert first.evaluate("el => el === document.activeElement")
    finally:
        ctx.close()


def test_dark_scheme_contrast_of_accent_text(server, browser):
    """White on the dark scheme's light blue was 2.08:1: buttons, the logo mark and the current page now use
    --on-accent (near-black there); marked words in titles keep white text on the dark amber."""
    ctx, pg = new_page(browser, 1280, "dark")
    try:
        pg.goto(server + "/search?q=" + quote("헬스케어") + "&limit=2")
        for selector in (".search-button", ".logo-mark", ".pagination a.current"):
            assert pg.locator(selector).first.evaluate("el => getComputedStyle(el).color") == "rgb(11, 18, 32)", selector
        assert pg.locator(".hit-title mark").first.evaluate("el => getComputedStyle(el).color") == "rgb(255, 255, 255)"
    finally:
        ctx.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_groups_of_links_are_one_tab_stop_each(server, browser, width):
    """Publishers, sort, period and related words are one Tab stop each (arrow keys move inside a group,
    web/static/roving.js): from the search box to the first result by plain Tab takes at most 17 presses (16
    before the people, organisations and places facet, one group more),
    and the arrows reach every sort."""
    ctx, pg = new_page(browser, width, "light")
    try:
        pg.goto(server + "/search?q=" + quote("헬스케어"))
        first = pg.locator(".hit-title a").first
        presses, seq = 0, []
        while not first.evaluate("el => el === document.activeElement"):
            pg.keyboard.press("Tab")
            presses += 1
            seq.append(pg.evaluate("(document.activeElement.className || document.activeElement.tagName) + ':' + (document.activeElement.textContent || '').slice(0, 12)"))
            assert presses <= 17, "\n".join(seq)  # 34 at 1280 px before the groups (each link a stop)
        sort = pg.locator(".sort-list a")
        assert sort.evaluate_all("els => els.filter(a => a.tabIndex === 0).length") == 1
        sort.first.focus()
        pg.keyboard.press("ArrowRight")
        assert pg.evaluate("document.activeElement.textContent") == "최신순"
        pg.keyboard.press("End")
        assert pg.evaluate("document.activeElement.textContent") == "오래된순"
        pg.keyboard.press("Enter")
        pg.wait_for_url("**sort=oldest**")
    finally:
        ctx.close()
