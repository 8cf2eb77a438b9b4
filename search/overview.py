"""The archive at a glance: how many letters there are by year, 承办单位, 答复类别, 地区 and ask cluster, and the
years in which a search's letters were written ("this came up in 2019, 2021 and 2024").

Counts read only the letters' metadata (``Searcher.letters()``), so they take milliseconds on 10,000 letters.
Ask clusters are the duplicate finder's own groups of letters on one ask (``search.dupes_all.all_pairs``, the same
clusters as ``dafu dupes --all``). They need every letter compared with its neighbours (about 70 s on 10,000
letters on 2 busy cores), so they are computed once per index generation: at once for a small archive, in a
background thread for a large one, while the counts are shown straight away with the note that the clusters
are still being computed. Counts are cached per index generation and filters.
"""
from __future__ import annotations

import copy
import logging
import threading
import time
import weakref
from collections import Counter

from ..corpus.metadata import CATEGORY_LABELS
from ..index.backend import Filter

log = logging.getLogger("dafu.overview")

FACETS = ("agency", "category", "region")   # counted by value; years separately (a continuous axis)
TOP = 15                                     # bars per chart; the rest are summed as "其他"
TOP_CLUSTERS = 15
SYNC_CLUSTER_LETTERS = 200                   # up to this many letters the clusters are computed in the request
                                             # (149 letters: 0.7 s)
MAX_YEAR_SPAN = 60

__all__ = ["overview", "summary", "cluster_counts", "ask_clusters", "letters_matching", "years_of", "category_label",
           "FACETS", "TOP"]


def letters_matching(searcher, filters: dict | None = None, fresh: bool = False) -> list[dict]:
    """The indexed letters that match every filter, with the search filters' own rules (承办单位/地区 contain
    the value, 年份 is the date's year, 答复类别 equals it), in index order. ``fresh``: every field of
    ``Searcher.letters()`` (for the letters download), else the fields of ``LISTED`` from a snapshot taken once
    per index generation (an index generation never changes)."""
    where = Filter.from_dict(filters)
    rows = searcher.letters() if fresh else _snapshot(searcher)
    return [row for row in rows if where.matches(row)] if where is not None else list(rows)


LISTED = ("id", "title", "doc_number", "agency", "date", "category", "region", "other_sources")
_SNAPSHOTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_COUNTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
MAX_CACHED_COUNTS = 256
_CLUSTERS_LOCK = threading.Lock()  # guards the caches of this module


def _snapshot(searcher) -> list[dict]:
    """The letters' listed fields, read once per searcher (reading 10,000 rows from the store takes 0.1-0.5 s)."""
    rows = _SNAPSHOTS.get(searcher)
    if rows is None:
        rows = [{k: r.get(k) for k in LISTED} for r in searcher.letters()]
        _SNAPSHOTS[searcher] = rows
    return rows


def overview(searcher, filters: dict | None = None, top: int = TOP) -> dict:
    """Letter counts of the (filtered) archive (computed once per searcher and filters)::

        {"total": int, "filters": {...},
         "by_year": [{"value": "2019", "count": 3}, ...]   # every year from the first to the last, 0 included
         "undated": int,
         "by_agency" / "by_category" / "by_region": {"items": [{"value", "count"}], most first, at most ``top``;
                                                    "other_values": int, "other_count": int, "missing": int}}
    """
    return {k: copy.deepcopy(v) for k, v in _counts(searcher, filters, top).items() if k != "ids"}


def _counts(searcher, filters: dict | None, top: int) -> dict:
    """``overview``'s counts plus ``ids`` (the matching letters, None without filters), cached per searcher."""
    key = (tuple(sorted((k, str(v)) for k, v in (filters or {}).items() if v not in (None, ""))), top)
    with _CLUSTERS_LOCK:
        cached = _COUNTS.setdefault(searcher, {})
        found = cached.get(key)
    if found is None:
        found = _count(letters_matching(searcher, filters), filters, top)
        with _CLUSTERS_LOCK:
            if len(cached) >= MAX_CACHED_COUNTS:
                cached.pop(next(iter(cached)))
            cached[key] = found
    return found


def _count(rows: list[dict], filters: dict | None, top: int) -> dict:
    years = Counter(year for year in (_year(r) for r in rows) if year)
    out = {"total": len(rows), "filters": dict(filters or {}), "by_year": _year_axis(years),
           "undated": sum(1 for r in rows if not _year(r)), "ids": None if not filters else {r["id"] for r in rows}}
    for name in FACETS:
        counts = Counter(r[name] for r in rows if r.get(name))
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if name == "category":  # A, B, C in their own order: the reader compares them, not ranks them
            ranked.sort(key=lambda kv: kv[0])
        shown, rest = ranked[:top], ranked[top:]
        out[f"by_{name}"] = {"items": [{"value": v, "count": c} for v, c in shown],
                             "other_values": len(rest), "other_count": sum(c for _, c in rest),
                             "missing": sum(1 for r in rows if not r.get(name))}
    return out


def summary(searcher, filters: dict | None = None, top: int = TOP) -> dict:
    """``overview`` plus the ask clusters of the same letters: ``{..., "clusters": {"status", "seconds",
    "items", "other_values", "other_count", "clustered"}}`` (what /overview draws and /api/overview returns)."""
    counts = _counts(searcher, filters, top)
    found = ask_clusters(searcher)
    grouped = cluster_counts(found["clusters"], counts["ids"])
    return {**overview(searcher, filters, top), "clusters": {"status": found["status"], "seconds": found["seconds"], **grouped}}


def years_of(results: list[dict]) -> list[dict]:
    """Distinct letters per year among search results (result objects with ``citation.date``), every year from
    the first to the last: ``[{"value": "2019", "count": 2, "letters": [ids]}, ...]``; undated letters left out."""
    letters: dict[str, set[str]] = {}
    for r in results:
        year = _year(r.get("citation") or {})
        if year:
            letters.setdefault(year, set()).add(r["letter_id"])
    axis = _year_axis(Counter({y: len(ids) for y, ids in letters.items()}))
    return [{**item, "letters": sorted(letters.get(item["value"], ()))} for item in axis]


def category_label(value: str) -> str:
    """``A`` -> ``A 类（已解决或采纳）``; a code with a number (``A1``) keeps its number."""
    meaning = CATEGORY_LABELS.get((value or "")[:1])
    return f"{value} 类（{meaning}）" if meaning else f"{value} 类"


# ------------------------------------------------------------------ ask clusters

_CLUSTERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def ask_clusters(searcher, wait: bool | None = None) -> dict:
    """The duplicate finder's ask clusters of this index generation::

        {"status": "ready" | "running" | "failed", "seconds": float | None,
         "clusters": [{"name", "letters": [ids], "years": [int], "agencies": [...], "categories": [...]}]}

    Computed once per searcher: in this call when ``wait`` (default: for archives of at most
    ``SYNC_CLUSTER_LETTERS`` letters), else in a background thread, reporting ``running`` until done (the
    searcher is safe to share between threads)."""
    with _CLUSTERS_LOCK:
        state = _CLUSTERS.get(searcher)
        first = state is None
        if first:
            state = {"status": "running", "seconds": None, "clusters": [], "done": threading.Event()}
            _CLUSTERS[searcher] = state
    if first:
        if wait is None:
            wait = len(searcher.by_id) <= SYNC_CLUSTER_LETTERS
        if wait:
            _compute(searcher, state)
        else:
            threading.Thread(target=_compute, args=(searcher, state), daemon=True,
                             name="dafu-ask-clusters").start()
    elif wait:
        state["done"].wait()
    return _public(state)


def _compute(searcher, state: dict) -> None:
    from .dupes_all import all_pairs

    started = time.perf_counter()
    try:
        report = all_pairs(searcher)
        clusters = report.get("cluster_details") or []
        state.update(clusters=[{k: c.get(k) for k in ("name", "letters", "years", "agencies", "categories")}
                               for c in clusters], status="ready")
    except Exception:  # the counts still show; the log says why the clusters do not
        log.exception("ask clusters failed")
        state["status"] = "failed"
    finally:
        state["seconds"] = round(time.perf_counter() - started, 2)
        state["done"].set()


def _public(state: dict) -> dict:
    return {k: state[k] for k in ("status", "seconds", "clusters")}


def cluster_counts(clusters: list[dict], letter_ids: set[str] | None = None, top: int = TOP_CLUSTERS) -> dict:
    """The largest clusters (counting only ``letter_ids`` when given): ``{"items": [{"value": name, "count",
    "years", "letters"}], "other_values", "other_count", "clustered": letters in any cluster}``."""
    items = []
    for c in clusters:
        members = [lid for lid in c.get("letters") or [] if letter_ids is None or lid in letter_ids]
        if len(members) >= 2:
            items.append({"value": c.get("name") or members[0], "count": len(members), "letters": members,
                          "years": c.get("years") or []})
    items.sort(key=lambda item: (-item["count"], item["value"]))
    rest = items[top:]
    return {"items": items[:top], "other_values": len(rest), "other_count": sum(i["count"] for i in rest),
            "clustered": sum(i["count"] for i in items)}


def _year(row: dict) -> str | None:
    date = row.get("date") or ""
    return date[:4] if len(date) >= 4 and date[:4].isdigit() else None


def _year_axis(counts: Counter) -> list[dict]:
    """Every year from the first to the last with its count (0 for a year with none)."""
    if not counts:
        return []
    years = sorted(int(y) for y in counts)
    if years[-1] - years[0] > MAX_YEAR_SPAN:  # a misread date (0199) must not draw 1,800 empty years
        return [{"value": y, "count": counts[y]} for y in sorted(counts)]
    return [{"value": str(y), "count": counts.get(str(y), 0)} for y in range(years[0], years[-1] + 1)]
