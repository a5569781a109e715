"""Sphinx does what Whoosh does (issue 22): did-you-mean's words kept through changes, deletes, several
writers and a writer that died; the user dictionary applied to queries of a running store; the web page
saying its results are partial when a node is down; a request right after a node restart answered.

The word-count tests use the session's cluster (a namespace each); the node tests start clusters of their
own, since they stop nodes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from newsearch.backends import open_searcher, update
from newsearch.backends.sphinx import words
from newsearch.search import Reason

from .conftest import local_cluster, write_jsonl

REPO = Path(__file__).resolve().parents[1]
NEWSEARCH = Path(sys.executable).parent / "newsearch"

ANIMALS = [
    {"id": "a", "title": "동물원 소식", "body": "동물원에 새로 온 기린이 인기를 끌었다. 관람객이 기린을 보러 몰렸다."},
    {"id": "b", "title": "남극 탐사", "body": "남극 기지의 연구진이 펭귄 무리를 관찰했다. 펭귄은 겨울을 난다."},
    {"id": "c", "title": "아프리카 여행", "body": "초원에서 코끼리 가족을 만났다. 코끼리는 물가로 향했다."},
    {"id": "d", "title": "동물원 개장", "body": "동물원이 다시 문을 열었다. 기린과 사자가 관람객을 맞았다."},
]
CHANGED_B = {"id": "b", "title": "북극 탐사", "body": "북극 기지의 연구진이 북극곰을 관찰했다. 동물원 사육사도 함께 갔다."}


def _env(monkeypatch, cluster) -> None:
    for key, value in cluster.env.items():
        monkeypatch.setenv(key, value)


def _df(index_dir: Path) -> dict[str, int]:
    """The word counts the writers keep for the namespace at `index_dir` (after a commit: no writer named)."""
    data = json.loads((index_dir / words.WORDS).read_text(encoding="utf-8"))
    assert data["writers"] == {} and data["stale"] is False
    return data["df"]


def _fresh(tmp_path: Path, name: str, rows) -> dict[str, int]:
    """The word counts of a namespace built at once from `rows`: what any history must end with."""
    src = write_jsonl(tmp_path / f"{name}.jsonl", rows)
    stats = update(tmp_path / name, [src], name="sphinx")
    assert stats.failed == 0
    return _df(tmp_path / name)


# -- did-you-mean's words -----------------------------------------------------------------------------


def test_words_follow_changed_and_deleted_documents(sphinx_cluster, tmp_path, monkeypatch, kiwi):
    _env(monkeypatch, sphinx_cluster)
    ix = tmp_path / "index"
    src = write_jsonl(tmp_path / "animals.jsonl", ANIMALS)
    update(ix, [src], name="sphinx")
    before = _df(ix)
    assert before["기린"] == 2 and before["펭귄"] == 1 and before["코끼리"] == 1 and before["동물원"] == 2

    final = [ANIMALS[0], CHANGED_B, ANIMALS[3]]  # b changed, c gone
    stats = update(ix, [write_jsonl(src, final)], name="sphinx")
    assert (stats.updated, stats.deleted) == (1, 1)
    after = _df(ix)
    assert "펭귄" not in after and "코끼리" not in after  # the old version's and the deleted row's words
    assert after["북극곰"] == 1 and after["동물원"] == 3 and after["기린"] == 2
    assert after == _fresh(tmp_path, "fresh", final)

    s = open_searcher(ix, "sphinx")  # what the store corrects from is what the file says
    try:
        assert s.search("동물웜", correct=False).suggestion == "동물원"
        assert s.search("기린").suggestion is None
    finally:
        s.close()


def test_an_index_from_before_the_words_counts_them_at_its_next_update(sphinx_cluster, tmp_path, monkeypatch, kiwi):
    _env(monkeypatch, sphinx_cluster)
    ix = tmp_path / "index"
    src = write_jsonl(tmp_path / "animals.jsonl", ANIMALS)
    update(ix, [src], name="sphinx")
    counted = _df(ix)
    (ix / words.WORDS).unlink()  # as an index written before the file existed
    s = open_searcher(ix, "sphinx")
    try:
        res = s.search("동물웜", correct=False)
        assert res.suggestion is None and Reason.NO_SUGGESTIONS in res.unsupported
        stats = update(ix, [src], name="sphinx")  # nothing changed: the commit counts the words all the same
        assert stats.unchanged == len(ANIMALS) and _df(ix) == counted
        res = s.search("동물웜", correct=False)
        assert res.suggestion == "동물원" and res.unsupported == []
    finally:
        s.close()


def test_words_of_several_writers_at_once(sphinx_cluster, tmp_path, kiwi):
    """Two `--shard` workers, two processes writing the same namespace at the same time."""
    rows = ANIMALS + [{"id": f"z{i}", "title": f"동물원 소식 {i}", "body": f"사육사가 기린 {i}마리를 돌봤다."}
                      for i in range(12)]
    src = write_jsonl(tmp_path / "animals.jsonl", rows)
    env = {**os.environ, **sphinx_cluster.env}
    workers = [subprocess.Popen([str(NEWSEARCH), "index", str(src), "--index", str(tmp_path / "index"),
                                 "--shard", f"{k}/2"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True) for k in range(2)]
    for w in workers:
        out = w.communicate(timeout=120)[0]
        assert w.returncode == 0, out
    with pytest.MonkeyPatch.context() as mp:
        _env(mp, sphinx_cluster)
        assert _df(tmp_path / "index") == _fresh(tmp_path, "fresh", rows)


DIE_AFTER_WRITING = """
import os, signal, sys
from pathlib import Path
from newsearch.backends import open_writer
from newsearch.ingest import update

def die(done, scanned):
    if done == int(sys.argv[3]):  # every document added, the first batches written to the shards, no commit
        os.kill(os.getpid(), signal.SIGKILL)

update(open_writer(Path(sys.argv[1]), "sphinx"), [Path(sys.argv[2])], on_progress=die)
"""


def test_words_counted_again_after_a_writer_died(sphinx_cluster, tmp_path, monkeypatch, kiwi):
    # Enough documents for the writer to send a batch (500 a shard) before it dies.
    rows = [{"id": f"n{i}", "title": f"소식 {i}", "body": ("동물원 기린" if i % 3 else "남극 펭귄") + f" {i}번째 이야기."}
            for i in range(1200)]
    src = write_jsonl(tmp_path / "many.jsonl", rows)
    ix = tmp_path / "index"
    env = {**os.environ, **sphinx_cluster.env}
    died = subprocess.run([sys.executable, "-c", DIE_AFTER_WRITING, str(ix), str(src), str(len(rows))], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert died.returncode == -signal.SIGKILL, died.stderr
    named = json.loads((ix / words.WORDS).read_text(encoding="utf-8"))["writers"]
    assert len(named) == 1  # the dead writer is still named: its rows are on the shards, uncounted

    _env(monkeypatch, sphinx_cluster)
    stats = update(ix, [src], name="sphinx")  # the rows it wrote count as unchanged: only a recount finds them
    assert stats.unchanged >= 1000 and stats.added + stats.unchanged == len(rows)
    assert _df(ix) == _fresh(tmp_path, "fresh", rows)


# -- the user dictionary --------------------------------------------------------------------------------


DUNAMU = [
    {"id": "d1", "title": "두나무, 업비트 거래량 늘어", "body": "가상자산 거래소 업비트를 운영하는 두나무가 실적을 발표했다."},
    {"id": "d2", "title": "두나무 새 서비스", "body": "두나무가 새 서비스를 내놓았다고 밝혔다."},
    {"id": "n1", "title": "나무 심기 행사", "body": "시민들이 나무를 심었다. 나무가 자라면 숲이 된다."},
    {"id": "n2", "title": "가로수 나무", "body": "도심의 나무가 병들었다고 구청이 밝혔다."},
]


def test_user_dictionary_reaches_a_running_store(sphinx_cluster, tmp_path, monkeypatch, kiwi):
    """The store a server opened before `newsearch index --user-dict` analyses queries with the new dictionary
    (it kept the one it was opened with: `두나무가` stayed 두 + 나무 and found the 나무 stories)."""
    _env(monkeypatch, sphinx_cluster)
    ix = tmp_path / "index"
    src = write_jsonl(tmp_path / "dunamu.jsonl", DUNAMU)
    update(ix, [src], name="sphinx", user_dict=None)
    s = open_searcher(ix, "sphinx")
    try:
        assert {"n1", "n2"} <= {h.id for h in s.search("두나무가", group=False).hits}  # no dictionary: 나무
        user_dict = tmp_path / "user_dict.txt"
        user_dict.write_text("두나무\tNNP\n", encoding="utf-8")
        for rebuild in (False, True):
            update(ix, [src], name="sphinx", user_dict=user_dict, rebuild=rebuild)
            assert {h.id for h in s.search("두나무가", group=False).hits} == {"d1", "d2"}
        fresh = open_searcher(ix, "sphinx")
        assert {h.id for h in fresh.search("두나무가", group=False).hits} == {"d1", "d2"}
        fresh.close()
    finally:
        s.close()


# -- nodes down and restarted -----------------------------------------------------------------------


@pytest.fixture()
def own_cluster(tmp_path, monkeypatch, kiwi):
    """A two-node cluster of the test's own, with the four 두나무/나무 stories indexed; started, stopped after."""
    cluster = local_cluster(tmp_path / "cluster")
    _env(monkeypatch, cluster)
    ix = tmp_path / "index"
    update(ix, [write_jsonl(tmp_path / "dunamu.jsonl", DUNAMU)], name="sphinx", user_dict=None)
    yield cluster, ix
    cluster.stop()


def test_web_page_says_results_are_partial(own_cluster):
    from newsearch.web import create_app

    cluster, ix = own_cluster
    client = create_app({"INDEX_DIR": str(ix), "TESTING": True}).test_client()
    html = client.get("/search?q=" + quote("나무")).get_data(as_text=True)
    assert "검색결과 기사" in html and "일부 결과" not in html and "partial-results" not in html
    cluster.nodes[1].stop()
    html = client.get("/search?q=" + quote("나무")).get_data(as_text=True)
    assert "검색결과 기사" in html and "(일부 결과)" in html
    assert 'class="notice partial-results"' in html and "일부만 보여 드립니다" in html
    data = client.get("/api/search?q=" + quote("나무")).get_json()
    assert data["warning"].startswith("partial results")


def test_first_request_after_a_restart_is_answered(own_cluster):
    cluster, ix = own_cluster
    s = open_searcher(ix, "sphinx")
    try:
        want = {h.id for h in s.search("나무", group=False).hits}
        assert want and s.store.doc_frequencies(["나무"])["나무"] > 0  # a pooled connection to every node
        for node in cluster.nodes:
            node.kill()  # as a crash and a restart by a supervisor (the binlog brings the writes back)
            node.start()
        res = s.search("나무", group=False)  # every pooled connection is stale now
        assert res.reason is None and {h.id for h in res.hits} == want

        for node in cluster.nodes:  # really down: the answer says so at once, without waiting for anything
            node.stop()
        t0 = time.perf_counter()
        res = s.search("나무", group=False)
        assert res.reason == Reason.BACKEND_UNAVAILABLE and time.perf_counter() - t0 < 2.0
    finally:
        s.close()
