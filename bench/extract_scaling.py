#!/usr/bin/env python3
"""Extraction time per document against document size, nesting depth and line length.

Usage: python3 bench/extract_scaling.py [--src PATH] [--timeout SECONDS] [--repeat N]

Three tables, each case the median of --repeat runs in a child process (killed after --timeout seconds,
shown as "> T s"):

- size: an HTML news page (menus, an article of n paragraphs, related links, footer) with n doubling from
  8 to 4,096 paragraphs (6 KB to 1.3 MB). Linear time shows as a flat µs-per-KB column;
- depth: the same short article wrapped in d nested <div>s, d from 10 to 100,000 (past extract.dom.MAX_DEPTH
  the page is refused, and the time is the time to refuse);
- line: a text dump holding one line of n digits, n '가' or n/2 'a@' (the e-mail pattern's old worst cases).

--src runs another copy of the package (e.g. the tree before issue 17, from `git archive <rev> src`), to
compare; the default is this checkout's src/.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PARAGRAPH = ("서울시가 다음 달부터 시내버스 노선 열두 곳을 새로 개편한다고 2일 밝혔다. 출퇴근 시간대 혼잡이 심한 구간을 "
             "중심으로 배차 간격을 줄이는 것이 핵심이다. 시는 지난해 교통카드 이용 기록을 분석해 승객이 몰리는 정류장을 골라냈다.")
MENU = "".join(f"<li><a href='/section/{i}'>메뉴 {i}</a></li>" for i in range(40))
RELATED = "".join(f"<li><a href='/news/{i}'>관련 기사 제목 {i}번째 이야기</a> (2024/05/0{i % 9 + 1})</li>" for i in range(20))


def news_page(paragraphs: int, wrap: int = 0) -> bytes:
    body = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(paragraphs))
    article = ("<div>" * wrap + f"<div id='article_body'>{body}<p>홍길동 기자 hong@example.com</p></div>"
               + "</div>" * wrap)
    return (f"<html><head><title>버스 노선 개편 - 한빛일보</title><meta property='og:title' content='버스 노선 개편'>"
            f"<meta property='og:site_name' content='한빛일보'>"
            f"<meta property='article:published_time' content='2024-05-02T09:15:00+09:00'></head><body>"
            f"<nav><ul>{MENU}</ul></nav><h1>버스 노선 개편</h1><p class='date'>입력 2024.05.02 09:15</p>{article}"
            f"<div class='related'><ul>{RELATED}</ul></div><footer>Copyright ⓒ 한빛일보. 무단전재 및 재배포 금지</footer>"
            f"</body></html>").encode()


def _child(src: str, kind: str, data, queue) -> None:
    sys.path.insert(0, src)
    from newsearch.extract import ExtractError, extract_bytes, strip_text_dump

    extract_bytes(news_page(8), "html")  # warm up: first-use costs (imports, compiled selectors) are not per page
    start = time.perf_counter()
    try:
        extract_bytes(data, "html") if kind == "html" else strip_text_dump(data)
        outcome = "ok"
    except ExtractError as e:
        outcome = str(e)
    queue.put((time.perf_counter() - start, outcome))


def measure(src: str, kind: str, data, timeout: float, repeat: int) -> tuple[float | None, str]:
    """(median seconds, outcome) over `repeat` child runs; None seconds when a run passed `timeout`."""
    times, outcome = [], ""
    ctx = mp.get_context("fork")
    for _ in range(repeat):
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(src, kind, data, queue))
        proc.start()
        proc.join(timeout)
        if proc.is_alive():
            proc.kill()
            proc.join()
            return None, "timeout"
        seconds, outcome = queue.get()
        times.append(seconds)
    return statistics.median(times), outcome


def show(seconds: float | None, timeout: float) -> str:
    return f"> {timeout:.0f} s" if seconds is None else f"{seconds:.3f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default=str(ROOT / "src"), help="the package source to time (default: src/)")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    run = lambda kind, data: measure(args.src, kind, data, args.timeout, args.repeat)  # noqa: E731

    print("| paragraphs | size | time | µs per KB |\n|---|---|---|---|")
    for n in (8, 32, 128, 512, 2048, 4096):
        page = news_page(n)
        seconds, outcome = run("html", page)
        per_kb = "-" if seconds is None else f"{seconds * 1e6 / (len(page) / 1024):.0f}"
        print(f"| {n} | {len(page) / 1024:.0f} KB | {show(seconds, args.timeout)} | {per_kb} |")

    print("\n| nested divs | size | time | outcome |\n|---|---|---|---|")
    for depth in (10, 100, 250, 500, 990, 8_000, 100_000):
        page = news_page(8, wrap=depth)
        seconds, outcome = run("html", page)
        print(f"| {depth:,} | {len(page) / 1024:.0f} KB | {show(seconds, args.timeout)} | {outcome} |")

    print("\n| one line of | 10,000 chars | 20,000 | 40,000 | 80,000 |\n|---|---|---|---|---|")
    for name, unit in (("digits", "1"), ("'가'", "가"), ("'a@'", "a@")):
        cells = [show(run("text", unit * (n // len(unit)) + "\n" + PARAGRAPH)[0], args.timeout)
                 for n in (10_000, 20_000, 40_000, 80_000)]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
