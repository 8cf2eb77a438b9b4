"""The Milvus backend: one index generation as three collections on a Milvus server or in milvus-lite.

``DAFU_BACKEND=milvus`` selects it; ``DAFU_MILVUS_URI`` says where (a path ending in ``.db`` runs milvus-lite
in this process, ``http://host:19530`` is a Milvus standalone or cluster; default ``milvus.db`` in the index
directory). A generation ``g…`` of the index ``DAFU_MILVUS_COLLECTION`` (default ``dafu``) is:

- ``dafu_g…_passages``: one row per passage (``row`` 0…n-1 is the primary key): the stored text, section and
  offsets; ``keywords``, the passage's indexed text (``index/build.py``) with a jieba analyzer and a BM25
  function into the sparse field ``sparse``; ``vector``, the dense vector of the index's model (FLAT, inner
  product; HNSW from ``sqlstore.APPROX_MIN`` passages); and the filter fields ``letter_id``, ``agency``,
  ``year``, ``date``, ``category``, ``region`` copied from the passage's letter, each with an INVERTED index,
  so filtered dense and keyword searches run inside Milvus.
- ``dafu_g…_letters``: a letter's metadata and body, its position and its passages' first row (the letter
  page, the letters list and facets read them; they are not per passage, so not repeated on every row).
- ``dafu_g…_terms``: each token's document frequency, for ``idf`` (Milvus keeps its BM25 statistics inside).

``dafu_meta`` holds the current generation's manifest (model identity, dimension, counts): switching to a new
generation is one upsert of that row, so readers see the old generation or the new one, never half of one.
The writer is ``index/milvus_write.py``.
"""
from __future__ import annotations

import contextlib
import functools
import json
import logging
import threading
import time
from collections import Counter, OrderedDict
from pathlib import Path

import numpy as np

from ..corpus import settings
from ..corpus.models import Chunk
from .backend import Filter, IndexBackend, IndexMissing, KeywordHits, ModelMismatch
from .keyword import K1, idf_of
from .milvus_query import filter_expr, query_text
from .query_encoder import QueryEncoder
from .sqlstore import JSON_FIELDS, LETTER_FIELDS

FORMAT = "milvus-1"
META_KEY = "current"
BATCH = 1000          # rows per query/insert request
LIMIT = 16384         # the most rows one Milvus search returns
CONNECT_TIMEOUT = 5.0
STALE_CHECK_SECONDS = 1.0
PASSAGE_FIELDS = ("letter_id", "ordinal", "section", "text", "start_at", "end_at")  # a Chunk's, in order


class MilvusUnavailable(RuntimeError):
    """The Milvus server (or the milvus-lite file) cannot be reached or opened; nothing was changed."""


@functools.lru_cache(maxsize=None)
def _client(uri: str, token: str):
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise MilvusUnavailable("DAFU_BACKEND=milvus 需要安装 pymilvus 和 milvus-lite：pip install 'dafu[milvus]' / "
                                "the milvus backend needs pymilvus and milvus-lite: pip install 'dafu[milvus]'") from None
    logging.getLogger("pymilvus").setLevel(logging.ERROR)  # its warnings are not the user's business
    if not uri.startswith(("http://", "https://", "tcp://")):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
        # milvus-lite in this process logs a traceback for each RPC it lacks (pymilvus's query iterator asks
        # for a timestamp, then does without); the client gets the error status all the same
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
    try:
        return MilvusClient(uri=uri, token=token, timeout=CONNECT_TIMEOUT)
    except Exception as err:  # noqa: BLE001 - pymilvus raises its own classes, or grpc's
        hint = ("；milvus-lite 只允许一个进程打开同一个 .db，可改用 milvus-lite server 或 Milvus 服务 / milvus-lite lets one "
                "process open a .db at a time: share it through `milvus-lite server` or a Milvus server"
                if uri.endswith(".db") else "")
        raise MilvusUnavailable(f"无法连接 Milvus：{uri}，索引未改变 / cannot reach Milvus at {uri} "
                                f"({type(err).__name__}: {err}); nothing was changed{hint}") from None


class Milvus:
    """Where an index lives on Milvus: the client of ``DAFU_MILVUS_URI`` and the index's collection names."""

    def __init__(self, index_dir: Path):
        self.uri = settings.milvus_uri(Path(index_dir))
        self.base = settings.milvus_collection()
        self.client = _client(self.uri, settings.milvus_token())

    @property
    def meta(self) -> str:
        return f"{self.base}_meta"

    def collection(self, generation: str, part: str) -> str:
        return f"{self.base}_{generation}_{part}"

    def load(self, *names: str) -> None:
        """Load collections for search (milvus-lite releases them when its process ends; a server keeps them)."""
        for name in names:
            if str(self.client.get_load_state(name).get("state")) != "Loaded":
                self.client.load_collection(name)

    def manifest(self) -> dict | None:
        """The current generation's manifest, None when there is none."""
        if not self.client.has_collection(self.meta):
            return None
        self.load(self.meta)
        found = self.client.get(self.meta, ids=[META_KEY], output_fields=["manifest"])
        return json.loads(found[0]["manifest"]) if found else None

    def scan(self, collection: str, fields: list[str], expr: str = "") -> list[dict]:
        """Every row matching ``expr`` (all rows when empty), in batches (a plain query returns at most 16,384)."""
        iterator = self.client.query_iterator(collection, batch_size=BATCH, filter=expr, output_fields=fields)
        rows: list[dict] = []
        try:
            while batch := iterator.next():
                rows.extend(batch)
        finally:
            iterator.close()
        return rows


@contextlib.contextmanager
def milvus_errors(uri: str):
    """Milvus's own errors (a server gone, a refused request) as ``MilvusUnavailable``, said in both languages."""
    from pymilvus.exceptions import MilvusException

    try:
        yield
    except MilvusException as err:
        raise MilvusUnavailable(f"Milvus 出错：{uri}，索引未改变 / Milvus at {uri} failed: {err.message}; the index "
                                f"is unchanged") from None


def open_milvus(index_dir: Path) -> "MilvusIndex":
    """The current generation of the index on Milvus; ``IndexMissing`` when there is none."""
    return current_generation(Milvus(index_dir))


def current_generation(where: Milvus) -> "MilvusIndex":
    with milvus_errors(where.uri):
        manifest = where.manifest()
        if manifest is None:
            raise IndexMissing(f"Milvus 中没有索引 {where.base}（{where.uri}） / no index {where.base} in Milvus at "
                               f"{where.uri}: run `dafu index` or `dafu migrate` first")
        return MilvusIndex(where, manifest)


class MilvusKeywordHits(KeywordHits):
    """BM25 hits from Milvus: the top ``k``, and the score of any other passage asked for on demand."""

    def __init__(self, rows, scores, k: int, lookup):
        order = np.argsort(rows, kind="stable")
        super().__init__(np.asarray(rows, np.int64)[order], np.asarray(scores, np.float32)[order], k)
        self._lookup = lookup

    def scores_of(self, rows) -> np.ndarray:
        rows = np.asarray(rows, np.int64)
        out = super().scores_of(rows)
        missing = rows[~np.isin(rows, self.rows)]
        if len(missing):
            found = self._lookup(missing)
            for i, row in enumerate(rows):
                out[i] = found.get(int(row), out[i])
        return out


class MilvusIndex(IndexBackend):
    """The current generation of an index on Milvus, read-only and safe to share between threads."""

    def __init__(self, where: Milvus, manifest: dict):
        self.where, self.client, self.manifest = where, where.client, manifest
        self.passages = where.collection(self.generation, "passages")
        self.letters_collection = where.collection(self.generation, "letters")
        self.terms_collection = where.collection(self.generation, "terms")
        where.load(self.passages, self.letters_collection, self.terms_collection)
        self._check_dimension()
        self._lock = threading.Lock()
        self._encoder: QueryEncoder | None = None
        self._meta: list[dict] | None = None
        self._vectors: np.ndarray | None = None
        self._filters: OrderedDict = OrderedDict()
        self._chunks: OrderedDict = OrderedDict()
        self._stale_checked, self._stale = 0.0, False

    # --- identity ---------------------------------------------------------------------------------------
    @property
    def generation(self) -> str | None:
        return self.manifest["generation"]

    def is_stale(self) -> bool:
        if not self._stale and time.monotonic() - self._stale_checked > STALE_CHECK_SECONDS:
            current = self.where.manifest()
            self._stale = current is not None and current["generation"] != self.generation
            self._stale_checked = time.monotonic()
        return self._stale

    def reopen(self) -> "MilvusIndex":
        return current_generation(self.where)

    def _check_dimension(self) -> None:
        """The collection's vectors have the dimension of the model its manifest names (else ModelMismatch)."""
        fields = self.client.describe_collection(self.passages)["fields"]
        stored = next(int(f["params"]["dim"]) for f in fields if f["name"] == "vector")
        model = self.manifest["model"]
        if stored != self.dim or stored != int(model.get("dim", stored)):
            raise ModelMismatch(f"Milvus 集合 {self.passages} 的向量为 {stored} 维，与模型 {model.get('model')} 的 "
                                f"{model.get('dim')} 维不符，请用 dafu index --rebuild 重建 / collection {self.passages} "
                                f"holds {stored}-dimensional vectors, not the {model.get('dim')} of "
                                f"{model.get('model')}: rebuild it with `dafu index --rebuild`")

    # --- letters and passages -----------------------------------------------------------------------------
    def letter_count(self) -> int:
        return int(self.manifest["letter_count"])

    def chunk_count(self) -> int:
        return int(self.manifest["chunk_count"])

    def _letter_meta(self) -> list[dict]:
        """Every letter's metadata (no body) with ``pos`` and ``first_row``, in index order, read once."""
        if self._meta is None:
            stored = {f["name"] for f in self.client.describe_collection(self.letters_collection)["fields"]}
            fields = [f for f in LETTER_FIELDS if f != "body" and f in stored] + ["pos", "first_row"]
            rows = sorted(self.where.scan(self.letters_collection, fields), key=lambda r: r["pos"])
            for row in rows:
                for name in JSON_FIELDS:  # a generation written before ``other_sources`` has none
                    row[name] = json.loads(row.get(name) or "[]")
            self._meta = rows
        return self._meta

    @functools.cached_property
    def _meta_by_id(self) -> dict[str, dict]:
        return {row["id"]: row for row in self._letter_meta()}

    def letter(self, letter_id: str) -> dict | None:
        meta = self._meta_by_id.get(letter_id)
        if meta is None:
            return None
        found = self.client.get(self.letters_collection, ids=[letter_id], output_fields=["body"])
        return {**{f: meta.get(f) for f in LETTER_FIELDS if f != "body"}, "body": "".join(found[0]["body"])}

    def letter_ids(self) -> list[str]:
        return [row["id"] for row in self._letter_meta()]

    def letters(self, fields=LETTER_FIELDS) -> list[dict]:
        fields = [f for f in fields if f in LETTER_FIELDS]
        if "body" in fields:
            bodies = {r["id"]: "".join(r["body"]) for r in self.where.scan(self.letters_collection, ["id", "body"])}
            return [{f: bodies[m["id"]] if f == "body" else m.get(f) for f in fields} for m in self._letter_meta()]
        return [{f: m.get(f) for f in fields} for m in self._letter_meta()]

    def chunk(self, row: int) -> Chunk:
        return self.chunks([row])[0]

    def chunks(self, rows) -> list[Chunk]:
        rows = [int(r) for r in rows]
        with self._lock:
            have = {r: self._chunks[r] for r in rows if r in self._chunks}
        missing = sorted(set(rows) - set(have))
        for start in range(0, len(missing), BATCH):
            part = missing[start:start + BATCH]
            for found in self.client.get(self.passages, ids=part, output_fields=["row", *PASSAGE_FIELDS]):
                have[found["row"]] = Chunk(*(found[f] for f in PASSAGE_FIELDS))
        with self._lock:
            for row in missing:
                if row in have:
                    self._chunks[row] = have[row]
            while len(self._chunks) > 4096:
                self._chunks.popitem(last=False)
        if len(have) < len(set(rows)):
            raise IndexError(sorted(set(rows) - set(have))[0])
        return [have[r] for r in rows]

    def chunk_texts(self) -> list[str]:
        """Every passage's text by row, read in one scan (not one request per passage)."""
        texts = [""] * self.chunk_count()
        for found in self.where.scan(self.passages, ["row", "text"]):
            texts[found["row"]] = found["text"]
        return texts

    def rows_of_letter(self, letter_id: str) -> list[int]:
        meta = self._meta_by_id.get(letter_id)
        return list(range(meta["first_row"], meta["first_row"] + meta["chunks"])) if meta else []

    def rows_by_letter(self) -> dict[str, list[int]]:
        return {m["id"]: list(range(m["first_row"], m["first_row"] + m["chunks"])) for m in self._letter_meta()}

    def facets(self) -> dict[str, list[str]]:
        values: dict[str, set] = {name: set() for name in ("agency", "year", "category", "region")}
        for m in self._letter_meta():
            for name in values:
                value = (m.get("date") or "")[:4] if name == "year" else m.get(name)
                if value:
                    values[name].add(value)
        return {name: sorted(found) for name, found in values.items()}

    def _allowed_letters(self, where: Filter) -> list[str]:
        return [m["id"] for m in self._letter_meta() if where.matches(m)]

    def filter_rows(self, where: Filter) -> np.ndarray:
        with self._lock:
            if where in self._filters:
                self._filters.move_to_end(where)
                return self._filters[where]
        expr = filter_expr(where, self._allowed_letters)
        found = [] if expr is None else self.where.scan(self.passages, ["row"], expr)
        rows = np.array(sorted(r["row"] for r in found), np.int64)
        with self._lock:
            self._filters[where] = rows
            if len(self._filters) > 64:
                self._filters.popitem(last=False)
        return rows

    # --- retrieval ----------------------------------------------------------------------------------------
    def _search(self, data, field: str, k: int, expr: str) -> list[tuple[int, float]]:
        found = self.client.search(self.passages, data=[data], anns_field=field, limit=min(k, LIMIT), filter=expr,
                                   output_fields=["row"], search_params=self._search_params(field))
        return [(int(hit["row"]), float(hit["distance"])) for hit in found[0]]

    def _search_params(self, field: str) -> dict:
        if field == "sparse":
            return {"metric_type": "BM25"}
        return {"metric_type": "IP", "params": {"ef": 256}}

    def dense_search(self, vector: np.ndarray, k: int, where: Filter | None = None) -> list[tuple[int, float]]:
        expr = filter_expr(where, self._allowed_letters)
        k = min(k, self.chunk_count())
        if expr is None or k <= 0:
            return []
        hits = self._search(np.asarray(vector, np.float32).reshape(-1).tolist(), "vector", k, expr)
        return sorted(hits, key=lambda h: (-h[1], h[0]))

    def keyword_search(self, tokens, k, where=None) -> KeywordHits:
        expr = filter_expr(where, self._allowed_letters)
        text = query_text(list(tokens))
        if expr is None or not text:
            return KeywordHits(np.zeros(0, np.int64), np.zeros(0, np.float32), k)
        hits = self._search(text, "sparse", max(k, 1), expr)

        def lookup(rows: np.ndarray) -> dict[int, float]:
            scope = f"row in {[int(r) for r in rows]}" + (f" and ({expr})" if expr else "")
            return dict(self._bm25(self._search(text, "sparse", len(rows), scope)))

        return MilvusKeywordHits([r for r, _ in hits], [s for _, s in self._bm25(hits)], k, lookup)

    @staticmethod
    def _bm25(hits: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Milvus's BM25 has the (k1 + 1) factor of the textbook formula, bm25s's has not: same ranking, scores
        divided by it to be dafu's. (milvus-lite reports them as negative distances.)"""
        return [(row, abs(score) / (K1 + 1)) for row, score in hits]

    def idf(self, tokens: list[str]) -> dict[str, float]:
        distinct = list(dict.fromkeys(tokens))
        df: dict[str, int] = {}
        for start in range(0, len(distinct), BATCH):
            part = distinct[start:start + BATCH]
            for found in self.client.get(self.terms_collection, ids=part, output_fields=["token", "df"]):
                df[found["token"]] = int(found["df"])
        return {t: idf_of(self.chunk_count(), df.get(t, 0)) for t in distinct}

    def vectors(self, rows=None) -> np.ndarray:
        if rows is None:
            if self._vectors is None:
                found = self.where.scan(self.passages, ["row", "vector"])
                vectors = np.zeros((self.chunk_count(), self.dim), np.float32)
                for r in found:
                    vectors[r["row"]] = r["vector"]
                self._vectors = vectors
            return self._vectors
        rows = np.asarray(rows, np.int64)
        if self._vectors is not None:
            return self._vectors[rows]
        distinct = sorted({int(r) for r in rows})
        found: dict[int, list[float]] = {}
        for start in range(0, len(distinct), BATCH):
            part = distinct[start:start + BATCH]
            for hit in self.client.get(self.passages, ids=part, output_fields=["row", "vector"]):
                found[hit["row"]] = hit["vector"]
        return np.array([found[int(r)] for r in rows], np.float32).reshape(len(rows), self.dim)

    def document_frequencies(self) -> Counter:
        """Every token's document frequency (what ``idf`` reads), for the next generation's writer."""
        return Counter({r["token"]: int(r["df"]) for r in self.where.scan(self.terms_collection, ["token", "df"])})

    def encoder(self) -> QueryEncoder:
        with self._lock:
            if self._encoder is None:
                self._encoder = QueryEncoder(self.manifest["model"])
        return self._encoder
