"""The words of a question or a sentence: its content words, whole words, short forms and whole numbers."""
from __future__ import annotations

import functools
import re

from ..corpus.normalize import normalize_for_index
from ..index.backend import QUERY_STOPWORDS


def says(word: str, text: str) -> bool:
    """``word`` is in ``text``, or its characters are, in order, within twice its length: the short form names
    the full one (电动车 in 电动自行车, 书报 in 书籍报刊). Not after 副 or 非: 副主任医师 is no 主任医师."""
    return any(m.end() - m.start() <= 2 * len(word) for m in abbreviation_of(word).finditer(text))


@functools.lru_cache(maxsize=4096)
def abbreviation_of(word: str) -> re.Pattern:
    gap = f"[^，。；,;：:]{{0,{len(word) - 1}}}?"
    return re.compile("(?<![副非])" + gap.join(re.escape(ch) for ch in word))


@functools.lru_cache(maxsize=4096)
def words_of(sentence: str) -> frozenset[str]:
    """jieba's words of a sentence (whole words: 综合 is not a word of 住院综合楼)."""
    import jieba

    return frozenset(jieba.cut(normalize_for_index(sentence)))


def content_words(text: str) -> list[str]:
    """The nouns, names and abbreviations of normalised ``text`` (two characters or more): what it is about."""
    words = (w for w, flag in posseg(text) if flag.startswith(NOUN_FLAGS) and len(w) >= 2)
    return list(dict.fromkeys(w for w in words if w not in QUERY_STOPWORDS))


def says_number(text: str):
    """Whether ``text`` says a number as a whole number (第201号, not the 201 of 2019年)."""
    return lambda number: re.search(rf"(?<!\d){number}(?!\d)", text) is not None


NOUN_FLAGS = ("n", "vn", "j", "l", "eng", "s")  # jieba's tags of nouns, names, abbreviations and set phrases


_AFTER_YEAR = re.compile(r"(?<=\d年)")  # 2019年 ends a word: jieba would read 2019/年老/旧 in 2019年老旧


def posseg(text: str) -> list[tuple[str, str]]:
    """jieba's words of ``text`` with their part-of-speech tags, a year (2019年) never glued to the word after it."""
    import jieba.posseg

    return [(w, flag) for piece in _AFTER_YEAR.split(text) for w, flag in jieba.posseg.cut(piece)]
