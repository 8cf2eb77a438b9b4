"""Promises and their follow-up: every letter's committing sentences (corpus/promises.py) as plain row dicts,
each with the later letter of the same agency or place that reports on the same thing (corpus/followup.py).

Status (never "done": the later sentence is shown and the reader judges):
- 已有后续答复: a later letter (by date) of the same agency or place has a sentence on the same thing;
- 到期未见后续: the promise's deadline has passed (as of ``today``) and no later letter speaks of it;
- 未到期: the deadline has not passed yet and no later letter speaks of it;
- 无明确期限: the promise names no deadline and no later letter speaks of it.

Promises and their links are read from the index (``Searcher.promises()``: the embedded store made them when
it indexed the letters; a backend that does not store them computes them), with the letters' citations from
``Searcher.letters()``; rows are cached per searcher (a new index generation is a new searcher) and only the
status, which depends on the day, is worked out per call."""
from __future__ import annotations

import datetime
import threading
import weakref

FOLLOWED, OVERDUE, PENDING, OPEN = "已有后续答复", "到期未见后续", "未到期", "无明确期限"
STATUSES = (FOLLOWED, OVERDUE, PENDING, OPEN)

# Row fields, in the order exports show them (every value a str, int or None).
FIELDS = ("id", "letter_id", "title", "doc_number", "agency", "region", "date", "text", "what", "section",
          "start", "end", "chunk", "deadline", "due", "deadline_year", "figure", "status",
          "later_letter_id", "later_title", "later_doc_number", "later_agency", "later_date",
          "later_text", "later_start", "later_end", "later_chunk")
CITATION = ("title", "doc_number", "agency", "region", "date")

_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def _state(searcher) -> dict:
    with _cache_lock:
        state = _cache.get(searcher)
        if state is None:
            state = {"rows": None, "by_letter": {}}
            _cache[searcher] = state
        return state


def letter_promises(searcher, letter_id: str, today: datetime.date | None = None) -> list[dict]:
    """The promise rows of one letter with their follow-up and status, in body order."""
    state = _state(searcher)
    rows = state["by_letter"].get(letter_id)
    if rows is None:
        rows = [_row(searcher.by_id.get, r) for r in searcher.promises(letter_id)] \
            if letter_id in searcher.by_id else []
        state["by_letter"][letter_id] = rows
    return [with_status(row, today) for row in rows]


def all_promises(searcher, today: datetime.date | None = None) -> list[dict]:
    """Every indexed letter's promise rows with their follow-up and status, newest letter first."""
    state = _state(searcher)
    if state["rows"] is None:
        metas = {meta["id"]: meta for meta in searcher.letters()}
        rows = [_row(metas.get, r) for r in searcher.promises() if r["letter_id"] in metas]
        rows.sort(key=lambda r: (r["date"] or "", r["letter_id"], -r["start"]), reverse=True)
        state["rows"] = rows
    return [with_status(row, today) for row in state["rows"]]


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


def _row(letter_of, record: dict) -> dict:
    """A stored promise with its follow-up link (``index.backend.PROMISE_FIELDS``), its letter's citation and
    the later letter's, in ``FIELDS`` order (no status)."""
    letter = letter_of(record["letter_id"]) or {}
    later = (letter_of(record["later_letter_id"]) or {}) if record.get("later_letter_id") else {}
    merged = {"id": f"{record['letter_id']}#{record['start']}", **record, **{k: letter.get(k) for k in CITATION},
              **{f"later_{k}": later.get(k) for k in CITATION if k != "region"}}
    return {f: merged.get(f) for f in FIELDS if f != "status"}


def with_status(row: dict, today: datetime.date | None = None) -> dict:
    """``row`` with its status as of ``today``."""
    return {**row, "status": status_of(row, today)}


def status_of(row: dict, today: datetime.date | None = None) -> str:
    """已有后续答复 when a later sentence was found; else 到期未见后续 when ``row['due']`` is before ``today``,
    未到期 when it is not, 无明确期限 when the promise gave no deadline."""
    if row.get("later_letter_id"):
        return FOLLOWED
    if not row.get("due"):
        return OPEN
    today = today or datetime.date.today()
    return OVERDUE if row["due"] < today.isoformat() else PENDING


def promise_rows(searcher, filters: dict | None = None, today: datetime.date | None = None) -> list[dict]:
    """The promise rows matching ``filters`` (``agency``, ``year``, ``status``, ``region``): plain dicts of
    ``FIELDS`` for the page, the API, the CLI and the spreadsheet export."""
    filters = filters or {}
    rows = all_promises(searcher, today)
    return filter_promises(rows, filters.get("agency"), filters.get("year"), filters.get("status"),
                           filters.get("region"))


SYNC_LETTERS = 2000  # without stored promises, up to this many letters the first request computes them itself


def ready(searcher, today: datetime.date | None = None) -> bool:
    """Whether every promise and its follow-up is at hand. An index that stores them (the embedded store) reads
    them at once; over a backend that computes them, a large index (more than ``SYNC_LETTERS`` letters) starts
    the work in a background thread on the first call and returns False until it is done (the page says so)."""
    state = _state(searcher)
    if state.get("ready"):
        return True
    if searcher.index.promises_stored or len(searcher.letters()) <= SYNC_LETTERS:
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
