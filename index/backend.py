"""The index seam: ``IndexBackend`` is the one thing search/ and web/ use of an index.

A backend answers for one index generation: letters and passages by id or row, dense search and keyword
search under a metadata ``Filter``, document frequencies, stored vectors of given rows, the letters list
and its facets, and whether a newer generation has been switched to. It also gives each letter's
promises (承诺事项), computed from the bodies unless the backend stores them. The embedded default
(``index/sqlstore.py``: SQLite + memory-mapped vectors + FAISS + BM25 postings) is one backend; another
engine plugs in behind the same methods. ``open_index`` opens the current generation of an index
directory (building it from the bundled letters first when asked to); building and updating stay in
``index/build.py``.

What search/ also needs from the index layer is re-exported here (tokenisers, what is indexed for a passage,
the model cache directory, the errors), so search/ and web/ import nothing else from index/.
"""
from __future__ import annotations

import abc
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..corpus.models import Chunk
from ..corpus.followup import LINK_FIELDS, link_follow_ups
from ..corpus.promise_records import RECORD_FIELDS, promise_records
from .keyword import QUERY_STOPWORDS, query_tokens, tokenize  # noqa: F401 - re-exported for search/
from .paths import cache_dir  # noqa: F401 - re-exported for search/
from .paths import index_dir as resolve_index_dir

FILTERS = ("agency", "year", "category", "region")
PROMISE_FIELDS = RECORD_FIELDS + LINK_FIELDS  # a stored promise and its follow-up link


class IndexMissing(RuntimeError):
    """There is no built index in the directory."""


class ModelMismatch(ValueError):
    """The index was built with another embedding model."""


class OldIndexFormat(RuntimeError):
    """The index directory holds a generation written by an older dafu, in a format no longer read."""


@dataclass(frozen=True)
class Filter:
    """Which letters' passages may be returned, as an expression over letter metadata: ``agency`` and
    ``region`` match as substrings, ``year`` as the start of the date, ``category`` exactly, ``letter_ids``
    as a set. Every given condition must hold."""

    agency: str | None = None
    year: str | None = None
    category: str | None = None
    region: str | None = None
    letter_ids: frozenset[str] | None = None

    @classmethod
    def from_dict(cls, filters: dict | None) -> "Filter | None":
        """The filter of a web/CLI ``filters`` dict (unknown keys and empty values ignored); None for none."""
        if not filters:
            return None
        wanted = {k: str(v).strip() for k, v in filters.items() if k in FILTERS and v not in (None, "")}
        ids = filters.get("letter_ids")
        made = cls(**wanted, letter_ids=frozenset(ids) if ids is not None else None)
        return None if made.is_empty() else made

    def is_empty(self) -> bool:
        return all(getattr(self, name) in (None, "") for name in FILTERS) and self.letter_ids is None

    def matches(self, row: dict) -> bool:
        """Does a letter's metadata row satisfy the filter (the reference the backends' queries follow)?"""
        if self.letter_ids is not None and row.get("id") not in self.letter_ids:
            return False
        for name in FILTERS:
            value = getattr(self, name)
            if value in (None, ""):
                continue
            have = row.get("date") if name == "year" else row.get(name)
            if not have:
                return False
            if (name == "year" and not have.startswith(value)) or (name == "category" and have != value) \
                    or (name in ("agency", "region") and value not in have):
                return False
        return True


class IndexBackend(abc.ABC):
    """One index generation, read-only and safe to share between threads."""

    manifest: dict

    # --- identity -------------------------------------------------------------------------------------
    @property
    @abc.abstractmethod
    def generation(self) -> str | None:
        """The generation's name (unique per build)."""

    @abc.abstractmethod
    def is_stale(self) -> bool:
        """A newer generation of the same index has been switched to since this one was opened."""

    @abc.abstractmethod
    def reopen(self) -> "IndexBackend":
        """The newest generation of the same index."""

    @property
    def dim(self) -> int:
        return int(self.manifest["dim"])

    # --- letters and passages -------------------------------------------------------------------------
    @abc.abstractmethod
    def letter_count(self) -> int: ...

    @abc.abstractmethod
    def chunk_count(self) -> int: ...

    @abc.abstractmethod
    def letter(self, letter_id: str) -> dict | None:
        """A letter's row: metadata, ``body``, ``source``, ``content_hash``, ``chunks`` (count)."""

    @abc.abstractmethod
    def letter_ids(self) -> list[str]:
        """Every letter id, in index order."""

    @abc.abstractmethod
    def letters(self, fields: Sequence[str]) -> list[dict]:
        """The given fields of every letter (no bodies unless asked), in index order."""

    @abc.abstractmethod
    def chunk(self, row: int) -> Chunk: ...

    def chunks(self, rows) -> list[Chunk]:
        return [self.chunk(int(r)) for r in rows]

    @abc.abstractmethod
    def rows_of_letter(self, letter_id: str) -> list[int]:
        """A letter's passage rows, in chunk order."""

    @abc.abstractmethod
    def rows_by_letter(self) -> dict[str, list[int]]:
        """Passage rows of every letter (for whole-index work such as ``dupes --all``)."""

    def chunk_texts(self) -> Sequence[str]:
        """Passage texts by row, read when indexed (not all held in memory)."""
        return _ChunkTexts(self)

    @abc.abstractmethod
    def facets(self) -> dict[str, list[str]]:
        """Values the filters can take: ``{"agency", "year", "category", "region"}`` -> sorted values."""

    @abc.abstractmethod
    def filter_rows(self, where: Filter) -> np.ndarray:
        """The passage rows ``where`` allows, ascending."""

    promises_stored = False  # whether promises() reads what the index stored (else it computes them per call)

    def promises(self, letter_id: str | None = None, fields: Sequence[str] = PROMISE_FIELDS) -> list[dict]:
        """The promises (承诺事项, ``corpus/promises.py``) of one letter, or of every letter in index order, each
        with its follow-up link (``corpus/followup.py``): dicts of ``fields`` (of ``PROMISE_FIELDS``; a listing
        leaves the texts out). This default extracts and links them from the stored bodies on every call; a
        backend that stores them at index time reads them instead (``promises_stored``)."""
        records = []
        for lid in ([letter_id] if letter_id is not None else self.letter_ids()):
            letter = self.letter(lid)
            if letter is not None:
                records += promise_records(lid, letter.get("body") or "", letter.get("date"),
                                           self.chunks(self.rows_of_letter(lid)))
        links = link_follow_ups(records, self.letters(("id", "agency", "region", "date")), self._text_of)
        return [{f: {**r, **(link or {})}.get(f) for f in fields} for r, link in zip(records, links)]

    def _text_of(self, letter_id: str) -> tuple[str, list[Chunk]]:
        return (self.letter(letter_id) or {}).get("body") or "", self.chunks(self.rows_of_letter(letter_id))

    # --- retrieval ------------------------------------------------------------------------------------
    @abc.abstractmethod
    def dense_search(self, vector: np.ndarray, k: int, where: Filter | None = None) -> list[tuple[int, float]]:
        """The ``k`` passages nearest ``vector`` (inner product), ``(row, score)`` best first."""

    @abc.abstractmethod
    def keyword_search(self, tokens: list[str], k: int, where: Filter | None = None) -> "KeywordHits":
        """BM25 of ``tokens`` (each occurrence counts): ``.top``, the ``k`` passages with a positive score as
        ``(row, score)`` best first, and ``.scores_of(rows)``."""

    @abc.abstractmethod
    def idf(self, tokens: list[str]) -> dict[str, float]:
        """BM25-style IDF of each token over the indexed passages; unseen words weigh the most."""

    @abc.abstractmethod
    def vectors(self, rows=None) -> np.ndarray:
        """Stored passage vectors of ``rows`` (all of them, memory-mapped, when None)."""

    # --- the model --------------------------------------------------------------------------------------
    @abc.abstractmethod
    def encoder(self):
        """The index's own encoder (``encode_queries``, ``encode_passages``), loaded at first use and safe to
        share between threads; refuses a ``DAFU_MODEL`` other than the index's."""

    @property
    def by_id(self) -> Mapping[str, dict]:
        """Letters by id, read on demand."""
        return LetterMap(self)


class KeywordHits:
    """The passages a keyword query scores, sparse: ``rows`` ascending with their ``scores``."""

    def __init__(self, rows: np.ndarray, scores: np.ndarray, k: int):
        self.rows, self.scores = rows, scores
        self.top: list[tuple[int, float]] = []
        if len(rows) and k > 0:
            pick = _largest(scores, min(k, len(rows)))
            pick = pick[np.lexsort((rows[pick], -scores[pick]))]
            self.top = [(int(rows[i]), float(scores[i])) for i in pick if scores[i] > 0]

    def scores_of(self, rows) -> np.ndarray:
        """BM25 of the given passages (0 for a passage that holds none of the tokens)."""
        rows = np.asarray(rows, np.int64)
        out = np.zeros(len(rows), np.float32)
        if len(self.rows) and len(rows):
            at = np.searchsorted(self.rows, rows).clip(0, len(self.rows) - 1)
            hit = self.rows[at] == rows
            out[hit] = self.scores[at[hit]]
        return out


def _largest(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest ``scores`` (any of those tied at the k-th). Among many, only the scores at
    least the k-th largest of every 16th can be (at least k of them, about 16 k): selecting from those is
    several times faster than over all."""
    if k >= len(scores):
        return np.arange(len(scores))
    if len(scores) >= 64 * k:
        sample = scores[::16]
        floor = np.partition(sample, len(sample) - k)[len(sample) - k]
        candidates = np.flatnonzero(scores >= floor)
        return candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
    return np.argpartition(-scores, k - 1)[:k]


class LetterMap(Mapping):
    """A read-only mapping letter id -> letter row over a backend (rows fetched on demand, a few cached)."""

    def __init__(self, backend: IndexBackend, cached: int = 256):
        self._backend = backend
        self._cache: dict[str, dict | None] = {}
        self._cached = cached
        self._lock = threading.Lock()

    def __getitem__(self, letter_id: str) -> dict:
        with self._lock:
            if letter_id in self._cache:
                row = self._cache[letter_id]
                if row is None:
                    raise KeyError(letter_id)
                return row
        row = self._backend.letter(letter_id) if isinstance(letter_id, str) else None
        with self._lock:
            if len(self._cache) >= self._cached:
                self._cache.pop(next(iter(self._cache)))
            self._cache[letter_id] = row
        if row is None:
            raise KeyError(letter_id)
        return row

    def __contains__(self, letter_id) -> bool:
        try:
            self[letter_id]
        except KeyError:
            return False
        return True

    def __iter__(self):
        return iter(self._backend.letter_ids())

    def __len__(self) -> int:
        return self._backend.letter_count()


class _ChunkTexts(Sequence):
    def __init__(self, backend: IndexBackend):
        self._backend = backend

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self._backend.chunk(r).text for r in range(*row.indices(len(self)))]
        return self._backend.chunk(int(row)).text

    def __len__(self) -> int:
        return self._backend.chunk_count()

    def __add__(self, other) -> list[str]:
        return list(self) + list(other)


def index_text(letter: dict, chunk: Chunk) -> str:
    """What is embedded and keyword-indexed for a passage (see ``index/build.py``)."""
    from .build import index_text as _index_text

    return _index_text(letter, chunk)


def open_index(index_dir=None, build_if_missing: bool = False, progress: bool = False) -> IndexBackend:
    """The current generation of ``index_dir`` (default: ``DAFU_INDEX_DIR``, else the per-user data dir) on
    the ``DAFU_BACKEND`` engine, built from the bundled letters first when there is none and ``build_if_missing``."""
    from .store import open_generation

    directory = resolve_index_dir(index_dir)
    try:
        return open_generation(directory)
    except IndexMissing:
        if not build_if_missing:
            raise
    from .build import build_index

    build_index(index_dir=directory, progress=progress)
    return open_generation(directory)


def index_location(index_dir=None) -> Path:
    return resolve_index_dir(index_dir)
