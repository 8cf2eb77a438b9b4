"""What dafu sends Milvus: filter expressions over the passages' filter fields, and the texts its jieba
analyzer reads (a passage's, and a query's from dafu's tokens) so that Milvus's BM25 counts dafu's tokens."""
from __future__ import annotations

import functools
import re
from collections import Counter

from .backend import Filter

KEYWORD_SYMBOLS = "+#&._%-"  # jieba keeps these inside words (3.5%, a-b); alone they are no word


def literal(value: str) -> str:
    """``value`` as a double-quoted string of a Milvus filter expression."""
    value = "".join(ch for ch in str(value) if ch >= " ")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def filter_expr(where: Filter | None, letter_ids=None) -> str | None:
    """The Milvus expression of ``where`` over the passages' filter fields ("" for none, None when nothing can
    match). ``letter_ids``: the letters ``where`` allows, used for a value that holds LIKE's wildcards."""
    if where is None:
        return ""
    parts = []
    for name in ("agency", "region"):
        value = getattr(where, name)
        if value in (None, ""):
            continue
        if "%" in value or "_" in value:  # LIKE has no escape: match by letter instead
            allowed = letter_ids(where)
            if not allowed:
                return None
            parts.append(f"letter_id in [{', '.join(literal(i) for i in allowed)}]")
        else:
            parts.append(f"{name} like {literal('%' + value + '%')}")
    if where.year not in (None, ""):
        parts.append(f"year == {literal(where.year)}" if re.fullmatch(r"\d{4}", where.year)
                     else f"date like {literal(where.year.replace('%', '').replace('_', '') + '%')}")
    if where.category not in (None, ""):
        parts.append(f"category == {literal(where.category)}")
    if where.letter_ids is not None:
        if not where.letter_ids:
            return None
        parts.append(f"letter_id in [{', '.join(literal(i) for i in sorted(where.letter_ids))}]")
    return " and ".join(parts)


def keyword_text(text: str) -> str:
    """What the jieba analyzer reads for a passage: its indexed text with punctuation turned into spaces, so
    that Milvus's tokens are dafu's (``keyword.tokenize`` keeps only tokens with a letter or digit)."""
    kept = "".join(ch if ch.isalnum() or ch.isspace() or ch in KEYWORD_SYMBOLS else " " for ch in text)
    return re.sub(f"[{re.escape(KEYWORD_SYMBOLS)}]{{2,}}", " ", kept)


def analyzer_params() -> dict:
    """jieba in search mode (``cut_for_search``, as ``keyword.tokenize``); the symbols alone are stop words."""
    return {"tokenizer": {"type": "jieba", "mode": "search"},
            "filter": [{"type": "stop", "stop_words": list(KEYWORD_SYMBOLS)}]}


@functools.lru_cache(maxsize=1)
def _analyzer():
    from milvus_lite.analyzer.factory import create_analyzer

    return create_analyzer(analyzer_params())


@functools.lru_cache(maxsize=65536)
def _analysed(token: str) -> tuple[str, ...]:
    return tuple(_analyzer().tokenize(token))


def query_text(tokens: list[str]) -> str:
    """A query text whose analysis is ``tokens``: jieba's search mode adds a word's known two- and
    three-character parts, so only the words no longer word holds are written (longest first)."""
    need, covered, words = Counter(tokens), Counter(), []
    for token in sorted(need, key=len, reverse=True):
        while covered[token] < need[token]:
            words.append(token)
            covered.update(_analysed(token))
    return " ".join(words)
