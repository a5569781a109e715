"""The web UI and JSON API: a Flask app factory with one blueprint."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from datetime import date, datetime, timezone
from urllib.parse import quote, unquote, urlencode, urlsplit

from flask import (Blueprint, Flask, current_app, jsonify, redirect, render_template, request,
                   url_for)
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from . import config as settings
from .analysis import hanja
from .backends import open_searcher
from .errors import StoreError
from .search import Reason, Results, Searcher
from .search.model import MAX_LIMIT, MAX_PAGE, SORTS
from .search import trend, trendchart
from .search import export as exports
from .search import entities, significant
from .search import complete as completions
from .search import feed as feeds
from .search import detailed as detailed_search, periods
from .search.params import check_range, parse_date

bp = Blueprint("web", __name__)
log = logging.getLogger(__name__)

PAGE_SIZE = 10
_DIGITS = re.compile(r"[0-9]{1,9}")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# What a page takes of `q` (the API takes what the search does, querylang.MAX_QUERY_CHARS): each of a results
# page's links carries the query, and a 10,000-character one made a page of megabytes.
PAGE_QUERY_CHARS = 200
# API answers and feeds: caches may keep them a minute, then ask again with their ETag (304 when unchanged).
CACHE_SECONDS = 60
# When this server started: the date of a feed whose articles are all undated (Atom requires one).
_STARTED = datetime.now(timezone.utc)

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# Reasons in Korean (the CLI prints them in English).
REASONS_KO = {
    Reason.EMPTY_QUERY: "검색어를 입력해 주세요.",
    Reason.ONLY_EXCLUDED: "제외할 단어(-)만 입력되었습니다. 찾을 단어를 하나 이상 함께 입력해 주세요.",
    Reason.ONLY_FILTERS: "기자(기자:이름) 조건만으로는 검색할 수 없습니다. 찾을 단어를 하나 이상 함께 입력해 주세요.",
    Reason.NO_SEARCHABLE_WORDS:
        "검색할 수 있는 낱말이 없습니다. 조사·어미·문장부호만으로는 검색할 수 없으니 명사나 동사를 넣어 주세요.",
    Reason.JAMO_ONLY: "초성(ㄱ·ㄴ·ㄷ…)만으로는 검색할 수 없습니다. 낱말을 끝까지 입력해 주세요.",
    Reason.BACKEND_UNAVAILABLE: "검색 서버에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
    Reason.BACKEND_REFUSED: "검색 서버가 이 검색어를 처리하지 못했습니다. 검색어를 바꿔 다시 시도해 주세요.",
    Reason.NO_SUGGESTIONS: "이 색인은 검색어 교정에 쓸 낱말 목록을 두지 않습니다.",
    Reason.NO_TERM_COLUMN: "이 색인에는 연관어를 셀 기사별 낱말이 없습니다. `newsearch index`로 색인을 갱신해 주세요.",
}


class ParamError(ValueError):
    """A request parameter that cannot be used, with a Korean one-line reason."""


class DateRangeError(ParamError):
    """A start date after the end date. The results page then searches without the range (its filter panel
    stays, the dates as entered) and says so; the API answers 400."""

    def __init__(self, params: dict):
        super().__init__(f"시작 날짜가 끝 날짜보다 늦습니다 (시작 날짜 {params['date_from']}, "
                         f"끝 날짜 {params['date_to']}).")
        self.params = params

    def without_range(self) -> dict:
        return {**self.params, "date_from": None, "date_to": None}


def create_app(config: dict | None = None) -> Flask:
    """Build the app (keys: INDEX_DIR, TESTING, PAGE_SIZE, PUBLIC_URL, TODAY); opens the index and loads Kiwi now.

    PUBLIC_URL (or $NEWSEARCH_PUBLIC_URL) is the site's address as readers reach it, for what must be an
    absolute URL (the OpenSearch description); without it only a loopback Host header is believed.
    TODAY (a date or YYYY-MM-DD; default $NEWSEARCH_TODAY, else the server's date) is the day period presets count
    back from.
    """
    app = Flask(__name__, template_folder=str(settings.WEB_DIR / "templates"),
                static_folder=str(settings.WEB_DIR / "static"), static_url_path="/static")
    app.config.from_mapping(INDEX_DIR=str(settings.index_dir()), TESTING=False, PAGE_SIZE=PAGE_SIZE,
                            PUBLIC_URL=os.environ.get("NEWSEARCH_PUBLIC_URL") or None)
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["newsearch.searcher"] = open_searcher(app.config["INDEX_DIR"])
    # A server lives long: load the Hanja reading table now, beside the first requests, not inside
    # the first query with a Hanja word (a short-lived `newsearch query` does not pay for it).
    threading.Thread(target=hanja.load, name="hanja-table", daemon=True).start()
    app.extensions["newsearch.local"] = threading.local()
    app.extensions["newsearch.local"].searcher = app.extensions["newsearch.searcher"]
    app.register_blueprint(bp)
    app.after_request(_security_headers)
    for code in (400, 404, 405, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(StoreError, _store_error)
    app.jinja_env.filters["day"] = _day
    app.jinja_env.filters["datetime"] = _datetime
    app.jinja_env.globals["article_url"] = article_url
    app.jinja_env.globals["related_words"] = related_words_for
    app.jinja_env.globals["entity_clause"] = entities.filter_clause
    app.jinja_env.globals["network_href"] = network_href
    app.jinja_env.globals["period_choices"] = period_choices
    app.jinja_env.globals["publisher_names"] = publisher_names
    return app


def searcher() -> Searcher:
    """This thread's long-lived Searcher.

    One per server thread: a Whoosh reader keeps one read position per file, and refreshing it after a
    commit closes files, so threads sharing one read each other's bytes while the index changes.
    """
    local = current_app.extensions["newsearch.local"]
    s = getattr(local, "searcher", None)
    if s is None:
        s = local.searcher = open_searcher(current_app.config["INDEX_DIR"])
    return s


# -- parameters --------------------------------------------------------------------------------


def _int_param(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not _DIGITS.fullmatch(raw):  # ASCII digits only: str.isdigit() takes "²", which int() refuses
        raise ParamError(f"{name}: 숫자여야 합니다 ({lo}~{hi}).")
    value = int(raw)
    if not lo <= value <= hi:
        raise ParamError(f"{name}: {lo}~{hi} 사이여야 합니다.")
    return value


def _date_param(name: str) -> str | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError:
        raise ParamError(f"{name}: 날짜는 YYYY-MM-DD 형식의 실제 날짜여야 합니다.") from None


def _group_param() -> bool:
    """`group`: 1 (default) shows one article per group of copies, 0 every copy."""
    raw = request.args.get("group", "").strip().lower()
    if raw in ("", "1", "true"):
        return True
    if raw in ("0", "false"):
        return False
    raise ParamError("group: 0(중복 기사 모두 보기) 또는 1(같은 기사 묶기)이어야 합니다.")


def search_params() -> dict:
    """The search options of the current request, validated (raises ParamError)."""
    sort = request.args.get("sort", "").strip() or "relevance"
    if sort not in SORTS:
        raise ParamError("sort: relevance, newest, oldest 중 하나여야 합니다.")
    params = {
        "limit": _int_param("limit", current_app.config["PAGE_SIZE"], 1, MAX_LIMIT),
        "page": _int_param("page", 1, 1, MAX_PAGE),
        "sort": sort,
        "publisher": request.args.get("publisher", "").strip() or None,
        "date_from": _date_param("from"),
        "date_to": _date_param("to"),
        # nc=1 ("원래 검색어"): search the text as typed, not its auto-correction
        "correct": request.args.get("nc", "").strip() not in ("1", "true"),
        # group=0 ("중복 기사 모두 보기"): every copy of a wire story, not one per group
        "group": _group_param(),
    }
    try:
        check_range(params["date_from"], params["date_to"])
    except ValueError:
        raise DateRangeError(params) from None
    return params


# -- pages -------------------------------------------------------------------------------------


@bp.route("/")
def home():
    """The home page; with ?q= it shows results like /search."""
    return search()


@bp.route("/search")
def search():
    """Home page (no query) or a page of results."""
    if "q" not in request.args:
        return render_template("home.html", doc_count=searcher().doc_count,
                               publishers=searcher().publishers())
    q, query_cut = page_query()
    date_error = entered = None
    try:
        params = search_params()
    except DateRangeError as e:  # searched without the range; the panel shows the dates as entered
        params, date_error, entered = e.without_range(), str(e), e.params
    except ParamError as e:
        return render_template("search.html", q=q, res=None, error=str(e), params={}, nav=_Nav(q, {})), 400
    res = searcher().search(q, facets=True, **params)
    nav = _Nav(q, params)
    if res.total and res.page > res.pages and not date_error:
        return redirect(nav.url(page=res.pages))
    return render_template("search.html", q=q, res=res, error=None, params=params, nav=nav,
                           reason=_reason_ko(res), first=(res.page - 1) * res.limit,
                           dictionary_warning=searcher().dictionary_warning(), trend=_trend_chart(res, params),
                           ents=_entity_view(res, params),
                           query_cut=query_cut, date_error=date_error, entered=entered or params
                           ), 400 if date_error else 200


@bp.route("/article/<path:doc_id>")
def article(doc_id: str):
    """One stored article with the query's words highlighted, and related articles; its back link returns to the
    results it was opened from (the query, options and page its URL carries: `_Nav.state`)."""
    q = page_query()[0].strip() or None
    try:
        art = searcher().article(doc_id, q)
    except ValueError:  # a query that cannot be parsed only loses its highlighting
        art = searcher().article(doc_id)
    if art is None:
        return render_template("error.html", code=404, title="기사를 찾을 수 없습니다",
                               message="요청한 기사가 색인에 없습니다. 주소를 확인하거나 다시 검색해 주세요."), 404
    nav = _results_nav(q)
    return render_template("article.html", art=art, q=q, paragraphs=paragraphs(art["body_html"]),
                           source_url=safe_url(art.get("url")), source_label=readable_url(art.get("url")),
                           related=searcher().related(doc_id),
                           back_url=nav.url(page=nav.params.get("page")), state=nav.state(), kept=nav.kept())


@bp.route("/api/search")
def api_search():
    """The JSON of `newsearch query --json` for the same parameters."""
    try:
        params = search_params()
    except ParamError as e:
        return jsonify(error=str(e)), 400
    if "q" not in request.args:
        return jsonify(error="q: 검색어가 필요합니다."), 400
    res = searcher().search(request.args.get("q", ""), **params)
    return cached_json(korean_reason(res.to_json(), res.reason, res.reason_detail))


@bp.route("/api/trend")
def api_trend():
    """Matching articles per period (`by`: day, week, month, year; auto when absent) of each `q` (several side by
    side, with their co-occurrence), under `from`, `to` and `publisher`: the JSON of `newsearch trend --json`."""
    queries = [q for q in request.args.getlist("q") if q.strip()]
    try:
        params = search_params()
        by = _by_param()
        if not queries:
            raise ParamError("q: 검색어가 필요합니다.")
        if len(queries) > trend.MAX_QUERIES:
            raise ParamError(f"q: 검색어는 {trend.MAX_QUERIES}개까지 비교할 수 있습니다.")
        got = searcher().trend(queries, by=by, date_from=params["date_from"], date_to=params["date_to"],
                               publisher=params["publisher"])
    except ValueError as e:  # ParamError, or a span of too many periods (the library's reason)
        return jsonify(error=str(e)), 400
    out = got.to_json()
    for series, shown in zip(got.series, out["series"]):
        korean_reason(shown, series.reason, series.reason_detail)
    return cached_json(out)


@bp.route("/export")
def export_download():
    """Every article matching `q` under the page's filters (`sort`, `publisher`, `from`, `to`; no cap, copies
    included) as a download: `format` csv (default), xlsx or jsonl, streamed as it is written."""
    fmt = request.args.get("format", "").strip() or "csv"
    q = request.args.get("q", "")
    try:
        if fmt not in exports.FORMATS:
            raise ParamError("format: csv, xlsx, jsonl 중 하나여야 합니다.")
        if not q.strip():
            raise ParamError("q: 검색어가 필요합니다.")
        params = search_params()
    except ParamError as e:
        return render_template("error.html", code=400, title="잘못된 요청입니다", message=str(e)), 400
    scanned = searcher().scan(q, sort=params["sort"], publisher=params["publisher"], date_from=params["date_from"],
                              date_to=params["date_to"])
    if scanned.reason is not None:
        return render_template("error.html", code=400, title="내려받을 수 없는 검색어입니다",
                               message=REASONS_KO.get(scanned.reason, scanned.reason.text)), 400
    # A store failing mid-way raises out of the stream: the server then cuts the connection, and the browser
    # reports a failed download rather than a short file that looks whole. The stream needs no request
    # context (the scan has what it reads), so none is kept for it.
    return current_app.response_class(
        exports.chunks(scanned, fmt), content_type=exports.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": exports.content_disposition(exports.filename(scanned.request, fmt))})


@bp.route("/api/related-words")
def api_related_words():
    """The JSON of `newsearch related-words --json`: `q`, with `limit`, `method`, `from`, `to` and `publisher`."""
    q = request.args.get("q", "")
    try:
        if not q.strip():
            raise ParamError("q: 검색어가 필요합니다.")
        limit = _int_param("limit", significant.DEFAULT_LIMIT, 1, significant.MAX_LIMIT)
        method = request.args.get("method", "").strip() or significant.DEFAULT_METHOD
        if method not in significant.METHODS:
            raise ParamError("method: " + ", ".join(significant.METHODS) + " 중 하나여야 합니다.")
        date_from, date_to = _date_param("from"), _date_param("to")
        if not _in_order(date_from, date_to):
            raise DateRangeError({"date_from": date_from, "date_to": date_to})
    except ParamError as e:
        return jsonify(error=str(e)), 400
    got = searcher().related_words(q, limit=limit, method=method, date_from=date_from, date_to=date_to,
                                   publisher=request.args.get("publisher", "").strip() or None)
    return cached_json(korean_reason(got.to_json(), got.reason, got.reason_detail))


def _query_filters() -> tuple[str, dict]:
    """`q` (required) and the filters `from`, `to`, `publisher` of an API call, or ParamError."""
    q = request.args.get("q", "")
    if not q.strip():
        raise ParamError("q: 검색어가 필요합니다.")
    date_from, date_to = _date_param("from"), _date_param("to")
    if not _in_order(date_from, date_to):
        raise DateRangeError({"date_from": date_from, "date_to": date_to})
    return q, {"date_from": date_from, "date_to": date_to,
               "publisher": request.args.get("publisher", "").strip() or None}


@bp.route("/api/network")
@bp.route("/api/entities")
def api_network():
    """The JSON of `newsearch entities --json`: the people, organisations and places the best stories of `q` name
    most (facets, each with the query clause that filters by it), and the network of people and organisations
    named together; under `from`, `to` and `publisher`."""
    try:
        q, filters = _query_filters()
    except ParamError as e:
        return jsonify(error=str(e)), 400
    got = searcher().entities(q, **filters)
    return cached_json(korean_reason(got.to_json(), got.reason, got.reason_detail))


@bp.route("/api/quotes")
def api_quotes():
    """The JSON of `newsearch quotes --json`: quotations holding `q`'s words, by `speaker` when given."""
    try:
        q, filters = _query_filters()
        limit = _int_param("limit", 20, 1, 500)
    except ParamError as e:
        return jsonify(error=str(e)), 400
    got = searcher().quotes(q, speaker=request.args.get("speaker", "").strip() or None, limit=limit, **filters)
    return cached_json(korean_reason(got.to_json(), got.reason, got.reason_detail))


# Facets and the network carry the query in each of their links (60 or so): over this length they would
# make a page of megabytes, and no reader narrows a pasted paragraph by a person.
ENTITY_QUERY_CHARS = 100


def network_href(nav, searched: str):
    """The link of a network node on a results page: the page's query narrowed to that person or organisation."""
    kinds = {"person": "people", "org": "orgs"}
    return lambda node: nav.url(q=f"{searched} {entities.filter_clause(kinds[node.kind], node.name)}", page=None)


def _entity_view(res: Results, params: dict):
    """The facets and network of a results page (the searched query under the page's filters), or None."""
    searched = res.searched or res.query
    if not res.total or res.reason or len(searched) > ENTITY_QUERY_CHARS:
        return None
    got = searcher().entities(searched, date_from=params.get("date_from"),
                              date_to=params.get("date_to"), publisher=params.get("publisher"))
    return got if got.reason is None and got.stories else None


@bp.route("/detailed")
def detailed():
    """상세검색: the form's fields written as the query syntax (search/detailed.py), then the results of that query
    with the form's publisher and period: the search box shows the syntax, to be typed next time."""
    return redirect(url_for("web.search", **_detailed_args()))


@bp.route("/api/detailed")
def api_detailed():
    """What /detailed searches, as JSON (`q`, and `publisher`, `from`, `to` when given): the form's live preview."""
    return jsonify(_detailed_args())


# As-you-type suggestions change only with the index: browsers and proxies may keep them this long.
SUGGEST_CACHE_SECONDS = 300


@bp.route("/api/suggest")
def api_suggest():
    """As-you-type suggestions: `q` with its last word completed from the index's words (`limit`, 1-20), as
    {"query", "suggestions": [{"text", "count"}]} (and `reason` when the store cannot list its words);
    `format=opensearch`: the OpenSearch suggestions array browsers' address bars read."""
    try:
        limit = _int_param("limit", completions.DEFAULT_LIMIT, 1, completions.MAX_LIMIT)
        fmt = request.args.get("format", "").strip() or "json"
        if fmt not in ("json", "opensearch"):
            raise ParamError("format: json 또는 opensearch여야 합니다.")
    except ParamError as e:
        return jsonify(error=str(e)), 400
    got = searcher().complete(request.args.get("q", ""), limit)
    if fmt == "opensearch":
        response = current_app.response_class(current_app.json.dumps(got.opensearch()),
                                              mimetype="application/x-suggestions+json")
    else:
        response = jsonify(got.to_json())
    response.headers["Cache-Control"] = f"public, max-age={SUGGEST_CACHE_SECONDS}"
    return response


@bp.route("/opensearch.xml")
def opensearch():
    """OpenSearch description so browsers can add the site as a search engine."""
    base = _public_base()
    if base is None:
        return render_template("error.html", code=400, title="잘못된 요청입니다",
                               message="Host: 이 서버의 공개 주소가 아닙니다 (NEWSEARCH_PUBLIC_URL을 설정하세요)."), 400
    body = render_template("opensearch.xml", base=base,
                           search_path=url_for("web.search"), api_path=url_for("web.api_search"))
    return current_app.response_class(body, mimetype="application/opensearchdescription+xml")


@bp.route("/search.atom")
def search_atom():
    """The newest articles matching `q` (under `publisher`, `from`, `to`, `group`) as an Atom feed, the snippet as
    each entry's summary: readers subscribe to a topic (search/feed.py decides what it says)."""
    q = page_query()[0]
    try:
        if not q.strip():
            raise ParamError("q: 검색어가 필요합니다.")
        params = search_params()
    except ParamError as e:
        return render_template("error.html", code=400, title="잘못된 요청입니다", message=str(e)), 400
    # as typed (no auto-correction), newest first; undated articles come last
    res = searcher().search(q, **{**params, "limit": feeds.FEED_SIZE, "page": 1, "sort": "newest",
                                  "suggest": False, "correct": False})
    if res.reason is not None:
        code = 503 if res.reason is Reason.BACKEND_UNAVAILABLE else 400
        return render_template("error.html", code=code, title="구독할 수 없는 검색어입니다", message=_reason_ko(res)), code
    nav = _Nav(res.query, params)
    feed = feeds.build(res, nav.args(sort=None, limit=None, page=None, nc=None), f"‘{res.query}’ 최신 기사 · newsearch",
                       _STARTED, safe_url)
    body = render_template("atom.xml", feed=feed, base=_public_base(), self_url=nav.feed_url(),
                           page_url=nav.url(sort="newest", page=None))
    response = current_app.response_class(body, mimetype="application/atom+xml")
    return _revalidated(response, hashlib.sha256(body.encode("utf-8")).hexdigest()[:32], weak=False,
                        transient=bool(res.warning))


# -- helpers -----------------------------------------------------------------------------------


def page_query() -> tuple[str, bool]:
    """`q` as a page takes it, and whether it was cut: at most PAGE_QUERY_CHARS, cut at a space near the end
    when there is one (the form's maxlength says the same; the API takes what the search does)."""
    q = request.args.get("q", "")
    if len(q) <= PAGE_QUERY_CHARS:
        return q, False
    cut = q[:PAGE_QUERY_CHARS]
    space = cut.rfind(" ", PAGE_QUERY_CHARS - 40)
    return (cut[:space] if space > 0 else cut).rstrip(), True


def cached_json(payload: dict):
    """An API answer that caches may keep CACHE_SECONDS, then revalidate with its ETag (a 304 when the answer
    is unchanged). The tag is the answer's but its `took_ms` (so weak: the bytes may differ by the timing)."""
    stable = {k: v for k, v in payload.items() if k != "took_ms"}
    digest = hashlib.sha256(json.dumps(stable, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))
    codes = [payload.get("reason_code")] + [s.get("reason_code") for s in payload.get("series", [])]
    transient = bool(payload.get("warning")) or any(c in _TRANSIENT for c in codes)
    return _revalidated(jsonify(payload), digest.hexdigest()[:32], weak=True, transient=transient)


# Answers that a store's trouble made (partial results, an unreachable backend): never kept by a cache.
_TRANSIENT = {Reason.BACKEND_UNAVAILABLE.name.lower(), Reason.BACKEND_REFUSED.name.lower()}


def _revalidated(response, tag: str, weak: bool, transient: bool = False):
    if transient:
        response.cache_control.no_store = True
        return response
    response.set_etag(tag, weak=weak)
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response.make_conditional(request)


def korean_reason(out: dict, reason: Reason | None, detail: str | None = None) -> dict:
    """A library answer's JSON with its `reason` in Korean, as the API's `error`s are: `reason_code` names it in
    every language (`newsearch ... --json` words `reason` in English) and `reason_detail` keeps the store's words."""
    if reason is not None:
        out["reason"] = REASONS_KO.get(reason, "이 요청은 처리할 수 없습니다.")
        out["reason_code"] = reason.name.lower()
        if detail:
            out["reason_detail"] = detail
    return out


def readable_url(url: str | None, width: int = 50) -> str | None:
    """An address as a reader reads it, for a link's text: no scheme or `www.`, percent-escapes decoded (Korean
    words in paths), invisible and control characters dropped, cut to `width` characters with "…"."""
    if not url or not url.strip():
        return None
    text = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", url.strip()).removeprefix("www.")
    text = "".join(ch for ch in unquote(text, errors="replace") if ch.isprintable())
    return text if len(text) <= width else text[:width - 1] + "…"


class _Nav:
    """Builds /search URLs that keep the current query and filters, with some overridden."""

    def __init__(self, q: str, params: dict):
        self.q = q
        self.params = params

    def args(self, **overrides) -> dict:
        p = {"q": self.q, "sort": self.params.get("sort"), "publisher": self.params.get("publisher"),
             "from": self.params.get("date_from"), "to": self.params.get("date_to"),
             "limit": self.params.get("limit"), "page": None,
             "nc": 1 if self.params.get("correct") is False else None,
             "group": 0 if self.params.get("group") is False else None}
        p.update(overrides)
        if p["sort"] == "relevance":
            p["sort"] = None
        if p["limit"] == current_app.config["PAGE_SIZE"]:
            p["limit"] = None
        if p["page"] == 1:
            p["page"] = None
        return {k: v for k, v in p.items() if v not in (None, "")}

    def url(self, **overrides) -> str:
        return url_for("web.search", **self.args(**overrides))

    def kept(self) -> dict:
        """What a new query keeps of this page (sort, period, publisher, copies, page size): the search box's
        hidden fields (as text: `group=0` is a value). `조건 초기화` is the page's query without them."""
        return {k: str(v) for k, v in self.args(q=None, nc=None).items()}

    def state(self) -> dict:
        """This page's options and page number without the query: what its article links carry, so that the
        article's back link returns here."""
        return self.args(q=None, page=self.params.get("page"))

    def export_url(self, fmt: str, q: str | None = None) -> str:
        """The download of every match of the page's query (`q`: the query searched) under its filters."""
        return url_for("web.export_download", **self.args(q=q or self.q, limit=None, nc=None, group=None), format=fmt)

    def feed_url(self, q: str | None = None) -> str:
        """The Atom feed of the page's query (`q`: the query searched) under its filters: its newest articles."""
        return url_for("web.search_atom", **self.args(q=q or self.q, sort=None, limit=None, page=None, nc=None))

    def filtered(self) -> bool:
        return bool(self.params.get("publisher") or self.params.get("date_from") or self.params.get("date_to"))

    def page_numbers(self, page: int, pages: int, width: int = 2) -> list[int | None]:
        """Page numbers to show: first, last and a window around the current one (None = gap)."""
        shown = sorted({1, pages, *range(max(1, page - width), min(pages, page + width) + 1)})
        out: list[int | None] = []
        for n in shown:
            if out and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out


def _by_param() -> str | None:
    try:
        return trend.check_by(request.args.get("by", "").strip())
    except ValueError:
        raise ParamError("by: day, week, month, year 중 하나(또는 auto)여야 합니다.") from None


def _trend_chart(res: Results, params: dict) -> dict | None:
    """The chart above the results: the searched query's matches per period under the page's filters."""
    if not res.total or res.reason:
        return None
    try:
        got = searcher().trend([res.searched or res.query], date_from=params.get("date_from"),
                               date_to=params.get("date_to"), publisher=params.get("publisher"))
    except ValueError:  # more periods than a chart holds: the results stand without it
        return None
    chart = trendchart.layout(got, params.get("date_from"), params.get("date_to"))
    return {"trend": got, "series": got.series[0], "chart": chart} if chart else None


# Related words shown on a results page (the API gives up to significant.MAX_LIMIT).
RELATED_ON_PAGE = 8


def related_words_for(q: str, params: dict):
    """The results page's related words of the searched query `q` under the page's filters (the template
    `_related_words.html` asks, so that the page's other parts need not know); None when there are none."""
    got = searcher().related_words(q, limit=RELATED_ON_PAGE, date_from=params.get("date_from"),
                                   date_to=params.get("date_to"), publisher=params.get("publisher"))
    return got if got.words else None


def today() -> date:
    """The day period presets count back from: the app's TODAY (a date or YYYY-MM-DD), else config.today()
    ($NEWSEARCH_TODAY or the server's date)."""
    value = current_app.config.get("TODAY")
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value or settings.today()


def period_choices(params: dict) -> dict:
    """The period presets of a results page (_periods.html) as of today, and which one its range is
    (`periods.CUSTOM`: another range, 직접입력; None: every date)."""
    day = today()
    active = periods.active(params.get("date_from"), params.get("date_to"), day)
    return {"presets": periods.presets(day), "today": day.isoformat(), "active": active, "label": periods.label(active)}


def publisher_names() -> list[str]:
    """Every publisher of the index, most articles first (the detailed search's suggestions)."""
    return [name for name, _count in searcher().publishers()]


def _results_nav(q: str | None) -> "_Nav":
    """The results page an article was opened from, as its URL's search options say (none of them when one is
    not valid: the back link then shows the query's first page)."""
    try:
        params = search_params()
    except ParamError:
        params = {}
    return _Nav(q or "", params)


def _detailed_args() -> dict:
    """The /search parameters of the detailed search form: the query its fields write (search/detailed.py), the
    publisher, the period (a preset resolved to its days as of today, else the form's dates), and the results
    page's other options the form keeps (sort, copies, page size)."""
    a = request.args
    text = detailed_search.compose(a.get("all", ""), a.get("phrase", ""), a.get("any", ""), a.get("none", ""),
                                   a.get("title", "").strip() in ("1", "on", "true"), a.get("reporter", ""))
    period = a.get("period", "").strip()
    if period in periods.PRESETS:
        date_from, date_to = periods.resolve(period, today())
    else:
        date_from, date_to = a.get("from", "").strip(), a.get("to", "").strip()
    out = {"publisher": a.get("publisher", "").strip(), "from": date_from, "to": date_to}
    out.update({name: a.get(name, "").strip() for name in ("sort", "group", "limit")})
    return {"q": text, **{k: v for k, v in out.items() if v}}


def _in_order(date_from: str | None, date_to: str | None) -> bool:
    try:
        check_range(date_from, date_to)
    except ValueError:
        return False
    return True


def _reason_ko(res: Results) -> str | None:
    if not res.reason:
        return None
    return REASONS_KO.get(res.reason, f"검색어를 이해하지 못했습니다: {res.reason_text}")


def paragraphs(body_html: str) -> list[Markup]:
    """Split safe body HTML at blank lines into paragraphs, keeping <mark>s balanced."""
    out: list[Markup] = []
    carry = False
    for part in _PARAGRAPH_BREAK.split(body_html.strip()):
        if not part.strip():
            continue
        if carry:
            part = "<mark>" + part
        opened = part.count("<mark>") - part.count("</mark>")
        carry = opened > 0
        if carry:
            part += "</mark>"
        out.append(Markup(part.strip().replace("\n", "<br>\n")))
    return out


def article_url(doc_id: str, **args) -> str:
    """The link to an article: a file's id keeps its folders readable (`sub/dir/x.html`), but an id with
    dot or empty segments (`../../opensearch.xml`) has its "/" escaped, so that a browser cannot resolve it
    into another route; the route decodes it back."""
    dotted = any(seg in ("", ".", "..") for seg in doc_id.split("/"))
    path = url_for("web.home") + "article/" + quote(doc_id, safe="" if dotted else "/")
    query = urlencode({k: v for k, v in args.items() if v not in (None, "")})
    return path + ("?" + query if query else "")


def _public_base() -> str | None:
    """The site's own absolute address: PUBLIC_URL, else the request's if its Host is a loopback name."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    try:
        host = urlsplit(request.host_url).hostname or ""
    except ValueError:  # a Host header that is no host at all
        return None
    if host in ("localhost", "::1") or re.fullmatch(r"127(\.[0-9]{1,3}){3}", host):
        return request.host_url.rstrip("/")
    return None


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link, else None (never a javascript: link)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(c.isspace() for c in url):
        return url
    return None


def _day(value: str | None) -> str:
    return (value or "")[:10]


def _datetime(value: str | None) -> str:
    """ISO date or datetime as 'YYYY-MM-DD HH:MM'."""
    if not value:
        return ""
    return value[:16].replace("T", " ")


def _security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


_ERROR_TEXT = {
    400: ("잘못된 요청입니다", "요청 주소나 매개변수를 확인해 주세요."),
    404: ("페이지를 찾을 수 없습니다", "주소가 바뀌었거나 없는 페이지입니다. 맨 위 검색창에서 다시 찾아보세요."),
    405: ("허용되지 않는 요청입니다", "이 주소는 해당 방식의 요청을 받지 않습니다."),
    500: ("서버 오류가 발생했습니다", "잠시 후 다시 시도해 주세요. 문제가 계속되면 관리자에게 알려 주세요."),
    503: ("색인을 읽을 수 없습니다", "색인이 손상되었거나 검색 서버가 응답하지 않습니다. 관리자에게 알려 주세요."),
}


def _store_error(e: StoreError):
    """A damaged index or an unreachable store: one log line and a 503, for this request only."""
    log.error("%s", e)
    title, message = _ERROR_TEXT[503]
    if _wants_json():
        return jsonify(error=title, reason=message, reason_code="store_error", reason_detail=str(e)), 503
    return render_template("error.html", code=503, title=title, message=message), 503


def _error_page(e: HTTPException):
    """Korean error pages (JSON under /api/); a 500 here wraps an unhandled exception."""
    code = e.code or 500
    title, message = _ERROR_TEXT.get(code, (e.name, ""))
    if _wants_json():
        return jsonify(error=title), code
    return render_template("error.html", code=code, title=title, message=message), code
