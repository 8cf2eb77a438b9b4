"""Promises and their follow-up: every letter's committing sentences (corpus/promises.py) as plain row dicts,
each with the later letter of the same agency or place that reports on the same thing (corpus/followup.py).

Status (never "done": the later sentence is shown and the reader judges):
- 已有后续答复: a later letter (by date) of the same agency or place has a sentence on the same thing;
- 到期未见后续: the promise's deadline has passed (as of ``today``) and no later letter speaks of it;
- 未到期: the deadline has not passed yet and no later letter speaks of it;
- 无明确期限: the promise names no deadline and no later letter speaks of it.

Promises and their links are read from the index (``Searcher.promises()``: the embedded store made them when
it indexed the letters; a backend that does not store them computes them), with the letters' citations from
the index's letters list. The listing (what sorts, filters and counts, with the status of the day) is read once
per searcher and day, in the background when a server opens an index generation (``warm``); the rows handed
out get their details (texts, offsets, deadline, figure) from the index (``with_details``)."""
from __future__ import annotations

import datetime
import threading
import weakref

from ..index.backend import PROMISE_FIELDS

FOLLOWED, OVERDUE, PENDING, OPEN = "已有后续答复", "到期未见后续", "未到期", "无明确期限"
STATUSES = (FOLLOWED, OVERDUE, PENDING, OPEN)

# Row fields, in the order exports show them (every value a str, int or None).
FIELDS = ("id", "letter_id", "title", "doc_number", "agency", "region", "date", "text", "what", "section",
          "start", "end", "chunk", "deadline", "due", "deadline_year", "figure", "status",
          "later_letter_id", "later_title", "later_doc_number", "later_agency", "later_date",
          "later_text", "later_start", "later_end", "later_chunk")
CITATION = ("title", "doc_number", "agency", "region", "date")

LISTED = ("letter_id", "start", "due", "later_letter_id")  # what the listing reads: enough to sort, filter, count
DETAILS = tuple(f for f in PROMISE_FIELDS if f not in LISTED)  # read for the rows handed out (texts, offsets…)
BULK = 500  # more rows than this get their details from one read of every promise, not letter by letter

_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def _state(searcher) -> dict:
    with _cache_lock:
        state = _cache.get(searcher)
        if state is None:
            state = {"by_day": {}, "by_letter": {}, "facets": None, "reading": threading.Lock()}
            _cache[searcher] = state
        return state


def letter_promises(searcher, letter_id: str, today: datetime.date | None = None) -> list[dict]:
    """The promise rows of one letter with their texts, follow-up and status, in body order."""
    state = _state(searcher)
    records = state["by_letter"].get(letter_id)
    if records is None:
        records = searcher.promises(letter_id) if letter_id in searcher.by_id else []
        state["by_letter"][letter_id] = records
    cite, day = _Citations(searcher.by_id), _day(today)
    return [_row(cite, r, _status(r["due"], r["later_letter_id"], day)) for r in records]


def all_promises(searcher, today: datetime.date | None = None, details: bool = True) -> list[dict]:
    """Every indexed letter's promise rows with their follow-up and status, newest letter first (computed once
    per searcher and day). ``details=False``: listing rows (``LISTED``, agency, place, date, status); make the
    rows shown whole with ``with_details``."""
    state = _state(searcher)
    day = _day(today)
    rows = state["by_day"].get(day)
    if rows is None:
        with state["reading"]:  # one read at a time: a request during the warm-up waits for it
            rows = state["by_day"].get(day)
            if rows is None:
                rows = _listing(searcher, day)
                state["by_day"] = {day: rows}  # one day at a time: statuses change with the date
    return with_details(searcher, rows) if details else rows


def warm(searcher, wait: bool = False) -> threading.Thread | None:
    """Read every promise's listing row and the facets once per searcher, in this thread when ``wait`` (a server
    starting: 0.4 s for 43,000 promises of 10,000 letters), else in a background thread (a server switching to a
    newer index generation), so that a first /promises visit finds them read. Nothing when the index does not
    store its promises."""
    if not getattr(searcher, "promises_stored", False):  # (a stand-in searcher of a test has no index)
        return None
    if wait:
        promise_facets(searcher)
        return None
    worker = threading.Thread(target=promise_facets, args=(searcher,), name="dafu-promises-warm", daemon=True)
    worker.start()
    return worker


def _listing(searcher, day: str) -> list[dict]:
    """Every promise's listing row, newest letter first: ``LISTED``, the letter's agency, place and date (what
    the filters read) and the status on ``day``; small dicts, since there may be tens of thousands."""
    letters = sorted(searcher.index.letters(("id", "agency", "region", "date")),
                     key=lambda m: (m.get("date") or "", m["id"]), reverse=True)
    by_letter: dict[str, list[dict]] = {}
    for record in searcher.promises(fields=LISTED):
        by_letter.setdefault(record["letter_id"], []).append(record)
    rows = []
    for m in letters:
        lid, agency, region, date = m["id"], m.get("agency"), m.get("region"), m.get("date")
        for r in reversed(by_letter.get(lid, ())):
            due, later = r["due"], r["later_letter_id"]
            rows.append({"letter_id": lid, "start": r["start"], "due": due, "later_letter_id": later,
                         "agency": agency, "region": region, "date": date, "status": _status(due, later, day)})
    return rows


def with_details(searcher, rows: list[dict]) -> list[dict]:
    """Listing ``rows`` as whole rows of ``FIELDS``: their ``DETAILS`` read from the index and the citations of
    their letter and later letter (letter by letter, or all at once for many rows)."""
    wanted = ("letter_id", "start") + DETAILS
    if len(rows) > BULK:
        found = {(r["letter_id"], r["start"]): r for r in searcher.promises(fields=wanted)}
        cite = _Citations({m["id"]: m for m in searcher.index.letters(("id",) + CITATION)})
    else:
        found = {(r["letter_id"], r["start"]): r for lid in dict.fromkeys(row["letter_id"] for row in rows)
                 for r in searcher.promises(lid, fields=wanted)}
        cite = _Citations(searcher.by_id)
    out = []
    for row in rows:
        record = {**(found.get((row["letter_id"], row["start"])) or {}), **{k: row[k] for k in LISTED}}
        full = _row(cite, record, row["status"])
        out.append({f: full.get(f) for f in FIELDS})
    return out


def _day(today: datetime.date | None) -> str:
    return (today or datetime.date.today()).isoformat()


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


class _Citations:
    """Each letter's citation as row fields, its own (``title`` …) and as a later letter's (``later_title`` …)."""

    def __init__(self, letters):
        self.letters = letters
        self._own: dict[str, dict] = {}
        self._later: dict[str, dict] = {}

    def own(self, letter_id: str) -> dict:
        if letter_id not in self._own:
            meta = self.letters.get(letter_id) or {}
            self._own[letter_id] = {k: meta.get(k) for k in CITATION}
        return self._own[letter_id]

    def later(self, letter_id: str | None) -> dict:
        if letter_id not in self._later:
            meta = (self.letters.get(letter_id) or {}) if letter_id else {}
            self._later[letter_id] = {f"later_{k}": meta.get(k) for k in CITATION if k != "region"}
        return self._later[letter_id]


def _row(cite: _Citations, record: dict, status: str) -> dict:
    """A stored promise and its follow-up link (``index.backend.PROMISE_FIELDS``) with its letter's citation,
    the later letter's and its ``status``."""
    return {**record, **cite.own(record["letter_id"]), **cite.later(record.get("later_letter_id")),
            "id": f"{record['letter_id']}#{record['start']}", "status": status}


def status_of(row: dict, today: datetime.date | None = None) -> str:
    """已有后续答复 when a later sentence was found; else 到期未见后续 when ``row['due']`` is before ``today``,
    未到期 when it is not, 无明确期限 when the promise gave no deadline."""
    return _status(row.get("due"), row.get("later_letter_id"), _day(today))


def _status(due: str | None, later: str | None, day: str) -> str:
    return FOLLOWED if later else OPEN if not due else OVERDUE if due < day else PENDING


def promise_rows(searcher, filters: dict | None = None, today: datetime.date | None = None,
                 details: bool = True) -> list[dict]:
    """The promise rows matching ``filters`` (``agency``, ``year``, ``status``, ``region``): plain dicts of
    ``FIELDS`` for the page, the API, the CLI and the spreadsheet export (``details=False``: listing rows, for a
    page that fills in the rows it shows with ``with_details``)."""
    filters = filters or {}
    rows = filter_promises(all_promises(searcher, today, details=False), filters.get("agency"), filters.get("year"),
                           filters.get("status"), filters.get("region"))
    return with_details(searcher, rows) if details else rows


def promise_facets(searcher) -> dict[str, list[str]]:
    """``facets`` of every promise of the index (read once per searcher)."""
    state = _state(searcher)
    if state["facets"] is None:
        state["facets"] = facets(all_promises(searcher, details=False))
    return state["facets"]


SYNC_LETTERS = 2000  # without stored promises, up to this many letters the first request computes them itself


def ready(searcher, today: datetime.date | None = None) -> bool:
    """Whether every promise and its follow-up is at hand. An index that stores them (the embedded store) reads
    them at once; over a backend that computes them, a large index (more than ``SYNC_LETTERS`` letters) starts
    the work in a background thread on the first call and returns False until it is done (the page says so)."""
    state = _state(searcher)
    if state.get("ready"):
        return True
    if searcher.promises_stored or len(searcher.letters()) <= SYNC_LETTERS:
        all_promises(searcher, today, details=False)
        state["ready"] = True
        return True
    with _cache_lock:
        if state.get("worker") is None:
            def work():
                all_promises(searcher, today, details=False)
                state["ready"] = True

            state["worker"] = threading.Thread(target=work, name="dafu-promises", daemon=True)
            state["worker"].start()
    return bool(state.get("ready"))
