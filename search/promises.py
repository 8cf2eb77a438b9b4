"""Promises and their follow-up: every letter's committing sentences (corpus/promises.py) as plain row dicts,
and for each the later letters of the same agency or place that report on the same thing.

Status (never "done": the later sentence is shown and the reader judges):
- 已有后续答复: a later letter (by date) of the same agency or place has a sentence on the same thing;
- 到期未见后续: the promise's deadline has passed (as of ``today``) and no later letter speaks of it;
- 未到期: the deadline has not passed yet and no later letter speaks of it;
- 无明确期限: the promise names no deadline and no later letter speaks of it.

Only the Searcher's public methods are used (``letters()``, ``letter(id)``, ``search(...)``); rows are
computed lazily and cached per searcher (a new index generation is a new searcher)."""
from __future__ import annotations

import datetime
import re
import threading
import weakref

from ..corpus.normalize import normalize_for_index
from ..corpus.promises import extract_promises
from ..corpus.text import sentences

FOLLOWED, OVERDUE, PENDING, OPEN = "已有后续答复", "到期未见后续", "未到期", "无明确期限"
STATUSES = (FOLLOWED, OVERDUE, PENDING, OPEN)
FOLLOW_K = 8  # passages searched per promise and filter
MIN_OVERLAP = 0.34  # share of the promise's content bigrams the later sentence must hold
MIN_SHARED = 3  # and at least this many of them

# Row fields, in the order exports show them (every value a str, int or None).
FIELDS = ("id", "letter_id", "title", "doc_number", "agency", "region", "date", "text", "what", "section",
          "start", "end", "chunk", "deadline", "due", "deadline_year", "figure", "status",
          "later_letter_id", "later_title", "later_doc_number", "later_agency", "later_date",
          "later_text", "later_start", "later_end", "later_chunk")
# Words every reply uses: they say nothing about what was promised.
GENERIC = re.compile(r"下一步|下步|我局|我委|我们|进一步|积极|加强|加大|推进|推动|不断|持续|继续|做好|工作|相关|有关|部门|"
                     r"力度|提升|完善|落实|开展|实施|努力|力争|争取|计划|确保|以便|同时|以及|结合|按照|根据|今后|逐步|"
                     r"尽快|及时|全面|认真|切实|建设|群众|需求|服务|问题|情况|方面|目前|已经|将|的|和|与|对|在|为|了")

_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def _state(searcher) -> dict:
    with _cache_lock:
        state = _cache.get(searcher)
        if state is None:
            state = {"rows": None, "by_letter": {}, "follow": {}}
            _cache[searcher] = state
        return state


def letter_promises(searcher, letter_id: str, today: datetime.date | None = None,
                    follow: bool = True) -> list[dict]:
    """The promise rows of one letter (with follow-up and status when ``follow``), in body order."""
    state = _state(searcher)
    rows = state["by_letter"].get(letter_id)
    if rows is None:
        letter = searcher.letter(letter_id)
        rows = _rows_of(letter) if letter else []
        state["by_letter"][letter_id] = rows
    return [with_status(searcher, row, today) if follow else dict(row) for row in rows]


def all_promises(searcher, today: datetime.date | None = None, follow: bool = True) -> list[dict]:
    """Every indexed letter's promise rows, newest letter first (follow-ups searched once, then cached)."""
    state = _state(searcher)
    if state["rows"] is None:
        rows = []
        for meta in searcher.letters():
            rows += letter_promises(searcher, meta["id"], follow=False)
        rows.sort(key=lambda r: (r["date"] or "", r["letter_id"], -r["start"]), reverse=True)
        state["rows"] = rows
    return [with_status(searcher, row, today) if follow else dict(row) for row in state["rows"]]


def filter_promises(rows: list[dict], agency: str | None = None, year: str | None = None,
                    status: str | None = None, region: str | None = None) -> list[dict]:
    """Rows whose agency / place contains the words given, whose letter is of ``year``, with ``status``."""
    out = []
    for row in rows:
        if agency and agency not in (row.get("agency") or ""):
            continue
        if region and region not in (row.get("region") or ""):
            continue
        if year and not (row.get("date") or "").startswith(year):
            continue
        if status and row.get("status") != status:
            continue
        out.append(row)
    return out


def facets(rows: list[dict]) -> dict[str, list[str]]:
    """The values the /promises filters can take."""
    return {"agency": sorted({r["agency"] for r in rows if r.get("agency")}),
            "region": sorted({r["region"] for r in rows if r.get("region")}),
            "year": sorted({r["date"][:4] for r in rows if r.get("date")}, reverse=True),
            "status": list(STATUSES)}


def _rows_of(letter: dict) -> list[dict]:
    chunks = letter.get("chunks") or []
    rows = []
    for p in extract_promises(letter.get("body") or "", letter.get("date")):
        rows.append({
            "id": f"{letter['id']}#{p.start}", "letter_id": letter["id"], "title": letter.get("title"),
            "doc_number": letter.get("doc_number"), "agency": letter.get("agency"), "region": letter.get("region"),
            "date": letter.get("date"), "text": p.text, "what": p.what, "section": p.section,
            "start": p.start, "end": p.end, "chunk": chunk_of(chunks, p.start),
            "deadline": p.deadline.text if p.deadline else None, "due": p.deadline.due if p.deadline else None,
            "deadline_year": p.deadline.year if p.deadline else None,
            "figure": "；".join(f["text"] for f in p.figures) or None})
    return rows


def chunk_of(chunks: list[dict], offset: int) -> int | None:
    """The ordinal of the passage that holds ``offset`` (the first, when passages overlap)."""
    for chunk in sorted(chunks, key=lambda c: c["start"]):
        if chunk["start"] <= offset < chunk["end"]:
            return chunk["ordinal"]
    return None


def with_status(searcher, row: dict, today: datetime.date | None = None) -> dict:
    """``row`` with its follow-up (searched once per searcher) and its status as of ``today``."""
    state = _state(searcher)
    if row["id"] not in state["follow"]:
        state["follow"][row["id"]] = find_follow_up(searcher, row)
    found = state["follow"][row["id"]]
    return {**row, **follow_up_fields(found), "status": status_of(row, found, today)}


def status_of(row: dict, follow_up: dict | None, today: datetime.date | None = None) -> str:
    """已有后续答复 when a later sentence was found; else 到期未见后续 when ``row['due']`` is before ``today``,
    未到期 when it is not, 无明确期限 when the promise gave no deadline."""
    if follow_up:
        return FOLLOWED
    if not row.get("due"):
        return OPEN
    today = today or datetime.date.today()
    return OVERDUE if row["due"] < today.isoformat() else PENDING


def follow_up_fields(found: dict | None) -> dict:
    keys = ("letter_id", "title", "doc_number", "agency", "date", "text", "start", "end", "chunk")
    return {f"later_{k}": (found or {}).get(k) for k in keys}


def find_follow_up(searcher, row: dict) -> dict | None:
    """The sentence of a later letter (same agency or same place, later date) that speaks of what ``row``
    promised: ``{"letter_id", "title", "doc_number", "agency", "date", "text", "start", "end", "chunk", "score"}``,
    or None. Candidates come from the search index; a sentence must share enough of the promise's own words."""
    if not row.get("date"):
        return None  # without the promise's date nothing can be "later"
    filters = [{"agency": row["agency"]}] if row.get("agency") else []
    if row.get("region"):
        filters.append({"region": row["region"]})
    query = row["what"][:200]
    candidates = {}
    for f in filters:
        for result in searcher.search(query, top_k=FOLLOW_K, mode="keyword", filters=f):
            candidates.setdefault((result["letter_id"], result.get("start")), result)
    return best_follow_up(row, candidates.values(), lambda lid: searcher.letter(lid))


def best_follow_up(row: dict, passages, letter_of) -> dict | None:
    """The best later sentence among search result ``passages`` (pure: ``letter_of(id)`` gives metadata)."""
    wanted = content_bigrams(row["what"])
    if len(wanted) < MIN_SHARED:
        return None
    best = None
    for passage in passages:
        citation = passage.get("citation") or {}
        date = citation.get("date")
        if passage["letter_id"] == row["letter_id"] or not date or not is_later(date, row["date"]):
            continue
        text, base = passage["text"], passage.get("start") or 0
        for s, e in sentences(text):
            shared = wanted & content_bigrams(text[s:e])
            score = len(shared) / len(wanted)
            if len(shared) >= MIN_SHARED and score >= MIN_OVERLAP and (best is None or score > best["score"]):
                best = {"letter_id": passage["letter_id"], "title": citation.get("title"),
                        "doc_number": citation.get("doc_number"), "agency": citation.get("agency"), "date": date,
                        "text": text[s:e], "start": base + s, "end": base + e, "chunk": passage.get("chunk"),
                        "score": round(score, 3)}
    return best


def is_later(date: str, than: str) -> bool:
    """``date`` after ``than``; partial dates (``2024``, ``2024-06``) are later only in a later period."""
    n = min(len(date), len(than))
    return date[:n] > than[:n]


def content_bigrams(text: str) -> set[str]:
    """Character bigrams of ``text``'s own words: normalised (t2s, NFKC), generic reply words and
    punctuation removed, so 新建3处停车场 and 已建成3处停车场 share 停车, 车场, 3处."""
    norm = GENERIC.sub(" ", normalize_for_index(text))
    pieces = re.findall(r"[\u4e00-\u9fff0-9a-z]+", norm)
    return {p[i:i + 2] for p in pieces for i in range(len(p) - 1)}


def promise_rows(searcher, filters: dict | None = None, today: datetime.date | None = None) -> list[dict]:
    """The promise rows matching ``filters`` (``agency``, ``year``, ``status``, ``region``): plain dicts of
    ``FIELDS`` for the page, the API, the CLI and the spreadsheet export."""
    filters = filters or {}
    rows = all_promises(searcher, today)
    return filter_promises(rows, filters.get("agency"), filters.get("year"), filters.get("status"),
                           filters.get("region"))


SYNC_LETTERS = 2000  # up to this many letters, the first /promises request computes everything itself


def ready(searcher, today: datetime.date | None = None) -> bool:
    """Whether every promise's follow-up is computed. Over a large index (more than ``SYNC_LETTERS`` letters)
    the first call starts the work in a background thread and returns False until it is done (the page says
    so); over a small one it computes at once and returns True."""
    state = _state(searcher)
    if state.get("ready"):
        return True
    if len(searcher.letters()) <= SYNC_LETTERS:
        all_promises(searcher, today)
        state["ready"] = True
        return True
    with _cache_lock:
        if state.get("worker") is None:
            def work():
                all_promises(searcher, today)
                state["ready"] = True

            state["worker"] = threading.Thread(target=work, name="dafu-promises", daemon=True)
            state["worker"].start()
    return bool(state.get("ready"))
