"""The web UI and JSON API: a Flask app factory with one blueprint."""

from __future__ import annotations

import logging
import os
import re
import threading
from urllib.parse import quote, urlencode, urlsplit

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
from .search import significant
from .search.params import check_range, parse_date

bp = Blueprint("web", __name__)
log = logging.getLogger(__name__)

PAGE_SIZE = 10
_DIGITS = re.compile(r"[0-9]{1,9}")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")

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
    Reason.NO_SEARCHABLE_WORDS:
        "검색할 수 있는 낱말이 없습니다. 조사·어미·문장부호만으로는 검색할 수 없으니 명사나 동사를 넣어 주세요.",
    Reason.JAMO_ONLY: "초성(ㄱ·ㄴ·ㄷ…)만으로는 검색할 수 없습니다. 낱말을 끝까지 입력해 주세요.",
    Reason.BACKEND_UNAVAILABLE: "검색 서버에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
    Reason.BACKEND_REFUSED: "검색 서버가 이 검색어를 처리하지 못했습니다. 검색어를 바꿔 다시 시도해 주세요.",
}


class ParamError(ValueError):
    """A request parameter that cannot be used, with a Korean one-line reason."""


def create_app(config: dict | None = None) -> Flask:
    """Build the app (keys: INDEX_DIR, TESTING, PAGE_SIZE, PUBLIC_URL); opens the index and loads Kiwi now.

    PUBLIC_URL (or $NEWSEARCH_PUBLIC_URL) is the site's address as readers reach it, for what must be an
    absolute URL (the OpenSearch description); without it only a loopback Host header is believed.
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
        raise ParamError("sort: relevance 또는 newest 중 하나여야 합니다.")
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
        raise ParamError("from: 시작 날짜가 끝 날짜보다 늦습니다.") from None
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
    q = request.args.get("q", "")
    try:
        params = search_params()
    except ParamError as e:
        return render_template("search.html", q=q, res=None, error=str(e), params={}, nav=_Nav(q, {})), 400
    res = searcher().search(q, facets=True, **params)
    nav = _Nav(q, params)
    if res.total and res.page > res.pages:
        return redirect(nav.url(page=res.pages))
    return render_template("search.html", q=q, res=res, error=None, params=params, nav=nav,
                           reason=_reason_ko(res), first=(res.page - 1) * res.limit,
                           dictionary_warning=searcher().dictionary_warning(), trend=_trend_chart(res, params))


@bp.route("/article/<path:doc_id>")
def article(doc_id: str):
    """One stored article with the query's words highlighted, and related articles."""
    q = request.args.get("q", "").strip() or None
    try:
        art = searcher().article(doc_id, q)
    except ValueError:  # a query that cannot be parsed only loses its highlighting
        art = searcher().article(doc_id)
    if art is None:
        return render_template("error.html", code=404, title="기사를 찾을 수 없습니다",
                               message="요청한 기사가 색인에 없습니다. 주소를 확인하거나 다시 검색해 주세요."), 404
    return render_template("article.html", art=art, q=q, paragraphs=paragraphs(art["body_html"]),
                           source_url=safe_url(art.get("url")),
                           related=searcher().related(doc_id))


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
    return jsonify(res.to_json())


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
    return jsonify(got.to_json())


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
            raise ParamError("from: 시작 날짜가 끝 날짜보다 늦습니다.")
    except ParamError as e:
        return jsonify(error=str(e)), 400
    got = searcher().related_words(q, limit=limit, method=method, date_from=date_from, date_to=date_to,
                                   publisher=request.args.get("publisher", "").strip() or None)
    return jsonify(got.to_json())


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


# -- helpers -----------------------------------------------------------------------------------


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

    def export_url(self, fmt: str, q: str | None = None) -> str:
        """The download of every match of the page's query (`q`: the query searched) under its filters."""
        return url_for("web.export_download", **self.args(q=q or self.q, limit=None, nc=None, group=None), format=fmt)

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
    404: ("페이지를 찾을 수 없습니다", "주소가 바뀌었거나 없는 페이지입니다. 아래 검색창에서 다시 찾아보세요."),
    405: ("허용되지 않는 요청입니다", "이 주소는 해당 방식의 요청을 받지 않습니다."),
    500: ("서버 오류가 발생했습니다", "잠시 후 다시 시도해 주세요. 문제가 계속되면 관리자에게 알려 주세요."),
    503: ("색인을 읽을 수 없습니다", "색인이 손상되었거나 검색 서버가 응답하지 않습니다. 관리자에게 알려 주세요."),
}


def _store_error(e: StoreError):
    """A damaged index or an unreachable store: one log line and a 503, for this request only."""
    log.error("%s", e)
    title, message = _ERROR_TEXT[503]
    if _wants_json():
        return jsonify(error=title, reason=str(e)), 503
    return render_template("error.html", code=503, title=title, message=message), 503


def _error_page(e: HTTPException):
    """Korean error pages (JSON under /api/); a 500 here wraps an unhandled exception."""
    code = e.code or 500
    title, message = _ERROR_TEXT.get(code, (e.name, ""))
    if _wants_json():
        return jsonify(error=title), code
    return render_template("error.html", code=code, title=title, message=message), code
