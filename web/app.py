"""The Flask application factory: configuration, the shared searcher, security headers and error handling.

No endpoint writes anything: the pages and the API only read the index. The two POST endpoints (the 查重 form
at /dupes and /api/dupes) only compute matches for the posted draft, which is neither stored nor logged."""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app, g, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from ..corpus import settings
from ..search.api import IndexMissing, OldIndexFormat, Searcher
from .params import InvalidRequest, check_letter_id

log = logging.getLogger("dafu.web")

DEFAULTS = settings.WEB_DEFAULTS  # every web setting with its default and meaning: corpus/settings.py

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

ERROR_TITLES = {400: "请求有误", 404: "没有找到", 405: "不支持的请求方式", 413: "提交的内容太长",
                415: "提交的格式不对", 503: "检索服务暂不可用"}


class UnknownLetter(LookupError):
    """No indexed letter has this id."""


class SearchService:
    """The app's one searcher, opened at first use and shared by every request thread: nothing holds a lock
    across a request (the index backend and its encoder are safe to share; ``_lock`` guards only opening and
    switching to a newer generation), so a slow LLM reply or a long draft never stalls other searches."""

    def __init__(self, index_dir=None, searcher: Searcher | None = None):
        self.index_dir = index_dir
        self._searcher = searcher
        self._lock = threading.Lock()
        self._facets: dict | None = None
        if searcher is not None:
            _opened(searcher, wait=True)  # a server starting: it reads the promises listing before it serves

    @property
    def searcher(self) -> Searcher:
        """The searcher, reopened when ``dafu index`` has switched the index to a newer generation."""
        current = self._searcher
        if current is None or current.is_stale():
            with self._lock:
                if self._searcher is None:
                    self._searcher = _opened(Searcher.open(self.index_dir), wait=True)
                elif self._searcher.is_stale():
                    self._searcher, self._facets = _opened(self._searcher.reopen()), None
        return self._searcher

    def search(self, query: str, top_k: int, mode: str, filters: dict) -> list[dict]:
        return self.searcher.search(query, top_k=top_k, mode=mode, filters=filters)

    def ask(self, question: str, top_k: int, mode: str, filters: dict) -> dict:
        """``answer_question`` over the passages of ``mode`` (the answer layer itself searches in hybrid)."""
        from ..search.answer import answer_question

        searcher = self.searcher
        return answer_question(_InMode(searcher, mode) if mode != "hybrid" else searcher, question,
                               top_k=top_k, filters=filters or None)

    def dupes(self, title: str, text: str, k: int) -> dict:
        """The duplicate check of one draft: ``{"draft", "title", "matches"}`` (nothing is stored)."""
        from ..search.dupes import find_duplicates

        return find_duplicates(self.searcher, [{"name": DRAFT_NAME, "title": title or None, "text": text}], k=k)[0]

    def facets(self) -> dict[str, list[str]]:
        """The filter options (computed once per index generation)."""
        searcher = self.searcher
        if self._facets is None:
            self._facets = searcher.facets()
        return self._facets

    def letter(self, letter_id: str) -> dict:
        """The letter with this id; ``InvalidRequest`` for an impossible id, ``UnknownLetter`` if absent."""
        found = self.searcher.letter(check_letter_id(letter_id))
        if found is None:
            raise UnknownLetter(f"没有编号为 {letter_id} 的来信 / unknown letter id")
        return found

    def similar(self, letter_id: str, k: int) -> list[dict] | None:
        """Letters like this one, each with its citation fields; None while the searcher cannot tell."""
        searcher = self.searcher
        if not hasattr(searcher, "similar_letters"):
            return None
        found = searcher.similar_letters(letter_id, k)
        out = []
        for item in found:
            meta = searcher.by_id.get(item["letter_id"], {})
            cited = {name: meta.get(name) for name in ("title", "doc_number", "agency", "date")}
            out.append({**cited, **{name: v for name, v in item.items() if v is not None}})
        return out


DRAFT_NAME = "网页草稿"


class _InMode:
    """A searcher whose ``search`` always uses one retrieval mode (everything else passes through)."""

    def __init__(self, searcher: Searcher, mode: str):
        self._searcher, self._mode = searcher, mode

    def search(self, query: str, top_k: int = 10, mode: str | None = None, filters: dict | None = None):
        return self._searcher.search(query, top_k=top_k, mode=self._mode, filters=filters)

    def __getattr__(self, name):
        return getattr(self._searcher, name)


def _opened(searcher: Searcher, wait: bool = False) -> Searcher:
    """A searcher just opened: its promises listing is read (``search.promises.warm``): at once when the server
    starts, in the background when a newer index generation is switched to while serving."""
    from ..search.promises import warm

    warm(searcher, wait=wait)
    return searcher


def create_app(index_dir=None, searcher: Searcher | None = None, config: dict | None = None) -> Flask:
    """The dafu web app over ``searcher``, else the index in ``index_dir`` (opened at the first request).
    Configuration: ``DEFAULTS``, then ``DAFU_*`` environment variables (``DAFU_TOP_K=20``), then ``config``."""
    app = Flask(__name__)
    app.config.update(settings.web_config())
    app.config.update(config or {})
    for name in ("TOP_K", "MAX_TOP_K", "MAX_QUERY_CHARS", "SIMILAR_K", "ASK_K", "DUPES_K", "MAX_DUPES_K",
                 "MAX_TITLE_CHARS", "MAX_DRAFT_CHARS", "MAX_CONTENT_LENGTH", "MAX_JSON_DEPTH"):
        if not isinstance(app.config[name], int) or app.config[name] < 1:
            raise ValueError(f"DAFU_{name} must be a positive integer, not {app.config[name]!r}")
    app.json.ensure_ascii = False
    app.extensions["dafu"] = SearchService(index_dir or app.config["INDEX_DIR"], searcher)

    from .api import api
    from .exports import exports
    from .pages import pages

    app.register_blueprint(pages)
    app.register_blueprint(exports)
    app.register_blueprint(api, url_prefix="/api")
    app.before_request(_start_timer)
    app.after_request(_finish)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InvalidRequest, lambda err: error_response(400, str(err)))
    app.register_error_handler(UnknownLetter, lambda err: error_response(404, str(err)))
    app.register_error_handler(IndexMissing, _index_missing)
    app.register_error_handler(OldIndexFormat, lambda err: error_response(503, str(err)))
    app.register_error_handler(Exception, _unexpected)
    return app


def service() -> SearchService:
    return current_app.extensions["dafu"]


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def error_response(status: int, message: str):
    """A JSON ``{"error": ...}`` under /api, a Chinese error page elsewhere."""
    if wants_json():
        return make_response(jsonify(error=message), status)
    title = ERROR_TITLES.get(status, "服务器出错了")
    return make_response(render_template("error.html", status=status, title=title, message=message), status)


def _http_error(err: HTTPException):
    allowed = sorted(set(err.valid_methods or ()) - {"HEAD", "OPTIONS"}) if err.code == 405 else []
    messages = {404: "找不到这个地址 / not found",
                405: f"不支持 {request.method} 请求，只能用 {'、'.join(allowed) or 'GET'} / method not allowed",
                413: f"提交的内容太长，请不超过 {current_app.config['MAX_CONTENT_LENGTH']} 字节"
                     f" / request body too large (limit {current_app.config['MAX_CONTENT_LENGTH']} bytes)",
                415: "请以 application/json 提交 / unsupported media type: send application/json"}
    response = error_response(err.code or 500, messages.get(err.code, err.description or err.name))
    if err.code == 405 and err.valid_methods:
        response.headers["Allow"] = ", ".join(err.valid_methods)
    return response


def _index_missing(err: IndexMissing):
    log.error("index missing: %s", err)
    return error_response(503, "索引尚未建立，请先运行 dafu index / no index: run `dafu index` first")


def _unexpected(err: Exception):
    if isinstance(err, HTTPException):
        return _http_error(err)
    log.exception("unexpected error on %s", request.path)
    return error_response(InternalServerError.code, "服务器内部错误，请稍后再试 / internal error")


def _start_timer() -> None:
    g.started = time.perf_counter()
    if (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]:
        raise RequestEntityTooLarge()  # from the header alone: the body is never read


def _finish(response):
    response.headers.update(SECURITY_HEADERS)
    if wants_json() or request.method == "POST":  # API answers, and pages that show a posted draft
        response.headers["Cache-Control"] = "no-store"
    took = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    log.info("%s %s %s %.0fms", request.method, request.path, response.status_code, took)
    return response
