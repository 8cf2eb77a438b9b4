"""The keyword side of the index: jieba tokens of normalised text, scored with BM25 (bm25s)."""
from __future__ import annotations

import logging
import math
from pathlib import Path

import bm25s
import jieba
import numpy as np

jieba.setLogLevel(logging.WARNING)

# Question words and particles that say what is asked, not what it is about.
QUERY_STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 是 在 有 和 与 及 或 对 把 被 给 从 向 为 就 都 也 还 又 将 要 会 能 可以 "
    "多少 几 几个 什么 哪些 哪个 哪里 哪 谁 怎么 怎样 如何 为什么 是否 有没有 多大 多久 多长 何时 "
    "什么时候 请问 一下 情况 有关 关于 问题 我们 你们 他们 这个 那个 其中 目前 现在 一共 总共 共".split()
)


def tokenize(text: str) -> list[str]:
    """Search-engine jieba tokens of already normalised text, without whitespace or punctuation."""
    return [t for t in jieba.cut_for_search(text) if t.strip() and _is_word(t)]


def query_tokens(text: str) -> list[str]:
    """Tokens of a normalised query with the question words removed (all of them if nothing else is left)."""
    tokens = tokenize(text)
    content = [t for t in tokens if t not in QUERY_STOPWORDS]
    return content or tokens


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


class KeywordIndex:
    """BM25 over tokenised passages; ``scores`` returns one score per passage."""

    def __init__(self, retriever: bm25s.BM25, size: int):
        self.retriever = retriever
        self.size = size

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> "KeywordIndex":
        retriever = bm25s.BM25()
        documents = [tokens or [""] for tokens in token_lists]
        retriever.index(documents or [["", "empty"]], show_progress=False)  # bm25s needs one document
        return cls(retriever, len(token_lists))

    def scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.retriever.vocab_dict]
        if not known or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(known), dtype=np.float32)

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """BM25-style IDF of each token over the indexed passages; unseen words weigh the most."""
        n = max(1, self.size)
        indptr = self.retriever.scores["indptr"]
        out = {}
        for token in tokens:
            tid = self.retriever.vocab_dict.get(token)
            df = int(indptr[tid + 1] - indptr[tid]) if tid is not None and tid + 1 < len(indptr) else 0
            out[token] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return out

    def save(self, directory: Path) -> None:
        self.retriever.save(str(directory))

    @classmethod
    def load(cls, directory: Path, size: int) -> "KeywordIndex":
        return cls(bm25s.BM25.load(str(directory)), size)
