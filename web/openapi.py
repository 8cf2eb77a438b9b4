"""The OpenAPI 3 description of the JSON API (served at /api/openapi.json)."""
from __future__ import annotations

from .. import __version__
from ..search.api import MODES


def _param(name: str, description: str, schema: dict, required: bool = False, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _nullable(kind: str = "string") -> dict:
    return {"type": [kind, "null"]}


ERRORS = {
    "400": _json("#/components/schemas/Error", "invalid parameter (empty or over-long query, bad k, mode or id)"),
    "404": _json("#/components/schemas/Error", "unknown letter id or route"),
    "405": _json("#/components/schemas/Error", "only GET and HEAD are allowed"),
    "503": _json("#/components/schemas/Error", "no index has been built yet"),
}


def openapi_spec(max_k: int, max_chars: int, default_k: int, similar_k: int) -> dict:
    """The API description, with the limits this app is configured with."""
    letter_id = _param("letter_id", "letter id (file name without extension)", {"type": "string"}, True, "path")
    k = {"type": "integer", "minimum": 1, "maximum": max_k}
    citation = {"type": "object", "properties": {
        "title": _nullable(), "doc_number": _nullable(), "agency": _nullable(), "date": _nullable()}}
    result = {"type": "object", "required": ["rank", "score", "letter_id", "text", "section", "citation"],
              "properties": {
                  "rank": {"type": "integer"}, "score": {"type": "number"}, "letter_id": {"type": "string"},
                  "text": {"type": "string", "description": "the passage as stored"},
                  "section": {"type": "string"}, "citation": citation,
                  "chunk": {"type": "integer", "description": "ordinal of the passage in its letter"},
                  "start": {"type": "integer"}, "end": {"type": "integer"}}}
    chunk = {"type": "object", "properties": {
        "letter_id": {"type": "string"}, "ordinal": {"type": "integer"}, "section": {"type": "string"},
        "text": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"}}}
    meta = {name: _nullable() for name in ("title", "doc_number", "category", "session", "proposal_number",
                                           "addressee", "agency", "date", "region", "source")}
    letter = {"type": "object", "properties": {"id": {"type": "string"}, **meta, "body": {"type": "string"},
                                               "chunks": {"type": "array", "items": chunk}}}
    similar_item = {"type": "object", "required": ["letter_id", "score"], "properties": {
        "letter_id": {"type": "string"}, "score": {"type": "number"}, "title": _nullable(),
        "doc_number": _nullable(), "agency": _nullable(), "date": _nullable()}}
    filters = [
        _param("agency", "承办单位 (substring)", {"type": "string", "maxLength": 100}),
        _param("year", "年份 of the letter's date", {"type": "string", "pattern": "^[0-9]{4}$"}),
        _param("category", "答复类别 (A, B, ...)", {"type": "string", "maxLength": 100}),
        _param("region", "地区 (substring)", {"type": "string", "maxLength": 100}),
    ]
    return {
        "openapi": "3.1.0",
        "info": {"title": "dafu 答复函检索 API", "version": __version__,
                 "description": "Semantic and keyword search over Chinese government reply letters. "
                                "GET only; errors are JSON {\"error\": ...}."},
        "paths": {
            "/api/search": {"get": {
                "summary": "ranked, cited passages for a query",
                "parameters": [
                    _param("q", "question or keywords", {"type": "string", "minLength": 1,
                                                         "maxLength": max_chars}, True),
                    _param("k", "number of passages", {**k, "default": default_k}),
                    _param("mode", "retrieval mode", {"type": "string", "enum": list(MODES), "default": "hybrid"}),
                    *filters],
                "responses": {"200": _json("#/components/schemas/SearchResponse", "results, best first"),
                              **ERRORS}}},
            "/api/letters/{letter_id}": {"get": {
                "summary": "a letter: metadata, clean body and its passages",
                "parameters": [letter_id],
                "responses": {"200": _json("#/components/schemas/Letter", "the letter"), **ERRORS}}},
            "/api/letters/{letter_id}/similar": {"get": {
                "summary": "letters most similar to this one",
                "parameters": [letter_id, _param("k", "number of letters", {**k, "default": similar_k})],
                "responses": {"200": _json("#/components/schemas/SimilarResponse",
                                           "similar letters (available=false when not supported)"), **ERRORS}}},
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
            "Letter": letter,
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
