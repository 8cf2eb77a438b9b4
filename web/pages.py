"""The HTML pages: the search page and the letter page (Chinese UI)."""
from __future__ import annotations

import logging
from pathlib import PurePath

from flask import Blueprint, current_app, render_template, request

from ..search.api import MODES
from ..search.highlight import term_spans
from .app import service
from .layout import body_paragraphs
from .params import InvalidRequest, optional_int, search_request

pages = Blueprint("pages", __name__)
log = logging.getLogger("dafu.web")

MODE_LABELS = {"hybrid": "综合", "dense": "语义", "keyword": "关键词"}
FILTER_LABELS = {"agency": "承办单位", "year": "年份", "category": "答复类别", "region": "地区"}
METADATA_LABELS = (("doc_number", "文号"), ("category", "答复类别"), ("session", "会议"),
                   ("proposal_number", "提案号"), ("title", "提案标题"), ("addressee", "委员/代表"),
                   ("agency", "承办单位"), ("date", "日期"), ("region", "地区"), ("source", "来源"))


@pages.app_template_filter("segments")
def segments(text: str, query: str | None) -> list[tuple[str, bool]]:
    """``text`` split into ``(piece, is_query_word)`` pieces; the template marks the second kind."""
    if not query:
        return [(text, False)]
    out, last = [], 0
    for start, end in term_spans(text, query):
        if start > last:
            out.append((text[last:start], False))
        out.append((text[start:end], True))
        last = end
    if last < len(text):
        out.append((text[last:], False))
    return out


@pages.app_context_processor
def _labels() -> dict:
    return {"MODE_LABELS": MODE_LABELS, "FILTER_LABELS": FILTER_LABELS}


@pages.get("/")
def index():
    cfg = current_app.config
    facets = service().facets()
    state = {"query": (request.args.get("q") or "").strip(), "mode": request.args.get("mode", "hybrid"),
             "filters": {name: request.args.get(name, "") for name in FILTER_LABELS}, "modes": MODES,
             "facets": facets, "examples": cfg["EXAMPLES"], "results": None, "error": None}
    if not state["query"]:
        return render_template("search.html", **state)
    try:
        req = search_request(request.args, cfg["TOP_K"], cfg["MAX_TOP_K"], cfg["MAX_QUERY_CHARS"])
    except InvalidRequest as err:
        return render_template("search.html", **{**state, "error": str(err).split(" / ")[0]}), 400
    state.update(query=req.query, mode=req.mode, active=req.filters)
    try:
        state["results"] = service().search(req.query, req.top_k, req.mode, req.filters)
    except Exception:  # shown as the page's error state; the details go to the log
        log.exception("search failed for a query of %d characters", len(req.query))
        return render_template("search.html", **{**state, "error": "检索时出错了，请稍后再试。"}), 500
    if len(state["results"]) == req.top_k < cfg["MAX_TOP_K"]:  # there may be more: offer the next page size
        state["more_k"] = min(req.top_k + cfg["TOP_K"], cfg["MAX_TOP_K"])
    return render_template("search.html", **state)


@pages.get("/letters/<letter_id>")
def letter(letter_id: str):
    found = service().letter(letter_id)
    cited = optional_int(request.args.get("hl"))
    query = (request.args.get("q") or "").strip()[: current_app.config["MAX_QUERY_CHARS"]]
    similar = _similar(letter_id)
    rows = [(label, _display(name, found.get(name))) for name, label in METADATA_LABELS if found.get(name)]
    return render_template("letter.html", letter=found, rows=rows, paragraphs=body_paragraphs(found, cited),
                           cited=cited, query=query, similar=similar)


@pages.get("/letters/<path:letter_id>")
def bad_letter_path(letter_id: str):
    """Ids with slashes (``../x``, ``a/b``) never name a letter."""
    raise InvalidRequest("来信编号无效 / invalid letter id")


def _similar(letter_id: str) -> list[dict]:
    """Similar letters for the side list; a failure there must not take the letter page down."""
    try:
        return service().similar(letter_id, current_app.config["SIMILAR_K"]) or []
    except Exception:
        log.exception("similar letters failed for %s", letter_id)
        return []


def _display(name: str, value: str) -> str:
    if name == "category":
        return f"{value} 类"
    if name == "source":
        return PurePath(value).name
    return value
