"""Writing one generation of the embedded store (``index/sqlstore.py`` reads it): SQLite rows, vectors, token
ids and BM25 postings, and the approximate dense index from ``APPROX_MIN`` passages."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np

from ..corpus.models import Chunk
from ..corpus.promise_records import RULES
from . import promise_store
from .keyword import KeywordIndex, Terms
from .sqlstore import APPROX_MIN, BLOCK, FORMAT, INDEXES, LETTER_FIELDS, SCHEMA, EmbeddedIndex, letter_to_sql

KMEANS_ITERATIONS = 10   # of the IVF lists' training (faiss's default 25: 165 s at 1M passages on 2 cores)
BATCH = 20_000           # fresh passages written (and their tokens turned into ids) at a time


def approximate_index(vectors: np.ndarray, previous=None):
    """IVF with 8-bit scalar codes over ``vectors`` (inner product); ``previous``'s trained lists are reused."""
    import faiss

    n, dim = vectors.shape
    if previous is not None and previous.d == dim:
        index = faiss.clone_index(previous)
        index.reset()
    else:
        nlist = int(min(4096, max(256, 4 * np.sqrt(n))))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                              faiss.METRIC_INNER_PRODUCT)
        index.cp.niter = KMEANS_ITERATIONS
        sample = np.random.default_rng(0).choice(n, size=min(n, nlist * 64), replace=False)
        index.train(np.ascontiguousarray(vectors[np.sort(sample)], np.float32))
    for start in range(0, n, BLOCK):
        index.add(np.ascontiguousarray(vectors[start:start + BLOCK], np.float32))
    return index


class NewGeneration:
    """What a build writes: the kept letters of ``previous`` (copied inside SQLite, their vectors and token
    ids reused) plus fresh letters with their chunks, vectors and tokens. The BM25 postings are rebuilt
    from token ids; only the fresh letters were tokenised and embedded."""

    def __init__(self, manifest: dict, previous: EmbeddedIndex | None, kept_ids: list[str],
                 fresh: list[tuple[dict, list[Chunk]]], new_vectors: np.ndarray, new_tokens: list[list[str]],
                 kept_sources: dict[str, list[dict]] | None = None):
        """``kept_sources``: new ``other_sources`` lists of kept letters (``index/copies.py``)."""
        self.manifest = manifest
        self.previous = previous
        self.kept_ids = kept_ids
        self.kept_sources = kept_sources or {}
        self.fresh = fresh
        self.new_vectors = np.ascontiguousarray(new_vectors, np.float32)
        self.new_tokens = new_tokens

    def estimated_size(self) -> int:
        """About how many bytes the generation takes on disk."""
        fresh = sum(2 * len(json.dumps(row, ensure_ascii=False).encode("utf-8")) for row, _ in self.fresh)
        tokens = sum(8 * len(t) for t in self.new_tokens)
        base = self.previous.estimated_size() if self.previous is not None else 0
        return base + fresh + 2 * int(self.new_vectors.nbytes) + tokens + 4096

    def batches(self):
        """(letters, their vectors, their tokens) of the fresh letters, about ``BATCH`` passages at a time; a
        build that makes its letters as it writes them gives its own (``benchmarks/bench_scale.py``)."""
        letter, row = 0, 0
        while letter < len(self.fresh):
            end, size = letter, 0
            while end < len(self.fresh) and size < BATCH:
                size += len(self.fresh[end][1])
                end += 1
            yield self.fresh[letter:end], self.new_vectors[row:row + size], self.new_tokens[row:row + size]
            letter, row = end, row + size

    def fresh_passages(self) -> int:
        return len(self.new_vectors)

    def write_to(self, directory: Path, save=np.save) -> None:
        appending = self.previous is not None and len(self.kept_ids) == self.previous.letter_count()
        if appending:  # every letter kept: copy the file, then add (rows and positions stay as they are)
            shutil.copyfile(self.previous.path / "store.sqlite", directory / "store.sqlite")
        db = sqlite3.connect(str(directory / "store.sqlite"))
        try:
            db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            if appending:
                db.execute("DROP INDEX IF EXISTS chunks_letter")
                if "other_sources" not in self.previous.stored_fields:  # written before the column
                    db.execute("ALTER TABLE letters ADD COLUMN other_sources TEXT")
                kept_rows = np.arange(self.previous.chunk_count(), dtype=np.int64)
            else:
                db.executescript(SCHEMA)
                kept_rows = self._copy_kept(db)
            fresh_ids, terms = self._write_fresh(db, directory / "vectors.npy", kept_rows)
            db.executemany("UPDATE letters SET other_sources = ? WHERE id = ?",
                           ((json.dumps(v, ensure_ascii=False), k) for k, v in self.kept_sources.items()))
            db.executescript(INDEXES)
            self._store_promises(db, fresh_ids)
            db.commit()
            letters = db.execute("SELECT count(*) FROM letters").fetchone()[0]
            vocab_size = db.execute("SELECT coalesce(max(id) + 1, 0) FROM vocab").fetchone()[0]
        finally:
            db.close()
        if len(kept_rows):
            kept_terms = self.previous.terms()
            terms.insert(0, kept_terms if appending else kept_terms.take(kept_rows))
        terms = Terms.concat(terms)
        terms.save(directory, save)
        KeywordIndex.build(terms, vocab_size).save(directory, save)
        del terms
        vectors = np.load(directory / "vectors.npy", mmap_mode="r")
        if len(vectors) >= APPROX_MIN:
            import faiss

            previous = self.previous._dense if self.previous is not None else None
            faiss.write_index(approximate_index(vectors, previous), str(directory / "dense.faiss"))
        self.manifest.update(format=FORMAT, letter_count=int(letters), chunk_count=int(len(vectors)),
                             dim=int(vectors.shape[1]), promise_rules=RULES)

    def _store_promises(self, db: sqlite3.Connection, fresh_ids: list[str]) -> None:
        """The fresh letters' promises, and new follow-up links where letters changed (``index/promise_store.py``)."""
        every = self.previous is None or not self.previous.promises_stored
        kept = set(self.kept_ids)
        gone = [] if every else [row for row in self.previous.letters(("id", "agency", "region", "date"))
                                 if row["id"] not in kept]
        promise_store.store(db, fresh_ids, gone, every)

    def _copy_kept(self, db: sqlite3.Connection) -> np.ndarray:
        """Copy the kept letters and their passages (renumbered in order) from the previous generation."""
        if self.previous is None:
            return np.zeros(0, np.int64)
        db.execute("ATTACH DATABASE ? AS old", ((self.previous.path / "store.sqlite").resolve().as_uri()
                                                + "?mode=ro",))
        db.execute("INSERT INTO vocab SELECT id, token FROM old.vocab")
        if not self.kept_ids:
            return np.zeros(0, np.int64)
        db.execute("CREATE TEMP TABLE keep (id TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO keep VALUES (?)", ((i,) for i in self.kept_ids))
        db.execute(f"INSERT INTO letters (pos, {', '.join(LETTER_FIELDS)}) SELECT ROW_NUMBER() OVER (ORDER BY pos) - 1, "
                   f"{self.previous.columns()} FROM old.letters WHERE id IN (SELECT id FROM keep) ORDER BY pos")
        db.execute('INSERT INTO chunks (row, letter_id, ordinal, section, text, start, "end") '
                   'SELECT ROW_NUMBER() OVER (ORDER BY row) - 1, letter_id, ordinal, section, text, start, "end" '
                   'FROM old.chunks WHERE letter_id IN (SELECT id FROM keep) ORDER BY row')
        if self.previous.promises_stored:
            promise_store.copy_kept(db)
        found = db.execute("SELECT row FROM old.chunks WHERE letter_id IN (SELECT id FROM keep) ORDER BY row")
        rows = np.fromiter((r[0] for r in found), np.int64)
        db.commit()
        db.execute("DETACH DATABASE old")
        return rows

    def _write_fresh(self, db: sqlite3.Connection, path: Path, kept_rows: np.ndarray) -> tuple[list[str], list]:
        """Insert the fresh letters and passages batch by batch, write every vector (the kept ones first) to
        ``path``; the fresh letters' ids and their passages' terms, one ``Terms`` per batch."""
        dim, total = int(self.manifest["dim"]), len(kept_rows) + self.fresh_passages()
        base_pos, row = len(self.kept_ids), len(kept_rows)
        fresh_ids, terms, vocab = [], [], {}
        with open(path, "wb") as out:
            np.lib.format.write_array_header_1_0(out, {"descr": "<f4", "fortran_order": False,
                                                       "shape": (total, dim)})
            for start in range(0, len(kept_rows), BLOCK):
                self.previous.vectors(kept_rows[start:start + BLOCK]).tofile(out)
            for letters, vectors, tokens in self.batches():
                db.executemany(f"INSERT INTO letters (pos, {', '.join(LETTER_FIELDS)}) VALUES "
                               f"(?{', ?' * len(LETTER_FIELDS)})",
                               ((base_pos + len(fresh_ids) + i, *letter_to_sql(r))
                                for i, (r, _) in enumerate(letters)))
                chunks = [c for _, pieces in letters for c in pieces]
                db.executemany('INSERT INTO chunks (row, letter_id, ordinal, section, text, start, "end") '
                               'VALUES (?, ?, ?, ?, ?, ?, ?)',
                               ((row + i, c.letter_id, c.ordinal, c.section, c.text, c.start, c.end)
                                for i, c in enumerate(chunks)))
                if not len(chunks) == len(vectors) == len(tokens):
                    raise ValueError(f"{len(chunks)} passages, {len(vectors)} vectors, {len(tokens)} token lists")
                np.ascontiguousarray(vectors, np.float32).tofile(out)
                self._add_token_ids(db, vocab, tokens)
                terms.append(Terms.from_token_ids([[vocab[t] for t in doc] for doc in tokens]))
                fresh_ids += [r["id"] for r, _ in letters]
                row += len(chunks)
        if row != total:
            raise ValueError(f"{row} passages written, {total} announced")
        return fresh_ids, terms

    @staticmethod
    def _add_token_ids(db: sqlite3.Connection, vocab: dict[str, int], tokens: list[list[str]]) -> None:
        """Put the ids of ``tokens`` in ``vocab``, adding the tokens never seen to the stored vocabulary."""
        distinct = [t for t in dict.fromkeys(t for doc in tokens for t in doc) if t not in vocab]
        for start in range(0, len(distinct), 500):
            part = distinct[start:start + 500]
            vocab.update(db.execute(f"SELECT token, id FROM vocab WHERE token IN ({','.join('?' * len(part))})",
                                    part))
        next_id = db.execute("SELECT coalesce(max(id) + 1, 0) FROM vocab").fetchone()[0]
        unseen = [t for t in distinct if t not in vocab]
        for i, token in enumerate(unseen):
            vocab[token] = next_id + i
        db.executemany("INSERT INTO vocab (id, token) VALUES (?, ?)", ((vocab[t], t) for t in unseen))
