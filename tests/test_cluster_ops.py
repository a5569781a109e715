"""Operating an index: `newsearch status` on both stores; on real searchd nodes, adding a node and
re-sharding (also after an interrupted run), and a node killed with SIGKILL catching up."""

from __future__ import annotations

import calendar
import json
import shutil
import threading
import time

import pytest
from click.testing import CliRunner

from newsearch.cli import main
from newsearch.ingest.shards import shard_of

from .conftest import SEEDS, SHARED, write_jsonl

QUERIES = ["반도체", "카카오헬스케어가", '"디지털 헬스케어"', "해상풍력 OR 요금제", "헬스케어 -카카오", "기사 번호"]


def articles(n: int, prefix: str) -> list[dict]:
    topics = ["반도체 수출이 늘었다", "카카오헬스케어가 병원과 협약했다", "KT가 5G 요금제를 내놨다", "해상풍력 단지가 들어선다"]
    return [{"id": f"{prefix}-{k}", "title": f"{topics[k % 4]} {k}호", "body": f"{topics[k % 4]}. 기사 번호 {k}번의 본문이다.",
             "date": f"20{10 + k % 10}-01-0{1 + k % 9}", "publisher": f"신문{k % 3}"} for k in range(n)]


def cli(*args: str):
    """`newsearch ARGS` in this process (the session's Kiwi); the output holds stdout and stderr."""
    r = CliRunner().invoke(main, list(args))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    return r


def hits(ix, text: str) -> list[str]:
    """Every match's id, one per document (no grouping), searched through a node's distributed index."""
    from newsearch.backends import open_searcher

    with open_searcher(ix) as s:
        res = s.search(text, limit=100, group=False)
    assert res.warning is None and res.total == len(res.hits), (text, res.warning, res.total)
    return [h.id for h in res.hits]


def status(ix) -> tuple[int, dict]:
    r = cli("status", "--index", str(ix), "--json")
    return r.exit_code, json.loads(r.stdout)


def point_at(monkeypatch, cluster) -> None:
    """The environment of `newsearch` pointed at the local cluster (its nodes as they are now)."""
    for k, v in cluster.env.items():
        monkeypatch.setenv(k, v)


def connect(cluster):
    """Connections to the nodes of a local cluster, node i holding shard i."""
    from newsearch.backends.sphinx.cluster import Cluster
    from newsearch.backends.sphinx.reshard import parse_nodes

    return Cluster(parse_nodes(cluster.env["NEWSEARCH_SPHINX_NODES"]), cluster.prefix)


def shard_ids(cluster) -> list[list[tuple[str, int]]]:
    """(s_id, ns) of every row of every shard, read on each node itself."""
    c = connect(cluster)
    try:
        return [[(sid, ns) for sid, ns in c.run(i, f"SELECT s_id, ns FROM {c.prefix}{i} LIMIT 10000 "
                                                   "OPTION max_matches=10000")] for i in range(c.shards)]
    finally:
        c.close()


@pytest.fixture()
def cluster(tmp_path):
    """Two fresh searchd nodes for one test (it adds, kills and restarts nodes)."""
    pytest.importorskip("pymysql")
    if not shutil.which("searchd"):
        pytest.skip("searchd is not installed (apt-get install sphinxsearch)")
    from newsearch.backends.sphinx.local import LocalCluster

    c = LocalCluster(tmp_path / "cluster", n=2).start()
    yield c
    c.stop()


# -- status on an index folder ---------------------------------------------------------------------


def test_whoosh_status_reports_documents_update_size_and_versions(tmp_path, kiwi, monkeypatch):
    from newsearch.ingest import analysis_fingerprint

    monkeypatch.delenv("NEWSEARCH_BACKEND", raising=False)
    ix = tmp_path / "ix"
    runner = CliRunner()
    r = runner.invoke(main, ["status", "--index", str(ix)])
    assert r.exit_code == 1 and f"no index at {ix}" in r.output
    assert runner.invoke(main, ["index", str(SEEDS), "--index", str(ix)]).exit_code == 0
    r = runner.invoke(main, ["status", "--index", str(ix), "--json"])
    got = json.loads(r.output)
    assert r.exit_code == 0 and got["backend"] == "whoosh" and got["documents"] == len(list(SEEDS.glob("*.txt")))
    assert got["bytes"] == sum(p.stat().st_size for p in ix.iterdir() if p.is_file()) > 0
    assert got["analysis"] == got["current"] == analysis_fingerprint() and got["up_to_date"] is True
    assert abs(time.time() - calendar.timegm(time.strptime(got["updated"], "%Y-%m-%dT%H:%M:%SZ"))) < 600
    r = runner.invoke(main, ["status", "--index", str(ix)])
    assert r.exit_code == 0 and f"documents: {got['documents']}" in r.output and "this newsearch's" in r.output
    # An index whose documents were written by other analysis rules says so.
    (ix / "analysis.json").write_text('{"analysis": "1:a0:kiwi0.1"}', encoding="utf-8")
    r = runner.invoke(main, ["status", "--index", str(ix)])
    assert r.exit_code == 0 and "1:a0:kiwi0.1; this newsearch writes" in r.output


def test_node_configs_name_every_node(tmp_path):
    nodes = "127.0.0.1:29306:29312,127.0.0.1:29307:29313,127.0.0.1:29308:29314"
    r = CliRunner().invoke(main, ["cluster", "config", "2", "--nodes", nodes, "--data-dir", str(tmp_path / "n2")])
    assert r.exit_code == 0 and "listen = 127.0.0.1:29308:mysql41" in r.output
    assert "local = newsearch2" in r.output and "agent = 127.0.0.1:29312:newsearch0" in r.output
    assert "agent = 127.0.0.1:29313:newsearch1" in r.output and f"path = {tmp_path / 'n2'}/newsearch2" in r.output
    r = CliRunner().invoke(main, ["cluster", "config", "3", "--nodes", nodes, "--data-dir", str(tmp_path)])
    assert r.exit_code == 1 and "not one of the 3 nodes" in r.output
    r = CliRunner().invoke(main, ["cluster", "config", "0", "--nodes", "127.0.0.1:29306", "--data-dir", str(tmp_path)])
    assert r.exit_code == 1 and "'127.0.0.1:29306' is not host:sql_port:api_port" in r.output


# -- a row's fields written again from what Sphinx stores -----------------------------------------


def test_fields_are_written_again_exactly_from_a_stored_row(kiwi):
    """Sphinx keeps no field text: a moved row's fields come from its stored spans and entities."""
    from newsearch.analysis import Analyzer
    from newsearch.backends.sphinx.documents import COLUMNS, row
    from newsearch.backends.sphinx.reshard import fields_of
    from newsearch.ingest import analysis_fingerprint
    from newsearch.ingest.documents import analysed
    from newsearch.ingest.sources import iter_source

    sources = [SEEDS]
    corpus = SHARED / "corpus" / "bigkinds_leads.jsonl"
    if corpus.is_file():
        sources.append(corpus)  # longer articles: compounds, prefixes, Hanja, quotations

    def docs():
        for source in sources:
            for k, d in enumerate(iter_source(source, [], analysis_fingerprint())):
                if k == 120:
                    break
                yield d, d.load()

    fields = ["title", "body", "people", "orgs", "places", "quote"]
    n = 0
    for item in analysed(Analyzer.for_words(()), docs()):
        stored = dict(zip(COLUMNS, row(7, item)))
        assert fields_of(stored, fields) == [stored[f] for f in fields], item.id
        n += 1
    assert n >= 5


# -- adding a node ---------------------------------------------------------------------------------


def test_adding_a_node_and_resharding(cluster, tmp_path, kiwi, monkeypatch):
    from newsearch.backends.sphinx.reshard import Mover, ReshardReport

    point_at(monkeypatch, cluster)
    ix = tmp_path / "ix"
    src = write_jsonl(tmp_path / "news.jsonl", articles(60, "r"))
    assert cli("index", str(src), str(SEEDS), "--index", str(ix)).exit_code == 0
    ids = sorted([a["id"] for a in articles(60, "r")] + [p.name for p in SEEDS.glob("*.txt")])
    before = {q: hits(ix, q) for q in QUERIES}
    assert all(before.values())
    code, st = status(ix)
    assert code == 0 and st["whole"] and st["documents"] == len(ids) and st["marker_nodes"] == addresses(st)

    cluster.add_node()
    point_at(monkeypatch, cluster)
    code, st = status(ix)
    assert code == 0 and not st["whole"] and "run `newsearch cluster reshard --nodes" in st["problems"][-1]
    assert [n["misplaced"] for n in st["nodes"]] == [sum(shard_of(sid, 3) != i for sid, _ in shard)
                                                     for i, shard in enumerate(shard_ids(cluster))]
    assert st["nodes"][0]["misplaced"] and st["nodes"][1]["misplaced"]
    r = cli("index", str(src), str(SEEDS), "--index", str(ix))  # it would write second copies on the new shards
    assert r.exit_code == 1 and f"the index {ix} was written for the nodes" in r.output
    assert "run `newsearch cluster reshard --nodes" in r.output
    assert sorted(st["nodes"][2]["covers"]) == ["newsearch0", "newsearch1", "newsearch2"]

    # An interrupted run: some rows copied hidden, some also deleted from their old shard.
    c = connect(cluster)
    mover = Mover(c, {st["namespace"]}, ReshardReport([]))
    misplaced = [(key, sid) for key, sid, _ns in mover.ids(0, "ns!=0") if shard_of(sid, 3) != 0]
    first = [m for m in misplaced if shard_of(m[1], 3) == 1][:3]
    second = [m for m in misplaced if shard_of(m[1], 3) == 2][:3]
    assert first and second
    mover.stage(1, mover.read(0, [k for k, _ in first]))
    mover.stage(2, mover.read(0, [k for k, _ in second]))
    mover.retire(0, [k for k, _ in second])
    c.close()
    seen = hits(ix, "기사 번호")
    assert len(seen) == len(set(seen))  # never two copies visible
    assert not {sid for _, sid in second} & set(seen)  # copied, old row gone: hidden until published
    code, st = status(ix)
    assert code == 0 and not st["whole"] and st["nodes"][1]["staged"] == len(first)

    r = cli("cluster", "reshard", "--nodes", cluster.env["NEWSEARCH_SPHINX_NODES"], "--index", str(ix))
    assert r.exit_code == 0 and f"published {len(second)} copies" in r.output, r.output
    rows = shard_ids(cluster)
    assert sorted(sid for shard in rows for sid, _ in shard) == ids  # every document exactly once
    assert all(shard_of(sid, 3) == i and ns == st["namespace"] for i, shard in enumerate(rows) for sid, ns in shard)
    assert all(rows)
    assert {q: hits(ix, q) for q in QUERIES} == before  # the same documents in the same order
    code, st = status(ix)
    assert code == 0 and st["whole"] and st["documents"] == len(ids) and st["marker_nodes"] == addresses(st)
    assert not any(n["misplaced"] or n["staged"] for n in st["nodes"])
    r = cli("cluster", "reshard", "--nodes", cluster.env["NEWSEARCH_SPHINX_NODES"], "--index", str(ix))
    assert r.exit_code == 0 and "moved 0 documents over 3 nodes" in r.output
    r = cli("index", str(src), str(SEEDS), "--index", str(ix))  # the writer finds each where it belongs
    assert r.exit_code == 0 and f"unchanged {len(ids)}, failed 0" in r.output


def addresses(st: dict) -> list[str]:
    return [n["address"] for n in st["nodes"]]


def test_reshard_refuses_a_renumbered_or_unreloaded_cluster(cluster, tmp_path, kiwi, monkeypatch):
    from newsearch.backends.sphinx.local import LocalNode, free_port

    point_at(monkeypatch, cluster)
    ix = tmp_path / "ix"
    assert cli("index", str(SEEDS), "--index", str(ix)).exit_code == 0
    a, b = cluster.env["NEWSEARCH_SPHINX_NODES"].split(",")
    r = cli("cluster", "reshard", "--nodes", f"{b},{a}", "--index", str(ix))
    assert r.exit_code == 1 and "must list the index's nodes first" in r.output
    specs = cluster.specs + [{"host": "127.0.0.1", "sql_port": free_port(), "api_port": free_port()}]
    extra = LocalNode(2, specs, tmp_path / "cluster", cluster.prefix)
    extra.start()
    try:  # the new node is up, but the others' configs were not reloaded
        r = cli("cluster", "reshard", "--nodes", f"{a},{b},127.0.0.1:{specs[2]['sql_port']}", "--index", str(ix))
        assert r.exit_code == 1 and "kill -HUP" in r.output
        assert "answers for newsearch0, newsearch1, not newsearch0, newsearch1, newsearch2" in r.output
    finally:
        extra.stop()


# -- a node that crashes -------------------------------------------------------------------------------


def test_a_killed_node_comes_back_and_catches_up(cluster, tmp_path, kiwi, monkeypatch):
    point_at(monkeypatch, cluster)
    ix = tmp_path / "ix"
    src = write_jsonl(tmp_path / "news.jsonl", articles(40, "k"))
    assert cli("index", str(src), "--index", str(ix)).exit_code == 0
    cluster.nodes[1].kill()  # SIGKILL between runs
    code, st = status(ix)
    assert code == 1 and not st["nodes"][1]["up"] and "unavailable" in st["nodes"][1]["error"]
    assert st["nodes"][0]["up"] and not st["whole"]
    write_jsonl(src, articles(60, "k"))  # 20 more while node 1 is down
    r = cli("index", str(src), "--index", str(ix))
    assert r.exit_code == 1 and f"sphinx node {cluster.nodes[1].address} is unavailable" in r.output
    assert "added" not in r.output  # nothing reported as done
    cluster.nodes[1].start()  # replays its binlog
    code, st = status(ix)
    assert code == 0 and st["whole"] and st["documents"] == 40
    r = cli("index", str(src), "--index", str(ix))
    assert r.exit_code == 0 and "added 20, updated 0, deleted 0, unchanged 40, failed 0" in r.output

    # Killed in the middle of a run: the run fails; after the restart the next one writes what is missing.
    write_jsonl(src, articles(1600, "k"))
    run = threading.Thread(target=lambda: outcome.append(cli("index", str(src), "--index", str(ix))))
    outcome: list = []
    run.start()
    c = connect(cluster)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.is_alive():
        _rows, meta = c.run(1, f"SELECT id FROM {c.prefix}1 LIMIT 1", meta=True)
        if int(meta["total_found"]) > st["nodes"][1]["documents"]:  # the run's first batch reached node 1
            break
        time.sleep(0.05)
    c.close()
    cluster.nodes[1].kill()
    run.join(300)
    assert outcome[0].exit_code == 1 and "is unavailable" in outcome[0].output, outcome[0].output
    cluster.nodes[1].start()
    r = cli("index", str(src), "--index", str(ix))
    assert r.exit_code == 0 and "failed 0" in r.output and "added 0," not in r.output, r.output
    rows = shard_ids(cluster)
    assert sorted(sid for shard in rows for sid, _ in shard) == sorted(a["id"] for a in articles(1600, "k"))
    assert status(ix)[1]["whole"]
