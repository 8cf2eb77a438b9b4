"""Writing an index generation to Milvus (``index/milvus.py`` describes the collections).

A build (``index/build.py``) or ``dafu migrate`` hands over a ``NewGeneration``: the kept letters of the
previous generation (of either backend, read through the seam: nothing is re-embedded) and the fresh letters
with their vectors and tokens. They are written to new collections; only then is the manifest row switched,
so a failed, interrupted or refused write leaves the previous generation as it was (the new collections are
dropped). Generations other than the new one and the one before it are dropped afterwards.
"""
from __future__ import annotations

import json
import time
import uuid
from collections import Counter

import numpy as np

from ..corpus import settings
from .backend import index_text
from .keyword import B, K1, tokenize
from .milvus import BATCH, FORMAT, META_KEY, Milvus, milvus_errors
from .milvus_query import analyzer_params, keyword_text
from .sqlstore import APPROX_MIN, JSON_FIELDS, LETTER_FIELDS, EmbeddedIndex

MAX_BYTES = 65535       # Milvus's longest VARCHAR
BODY_PART = 16000       # characters per part of a letter body (at most 4 bytes each in UTF-8)
LETTER_BATCH = 200      # kept letters read from the previous generation at a time
FILTER_FIELDS = ("agency", "year", "date", "category", "region")


def _schemas(dim: int):
    from pymilvus import DataType, Function, FunctionType, MilvusClient

    def schema(*fields, functions=()):
        made = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        for name, dtype, options in fields:
            made.add_field(name, dtype, **options)
        for function in functions:
            made.add_function(function)
        return made

    text = {"max_length": MAX_BYTES, "nullable": True}
    marker = ("_v", DataType.FLOAT_VECTOR, {"dim": 2})  # Milvus wants a vector field in every collection
    passages = schema(
        ("row", DataType.INT64, {"is_primary": True}), ("letter_id", DataType.VARCHAR, {"max_length": 1024}),
        ("ordinal", DataType.INT64, {}), ("section", DataType.VARCHAR, text),
        ("text", DataType.VARCHAR, {"max_length": MAX_BYTES}), ("start_at", DataType.INT64, {}),
        ("end_at", DataType.INT64, {}),
        ("keywords", DataType.VARCHAR, {"max_length": MAX_BYTES, "enable_analyzer": True,
                                        "analyzer_params": analyzer_params()}),
        ("sparse", DataType.SPARSE_FLOAT_VECTOR, {}), ("vector", DataType.FLOAT_VECTOR, {"dim": dim}),
        *((name, DataType.VARCHAR, {"max_length": 1024, "nullable": True}) for name in FILTER_FIELDS),
        functions=[Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["keywords"],
                            output_field_names=["sparse"])])
    letters = schema(
        ("id", DataType.VARCHAR, {"is_primary": True, "max_length": 1024}), ("pos", DataType.INT64, {}),
        ("first_row", DataType.INT64, {}), ("chunks", DataType.INT64, {}),
        *((f, DataType.VARCHAR, text) for f in LETTER_FIELDS if f not in ("id", "body", "chunks")),
        ("body", DataType.ARRAY, {"element_type": DataType.VARCHAR, "max_capacity": 4096, "max_length": MAX_BYTES}),
        marker)
    terms = schema(("token", DataType.VARCHAR, {"is_primary": True, "max_length": 1024}),
                   ("df", DataType.INT64, {}), marker)
    meta = schema(("key", DataType.VARCHAR, {"is_primary": True, "max_length": 64}),
                  ("manifest", DataType.VARCHAR, {"max_length": MAX_BYTES}), marker)
    return {"passages": passages, "letters": letters, "terms": terms, "meta": meta}


def _create(client, name: str, schema, part: str, approximate: bool) -> None:
    indexes = client.prepare_index_params()
    if part == "passages":
        indexes.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                          params={"bm25_k1": K1, "bm25_b": B})
        indexes.add_index("vector", index_type="HNSW" if approximate else "FLAT", metric_type="IP",
                          params={"M": 16, "efConstruction": 200} if approximate else {})
        for field in ("letter_id", *FILTER_FIELDS):
            indexes.add_index(field, index_type="INVERTED")
    else:
        indexes.add_index("_v", index_type="FLAT", metric_type="IP")
    client.create_collection(name, schema=schema, index_params=indexes)


def write_milvus(where: Milvus, data, progress: bool = False) -> str:
    """Write ``data`` (a build's ``NewGeneration``) as a new generation and switch to it; its name. The
    generation before stays (a reader may still use it), older ones are dropped."""
    generation = time.strftime("g%Y%m%d_%H%M%S_") + uuid.uuid4().hex[:6]
    with milvus_errors(where.uri):
        before = where.manifest()
        _write(where, generation, data, progress)
        _prune(where, keep={generation, before["generation"] if before else None})
    return generation


def _write(where: Milvus, generation: str, data, progress: bool) -> None:
    """The new generation's collections, then the switch; on any failure what was written is dropped."""
    client = where.client
    names = {part: where.collection(generation, part) for part in ("passages", "letters", "terms")}
    kept = _kept_rows(data)
    total = sum(len(rows) for rows in kept.values()) + sum(len(pieces) for _, pieces in data.fresh)
    schemas = _schemas(int(data.manifest["dim"]))
    try:
        for part, name in names.items():
            _create(client, name, schemas[part], part, total >= APPROX_MIN)
        letters, chunks = _write_letters(client, names, data, kept, total, progress)
        terms = [{"token": t, "df": n, "_v": [0.0, 0.0]} for t, n in _document_frequencies(data, kept).items()
                 if 0 < len(t.encode("utf-8")) <= 1024]
        for start in range(0, len(terms), BATCH):
            client.insert(names["terms"], terms[start:start + BATCH])
        for name in names.values():
            client.flush(name)
        manifest = {**data.manifest, "format": FORMAT, "generation": generation, "letter_count": letters,
                    "chunk_count": chunks, "backend": "milvus"}
        if not client.has_collection(where.meta):
            _create(client, where.meta, schemas["meta"], "meta", False)
        client.upsert(where.meta, [{"key": META_KEY, "manifest": json.dumps(manifest, ensure_ascii=False),
                                    "_v": [0.0, 0.0]}])
        client.flush(where.meta)
    except BaseException:
        for name in names.values():
            try:
                client.drop_collection(name)
            except Exception:  # noqa: BLE001 - the original error is what the user needs
                pass
        raise
    data.manifest.update(manifest)


def _kept_rows(data) -> dict[str, list[int]]:
    """The previous generation's passage rows of each kept letter, in index order."""
    if data.previous is None or not data.kept_ids:
        return {}
    by_letter = data.previous.rows_by_letter()
    return {letter_id: by_letter.get(letter_id, []) for letter_id in data.kept_ids}


def _letters_in_order(data, kept: dict[str, list[int]]):
    """(letter row, chunks, vectors) of the kept letters (read from the previous generation in batches,
    nothing re-embedded), then of the fresh letters."""
    if kept:
        previous = data.previous
        rows_of = {r["id"]: r for r in previous.letters(LETTER_FIELDS)}
        ids = list(kept)
        for start in range(0, len(ids), LETTER_BATCH):
            part = ids[start:start + LETTER_BATCH]
            rows = [r for letter_id in part for r in kept[letter_id]]
            chunks, vectors = previous.chunks(rows), np.asarray(previous.vectors(rows), np.float32)
            at = 0
            for letter_id in part:
                n = len(kept[letter_id])
                row = rows_of[letter_id]
                if letter_id in data.kept_sources:
                    row = {**row, "other_sources": data.kept_sources[letter_id]}
                yield row, chunks[at:at + n], vectors[at:at + n]
                at += n
    at = 0
    for row, pieces in data.fresh:
        yield row, pieces, data.new_vectors[at:at + len(pieces)]
        at += len(pieces)


def _write_letters(client, names: dict, data, kept: dict, total: int, progress: bool) -> tuple[int, int]:
    from tqdm import tqdm

    letters, passages, row, written = [], [], 0, 0
    bar = tqdm(total=total, desc="写入 Milvus / writing to Milvus", unit="段", disable=not progress, leave=False,
               mininterval=1.0)
    for pos, (letter, chunks, vectors) in enumerate(_letters_in_order(data, kept)):
        letters.append(_letter_row(letter, pos, row, len(chunks)))
        written += 1
        for chunk, vector in zip(chunks, vectors):
            passages.append(_passage_row(letter, chunk, vector, row))
            row += 1
        if len(passages) >= BATCH or len(letters) >= BATCH:
            client.insert(names["passages"], passages)
            client.insert(names["letters"], letters)
            bar.update(len(passages))
            letters, passages = [], []
    if passages or letters:
        client.insert(names["passages"], passages)
        client.insert(names["letters"], letters)
        bar.update(len(passages))
    bar.close()
    return written, row


def _letter_row(letter: dict, pos: int, first_row: int, chunks: int) -> dict:
    body = letter.get("body") or ""
    out = {f: _fits(letter, f, letter.get(f)) for f in LETTER_FIELDS if f not in ("id", "body", "chunks", *JSON_FIELDS)}
    lists = {f: _fits(letter, f, json.dumps(letter.get(f) or [], ensure_ascii=False)) for f in JSON_FIELDS}
    return {**out, **lists, "id": letter["id"], "pos": pos, "first_row": first_row, "chunks": chunks,
            "body": [body[i:i + BODY_PART] for i in range(0, len(body), BODY_PART)] or [""], "_v": [0.0, 0.0]}


def _passage_row(letter: dict, chunk, vector: np.ndarray, row: int) -> dict:
    date = letter.get("date") or None
    return {"row": row, "letter_id": chunk.letter_id, "ordinal": chunk.ordinal,
            "section": _fits(letter, "section", chunk.section), "text": _fits(letter, "text", chunk.text),
            "start_at": chunk.start, "end_at": chunk.end,
            "keywords": _fits(letter, "keywords", keyword_text(index_text(letter, chunk))),
            "vector": np.asarray(vector, np.float32).tolist(), "agency": letter.get("agency") or None,
            "year": date[:4] if date else None, "date": date, "category": letter.get("category") or None,
            "region": letter.get("region") or None}


def _fits(letter: dict, field: str, value):
    if isinstance(value, str) and len(value.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"来信 {letter['id']} 的 {field} 超过 Milvus 的长度上限（{MAX_BYTES} 字节） / letter "
                         f"{letter['id']}: {field} is longer than Milvus's {MAX_BYTES}-byte VARCHAR limit")
    return value


def _document_frequencies(data, kept: dict[str, list[int]]) -> Counter:
    """Each token's passage count in the new generation: the previous generation's, less the dropped
    letters' passages (tokenised again), plus the fresh passages'."""
    df: Counter = Counter()
    previous = data.previous
    if kept:
        df = previous.document_frequencies() if hasattr(previous, "document_frequencies") \
            else _embedded_frequencies(previous)
        for letter_id in set(previous.letter_ids()) - set(kept):
            letter = previous.letter(letter_id)
            for chunk in previous.chunks(previous.rows_of_letter(letter_id)):
                df.subtract(set(tokenize(index_text(letter, chunk))))
    for tokens in data.new_tokens:
        df.update(set(tokens))
    return +df


def _embedded_frequencies(index: EmbeddedIndex) -> Counter:
    counts = np.bincount(np.asarray(index.terms().ids, np.int64))
    return Counter({token: int(counts[i]) for token, i in index.vocab().items() if i < len(counts) and counts[i]})


def _prune(where: Milvus, keep: set) -> None:
    """Drop the collections of every generation of this index but ``keep``."""
    prefix = f"{where.base}_g"
    for name in where.client.list_collections():
        if name.startswith(prefix) and name[len(where.base) + 1:].rsplit("_", 1)[0] not in keep:
            where.client.drop_collection(name)


def migrate(index_dir=None, progress: bool = False) -> str:
    """Copy the current FAISS generation of ``index_dir`` to Milvus as a new generation there (stored vectors,
    nothing re-embedded); a summary line. The FAISS index stays as it is."""
    from .paths import index_dir as resolve_index_dir
    from .sqlwrite import NewGeneration
    from .store import build_lock, load_generation

    started = time.perf_counter()
    settings.backend()  # a bad DAFU_BACKEND is refused here too
    directory = resolve_index_dir(index_dir)
    with build_lock(directory):
        source = load_generation(directory)
        where = Milvus(directory)
        manifest = {k: v for k, v in source.manifest.items() if k not in ("generation", "format")}
        data = NewGeneration(manifest, source, source.letter_ids(), [], np.zeros((0, source.dim), np.float32), [])
        generation = write_milvus(where, data, progress)
    letters, chunks, seconds = data.manifest["letter_count"], data.manifest["chunk_count"], time.perf_counter() - started
    return (f"已迁移 {letters} 封信、{chunks} 个段落到 Milvus {where.uri}（{where.base}，版本 {generation}），未重新嵌入，"
            f"用时 {seconds:.1f} 秒 / migrated {letters} letters, {chunks} passages to Milvus at {where.uri} "
            f"({where.base}, generation {generation}), nothing re-embedded, {seconds:.1f} s")
