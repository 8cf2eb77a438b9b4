"""The JSON API under /api: search, answers, the duplicate check, letters, similar letters, health and the
OpenAPI description. Everything is GET except /api/dupes, a POST that only computes (nothing is written)."""
from __future__ import annotations

from datetime import date
from pathlib import PurePath

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import UnsupportedMediaType

from .app import service
from .openapi import openapi_spec
from .params import (InvalidRequest, count_param, draft_request, filters_from, json_body, page_param,
                     promise_filters, search_request)

api = Blueprint("api", __name__)

LETTER_FIELDS = ("id", "title", "doc_number", "category", "session", "proposal_number", "addressee",
                 "agency", "date", "region")


@api.get("/search")
def search():
    cfg = current_app.config
    req = search_request(request.args, cfg["TOP_K"], cfg["MAX_TOP_K"], cfg["MAX_QUERY_CHARS"])
    results = service().search(req.query, req.top_k, req.mode, req.filters)
    return jsonify(query=req.query, mode=req.mode, filters=req.filters, results=public_results(results))


@api.get("/ask")
def ask():
    """An extractive answer with numbered citations, conflicting figures and the passages it drew on."""
    cfg = current_app.config
    req = search_request(request.args, cfg["ASK_K"], cfg["MAX_TOP_K"], cfg["MAX_QUERY_CHARS"])
    answer = service().ask(req.query, req.top_k, req.mode, req.filters)
    return jsonify({**answer, "passages": public_results(answer["passages"]), "mode": req.mode, "filters": req.filters})


@api.post("/dupes")
def dupes():
    """The duplicate check of one draft ``{"title", "text", "k"}``: its matches, best first."""
    cfg = current_app.config
    if not request.is_json:
        raise UnsupportedMediaType()
    body = json_body(request.get_data(cache=False), cfg["MAX_JSON_DEPTH"])
    if not isinstance(body, dict):
        raise InvalidRequest("请求体应为 JSON 对象 / body must be a JSON object {\"title\", \"text\", \"k\"}")
    req = draft_request(body.get("title"), body.get("text"), body.get("k"), cfg["DUPES_K"], cfg["MAX_DUPES_K"],
                        cfg["MAX_TITLE_CHARS"], cfg["MAX_DRAFT_CHARS"])
    return jsonify(service().dupes(req.title, req.text, req.k))


@api.get("/letters/<letter_id>")
def letter(letter_id: str):
    return jsonify(public_letter(service().letter(letter_id)))


@api.get("/letters/<letter_id>/similar")
def similar(letter_id: str):
    service().letter(letter_id)
    k = count_param(request.args.get("k"), current_app.config["SIMILAR_K"], current_app.config["MAX_TOP_K"])
    items = service().similar(letter_id, k)
    return jsonify(letter_id=letter_id, available=items is not None, similar=items or [])


@api.get("/letters/<path:letter_id>")
def bad_letter_path(letter_id: str):
    """Ids with slashes (``../x``, ``a/b``) never name a letter."""
    raise InvalidRequest("来信编号无效 / invalid letter id")


@api.get("/overview")
def overview():
    """Letter counts by year, 承办单位, 答复类别 and 地区 and the ask clusters of the letters matching the filters."""
    from ..search import overview as archive

    return jsonify(archive.summary(service().searcher, filters_from(request.args)))


@api.get("/promises")
def promises():
    """承诺事项 with their follow-up status: filters agency, year, status, region; ``letter_id`` for one letter;
    ``limit`` / ``offset`` page through the rows."""
    from ..search.promises import STATUSES, filter_promises, letter_promises, promise_rows, with_details

    active = promise_filters(request.args, STATUSES)
    limit = page_param(request.args.get("limit"), "limit", 100, 1000)
    offset = page_param(request.args.get("offset"), "offset", 0, 10_000_000, minimum=0)
    letter_id = request.args.get("letter_id")
    if letter_id is not None:
        service().letter(letter_id)  # 400 for an impossible id, 404 for an unknown one
        rows = filter_promises(letter_promises(service().searcher, letter_id), **active)
    else:
        rows = promise_rows(service().searcher, active, details=False)
    return jsonify(filters=active, letter_id=letter_id, total=len(rows), offset=offset, limit=limit,
                   statuses=list(STATUSES), today=date.today().isoformat(),
                   promises=with_details(service().searcher, rows[offset:offset + limit]))


@api.get("/health")
def health():
    manifest = service().searcher.manifest
    return jsonify(status="ok", model=manifest.get("model"), dim=manifest.get("dim"),
                   letter_count=manifest.get("letter_count"), chunk_count=manifest.get("chunk_count"),
                   built_at=manifest.get("built_at"), generation=manifest.get("generation"),
                   dafu_version=manifest.get("dafu_version"))


@api.get("/openapi.json")
def openapi():
    cfg = current_app.config
    return jsonify(openapi_spec(cfg["MAX_TOP_K"], cfg["MAX_QUERY_CHARS"], cfg["TOP_K"], cfg["SIMILAR_K"],
                                ask_k=cfg["ASK_K"], dupes_k=cfg["DUPES_K"], max_dupes_k=cfg["MAX_DUPES_K"],
                                max_title=cfg["MAX_TITLE_CHARS"], max_draft=cfg["MAX_DRAFT_CHARS"]))


def public_letter(letter: dict) -> dict:
    """A letter as the API shows it: metadata, the source's file name (not the server's path) and those of the
    other files holding the same letter, body, chunks."""
    source = letter.get("source")
    return {**{k: letter.get(k) for k in LETTER_FIELDS}, "source": PurePath(source).name if source else None,
            "other_sources": _names(letter.get("other_sources")),
            "body": letter.get("body", ""), "chunks": letter.get("chunks", [])}


def public_results(results: list[dict]) -> list[dict]:
    """Search results as the API shows them: the other sources of a result's letter by file name."""
    return [{**r, "other_sources": _names(r.get("other_sources"))} for r in results]


def _names(paths) -> list[str]:
    return [PurePath(p).name for p in paths or []]

