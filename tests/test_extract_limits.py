"""No single document may stall extraction: every stage is linear, and the work per document is bounded.

Before issue 17 the e-mail pattern rescanned long runs of word characters from each position (one
40,000-digit line took 42 s, 80,000 '가' 54 s), and HTML preparation walked to each element's last
descendant on every insertion (8,000 nested <div>s took 9.4 s; 100,000 did not finish in 300 s). The bounds
here are generous for a slow machine and far below the old times. Refusals are ExtractErrors with a reason,
like the 16 MiB file limit.
"""

from __future__ import annotations

import json
import time

import pytest

from newsearch.extract import ExtractError, extract_bytes, extract_file, extract_html, strip_text_dump
from newsearch.extract.article import MAX_DOCUMENT_BYTES, normalise_date
from newsearch.extract.dom import MAX_DEPTH, MAX_ELEMENTS

PROSE = "서울시가 다음 달부터 시내버스 노선 열두 곳을 새로 개편한다고 2일 밝혔다. "


def timed(fn, *args):
    """(result or the ExtractError raised, seconds)."""
    start = time.perf_counter()
    try:
        out = fn(*args)
    except ExtractError as e:
        out = e
    return out, time.perf_counter() - start


LONG_LINES = {
    "digits": "1" * 40_000,
    "hangul": "가" * 40_000,
    "a@": "a@" * 20_000,
    "hangul 80k": "가" * 80_000,
    "credit marks": "ⓒ" * 40_000 + " x",
    "full stops": "." * 40_000 + "x",
    "closers": "다." + ")" * 40_000 + "x",
    "dates": "2020.1.1 " * 4_500,
    "date then spaces": "2020.1.1" + " " * 40_000 + "x",
    "dotted local part": "a." * 20_000 + "@",
    "url": "http://" + "a" * 40_000,
    "captions": "[사진=" * 10_000,
    "bylines": "홍길동 기자 " * 6_000,
}


@pytest.mark.parametrize("name", sorted(LONG_LINES))
def test_long_line_text_dump(name):
    _, seconds = timed(strip_text_dump, LONG_LINES[name])
    assert seconds < 2, f"{name}: {seconds:.1f} s"


@pytest.mark.parametrize("name", sorted(LONG_LINES))
def test_long_line_in_html(name):
    _, seconds = timed(extract_html, f"<html><body><p>{LONG_LINES[name]}</p></body></html>")
    assert seconds < 2, f"{name}: {seconds:.1f} s"


@pytest.mark.parametrize("name", sorted(LONG_LINES))
def test_many_lines_just_under_the_probe_limit(name):
    # Lines of up to 4,000 characters are classified whole (longer ones by their two ends): the patterns
    # themselves must be linear, not only the window.
    text = "\n".join([LONG_LINES[name][:3_990]] * 10 + [PROSE * 3])
    _, seconds = timed(strip_text_dump, text)
    assert seconds < 2, f"{name}: {seconds:.1f} s"


def test_100000_nested_divs_refused_with_a_reason():
    page = ("<html><body>" + "<div>" * 100_000 + PROSE * 5 + "</div>" * 100_000 + "</body></html>").encode()
    assert len(page) > 1_000_000
    err, seconds = timed(extract_bytes, page, "html")
    assert isinstance(err, ExtractError) and str(err) == f"nesting deeper than {MAX_DEPTH} elements"
    assert seconds < 5, f"{seconds:.1f} s"


@pytest.mark.parametrize("tag", ["b", "font", "span"])
def test_unclosed_inline_tags_count_as_nesting(tag):
    err, seconds = timed(extract_html, "<html><body>" + f"<{tag}>가" * 50_000 + PROSE + "</body></html>")
    assert isinstance(err, ExtractError) and "nesting deeper" in str(err) and seconds < 5


def test_nesting_under_the_limit_is_extracted_in_linear_time():
    depth = MAX_DEPTH - 10
    page = "<html><body>" + "<div>" * depth + PROSE * 5 + "</div>" * depth + "</body></html>"
    art, seconds = timed(extract_html, page)
    assert not isinstance(art, ExtractError), art
    assert art.body.startswith("서울시가") and seconds < 2


def test_unclosed_paragraphs_are_not_nesting():
    # <p> closes an open <p>, <li> an open <li>: thousands of unclosed ones are a flat page, not a deep one.
    page = "<html><body><ul>" + f"<li><p>{PROSE}" * 3_000 + "</ul></body></html>"
    art, seconds = timed(extract_html, page)
    assert not isinstance(art, ExtractError), art
    assert seconds < 5


def test_too_many_elements_refused():
    err, seconds = timed(extract_html, "<html><body>" + "<i></i>" * (MAX_ELEMENTS + 1) + PROSE + "</body></html>")
    assert isinstance(err, ExtractError) and str(err) == f"more than {MAX_ELEMENTS} elements"
    assert seconds < 2


def test_oversized_documents_refused_before_parsing(tmp_path):
    big = b"<p>" + b"a" * MAX_DOCUMENT_BYTES + b"</p>"
    for fn, args in ((extract_bytes, (big, "html")), (extract_bytes, (big, "txt")), (extract_html, (big,)),
                     (strip_text_dump, (big.decode(),))):
        err, seconds = timed(fn, *args)
        assert isinstance(err, ExtractError) and str(err).startswith("document too large") and seconds < 2
    sparse = tmp_path / "huge.html"
    with sparse.open("wb") as f:  # a sparse 64 MiB file: refused from its size, never read
        f.truncate(64 * 2**20)
    err, seconds = timed(extract_file, sparse)
    assert str(err) == "document too large (64.0 MiB; limit 16 MiB)" and seconds < 1


def test_deep_json_ld_and_long_meta_values_are_harmless():
    deep = "[" * 50_000 + "]" * 50_000
    ld = json.dumps({"@type": "NewsArticle", "headline": "버스 노선 개편", "datePublished": "2024-05-02" + " " * 100_000})
    page = (f"<html><head><script type='application/ld+json'>{deep}</script>"
            f"<script type='application/ld+json'>{ld}</script>"
            f"<meta property='article:published_time' content='2024-05-02{' ' * 100_000}x'></head>"
            f"<body><div id='article_body'><p>{PROSE * 3}</p></div></body></html>")
    art, seconds = timed(extract_html, page)
    assert not isinstance(art, ExtractError), art
    assert seconds < 2
    _, seconds = timed(normalise_date, "2020.1.1" + " " * 100_000 + "x")
    assert seconds < 0.5


def test_deep_markup_inside_json_ld_article_body_is_bounded_too():
    ld = json.dumps({"@type": "NewsArticle", "articleBody": "<div>" * 100_000 + PROSE + "</div>" * 100_000})
    page = (f"<html><head><script type='application/ld+json'>{ld}</script></head>"
            f"<body><div class='x'><p>{PROSE * 3}</p></div></body></html>")
    art, seconds = timed(extract_html, page)
    assert not isinstance(art, ExtractError), art
    assert art.body.startswith("서울시가") and seconds < 2


def test_heldout_pages_each_well_under_a_second():
    from pathlib import Path

    folder = Path(__file__).resolve().parent / "fixtures" / "heldout"
    for path in sorted(folder.glob("*.html")):
        _, seconds = timed(extract_file, path)
        assert seconds < 1.5, f"{path.name}: {seconds:.2f} s"
