"""Trends (issue 19): matching articles and stories per period, on both stores, exact.

- periods and buckets (pure functions);
- both stores on the seeds plus three outlets' copies of one seed (tests/test_copies_stores.py): per-day
  counts against what a search lists, a story counted once on the day of its earliest matching member,
  totals against the search's, co-occurrence;
- the shared archive (Wikinews + BigKinds leads, ../shared; skipped without it): every bucket against a plain
  scan of the corpus (each article read, analysed as the indexer does, and tallied by its date), on both
  stores (a two-node Sphinx cluster: the GROUP BYs over a distributed index must be exact);
- the CLI (`newsearch trend`), the API (`/api/trend`) and the chart on the results page.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date

import pytest
from click.testing import CliRunner

from newsearch.backends import open_searcher
from newsearch.cli import main
from newsearch.search import SearchRequest, trend as T
from newsearch.search.contract import DayCount
from newsearch.search.querylang import parse
from newsearch.search.trendchart import nice_ticks, period_label, terminal
from newsearch.web import create_app

from .conftest import SEEDS, write_jsonl
from .test_contract import BACKENDS, _build, _env
from .test_copies_stores import WIRE, wire_rows

ARCHIVE = ("wikinews_ko.jsonl", "bigkinds_leads.jsonl")
ARCHIVE_QUERIES = ["정부", "코로나", "대통령", "백신", "북한"]
ARCHIVE_PAIRS = [("코로나", "백신"), ("정부", "대통령")]


# -- periods ------------------------------------------------------------------------------------


def test_periods_start_on_calendar_boundaries():
    d = date(2021, 7, 31)  # a Saturday
    assert [T.period_start(d, by).isoformat() for by in T.BY] == ["2021-07-31", "2021-07-26", "2021-07-01",
                                                                 "2021-01-01"]
    assert T.next_start(date(2021, 12, 1), "month") == date(2022, 1, 1)
    assert T.period_end("2020-02-01", "month") == "2020-02-29" and T.period_end("2021-07-26", "week") == "2021-08-01"
    assert T.periods(date(2021, 7, 31), date(2021, 8, 2), "week") == 2  # Saturday to Monday: two weeks
    assert T.periods(date(2019, 12, 31), date(2020, 1, 1), "year") == 2


def test_auto_period_is_the_finest_that_fits():
    assert T.choose_by(date(2021, 1, 1), date(2021, 2, 15)) == "day"
    assert T.choose_by(date(2021, 1, 1), date(2021, 12, 31)) == "week"
    assert T.choose_by(date(2018, 1, 1), date(2021, 12, 31)) == "month"
    assert T.choose_by(date(2004, 1, 1), date(2021, 12, 31)) == "year"
    assert T.check_by("auto") is None and T.check_by("week") == "week"
    with pytest.raises(ValueError, match="not a period"):
        T.check_by("hour")


def test_buckets_cover_the_span_and_add_up():
    days = [DayCount("2021-07-30", 2, 1), DayCount("2021-08-02", 3, 3), DayCount("2021-08-31", 1, 0),
            DayCount(None, 4, 2)]
    got = T.buckets(days, date(2021, 7, 15), date(2021, 9, 2), "month")
    assert [(b.start, b.count, b.stories) for b in got] == [("2021-07-01", 2, 1), ("2021-08-01", 4, 3),
                                                            ("2021-09-01", 0, 0)]
    weeks = T.buckets(days, date(2021, 7, 30), date(2021, 8, 2), "week")
    assert [(b.start, b.count) for b in weeks] == [("2021-07-26", 2), ("2021-08-02", 3)]
    assert T.narrowed("2021-07-01", "month", "2021-07-15", None) == ("2021-07-15", "2021-07-31")
    assert T.narrowed("2021-08-01", "month", "2021-07-15", "2021-08-10") == ("2021-08-01", "2021-08-10")


def test_chart_labels_and_ticks_in_korean():
    assert period_label("2021-07-26", "week") == "2021년 7월 26일 주"
    assert period_label("2021-07-01", "month") == "2021년 7월" and period_label("2021-01-01", "year") == "2021년"
    assert nice_ticks(7) == [0, 5, 10] and nice_ticks(372) == [0, 200, 400] and nice_ticks(1) == [0, 1]


# -- both stores: the seeds and three copies of one of them ------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def wired(request, tmp_path_factory, kiwi):
    """A searcher over the seeds plus three outlets' copies of seed 002 (dated 06-27, 06-27, 06-28; 002 is
    undated): one story of four."""
    name = request.param
    root = tmp_path_factory.mktemp(f"trend-{name}")
    (root / "wires").mkdir()
    write_jsonl(root / "wires" / "wire.jsonl", wire_rows().values())
    ix = root / "index"
    stats = _build(request, name, ix, [SEEDS, root / "wires" / "wire.jsonl"])
    assert stats.failed == 0, stats.problems
    s = open_searcher(ix, name)
    s.index_dir, s.env = ix, _env(request, name)
    yield s
    s.close()


def listed_days(searcher, text: str, **filters) -> list[DayCount]:
    """Per-day counts made from what a search lists (every copy, dates sorted): articles per day, and each
    group of copies once, on its earliest listed day (undated last)."""
    res = searcher.search(text, limit=100, group=False, sort="newest", suggest=False, **filters)
    assert res.total == len(res.hits) < 100
    articles: Counter = Counter()
    first: dict[str, str] = {}
    for h in res.hits:
        day = h.date[:10] if h.date else None
        articles[day] += 1
        if h.group.id not in first or (day or "~") < (first[h.group.id] or "~"):
            first[h.group.id] = day
    stories = Counter(first.values())
    return [DayCount(d, articles[d], stories[d]) for d in sorted(articles, key=lambda d: (d is None, d or ""))]


def timeline(searcher, text: str, **filters) -> list[DayCount]:
    tree = parse(text, searcher.store.analyzer()).requiring_all()
    return searcher.store.timeline(SearchRequest(text, **filters), tree)


@pytest.mark.parametrize("filters", [{}, {"date_from": "2022-06-28"}, {"date_to": "2022-06-27"},
                                     {"publisher": "다라일보"}, {"date_from": "2019-01-01", "date_to": "2021-12-31"}])
@pytest.mark.parametrize("text", ["카카오헬스케어", "헬스케어", "KT", "카카오 헬스케어", "헬스케어 -카카오"])
def test_timeline_is_what_a_search_lists(wired, text, filters):
    assert timeline(wired, text, **filters) == listed_days(wired, text, **filters)


def test_a_story_counts_once_on_its_earliest_matching_day(wired):
    days = {d.day: d for d in timeline(wired, "카카오헬스케어")}
    assert days["2022-06-27"] == DayCount("2022-06-27", 2, 1)  # wire-1 and wire-2: one story
    assert days["2022-06-28"] == DayCount("2022-06-28", 1, 0)  # wire-3: the same story again
    # the undated original (WIRE) is an article of no day, but its story is dated; the other undated seed is both
    assert days[None] == DayCount(None, 2, 1)
    assert WIRE in {h.id for h in wired.search("카카오헬스케어", limit=100, group=False).hits}
    later = {d.day: d for d in timeline(wired, "카카오헬스케어", date_from="2022-06-28")}
    assert later == {"2022-06-28": DayCount("2022-06-28", 1, 1)}  # its earliest member after the filter


def test_trend_totals_are_the_searchs(wired):
    for text in ("헬스케어", "카카오 헬스케어", "KT"):
        got = wired.trend([text], by="year")
        series = got.series[0]
        res = wired.search(text, sort="newest", limit=1)
        assert sum(b.count for b in series.buckets) + series.undated.articles == series.total == res.total
        assert sum(b.stories for b in series.buckets) + series.undated.stories == series.stories == res.total_groups
        assert got.date_from <= got.date_to and all(b.start[5:] == "01-01" for b in series.buckets)


def test_cooccurrence_counts_articles_matching_all(wired):
    got = wired.trend(["카카오", "헬스케어", "네이버"], by="month")
    assert [s.query for s in got.series] == ["카카오", "헬스케어", "네이버", "카카오 & 헬스케어 & 네이버"]
    both = got.series[-1]
    assert both.all_of == ["카카오", "헬스케어", "네이버"]
    assert both.total == wired.search("+카카오 +헬스케어 +네이버", limit=1).total > 0
    assert all(b.count <= min(s.buckets[i].count for s in got.series[:3]) for i, b in enumerate(both.buckets))
    assert [b.start for b in both.buckets] == [b.start for b in got.series[0].buckets]


def test_a_query_without_words_is_a_reason_not_a_failure(wired):
    got = wired.trend(["을를", "헬스케어"])
    assert got.series[0].reason is not None and got.series[0].total == 0
    assert len(got.series) == 2  # no co-occurrence with a query that searches nothing
    with pytest.raises(ValueError, match="at most"):
        wired.trend(["a", "b", "c", "d", "e", "f"])
    with pytest.raises(ValueError, match="periods"):
        wired.trend(["헬스케어"], by="day", date_from="1900-01-01")


# -- the shared archive: every bucket against a plain scan of the corpus -----------------------------


@pytest.fixture(scope="module")
def archive_scan(shared_dir, kiwi):
    """Every archive article as (day, title terms, body-field terms), analysed as the indexer analyses it
    (ingest.documents.analysed) but read straight from the JSONL files, not from any index."""
    from types import SimpleNamespace

    from newsearch.analysis import Analyzer
    from newsearch.extract.records import article_from_record
    from newsearch.ingest.documents import analysed

    rows = [json.loads(line) for name in ARCHIVE
            for line in (shared_dir / "corpus" / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    arts = [(SimpleNamespace(id=r["id"]), article_from_record(r)) for r in rows]
    out = []
    for doc in analysed(Analyzer.for_words(), arts):
        title, body = doc.fields()
        out.append((doc.id, doc.article.date[:10] if doc.article.date else None, _positions(title),
                    _positions(body)))
    return out


def _positions(terms) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for t in terms:
        out[t.text].add(t.pos)
    return out


def _holds(fields, alternative: tuple[str, ...]) -> bool:
    """Whether a field holds a concept's form: its one term, or its parts in a row (a phrase)."""
    return any(all(p + i in fields.get(t, ()) for i, t in enumerate(alternative))
               for p in fields.get(alternative[0], ()))


def scanned(scan, analyzer, texts) -> dict[str, str | None]:
    """id -> day of every article holding every concept of every query (in its title or body field)."""
    units = [u for text in texts for u in parse(text, analyzer).units]
    return {doc_id: day for doc_id, day, title, body in scan
            if all(any(_holds(title, a) or _holds(body, a) for a in u.alternatives) for u in units)}


@pytest.fixture(scope="module", params=BACKENDS)
def archive(request, tmp_path_factory, shared_dir, kiwi):
    name = request.param
    ix = tmp_path_factory.mktemp(f"trend-archive-{name}") / "index"
    stats = _build(request, name, ix, [shared_dir / "corpus" / n for n in ARCHIVE])
    assert stats.failed == 0, stats.problems
    s = open_searcher(ix, name)
    yield s
    s.close()


def expected_buckets(matched: dict, groups: list[tuple[str, ...]], got: T.Trend) -> list[tuple[str, int, int]]:
    """(start, articles, stories) per period of the trend, counted from the scan's matches: a story on the day
    of its earliest matching member (the groups of copies are the store's)."""
    lead = {m: g[0] for g in groups for m in g}
    first: dict[str, str | None] = {}
    for doc_id, day in matched.items():
        k = lead.get(doc_id, doc_id)
        if k not in first or (day or "~") < (first[k] or "~"):
            first[k] = day
    start_of = lambda day: T.period_start(date.fromisoformat(day), got.by).isoformat()  # noqa: E731
    articles = Counter(start_of(d) for d in matched.values() if d)
    stories = Counter(start_of(d) for d in first.values() if d)
    assert set(articles) <= {b.start for b in got.series[0].buckets}  # no dated match left out of the periods
    return [(b.start, articles[b.start], stories[b.start]) for b in got.series[0].buckets]


@pytest.mark.parametrize("by", [None, "month", "week"])
def test_archive_buckets_equal_a_plain_scan(archive, archive_scan, by):
    analyzer, groups = archive.store.analyzer(), archive.duplicates()
    for text in ARCHIVE_QUERIES:
        got = archive.trend([text], by=by)
        series = got.series[0]
        matched = scanned(archive_scan, analyzer, [text])
        assert series.total == len(matched) == archive.search(text, sort="newest", limit=1).total > 0, text
        assert sum(b.count for b in series.buckets) + series.undated.articles == series.total
        assert [(b.start, b.count, b.stories) for b in series.buckets] == expected_buckets(matched, groups, got), text


def test_archive_filtered_buckets_and_cooccurrence_equal_a_plain_scan(archive, archive_scan):
    analyzer, groups = archive.store.analyzer(), archive.duplicates()
    for a, b in ARCHIVE_PAIRS:
        got = archive.trend([a, b], by="month", date_from="2020-03-15", date_to="2021-06-30")
        assert got.date_from == "2020-03-15" and got.date_to == "2021-06-30"
        for series, texts in zip(got.series, ([a], [b], [a, b])):
            matched = {i: d for i, d in scanned(archive_scan, analyzer, texts).items()
                       if d and "2020-03-15" <= d <= "2021-06-30"}
            assert series.total == len(matched), (texts, series.total, len(matched))
            one = T.Trend(got.by, got.date_from, got.date_to, [series])
            assert [(x.start, x.count, x.stories) for x in series.buckets] == expected_buckets(matched, groups, one)
        assert got.series[2].all_of == [a, b] and got.series[2].total > 0


# -- the faces ------------------------------------------------------------------------------------


def run_cli(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_cli_json_and_bars(seed_index):
    r = run_cli("trend", "헬스케어", "카카오", "--by", "year", "--json", "--index", str(seed_index))
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert set(got) >= {"by", "from", "to", "series"} and got["by"] == "year"
    assert [s["query"] for s in got["series"]] == ["헬스케어", "카카오", "헬스케어 & 카카오"]
    for s in got["series"]:
        assert set(s) >= {"query", "total", "stories", "buckets"}
        assert all(set(b) == {"start", "count", "stories"} for b in s["buckets"])
        assert sum(b["count"] for b in s["buckets"]) + s["undated"]["count"] == s["total"]
    text = run_cli("trend", "헬스케어", "--index", str(seed_index), env={"NO_COLOR": "1"})
    assert text.exit_code == 0 and "\x1b" not in text.output
    assert "헬스케어: 4 articles" in text.output and "█" in text.output


def test_cli_refuses_bad_options(seed_index):
    ix = ["--index", str(seed_index)]
    assert run_cli("trend", *ix).exit_code == 2
    bad = run_cli("trend", "헬스케어", "--by", "hour", *ix)
    assert bad.exit_code == 2 and "--by" in bad.output
    backwards = run_cli("trend", "헬스케어", "--from", "2021-01-01", "--to", "2020-01-01", *ix)
    assert backwards.exit_code == 2 and "Error" in backwards.output
    assert run_cli("trend", "헬스케어", "--from", "2021-02-30", *ix).exit_code == 2


def test_terminal_bars_colour_only_when_asked(searcher):
    got = searcher.trend(["헬스케어", "KT"], by="year")
    plain, coloured = terminal(got, 80, False), terminal(got, 80, True)
    assert not any("\x1b" in line for line in plain) and any("\x1b[" in line for line in coloured)
    assert max(len(line) for line in plain) <= 80


@pytest.fixture(scope="module")
def client(seed_index):
    return create_app({"INDEX_DIR": str(seed_index), "TESTING": True}).test_client()


def test_api_trend(client):
    r = client.get("/api/trend?q=헬스케어&q=KT&by=year")
    assert r.status_code == 200
    got = r.get_json()
    assert got["by"] == "year" and [s["query"] for s in got["series"]] == ["헬스케어", "KT", "헬스케어 & KT"]
    assert all({"start", "count"} <= set(b) for s in got["series"] for b in s["buckets"])
    monthly = client.get("/api/trend?q=헬스케어&by=month&from=2018-01-01&to=2021-12-31").get_json()
    assert monthly["by"] == "month" and len(monthly["series"][0]["buckets"]) == 48
    for url in ("/api/trend", "/api/trend?q=헬스케어&by=hour", "/api/trend?q=헬스케어&from=2021-13-01",
                "/api/trend?q=헬스케어&from=2021-02-01&to=2021-01-01", "/api/trend?q=헬스케어&by=day&from=1900-01-01",
                "/api/trend?" + "&".join(f"q=w{i}" for i in range(6))):
        bad = client.get(url)
        assert bad.status_code == 400 and bad.get_json()["error"], url


def test_results_page_has_the_chart_with_links_and_a_table(client):
    html = client.get("/search?q=헬스케어").get_data(as_text=True)
    assert '<figure class="trend"' in html and "<svg" in html and "기사 수(건)" in html and "기간(" in html
    got = client.get("/api/trend?q=헬스케어").get_json()
    buckets = got["series"][0]["buckets"]
    trend = html[html.index('<figure class="trend"'):]
    trend = trend[:trend.index("</figure>")]
    assert html.count('class="trend-bar"') == len(buckets) == trend.count("<tr>") - 1
    assert f"from={buckets[0]['start']}" in html
    narrowed = client.get("/search?q=헬스케어&from=2020-06-01&to=2021-12-31").get_data(as_text=True)
    assert "from=2020-06-01&amp;to=2020-06-30" in narrowed  # by month: the first bar is the range's first month
    assert "to=2021-12-31" in narrowed and "to=2022-" not in narrowed
    nothing = client.get("/search?q=없는낱말쿼크").get_data(as_text=True)
    assert '<figure class="trend"' not in nothing
