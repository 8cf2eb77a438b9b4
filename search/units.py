"""Answer units: the sentences of retrieved passages (long ones cut at commas into runs of clauses), trimmed of
markup, with offsets in their letter's body; one copy of each."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..corpus.metadata import ADDRESSEE, CATEGORY_LABELLED, CATEGORY_MARKED, PAGE_LABEL_ALONE, SALUTATION
from ..corpus.normalize import normalize_for_match, to_simplified
from ..corpus.text import clauses, sentences

MAX_UNIT = 90            # longer sentences are cut at commas into pieces of about this many characters
_CONTENT = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")
_LABEL_AND_VALUE = re.compile(r"^[(（]?[\u4e00-\u9fff]{2,6}\s*[:：]\s*[\u4e00-\u9fff0-9A-Za-z]")  # a page's label and its value
_MARKUP = re.compile(r"^[\s*#>|]+|[\s*#|]+$")


@dataclass
class Unit:
    """A sentence (or a piece of a long one) of a passage, with offsets in its letter's body."""

    passage: int
    letter_id: str
    section: str
    text: str
    start: int
    end: int
    norm: str = ""
    features: dict = field(default_factory=dict)
    score: float = 0.0
    span: tuple[int, int] | None = None
    sentence: str = ""  # the whole sentence a piece was cut from (itself when not cut)


def split_units(passage: dict, number: int) -> list[Unit]:
    """Sentences of a passage (long ones cut at commas), trimmed of markup, with letter-body offsets."""
    text, base = passage["text"], int(passage.get("start") or 0)
    units = []
    for s, e in _labelled(text, sentences(text)):
        for start, end in _pieces(text, s, e):
            lead = _MARKUP.match(text, start, end)
            start = lead.end() if lead else start
            while end > start and text[end - 1] in " \t*#|，,、：:":
                end -= 1
            salute = ADDRESSEE.match(to_simplified(text[start:e]))  # 魏朝凡代表： (張玲等委員：) says who proposed
            end = max(end, start + salute.end()) if salute else end
            piece = text[start:end]
            if len(_CONTENT.findall(piece)) < 6 and not salute and not CATEGORY_LABELLED.match(piece) \
                    and not CATEGORY_MARKED.match(piece) and not _LABEL_AND_VALUE.match(piece):  # 办理结果:B, A:解决采纳, 签发人:卢华
                continue
            units.append(Unit(number, passage["letter_id"], passage.get("section") or "", piece,
                              base + start, base + end, sentence=text[s:e]))
    return units


def _labelled(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with a page label alone on its line (发文日期) joined to the line after it, its value, unless that
    line is the salutation (文号, left empty, then 李涛、魏春梅委员:)."""
    joined = []
    for start, end in spans:
        if joined and PAGE_LABEL_ALONE.match(text[slice(*joined[-1])]) and "\n" in text[joined[-1][1]:start + 1] \
                and not SALUTATION.match(to_simplified(text[start:end])):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


# A clause that only says when (2020年8月24日, ; 自2021年以来,) belongs with the clause it dates, never cut from it.
_WHEN_CLAUSE = re.compile(r"(?:于|在|自|从|截至|截止到?|到)?(?=[^，,]*\d)(?:(?:19|20)\d{2}\s*年)?(?:\d{1,2}\s*月)?(?:\d{1,2}\s*[日号])?"
                          r"(?:以来|起|底|初|上旬|中旬|下旬|前后)?[，,]")


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``start:end`` as one piece, or, when longer than MAX_UNIT, as runs of whole clauses; never cut right after
    a clause that only says when (…高度重视,2020年8月24日, | 派出工作组…: the date is the next clause's)."""
    if end - start <= MAX_UNIT:
        return [(start, end)]
    pieces, piece_start = [], start
    for opens, cut in clauses(text, start, end)[:-1]:
        if cut - piece_start >= MAX_UNIT * 2 // 3 and not _WHEN_CLAUSE.fullmatch(text, opens, cut):
            pieces.append((piece_start, cut))
            piece_start = cut
    if end - piece_start < 12 and pieces:
        pieces[-1] = (pieces[-1][0], end)
    else:
        pieces.append((piece_start, end))
    return pieces


def dedupe(units: list[Unit]) -> list[Unit]:
    """One copy of each sentence (overlapping chunks and copied letters repeat them), the best-ranked one."""
    seen, kept = set(), []
    for unit in units:
        key = normalize_for_match(unit.text)
        if key in seen:
            continue
        seen.add(key)
        kept.append(unit)
    return kept
