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

from .chunk import reply_span
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
    """For each promise (``letter_id`` and ``what``), its follow-up as a dict of ``LINK_FIELDS`` or None; the
    words of its letter's agency and place do not count.

    ``letters``: every letter's ``id``, ``agency``, ``region``, ``date``. A candidate letter is dated after the
    promise's letter and its agency contains the promise's agency or its place the promise's place (the
    search filters' rule). ``text_of(id)`` gives a candidate's body and chunks (``start``, ``end``, ``ordinal``)."""
    own = {row["id"]: row for row in letters}
    later = _Later(letters)
    wanted = [content_bigrams(p["what"]) - _named(own.get(p["letter_id"]) or {}) for p in promises]
    vocab = {b: i for i, b in enumerate(sorted(set().union(*wanted)))} if wanted else {}
    table = _Sentences(vocab, text_of)
    groups: dict[tuple[str, str], dict[str, list[int]]] = {}  # agency, place -> letter date -> promises
    for i, p in enumerate(promises):
        meta = own.get(p["letter_id"]) or {}
        key = (meta.get("agency") or "", meta.get("region") or "")
        groups.setdefault(key, {}).setdefault(meta.get("date") or "", []).append(i)
    out: list[dict | None] = [None] * len(promises)
    for (agency, region), by_date in groups.items():  # one inverted index per agency and place
        index = _SentenceIndex(table, [later.ids[i] for i in np.flatnonzero(later.group(agency, region))],
                               later.position)
        for date, members in by_date.items():
            allowed = later.allowed(agency, region, date)
            for i in members:
                out[i] = index.best([vocab[b] for b in wanted[i]], len(wanted[i]), allowed)
    return out


def _named(letter: dict) -> set[str]:
    """The bigrams of a letter's agency and place: every candidate letter shares one of them (省交通运输厅将会同…
    is not followed up by 省交通运输厅高度重视…), so they say nothing about what was promised."""
    return content_bigrams(" ".join(filter(None, (letter.get("agency"), letter.get("region")))))


class _Later:
    """Which letters are later than a date and share an agency or a place, as boolean masks over ``letters``."""

    def __init__(self, letters: Sequence[dict]):
        self.ids = [row["id"] for row in letters]
        self.position = {lid: i for i, lid in enumerate(self.ids)}
        self.agency = [row.get("agency") or "" for row in letters]
        self.region = [row.get("region") or "" for row in letters]
        self.dates = [row.get("date") or "" for row in letters]
        self.length = np.array([len(d) for d in self.dates])
        self._prefixes: dict[int, np.ndarray] = {}
        self._contains: dict[tuple[str, str], np.ndarray] = {}

    def group(self, agency: str, region: str) -> np.ndarray:
        """The letters whose agency contains ``agency`` or whose place contains ``region``."""
        mask = np.zeros(len(self.length), bool)
        if agency:
            mask |= self._within("agency", agency)
        if region:
            mask |= self._within("region", region)
        return mask

    def allowed(self, agency: str, region: str, date: str) -> np.ndarray:
        mask = self.group(agency, region)
        if not date:
            return mask & False  # without the promise's date nothing can be "later"
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


class _Sentences:
    """Each letter's sentences with the ids of their content bigrams that some promise has, read once."""

    def __init__(self, vocab: dict[str, int], text_of):
        self.vocab, self.text_of = vocab, text_of
        self._of: dict[str, tuple[list[tuple], list[np.ndarray]]] = {}

    def of(self, letter_id: str) -> tuple[list[tuple], list[np.ndarray]]:
        """``(spans, bigram ids)``: spans ``(letter id, start, end, text, chunk)`` of the reply's sentences
        (``reply_span``) sharing at least ``MIN_SHARED`` bigrams with the promises' vocabulary."""
        if letter_id not in self._of:
            body, chunks = self.text_of(letter_id)
            marks = sorted((c.start, c.end, c.ordinal) for c in chunks)
            first, last = reply_span(body)  # the reply itself: not a page's labels, the restated proposal or the
            spans, ids = [], []  # signature, which share a promise's words and report nothing
            for s, e in sentences(body):
                if not first <= s < last:
                    continue
                known = [self.vocab[b] for b in content_bigrams(body[s:e]) if b in self.vocab]
                if len(known) >= MIN_SHARED:
                    spans.append((letter_id, s, e, body[s:e], next((o for a, b, o in marks if a <= s < b), None)))
                    ids.append(np.array(known, np.int64))
            self._of[letter_id] = (spans, ids)
        return self._of[letter_id]


class _SentenceIndex:
    """The sentences of some letters, inverted: bigram id -> the sentences holding it."""

    def __init__(self, table: _Sentences, letter_ids: list[str], position: dict[str, int]):
        self.spans: list[tuple] = []
        letter_of, bigram_ids, rows = [], [], []
        for lid in letter_ids:
            spans, ids = table.of(lid)
            for span, known in zip(spans, ids):
                bigram_ids.append(known)
                rows.append(np.full(len(known), len(self.spans), np.int64))
                self.spans.append(span)
                letter_of.append(position[lid])
        self.letter_of = np.array(letter_of, np.int64)
        self.rows = np.zeros(0, np.int64)  # sentences by bigram: bigram b's are rows[bounds[b][0]:bounds[b][1]]
        self.bounds: dict[int, tuple[int, int]] = {}
        if bigram_ids:
            bigram_ids, rows = np.concatenate(bigram_ids), np.concatenate(rows)
            order = np.argsort(bigram_ids, kind="stable")
            keys, starts, counts = np.unique(bigram_ids[order], return_index=True, return_counts=True)
            self.rows = rows[order]
            self.bounds = {k: (a, a + n) for k, a, n in zip(keys.tolist(), starts.tolist(), counts.tolist())}

    def best(self, wanted: list[int], size: int, allowed: np.ndarray) -> dict | None:
        """The sentence sharing the largest share of ``wanted`` among the allowed letters' (ties: the first)."""
        if size < MIN_SHARED:
            return None
        found = [self.rows[slice(*self.bounds[b])] for b in wanted if b in self.bounds]
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
