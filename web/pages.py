"""The HTML pages: the search page (with its answer box), the letter page and the 查重 page (Chinese UI)."""
from __future__ import annotations

import logging
from pathlib import PurePath

from flask import Blueprint, current_app, render_template, request, url_for

from ..corpus.metadata import DATE_OF_DOC_NUMBER
from ..search.api import MODES
from ..search.dupes import NEAR_COPY_LABEL, TIERS
from ..search.highlight import term_spans
from .app import service
from .layout import body_paragraphs
from .params import (InvalidRequest, draft_request, filters_from, optional_int, page_param, promise_filters,
                     search_request)

pages = Blueprint("pages", __name__)
log = logging.getLogger("dafu.web")

MODE_LABELS = {"hybrid": "综合", "dense": "语义", "keyword": "关键词"}
FILTER_LABELS = {"agency": "承办单位", "year": "年份", "category": "答复类别", "region": "地区"}
METADATA_LABELS = (("doc_number", "文号"), ("category", "答复类别"), ("session", "会议"),
                   ("proposal_number", "提案号"), ("title", "提案标题"), ("addressee", "委员/代表"),
                   ("agency", "承办单位"), ("date", "日期"), ("region", "地区"), ("source", "来源"),
                   ("other_sources", "同一封信的其他来源"))


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


@pages.app_template_filter("file_name")
def file_name(path: str) -> str:
    """A source shown by its file name, never the server's path."""
    return PurePath(path).name


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
        try:
            state["active"] = filters_from(request.args)
        except InvalidRequest as err:
            return render_template("search.html", **{**state, "error": str(err).split(" / ")[0]}), 400
        if state["active"]:  # filters without a question (a bar of /overview): the letters they select
            state["browse"] = browse_view(state["active"])
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
    if req.mode == "hybrid" and state["results"]:
        state["answer"] = _answer(req.query, req.filters)
    if state["results"] and "year" not in req.filters:
        state["timeline"] = _timeline(req)
    return render_template("search.html", **state)


def _answer(query: str, filters: dict) -> dict | None:
    """The answer box's content; a failure there must not take the results down (no box, logged)."""
    try:
        return answer_view(service().ask(query, current_app.config["ASK_K"], "hybrid", filters))
    except Exception:
        log.exception("answer failed for a query of %d characters", len(query))
        return None


def answer_view(answer: dict) -> dict:
    """What the answer box shows: each sentence as ``(piece, is_key_figure)`` segments with its citations
    resolved to passages, the cited sources, and the conflicting figures with their letters."""
    passages = answer.get("passages") or []

    def cited(n) -> dict | None:
        if isinstance(n, int) and 1 <= n <= len(passages):
            p = passages[n - 1]
            return {"n": n, "letter_id": p["letter_id"], "chunk": p.get("chunk"), "section": p.get("section"),
                    "citation": p.get("citation") or {}, "other_sources": p.get("other_sources") or []}
        return None

    items, numbers = [], []
    for item in [] if answer.get("abstained") else answer.get("answer") or []:
        cites = [c for c in map(cited, item.get("citations") or []) if c]
        numbers += [c["n"] for c in cites if c["n"] not in numbers]
        items.append({"segments": figure_segments(item.get("text") or "", item.get("figure"),
                                                  item.get("figure_start"), item.get("figure_end")),
                      "cites": cites, "generated": bool(item.get("generated")), "note": item.get("note")})
    conflicts = []
    for conflict in answer.get("conflicts") or []:
        values = []
        for value in conflict.get("values") or []:
            letter_id = value.get("letter_id")
            found = next((p for p in passages if p["letter_id"] == letter_id and value.get("text")
                          and value["text"] in p["text"]), None)
            title = (service().searcher.by_id.get(letter_id) or {}).get("title") if letter_id else None
            values.append({"text": value.get("text") or "", "figure": value.get("figure"), "letter_id": letter_id,
                           "date": value.get("date"), "title": title,
                           "chunk": found.get("chunk") if found else None})
        conflicts.append({"measure": conflict.get("measure") or "", "values": values})
    return {"abstained": bool(answer.get("abstained")) or not items, "items": items,
            "sources": [cited(n) for n in sorted(numbers)], "conflicts": conflicts}


def figure_segments(text: str, figure: str | None, start: int | None = None,
                    end: int | None = None) -> list[tuple[str, bool]]:
    """``text`` as ``(piece, is_key_figure)`` pieces: the figure at its given offsets, else its first occurrence;
    one plain piece when the figure is absent or not in the text."""
    if not figure:
        return [(text, False)]
    if not (isinstance(start, int) and isinstance(end, int) and text[start:end] == figure):
        start = text.find(figure)
        end = start + len(figure)
    if start < 0:
        return [(text, False)]
    return [(piece, bold) for piece, bold in ((text[:start], False), (figure, True), (text[end:], False)) if piece]


@pages.route("/dupes", methods=["GET", "POST"])
def dupes():
    """The 查重 page: a member pastes a draft proposal and sees the letters on the same subject. The POST only
    computes: the draft is neither stored nor logged."""
    cfg = current_app.config
    state = {"title": "", "text": "", "result": None, "error": None, "tiers": TIERS,
             "near_copy_label": NEAR_COPY_LABEL}
    if request.method == "GET":
        return render_template("dupes.html", **state)
    state.update(title=request.form.get("title", ""), text=request.form.get("text", ""))
    try:
        req = draft_request(state["title"], state["text"], None, cfg["DUPES_K"], cfg["MAX_DUPES_K"],
                            cfg["MAX_TITLE_CHARS"], cfg["MAX_DRAFT_CHARS"])
    except InvalidRequest as err:
        return render_template("dupes.html", **{**state, "error": str(err).split(" / ")[0]}), 400
    try:
        result = service().dupes(req.title, req.text, req.k)
    except Exception:  # the page's error state; the details (never the draft) go to the log
        log.exception("duplicate check failed for a draft of %d characters", len(req.text))
        return render_template("dupes.html", **{**state, "error": "查重时出错了，请稍后再试。"}), 500
    state["result"] = {**result, "matches": [_with_anchors(m) for m in result.get("matches") or []]}
    return render_template("dupes.html", **state)


def _with_anchors(match: dict) -> dict:
    """A match whose aligned passages know their ordinal in the letter (to link to them), where found."""
    try:
        chunks = service().letter(match["letter_id"]).get("chunks") or []
    except (LookupError, ValueError):
        chunks = []
    ordinals = {c.get("text"): c.get("ordinal") for c in chunks}
    passages = [{**p, "chunk": ordinals.get(p.get("letter_text"))} for p in match.get("passages") or []]
    return {**match, "passages": passages}


@pages.get("/letters/<letter_id>")
def letter(letter_id: str):
    found = service().letter(letter_id)
    cited = optional_int(request.args.get("hl"))
    query = (request.args.get("q") or "").strip()[: current_app.config["MAX_QUERY_CHARS"]]
    similar = _similar(letter_id)
    rows = [(label, _display(name, found.get(name), found)) for name, label in METADATA_LABELS if found.get(name)]
    return render_template("letter.html", letter=found, rows=rows, paragraphs=body_paragraphs(found, cited),
                           cited=cited, query=query, similar=similar, promises=_letter_promises(letter_id),
                           promise_statuses=_statuses())


PROMISES_PER_PAGE = 50


@pages.get("/promises")
def promises():
    """承诺事项: what the letters promised, filtered by agency, year, status and place, each with the later
    letter's sentence on it when there is one."""
    from ..search.promises import STATUSES, facets, promise_facets, promise_rows, with_details
    from ..search.promises import ready as promises_ready

    try:
        active = promise_filters(request.args, STATUSES)
        page = page_param(request.args.get("page"), "page", 1, 100000)
    except InvalidRequest as err:
        return render_template("promises.html", error=str(err).split(" / ")[0], rows=[], total=0, active={},
                               facets=facets([]), statuses=STATUSES, page=1, pages=1, counts={}), 400
    searcher = service().searcher
    if not promises_ready(searcher):
        return render_template("promises.html", rows=[], total=0, active=active, facets=facets([]),
                               statuses=STATUSES, page=1, pages=1, counts={}, error=None, running=True)
    rows = promise_rows(searcher, active, details=False)
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row["status"]] += 1
    pages_total = max(1, -(-len(rows) // PROMISES_PER_PAGE))
    page = min(page, pages_total)
    shown = with_details(searcher, rows[(page - 1) * PROMISES_PER_PAGE: page * PROMISES_PER_PAGE])
    return render_template("promises.html", rows=shown, total=len(rows), active=active,
                           facets=promise_facets(searcher), statuses=STATUSES, page=page, pages=pages_total,
                           counts=counts, error=None)


def _statuses() -> tuple[str, ...]:
    from ..search.promises import STATUSES

    return STATUSES


def _letter_promises(letter_id: str) -> list[dict]:
    """The promises box of the letter page; a failure there must not take the letter page down."""
    from ..search.promises import letter_promises

    try:
        return letter_promises(service().searcher, letter_id)
    except Exception:
        log.exception("promises failed for %s", letter_id)
        return []


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


def _display(name: str, value: str, letter: dict) -> str:
    if name == "date" and DATE_OF_DOC_NUMBER in (letter.get("warnings") or ()):
        return f"{value}（据文号年份）"  # signed with no date: the year its 文号 gives
    if name == "category":
        return f"{value} 类"
    if name == "source":
        return file_name(value)
    if name == "other_sources":
        return "、".join(map(file_name, value))
    return value


# ------------------------------------------------------------------ overview, timeline, letter lists

TIMELINE_K = 50      # passages whose letters make a search's timeline ...
TIMELINE_MIN_Z = 1.0  # ... in 综合 mode those scoring a standard deviation above the candidates' mean
BROWSE_LIMIT = 200   # letters listed for filters without a question (all of them in the download)


@pages.get("/overview")
def overview():
    """The archive at a glance: letters by year, 承办单位, 答复类别, 地区 and ask cluster, each bar a link."""
    return render_template("overview.html", **overview_view(filters_from(request.args)))


def overview_view(filters: dict) -> dict:
    """Counts, clusters and chart geometry of the letters that match ``filters``."""
    from ..search import overview as archive
    from .charts import bar_chart, line_chart

    counts = archive.summary(service().searcher, filters)
    grouped = counts["clusters"]
    if grouped["items"]:  # each shown cluster's letters, oldest first, for the list under the chart
        listed = {r["id"]: r for r in archive.letters_matching(service().searcher)}
        for item in grouped["items"]:
            item["rows"] = sorted((listed.get(lid) or {"id": lid} for lid in item["letters"]),
                                  key=lambda r: (r.get("date") or "", r["id"]))

    def link(name):
        return lambda value: url_for("pages.index", **{**filters, name: value})

    charts = {"year": line_chart(counts["by_year"], link("year")),
              "category": bar_chart(counts["by_category"]["items"], link("category"), archive.category_label),
              "agency": bar_chart(counts["by_agency"]["items"], link("agency")),
              "region": bar_chart(counts["by_region"]["items"], link("region")),
              "clusters": bar_chart(grouped["items"], lambda name: url_for("pages.index", q=name, **filters))}
    notes = {name: _rest_note(counts[f"by_{name}"], what) for name, what in (("agency", "个承办单位"),
                                                                              ("region", "个地区"))}
    notes["clusters"] = (f"共 {len(grouped['items']) + grouped['other_values']} 个类群、{grouped['clustered']} 封来信"
                         + (f"；另有 {grouped['other_values']} 个较小的类群共 {grouped['other_count']} 封未列出。"
                            if grouped["other_values"] else "。"))
    return {"counts": counts, "charts": charts, "notes": notes, "active": filters, "clusters": grouped}


def _rest_note(facet: dict, what: str) -> str | None:
    parts = []
    if facet["other_values"]:
        parts.append(f"另有 {facet['other_values']} {what}共 {facet['other_count']} 封未列出")
    if facet["missing"]:
        parts.append(f"{facet['missing']} 封没有写明")
    return "；".join(parts) + "。" if parts else None


def _timeline(req) -> dict | None:
    """The years of the letters a search finds, as small columns that link to the same search in one year: the
    letters of its best ``TIMELINE_K`` passages that stand out (综合: fused score, a z-score over the candidates,
    of at least ``TIMELINE_MIN_Z``; 关键词: any match; 语义, where every passage has some similarity: the
    passages shown). A failure here must not take the results down."""
    from ..search.overview import years_of
    from .charts import column_chart

    try:
        k = min(TIMELINE_K, current_app.config["MAX_TOP_K"])
        found = service().search(req.query, k, req.mode, req.filters)
        if req.mode == "hybrid":
            found = [r for r in found if r["score"] >= TIMELINE_MIN_Z]
        elif req.mode == "dense":
            found = found[:req.top_k]
        years = years_of(found)
    except Exception:
        log.exception("timeline failed for a query of %d characters", len(req.query))
        return None
    if not years:
        return None

    def link(year):
        return url_for("pages.index", q=req.query, mode=req.mode, **{**req.filters, "year": year})

    shown = [y for y in years if y["count"]]
    return {"chart": column_chart(years, link), "years": shown, "letters": sum(y["count"] for y in shown),
            "links": {y["value"]: link(y["value"]) for y in shown}}


def browse_view(filters: dict) -> dict:
    """The letters that match ``filters`` (newest first), for the search page without a question."""
    from ..search.overview import letters_matching

    found = sorted(letters_matching(service().searcher, filters), key=lambda r: (r.get("date") or "", r["id"]),
                   reverse=True)
    return {"total": len(found), "letters": found[:BROWSE_LIMIT]}
