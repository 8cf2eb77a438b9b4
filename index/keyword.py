"""The keyword side of the index: jieba's search-mode tokens of normalised text (computed by jieba-rs,
``index/segment.py``), scored with BM25.

What is stored per passage is its distinct token ids and their counts (``terms``/``tfs``/``offsets``); the
BM25 matrix (bm25s's "lucene" scores: k1 1.5, b 0.75, idf log(1 + (N - df + .5) / (df + .5)), the same
numbers bm25s computes) is built from those arrays with numpy, never from token strings, so an update
re-tokenises only the letters that changed. The matrix is three arrays (by token: passage rows and scores),
memory-mapped at query time; a query sums the postings of its tokens, never a score array over every
passage unless its tokens are that common."""
from __future__ import annotations

import itertools
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .segment import cut_for_search

K1, B = 1.5, 0.75
_WORD = re.compile(r"[^\W_]")  # a letter or digit (``str.isalnum``): tokens without one are punctuation

# Question words and particles that say what is asked, not what it is about.
QUERY_STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 是 在 有 和 与 及 或 对 把 被 给 从 向 为 就 都 也 还 又 将 要 会 能 可以 "
    "多少 几 几个 什么 哪些 哪个 哪里 哪 谁 怎么 怎样 如何 为什么 是否 有没有 多大 多久 多长 何时 "
    "什么时候 时候 一般 通常 平时 大概 大约 请问 一下 情况 有关 关于 问题 我们 你们 他们 这个 那个 其中 目前 现在 一共 总共 共".split()
)


def tokenize(text: str) -> list[str]:
    """Search-engine jieba tokens of already normalised text, without whitespace or punctuation."""
    return [t for t in cut_for_search(text) if _WORD.search(t)]


def query_tokens(text: str) -> list[str]:
    """Tokens of a normalised query with the question words removed (all of them if nothing else is left)."""
    tokens = tokenize(text)
    content = [t for t in tokens if t not in QUERY_STOPWORDS]
    return content or tokens


BM25_SLICE = 8_000_000  # (token, passage) pairs scored at a time
PARALLEL_MIN = 4000  # below this many texts, tokenising in one process beats starting workers


def tokenize_many(texts: list[str], pool=None) -> list[list[str]]:
    """``tokenize`` of each text; big batches in worker processes (one core each), ``pool``'s if given (a
    build writing in batches keeps one, started before its memory grows)."""
    if len(texts) < PARALLEL_MIN or (pool is None and _workers() < 2):
        return [tokenize(t) for t in texts]
    if pool is not None:
        return pool.map(_tokenize_shared, texts, chunksize=256)
    with tokenizer_pool() as pool:
        return pool.map(_tokenize_shared, texts, chunksize=256)


def _tokenize_shared(text: str) -> list[str]:
    """``tokenize`` in a worker, each distinct token one string object: pickled once per chunk of texts, so
    the parent holds a few thousand strings per chunk instead of one per occurrence."""
    return [sys.intern(t) for t in tokenize(text)]


def _workers() -> int:
    return min(os.cpu_count() or 1, 8)


def tokenizer_pool():
    """A pool of worker processes for ``tokenize_many`` (a context manager)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    return ctx.Pool(_workers())


@dataclass
class Terms:
    """Per passage, its distinct token ids and their counts: passage i owns ``ids[offsets[i]:offsets[i+1]]``."""

    ids: np.ndarray      # int32
    tfs: np.ndarray      # int32 counts
    offsets: np.ndarray  # int64, passages + 1

    @classmethod
    def from_token_ids(cls, docs: list[list[int]]) -> "Terms":
        lengths = np.fromiter((len(d) for d in docs), np.int64, len(docs))
        flat = np.fromiter(itertools.chain.from_iterable(docs), np.int64, int(lengths.sum()))
        width = int(flat.max()) + 1 if len(flat) else 1
        keys, tfs = np.unique(np.repeat(np.arange(len(docs), dtype=np.int64), lengths) * width + flat,
                              return_counts=True)  # (passage, token) pairs, sorted
        offsets = np.zeros(len(docs) + 1, np.int64)
        np.cumsum(np.bincount(keys // width, minlength=len(docs)), out=offsets[1:])
        return cls((keys % width).astype(np.int32), tfs.astype(np.int32), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def take(self, rows: np.ndarray) -> "Terms":
        """The terms of the given passages, in that order."""
        rows = np.asarray(rows, np.int64)
        starts, ends = self.offsets[rows], self.offsets[rows + 1]
        lengths = ends - starts
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        picks = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        return Terms(np.asarray(self.ids[picks], np.int32), np.asarray(self.tfs[picks], np.int32), offsets)

    @staticmethod
    def concat(parts: list["Terms"]) -> "Terms":
        parts = [p for p in parts if len(p)]
        if not parts:
            return Terms(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(1, np.int64))
        offsets, base = [np.zeros(1, np.int64)], 0
        for p in parts:
            offsets.append(p.offsets[1:] + base)
            base += int(p.offsets[-1])
        return Terms(np.concatenate([p.ids for p in parts]), np.concatenate([p.tfs for p in parts]),
                     np.concatenate(offsets))

    def save(self, directory: Path, save=np.save) -> None:
        save(directory / "terms_ids.npy", self.ids)
        save(directory / "terms_tfs.npy", self.tfs)
        save(directory / "terms_offsets.npy", self.offsets)

    @classmethod
    def load(cls, directory: Path) -> "Terms":
        return cls(*(np.load(directory / f"terms_{n}.npy", mmap_mode="r") for n in ("ids", "tfs", "offsets")))


def bm25_matrix(terms: Terms, vocab_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(indptr by token id, passage rows, scores): BM25 of every (token, passage) pair, grouped by token and,
    within a token, by passage. Made in slices of passages: memory beyond the result stays small."""
    n = len(terms)
    lengths = np.diff(terms.offsets)
    doc_len = np.add.reduceat(terms.tfs.astype(np.float64), terms.offsets[:-1]) if len(terms.ids) else np.zeros(n)
    doc_len = np.where(lengths > 0, doc_len, 1.0)  # bm25s indexes an empty passage as the token ""
    avg = float(doc_len.mean()) if n else 1.0
    df = np.bincount(terms.ids, minlength=vocab_size)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
    norm = (K1 * ((1 - B) + B * doc_len / avg)).astype(np.float32)  # per passage
    indptr = np.zeros(vocab_size + 1, np.int64)
    np.cumsum(df, out=indptr[1:])
    docs, scores = np.empty(len(terms.ids), np.int32), np.empty(len(terms.ids), np.float32)
    cursor = indptr[:-1].copy()  # where each token's next posting goes
    step = max(1, int(n * BM25_SLICE / max(1, len(terms.ids))))
    for start in range(0, n, step):
        end = min(n, start + step)
        lo, hi = int(terms.offsets[start]), int(terms.offsets[end])
        ids, tf = np.asarray(terms.ids[lo:hi]), np.asarray(terms.tfs[lo:hi]).astype(np.float32)
        rows = np.repeat(np.arange(start, end, dtype=np.int32), lengths[start:end])
        part = idf[ids] * tf / (norm[rows] + tf)
        order = np.argsort(ids, kind="stable")
        ids = ids[order]
        counts = np.bincount(ids, minlength=vocab_size)
        first = np.cumsum(counts) - counts  # each token's first place in this slice
        at = cursor[ids] + (np.arange(len(ids)) - first[ids])
        docs[at], scores[at] = rows[order], part[order]
        cursor += counts
    return indptr, docs, scores


def idf_of(passages: int, df: int) -> float:
    """BM25 IDF of a token found in ``df`` of ``passages`` passages (bm25s's, as in ``bm25_matrix``)."""
    n = max(1, passages)
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


class KeywordIndex:
    """BM25 postings by token id (memory-mapped), for one generation of ``size`` passages."""

    def __init__(self, indptr: np.ndarray, docs: np.ndarray, scores: np.ndarray, size: int):
        self.indptr, self.docs, self.scores_by_token, self.size = indptr, docs, scores, size

    @classmethod
    def build(cls, terms: Terms, vocab_size: int) -> "KeywordIndex":
        return cls(*bm25_matrix(terms, vocab_size), len(terms))

    def save(self, directory: Path, save=np.save) -> None:
        save(directory / "bm25_indptr.npy", self.indptr)
        save(directory / "bm25_docs.npy", self.docs)
        save(directory / "bm25_scores.npy", self.scores_by_token)

    @classmethod
    def load(cls, directory: Path, size: int) -> "KeywordIndex":
        return cls(*(np.load(directory / f"bm25_{n}.npy", mmap_mode="r") for n in ("indptr", "docs", "scores")),
                   size)

    def df(self, token_id: int | None) -> int:
        if token_id is None or not 0 <= token_id < len(self.indptr) - 1:
            return 0
        return int(self.indptr[token_id + 1] - self.indptr[token_id])

    def idf(self, token_ids: dict[str, int | None]) -> dict[str, float]:
        """BM25-style IDF of each token over the indexed passages; unseen words weigh the most."""
        return {t: idf_of(self.size, self.df(i)) for t, i in token_ids.items()}

    def postings(self, token_ids: list[int], allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, summed scores) of the passages holding any of ``token_ids`` (each occurrence counts, as in
        bm25s), rows ascending; ``allowed``: a sorted array of the rows that may be returned."""
        slices = [(int(self.indptr[i]), int(self.indptr[i + 1])) for i in token_ids
                  if 0 <= i < len(self.indptr) - 1]
        total = sum(e - s for s, e in slices)
        if not total:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if total > self.size // 4:  # common tokens: one dense sum is cheaper than sorting the postings
            summed = np.zeros(self.size, np.float32)
            for s, e in slices:
                _add_unique(summed, self.docs[s:e], self.scores_by_token[s:e])
            rows = np.flatnonzero(summed > 0) if allowed is None else allowed[summed[allowed] > 0]
            return rows.astype(np.int64), summed[rows]
        docs = np.concatenate([self.docs[s:e] for s, e in slices])
        scores = np.concatenate([self.scores_by_token[s:e] for s, e in slices])
        rows, inverse = np.unique(docs, return_inverse=True)
        summed = np.bincount(inverse, weights=scores, minlength=len(rows)).astype(np.float32)
        if allowed is not None:
            keep = _isin_sorted(rows, allowed)
            rows, summed = rows[keep], summed[keep]
        return rows.astype(np.int64), summed


def _add_unique(target: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    target[rows] += values  # a token's postings name each passage once


def _isin_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    if not len(sorted_set):
        return np.zeros(len(values), bool)
    at = np.searchsorted(sorted_set, values).clip(0, len(sorted_set) - 1)
    return sorted_set[at] == values
