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


# Tests that also run against the Sphinx backend (two searchd nodes), by test module.
SPHINX_TESTS = {
    "test_cli.py": {"test_kakao_healthcare_query_lists_both_articles_first", "test_kt_5g_lists_2018_kt_article_first",
                    "test_json_shape_and_marks", "test_limit_and_page_walk_all_results_without_overlap",
                    "test_human_output_has_rank_title_date_publisher_snippet", "test_only_particles_gives_reason_not_error",
                    "test_batch_queries_keep_their_ids", "test_incremental_add_edit_delete_and_noop",
                    "test_documents_of_other_sources_stay", "test_jsonl_rows_keep_their_ids"},
    "test_web.py": {"test_home_has_accessible_search_box", "test_search_ranks_kakao_healthcare_first",
                    "test_root_with_query_shows_results", "test_pagination_spans_all_hits",
                    "test_page_past_the_end_redirects_to_last", "test_publisher_filter_and_facet_counts",
                    "test_sort_newest", "test_date_filter", "test_query_is_escaped", "test_only_particles_shows_reason",
                    "test_empty_state", "test_article_page", "test_result_link_leads_to_article",
                    "test_unknown_or_traversal_ids_are_404", "test_api_matches_cli_json", "test_api_shape",
                    "test_security_headers", "test_odd_queries_never_500"},
}


def pytest_generate_tests(metafunc):
    """Run the tests named in SPHINX_TESTS once per backend (whoosh, sphinx)."""
    if "backend" in metafunc.fixturenames and metafunc.function.__name__ in SPHINX_TESTS.get(
            Path(metafunc.definition.fspath).name, ()):
        metafunc.parametrize("backend", ["whoosh", "sphinx"], indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request) -> str:
    """The index backend a test runs against: whoosh unless the test is parametrised."""
    return getattr(request, "param", "whoosh")


@pytest.fixture(scope="session")
def sphinx_cluster(tmp_path_factory):
    """Two searchd nodes on 127.0.0.1 (free ports, data in tmp); skips without searchd or pymysql."""
    pytest.importorskip("pymysql")
    if not shutil.which("searchd"):
        pytest.skip("searchd is not installed (apt-get install sphinxsearch)")
    from newsearch.backends.sphinx.local import LocalCluster

    cluster = LocalCluster(tmp_path_factory.mktemp("sphinx"), n=2)
    try:
        cluster.start()
    except RuntimeError as e:
        cluster.stop()
        pytest.skip(f"searchd does not start: {e}")
    yield cluster
    cluster.stop()


@pytest.fixture(autouse=True)
def _backend_env(request, monkeypatch):
    """Point the CLI and the web app at the test's backend for the duration of the test."""
    if "backend" in request.fixturenames and request.getfixturevalue("backend") == "sphinx":
        for key, value in request.getfixturevalue("sphinx_cluster").env.items():
            monkeypatch.setenv(key, value)


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, kiwi, backend, request) -> Path:
    """A real index of the five bundled seeds, built once per session (treat as read-only)."""
    from newsearch.backends import update

    ix = tmp_path_factory.mktemp("seed-index") / "index"
    with pytest.MonkeyPatch.context() as mp:
        if backend == "sphinx":
            for key, value in request.getfixturevalue("sphinx_cluster").env.items():
                mp.setenv(key, value)
        stats = update(ix, [SEEDS], name=backend)
    assert stats.added == len(list(SEEDS.glob("*.txt"))) and stats.failed == 0, stats.problems
    return ix


@pytest.fixture()
def seeds_copy(tmp_path, backend) -> Path:
    """A writable copy of the seeds folder."""
    dst = tmp_path / "seeds"
    shutil.copytree(SEEDS, dst)
    return dst


@pytest.fixture(scope="session")
def searcher(seed_index, backend):
    """A Searcher over the seed index, shared by the session."""
    from newsearch.backends import open_searcher

    s = open_searcher(seed_index, backend)
    yield s
    s.close()
