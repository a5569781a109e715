"""Shared fixtures: one Kiwi per session, a real index of the seeds, paths to ../shared."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
# Debian's chromium, driven by playwright (the browser tests; never a browser download).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def write_jsonl(path: Path, rows) -> Path:
    """`rows` (dicts) as a JSONL file at `path`, one article a line."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser():
    """A headless chromium for the module's browser tests (they skip themselves without playwright)."""
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def kiwi():
    """The process's Kiwi, loaded once for the whole test session."""
    from newsearch.analysis import Analyzer

    k = Analyzer.for_words().kiwi
    k.tokenize("세션 준비")
    return k


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared, or skip when it is absent (fresh clone without the data)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    return SHARED


def local_cluster(path: Path):
    """A started two-node searchd cluster with its data in `path` (the caller stops it); skips the test
    without searchd or pymysql."""
    pytest.importorskip("pymysql")
    if not shutil.which("searchd"):
        pytest.skip("searchd is not installed (apt-get install sphinxsearch)")
    from newsearch.backends.sphinx.local import LocalCluster

    cluster = LocalCluster(path, n=2)
    try:
        cluster.start()
    except RuntimeError as e:
        cluster.stop()
        pytest.skip(f"searchd does not start: {e}")
    return cluster


@pytest.fixture(scope="session")
def sphinx_cluster(tmp_path_factory):
    """Two searchd nodes on 127.0.0.1 (free ports, data in tmp); skips without searchd or pymysql."""
    cluster = local_cluster(tmp_path_factory.mktemp("sphinx"))
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, kiwi) -> Path:
    """A real Whoosh index of the five bundled seeds, built once per session (treat as read-only).

    The faces' tests run on it; tests/test_contract.py runs every feature on both stores.
    """
    from newsearch.backends import update

    ix = tmp_path_factory.mktemp("seed-index") / "index"
    stats = update(ix, [SEEDS], name="whoosh")
    assert stats.added == len(list(SEEDS.glob("*.txt"))) and stats.failed == 0, stats.problems
    return ix


@pytest.fixture()
def seeds_copy(tmp_path) -> Path:
    """A writable copy of the seeds folder."""
    dst = tmp_path / "seeds"
    shutil.copytree(SEEDS, dst)
    return dst


@pytest.fixture(scope="session")
def searcher(seed_index):
    """A Searcher over the seed index, shared by the session."""
    from newsearch.backends import open_searcher

    s = open_searcher(seed_index, "whoosh")
    yield s
    s.close()
