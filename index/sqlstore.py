"""The embedded default backend: one index generation as files in one directory.

- ``store.sqlite``: letters (metadata, body), passages (row, letter, section, text, offsets) and the token
  vocabulary. Bodies and passages are read on demand; the letters list, filters and facets are SQL.
- ``vectors.npy``: the passage vectors, stored once and memory-mapped (``np.load(mmap_mode="r")``).
- ``dense.faiss``: only at ``APPROX_MIN`` passages and more, an IVF index with 8-bit codes whose candidates
  are re-scored exactly from ``vectors.npy``; below that, dense search is exact over the memory-mapped vectors.
- ``terms_*.npy``: per passage its distinct token ids and counts; ``bm25_*.npy``: the BM25 postings built from
  them (``index/keyword.py``), memory-mapped.
- ``store.sqlite`` also holds each letter's promises (承诺事项) with their follow-up links, made at index time
  (an update re-links only the promises of the agencies and places whose letters changed); ``manifest.json``
  names the rules that made them (``promise_rules``): an index of other rules (or none) makes them again on
  its next update and meanwhile computes them on the fly.
- ``manifest.json``: model identity, counts, ``"format": 2``.

``index/sqlwrite.py`` writes a generation.
"""
from __future__ import annotations

import functools
import json
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from ..corpus.models import Chunk
from ..corpus.promise_records import RULES
from . import promise_store
from .backend import PROMISE_FIELDS, Filter, IndexBackend, KeywordHits
from .keyword import KeywordIndex, Terms
from .query_encoder import QueryEncoder

FORMAT = 2
APPROX_MIN = 200_000     # passages from which dense search is approximate (IVF-SQ8 + exact re-scoring)
NPROBE = 256             # IVF lists searched per query: recall@10 0.988 at 250k passages (48: 0.90), 2.7 ms
RESCORE = 4              # IVF candidates per wanted passage re-scored with the stored vectors
EXACT_FILTERED_MAX = 50_000  # a filter allowing at most this many passages is searched exactly
BLOCK = 65_536           # rows per block of exact search over the memory-mapped vectors

LETTER_FIELDS = ("id", "title", "doc_number", "category", "session", "proposal_number", "addressee",
                 "agency", "date", "region", "warnings", "source", "body", "content_hash", "chunks", "other_sources")
JSON_FIELDS = ("warnings", "other_sources")   # lists, stored as JSON text
SCHEMA = """
CREATE TABLE letters (pos INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT, doc_number TEXT,
  category TEXT, session TEXT, proposal_number TEXT, addressee TEXT, agency TEXT, date TEXT, region TEXT,
  warnings TEXT, source TEXT, body TEXT, content_hash TEXT, chunks INTEGER, other_sources TEXT);
CREATE TABLE chunks (row INTEGER PRIMARY KEY, letter_id TEXT NOT NULL, ordinal INTEGER, section TEXT,
  text TEXT, start INTEGER, "end" INTEGER);
CREATE TABLE vocab (id INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE);
"""
INDEXES = "CREATE INDEX chunks_letter ON chunks(letter_id, row);"


def letter_to_sql(row: dict) -> tuple:
    return tuple(json.dumps(row.get(f) or [], ensure_ascii=False) if f in JSON_FIELDS else row.get(f)
                 for f in LETTER_FIELDS)


def _letter_from_sql(fields, values) -> dict:
    row = dict(zip(fields, values))
    for name in JSON_FIELDS:
        if name in row:
            row[name] = json.loads(row[name]) if row[name] else []
    return row


class EmbeddedIndex(IndexBackend):
    """A generation directory of the embedded store, opened read-only."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.manifest = json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))
        self._local = threading.local()
        self._vectors = np.load(self.path / "vectors.npy", mmap_mode="r")
        self._keyword = KeywordIndex.load(self.path, self.chunk_count())
        self._dense = None
        if (self.path / "dense.faiss").exists():
            import faiss

            self._dense = faiss.read_index(str(self.path / "dense.faiss"))
        self._encoder: QueryEncoder | None = None
        self._encoder_lock = threading.Lock()
        self._filters: OrderedDict = OrderedDict()
        self._filters_lock = threading.Lock()
        self._rows_by_letter: dict | None = None
        self._by_id = None
        self._chunk_cached = functools.lru_cache(maxsize=4096)(self._chunk)

    # --- identity ---------------------------------------------------------------------------------------
    @property
    def generation(self) -> str | None:
        return self.manifest.get("generation") or self.path.name

    @property
    def index_dir(self) -> Path:
        return self.path.parent.parent

    def is_stale(self) -> bool:
        from .store import current_generation

        latest = current_generation(self.index_dir)
        return latest is not None and latest.name != self.path.name

    def reopen(self) -> "EmbeddedIndex":
        from .store import load_generation

        return load_generation(self.index_dir)

    @property
    def by_id(self):
        if self._by_id is None:
            from .backend import LetterMap

            self._by_id = LetterMap(self)
        return self._by_id

    # --- SQLite -------------------------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        """This thread's read-only connection."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            uri = (self.path / "store.sqlite").resolve().as_uri() + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            conn.execute("PRAGMA query_only = 1")
            self._local.conn = conn
        return conn

    def letter_count(self) -> int:
        return int(self.manifest["letter_count"])

    def chunk_count(self) -> int:
        return int(self.manifest["chunk_count"])

    @functools.cached_property
    def stored_fields(self) -> frozenset[str]:
        """The letter columns of this generation (one written before ``other_sources`` has none)."""
        return frozenset(r[1] for r in self.db.execute("PRAGMA table_info(letters)"))

    def columns(self, fields=LETTER_FIELDS) -> str:
        """SQL naming ``fields`` of the letters table, NULL for a column this generation lacks."""
        return ", ".join(f if f in self.stored_fields else f"NULL AS {f}" for f in fields)

    def letter(self, letter_id: str) -> dict | None:
        found = self.db.execute(f"SELECT {self.columns()} FROM letters WHERE id = ?", (letter_id,)).fetchone()
        return _letter_from_sql(LETTER_FIELDS, found) if found else None

    def letter_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM letters ORDER BY pos")]

    def letters(self, fields=LETTER_FIELDS) -> list[dict]:
        fields = [f for f in fields if f in LETTER_FIELDS]
        return [_letter_from_sql(fields, values)
                for values in self.db.execute(f"SELECT {self.columns(fields)} FROM letters ORDER BY pos")]

    def chunk(self, row: int) -> Chunk:
        return self._chunk_cached(int(row))

    def _chunk(self, row: int) -> Chunk:
        found = self.db.execute('SELECT letter_id, ordinal, section, text, start, "end" FROM chunks WHERE row = ?',
                                (int(row),)).fetchone()
        if found is None:
            raise IndexError(row)
        return Chunk(*found)

    def rows_of_letter(self, letter_id: str) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT row FROM chunks WHERE letter_id = ? ORDER BY row",
                                              (letter_id,))]

    def rows_by_letter(self) -> dict[str, list[int]]:
        if self._rows_by_letter is None:
            rows: dict[str, list[int]] = {lid: [] for lid in self.letter_ids()}
            for lid, row in self.db.execute("SELECT letter_id, row FROM chunks ORDER BY row"):
                rows.setdefault(lid, []).append(row)
            self._rows_by_letter = rows
        return self._rows_by_letter

    def facets(self) -> dict[str, list[str]]:
        out = {}
        for name, column in (("agency", "agency"), ("year", "substr(date, 1, 4)"), ("category", "category"),
                             ("region", "region")):
            out[name] = [r[0] for r in self.db.execute(
                f"SELECT DISTINCT {column} AS v FROM letters WHERE v IS NOT NULL AND v != '' ORDER BY v")]
        return out

    def filter_rows(self, where: Filter) -> np.ndarray:
        with self._filters_lock:
            if where in self._filters:
                self._filters.move_to_end(where)
                return self._filters[where]
        sql, params = _filter_sql(where)
        found = self.db.execute(f"SELECT c.row FROM chunks c JOIN letters l ON l.id = c.letter_id WHERE {sql} "
                                f"ORDER BY c.row", params).fetchall()
        rows = np.fromiter((r[0] for r in found), np.int64, len(found))
        with self._filters_lock:
            self._filters[where] = rows
            if len(self._filters) > 64:
                self._filters.popitem(last=False)
        return rows

    @property
    def promises_stored(self) -> bool:
        return self.manifest.get("promise_rules") == RULES

    def promises(self, letter_id: str | None = None, fields=PROMISE_FIELDS) -> list[dict]:
        if not self.promises_stored:
            return super().promises(letter_id, fields)  # made by other rules (or none): computed now
        return promise_store.read(self.db, letter_id, fields)

    # --- retrieval --------------------------------------------------------------------------------------
    def dense_search(self, vector: np.ndarray, k: int, where: Filter | None = None) -> list[tuple[int, float]]:
        q = np.ascontiguousarray(np.asarray(vector, np.float32).reshape(-1))
        n = self.chunk_count()
        k = min(k, n)
        if k <= 0:
            return []
        rows = self.filter_rows(where) if where is not None else None
        if rows is not None and not len(rows):
            return []
        if self._dense is None or (rows is not None and len(rows) <= EXACT_FILTERED_MAX):
            return _exact_top(self._vectors, q, k, rows)
        import faiss

        want = min(max(k * RESCORE, 100), n)
        sel = faiss.IDSelectorBatch(rows) if rows is not None else None
        params = faiss.SearchParametersIVF(nprobe=NPROBE, sel=sel) if sel is not None else \
            faiss.SearchParametersIVF(nprobe=NPROBE)
        _, ids = self._dense.search(q[None, :], want, params=params)
        found = np.unique(ids[0][ids[0] >= 0])
        if not len(found):
            return []
        return _exact_top(self._vectors, q, k, found)

    def keyword_search(self, tokens, k, where=None) -> KeywordHits:
        ids = self._token_ids(tokens)
        token_ids = [ids[t] for t in tokens if ids.get(t) is not None]
        allowed = self.filter_rows(where) if where is not None else None
        return KeywordHits(*self._keyword.postings(token_ids, allowed), k)

    def _token_ids(self, tokens: list[str]) -> dict[str, int | None]:
        distinct = list(dict.fromkeys(tokens))
        out: dict[str, int | None] = dict.fromkeys(distinct)
        for start in range(0, len(distinct), 500):
            part = distinct[start:start + 500]
            marks = ",".join("?" * len(part))
            for token, tid in self.db.execute(f"SELECT token, id FROM vocab WHERE token IN ({marks})", part):
                out[token] = tid
        return out

    def idf(self, tokens: list[str]) -> dict[str, float]:
        return self._keyword.idf(self._token_ids(tokens))

    def vectors(self, rows=None) -> np.ndarray:
        if rows is None:
            return self._vectors
        return np.asarray(self._vectors[np.asarray(rows, np.int64)], np.float32)

    def encoder(self) -> QueryEncoder:
        if self._encoder is None:
            with self._encoder_lock:
                if self._encoder is None:
                    self._encoder = QueryEncoder(self.manifest["model"])
        return self._encoder

    # --- what a build reads back ----------------------------------------------------------------------
    def terms(self) -> Terms:
        return Terms.load(self.path)

    def vocab(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT token, id FROM vocab"))

    def content_hashes(self) -> list[dict]:
        return self.letters(("id", "source", "content_hash"))

    def estimated_size(self) -> int:
        return sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())

    def write_to(self, directory: Path, save=np.save) -> None:
        """A copy of this generation into ``directory`` (what ``write_generation`` of a loaded index writes)."""
        from .sqlwrite import NewGeneration

        NewGeneration(self.manifest, self, self.letter_ids(), [], np.zeros((0, self.dim), np.float32),
                      []).write_to(directory, save)


def _filter_sql(where: Filter) -> tuple[str, list]:
    parts, params = ["1"], []
    for name in ("agency", "region"):
        value = getattr(where, name)
        if value not in (None, ""):
            parts.append(f"instr(l.{name}, ?) > 0")
            params.append(value)
    if where.year not in (None, ""):
        parts.append("substr(l.date, 1, length(?)) = ?")
        params += [where.year, where.year]
    if where.category not in (None, ""):
        parts.append("l.category = ?")
        params.append(where.category)
    if where.letter_ids is not None:
        ids = sorted(where.letter_ids)
        if not ids:
            return "0", []
        parts.append(f"l.id IN ({','.join('?' * len(ids))})")
        params += ids
    return " AND ".join(parts), params


def _exact_top(vectors: np.ndarray, q: np.ndarray, k: int, rows: np.ndarray | None) -> list[tuple[int, float]]:
    """The ``k`` best inner products with ``q`` over ``rows`` (all rows when None), in blocks."""
    n = len(vectors) if rows is None else len(rows)
    best_rows, best_scores = np.zeros(0, np.int64), np.zeros(0, np.float32)
    for start in range(0, n, BLOCK):
        if rows is None:
            ids = np.arange(start, min(n, start + BLOCK), dtype=np.int64)
            scores = np.asarray(vectors[start:start + BLOCK]) @ q
        else:
            ids = rows[start:start + BLOCK]
            scores = np.asarray(vectors[ids]) @ q
        ids, scores = np.concatenate([best_rows, ids]), np.concatenate([best_scores, scores.astype(np.float32)])
        if len(ids) > k:
            keep = np.argpartition(-scores, k - 1)[:k]
            ids, scores = ids[keep], scores[keep]
        best_rows, best_scores = ids, scores
    order = np.lexsort((best_rows, -best_scores))
    return [(int(best_rows[i]), float(best_scores[i])) for i in order]
