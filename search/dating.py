"""What year a sentence of a letter dates itself with: its own, the long sentence it was cut from, the items
before it, its heading, or the paragraph before it; whether that is the year a question asks."""
from __future__ import annotations

import re

from ..corpus.normalize import normalize_for_index
from ..corpus.text import FULL_STOPS, GLUED_YEAR, GLUED_YEAR_MONTH
from .units import Unit

YEAR = re.compile(r"(?:19|20)\d{2}(?=\s*年|\b)")


def years_said(unit: Unit, body: str = "", find=None) -> list[str]:
    """The years a sentence dates itself with: its own, else those of the long sentence it was cut from (2023年…,
    …总投资3000万元), else those of the items before it in its sentence of ``body`` (2018年,…;…;优良天数168天),
    else its heading's; or, with ``find``, what else dates it that way (the periods of five-year plans)."""
    find = find or years_named
    return (find(unit.norm) or find(normalize_for_index(unit.sentence))
            or find(normalize_for_index(body[sentence_start(body, unit.start):unit.start]))
            or find(normalize_for_index(unit.section)))


_SPAN = re.compile(r"以来|累计|截至|截止|近年|历年|十[一二三四五六]五")  # a sentence dated by a span of years


def dated_as_asked(unit: Unit, letter: dict, years: tuple[str, ...]) -> bool:
    """A year asked dates the sentence: one of the years it says (``years_said``), or, saying none and no span of
    its own (十三五以来…累计), the year named before it (``year_before``): 最终认定…等10家 under a paragraph on
    2020年度 认定."""
    said = years_said(unit, letter.get("body", ""))
    if said:
        return bool(set(said) & set(years))
    return not _SPAN.search(unit.norm) and year_before(unit, letter, years)


def year_before(unit: Unit, letter: dict, years: tuple[str, ...]) -> bool:
    """A year asked is named by the letter's title or in the paragraph before the sentence, or the sentence says
    今年 in a letter of that year."""
    body = letter.get("body", "")
    before = normalize_for_index(str(letter.get("title") or "") + body[body.rfind("\n", 0, unit.start) + 1:unit.start])
    return any(year in before for year in years) or bool(
        re.search("今年|本年|当年", unit.norm) and str(letter.get("date") or "")[:4] in years)


def sentence_start(body: str, at: int) -> int:
    """Where the sentence holding offset ``at`` of ``body`` begins (its items cut at ；are pieces of it)."""
    return max(body.rfind(mark, 0, at) for mark in FULL_STOPS + "\n") + 1


def years_named(text: str) -> list[str]:
    """The years ``text`` names: 2023年, and 2023 of 20235月 or of ,2023岑巩… (a page that lost 年)."""
    return YEAR.findall(text) + [m["year"] for pattern in (GLUED_YEAR_MONTH, GLUED_YEAR) for m in pattern.finditer(text)]
