"""Spreadsheet downloads (.xlsx or .csv) of what the pages show: search results, the letters list, a duplicate
check and the promises, with citations as columns (``search/export.py`` makes the sheets)."""
from __future__ import annotations

import io
from urllib.parse import quote

from flask import Blueprint, abort, current_app, request, send_file

from .app import service
from .params import draft_request, filters_from, promise_filters, search_request

exports = Blueprint("exports", __name__)

EXPORT_FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "csv": "text/csv; charset=utf-8"}


@exports.url_value_preprocessor
def _known_format(endpoint, values) -> None:
    if values and values.get("fmt") not in EXPORT_FORMATS:
        abort(404)


@exports.get("/export/search.<fmt>")
def export_search(fmt: str):
    """The search results of ``q`` (same parameters as the search page) as a spreadsheet."""
    from ..search.export import search_sheet

    cfg = current_app.config
    req = search_request(request.args, cfg["TOP_K"], cfg["MAX_TOP_K"], cfg["MAX_QUERY_CHARS"])
    results = service().search(req.query, req.top_k, req.mode, req.filters)
    return _sheets_response([search_sheet([(req.query, results)], _base())], fmt, "检索结果", "search")


@exports.get("/export/letters.<fmt>")
def export_letters(fmt: str):
    """The letters list (all, or those matching the filters) as a spreadsheet."""
    from ..search.export import letters_sheet
    from ..search.overview import letters_matching

    rows = letters_matching(service().searcher, filters_from(request.args), fresh=True)
    return _sheets_response([letters_sheet(rows, _base())], fmt, "来信清单", "letters")


@exports.post("/export/dupes.<fmt>")
def export_dupes(fmt: str):
    """The duplicate check of the posted draft (form ``title``, ``text``) as a spreadsheet; nothing is stored."""
    from ..search.export import dupes_sheets

    cfg = current_app.config
    req = draft_request(request.form.get("title"), request.form.get("text"), None, cfg["DUPES_K"],
                        cfg["MAX_DUPES_K"], cfg["MAX_TITLE_CHARS"], cfg["MAX_DRAFT_CHARS"])
    result = service().dupes(req.title, req.text, req.k)
    return _sheets_response(dupes_sheets([result], service().searcher.by_id, _base(), _passage_of), fmt,
                            "查重结果", "dupes")


@exports.get("/export/promises.<fmt>")
def export_promises(fmt: str):
    """Promises (承诺事项) matching the /promises filters as a spreadsheet."""
    from ..search.export import promises_sheet
    from ..search.promises import STATUSES, promise_rows

    searcher = service().searcher
    rows = promise_rows(searcher, promise_filters(request.args, STATUSES))
    return _sheets_response([promises_sheet(rows, searcher.by_id, _base())], fmt, "承诺事项", "promises")


def _passage_of(letter_id: str, text: str | None):
    """(passage number, section) of a letter's passage with this text, or None."""
    try:
        chunks = service().letter(letter_id).get("chunks") or []
    except (LookupError, ValueError):
        return None
    found = next((c for c in chunks if c.get("text") == text), None)
    return (found.get("ordinal"), found.get("section")) if found else None


def _sheets_response(sheets, fmt: str, name: str, ascii_name: str):
    """A download named ``name.fmt`` (``dafu-ascii_name.fmt`` for clients that only read ASCII names)."""
    from ..search.export import to_csv, to_xlsx

    data = to_xlsx(sheets) if fmt == "xlsx" else to_csv(sheets[0]).encode("utf-8")
    response = send_file(io.BytesIO(data), mimetype=EXPORT_FORMATS[fmt], max_age=0)
    response.headers["Content-Disposition"] = (f'attachment; filename="dafu-{ascii_name}.{fmt}"; '
                                               f"filename*=UTF-8''{quote(name)}.{fmt}")
    return response


def _base() -> str:
    return request.host_url.rstrip("/")
