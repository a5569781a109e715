"""The `newsearch` command: a thin click layer over the library."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

import click

from . import config
from .search.model import MAX_LIMIT, MAX_PAGE, SORTS

def _emphasis_on() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsearch")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details to stderr.")
def main(verbose: bool) -> None:
    """newsearch: full-text search over Korean news.

    \b
    Example:
      newsearch index && newsearch query 카카오헬스케어
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


# -- index -------------------------------------------------------------------------------------


@main.command("index")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@click.option("--rebuild", is_flag=True, help="Build a fresh index aside and swap it in.")
@click.option("--wait", "lock_timeout", type=float, default=60.0, show_default=True,
              help="Seconds to wait for another indexer holding the index.")
@click.option("--user-dict", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="User dictionary (word [TAG [SCORE]] a line; default ./user_dict.txt or $NEWSEARCH_USER_DICT).")
@click.option("--shard", "shard_spec", default=None, metavar="I/N",
              help="Only documents whose id hashes to shard I of N (parallel workers; NEWSEARCH_BACKEND=sphinx).")
def index_cmd(sources: tuple[Path, ...], index_dir: Path | None, rebuild: bool, lock_timeout: float,
              user_dict: Path | None, shard_spec: str | None) -> None:
    """Index .txt/.html files, folders of them, or .jsonl files (incremental).

    New and changed documents are analysed and indexed, documents gone from a named source
    are deleted, unchanged ones are skipped. Problems are reported one per line on stderr;
    the exit code is 1 when any document failed.

    \b
    Examples:
      newsearch index                      # ./seeds into ./index
      newsearch index news.jsonl --index /tmp/news
      newsearch index seeds/ --rebuild
      NEWSEARCH_BACKEND=sphinx newsearch index news.jsonl --shard 0/2
    """
    from .analysis import VocabularyError
    from .backends import update
    from .errors import StoreError
    from .ingest import Shard

    srcs = list(sources) or [config.seeds_dir()]
    target = index_dir or config.index_dir()
    bar = _ProgressBar() if sys.stderr.isatty() else None

    def problem(p) -> None:
        if bar:
            bar.clear()
        click.echo(f"error: {p}", err=True)

    try:
        shard = Shard.parse(shard_spec) if shard_spec else None
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--shard")
    if user_dict is not None and not user_dict.is_file():
        raise click.ClickException(f"{user_dict}: no such user dictionary")
    try:
        stats = update(target, srcs, shard=shard, rebuild=rebuild, on_problem=problem,
                       on_progress=bar.update if bar else None, lock_timeout=lock_timeout,
                       user_dict=user_dict if user_dict is not None else True)
    except (StoreError, VocabularyError) as e:
        raise click.ClickException(str(e))
    finally:
        if bar:
            bar.clear()
    for note in stats.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(stats.summary())
    if stats.failed:
        sys.exit(1)


class _ProgressBar:
    """A one-line progress display on stderr (only used on a terminal).

    Sources are read as a stream, so the total is not known in advance: it shows documents
    indexed, documents scanned and the rate.
    """

    def __init__(self) -> None:
        self.shown = False
        self.t0 = time.monotonic()
        self.last = 0.0

    def update(self, done: int, scanned: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        rate = done / max(now - self.t0, 1e-6)
        sys.stderr.write(f"\rindexing: {done:,} analysed of {scanned:,} scanned ({rate:,.0f} docs/s)\x1b[K")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False


# -- query -------------------------------------------------------------------------------------


def _open_searcher(index_dir: Path | None):
    from .backends import open_searcher
    from .errors import StoreError

    try:
        return open_searcher(index_dir or config.index_dir())
    except StoreError as e:
        raise click.ClickException(str(e))


def _batch_error(message: str) -> None:
    click.echo(f"error: {message}", err=True)


@main.command("query")
@click.argument("text", required=False)
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@click.option("--limit", "-n", type=click.IntRange(1, MAX_LIMIT), default=10, show_default=True, help="Hits per page.")
@click.option("--page", "-p", type=click.IntRange(1, MAX_PAGE), default=1, show_default=True, help="Result page.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON result instead of text.")
@click.option("--batch", type=click.Path(allow_dash=True), default=None,
              help="Run every query of FILE (JSON {\"id\",\"text\"} or plain text per line; - for stdin).")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--publisher", default=None, help="Only articles of this publisher.")
@click.option("--from", "date_from", default=None, help="Only articles dated on or after (YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Only articles dated on or before (YYYY-MM-DD).")
def query_cmd(text, index_dir, limit, page, as_json, batch, sort, publisher, date_from, date_to) -> None:
    """Search the index.

    Words are optional and ranked by how many match; "quoted phrase", -exclude, +require,
    a OR b and title:word narrow it.

    \b
    Examples:
      newsearch query 카카오헬스케어가
      newsearch query '"디지털 헬스케어" -카카오' --json
      newsearch query --batch queries.jsonl --json
    """
    from .search.batch import read_batch

    if not text and not batch:
        raise click.UsageError("give a query TEXT or --batch FILE")
    searcher = _open_searcher(index_dir)
    opts = dict(limit=limit, page=page, sort=sort, publisher=publisher, date_from=date_from, date_to=date_to)
    with searcher:
        if batch:
            for qid, qtext in read_batch(batch, _batch_error):
                res = searcher.search(qtext, **opts)
                if as_json:
                    click.echo(json.dumps({"id": qid, **res.to_json()}, ensure_ascii=False))
                else:
                    click.echo(f"# {qid}: {qtext}")
                    _print_results(res)
            return
        res = searcher.search(text, **opts)
        if as_json:
            click.echo(json.dumps(res.to_json(), ensure_ascii=False, indent=2))
        else:
            _print_results(res)


def _print_results(res) -> None:
    color = _emphasis_on()
    if res.reason:
        click.echo(f"no results: {res.reason_text}")
        return
    first = (res.page - 1) * res.limit
    shown = f"{first + 1}-{first + len(res.hits)} of " if res.hits else ""
    click.echo(f"{shown}{res.total} results ({res.took_ms:.0f} ms)")
    if res.suggestion:
        click.echo(f"did you mean: {res.suggestion}")
    for rank, hit in enumerate(res.hits, first + 1):
        title = hit.title_marks.terminal(color) if hit.title_marks else hit.title
        meta = " · ".join(x for x in (hit.date[:10] if hit.date else None, hit.publisher) if x)
        click.echo(f"\n{rank:>3}. {title}" + (f"  [{meta}]" if meta else ""))
        click.echo(f"     {hit.snippet.terminal(color)}")
        click.echo(f"     id: {hit.id}" + (f"  {hit.url}" if hit.url else ""))


# -- extract -----------------------------------------------------------------------------------


@main.command("extract")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON {title, date, publisher, reporter, url, body}.")
def extract_cmd(file: Path, as_json: bool) -> None:
    """Strip a news page (.txt dump or .html) down to its article.

    \b
    Example:
      newsearch extract seeds/000_7982a9e012f08afc.txt --json
    """
    from .extract import ExtractError, extract_file

    try:
        art = extract_file(file)
    except ExtractError as e:
        raise click.ClickException(f"{file}: {e}")
    except OSError as e:
        raise click.ClickException(f"{file}: cannot read file: {e.strerror or e}")
    if as_json:
        click.echo(json.dumps(art.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(art.title or "")
    meta = " · ".join(x for x in (art.date, art.publisher, art.reporter, art.url) if x)
    if meta:
        click.echo(meta)
    click.echo("")
    click.echo(art.body)


# -- serve -------------------------------------------------------------------------------------


@main.command("serve")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8000, type=click.IntRange(0, 65535), show_default=True)
@click.option("--threads", default=8, type=click.IntRange(1, 64), show_default=True, help="Worker threads.")
def serve_cmd(index_dir: Path | None, host: str, port: int, threads: int) -> None:
    """Serve the web UI and JSON API with waitress.

    \b
    Example:
      newsearch serve --port 8000   # then open http://127.0.0.1:8000/
    """
    from waitress import serve

    from .errors import StoreError
    from .web import create_app

    try:
        app = create_app({"INDEX_DIR": str(index_dir or config.index_dir())})
    except StoreError as e:
        raise click.ClickException(str(e))
    click.echo(f"newsearch serving http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    serve(app, host=host, port=port, threads=threads, ident="newsearch")


# -- eval --------------------------------------------------------------------------------------


@main.command("eval")
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("queries", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("qrels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder for the corpus (default: a cache folder under ./index/.eval/).")
@click.option("--run", "run_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the run in TREC format to this file.")
@click.option("--depth", default=100, show_default=True, help="Hits kept per query.")
def eval_cmd(corpus: Path, queries: Path, qrels: Path, index_dir: Path | None, run_out: Path | None,
             depth: int) -> None:
    """Measure ranking quality: nDCG@10, MRR@10 and Recall@100 of a judged query set.

    \b
    Example:
      newsearch eval ../shared/eval/korquad1_dev/{corpus.jsonl,queries.jsonl,qrels.tsv} --run run.tsv
    """
    from .backends import open_searcher, update
    from .errors import StoreError
    from .search.batch import read_batch
    from .search.evaluate import format_row, load_qrels, run_queries, score_run, write_run

    if index_dir is None:
        import hashlib

        key = hashlib.blake2b(str(corpus.resolve()).encode(), digest_size=6).hexdigest()
        index_dir = config.index_dir() / ".eval" / f"{corpus.stem}-{key}"
    try:
        stats = update(index_dir, [corpus], on_problem=lambda p: click.echo(f"error: {p}", err=True))
        click.echo(f"index {index_dir}: {stats.summary()}", err=True)
        with open_searcher(index_dir) as searcher:
            run = run_queries(searcher, read_batch(str(queries), _batch_error), depth)
    except StoreError as e:
        raise click.ClickException(str(e))
    metrics = score_run({q: [d for d, _ in r] for q, r in run.items()}, load_qrels(qrels))
    click.echo(format_row("newsearch", metrics))
    if run_out:
        write_run(run_out, run)


if __name__ == "__main__":
    main()
