"""The stores behind the search contract, and the factory that picks one.

`NEWSEARCH_BACKEND` picks the backend: `whoosh` (the default: an embedded index in a folder) or
`sphinx` (a distributed index over `searchd` nodes). The analysis stays in Python for every
backend: a store receives analysed documents through the ingest pipeline and answers the search
contract with plain objects.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from ..analysis import vocabulary
from ..errors import StoreError
from ..ingest import Problem, Shard, StoreWriter, UpdateStats
from ..ingest import update as run_update
from ..search import Searcher
from ..search.contract import Store
from ..search.settings import DEFAULT, Ranking

BACKENDS = ("whoosh", "sphinx")
WRITE_LOCK_TIMEOUT = 60.0


def backend_name(name: str | None = None, index_dir: str | Path | None = None) -> str:
    """The configured backend: `name`, else $NEWSEARCH_BACKEND, else the one `index_dir` was built with
    (a Sphinx index leaves a small `sphinx.json` marker in its folder), else whoosh."""
    if not name and not os.environ.get("NEWSEARCH_BACKEND") and index_dir is not None:
        if (Path(index_dir) / "sphinx.json").is_file():
            name = "sphinx"
    name = (name or os.environ.get("NEWSEARCH_BACKEND") or "whoosh").strip().lower()
    if name not in BACKENDS:
        raise StoreError(f"unknown NEWSEARCH_BACKEND {name!r} (choose one of: {', '.join(BACKENDS)})")
    return name


def open_store(index_dir: str | Path, name: str | None = None, ranking: Ranking = DEFAULT) -> Store:
    """The configured store for `index_dir` (a folder for Whoosh, a namespace for Sphinx)."""
    if backend_name(name, index_dir) == "sphinx":
        from .sphinx.searcher import SphinxStore

        return SphinxStore(index_dir, ranking=ranking)
    from .whoosh.searcher import WhooshStore

    return WhooshStore(index_dir, ranking=ranking)


def open_searcher(index_dir: str | Path, name: str | None = None, ranking: Ranking = DEFAULT) -> Searcher:
    """A long-lived searcher over the configured store (`search`, `article`, `related`, `publishers`)."""
    return Searcher(open_store(index_dir, name, ranking))


def open_writer(index_dir: str | Path, name: str | None = None, *, rebuild: bool = False,
                lock_timeout: float = WRITE_LOCK_TIMEOUT) -> StoreWriter:
    """The ingest pipeline's writer for the configured store."""
    if backend_name(name, index_dir) == "sphinx":
        from .sphinx.writer import SphinxWriter

        return SphinxWriter(index_dir)
    from .whoosh.writer import WhooshWriter

    return WhooshWriter(index_dir, rebuild=rebuild, lock_timeout=lock_timeout)


def update(index_dir: str | Path, sources: list, *, shard: Shard | None = None, name: str | None = None,
           rebuild: bool = False, on_problem: Callable[[Problem], None] | None = None,
           on_progress: Callable[[int, int], None] | None = None,
           lock_timeout: float = WRITE_LOCK_TIMEOUT, user_dict: Path | None | bool = True,
           follow_links: bool = False) -> UpdateStats:
    """`newsearch index`: bring the configured store at `index_dir` up to date with `sources`.

    `user_dict` is the user dictionary file to analyse with (True: the configured one, see
    vocabulary.user_dict_path; None: none). `rebuild` re-analyses every document (Whoosh builds a
    fresh index aside and swaps it in). `follow_links` follows symbolic links out of folder sources.
    """
    words = vocabulary.load_user_dict(vocabulary.user_dict_path() if user_dict is True else user_dict)
    which = backend_name(name, index_dir)
    if shard is not None and which == "whoosh":
        raise StoreError("--shard needs a shared index: set NEWSEARCH_BACKEND=sphinx")
    writer = open_writer(index_dir, which, rebuild=rebuild, lock_timeout=lock_timeout)
    try:
        return run_update(writer, sources, words=words, shard=shard, force=rebuild, on_problem=on_problem,
                          on_progress=on_progress, follow_links=follow_links)
    finally:
        close = getattr(writer, "close", None)
        if close:
            close()


def status(index_dir: str | Path, name: str | None = None):
    """`newsearch status`: what the store at `index_dir` holds and, for a cluster, each node's health.

    Returns the backend's status (`backends/whoosh/status.py`, `backends/sphinx/status.py`): `.lines()`
    to print, `.as_dict()` for JSON, `.ok` (False when a node is down)."""
    if backend_name(name, index_dir) == "sphinx":
        from .sphinx.status import status as sphinx_status

        return sphinx_status(index_dir)
    from .whoosh.status import status as whoosh_status

    return whoosh_status(index_dir)


def reshard(index_dir: str | Path, nodes: str, on_progress: Callable[[int], None] | None = None):
    """`newsearch cluster reshard`: move the cluster's documents to their shards over `nodes`
    (`host:port,...`, the index's nodes first) and name the new nodes in `index_dir`'s marker."""
    from .sphinx.reshard import parse_nodes
    from .sphinx.reshard import reshard as sphinx_reshard

    return sphinx_reshard(index_dir, parse_nodes(nodes), on_progress=on_progress)


def node_config(i: int, nodes: str, data_dir: str | Path) -> str:
    """`newsearch cluster config`: the searchd config of node `i` of `nodes` (`host:sql_port:api_port,...`)."""
    from .sphinx.nodes import node_config as config_text
    from .sphinx.nodes import prefix_from_env

    specs = []
    for part in (p.strip() for p in nodes.split(",")):
        host, sql, api = ([""] * 3 + part.rsplit(":", 2))[-3:]
        if not host or not sql.isdigit() or not api.isdigit():
            raise StoreError(f"--nodes: {part!r} is not host:sql_port:api_port")
        specs.append({"host": host, "sql_port": int(sql), "api_port": int(api)})
    if not 0 <= i < len(specs):
        raise StoreError(f"node {i} is not one of the {len(specs)} nodes of --nodes (0..{len(specs) - 1})")
    return config_text(i, specs, Path(data_dir).resolve(), prefix_from_env())


def check(index_dir: str | Path, sources: list | tuple = (), repair: bool = False, *,
          on_problem: Callable[[Problem], None] | None = None, lock_timeout: float = WRITE_LOCK_TIMEOUT):
    """`newsearch check`: verify every file and document of the index at `index_dir` (against `sources`
    when given); with `repair`, rebuild it from `sources`, or without them keep what it still holds
    (backends/whoosh/check.py says what that is). Returns a report: `.lines` to print, `.ok`."""
    if backend_name(None, index_dir) != "whoosh":
        raise StoreError("`newsearch check` checks an embedded (Whoosh) index folder; "
                         "a Sphinx cluster is checked on its nodes (indextool --check)")
    from .whoosh import check as whoosh_check

    index_dir = Path(index_dir)
    sources = [Path(s) for s in sources]
    report = whoosh_check.check_index(index_dir, sources)
    if not repair:
        report.lines.append(report.summary())
        return report
    if sources and report.ok and report.manifest_ok:
        report.lines += [report.summary(), "repair: nothing to repair"]
        return report
    if sources and not report.ok:
        stats = update(index_dir, sources, rebuild=True, on_problem=on_problem, lock_timeout=lock_timeout)
        done, lost = [f"repair: rebuilt from the sources: {stats.summary()}"], 0
    else:
        done, lost = whoosh_check.salvage(index_dir, lock_timeout)
    after = whoosh_check.check_index(index_dir, sources)
    after.lost = lost
    after.lines = report.lines + [report.summary(), *done, "after repair:", *after.lines, after.summary()]
    return after
