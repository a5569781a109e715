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
from .search.significant import DEFAULT_METHOD, METHODS, MAX_LIMIT as MAX_WORDS

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
@click.option("--follow-links", is_flag=True,
              help="Follow symbolic links that lead out of a folder source (by default they are reported as skipped).")
def index_cmd(sources: tuple[Path, ...], index_dir: Path | None, rebuild: bool, lock_timeout: float,
              user_dict: Path | None, shard_spec: str | None, follow_links: bool) -> None:
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
        click.echo(p.line(), err=True)  # `error: ...`, or `skipped: ...` for what is not a failure

    try:
        shard = Shard.parse(shard_spec) if shard_spec else None
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--shard")
    if user_dict is not None and not user_dict.is_file():
        raise click.ClickException(f"{user_dict}: no such user dictionary")
    try:
        stats = update(target, srcs, shard=shard, rebuild=rebuild, on_problem=problem,
                       on_progress=bar.update if bar else None, lock_timeout=lock_timeout,
                       user_dict=user_dict if user_dict is not None else True, follow_links=follow_links)
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


class _Errors:
    """Counts the problems reported as `error: ...` lines on stderr (a batch's bad lines)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        click.echo(f"error: {message}", err=True)


# Query words may start with "-" (-exclude): such a word is marked before click parses the line, so
# that click reads it as an argument and not as options (-헬스케어 as -헬, -hyundai as -h).
_WORD_MARK = "\0"


class _QueryCommand(click.Command):
    """`newsearch query`: its options stand anywhere, and a word starting with "-" is a query word
    unless it is exactly one of the command's short options (or one with its number attached, -n5)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._mark_words(ctx, args))

    def _mark_words(self, ctx: click.Context, args: list[str]) -> list[str]:
        options = {name: p for p in self.get_params(ctx) if isinstance(p, click.Option)
                   for name in p.opts + p.secondary_opts}
        out, rest = [], list(args)
        while rest:
            arg = rest.pop(0)
            out.append(arg)
            if arg == "--":
                return out + rest
            option = options.get(arg)
            if option is not None:
                if not option.is_flag and not option.count and rest:
                    out.append(rest.pop(0))  # its value, whatever it looks like
            elif arg.startswith("-") and not arg.startswith("--") and len(arg) > 1 \
                    and not self._attached_number(options, arg):
                out[-1] = _WORD_MARK + arg
        return out

    @staticmethod
    def _attached_number(options: dict, arg: str) -> bool:
        option = options.get(arg[:2])
        return option is not None and not option.is_flag and arg[2:].isdecimal()


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from .search.params import parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as e:
        raise click.BadParameter(str(e), ctx=ctx, param=param) from None


def _filter_options(command):
    """--publisher, --from and --to: the filters `query`, `trend`, `export` and `related-words` share."""
    for option in reversed([
            click.option("--publisher", default=None, help="Only articles of this publisher."),
            click.option("--from", "date_from", default=None, callback=_date_option,
                         help="Only articles dated on or after (YYYY-MM-DD)."),
            click.option("--to", "date_to", default=None, callback=_date_option,
                         help="Only articles dated on or before (YYYY-MM-DD).")]):
        command = option(command)
    return command


def _check_dates(date_from: str | None, date_to: str | None) -> None:
    """--from may not be after --to (the web refuses the same with 400)."""
    from .search.params import check_range

    try:
        check_range(date_from, date_to)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="'--from' / '--to'") from None


def _dictionary_note(searcher) -> None:
    note = searcher.dictionary_warning()
    if note:
        click.echo(f"note: {note}", err=True)


def _query_answer(words, index_dir, date_from, date_to, as_json: bool, ask):
    """QUERY... as typed (a UsageError when empty; dates checked), `ask(searcher)` over the index, printed as
    JSON with `as_json` (None is returned then), else returned for the command to print."""
    text = " ".join(w.removeprefix(_WORD_MARK) for w in words)
    if not text:
        raise click.UsageError("give a QUERY")
    _check_dates(date_from, date_to)
    with _open_searcher(index_dir) as searcher:
        _dictionary_note(searcher)
        got = ask(searcher, text)
    if as_json:
        click.echo(json.dumps(got.to_json(), ensure_ascii=False, indent=2))
        return None
    return got


@main.command("query", cls=_QueryCommand)
@click.argument("words", nargs=-1, metavar="[TEXT]...")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@click.option("--limit", "-n", type=click.IntRange(1, MAX_LIMIT), default=10, show_default=True, help="Hits per page.")
@click.option("--page", "-p", type=click.IntRange(1, MAX_PAGE), default=1, show_default=True, help="Result page.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON result instead of text.")
@click.option("--batch", type=click.Path(allow_dash=True), default=None,
              help="Run every query of FILE (JSON {\"id\",\"text\"} or plain text per line; - for stdin).")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@_filter_options
@click.option("--no-correct", is_flag=True,
              help="Search a query that finds nothing as typed, not as its confident correction.")
@click.option("--no-group", is_flag=True,
              help="List every copy of a wire story (by default copies count once, under their best hit).")
def query_cmd(words, index_dir, limit, page, as_json, batch, sort, publisher, date_from, date_to,
              no_correct, no_group) -> None:
    """Search the index for TEXT (its words, as typed).

    Words are optional and ranked by how many match; "quoted phrase", -exclude, +require,
    a OR b and title:word narrow it. A word may start with "-" anywhere; after -- every
    word is query text.

    \b
    Examples:
      newsearch query 카카오헬스케어가
      newsearch query 카카오 -헬스케어 --json
      newsearch query '"디지털 헬스케어" -카카오' --from 2020-01-01
      newsearch query -헬스케어 카카오 -n 5
      newsearch query 대통령 --no-group
      newsearch query --batch queries.jsonl --json
    """
    text = " ".join(w.removeprefix(_WORD_MARK) for w in words)
    if not text and not batch:
        raise click.UsageError("give a query TEXT or --batch FILE")
    _check_dates(date_from, date_to)
    searcher = _open_searcher(index_dir)
    opts = dict(limit=limit, page=page, sort=sort, publisher=publisher, date_from=date_from, date_to=date_to,
                correct=not no_correct, group=not no_group)
    with searcher:
        _dictionary_note(searcher)
        if batch:
            _run_batch(searcher, batch, opts, as_json)
            return
        res = searcher.search(text, **opts)
        if as_json:
            click.echo(json.dumps(res.to_json(), ensure_ascii=False, indent=2))
        else:
            _print_results(res)


def _run_batch(searcher, batch: str, opts: dict, as_json: bool) -> None:
    """Every query of the batch; a bad line is reported and the exit code is then 1."""
    from .search.batch import read_batch

    errors = _Errors()
    for qid, qtext in read_batch(batch, errors):
        res = searcher.search(qtext, **opts)
        if as_json:
            click.echo(json.dumps({"id": qid, **res.to_json()}, ensure_ascii=False))
        else:
            click.echo(f"# {qid}: {qtext}")
            _print_results(res)
    if errors.count:
        sys.exit(1)


# Copies named under a hit in text output (all of them are in --json).
COPIES_SHOWN = 3


def _print_results(res) -> None:
    color = _emphasis_on()
    if res.reason:
        click.echo(f"no results: {res.reason_text}")
        return
    first = (res.page - 1) * res.limit
    shown = f"{first + 1}-{first + len(res.hits)} of " if res.hits else ""
    grouped = f", {res.total_groups} after grouping copies" if res.total_groups not in (None, res.total) else ""
    click.echo(f"{shown}{res.total} results{grouped} ({res.took_ms:.0f} ms)")
    if res.searched:
        click.echo(f"showing results for: {res.searched} (nothing matched {res.corrected_from}; "
                   "--no-correct searches it as typed)")
    elif res.suggestion:
        click.echo(f"did you mean: {res.suggestion}")
    for rank, hit in enumerate(res.hits, first + 1):
        title = hit.title_marks.terminal(color) if hit.title_marks else hit.title
        meta = " · ".join(x for x in (hit.date[:10] if hit.date else None, hit.publisher) if x)
        click.echo(f"\n{rank:>3}. {title}" + (f"  [{meta}]" if meta else ""))
        snippet = hit.snippet.terminal(color)
        if snippet:  # a headline has no body to quote
            click.echo(f"     {snippet}")
        for quote in hit.quotes:
            click.echo(f"     “{quote.text.terminal(color)}” — {quote.speaker or '(speaker not named)'}")
        click.echo(f"     id: {hit.id}" + (f"  {hit.url}" if hit.url else ""))
        if hit.copies:
            click.echo(f"     same story: {len(hit.copies)} more (" + ", ".join(
                " ".join(x for x in (c.publisher, c.date[:10] if c.date else None, c.id) if x)
                for c in hit.copies[:COPIES_SHOWN]) + (", ..." if len(hit.copies) > COPIES_SHOWN else "") + ")")


# -- trend -------------------------------------------------------------------------------------


@main.command("trend", cls=_QueryCommand)
@click.argument("queries", nargs=-1, metavar="QUERY...")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@click.option("--by", type=click.Choice(["auto", "day", "week", "month", "year"]), default="auto", show_default=True,
              help="Period of a bar (auto: the finest that fits the span in 60 bars).")
@_filter_options
@click.option("--json", "as_json", is_flag=True,
              help='Print JSON {"by", "from", "to", "series": [{"query", "total", "stories", "buckets"}]}.')
def trend_cmd(queries, index_dir, by, publisher, date_from, date_to, as_json) -> None:
    """Count the articles matching each QUERY per day, week, month or year.

    Each QUERY is one argument (quote one of several words: every word of it is required).
    Several are counted side by side, with their co-occurrence: the articles matching all of
    them. Counts are exact; stories count copies of a wire story once. NO_COLOR turns colour off.

    \b
    Examples:
      newsearch trend 코로나
      newsearch trend 코로나 백신 --by month
      newsearch trend "디지털 헬스케어" --from 2021-01-01 --to 2021-12-31 --json
    """
    import shutil

    from .search.trendchart import terminal

    texts = [q.removeprefix(_WORD_MARK) for q in queries]
    if not texts:
        raise click.UsageError("give one QUERY or more")
    _check_dates(date_from, date_to)
    with _open_searcher(index_dir) as searcher:
        _dictionary_note(searcher)
        try:
            got = searcher.trend(texts, by=by, date_from=date_from, date_to=date_to, publisher=publisher)
        except ValueError as e:
            raise click.UsageError(str(e)) from None
    if as_json:
        click.echo(json.dumps(got.to_json(), ensure_ascii=False, indent=2))
        return
    for line in terminal(got, shutil.get_terminal_size().columns, _emphasis_on()):
        click.echo(line)


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
    from .ingest.sources import printable

    try:
        art = extract_file(file)
    except ExtractError as e:
        raise click.ClickException(f"{printable(str(file))}: {e}")
    except OSError as e:
        raise click.ClickException(f"{printable(str(file))}: cannot read file: {e.strerror or e}")
    if as_json:
        click.echo(json.dumps(art.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(art.title or "")
    meta = " · ".join(x for x in (art.date, art.publisher, art.reporter, art.url) if x)
    if meta:
        click.echo(meta)
    click.echo("")
    click.echo(art.body)


# -- export ------------------------------------------------------------------------------------


@main.command("export", cls=_QueryCommand)
@click.argument("words", nargs=-1, metavar="[TEXT]...")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "jsonl"]), default=None,
              help="File format (default: -o's extension when it is one of these, else csv).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE, whole or not at all (default: stdout; xlsx needs a file).")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True, help="Order of the rows.")
@_filter_options
def export_cmd(words, index_dir, fmt, output, sort, publisher, date_from, date_to) -> None:
    """Write every article matching TEXT, no cap, as CSV, JSON Lines or an Excel workbook.

    One row per matching article, copies included, in the query's order: id, date, publisher,
    reporter, title, url, group_id, group_size, group_lead, is_copy (not its group's lead), body.
    Keep the first row of each group_id for one article per story. The query and filters are
    recorded in the file; CSV is UTF-8 with a BOM, so Excel reads Hangul. The query is searched
    as typed (no auto-correction). A summary line goes to stderr.

    \b
    Examples:
      newsearch export 카카오헬스케어 -o kakao.csv
      newsearch export 코로나 백신 --from 2021-01-01 -o vaccine.xlsx
      newsearch export '"디지털 헬스케어"' --sort newest --format jsonl | gzip > dh.jsonl.gz
    """
    from .errors import StoreError
    text = " ".join(w.removeprefix(_WORD_MARK) for w in words)
    if not text:
        raise click.UsageError("give a query TEXT")
    suffix = output.suffix.lower().lstrip(".") if output else ""
    fmt = fmt or (suffix if suffix in ("csv", "xlsx", "jsonl") else "csv")
    if fmt == "xlsx" and output is None:
        raise click.UsageError("an xlsx workbook cannot go to stdout: give -o FILE.xlsx")
    _check_dates(date_from, date_to)
    with _open_searcher(index_dir) as searcher:
        _dictionary_note(searcher)
        t0 = time.perf_counter()
        try:
            done = searcher.export(text, fmt, output or sys.stdout.buffer, sort=sort, publisher=publisher,
                                   date_from=date_from, date_to=date_to)
            if output is None:
                sys.stdout.buffer.flush()  # here, where a closed pipe is caught, not at exit
        except StoreError as e:
            raise click.ClickException(str(e))
        except BrokenPipeError:  # `| head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
    if done.reason is not None:
        raise click.ClickException(f"nothing to export: {done.reason.text}")
    click.echo(f"exported {done.rows:,} article{'' if done.rows == 1 else 's'} as {fmt} to "
               f"{output or 'stdout'} in {time.perf_counter() - t0:.2f}s", err=True)


# -- related words -----------------------------------------------------------------------------


@main.command("related-words", cls=_QueryCommand)
@click.argument("words", nargs=-1, metavar="QUERY...")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@click.option("--limit", "-n", type=click.IntRange(1, MAX_WORDS), default=10, show_default=True, help="Words to list.")
@click.option("--method", type=click.Choice(list(METHODS)), default=DEFAULT_METHOD, show_default=True,
              help="Foreground/background test (jlh read best: README, Related words).")
@_filter_options
@click.option("--json", "as_json", is_flag=True,
              help='Print JSON {"query", "method", "matches", "sample", "total", "took_ms", "words": '
                   '[{"word", "score", "docs", "background"}]}.')
def related_words_cmd(words, index_dir, limit, method, publisher, date_from, date_to, as_json) -> None:
    """List the nouns most over-represented in QUERY's matches against the whole archive.

    The best-ranked 200 stories matching QUERY (copies of a wire story count once) are the
    foreground; each noun is scored by how much more often they hold it than the archive does.
    QUERY is the words as typed, with the query syntax of `newsearch query`.

    \b
    Examples:
      newsearch related-words 코로나
      newsearch related-words 대통령 선거 -n 20 --json
      newsearch related-words 카카오 --from 2021-01-01 --to 2021-12-31
    """
    got = _query_answer(words, index_dir, date_from, date_to, as_json, lambda searcher, text: searcher.related_words(
        text, limit=limit, method=method, date_from=date_from, date_to=date_to, publisher=publisher))
    if got is not None:
        _print_related(got)


def _print_related(got) -> None:
    if got.reason is not None or got.unsupported:
        reason = got.to_json().get("reason") or "; ".join(r.text for r in got.unsupported)
        click.echo(f"no related words: {reason}")
        return
    stories = f"{got.sample:,} stor{'y' if got.sample == 1 else 'ies'}"
    click.echo(f"related words of {got.query} ({got.method}; from the best {stories} of {got.matches:,} matching "
               f"articles, against {got.total:,}; {got.took_ms:.0f} ms)")
    if not got.words:
        click.echo("none: too few matches share a word the archive does not")
    width = max((_columns(w.word) for w in got.words), default=0)
    for rank, w in enumerate(got.words, 1):
        pad = " " * (width - _columns(w.word))
        click.echo(f"{rank:>3}. {w.word}{pad}  in {w.docs:,} of {stories}, {w.background:,} of {got.total:,} overall"
                   f"  (score {w.score:.4g})")


def _columns(text: str) -> int:
    """Terminal columns `text` takes: Hangul and Hanja take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# -- people, organisations, places and quotations ----------------------------------------------


@main.command("quotes", cls=_QueryCommand)
@click.argument("words", nargs=-1, metavar="QUERY...")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@click.option("--speaker", default=None, help="Only quotations by this person or organisation.")
@click.option("--limit", "-n", type=click.IntRange(1, 500), default=20, show_default=True, help="Quotations to list.")
@_filter_options
@click.option("--json", "as_json", is_flag=True,
              help='Print JSON {"query", "speaker", "stories", "quotes": [{"text", "speaker", "id", "title", '
                   '"date", "publisher"}]}.')
def quotes_cmd(words, index_dir, speaker, limit, publisher, date_from, date_to, as_json) -> None:
    """List the direct quotations that hold QUERY's words, with their speakers.

    Quotations come from the best-ranked 200 stories matching QUERY (copies of a wire story
    once), in ranking order. `인용:WORD` searches only inside quotations; a query of names alone
    (`인물:황창규`) lists every quotation of its stories.

    \b
    Examples:
      newsearch quotes 인용:정신건강
      newsearch quotes 5G --speaker 황창규
      newsearch quotes 인물:황창규 --json
    """
    got = _query_answer(words, index_dir, date_from, date_to, as_json, lambda searcher, text: searcher.quotes(
        text, speaker=speaker, limit=limit, date_from=date_from, date_to=date_to, publisher=publisher))
    if got is None:
        return
    if got.reason is not None:
        click.echo(f"no quotations: {got.reason_detail or got.reason.text}")
        return
    by = f" by {speaker}" if speaker else ""
    click.echo(f"{len(got.quotes)} quotation{'s' if len(got.quotes) != 1 else ''}{by} in the best {got.stories:,} "
               f"stories of {got.query} ({got.took_ms:.0f} ms)")
    for q in got.quotes:
        click.echo(f"\n  “{q.text.terminal(_emphasis_on())}”\n    — {q.speaker or '(speaker not named)'} · {q.title} "
                   f"({q.publisher or '-'}, {(q.date or '-')[:10]}, {q.id})")


@main.command("entities", cls=_QueryCommand)
@click.argument("words", nargs=-1, metavar="QUERY...")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@_filter_options
@click.option("--json", "as_json", is_flag=True,
              help='Print JSON {"query", "stories", "total", "facets": {"people"|"orgs"|"places": [{"name", '
                   '"articles", "query"}]}, "network": {"nodes", "edges"}} (the JSON of /api/network).')
def entities_cmd(words, index_dir, publisher, date_from, date_to, as_json) -> None:
    """List the people, organisations and places QUERY's stories name most, and who appears with whom.

    Counted over the best-ranked 200 stories matching QUERY (copies of a wire story once).
    Search one of them with `인물:이름`, `기관:이름` or `지역:이름`.

    \b
    Examples:
      newsearch entities 카카오
      newsearch entities 5G --json
    """
    from .search.network import network_lines

    got = _query_answer(words, index_dir, date_from, date_to, as_json, lambda searcher, text: searcher.entities(
        text, date_from=date_from, date_to=date_to, publisher=publisher))
    if got is None:
        return
    if got.reason is not None:
        click.echo(f"no entities: {got.reason_detail or got.reason.text}")
        return
    click.echo(f"people, organisations and places of the best {got.stories:,} of {got.total:,} stories of "
               f"{got.query} ({got.took_ms:.0f} ms)")
    for kind, label in (("people", "people"), ("orgs", "organisations"), ("places", "places")):
        names = ", ".join(f"{n} {c}" for n, c in got.facets.get(kind, [])) or "none"
        click.echo(f"  {label}: {names}")
    if got.network is not None and got.network.nodes:
        click.echo("named together:")
        for line in network_lines(got.network):
            click.echo(f"  {line}")


# -- serve -------------------------------------------------------------------------------------


@main.command("serve")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8000, type=click.IntRange(0, 65535), show_default=True)
@click.option("--threads", default=8, type=click.IntRange(1, 64), show_default=True, help="Worker threads.")
@click.option("--public-url", default=None, metavar="URL",
              help="The site's address as readers reach it, e.g. https://news.example.org "
                   "(default: $NEWSEARCH_PUBLIC_URL; without it only loopback Host headers are believed).")
def serve_cmd(index_dir: Path | None, host: str, port: int, threads: int, public_url: str | None) -> None:
    """Serve the web UI and JSON API with waitress.

    \b
    Example:
      newsearch serve --port 8000   # then open http://127.0.0.1:8000/
    """
    import gc

    from waitress import serve

    from .errors import StoreError
    from .web import create_app

    try:
        options = {"INDEX_DIR": str(index_dir or config.index_dir())}
        if public_url:
            options["PUBLIC_URL"] = public_url
        app = create_app(options)
    except StoreError as e:
        raise click.ClickException(str(e))
    # What is loaded now (modules, Kiwi, the index's first state) lives as long as the server: moved out of
    # the garbage collector's sight, so that its full collections, inside some request, walk only what came
    # later (at a million documents they took 40-100 ms, three times in 1,000 queries).
    gc.collect()
    gc.freeze()
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
        stats = update(index_dir, [corpus], on_problem=lambda p: click.echo(p.line(), err=True))
        click.echo(f"index {index_dir}: {stats.summary()}", err=True)
        with open_searcher(index_dir) as searcher:
            run = run_queries(searcher, read_batch(str(queries), _Errors()), depth)
    except StoreError as e:
        raise click.ClickException(str(e))
    metrics = score_run({q: [d for d, _ in r] for q, r in run.items()}, load_qrels(qrels))
    click.echo(format_row("newsearch", metrics))
    if run_out:
        write_run(run_out, run)


# -- check -------------------------------------------------------------------------------------


@main.command("duplicates")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@click.option("--json", "as_json", is_flag=True, help="One JSON group a line: {\"id\", \"lead\", \"members\"}.")
def duplicates_cmd(index_dir: Path | None, as_json: bool) -> None:
    """List every group of copies (the same wire story from several outlets), then a count summary.

    The lead is the earliest report (then the most complete); members are listed lead first.
    The summary goes to stderr with --json.

    \b
    Examples:
      newsearch duplicates
      newsearch duplicates --json --index archive/
    """
    from .copies import group_id

    with _open_searcher(index_dir) as searcher:
        groups = searcher.duplicates()
        total = searcher.doc_count
    for members in groups:
        if as_json:
            click.echo(json.dumps({"id": group_id(members[0]), "lead": members[0], "members": list(members)},
                                  ensure_ascii=False))
        else:
            click.echo(f"{group_id(members[0])}  {len(members)}  " + "  ".join(members))
    copies = sum(len(g) for g in groups)
    click.echo(f"{len(groups)} group{'' if len(groups) == 1 else 's'} of copies holding {copies} of {total} "
               f"articles ({total - copies + len(groups)} distinct stories)", err=as_json)


@main.command("check")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@click.option("--repair", is_flag=True,
              help="Rebuild from SOURCES, or without them keep what the index still holds.")
@click.option("--wait", "lock_timeout", type=float, default=60.0, show_default=True,
              help="Seconds to wait for an indexer holding the index (--repair).")
def check_cmd(sources: tuple[Path, ...], index_dir: Path | None, repair: bool, lock_timeout: float) -> None:
    """Verify every file of the index (checksums) and its documents (against SOURCES when given).

    Exit code 0 when the index is sound (after --repair: when it was repaired with nothing lost).
    Without SOURCES, --repair writes a damaged table of contents again from the checksum manifest,
    or copies the documents of the intact segments into a fresh index (the others are reported:
    `newsearch index SOURCES` adds them back).

    \b
    Examples:
      newsearch check
      newsearch check seeds/ --repair
    """
    from .backends import check
    from .errors import StoreError

    try:
        report = check(index_dir or config.index_dir(), list(sources), repair, lock_timeout=lock_timeout,
                       on_problem=lambda p: click.echo(p.line(), err=True))
    except StoreError as e:
        raise click.ClickException(str(e))
    for line in report.lines:
        click.echo(line)
    if not report.ok:
        sys.exit(1)


# -- status and cluster operations ---------------------------------------------------------------


@main.command("status")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: ./index or $NEWSEARCH_INDEX).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def status_cmd(index_dir: Path | None, as_json: bool) -> None:
    """Show what the index holds: documents, last update, size and versions (Whoosh); documents per
    shard, each node up or down and whether the cluster is whole (Sphinx).

    The exit code is 1 when a node is down (or there is no index).

    \b
    Examples:
      newsearch status
      NEWSEARCH_BACKEND=sphinx newsearch status --json
    """
    from .backends import status
    from .errors import StoreError

    try:
        report = status(index_dir or config.index_dir())
    except StoreError as e:
        raise click.ClickException(str(e))
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for line in report.lines():
            click.echo(line)
    if not report.ok:
        sys.exit(1)


@main.group("cluster")
def cluster_group() -> None:
    """Operate a Sphinx cluster: node configs, re-sharding after adding nodes (docs/scale-out.md).

    \b
    Examples:
      newsearch cluster config 2 --nodes HOST:SQL:API,... --data-dir /var/lib/sphinx
      newsearch cluster reshard --nodes HOST:PORT,HOST:PORT,HOST:PORT
    """


@cluster_group.command("config")
@click.argument("node", type=click.IntRange(0))
@click.option("--nodes", required=True, metavar="HOST:SQL:API,...",
              help="Every node in shard order: host, SphinxQL port and API port (agents) of each.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Where this node keeps its shard, binlog, logs and pid file.")
def cluster_config_cmd(node: int, nodes: str, data_dir: Path) -> None:
    """Print the searchd config of node NODE (its shard, and a distributed index over every shard).

    After adding a node, write every node's config again and reload it: kill -HUP the searchd
    (its pid is in DATA_DIR/searchd.pid).

    \b
    Example:
      newsearch cluster config 0 --nodes 127.0.0.1:29306:29312,127.0.0.1:29307:29313 \\
          --data-dir /tmp/ns-demo/node0 > /tmp/ns-demo/node0.conf
    """
    from .backends import node_config
    from .errors import StoreError

    try:
        click.echo(node_config(node, nodes, data_dir), nl=False)
    except StoreError as e:
        raise click.ClickException(str(e))


@cluster_group.command("reshard")
@click.option("--nodes", required=True, metavar="HOST:PORT,...",
              help="The new node list (SphinxQL listeners): the index's nodes in their order, then the added ones.")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index folder whose marker names the nodes (default: ./index or $NEWSEARCH_INDEX).")
def cluster_reshard_cmd(nodes: str, index_dir: Path | None) -> None:
    """Move every document whose shard changes with the new node list to its new node.

    Every node must be up and its config reloaded (see `newsearch cluster config`). Stop indexing
    while it runs. Safe to interrupt and run again: a search never sees a document twice.

    \b
    Example:
      newsearch cluster reshard --nodes 127.0.0.1:29306,127.0.0.1:29307,127.0.0.1:29308
    """
    from .backends import reshard
    from .errors import StoreError

    tty = sys.stderr.isatty()

    def progress(moved: int) -> None:
        sys.stderr.write(f"\rre-sharding: {moved:,} documents moved\x1b[K")
        sys.stderr.flush()

    try:
        report = reshard(index_dir or config.index_dir(), nodes, on_progress=progress if tty else None)
    except StoreError as e:
        raise click.ClickException(str(e))
    finally:
        if tty:
            sys.stderr.write("\r\x1b[K")
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
