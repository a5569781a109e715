"""The Sphinx backend: encoding and query translation (no server), then two real searchd nodes.

The shared CLI and web tests also run against Sphinx (see SPHINX_TESTS in conftest.py); this
module covers what only the distributed backend has: shards, parallel workers, highlighting
identical to Whoosh's, and a node that dies and comes back.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from newsearch.analysis import Analyzer, Term
from newsearch.backends import backend_name
from newsearch.backends.sphinx import queries as sphinx_queries
from newsearch.backends.sphinx.documents import date_int, decode_spans, encode_spans, morpheme_text, token
from newsearch.backends.sphinx.nodes import node_config
from newsearch.cli import main
from newsearch.ingest.shards import Shard, shard_of
from newsearch.search.querylang import parse

from .conftest import SEEDS

QUERIES = ["카카오헬스케어가", "KT 5G", "헬스케어", '"디지털 헬스케어"', "헬스케어 -카카오", "+황창규 헬스케어",
           "제목:카카오", "정신건강 OR 국립"]


# -- no server ---------------------------------------------------------------------------------


def test_tokens_keep_readable_terms_and_hash_the_rest():
    for term in ("카카오헬스케어", "5g", "kt&g", "35.47%", "covid-19", "3.5ghz", "美", "a/b"):
        assert token(term) == term
    odd = token("https://example.com/a?b=1")
    assert odd.startswith("_h") and odd.isalnum() is False and " " not in odd
    assert token("가" * 60) != token("가" * 61) and len(token("가" * 60)) < 42
    assert token("x@y.kr") == token("x@y.kr")


def test_morpheme_text_keeps_parts_adjacent_and_extras_after():
    # 디지털헬스케어 written together: parts 디지털(0) 헬스케어(1) and the whole at 0; then 사업(2).
    terms = [Term("디지털", 0, 0, 3), Term("디지털헬스케어", 0, 0, 7), Term("헬스케어", 1, 3, 7), Term("사업", 2, 8, 10)]
    assert morpheme_text(terms) == "디지털 헬스케어 사업 디지털헬스케어"


def test_spans_round_trip():
    terms = [Term("카카오", 0, 0, 3), Term("헬스케어", 1, 3, 7), Term("카카오", 5, 20, 23)]
    data = encode_spans(terms)
    assert sorted(decode_spans(data)) == [(0, 3, "카카오"), (3, 7, "헬스케어"), (20, 23, "카카오")]
    assert decode_spans(data, {"헬스케어"}) == [(3, 7, "헬스케어")]
    assert decode_spans("", {"x"}) == []


def test_dates_become_sortable_integers():
    assert date_int("2018-09-19T10:21:30") == 20180919102130
    assert date_int("2009-01-20") == 20090120000000
    assert date_int(None) == date_int("") == 0


def test_shards_are_stable_and_balanced():
    assert Shard.parse("1/2") == Shard(1, 2)
    for bad in ("2/2", "x", "1/0", "-1/2", "1/2/3"):
        with pytest.raises(ValueError):
            Shard.parse(bad)
    counts = [0, 0]
    for k in range(2000):
        counts[shard_of(f"doc-{k}", 2)] += 1
    assert min(counts) > 900
    assert shard_of("000_7982a9e012f08afc.txt", 2) == shard_of("000_7982a9e012f08afc.txt", 2)


def build_match(text: str):
    """(MATCH expression, terms to highlight, reason when there is nothing to search) of `text`."""
    tree = parse(text, Analyzer.for_words())
    if tree.reason is not None:
        return None, set(), tree.reason
    return sphinx_queries.build_match(tree), tree.highlight_terms, None


def test_query_translation(kiwi):
    m, terms, reason = build_match("카카오헬스케어가")
    assert reason is None and '카카오헬스케어 | "카카오 헬스케어"' in m and "카카오헬스케어" in terms
    m, _, _ = build_match('"디지털 헬스케어" -카카오 +KT')
    positive, _, negative = m.partition(" -(")
    assert " MAYBE " in positive and '"디지털 헬스케어"' in positive and "kt" in positive.split(" MAYBE ")[0]
    assert "카카오" in negative and "카카오" not in positive
    assert build_match("제목:카카오")[0].startswith("((@title ")
    assert build_match("a OR b")[0].count("|") == 1
    assert "kt\\&g" in build_match("KT&G")[0]
    assert build_match("을를")[2].startswith("no searchable words")
    assert build_match("-카카오")[2].startswith("only excluded")
    assert build_match("   ")[2] == "empty query"


def test_node_config_has_shard_and_distributed_index(tmp_path):
    nodes = [{"host": "127.0.0.1", "sql_port": 9306, "api_port": 9312},
             {"host": "127.0.0.1", "sql_port": 9307, "api_port": 9313}]
    conf = node_config(1, nodes, tmp_path)
    assert "index newsearch1" in conf and "type = rt" in conf and "type = distributed" in conf
    assert "local = newsearch1" in conf and "agent = 127.0.0.1:9312:newsearch0" in conf
    assert "listen = 127.0.0.1:9307:mysql41" in conf and "U+AC00..U+D7A3" in conf


def test_backend_is_whoosh_unless_configured(monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSEARCH_BACKEND", raising=False)
    assert backend_name() == "whoosh" and backend_name(index_dir=tmp_path) == "whoosh"
    (tmp_path / "sphinx.json").write_text("{}")
    assert backend_name(index_dir=tmp_path) == "sphinx"
    monkeypatch.setenv("NEWSEARCH_BACKEND", "elastic")
    r = CliRunner().invoke(main, ["query", "x", "--index", str(tmp_path)])
    assert r.exit_code == 1 and "unknown NEWSEARCH_BACKEND" in r.output


def test_shard_option_needs_sphinx(monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSEARCH_BACKEND", raising=False)
    r = CliRunner().invoke(main, ["index", str(SEEDS), "--index", str(tmp_path / "ix"), "--shard", "0/2"])
    assert r.exit_code == 1 and "--shard needs" in r.output
    r = CliRunner().invoke(main, ["index", str(SEEDS), "--shard", "3/2"])
    assert r.exit_code == 2 and "0 <= I < N" in r.output


# -- two searchd nodes -------------------------------------------------------------------------


def cli(env: dict, *args: str):
    return subprocess.run([sys.executable, "-m", "newsearch.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **env, "NO_COLOR": "1"}, timeout=300)


def query(env: dict, ix, text: str, *extra: str) -> dict:
    r = cli(env, "query", text, "--index", str(ix), "--json", *extra)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    return json.loads(r.stdout)


def test_snippets_and_ranking_match_whoosh(backend_pair):
    """Highlighting comes from the same stored offsets: snippets are identical to Whoosh's."""
    whoosh, sphinx = backend_pair
    for text in QUERIES:
        a, b = whoosh.search(text), sphinx.search(text)
        assert a.total == b.total, text
        assert {h.id: h.snippet_html for h in a.hits} == {h.id: h.snippet_html for h in b.hits}, text
        assert {h.id: h.title_html for h in a.hits} == {h.id: h.title_html for h in b.hits}, text
    for text, first in (("카카오헬스케어가", {"002_5199239f47117fff.txt", "004_24bd54923c893d98.txt"}),
                        ("KT 5G", {"000_7982a9e012f08afc.txt"})):
        assert whoosh.search(text).hits[0].id in first and sphinx.search(text).hits[0].id in first
    art_a = whoosh.article("002_5199239f47117fff.txt", "카카오헬스케어")
    art_b = sphinx.article("002_5199239f47117fff.txt", "카카오헬스케어")
    assert art_a["body_html"] == art_b["body_html"] and "<mark>" in art_b["body_html"]
    assert whoosh.publishers() == sphinx.publishers()
    assert whoosh.doc_count == sphinx.doc_count == 5


@pytest.fixture(scope="module")
def backend_pair(seed_index_whoosh_and_sphinx):
    from newsearch.backends import open_searcher

    w_ix, s_ix = seed_index_whoosh_and_sphinx
    a, b = open_searcher(w_ix, "whoosh"), open_searcher(s_ix, "sphinx")
    yield a, b
    a.close()
    b.close()


@pytest.fixture(scope="module")
def seed_index_whoosh_and_sphinx(tmp_path_factory, sphinx_cluster, kiwi):
    from newsearch.backends import update

    base = tmp_path_factory.mktemp("pair")
    assert update(base / "w", [SEEDS], name="whoosh").added == 5
    with pytest.MonkeyPatch.context() as mp:
        for k, v in sphinx_cluster.env.items():
            mp.setenv(k, v)
        assert update(base / "s", [SEEDS], name="sphinx").added == 5
    return base / "w", base / "s"


def _jsonl(path, n: int, prefix: str = "d") -> None:
    topics = ["반도체 수출이 늘었다", "카카오헬스케어가 병원과 협약했다", "KT가 5G 요금제를 내놨다", "해상풍력 단지가 들어선다"]
    with open(path, "w", encoding="utf-8") as fh:
        for k in range(n):
            fh.write(json.dumps({"id": f"{prefix}-{k}", "title": f"{topics[k % 4]} {k}호",
                                 "body": f"{topics[k % 4]}. 기사 번호 {k}번의 본문이다.",
                                 "date": f"20{10 + k % 10}-01-0{1 + k % 9}", "publisher": f"신문{k % 3}"},
                                ensure_ascii=False) + "\n")


def test_parallel_shard_workers_fill_their_own_nodes(sphinx_cluster, tmp_path, kiwi):
    from newsearch.backends.sphinx.writer import SphinxWriter

    src = tmp_path / "news.jsonl"
    _jsonl(src, 40)
    ix = tmp_path / "ix"
    env = sphinx_cluster.env
    workers = [subprocess.Popen([sys.executable, "-m", "newsearch.cli", "index", str(src), "--index", str(ix),
                                 "--shard", f"{i}/2"], env={**os.environ, **env}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for i in range(2)]
    outs = [w.communicate(timeout=300) for w in workers]
    added = [int(o.split("added ")[1].split(",")[0]) for o, _ in outs]
    assert all(w.returncode == 0 for w in workers), outs
    assert sum(added) == 40 and min(added) > 5
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        stats = SphinxWriter(ix).stats()
    assert list(stats["shards"].values()) == added  # each worker wrote only its node's shard
    res = query(env, ix, "반도체")
    assert res["total"] == 10 and all(h["id"].startswith("d-") for h in res["hits"])
    # Second run: each worker sees its documents unchanged; a deleted row is removed by its owner only.
    lines = src.read_text(encoding="utf-8").splitlines()
    src.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    owner = shard_of("d-0", 2)
    for i in range(2):
        r = cli(env, "index", str(src), "--index", str(ix), "--shard", f"{i}/2")
        want = f"deleted {1 if i == owner else 0}, unchanged {added[i] - (1 if i == owner else 0)}"
        assert r.returncode == 0 and want in r.stdout, (i, r.stdout, r.stderr)
    assert query(env, ix, "반도체")["total"] == 9


def test_filters_facets_sort_and_paging(sphinx_cluster, tmp_path, kiwi):
    src = tmp_path / "news.jsonl"
    _jsonl(src, 40, "f")
    ix = tmp_path / "ix"
    env = sphinx_cluster.env
    assert cli(env, "index", str(src), "--index", str(ix)).returncode == 0
    full = query(env, ix, "반도체", "--limit", "100")
    assert full["total"] == 10
    pages = [h["id"] for p in (1, 2, 3, 4) for h in query(env, ix, "반도체", "--limit", "3", "--page", str(p))["hits"]]
    assert pages == [h["id"] for h in full["hits"]]
    newest = query(env, ix, "반도체", "--sort", "newest", "--limit", "100")["hits"]
    assert [h["date"] for h in newest] == sorted((h["date"] for h in newest), reverse=True)
    pub = query(env, ix, "반도체", "--publisher", "신문1", "--limit", "100")
    assert pub["total"] > 0 and {h["publisher"] for h in pub["hits"]} == {"신문1"}
    dated = query(env, ix, "반도체", "--from", "2014-01-01", "--to", "2016-12-31", "--limit", "100")
    assert dated["total"] > 0 and all("2014" <= h["date"][:4] <= "2016" for h in dated["hits"])
    from newsearch.backends import open_searcher

    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        with open_searcher(ix) as s:
            res = s.search("반도체", facets=True)
    assert sum(n for _, n in res.publishers) == 10 and {p for p, _ in res.publishers} <= {"신문0", "신문1", "신문2"}


def test_a_dead_node_gives_partial_results_and_comes_back_whole(tmp_path, kiwi):
    """Kill one of two nodes: partial results with a warning, never a traceback; restart: all back."""
    pytest.importorskip("pymysql")
    if not shutil.which("searchd"):
        pytest.skip("searchd is not installed")
    from newsearch.backends.sphinx.local import LocalCluster

    cluster = LocalCluster(tmp_path / "cluster", n=2).start()
    try:
        env = cluster.env
        ix = tmp_path / "ix"
        src = tmp_path / "news.jsonl"
        _jsonl(src, 40)
        assert cli(env, "index", str(src), "--index", str(ix)).returncode == 0
        before = query(env, ix, "반도체", "--limit", "100")
        assert before["total"] == 10 and "warning" not in before

        cluster.nodes[1].kill()  # SIGKILL: no clean shutdown
        part = query(env, ix, "반도체", "--limit", "100")
        assert 0 < part["total"] < 10 and "partial results" in part["warning"]
        assert {h["id"] for h in part["hits"]} == {h["id"] for h in before["hits"] if shard_of(h["id"], 2) == 0}
        r = cli(env, "query", "반도체", "--index", str(ix))
        assert r.returncode == 0 and "Traceback" not in r.stderr and "partial results" in r.stderr
        r = cli(env, "index", str(src), "--index", str(ix))
        assert r.returncode == 1 and "unavailable" in r.stderr and "Traceback" not in r.stderr

        cluster.nodes[0].kill()
        r = cli(env, "query", "반도체", "--index", str(ix), "--json")
        assert r.returncode == 0 and "Traceback" not in r.stderr
        assert json.loads(r.stdout)["reason"].startswith("search backend unavailable")

        cluster.nodes[0].start()
        cluster.nodes[1].start()  # the binlog replays what the killed node had accepted
        after = query(env, ix, "반도체", "--limit", "100")
        assert after["hits"] == before["hits"] and "warning" not in after
        r = cli(env, "index", str(src), "--index", str(ix))
        assert r.returncode == 0 and "unchanged 40" in r.stdout  # nothing lost, nothing to redo
    finally:
        cluster.stop()


def test_web_reports_a_dead_node_without_500(tmp_path, kiwi):
    pytest.importorskip("pymysql")
    if not shutil.which("searchd"):
        pytest.skip("searchd is not installed")
    from newsearch.backends.sphinx.local import LocalCluster
    from newsearch.web import create_app

    cluster = LocalCluster(tmp_path / "cluster", n=2).start()
    try:
        ix = tmp_path / "ix"
        assert cli(cluster.env, "index", str(SEEDS), "--index", str(ix)).returncode == 0
        with pytest.MonkeyPatch.context() as mp:
            for k, v in cluster.env.items():
                mp.setenv(k, v)
            client = create_app({"INDEX_DIR": str(ix), "TESTING": True}).test_client()
            cluster.nodes[0].kill()
            r = client.get("/api/search?q=헬스케어")
            assert r.status_code == 200 and "partial results" in r.get_json()["warning"]
            for url in ("/", "/search?q=헬스케어", "/article/002_5199239f47117fff.txt"):
                assert client.get(url).status_code in (200, 404)
            cluster.nodes[1].kill()
            r = client.get("/api/search?q=헬스케어")
            assert r.status_code == 200 and r.get_json()["reason_code"] == "backend_unavailable"
            assert r.get_json()["reason_detail"] and "검색 서버" in r.get_json()["reason"]
            assert client.get("/search?q=헬스케어").status_code == 200
    finally:
        cluster.stop()
