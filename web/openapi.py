"""The OpenAPI 3 description of the JSON API (served at /api/openapi.json)."""
from __future__ import annotations

from .. import __version__
from ..search.api import MODES
from ..search.dupes import TIERS
from ..search.promises import FIELDS as PROMISE_FIELDS, STATUSES as PROMISE_STATUSES


def _param(name: str, description: str, schema: dict, required: bool = False, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _nullable(kind: str = "string") -> dict:
    return {"type": [kind, "null"]}


# What the app refuses, so that clients (and schema-driven testers) know: control characters (line breaks
# and tabs are allowed where text may have them) and, in filters and ids, invisible format characters too.
NO_CONTROL = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
NO_CONTROL_OR_FORMAT = ("^[^\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f"
                        "\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff"
                        "\\ufff9-\\ufffb]*$")
LETTER_ID = "^(?!\\s)(?!.*\\s$)(?!.*\\.\\.)[^/\\\\\\u0000-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\ufeff]+$"

ERRORS = {
    "400": _json("#/components/schemas/Error", "invalid parameter (empty or over-long query, bad k, mode or id)"),
    "404": _json("#/components/schemas/Error", "unknown letter id or route"),
    "405": _json("#/components/schemas/Error", "method not allowed (GET and HEAD; POST only for /api/dupes)"),
    "503": _json("#/components/schemas/Error", "no index has been built yet"),
}


def openapi_spec(max_k: int, max_chars: int, default_k: int, similar_k: int, ask_k: int = 5, dupes_k: int = 5,
                 max_dupes_k: int = 20, max_title: int = 200, max_draft: int = 20000) -> dict:
    """The API description, with the limits this app is configured with."""
    letter_id = _param("letter_id", "letter id (file name without extension)",
                       {"type": "string", "minLength": 1, "maxLength": 200, "pattern": LETTER_ID}, True, "path")
    k = {"type": "integer", "minimum": 1, "maximum": max_k}
    citation = {"type": "object", "properties": {
        "title": _nullable(), "doc_number": _nullable(), "agency": _nullable(), "date": _nullable()}}
    other_sources = {"type": "array", "items": {"type": "string"},
                     "description": "file names of the other copies of the same letter (indexed once)"}
    result = {"type": "object", "required": ["rank", "score", "letter_id", "text", "section", "citation"],
              "properties": {
                  "rank": {"type": "integer"}, "score": {"type": "number"}, "letter_id": {"type": "string"},
                  "text": {"type": "string", "description": "the passage as stored"},
                  "section": {"type": "string"}, "citation": citation,
                  "chunk": {"type": "integer", "description": "ordinal of the passage in its letter"},
                  "start": {"type": "integer"}, "end": {"type": "integer"}, "other_sources": other_sources}}
    chunk = {"type": "object", "properties": {
        "letter_id": {"type": "string"}, "ordinal": {"type": "integer"}, "section": {"type": "string"},
        "text": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"}}}
    meta = {name: _nullable() for name in ("title", "doc_number", "category", "session", "proposal_number",
                                           "addressee", "agency", "date", "region", "source")}
    letter = {"type": "object", "properties": {"id": {"type": "string"}, **meta, "other_sources": other_sources,
                                               "body": {"type": "string"},
                                               "chunks": {"type": "array", "items": chunk}}}
    similar_item = {"type": "object", "required": ["letter_id", "score"], "properties": {
        "letter_id": {"type": "string"}, "score": {"type": "number"}, "title": _nullable(),
        "doc_number": _nullable(), "agency": _nullable(), "date": _nullable()}}
    answer_item = {"type": "object", "required": ["text", "citations"], "properties": {
        "text": {"type": "string", "description": "an answer sentence as written in the letter"},
        "citations": {"type": "array", "items": {"type": "integer", "minimum": 1},
                      "description": "numbers of the passages (1 = passages[0]) it comes from"},
        "letter_id": _nullable(), "section": _nullable(), "start": {"type": "integer"}, "end": {"type": "integer"},
        "figure": {**_nullable(), "description": "the key figure, a substring of text"}}}
    conflict = {"type": "object", "required": ["measure", "values"], "properties": {
        "measure": {"type": "string"},
        "values": {"type": "array", "items": {"type": "object", "required": ["text", "letter_id", "date"],
                                               "properties": {"text": {"type": "string"}, "figure": _nullable(),
                                                              "letter_id": {"type": "string"},
                                                              "date": _nullable()}}}}}
    match = {"type": "object", "required": ["letter_id", "score", "tier", "near_copy", "passages"], "properties": {
        "letter_id": {"type": "string"}, "score": {"type": "number"},
        "tier": {"type": "string", "enum": [name for name, _ in TIERS]},
        "near_copy": {"type": "boolean", "description": "文本近似复制: long runs of nearly the same text"},
        "passages": {"type": "array", "items": {"type": "object", "properties": {
            "draft_text": {"type": "string"}, "letter_text": {"type": "string"}, "score": {"type": "number"}}}},
        "title": _nullable(), "agency": _nullable(), "date": _nullable()}}
    filters = [
        _param("agency", "承办单位 (substring)", {"type": "string", "maxLength": 100,
                                                     "pattern": NO_CONTROL_OR_FORMAT}),
        _param("year", "年份 of the letter's date", {"type": "string", "pattern": "^[0-9]{4}$"}),
        _param("category", "答复类别 (A, B, ...)", {"type": "string", "maxLength": 100,
                                                     "pattern": NO_CONTROL_OR_FORMAT}),
        _param("region", "地区 (substring)", {"type": "string", "maxLength": 100,
                                                     "pattern": NO_CONTROL_OR_FORMAT}),
    ]
    return {
        "openapi": "3.1.0",
        "info": {"title": "dafu 答复函检索 API", "version": __version__,
                 "description": "Semantic and keyword search over Chinese government reply letters. "
                                "GET only, except POST /api/dupes, which only computes: no endpoint writes "
                                "anything. Errors are JSON {\"error\": ...}."},
        "paths": {
            "/api/search": {"get": {
                "summary": "ranked, cited passages for a query",
                "parameters": [
                    _param("q", "question or keywords", {"type": "string", "minLength": 1,
                                                         "maxLength": max_chars, "pattern": NO_CONTROL}, True),
                    _param("k", "number of passages", {**k, "default": default_k}),
                    _param("mode", "retrieval mode", {"type": "string", "enum": list(MODES), "default": "hybrid"}),
                    *filters],
                "responses": {"200": _json("#/components/schemas/SearchResponse", "results, best first"),
                              **ERRORS}}},
            "/api/ask": {"get": {
                "summary": "an extractive answer: 1-3 cited sentences, or an abstention, with conflicting figures",
                "parameters": [
                    _param("q", "the question", {"type": "string", "minLength": 1, "maxLength": max_chars,
                                                 "pattern": NO_CONTROL}, True),
                    _param("k", "passages to answer from", {**k, "default": ask_k}),
                    _param("mode", "retrieval mode of the passages",
                           {"type": "string", "enum": list(MODES), "default": "hybrid"}),
                    *filters],
                "responses": {"200": _json("#/components/schemas/AskResponse",
                                           "the answer (empty when abstained) and the passages it cites"),
                              **ERRORS}}},
            "/api/dupes": {"post": {
                "summary": "letters that duplicate a draft proposal (computes only; nothing is stored)",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/DupesRequest"}}}},
                "responses": {"200": _json("#/components/schemas/DupesResponse", "matches, best first"),
                              "400": _json("#/components/schemas/Error",
                                           "empty or over-long draft, bad k, or a body that is not a JSON object"),
                              "413": _json("#/components/schemas/Error", "request body too large"),
                              "415": _json("#/components/schemas/Error", "the body is not application/json"),
                              "503": ERRORS["503"]}}},
            "/api/letters/{letter_id}": {"get": {
                "summary": "a letter: metadata, clean body and its passages",
                "parameters": [letter_id],
                "responses": {"200": _json("#/components/schemas/Letter", "the letter"), **ERRORS}}},
            "/api/letters/{letter_id}/similar": {"get": {
                "summary": "letters most similar to this one",
                "parameters": [letter_id, _param("k", "number of letters", {**k, "default": similar_k})],
                "responses": {"200": _json("#/components/schemas/SimilarResponse",
                                           "similar letters (available=false when not supported)"), **ERRORS}}},
            "/api/overview": {"get": {
                "summary": "letter counts by year, 承办单位, 答复类别 and 地区, and the ask clusters (the /overview charts)",
                "parameters": filters,
                "responses": {"200": _json("#/components/schemas/Overview",
                                           "counts of the letters matching the filters"), **ERRORS}}},
            "/api/promises": {"get": {
                "summary": "承诺事项: promises of the letters with their follow-up status and the later sentence",
                "parameters": [
                    *[f for f in filters if f["name"] in ("agency", "year", "region")],
                    _param("status", "follow-up status", {"type": "string", "enum": list(PROMISE_STATUSES)}),
                    _param("letter_id", "only this letter's promises",
                           {"type": "string", "minLength": 1, "maxLength": 200, "pattern": LETTER_ID}),
                    _param("limit", "rows to return", {"type": "integer", "minimum": 1, "maximum": 1000,
                                                       "default": 100}),
                    _param("offset", "rows to skip", {"type": "integer", "minimum": 0, "maximum": 10000000,
                                                      "default": 0})],
                "responses": {"200": _json("#/components/schemas/PromisesResponse",
                                           "promise rows, newest letter first"), **ERRORS}}},
            "/api/health": {"get": {
                "summary": "the index in use: model, counts, build time",
                "responses": {"200": _json("#/components/schemas/Health", "the index manifest"),
                              "503": ERRORS["503"]}}},
            "/api/openapi.json": {"get": {
                "summary": "this description",
                "responses": {"200": {"description": "OpenAPI 3 document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Result": result,
            "SearchResponse": {"type": "object", "required": ["query", "results"], "properties": {
                "query": {"type": "string"}, "mode": {"type": "string"},
                "filters": {"type": "object", "additionalProperties": {"type": "string"}},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}}}},
            "AskResponse": {"type": "object", "required": ["question", "abstained", "answer", "conflicts",
                                                           "passages"], "properties": {
                "question": {"type": "string"}, "abstained": {"type": "boolean"},
                "answer": {"type": "array", "items": answer_item},
                "conflicts": {"type": "array", "items": conflict},
                "passages": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
                "mode": {"type": "string"}, "filters": {"type": "object", "additionalProperties": {"type": "string"}}}},
            "DupesRequest": {"type": "object", "required": ["text"], "properties": {
                "title": {**_nullable(), "maxLength": max_title, "pattern": NO_CONTROL},
                "text": {"type": "string", "minLength": 1, "maxLength": max_draft, "pattern": NO_CONTROL},
                "k": {"type": ["integer", "null"], "minimum": 1, "maximum": max_dupes_k, "default": dupes_k}}},
            "DupesResponse": {"type": "object", "required": ["draft", "matches"], "properties": {
                "draft": {"type": "string"}, "title": _nullable(),
                "matches": {"type": "array", "items": match}}},
            "Letter": letter,
            "Overview": _overview_schema(),
            "PromisesResponse": _promises_schema(),
            "SimilarResponse": {"type": "object", "properties": {
                "letter_id": {"type": "string"}, "available": {"type": "boolean"},
                "similar": {"type": "array", "items": similar_item}}},
            "Health": {"type": "object", "properties": {
                "status": {"type": "string"}, "model": {"type": "object"}, "dim": {"type": "integer"},
                "letter_count": {"type": "integer"}, "chunk_count": {"type": "integer"},
                "built_at": {"type": "string"}, "generation": {"type": "string"},
                "dafu_version": {"type": "string"}}},
        }},
    }


def _promises_schema() -> dict:
    """GET /api/promises: rows of search/promises.py (every value a string, an integer or null)."""
    ints = {"start", "end", "chunk", "deadline_year", "later_start", "later_end", "later_chunk"}
    row = {"type": "object", "required": ["id", "letter_id", "text", "start", "end", "status"],
           "properties": {name: _nullable("integer" if name in ints else "string") for name in PROMISE_FIELDS}}
    row["properties"].update(id={"type": "string"}, letter_id={"type": "string"}, text={"type": "string"},
                             start={"type": "integer"}, end={"type": "integer"},
                             status={"type": "string", "enum": list(PROMISE_STATUSES)})
    return {"type": "object", "required": ["total", "offset", "limit", "statuses", "today", "promises"],
            "properties": {"filters": {"type": "object"}, "letter_id": _nullable(), "total": {"type": "integer"},
                           "offset": {"type": "integer"}, "limit": {"type": "integer"},
                           "statuses": {"type": "array", "items": {"type": "string"}},
                           "today": {"type": "string", "description": "the date statuses are computed for"},
                           "promises": {"type": "array", "items": row}}}


def _overview_schema() -> dict:
    count = {"type": "object", "required": ["value", "count"],
             "properties": {"value": {"type": "string"}, "count": {"type": "integer", "minimum": 0}}}
    facet = {"type": "object", "required": ["items"], "properties": {
        "items": {"type": "array", "items": count, "description": "most letters first (答复类别 by code)"},
        "other_values": {"type": "integer", "description": "values not listed"},
        "other_count": {"type": "integer", "description": "letters of the values not listed"},
        "missing": {"type": "integer", "description": "letters that do not give this field"}}}
    cluster = {"type": "object", "properties": {
        "value": {"type": "string", "description": "the words the titles of its letters share"},
        "count": {"type": "integer"}, "letters": {"type": "array", "items": {"type": "string"}},
        "years": {"type": "array", "items": {"type": "integer"}}}}
    return {"type": "object", "required": ["total", "by_year", "by_agency", "by_category", "by_region", "clusters"],
            "properties": {
                "total": {"type": "integer"},
                "filters": {"type": "object", "additionalProperties": {"type": "string"}},
                "by_year": {"type": "array", "items": count,
                            "description": "every year from the first to the last, 0 for a year without letters"},
                "undated": {"type": "integer"},
                "by_agency": facet, "by_category": facet, "by_region": facet,
                "clusters": {"type": "object", "properties": {
                    "status": {"type": "string", "enum": ["ready", "running", "failed"]},
                    "seconds": {"type": ["number", "null"]},
                    "items": {"type": "array", "items": cluster},
                    "other_values": {"type": "integer"}, "other_count": {"type": "integer"},
                    "clustered": {"type": "integer"}}}}}
