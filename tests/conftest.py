"""Shared fixtures: one Kiwi per session, a real index of the seeds, paths to ../shared."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def kiwi():
    """The process's Kiwi, loaded once for the whole test session."""
    from newsearch.analysis import get_kiwi

    k = get_kiwi()
    k.tokenize("세션 준비")
    return k


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared, or skip when it is absent (fresh clone without the data)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    return SHARED


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, kiwi) -> Path:
    """A real index of the five bundled seeds, built once per session (treat as read-only)."""
    from newsearch.index import update_index

    ix = tmp_path_factory.mktemp("seed-index") / "index"
    stats = update_index(ix, [SEEDS])
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
    from newsearch.search import Searcher

    s = Searcher(seed_index)
    yield s
    s.close()
