"""Where a query's words occur in a passage, as character spans (for marking, never for building HTML)."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from opencc import OpenCC

from ..corpus.normalize import normalize_for_index
from ..index.backend import query_tokens

_T2S = OpenCC("t2s")


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    """One character folded like the index folds it (width, case, script), or itself if that changes length."""
    folded = _T2S.convert(unicodedata.normalize("NFKC", ch)).lower()
    return folded if len(folded) == 1 else ch


def term_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Non-overlapping ``(start, end)`` spans of the query's content words in ``text``, longest first."""
    folded = "".join(_fold_char(ch) for ch in text)
    tokens = set(query_tokens(normalize_for_index(query)))
    terms = sorted({t for t in tokens if len(t) > 1} or tokens, key=len, reverse=True)
    taken = [False] * len(text)
    spans = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            if not any(taken[start:end]):
                spans.append((start, end))
                taken[start:end] = [True] * len(term)
            start = folded.find(term, end)
    return sorted(spans)


def mark_terms(text: str, query: str, before: str, after: str) -> str:
    """``text`` with each query word wrapped in ``before``/``after`` (plain text output only)."""
    out, last = [], 0
    for start, end in term_spans(text, query):
        out += [text[last:start], before, text[start:end], after]
        last = end
    return "".join(out + [text[last:]])
