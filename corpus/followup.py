"""Follow-up (后续答复) of promises: for each promise, the sentence of a later letter of the same agency or the
same place that shares the most of the promise's own words (character bigrams, generic reply words removed; at
least ``MIN_SHARED`` of them and ``MIN_OVERLAP`` of the promise's). Pure text over the letters given: an index
links its promises when it indexes the letters (index/), search/promises.py reads the links and judges the
status. Every sentence of every candidate letter is compared, through an inverted index of bigrams (numpy), so
10,000 letters take seconds, not a search per promise."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from .normalize import normalize_for_index
from .text import sentences

MIN_OVERLAP = 0.34  # share of the promise's content bigrams the later sentence must hold
MIN_SHARED = 3  # and at least this many of them
# Words every reply uses: they say nothing about what was promised.
GENERIC = re.compile(r"下一步|下步|我局|我委|我们|进一步|积极|加强|加大|推进|推动|不断|持续|继续|做好|工作|相关|有关|部门|"
                     r"力度|提升|完善|落实|开展|实施|努力|力争|争取|计划|确保|以便|同时|以及|结合|按照|根据|今后|逐步|"
                     r"尽快|及时|全面|认真|切实|建设|群众|需求|服务|问题|情况|方面|目前|已经|将|的|和|与|对|在|为|了")
# What a link holds (the later letter's citation is read from the index by its id).
LINK_FIELDS = ("later_letter_id", "later_start", "later_end", "later_text", "later_chunk", "later_score")


def content_bigrams(text: str) -> set[str]:
    """Character bigrams of ``text``'s own words: normalised (t2s, NFKC), generic reply words and
    punctuation removed, so 新建3处停车场 and 已建成3处停车场 share 停车, 车场, 3处."""
    norm = GENERIC.sub(" ", normalize_for_index(text))
    pieces = re.findall(r"[\u4e00-\u9fff0-9a-z]+", norm)
    return {p[i:i + 2] for p in pieces for i in range(len(p) - 1)}


def is_later(date: str, than: str) -> bool:
    """``date`` after ``than``; partial dates (``2024``, ``2024-06``) are later only in a later period."""
    n = min(len(date), len(than))
    return date[:n] > than[:n]


def link_follow_ups(promises: Sequence[dict], letters: Sequence[dict],
                    text_of: Callable[[str], tuple[str, Sequence]]) -> list[dict | None]:
    """For each promise (``letter_id`` and ``what``), its follow-up as a dict of ``LINK_FIELDS`` or None.

    ``letters``: every letter's ``id``, ``agency``, ``region``, ``date``. A candidate letter is dated after the
    promise's letter and its agency contains the promise's agency or its place the promise's place (the
    search filters' rule). ``text_of(id)`` gives a candidate's body and chunks (``start``, ``end``, ``ordinal``)."""
    own = {row["id"]: row for row in letters}
    ids = [row["id"] for row in letters]
    later = _Later(letters)
    groups: dict[tuple, np.ndarray] = {}  # (agency, region, date) of a promise's letter -> allowed letters
    allowed = []
    for p in promises:
        meta = own.get(p["letter_id"]) or {}
        key = (meta.get("agency") or "", meta.get("region") or "", meta.get("date") or "")
        if key not in groups:
            groups[key] = later.allowed(*key)
        allowed.append(groups[key])
    wanted = [content_bigrams(p["what"]) for p in promises]
    vocab = {b: i for i, b in enumerate(sorted(set().union(*wanted)))} if wanted else {}
    reach = np.zeros(len(ids), bool)
    for mask in groups.values():
        reach |= mask
    position = {lid: i for i, lid in enumerate(ids)}
    index = _SentenceIndex([ids[i] for i in np.flatnonzero(reach)], vocab, text_of, position)
    out = []
    for p, bigrams, mask in zip(promises, wanted, allowed):
        own_mask = mask.copy()
        if p["letter_id"] in index.position:
            own_mask[index.position[p["letter_id"]]] = False
        out.append(index.best(p, [vocab[b] for b in bigrams], len(bigrams), own_mask))
    return out


class _Later:
    """Which letters are later than a date and share an agency or a place, as boolean masks over ``letters``."""

    def __init__(self, letters: Sequence[dict]):
        self.agency = [row.get("agency") or "" for row in letters]
        self.region = [row.get("region") or "" for row in letters]
        self.dates = [row.get("date") or "" for row in letters]
        self.length = np.array([len(d) for d in self.dates])
        self._prefixes: dict[int, np.ndarray] = {}
        self._contains: dict[tuple[str, str], np.ndarray] = {}

    def allowed(self, agency: str, region: str, date: str) -> np.ndarray:
        mask = np.zeros(len(self.length), bool)
        if not date or not (agency or region):
            return mask  # without the promise's date nothing can be "later"; without a bureau or place, no group
        if agency:
            mask |= self._within("agency", agency)
        if region:
            mask |= self._within("region", region)
        later = np.zeros_like(mask)
        for n in set(self.length.tolist()) - {0}:  # compared at the precision both dates have (is_later's rule)
            m = min(n, len(date))
            later |= (self.length == n) & (self._prefix(m) > date[:m])
        return mask & later

    def _prefix(self, n: int) -> np.ndarray:
        if n not in self._prefixes:
            self._prefixes[n] = np.array([d[:n] for d in self.dates], dtype=f"U{n}")
        return self._prefixes[n]

    def _within(self, field: str, value: str) -> np.ndarray:
        if (field, value) not in self._contains:
            self._contains[(field, value)] = np.array([value in v for v in getattr(self, field)], bool)
        return self._contains[(field, value)]


class _SentenceIndex:
    """The sentences of the candidate letters with their content bigrams, inverted (bigram id -> sentences)."""

    def __init__(self, letter_ids: list[str], vocab: dict[str, int], text_of, position: dict[str, int]):
        self.position = position
        self.spans: list[tuple[str, int, int, str, int | None]] = []  # letter id, start, end, text, chunk
        letter_of, postings = [], {}
        for lid in letter_ids:
            body, chunks = text_of(lid)
            spans = sorted((c.start, c.end, c.ordinal) for c in chunks)
            for s, e in sentences(body):
                known = {vocab[b] for b in content_bigrams(body[s:e]) if b in vocab}
                if len(known) < MIN_SHARED:
                    continue
                row = len(self.spans)
                self.spans.append((lid, s, e, body[s:e], next((o for a, b, o in spans if a <= s < b), None)))
                letter_of.append(position[lid])
                for b in known:
                    postings.setdefault(b, []).append(row)
        self.letter_of = np.array(letter_of, np.int64)
        self.postings = {b: np.array(rows, np.int64) for b, rows in postings.items()}

    def best(self, promise: dict, wanted: list[int], size: int, allowed: np.ndarray) -> dict | None:
        """The sentence sharing the largest share of ``wanted`` among the allowed letters' (ties: the first)."""
        if size < MIN_SHARED:
            return None
        found = [self.postings[b] for b in wanted if b in self.postings]
        if not found:
            return None
        rows = np.concatenate(found)
        rows = rows[allowed[self.letter_of[rows]]]
        if not len(rows):
            return None
        rows, shared = np.unique(rows, return_counts=True)
        ok = (shared >= MIN_SHARED) & (shared / size >= MIN_OVERLAP)
        if not ok.any():
            return None
        pick = np.flatnonzero(ok)[np.argmax(shared[ok])]
        lid, start, end, text, chunk = self.spans[int(rows[pick])]
        return {"later_letter_id": lid, "later_start": start, "later_end": end, "later_text": text,
                "later_chunk": chunk, "later_score": round(float(shared[pick]) / size, 3)}
