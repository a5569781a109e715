"""Oldest first and the byline filter (`기자:`) through the search contract, the same cases on both stores
(issue 21: periods and order, detailed search).

The seeds have three dated articles (2018-09-19 KT, 2020-08-21 KT, 2021-11-25 헬스케어) and two undated ones,
each with its reporter; a JSONL row adds a second article by one of them.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from newsearch.backends import open_searcher
from newsearch.cli import main
from newsearch.search import Reason
from newsearch.search.querylang import parse

from .conftest import SEEDS
from .test_contract import BACKENDS, _build, _env

KT_2018 = "000_7982a9e012f08afc.txt"  # 장소희, 뉴데일리경제
HC_2021 = "001_2bc103dad1454d7c.txt"  # 임재현, 디지털데일리
KT_2020 = "003_aba8f5db32093a90.txt"  # 이어진, 뉴스웨이
EXTRA = {"id": "byline-1", "title": "임재현 기자의 두 번째 헬스케어 기사", "date": "2019-05-02T09:00:00",
         "publisher": "디지털데일리", "reporter": "임재현",
         "body": "디지털 헬스케어 시장이 커지고 있다.\n\n병원과 기업의 협력이 늘었다."}


@pytest.fixture(scope="module", params=BACKENDS)
def store(request, tmp_path_factory, kiwi):
    """A searcher over the seeds plus one more article by a seed's reporter."""
    name = request.param
    root = tmp_path_factory.mktemp(f"oldest-{name}")
    rows = root / "rows.jsonl"
    rows.write_text(json.dumps(EXTRA, ensure_ascii=False) + "\n", encoding="utf-8")
    ix = root / "index"
    stats = _build(request, name, ix, [SEEDS, rows])
    assert stats.failed == 0, stats.problems
    s = open_searcher(ix, name)
    s.index_dir, s.env = ix, _env(request, name)
    yield s
    s.close()


def ids(res) -> list[str]:
    return [h.id for h in res.hits]


def test_oldest_first_undated_last(store):
    res = store.search("헬스케어", sort="oldest", limit=100, suggest=False)
    dates = [h.date for h in res.hits]
    known = [d for d in dates if d]
    assert known == sorted(known) and len(known) >= 3
    assert dates == known + [None] * (len(dates) - len(known))  # undated last, as newest first has them
    assert res.total == store.search("헬스케어", sort="newest", limit=100).total
    newest = [h.date for h in store.search("헬스케어", sort="newest", limit=100).hits if h.date]
    assert newest == known[::-1]


def test_oldest_pages_walk_every_hit_once(store):
    first = store.search("헬스케어", sort="oldest", limit=1, group=False)
    seen = [h.id for p in range(1, first.pages + 1)
            for h in store.search("헬스케어", sort="oldest", limit=1, page=p, group=False).hits]
    assert seen == ids(store.search("헬스케어", sort="oldest", limit=100, group=False))
    assert len(set(seen)) == first.total


def test_oldest_export_scan_in_the_same_order(store):
    scanned = store.scan("헬스케어", sort="oldest")
    assert [r["id"] for r in scanned.records()] == ids(store.search("헬스케어", sort="oldest", limit=100, group=False))


def test_cli_sort_oldest(store):
    with pytest.MonkeyPatch.context() as mp:
        for k, v in store.env.items():
            mp.setenv(k, v)
        out = CliRunner().invoke(main, ["query", "헬스케어", "--sort", "oldest", "--json", "-n", "100",
                                        "--index", str(store.index_dir)])
    assert out.exit_code == 0, out.output
    dates = [h["date"] for h in json.loads(out.output)["hits"]]
    known = [d for d in dates if d]
    assert known[0].startswith("2018-09-19") and known == sorted(known)
    assert dates[-1] is None


def test_byline_filter_keeps_that_reporters_articles(store):
    res = store.search("헬스케어 기자:임재현", limit=100, facets=True)
    assert set(ids(res)) == {HC_2021, "byline-1"} and res.total == 2
    assert all(h.reporter == "임재현" for h in res.hits)
    assert dict(res.publishers) == {"디지털데일리": 2}  # facets count under the byline
    assert ids(store.search("헬스케어 reporter:임재현", limit=100)) == ids(res)  # the English name
    assert not {h.id for h in res.hits} & {KT_2018}


def test_several_bylines_any_of_them_and_exclusion(store):
    both = store.search("KT 기자:장소희 기자:이어진", limit=100)
    assert set(ids(both)) == {KT_2018, KT_2020}
    assert set(ids(store.search("KT 기자:장소희 OR 기자:이어진", limit=100))) == {KT_2018, KT_2020}
    without = store.search("헬스케어 -기자:임재현", limit=100)
    assert without.hits and not {HC_2021, "byline-1"} & set(ids(without))
    assert store.search("헬스케어 기자:없는사람", limit=100).total == 0


def test_byline_with_dates_sort_and_trend(store):
    res = store.search("헬스케어 기자:임재현", sort="oldest", date_from="2019-01-01", limit=100)
    assert ids(res) == ["byline-1", HC_2021]
    got = store.trend(["헬스케어 기자:임재현"], by="year")
    assert got.series[0].total == 2


def test_only_a_byline_is_a_reason_not_everything(store):
    res = store.search("기자:임재현")
    assert res.reason == Reason.ONLY_FILTERS and res.hits == []


def test_parse_records_bylines_not_words(kiwi):
    from newsearch.analysis import Analyzer

    tree = parse('헬스케어 기자:임재현 -기자:"홍 길동" 기자:임재현', Analyzer.for_words())
    assert tree.reporters == ["임재현"] and tree.excluded_reporters == ["홍 길동"]
    assert "임재현" not in tree.highlight_terms and not tree.plain
    assert parse("기자: 임재현", Analyzer.for_words()).reporters == []  # a space: words, not a byline
